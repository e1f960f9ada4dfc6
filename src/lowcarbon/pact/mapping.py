"""From our ``Footprint`` result and a study's metadata to a PACT v3 ProductFootprint, and from a supplier's
ProductFootprint to a ``Factor`` a product model links (counted as primary data). README.md tables every field.

``to_product_footprint(footprint, publication)`` takes the figures from the result and what the result does not know
(who publishes, the product's identifiers, the reference period, geography) from ``Publication``. It refuses, with
InvalidInput naming what to give, what PACT cannot carry: a negative fossil figure, a declared unit PACT has no
unit for unless the publication maps it, a missing fossil carbon content (mandatory in v3). ``to_factor`` is the
way back: the PCF per one of its declared units, split by carbon origin so our computation reports it on the same
lines, with its primaryDataShare (100 when the PCF gives none: the supplier's own figure is primary data to us).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from lowcarbon.errors import InvalidInput
from lowcarbon.factors.model import DataQuality, Emission, Factor
from lowcarbon.footprint.result import Footprint
from lowcarbon.pact.model import (
    SPEC_VERSION,
    CarbonFootprint,
    DataQualityIndicators,
    ProductFootprint,
    ProductOrSectorSpecificRule,
    lifecycle_problems,
)
from lowcarbon.pact.types import date_time_text, decimal_text, decimal_value
from lowcarbon.units import parse_unit, registry

__all__ = ["FACTOR_UNITS", "Publication", "pact_unit", "to_factor", "to_product_footprint"]

# PACT's declaredUnitOfMeasurement -> the unit our registry writes it in (lowcarbon.units)
FACTOR_UNITS: dict[str, str] = {
    "liter": "l",
    "kilogram": "kg",
    "cubic meter": "m3",
    "kilowatt hour": "kWh",
    "megajoule": "MJ",
    "ton kilometer": "tkm",
    "square meter": "m2",
    "piece": "item",
    "hour": "hour",
    "megabit second": "megabit * second",
}
# Declared units that are not amounts of a material: PACT asks productMassPerDeclaredUnit = 0 for them
_MASSLESS = frozenset({"kilowatt hour", "megajoule", "ton kilometer", "hour", "megabit second"})
_STANDARDS = ("ISO14067",)  # what lowcarbon's computation follows (GB/T 24067 is ISO 14067's national adoption)


@dataclass(frozen=True)
class Publication:
    """What a ProductFootprint needs beyond the footprint result: the data owner, the product, the scope in time
    and space, and the footprint's place among its versions."""

    id: str  # the new footprint's UUID
    created: datetime
    company_name: str
    company_ids: tuple[str, ...]  # URNs of the data owner
    product_ids: tuple[str, ...]  # URNs of the product
    product_name: str  # productNameCompany; the footprint's product when empty
    reference_period: tuple[date, date]  # start included, end excluded
    product_description: str = ""
    classifications: tuple[str, ...] = ()  # URNs
    country: str | None = None  # ISO 3166-1 alpha-2
    region: str | None = None  # a UN M49 region PACT lists
    subdivision: str | None = None  # ISO 3166-2
    # our declared unit as PACT writes it, when PACT has no unit for it: e.g. ("piece", "1") for "1 kW" of a module
    declared_unit: tuple[str, str] | None = None
    product_mass_kg: float | None = None  # per declared unit; derived for mass units, 0 for energy and services
    preceding_ids: tuple[str, ...] = ()
    status: str = "Active"
    comment: str | None = None
    fossil_carbon_content: float | None = None  # kg C per declared unit, when the model does not state it
    biogenic_carbon_content: float | None = None  # likewise (optional in v3, required to serve v2.3)
    secondary_sources: tuple[tuple[str, str], ...] = field(default=())  # (database, version)


