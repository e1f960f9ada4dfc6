"""The inventory file's values: an organisation, its sites and boundary, activity data per site and month, base year.

What an inventory file (YAML, or the Excel template) says, checked field by field; nothing here computes. An activity
record is one kind of datum, each counted in one ISO 14064-1 category:

- ``fuel``: fuel burnt on site, by the MEE enterprise guidelines (activity x NCV x carbon content x oxidation x 44/12),
  with a guideline's defaults or the site's measured parameters (category 1)
- ``carbonate``: limestone or dolomite calcined in a process (category 1)
- ``emission``: a mass of one greenhouse gas released directly, e.g. a refrigerant's leak (category 1)
- ``electricity``: purchased electricity in kWh, location-based with China's grid factor of the year, market-based with
  the record's contractual instrument or else the residual-mix proxy (category 2)
- ``heat``: purchased heat or steam with the factor the record names (category 2)
- ``factor``: any activity times a factor of the factor library (e.g. IPCC combustion per TJ, DESNZ freight per
  t*km), in the category the record names, with its scope 3 category for categories 3 to 6

Beside the data, the organisation's reduction targets against its base year (absolute, or per unit of an intensity
denominator such as output or revenue), the reduction actions it plans with their expected effect, and earlier
years' figures (``history``) that yearly progress reads when no stored inventory of that year holds them.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal, cast

from pydantic import Field, model_validator

from lowcarbon.footprint.strict import StrictModel
from lowcarbon.footprint.variation import Uncertainty, problem
from lowcarbon.inventory.names import iso_category_of

__all__ = [
    "Activity",
    "Allocation",
    "AllocationProduct",
    "Approach",
    "BaseYear",
    "Inventory",
    "MarketInstrument",
    "Organisation",
    "PastYear",
    "ReductionAction",
    "Significance",
    "Site",
    "Target",
    "TargetIntensity",
]

Approach = Literal["equity_share", "financial_control", "operational_control"]
Kind = Literal["fuel", "carbonate", "emission", "electricity", "heat", "factor"]
Category = Literal["1", "2", "3", "4", "5", "6"]
Scope = Literal["1", "2-location", "2-market", "3"]
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
# the ISO 14064-1 category each kind of record is counted in; ``factor`` records name theirs
KIND_CATEGORY: dict[str, Category] = {
    "fuel": "1",
    "carbonate": "1",
    "emission": "1",
    "electricity": "2",
    "heat": "2",
}


class Organisation(StrictModel):
    name: str = Field(min_length=1)
    name_zh: str | None = None
    sector: str = ""  # e.g. "manufacture of electrical equipment"


class Site(StrictModel):
    """A site (or subsidiary) and how much of it the organisation's boundary takes under each approach."""

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    name: str = ""
    grid: str = "CN"  # the grid its electricity comes from: CN, a regional grid ("CN-East grid"), a province (CN-JS)
    equity_share_percent: float = Field(default=100.0, ge=0, le=100)
    financial_control: bool = True
    operational_control: bool = True
    acquired: date | None = None  # joined the organisation on this day (a structural change)
    divested: date | None = None  # left it on this day

    def share(self, approach: Approach) -> float:
        """The fraction of the site's emissions the organisation reports under ``approach``."""
        if approach == "equity_share":
            return self.equity_share_percent / 100
        return 1.0 if getattr(self, approach) else 0.0


class MarketInstrument(StrictModel):
    """The contractual instrument behind a record's electricity (Scope 2 Guidance's market-based method)."""

    instrument: Literal["green-certificate", "green-power-contract", "supplier"]
    kg_co2_per_kwh: float | None = Field(default=None, ge=0)  # a supplier's factor; 0 for certificates and contracts
    source: str = ""  # the certificate's or contract's number, or the supplier's published factor

    @model_validator(mode="after")
    def _value(self) -> MarketInstrument:
        if self.instrument == "supplier" and (self.kg_co2_per_kwh is None or not self.source):
            raise problem("supplier_factor", "a supplier instrument needs kg_co2_per_kwh and the source it is from")
        if self.instrument != "supplier" and self.kg_co2_per_kwh not in (None, 0):
            raise problem("certificate_factor", "a green certificate or green-power contract counts 0 kg CO2 per kWh")
        if not self.source:
            raise problem("instrument_source", "name the certificate or contract (its number) in source")
        return self


