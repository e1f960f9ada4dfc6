"""Apache ECharts options for a footprint, a product's versions and a Monte Carlo run, built here so the page's
script only draws.

Each function takes a study's result (``Footprint.to_dict()``), a comparison or a run's sampled totals, and ``_``,
the page language's
gettext, for titles and axis names, and optionally the page's ``words``, for stage ids and gases; line names are the
model's own and are not translated.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from lowcarbon.footprint.schemas import Comparison
from lowcarbon.web.render import SIGNIFICANT

if TYPE_CHECKING:
    from lowcarbon.footprint.pages.words import PageWords as Words

__all__ = ["by_gas", "by_stage", "comparison", "distribution", "hotspots"]

Gettext = Callable[[str], str]
Option = dict[str, Any]


def _round(value: float) -> float:
    return float(f"{value:.{SIGNIFICANT}g}")  # as the page's figures


def _bars(title: str, unit: str, names: list[str], values: list[float], *, horizontal: bool = False) -> Option:
    category = {"type": "category", "data": names, "axisLabel": {"interval": 0, "width": 160, "overflow": "truncate"}}
    value_axis = {"type": "value", "name": unit, "nameLocation": "middle", "nameGap": 28 if horizontal else 48}
    return {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "grid": {"left": 170 if horizontal else 72, "right": 24, "bottom": 48, "top": 40},
        "xAxis": value_axis if horizontal else category,
        "yAxis": category if horizontal else value_axis,
        "series": [{"type": "bar", "data": [_round(value) for value in values], "itemStyle": {"color": "#2f7d4f"}}],
    }


def by_stage(result: Mapping[str, Any], _: Gettext, words: Words | None = None) -> Option:
    """The total of each life-cycle stage, as bars (the stage ids in ``words``, when given)."""
    name_of = words.code if words is not None else str
    stages = {name_of(str(name)): float(value) for name, value in result.get("by_stage", {}).items()}
    return _bars(_("By life-cycle stage"), "kg CO2e", list(stages), list(stages.values()))


def by_gas(result: Mapping[str, Any], _: Gettext, words: Words | None = None) -> Option:
    """Each gas's share of the CO2e, as a ring (gases with a negative figure, i.e. removals, are left out of it);
    with ``words``, a factor's published CO2e total is named as such, not as a gas."""
    name_of = words.gas if words is not None else str
    gases = {name_of(str(name)): _round(float(value)) for name, value in result.get("by_gas", {}).items()}
    shown = [{"name": name, "value": value} for name, value in gases.items() if value > 0]
    return {
        "title": {"text": _("By greenhouse gas"), "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "item", "formatter": "{b}: {c} kg CO2e ({d}%)"},
        "legend": {"bottom": 0},
        "series": [
            {
                "type": "pie",
                "radius": ["40%", "68%"],
                "data": shown,
            },
        ],
    }


def hotspots(result: Mapping[str, Any], _: Gettext) -> Option:
    """The largest lines, largest on top, as horizontal bars."""
    lines = list(reversed(result.get("hotspots", [])))
    names = [str(line["name"]) for line in lines]
    return _bars(_("Hotspots"), "kg CO2e", names, [float(line["kg_co2e"]) for line in lines], horizontal=True)


def comparison(compared: Comparison, _: Gettext, words: Words | None = None) -> Option:
    """Each version's total, stacked by stage, in the order the versions were made."""
    versions = [f"v{version.version}" for version in compared.versions]
    series = [
        {
            "name": words.code(stage) if words is not None else stage,
            "type": "bar",
            "stack": "total",
            "data": [_round(version.by_stage.get(stage, 0.0)) for version in compared.versions],
        }
        for stage in compared.stages
    ]
    return {
        "title": {"text": _("Total by version"), "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"bottom": 0},
        "grid": {"left": 60, "right": 24, "bottom": 56, "top": 40},
        "xAxis": {"type": "category", "data": versions},
        "yAxis": {"type": "value", "name": "kg CO2e"},
        "series": series,
    }


def distribution(samples: Sequence[float], unit: str, _: Gettext, *, bins: int = 30) -> Option:
    """The sampled totals of a Monte Carlo run as a histogram: how many iterations fell in each range."""
    counts, edges = np.histogram(np.asarray(samples, dtype=float), bins=bins)
    centres = [_round(float(low + high) / 2) for low, high in itertools.pairwise(edges)]
    return {
        "title": {"text": _("Distribution of the total"), "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "grid": {"left": 60, "right": 24, "bottom": 56, "top": 40},
        "xAxis": {"type": "category", "data": centres, "name": unit, "nameLocation": "middle", "nameGap": 32},
        "yAxis": {"type": "value", "name": _("Iterations")},
        "series": [
            {
                "type": "bar",
                "data": [int(count) for count in counts],
                "barCategoryGap": "5%",
                "itemStyle": {"color": "#2f7d4f"},
            }
        ],
    }