def pact_unit(declared_unit: str) -> tuple[str, str]:
    """PACT's (declaredUnitOfMeasurement, declaredUnitAmount) for our declared unit ("1 kg", "1000 kWh", "1 t")."""
    amount_text, _, unit_text = declared_unit.strip().partition(" ")
    try:
        amount = float(amount_text)
        unit = parse_unit(unit_text, "declared_unit")
    except (ValueError, Exception) as exc:
        raise InvalidInput(f"declared unit {declared_unit!r} is not an amount and a unit ({exc})") from None
    ureg = registry()
    for name, ours in FACTOR_UNITS.items():
        target = ureg.Unit(ours)
        if unit.dimensionality == target.dimensionality:
            value = ureg.Quantity(amount, unit).to(target).magnitude
            return name, decimal_text(value)
    raise InvalidInput(
        f"PACT has no declared unit for {unit_text!r}: say what {declared_unit} is in one of "
        f"{', '.join(FACTOR_UNITS)} (e.g. 1 piece)"
    )


def _optional(value: float | None) -> str | None:
    return decimal_text(value) if value is not None else None


def _product_mass(unit: str, amount: str, publication: Publication) -> str:
    if publication.product_mass_kg is not None:
        return decimal_text(publication.product_mass_kg)
    if unit == "kilogram":
        return amount
    if unit in _MASSLESS:
        return "0"
    raise InvalidInput(f"give the product's mass in kg per declared unit ({amount} {unit}): PACT v3 requires it")


def _geography(publication: Publication) -> dict[str, str]:
    given = {
        "geographyRegionOrSubregion": publication.region,
        "geographyCountry": publication.country,
        "geographyCountrySubdivision": publication.subdivision,
    }
    return {name: value for name, value in given.items() if value}


def _dqi(footprint: Footprint) -> DataQualityIndicators | None:
    ratings = footprint.data_quality
    if not all(name in ratings for name in ("technological", "geographical", "temporal")):
        return None  # PACT's dqi needs all three
    return DataQualityIndicators(
        technologicalDQR=decimal_text(ratings["technological"]),
        geographicalDQR=decimal_text(ratings["geographical"]),
        temporalDQR=decimal_text(ratings["temporal"]),
    )


def _ipcc(characterization: str) -> list[str]:
    reports = [word for word in characterization.replace("-", " ").split() if word.startswith("AR")]
    if not reports:
        raise InvalidInput(f"characterization {characterization!r} names no IPCC assessment report (AR5, AR6)")
    return reports[:1]


def _not_negative(value: float, what: str) -> str:
    if value < 0:
        raise InvalidInput(f"{what} is {value:g} kg CO2e, below 0, which PACT does not allow")
    return decimal_text(value)


