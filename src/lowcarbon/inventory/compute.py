"""The inventory of a reporting year: every record's line, and the totals by ISO 14064-1 category, scope, scope 3
category, gas and site, in t CO2e under the GWP set named; the significance of the indirect categories.

The total is categories 1 to 6 with category 2 location-based, that is scopes 1 + 2 (location-based) + 3; the
market-based scope 2 is reported beside it, with the instrument or residual-mix proxy each record used. Biogenic CO2
is reported apart, outside the totals (ISO 14064-1:2018 5.2.4 asks for it separately).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from lowcarbon.errors import DataFormatError, Problem
from lowcarbon.factors import CharacterizationSet, FactorLibrary, load_set
from lowcarbon.inventory.lines import Line, LineProblem, month_start, record_line
from lowcarbon.inventory.model import Inventory, Site
from lowcarbon.inventory.targets import TargetProgress, YearFigures, track_targets
from lowcarbon.inventory.uncertainty import InventoryUncertainty, total_uncertainty

__all__ = ["CATEGORIES", "SCOPES", "InventoryResult", "Totals", "compute_inventory", "inventory_lines", "totals"]

CATEGORIES = ("1", "2", "3", "4", "5", "6")
SCOPES = ("1", "2-location", "2-market", "3")
KG_PER_T = 1000.0


@dataclass(frozen=True)
class Totals:
    """Totals of a set of lines, in t CO2e (gases in t of each gas), each line taken at its boundary share."""

    total: float
    by_category: dict[str, float]
    by_scope: dict[str, float]
    by_scope3_category: dict[str, float]
    by_gas: dict[str, float]
    by_site: dict[str, float]
    biogenic_co2: float


@dataclass(frozen=True)
class Significance:
    category: str
    t_co2e: float
    share: float
    significant: bool | None  # None: the inventory sets no threshold
    excluded: str  # the reason it is not quantified, when the file gives one


@dataclass(frozen=True)
class InventoryResult:
    """An organisation's inventory of one year."""

    organisation: str
    reporting_year: int
    approach: str
    gwp: str  # the GWP set's name
    totals: Totals
    lines: tuple[Line, ...]
    significance: tuple[Significance, ...]
    base_year: Any = None  # baseyear.BaseYearResult, when the file has a base year
    warnings: tuple[str, ...] = ()
    unit: str = "t CO2e"
    excluded_records: tuple[str, ...] = field(default=())  # outside the boundary in time: before acquired, after sold
    targets: tuple[TargetProgress, ...] = ()  # the reduction targets tracked, when the file sets any
    uncertainty: InventoryUncertainty | None = None  # the total's, when records give their spread

    @property
    def total(self) -> float:
        return self.totals.total

    def to_dict(self, lines: bool = True) -> dict[str, Any]:
        """The contract of ``lowcarbon inventory compute --json``: total, by_category ("1" to "6") and by_scope
        ("1", "2-location", "2-market", "3") in t CO2e, and the rest beside them."""
        totals = asdict(self.totals)
        payload: dict[str, Any] = {
            "organisation": self.organisation,
            "reporting_year": self.reporting_year,
            "approach": self.approach,
            "gwp": self.gwp,
            "unit": self.unit,
            **{key: totals[key] for key in ("total", "by_category", "by_scope", "by_scope3_category")},
            "by_gas_t": totals["by_gas"],
            "by_site": totals["by_site"],
            "biogenic_co2_t": totals["biogenic_co2"],
            "significance": [asdict(s) for s in self.significance],
            "factors": _factors_used(self.lines),
            "warnings": list(self.warnings),
            "excluded_records": list(self.excluded_records),
        }
        if self.base_year is not None:
            payload["base_year"] = self.base_year.to_dict()
        if self.targets:
            payload["targets"] = [target.to_dict() for target in self.targets]
        if self.uncertainty is not None:
            payload["uncertainty"] = self.uncertainty.to_dict()
        if lines:
            payload["lines"] = [_line_dict(line) for line in self.lines]
        return payload


def compute_inventory(
    inventory: Inventory,
    library: FactorLibrary | None = None,
    source: str = "inventory",
    past: Sequence[YearFigures] = (),
) -> InventoryResult:
    """The inventory of its reporting year; DataFormatError listing every record that cannot be computed. The
    targets' progress reads earlier years' figures from ``past`` (e.g. stored inventories of those years) and, for
    the years ``past`` lacks, from the file's ``history``."""
    from lowcarbon.inventory.baseyear import base_year  # beside, not below: it computes lines too

    gwp = load_set(inventory.gwp)
    library = library if library is not None else _library()
    lines, excluded = inventory_lines(inventory, inventory.reporting_year, library, gwp, source)
    result_totals = totals(lines)
    significance = _significance(inventory, result_totals)
    warnings = [w for line in lines for w in line.warnings]
    unverified: dict[str, list[str]] = {}
    for line in lines:
        if line.unverified:
            unverified.setdefault(line.factor, []).append(line.place)
    for factor, places in unverified.items():
        warnings.append(f"{factor} is unverified (one unchecked source); used by {', '.join(places)}")
    for entry in significance:
        if entry.t_co2e == 0 and not entry.excluded:
            warnings.append(
                f"category {entry.category} is not quantified: give its records, or the reason it is left out "
                "under significance.excluded"
            )
    base = base_year(inventory, library, gwp, source) if inventory.base_year is not None else None
    if base is not None:
        warnings.extend(base.warnings)
    tracked: list[TargetProgress] = []
    if inventory.targets and base is not None:
        tracked, target_warnings = _targets(inventory, result_totals, base, past)
        warnings.extend(target_warnings)
    return InventoryResult(
        inventory.organisation.name,
        inventory.reporting_year,
        inventory.approach,
        gwp.name,
        result_totals,
        tuple(lines),
        tuple(significance),
        base,
        tuple(dict.fromkeys(warnings)),
        excluded_records=tuple(excluded),
        targets=tuple(tracked),
        uncertainty=total_uncertainty(inventory, lines),
    )


