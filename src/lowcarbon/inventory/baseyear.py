"""The base year and its recalculation (ISO 14064-1:2018 6.4.1; GHG Protocol Corporate Standard chapter 5).

The base year as first reported holds the sites that were the organisation's then. A structural change since (a
site acquired after the base year, or one divested) moves emissions that existed in the base year into or out of
the organisation: the base year is restated, pro forma for whole years, when the changes' combined effect is at least
the policy's significance threshold. An acquired site's base-year emissions come from its base-year records in the
file (the seller's data), computed with the base year's factors; a divested site's are taken out.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from lowcarbon.factors import CharacterizationSet, FactorLibrary
from lowcarbon.inventory.compute import Totals, inventory_lines, totals
from lowcarbon.inventory.model import Inventory

__all__ = ["BaseYearResult", "Trigger", "base_year"]


@dataclass(frozen=True)
class Trigger:
    """A structural change and its effect on the base year, in t CO2e (positive: the base year grows)."""

    kind: str  # acquisition, divestment
    site: str
    on: str  # the date of the change
    effect: float
    percent: float  # of the base year as first reported


@dataclass(frozen=True)
class BaseYearResult:
    year: int
    threshold_percent: float
    original: Totals  # as first reported: the sites of the organisation in the base year
    recalculated: Totals  # with the structural changes since (equal to original when not restated)
    restated: bool
    triggers: tuple[Trigger, ...]
    warnings: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "threshold_percent": self.threshold_percent,
            "original_total": self.original.total,
            "recalculated_total": self.recalculated.total,
            "restated": self.restated,
            "by_scope": self.recalculated.by_scope,
            "by_category": self.recalculated.by_category,
            "triggers": [asdict(t) for t in self.triggers],
        }


def base_year(inventory: Inventory, library: FactorLibrary, gwp: CharacterizationSet, source: str) -> BaseYearResult:
    """The base year of ``inventory`` as first reported and restated under its recalculation policy."""
    assert inventory.base_year is not None
    year, threshold = inventory.base_year.year, inventory.base_year.threshold_percent
    end = date(year, 12, 31)
    acquired = [s for s in inventory.sites if s.acquired is not None and s.acquired > end]
    divested = [s for s in inventory.sites if s.divested is not None and s.divested > end]
    held = [s.id for s in inventory.sites if s not in acquired and (s.divested is None or s.divested > end)]
    original_lines, _ = inventory_lines(inventory, year, library, gwp, source, sites=held)
    original = totals(original_lines)
    warnings, triggers, lines = [], [], list(original_lines)
    for site in acquired:
        site_lines, _ = inventory_lines(inventory, year, library, gwp, source, sites=[site.id], whole_year=True)
        if not site_lines:
            warnings.append(
                f"site {site.id} was acquired on {site.acquired} but has no records of the base year {year}: give "
                "its base-year activity data (from the seller's records) so that the base year can be restated"
            )
            continue
        lines.extend(site_lines)
        effect = totals(site_lines).total
        triggers.append(Trigger("acquisition", site.id, str(site.acquired), effect, _percent(effect, original)))
    for site in divested:
        site_lines = [line for line in original_lines if line.site == site.id]
        lines = [line for line in lines if line.site != site.id]
        effect = -totals(site_lines).total
        triggers.append(Trigger("divestment", site.id, str(site.divested), effect, _percent(effect, original)))
    combined = sum(t.effect for t in triggers)
    restated = bool(triggers) and abs(_percent(combined, original)) >= threshold
    if triggers and not restated:
        warnings.append(
            f"the structural changes move the base year by {_percent(combined, original):+.2f} %, below the "
            f"recalculation threshold of {threshold:g} %: the base year is not restated"
        )
    recalculated = totals(lines) if restated else original
    for factor in dict.fromkeys(line.factor for line in lines if line.unverified):
        warnings.append(f"base year {year}: {factor} is unverified (one unchecked source)")
    return BaseYearResult(year, threshold, original, recalculated, restated, tuple(triggers), tuple(warnings))


def _percent(effect: float, original: Totals) -> float:
    return 100 * effect / original.total if original.total else 0.0