def _moment(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def to_product_footprint(footprint: Footprint, publication: Publication) -> ProductFootprint:
    """The ProductFootprint of ``footprint`` as ``publication`` describes it; InvalidInput for what PACT refuses."""
    unit, amount = publication.declared_unit or pact_unit(footprint.declared_unit)
    fossil_content = (
        footprint.fossil_carbon_content
        if footprint.fossil_carbon_content is not None
        else publication.fossil_carbon_content
    )
    if fossil_content is None:
        raise InvalidInput(
            "PACT v3 requires the product's fossil carbon content: state fossil_carbon_content_kg_c in the model"
        )
    start, end = publication.reference_period
    removals = min(footprint.biogenic_removals, 0.0)
    pcf = CarbonFootprint(
        declaredUnitOfMeasurement=unit,  # type: ignore[arg-type]
        declaredUnitAmount=amount,
        productMassPerDeclaredUnit=_product_mass(unit, amount, publication),
        referencePeriodStart=_moment(start),
        referencePeriodEnd=_moment(end),
        boundaryProcessesDescription=footprint.boundary,
        pcfExcludingBiogenicUptake=decimal_text(footprint.excluding_biogenic_uptake),
        pcfIncludingBiogenicUptake=decimal_text(footprint.including_biogenic_uptake),
        fossilCarbonContent=decimal_text(fossil_content),
        biogenicCarbonContent=(
            decimal_text(footprint.biogenic_carbon_content)
            if footprint.biogenic_carbon_content is not None
            else _optional(publication.biogenic_carbon_content)
        ),
        fossilGhgEmissions=_not_negative(footprint.fossil, "the fossil footprint"),
        landUseChangeGhgEmissions=_not_negative(footprint.land_use_change, "the land-use change footprint"),
        biogenicCO2Uptake=decimal_text(removals),
        aircraftGhgEmissions=_not_negative(footprint.aircraft, "the aircraft footprint"),
        ipccCharacterizationFactors=_ipcc(footprint.characterization),
        crossSectoralStandards=list(_STANDARDS),
        productOrSectorSpecificRules=(
            [ProductOrSectorSpecificRule(operator="Other", ruleNames=[footprint.pcr], otherOperatorName="lowcarbon")]
            if footprint.pcr
            else None
        ),
        exemptedEmissionsPercent=decimal_text(footprint.exempted_percent),
        secondaryEmissionFactorSources=(
            [{"name": name, "version": version} for name, version in publication.secondary_sources]  # type: ignore[misc]
            or None
        ),
        primaryDataShare=decimal_text(100 * footprint.primary_data_share),
        dqi=_dqi(footprint),
        **_geography(publication),  # type: ignore[arg-type]
    )
    product = ProductFootprint(
        id=publication.id,
        specVersion=SPEC_VERSION,
        precedingPfIds=list(publication.preceding_ids) or None,
        created=date_time_text(publication.created),
        status=publication.status,  # type: ignore[arg-type]
        companyName=publication.company_name,
        companyIds=list(publication.company_ids),
        productDescription=publication.product_description,
        productIds=list(publication.product_ids),
        productClassifications=list(publication.classifications) or None,
        productNameCompany=publication.product_name or footprint.product,
        comment=publication.comment,
        pcf=pcf,
    )
    problems = lifecycle_problems(product)
    if problems:
        raise InvalidInput("; ".join(problems))
    return product


def to_factor(footprint: ProductFootprint, factor_set: str = "pact") -> Factor:
    """A supplier's PCF as an emission factor per one of its declared units (a model links ``<set>/<pf id>``).

    Its figures are kg CO2e already characterized by the supplier's IPCC report, so each is carried as that much
    CO2 (whose GWP is 1 in every set) and is not characterized again: fossilGhgEmissions as fossil,
    landUseChangeGhgEmissions as land-use change, the rest of pcfExcludingBiogenicUptake as biogenic (as fossil when
    it is a net removal, so that our biogenic uptake stays the PCF's), and pcfIncluding minus pcfExcluding as
    biogenic CO2 (its uptake, negative).
    """
    pcf = footprint.pcf
    per = 1 / decimal_value(pcf.declaredUnitAmount)
    excluding = decimal_value(pcf.pcfExcludingBiogenicUptake)
    fossil = decimal_value(pcf.fossilGhgEmissions)
    land = decimal_value(pcf.landUseChangeGhgEmissions or "0")
    rest = excluding - fossil - land
    uptake = decimal_value(pcf.pcfIncludingBiogenicUptake) - excluding
    parts: list[tuple[Decimal, str]] = [
        (fossil, "fossil"),
        (land, "land_use_change"),
        (rest, "biogenic" if rest >= 0 else "fossil"),
        (uptake, "biogenic"),
    ]
    emissions = tuple(
        Emission("CO2", float(value * per), origin)  # type: ignore[arg-type]
        for value, origin in parts
        if value != 0
    )
    dqi = pcf.dqi
    quality = (
        DataQuality(
            technological=float(dqi.technologicalDQR),
            temporal=float(dqi.temporalDQR),
            geographical=float(dqi.geographicalDQR),
        )
        if dqi is not None
        else DataQuality()
    )
    share = decimal_value(pcf.primaryDataShare) / 100 if pcf.primaryDataShare is not None else Decimal(1)
    reports = ", ".join(pcf.ipccCharacterizationFactors)
    return Factor(
        id=footprint.id,
        name=footprint.productNameCompany,
        unit=FACTOR_UNITS[pcf.declaredUnitOfMeasurement],
        geography=pcf.geography or "GLO",
        source=f"PACT product footprint {footprint.id} of {footprint.companyName}",
        factor_set=factor_set,
        year=int(pcf.referencePeriodStart[:4]),
        emissions=emissions or (Emission("CO2", 0.0, "fossil"),),
        co2e_basis=f"IPCC {reports} (the supplier's)",
        category="supplier footprint",
        boundary=pcf.boundaryProcessesDescription or "",
        data_quality=quality,
        notes=f"status {footprint.status}; kg CO2e carried as CO2, characterized with {reports} by the supplier",
        primary_data_share=float(share),
    )