class Activity(StrictModel):
    """One activity datum of one site in one month (``2024-03``) or a whole year (``2024``)."""

    site: str
    month: str | None = None
    year: int | None = Field(default=None, ge=1990, le=2100)
    kind: Kind
    name: str = ""
    amount: float = Field(ge=0, strict=False)
    unit: str = Field(min_length=1)
    category: Category | None = None  # ISO 14064-1; given by the kind except for ``factor`` records
    scope3_category: int | None = Field(default=None, ge=1, le=15)
    fuel: str | None = None  # fuel: a fuel of the guideline's defaults (data/cn-enterprise-guidelines.csv)
    guideline: str = "cn-other-industry"  # fuel: whose defaults
    ncv_gj_per_unit: float | None = Field(default=None, gt=0)  # fuel: measured NCV, GJ per the record's unit
    carbon_content_tc_per_gj: float | None = Field(default=None, gt=0)  # fuel: measured carbon content per heat
    oxidation: float | None = Field(default=None, gt=0, le=1)  # fuel: measured oxidation fraction
    carbonate: Literal["limestone", "dolomite"] | None = None
    calcined_fraction: float = Field(default=1.0, ge=0, le=1)
    gas: str | None = None  # emission: a gas id of the GWP sets (CO2, CH4-fossil, N2O, HFC-134a...)
    factor: str | None = None  # factor, heat: a factor library key (set/id)
    market: MarketInstrument | None = None  # electricity: its contractual instrument
    source: str = ""  # where the amount comes from: a meter, an invoice, a bill of lading
    data_type: Literal["primary", "secondary"] = "primary"
    uncertainty: Uncertainty | None = None  # the spread of the amount, in the record's unit (inventory.uncertainty)

    @property
    def period_year(self) -> int:
        """The year the record falls in."""
        if self.month is not None:
            return int(self.month[:4])
        assert self.year is not None  # checked below
        return self.year

    @property
    def iso_category(self) -> Category:
        """Its ISO 14064-1 category: the kind's, or the one the record names (checked below)."""
        if self.kind in KIND_CATEGORY:
            return KIND_CATEGORY[self.kind]
        if self.category is None and self.scope3_category is not None:
            return cast(Category, iso_category_of(self.scope3_category))
        return self.category or "1"

    @model_validator(mode="after")
    def _fields_of_kind(self) -> Activity:
        if (self.month is None) == (self.year is None):
            raise problem("period", "give either month (YYYY-MM, e.g. 2024-03) or year (e.g. 2024), not both")
        if self.month is not None and not _MONTH.match(self.month):
            raise problem("month_format", "write month as YYYY-MM, e.g. 2024-03 (in quotes in YAML)")
        needs = {"fuel": "fuel", "carbonate": "carbonate", "emission": "gas", "heat": "factor", "factor": "factor"}
        field = needs.get(self.kind)
        if field is not None and getattr(self, field) is None:
            raise problem("kind_field", f"a {self.kind} record needs '{field}'")
        if self.kind in KIND_CATEGORY and self.category not in (None, KIND_CATEGORY[self.kind]):
            raise problem(
                "kind_category", f"a {self.kind} record counts in category {KIND_CATEGORY[self.kind]}; remove category"
            )
        if self.kind == "factor" and self.category is None and self.scope3_category is None:
            raise problem(
                "factor_category", "a factor record needs 'category' (ISO 14064-1, 1 to 6) or 'scope3_category'"
            )
        if self.scope3_category is not None and self.category not in (None, iso_category_of(self.scope3_category)):
            holds = iso_category_of(self.scope3_category)
            raise problem(
                "scope3_iso_mismatch",
                f"scope 3 category {self.scope3_category} is counted in ISO 14064-1 category {holds}, not "
                f"{self.category}; give category {holds} or leave category out",
            )
        if self.iso_category in ("3", "4", "5", "6") and self.scope3_category is None:
            raise problem("scope3_needed", "an indirect record of category 3 to 6 needs 'scope3_category' (1 to 15)")
        if self.iso_category in ("1", "2") and self.scope3_category is not None:
            raise problem("scope3_not_here", "scope3_category belongs to records of categories 3 to 6")
        if self.market is not None and self.kind != "electricity":
            raise problem("market_not_here", "market belongs to electricity records")
        if self.uncertainty is not None:
            self.uncertainty.check_value(self.amount, "amount")
        return self


