"""PACT v3's data model: ProductFootprint and its CarbonFootprint, as pydantic models validating a document.

Written from the PACT Technical Specifications v3.0.3 (github.com/wbcsd/data-exchange-protocol, spec/v3): the
OpenAPI schema (``components/schemas``), which the specification's §Data Model > OpenAPI Schema makes the
authoritative technical reference, and the normative text of §Data Model and §Product Footprint Lifecycle. Field
names are the specification's own, so a model dumps to the JSON it was read from. What each check enforces:

- required properties are present and not null (§Qualifiers "Required"); an optional one may be absent or null,
  both meaning undefined (§Undefined Properties), and is left out when dumped (``to_json``);
- arrays marked ``minItems: 1`` / ``uniqueItems`` are non-empty / without repeats;
- decimals are decimal strings with the sign each property allows (``types``), ids are UUIDs, identifiers URNs,
  times RFC 3339 date-times, enumerations the listed values;
- ``CarbonFootprint``: at most one of geographyRegionOrSubregion, geographyCountry, geographyCountrySubdivision
  (the schema's ``oneOf``; none means global).

The rules of the specification's text that the schema does not carry (the validity period lies within
referencePeriodEnd and referencePeriodEnd + 3 years, §Validity Period; the reference period ends after it starts) are
``lifecycle_problems``: our own documents keep them (``mapping`` checks before publishing), but a document received
is validated by the schema alone, as §Data Model > Validation says ("inter-machine communication is governed solely
by the OpenAPI schema"); the specification's own examples break the validity rule.

Properties the schema does not name are kept (``extra="allow"``): the schema does not forbid them, and
crossSectoralStandards must accept values of later revisions.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from lowcarbon.pact.types import (
    DateTime,
    DecimalText,
    Dqr,
    NegativeOrZero,
    NonEmptyString,
    Percent,
    PfId,
    PositiveNonZero,
    PositiveOrZero,
    Urn,
    parse_date_time,
    unique,
)

__all__ = [
    "DECLARED_UNITS",
    "REGIONS",
    "SPEC_VERSION",
    "CarbonFootprint",
    "DataModelExtension",
    "DataQualityIndicators",
    "DeclaredUnitOfMeasurement",
    "EmissionFactorSource",
    "PactModel",
    "ProductFootprint",
    "ProductOrSectorSpecificRule",
    "Verification",
    "lifecycle_problems",
]

SPEC_VERSION = "3.0.3"  # the revision of the specification these models follow, and that our documents declare

DeclaredUnitOfMeasurement = Literal[
    "liter",
    "kilogram",
    "cubic meter",
    "kilowatt hour",
    "megajoule",
    "ton kilometer",
    "square meter",
    "piece",
    "hour",
    "megabit second",
]
DECLARED_UNITS: tuple[str, ...] = DeclaredUnitOfMeasurement.__args__  # type: ignore[attr-defined]

# geographyRegionOrSubregion: the UN M49 regions and sub-regions the schema lists
Region = Literal[
    "Africa",
    "Americas",
    "Asia",
    "Europe",
    "Oceania",
    "Australia and New Zealand",
    "Central Asia",
    "Eastern Asia",
    "Eastern Europe",
    "Latin America and the Caribbean",
    "Melanesia",
    "Micronesia",
    "Northern Africa",
    "Northern America",
    "Northern Europe",
    "Polynesia",
    "South-eastern Asia",
    "Southern Asia",
    "Southern Europe",
    "Sub-Saharan Africa",
    "Western Asia",
    "Western Europe",
]
REGIONS: tuple[str, ...] = Region.__args__  # type: ignore[attr-defined]


class PactModel(BaseModel):
    """A part of a PACT document: fields by their specification names, unknown properties kept."""

    model_config = ConfigDict(extra="allow", frozen=True)

    def to_json(self) -> dict[str, Any]:
        """The JSON object, undefined properties left out."""
        return self.model_dump(mode="json", exclude_none=True)


class DataQualityIndicators(PactModel):
    """``DataQualityIndicators`` (PACT Methodology 4.2.3): three ratings, each from 1 (best) to 5."""

    technologicalDQR: Dqr
    geographicalDQR: Dqr
    temporalDQR: Dqr


class EmissionFactorSource(PactModel):
    """``EmissionFactorSource``: a secondary emission factor database by name and version."""

    name: NonEmptyString
    version: NonEmptyString


class ProductOrSectorSpecificRule(PactModel):
    """``ProductOrSectorSpecificRule``: the rules of one operator (PEF, EPD International, or another named one)."""

    operator: Literal["PEF", "EPD International", "Other"]
    ruleNames: list[NonEmptyString] = Field(min_length=1)
    otherOperatorName: NonEmptyString | None = None

    @field_validator("ruleNames")
    @classmethod
    def _unique_names(cls, names: list[str]) -> list[str]:
        return list(unique(names, "ruleNames"))


class Verification(PactModel):
    """``Verification`` (renamed from v2's ``Assurance``): who verified the PCF, how far, and when."""

    coverage: Literal["PCF calculation model", "PCF program", "product level"] | None = None
    providerName: str | None = None
    completedAt: DateTime | None = None
    standardName: str | None = None
    comments: str | None = None


class DataModelExtension(PactModel):
    """``DataModelExtension``: extra data under a schema of its own (PACT's extensions guidance)."""

    specVersion: str
    dataSchema: str
    documentation: str | None = None
    data: dict[str, Any]


class CarbonFootprint(PactModel):
    """``CarbonFootprint``: the figures of a PCF per declared unit (declaredUnitAmount of declaredUnitOfMeasurement).

    Emissions in kg CO2e, carbon contents in kg C, per declared unit; removals and uptake are 0 or negative.
    """

    declaredUnitOfMeasurement: DeclaredUnitOfMeasurement
    declaredUnitAmount: PositiveNonZero
    productMassPerDeclaredUnit: DecimalText
    referencePeriodStart: DateTime
    referencePeriodEnd: DateTime
    geographyRegionOrSubregion: Region | None = None
    geographyCountry: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")  # ISO 3166-1 alpha-2
    geographyCountrySubdivision: str | None = Field(default=None, pattern=r"^[A-Z]{2}-[A-Z0-9]{1,3}$")  # ISO 3166-2
    boundaryProcessesDescription: str | None = None
    pcfExcludingBiogenicUptake: DecimalText
    pcfIncludingBiogenicUptake: DecimalText
    fossilCarbonContent: PositiveOrZero
    biogenicCarbonContent: PositiveOrZero | None = None
    recycledCarbonContent: PositiveOrZero | None = None
    fossilGhgEmissions: PositiveOrZero
    landUseChangeGhgEmissions: PositiveOrZero | None = None
    landCarbonLeakage: PositiveOrZero | None = None
    landManagementFossilGhgEmissions: PositiveOrZero | None = None
    landManagementBiogenicCO2Emissions: PositiveOrZero | None = None
    landManagementBiogenicCO2Removals: NegativeOrZero | None = None
    biogenicCO2Uptake: NegativeOrZero | None = None
    biogenicNonCO2Emissions: PositiveOrZero | None = None
    landAreaOccupation: PositiveOrZero | None = None  # m2·year per declared unit
    aircraftGhgEmissions: PositiveOrZero | None = None
    packagingEmissionsIncluded: bool | None = None
    packagingGhgEmissions: PositiveOrZero | None = None
    packagingBiogenicCarbonContent: PositiveOrZero | None = None
    outboundLogisticsGhgEmissions: PositiveOrZero | None = None
    ccsTechnologicalCO2CaptureIncluded: bool | None = None
    ccsTechnologicalCO2Capture: NegativeOrZero | None = None
    technologicalCO2CaptureOrigin: str | None = None
    technologicalCO2Removals: NegativeOrZero | None = None
    ccuCarbonContent: PositiveOrZero | None = None
    ccuCalculationApproach: Literal["Cut-off", "Credit"] | None = None
    ccuCreditCertification: str | None = None
    ipccCharacterizationFactors: list[str] = Field(min_length=1)
    crossSectoralStandards: list[str] = Field(min_length=1)
    productOrSectorSpecificRules: list[ProductOrSectorSpecificRule] | None = Field(default=None, min_length=1)
    exemptedEmissionsPercent: Percent
    exemptedEmissionsDescription: str | None = None
    allocationRulesDescription: str | None = None
    secondaryEmissionFactorSources: list[EmissionFactorSource] | None = Field(default=None, min_length=1)
    primaryDataShare: Percent | None = None
    dqi: DataQualityIndicators | None = None
    verification: Verification | None = None

    @field_validator("ipccCharacterizationFactors")
    @classmethod
    def _ipcc_reports(cls, reports: list[str]) -> list[str]:
        for report in reports:
            if not report.startswith("AR") or not report[2:].isdigit() or not report[2:].isascii():
                raise ValueError(f"{report!r} is not an IPCC assessment report such as AR6 (the pattern ^AR\\d+$)")
        return list(unique(reports, "ipccCharacterizationFactors"))

    @field_validator("crossSectoralStandards")
    @classmethod
    def _standards(cls, standards: list[str]) -> list[str]:
        return list(unique(standards, "crossSectoralStandards"))

    @field_validator("productOrSectorSpecificRules")
    @classmethod
    def _rules(cls, rules: list[ProductOrSectorSpecificRule] | None) -> list[ProductOrSectorSpecificRule] | None:
        if rules is not None:
            unique([rule.model_dump_json() for rule in rules], "productOrSectorSpecificRules")
        return rules

    @model_validator(mode="after")
    def _scope(self) -> CarbonFootprint:
        given = [
            name
            for name in ("geographyRegionOrSubregion", "geographyCountry", "geographyCountrySubdivision")
            if getattr(self, name) is not None
        ]
        if len(given) > 1:
            raise ValueError(
                f"give at most one geography (a PCF has one geographical scope), not {' and '.join(given)}"
            )
        return self

    @property
    def geography(self) -> str | None:
        """The one geography given (region, country or subdivision); None for a global PCF."""
        return self.geographyRegionOrSubregion or self.geographyCountry or self.geographyCountrySubdivision


class ProductFootprint(PactModel):
    """``ProductFootprint``: a PCF with what identifies its product and its data owner, as PACT v3 exchanges it."""

    id: PfId
    specVersion: str = Field(pattern=r"^3\.\d+\.\d+(-\d{8})?$")  # semantic version of the spec, major 3
    precedingPfIds: list[PfId] | None = Field(default=None, min_length=1)
    created: DateTime
    status: Literal["Active", "Deprecated"]
    validityPeriodStart: DateTime | None = None
    validityPeriodEnd: DateTime | None = None
    companyName: NonEmptyString
    companyIds: list[Urn] = Field(min_length=1)
    productDescription: str
    productIds: list[Urn] = Field(min_length=1)
    productClassifications: list[Urn] | None = Field(default=None, min_length=1)
    productNameCompany: NonEmptyString
    comment: str | None = None
    pcf: CarbonFootprint
    extensions: list[DataModelExtension] | None = None

    @field_validator("precedingPfIds", "companyIds", "productIds", "productClassifications")
    @classmethod
    def _unique_ids(cls, values: list[str] | None) -> list[str] | None:
        return None if values is None else list(unique(values, "the set"))

    def validity(self) -> tuple[datetime, datetime]:
        """The validity period, start included, end excluded: as given, or referencePeriodEnd and 3 years on."""
        reference_end = parse_date_time(self.pcf.referencePeriodEnd)
        start = parse_date_time(self.validityPeriodStart) if self.validityPeriodStart else reference_end
        end = parse_date_time(self.validityPeriodEnd) if self.validityPeriodEnd else _plus_three_years(reference_end)
        return start, end


def lifecycle_problems(footprint: ProductFootprint) -> list[str]:
    """What breaks the specification's rules on periods and versions that its schema does not check."""
    problems = []
    pcf = footprint.pcf
    reference_end = parse_date_time(pcf.referencePeriodEnd)
    if reference_end <= parse_date_time(pcf.referencePeriodStart):
        problems.append("referencePeriodEnd must be after referencePeriodStart")
    start, end = footprint.validity()
    if footprint.validityPeriodStart is not None and start < reference_end:
        problems.append("validityPeriodStart must not be before referencePeriodEnd (§Validity Period)")
    if footprint.validityPeriodEnd is not None and end > _plus_three_years(reference_end):
        problems.append("validityPeriodEnd must not be after referencePeriodEnd + 3 years (§Validity Period)")
    if end <= start:
        problems.append("validityPeriodEnd must be after validityPeriodStart (§Validity Period)")
    if footprint.precedingPfIds and footprint.id in footprint.precedingPfIds:
        problems.append("precedingPfIds holds the footprint's own id: a footprint cannot precede itself")
    return problems


def _plus_three_years(moment: datetime) -> datetime:
    try:
        return moment.replace(year=moment.year + 3)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + 3, day=28)