def _targets(
    inventory: Inventory, reported: Totals, base: Any, past: Sequence[YearFigures]
) -> tuple[list[TargetProgress], list[str]]:
    """The targets tracked over the base year (as recalculated), the earlier years and the reporting year."""
    earlier = {
        year.year: YearFigures(
            year.year,
            {str(scope): t for scope, t in year.by_scope.items()},
            {str(category): t for category, t in year.by_category.items()},
            year.source,
            "history",
        )
        for year in inventory.history
    }
    earlier.update({figures.year: figures for figures in past})
    reporting = YearFigures(inventory.reporting_year, reported.by_scope, reported.by_category, "", "reporting")
    kind = "base-restated" if base.restated else "base"
    recalculated = base.recalculated
    base_figures = YearFigures(base.year, recalculated.by_scope, recalculated.by_category, "", kind)
    return track_targets(inventory, reporting, base_figures, earlier.values())


def _library() -> FactorLibrary:
    from lowcarbon.factors import default_library

    return default_library()


def inventory_lines(
    inventory: Inventory,
    year: int,
    library: FactorLibrary,
    gwp: CharacterizationSet,
    source: str,
    *,
    sites: Iterable[str] | None = None,
    whole_year: bool = False,
) -> tuple[list[Line], list[str]]:
    """The lines of ``year``'s records (of ``sites`` only, when given), and the places of records left out because
    their site was not the organisation's in that month; ``whole_year`` keeps them (a base year restated pro forma)."""
    wanted = set(sites) if sites is not None else None
    lines, excluded, problems = [], [], []
    for index, record in enumerate(inventory.activities):
        place = f"activities[{index}]"
        if record.period_year != year or (wanted is not None and record.site not in wanted):
            continue
        site = inventory.site(record.site)
        if not whole_year and not _owned(site, record.month or str(record.year), year):
            if record.month is None:
                problems.append(
                    Problem(
                        f"site {site.id} joined or left the organisation in {year}: give its records of that year by "
                        "month, so that the months it was not the organisation's are left out",
                        place,
                        source,
                        "annual_record_structural_change",
                        {"site": site.id, "year": year},
                    )
                )
            excluded.append(place)
            continue
        try:
            lines.append(record_line(place, record, inventory, library, gwp))
        except LineProblem as exc:
            problems.append(Problem(str(exc), place, source, exc.id, exc.params))
    if problems:
        raise DataFormatError(problems=problems, what="inventory")
    return lines, excluded


def _owned(site: Site, period: str, year: int) -> bool:
    """Whether the site was the organisation's in the period (a month; a year counts when it neither joined nor
    left in it)."""
    start = month_start(period)
    if site.acquired is not None:
        if "-" not in period and site.acquired.year == year and site.acquired > date(year, 1, 1):
            return False
        if start < date(site.acquired.year, site.acquired.month, 1):
            return False
    if site.divested is not None:
        if "-" not in period and site.divested.year == year:
            return False
        if start >= date(site.divested.year, site.divested.month, 1):
            return False
    return True


def totals(lines: Iterable[Line]) -> Totals:
    """The totals of ``lines`` at their boundary shares, in t."""
    by_category = dict.fromkeys(CATEGORIES, 0.0)
    by_scope = dict.fromkeys(SCOPES, 0.0)
    by_scope3 = {str(n): 0.0 for n in range(1, 16)}
    by_gas: dict[str, float] = {}
    by_site: dict[str, float] = {}
    biogenic = 0.0
    for line in lines:
        t, t_market = line.kg_co2e * line.share / KG_PER_T, line.kg_co2e_market * line.share / KG_PER_T
        by_category[line.category] += t
        if line.scope == "2":
            by_scope["2-location"] += t
            by_scope["2-market"] += t_market
        else:
            by_scope[line.scope] += t
        if line.scope3_category is not None:
            by_scope3[str(line.scope3_category)] += t
        for gas, kg in line.gases.items():
            by_gas[gas] = by_gas.get(gas, 0.0) + kg * line.share / KG_PER_T
        by_site[line.site] = by_site.get(line.site, 0.0) + t
        biogenic += line.biogenic_kg_co2 * line.share / KG_PER_T
    total = by_scope["1"] + by_scope["2-location"] + by_scope["3"]
    return Totals(total, by_category, by_scope, by_scope3, by_gas, by_site, biogenic)


def _significance(inventory: Inventory, result: Totals) -> list[Significance]:
    """Each indirect category's share of the total against the threshold (ISO 14064-1:2018 5.2.3)."""
    policy = inventory.significance
    found = []
    for category in ("3", "4", "5", "6"):
        t = result.by_category[category]
        share = t / result.total if result.total else 0.0
        significant = None if policy is None else (share * 100 >= policy.threshold_percent and t > 0)
        excluded = policy.excluded.items() if policy is not None else ()
        reason = next((why for named, why in excluded if named == category), "")
        found.append(Significance(category, t, share, significant, reason))
    return found


def _factors_used(lines: Iterable[Line]) -> list[dict[str, Any]]:
    used: dict[str, dict[str, Any]] = {}
    for line in lines:
        used.setdefault(line.factor, {"factor": line.factor, "source": line.source, "unverified": line.unverified})
    return list(used.values())


def _line_dict(line: Line) -> dict[str, Any]:
    data = asdict(line)
    data["scope"] = line.scope
    data["warnings"] = list(line.warnings)
    return data
