"""One activity record's emissions by gas: what it is, which factor or guideline default it used, and how.

A ``Line`` holds the site's whole emissions (before the boundary share), in kg of each gas, their kg CO2e under the
inventory's GWP set, and for electricity the market-based kg CO2e beside the location-based one. Problems are raised
as ``LineProblem`` with a message id, so that the reader reports them at the record's place, in both languages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from lowcarbon.errors import LowcarbonError, UnitError
from lowcarbon.factors import CharacterizationSet, Factor, FactorLibrary, UnknownFactor, UnknownGas
from lowcarbon.inventory.guidelines import carbonate_co2, co2_per_carbon, fuel_defaults, guideline_fuels
from lowcarbon.inventory.model import Activity, Inventory
from lowcarbon.units import conversion_factor

__all__ = ["CO2E_TOTAL", "Line", "LineProblem", "grid_factor", "record_line"]

CO2E_TOTAL = "CO2e"  # the "gas" of a factor that publishes only its CO2e total
GRID_SET, PROVINCE_SET = "cn-grid-electricity", "cn-grid-electricity-provinces"
FIRST_GRID_YEAR = 2021  # the earliest year the shipped grid factors cover


class LineProblem(LowcarbonError, ValueError):
    """A record that cannot be computed: ``id`` and ``params`` name the problem for its translation."""

    def __init__(self, id: str, message: str, **params: object) -> None:
        super().__init__(message)
        self.id = id
        self.params = {name: str(value) for name, value in params.items()}


@dataclass(frozen=True)
class Line:
    """The emissions of one record, for the whole site (``share`` is the part the organisation reports)."""

    place: str  # activities[3]
    site: str
    period: str  # 2024-03 or 2024
    kind: str
    name: str
    category: str  # ISO 14064-1, "1" to "6"
    scope3_category: int | None
    amount: float
    unit: str
    share: float
    gases: dict[str, float]  # kg of each gas (CO2e for a published total)
    kg_co2e: float  # location-based for electricity
    kg_co2e_market: float  # market-based for electricity; the same as kg_co2e for the rest
    biogenic_kg_co2: float  # biogenic CO2, reported apart and outside the totals
    method: str  # how it was computed, with the values used
    factor: str  # the factor's key or the guideline default's id
    source: str  # the factor's or default's source
    market_basis: str = ""  # electricity: what the market-based figure used
    unverified: bool = False
    electricity_kwh: float = 0.0  # purchased electricity, for allocation to products
    warnings: tuple[str, ...] = field(default=())

    @property
    def scope(self) -> str:
        return {"1": "1", "2": "2"}.get(self.category, "3")


@dataclass(frozen=True)
class _Emitted:
    """What one kind of record computes, before it becomes a line."""

    gases: dict[str, float]
    method: str
    factor: str
    source: str
    unverified: bool = False
    biogenic_kg_co2: float = 0.0
    market_kg_co2: float | None = None  # electricity's market-based CO2; None: the same as location-based
    market_basis: str = ""
    electricity_kwh: float = 0.0
    warnings: tuple[str, ...] = ()


def record_line(
    place: str, record: Activity, inventory: Inventory, library: FactorLibrary, gwp: CharacterizationSet
) -> Line:
    """The line of ``record``; LineProblem when it cannot be computed."""
    site = inventory.site(record.site)
    emitted = _emitted(place, record, site.grid, library, gwp)
    kg_co2e = sum(kg * (1.0 if gas == CO2E_TOTAL else _gwp(gwp, gas)) for gas, kg in emitted.gases.items())
    market = kg_co2e if emitted.market_kg_co2 is None else emitted.market_kg_co2 * _gwp(gwp, "CO2")
    return Line(
        place=place,
        site=record.site,
        period=record.month or str(record.year),
        kind=record.kind,
        name=record.name or record.fuel or record.carbonate or record.gas or record.factor or record.kind,
        category=record.iso_category,
        scope3_category=record.scope3_category,
        amount=record.amount,
        unit=record.unit,
        share=site.share(inventory.approach),
        gases=emitted.gases,
        kg_co2e=kg_co2e,
        kg_co2e_market=market,
        biogenic_kg_co2=emitted.biogenic_kg_co2,
        method=emitted.method,
        factor=emitted.factor,
        source=emitted.source,
        market_basis=emitted.market_basis,
        unverified=emitted.unverified,
        electricity_kwh=emitted.electricity_kwh,
        warnings=emitted.warnings,
    )


def _emitted(place: str, record: Activity, grid: str, library: FactorLibrary, gwp: CharacterizationSet) -> _Emitted:
    if record.kind == "fuel":
        return _fuel(record)
    if record.kind == "carbonate":
        assert record.carbonate is not None
        ratio = carbonate_co2(record.carbonate)
        kg = _converted(record.amount, record.unit, "t") * ratio * record.calcined_fraction * 1000
        method = f"{record.carbonate} x {ratio:.5f} t CO2/t (stoichiometric) x {record.calcined_fraction:g} calcined"
        source = "stoichiometry with IUPAC atomic weights (lowcarbon/inventory/data/constants.json)"
        return _Emitted({"CO2": kg}, method, record.carbonate, source)
    if record.kind == "emission":
        assert record.gas is not None
        kg = _converted(record.amount, record.unit, "kg")
        method = f"{record.gas} released directly x GWP100 {_gwp(gwp, record.gas):g} ({gwp.short_name})"
        return _Emitted({record.gas: kg}, method, record.gas, record.source or "the organisation's records")
    if record.kind == "electricity":
        return _electricity(place, record, grid, library)
    assert record.factor is not None  # heat and factor records
    factor = _factor(library, record.factor)
    units = _converted(record.amount, record.unit, factor.unit)
    gases, biogenic = _factor_gases(factor, units)
    method = f"{record.amount:g} {record.unit} = {units:g} {factor.unit} x factor {factor.key}"
    return _Emitted(gases, method, factor.key, factor.source, factor.unverified, biogenic)


def _fuel(record: Activity) -> _Emitted:
    """CO2 of a fuel by the MEE guidelines: AD x NCV x CC x OF x 44/12, measured parameters before defaults."""
    assert record.fuel is not None
    defaults = fuel_defaults(record.guideline, record.fuel)
    measured = (record.ncv_gj_per_unit, record.carbon_content_tc_per_gj, record.oxidation)
    if defaults is None and None in measured:
        listed = "; ".join(f"{g}: {', '.join(fuels)}" for g, fuels in guideline_fuels().items())
        raise LineProblem(
            "unknown_fuel",
            f"no default parameters for fuel {record.fuel!r} in guideline {record.guideline!r}; use one of ({listed}), "
            "or give ncv_gj_per_unit, carbon_content_tc_per_gj and oxidation measured for this fuel",
            fuel=record.fuel,
            guideline=record.guideline,
        )
    if record.ncv_gj_per_unit is not None:
        ncv, ncv_from = record.ncv_gj_per_unit, f"measured NCV {record.ncv_gj_per_unit:g} GJ/{record.unit}"
    else:
        assert defaults is not None
        ncv = defaults.ncv_per_unit * _converted(1.0, record.unit, defaults.activity_unit)
        ncv_from = f"default NCV {defaults.ncv:g} {defaults.ncv_unit}"
    carbon = record.carbon_content_tc_per_gj or (defaults.carbon_content if defaults else 0.0)
    oxidation = record.oxidation or (defaults.oxidation if defaults else 0.0)
    kg = record.amount * ncv * carbon * oxidation * co2_per_carbon() * 1000
    method = (
        f"{record.amount:g} {record.unit} x {ncv_from} x carbon content {carbon:g} t C/GJ"
        f"{'' if record.carbon_content_tc_per_gj else ' (default)'} x oxidation {oxidation:.0%}"
        f"{'' if record.oxidation else ' (default)'} x 44/12"
    )
    if defaults is not None and None in measured:
        return _Emitted(
            {"CO2": kg}, method, f"{record.guideline}/{record.fuel}", defaults.citation, defaults.unverified
        )
    return _Emitted({"CO2": kg}, method, "measured", record.source or "the site's measured fuel parameters")


def grid_factor(library: FactorLibrary, grid: str, year: int) -> tuple[Factor, str | None]:
    """China's grid CO2 factor for ``grid`` (CN, a regional grid such as "CN-East grid", or a province such as
    "CN-JS") of ``year``; the latest earlier year's with a warning when that year's is not published."""
    regional = re.fullmatch(r"CN-(\w+) grid", grid)
    if grid == "CN":
        factor_set, stem = GRID_SET, "cn-national"
    elif regional:
        factor_set, stem = GRID_SET, f"cn-{regional[1].lower()}"
    elif re.fullmatch(r"CN-[A-Z]{2}", grid):
        factor_set, stem = PROVINCE_SET, f"cn-{grid[3:].lower()}"
    else:
        raise LineProblem(
            "unknown_grid",
            f"grid {grid!r} is not known; give CN, a regional grid (e.g. 'CN-East grid') or a province (e.g. CN-JS)",
            grid=grid,
        )
    for candidate in range(year, FIRST_GRID_YEAR - 1, -1):
        try:
            factor = library.get(f"{factor_set}/{stem}-{candidate}")
        except UnknownFactor:
            continue
        if factor.geography != grid:
            break
        late = None if candidate == year else f"no {year} grid factor for {grid} is published; used {candidate}'s"
        return factor, late
    raise LineProblem("no_grid_factor", f"no grid factor for {grid} in {year} or an earlier year", grid=grid)


def _electricity(place: str, record: Activity, grid: str, library: FactorLibrary) -> _Emitted:
    kwh = _converted(record.amount, record.unit, "kWh")
    location, late = grid_factor(library, grid, record.period_year)
    gases, _ = _factor_gases(location, kwh)
    notes = [late] if late else []
    if record.market is not None:
        per_kwh = record.market.kg_co2_per_kwh or 0.0
        basis = f"{record.market.instrument}: {per_kwh:g} kg CO2/kWh ({record.market.source})"
    else:
        residual = grid_factor_excluding_market(library, record.period_year)
        if residual.year != record.period_year:
            notes.append(f"no {record.period_year} residual-mix proxy is published; used {residual.year}'s")
        per_kwh = sum(e.amount for e in residual.emissions if e.gas == "CO2")
        basis = (
            f"no contractual instrument: residual-mix proxy {residual.key} ({per_kwh:g} kg CO2/kWh, the national "
            "factor excluding market-traded non-fossil power; China publishes no residual mix)"
            + (" [unverified]" if residual.unverified else "")
        )
    per_location = sum(gases.values()) / kwh if kwh else 0.0
    return _Emitted(
        gases,
        f"{kwh:g} kWh x {location.key} ({per_location:g} kg CO2/kWh)",
        location.key,
        location.source,
        unverified=location.unverified,
        market_kg_co2=kwh * per_kwh,
        market_basis=basis,
        electricity_kwh=kwh,
        warnings=tuple(f"{place}: {note}" for note in notes),
    )


def grid_factor_excluding_market(library: FactorLibrary, year: int) -> Factor:
    """The national factor excluding market-traded non-fossil power of ``year`` (or the latest before it)."""
    for candidate in range(year, FIRST_GRID_YEAR - 1, -1):
        try:
            return library.get(f"{GRID_SET}/cn-national-excl-market-{candidate}")
        except UnknownFactor:
            continue
    raise LineProblem("no_grid_factor", f"no residual-mix proxy for {year}", grid="CN")


def _factor(library: FactorLibrary, key: str) -> Factor:
    try:
        return library.get(key)
    except UnknownFactor as exc:
        raise LineProblem("unknown_factor", str(exc), factor=key) from None


def _factor_gases(factor: Factor, units: float) -> tuple[dict[str, float], float]:
    """kg of each gas for ``units`` of the factor's unit, and the biogenic CO2 apart."""
    gases: dict[str, float] = {}
    biogenic = 0.0
    for emission in factor.emissions:
        if emission.gas == "CO2" and emission.origin == "biogenic":
            biogenic += units * emission.amount
            continue
        gases[emission.gas] = gases.get(emission.gas, 0.0) + units * emission.amount
    if not factor.emissions and factor.co2e is not None:
        gases[CO2E_TOTAL] = units * factor.co2e
    return gases, biogenic


def _gwp(gwp: CharacterizationSet, gas: str) -> float:
    try:
        return gwp.gwp(gas)
    except UnknownGas as exc:
        raise LineProblem("unknown_gas", exc.reason, gas=gas) from None


def _converted(amount: float, unit: str, target: str) -> float:
    try:
        return amount * conversion_factor(unit, target, "unit")
    except UnitError as exc:
        raise LineProblem(
            "unit", f"{exc.reason}; give the amount in {target} or a unit convertible to it", unit=unit, target=target
        ) from None


def month_start(period: str) -> date:
    """The first day of a ``YYYY-MM`` period (or of a ``YYYY`` year)."""
    year, _, month = period.partition("-")
    return date(int(year), int(month or 1), 1)