class BaseYear(StrictModel):
    """The base year and the recalculation policy: a structural change (an acquisition or divestment) or a
    correction whose effect on the base year's emissions is at least the threshold restates the base year."""

    year: int = Field(ge=1990, le=2100)
    threshold_percent: float = Field(ge=0, le=100)  # the organisation's own policy (often 5 %); no default here


class Significance(StrictModel):
    """Indirect categories are significant when their share of the total is at least the threshold; one left out
    needs its reason (ISO 14064-1:2018 5.2.3)."""

    threshold_percent: float = Field(ge=0, le=100)  # the organisation's own criterion (ISO 14064-1 5.2.3)
    excluded: dict[Category, str] = Field(default_factory=dict)  # ISO category -> why it is not quantified


class AllocationProduct(StrictModel):
    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    name: str = ""
    output: float = Field(gt=0)  # how much of it the site made in the year
    unit: str = Field(min_length=1)  # of the output: piece, kg, t, m**2
    mass_kg: float | None = Field(default=None, ge=0)  # the output's total mass
    hours: float | None = Field(default=None, ge=0)  # machine or line hours spent on it


class Allocation(StrictModel):
    """A site's measured energy and emissions of a year shared out to the products it made."""

    site: str
    year: int = Field(ge=1990, le=2100)
    basis: Literal["mass", "units", "hours"]
    products: list[AllocationProduct] = Field(min_length=1)

    @model_validator(mode="after")
    def _basis(self) -> Allocation:
        field = {"mass": "mass_kg", "hours": "hours", "units": "output"}[self.basis]
        missing = [p.id for p in self.products if getattr(p, field) is None]
        if missing:
            raise problem("allocation_property", f"allocation by {self.basis} needs '{field}' on {missing}")
        if not sum(getattr(p, field) for p in self.products) > 0:
            raise problem("allocation_zero", f"allocation by {self.basis}: the products' '{field}' add up to zero")
        if self.basis == "units" and len({p.unit for p in self.products}) > 1:
            raise problem("allocation_units", "allocation by units needs every product's output in the same unit")
        return self


class TargetIntensity(StrictModel):
    """The denominator of an intensity target: what it counts (output, revenue...), its unit and its value per year."""

    name: str = Field(min_length=1)  # e.g. "output", "revenue"
    unit: str = Field(min_length=1)  # e.g. "t", "10^4 CNY"
    values: dict[int, float] = Field(min_length=1)  # year -> the denominator's value that year
    source: str = ""  # where the values come from (statistics report, audited accounts)

    @model_validator(mode="after")
    def _positive(self) -> TargetIntensity:
        bad = sorted(year for year, value in self.values.items() if not value > 0)
        if bad:
            raise problem(
                "intensity_value", f"the intensity denominator must be above zero in every year; not in {bad}"
            )
        return self


class Target(StrictModel):
    """A reduction target against the base year: of the scopes or the ISO categories it covers, by the target year,
    absolute (t CO2e) or per unit of the intensity denominator."""

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    name: str = ""
    kind: Literal["absolute", "intensity"]
    scopes: list[Scope] = Field(default_factory=list)  # GHG Protocol scopes covered, or
    categories: list[Category] = Field(default_factory=list)  # the ISO 14064-1 categories covered
    target_year: int = Field(ge=1990, le=2100)
    reduction_percent: float = Field(gt=0, le=100)  # below the base year's value (emissions or intensity)
    intensity: TargetIntensity | None = None  # an intensity target's denominator
    source: str = ""  # where the target is set: a board decision, a published commitment

    @model_validator(mode="after")
    def _coverage(self) -> Target:
        if bool(self.scopes) == bool(self.categories):
            raise problem(
                "target_coverage",
                "a target covers either scopes (1, 2-location, 2-market, 3) or ISO categories (1 to 6), one of them",
            )
        if len(set(self.scopes)) < len(self.scopes) or len(set(self.categories)) < len(self.categories):
            raise problem("target_repeated", "name each scope or category of a target once")
        if {"2-location", "2-market"} <= set(self.scopes):
            raise problem("target_scope2_twice", "a target counts scope 2 location-based or market-based, not both")
        if (self.kind == "intensity") != (self.intensity is not None):
            raise problem(
                "target_intensity",
                "an intensity target needs 'intensity' (name, unit, values per year); an absolute one has none",
            )
        return self


