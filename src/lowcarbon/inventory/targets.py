"""Reduction targets and their tracking: each target's base-year and target-year values, its yearly progress against
the linear path between them, and the gap the planned reduction actions leave.

A target covers GHG Protocol scopes or ISO 14064-1 categories. Its base value is the base year's (as recalculated
under the policy, ``baseyear``) covered emissions, in t CO2e, or for an intensity target those emissions per unit of
its denominator (output, revenue...) that year; the target value is the base value less the reduction percent. The
path runs straight from the base year to the target year (the Science Based Targets initiative's linear
reduction); a year is on track when its actual value is at or below the path. A year's figures come from the
inventory itself (the reporting year, the base year) or from earlier years' figures (a stored inventory of that year,
or the file's ``history``); only years from the base year to the reporting year count, and an intensity target
skips a year without its denominator (with a warning).

The gap is the reduction still needed in the target year, measured from the latest year (for an intensity target:
at the latest year's denominator), less the expected yearly effect of the target's actions that are not done yet
and take effect by the target year (a done action is already in the actual figures).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from lowcarbon.inventory.model import Inventory, ReductionAction, Target

__all__ = ["ActionEffect", "Progress", "TargetProgress", "YearFigures", "figures_of", "track_targets"]


@dataclass(frozen=True)
class YearFigures:
    """A year's inventory figures in t CO2e and where they come from."""

    year: int
    by_scope: Mapping[str, float]  # "1", "2-location", "2-market", "3"
    by_category: Mapping[str, float]  # ISO 14064-1 "1" to "6"
    source: str  # a stored inventory's name, the file's words on its history; empty for this inventory's own years
    kind: str = "stored"  # reporting, base, base-restated, stored (an inventory of that year), history (the file's)


@dataclass(frozen=True)
class Progress:
    """A target's value in one year beside its path."""

    year: int
    emissions_t: float  # the covered emissions
    denominator: float | None  # an intensity target's denominator that year
    actual: float  # in the target's unit
    path: float  # the linear path's value that year
    achieved_percent: float | None  # below the base value; None when the base value is zero
    on_track: bool
    source: str
    kind: str  # where the figures come from (YearFigures.kind)


@dataclass(frozen=True)
class ActionEffect:
    id: str
    name: str
    expected_t_per_year: float
    year: int
    status: str
    source: str
    counted: bool  # counts against the gap: not done, and in effect by the target year


@dataclass(frozen=True)
class TargetProgress:
    id: str
    name: str
    kind: str  # absolute, intensity
    scopes: tuple[str, ...]
    categories: tuple[str, ...]
    base_year: int
    target_year: int
    reduction_percent: float
    unit: str  # t CO2e, or t CO2e per the denominator's unit
    intensity: Mapping[str, Any] | None  # name, unit, values, source
    base_value: float
    target_value: float
    progress: tuple[Progress, ...]
    needed_t: float | None  # the reduction still needed by the target year, t CO2e a year
    planned_t: float  # the counted actions' expected effect, t CO2e a year
    gap_t: float | None  # what the actions leave of the needed reduction (0 when they cover it)
    actions: tuple[ActionEffect, ...]
    source: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def track_targets(
    inventory: Inventory, reporting: YearFigures, base: YearFigures, past: Iterable[YearFigures] = ()
) -> tuple[list[TargetProgress], list[str]]:
    """Each target of ``inventory`` tracked over the years of ``reporting``, ``base`` and ``past`` (the latter
    replaced by ``base`` and ``reporting`` in their years), and the warnings."""
    years: dict[int, YearFigures] = {figures.year: figures for figures in past}
    years[base.year], years[reporting.year] = base, reporting
    shown = [years[year] for year in sorted(years) if base.year <= year <= reporting.year]
    warnings: list[str] = []
    tracked = [_track(target, inventory.reduction_actions, shown, base, warnings) for target in inventory.targets]
    return tracked, warnings


def _covered(target: Target, figures: YearFigures) -> float:
    if target.scopes:
        return sum(float(figures.by_scope.get(scope, 0.0)) for scope in target.scopes)
    return sum(float(figures.by_category.get(category, 0.0)) for category in target.categories)


def _track(
    target: Target,
    actions: Iterable[ReductionAction],
    years: list[YearFigures],
    base: YearFigures,
    warnings: list[str],
) -> TargetProgress:
    denominators = target.intensity.values if target.intensity is not None else {}
    unit = "t CO2e" if target.intensity is None else f"t CO2e per {target.intensity.unit}"

    def value(figures: YearFigures) -> float:
        emissions = _covered(target, figures)
        return emissions / denominators[figures.year] if target.intensity is not None else emissions

    base_value = value(base)
    target_value = base_value * (1 - target.reduction_percent / 100)
    if base_value == 0:
        warnings.append(
            f"target {target.id}: the base year {base.year} has no emissions in what the target covers: "
            "progress cannot be measured against it"
        )
    progress = []
    for figures in years:
        if target.intensity is not None and figures.year not in denominators:
            warnings.append(
                f"target {target.id}: no {target.intensity.name} given for {figures.year}; that year is left out"
            )
            continue
        actual = value(figures)
        share = (figures.year - base.year) / (target.target_year - base.year)
        path = base_value + (target_value - base_value) * min(share, 1.0)
        achieved = 100 * (base_value - actual) / base_value if base_value else None
        progress.append(
            Progress(
                figures.year,
                _covered(target, figures),
                denominators.get(figures.year),
                actual,
                path,
                achieved,
                actual <= path * (1 + 1e-9),
                figures.source,
                figures.kind,
            )
        )
    effects = tuple(
        ActionEffect(
            action.id,
            action.name,
            action.expected_t_per_year,
            action.year,
            action.status,
            action.source,
            action.status != "done" and action.year <= target.target_year,
        )
        for action in actions
        if action.target == target.id
    )
    planned = sum(effect.expected_t_per_year for effect in effects if effect.counted)
    needed = None
    if progress and base_value:
        latest = progress[-1]
        needed = max(latest.actual - target_value, 0.0) * (latest.denominator or 1.0)
    return TargetProgress(
        target.id,
        target.name,
        target.kind,
        tuple(target.scopes),
        tuple(target.categories),
        base.year,
        target.target_year,
        target.reduction_percent,
        unit,
        target.intensity.model_dump(mode="json") if target.intensity is not None else None,
        base_value,
        target_value,
        tuple(progress),
        needed,
        planned,
        max(needed - planned, 0.0) if needed is not None else None,
        effects,
        target.source,
    )


def figures_of(year: int, result: Mapping[str, Any], name: str) -> YearFigures:
    """A year's figures from the computed result (``InventoryResult.to_dict()``, as stored) of the inventory
    ``name``."""
    return YearFigures(year, dict(result["by_scope"]), dict(result["by_category"]), name, "stored")