class ReductionAction(StrictModel):
    """A planned reduction action and its expected effect, in t CO2e a year from the year it takes effect."""

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    name: str = Field(min_length=1)
    target: str  # the id of the target it serves
    expected_t_per_year: float = Field(gt=0)
    year: int = Field(ge=1990, le=2100)  # the first year of its full effect
    status: Literal["planned", "in_progress", "done"] = "planned"
    source: str = ""  # how the effect is estimated (an energy audit, a supplier's quote)


class PastYear(StrictModel):
    """An earlier year's inventory figures in t CO2e, for yearly progress (when no stored inventory holds them)."""

    year: int = Field(ge=1990, le=2100)
    by_scope: dict[Scope, float] = Field(default_factory=dict)
    by_category: dict[Category, float] = Field(default_factory=dict)
    source: str = ""  # e.g. "verified inventory 2021, statement VS-2022-00012"


class Inventory(StrictModel):
    """A whole inventory file."""

    organisation: Organisation
    reporting_year: int = Field(ge=1990, le=2100)
    approach: Approach
    gwp: Literal["AR6", "AR5"] = "AR6"
    base_year: BaseYear | None = None
    significance: Significance | None = None  # without it, the shares are reported but not judged
    factor_files: list[str] = Field(default_factory=list)  # CSV or Excel factor files, relative to the inventory
    sites: list[Site] = Field(min_length=1)
    activities: list[Activity] = Field(default_factory=list)
    allocations: list[Allocation] = Field(default_factory=list)
    targets: list[Target] = Field(default_factory=list)
    reduction_actions: list[ReductionAction] = Field(default_factory=list)
    history: list[PastYear] = Field(default_factory=list)

    def site(self, site_id: str) -> Site:
        return next(s for s in self.sites if s.id == site_id)

    @model_validator(mode="after")
    def _references(self) -> Inventory:
        ids = [s.id for s in self.sites]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise problem("repeated_site", f"site ids must be unique; repeated: {repeated}")
        for place, named in [
            *((f"activities[{i}]", a.site) for i, a in enumerate(self.activities)),
            *((f"allocations[{i}]", a.site) for i, a in enumerate(self.allocations)),
        ]:
            if named not in ids:
                raise problem("unknown_site", f"{place}: site {named!r} is not among the sites ({', '.join(ids)})")
        if self.base_year is not None and self.base_year.year > self.reporting_year:
            raise problem("base_year_after", "the base year cannot be after the reporting year")
        self._targets()
        return self

    def _targets(self) -> None:
        ids = [t.id for t in self.targets]
        if len(set(ids)) < len(ids):
            raise problem(
                "repeated_target",
                f"target ids must be unique; repeated: {sorted({i for i in ids if ids.count(i) > 1})}",
            )
        if self.targets and self.base_year is None:
            raise problem("target_base_year", "targets are set against the base year: give base_year")
        for index, target in enumerate(self.targets):
            assert self.base_year is not None
            if target.target_year <= self.base_year.year:
                raise problem(
                    "target_year",
                    f"targets[{index}]: the target year must be after the base year {self.base_year.year}",
                )
            if target.intensity is not None and self.base_year.year not in target.intensity.values:
                raise problem(
                    "intensity_base_year",
                    f"targets[{index}]: give the intensity denominator of the base year {self.base_year.year}",
                )
        for index, action in enumerate(self.reduction_actions):
            if action.target not in ids:
                raise problem(
                    "unknown_target",
                    f"reduction_actions[{index}]: target {action.target!r} is not among the targets ({', '.join(ids)})",
                )
        years = [p.year for p in self.history]
        if len(set(years)) < len(years) or self.reporting_year in years:
            raise problem("history_year", "history gives each earlier year once, and not the reporting year")
