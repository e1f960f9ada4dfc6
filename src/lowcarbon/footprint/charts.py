"""Apache ECharts options for a footprint, a product's versions and a Monte Carlo run, built here so the page's
script only draws.

Each function takes a study's result (``Footprint.to_dict()``), a comparison or a run's sampled totals, and ``_``,
the page language's
gettext, for titles and axis names, and optionally the page's ``words``, for stage ids and gases; line names are the
model's own and are not translated.

Labels never overlap, on a phone either: named categories (stages, hotspot lines) are bars along the y axis, one
label a row, each wrapped or cut at ``LABEL_WIDTH`` pixels (the whole name stays in the tooltip) with the grid
holding the labels (``containLabel``); axes of many short categories let ECharts hide the labels that would collide;
tooltips stay inside the chart (``confine``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from lowcarbon.footprint.result import process_stages
from lowcarbon.footprint.schemas import Comparison
from lowcarbon.web.render import SIGNIFICANT

if TYPE_CHECKING:
    from lowcarbon.footprint.pages.words import PageWords as Words

__all__ = ["by_gas", "by_stage", "comparison", "distribution", "hotspots"]

Gettext = Callable[[str], str]
Option = dict[str, Any]


def _round(value: float) -> float:
    return float(f"{value:.{SIGNIFICANT}g}")  # as the page's figures


#: The widest a category label is drawn, in CSS pixels: about a third of a phone's chart.
LABEL_WIDTH = 110


def _bars(title: str, unit: str, names: list[str], values: list[float], *, overflow: str = "break") -> Option:
    """Horizontal bars, the first name on top; each label on its own row, wrapped (``break``) or cut
    (``truncate``) at LABEL_WIDTH."""
    category = {
        "type": "category",
        "data": names,
        "inverse": True,
        "axisLabel": {"interval": 0, "width": LABEL_WIDTH, "overflow": overflow, "ellipsis": "…", "lineHeight": 14},
    }
    return {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}, "confine": True},
        "grid": {"left": 8, "right": 24, "bottom": 36, "top": 40, "containLabel": True},
        "xAxis": {
            "type": "value",
            "name": unit,
            "nameLocation": "middle",
            "nameGap": 28,
            "axisLabel": {"hideOverlap": True},
        },
        "yAxis": category,
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
        "tooltip": {"trigger": "item", "formatter": "{b}: {c} kg CO2e ({d}%)", "confine": True},
        "legend": {"bottom": 0, "type": "scroll"},
        "series": [
            {
                "type": "pie",
                "radius": ["40%", "68%"],
                "data": shown,
                # a slice's label cut at the width, none on slivers, and none over another: the legend names all
                "label": {"width": LABEL_WIDTH, "overflow": "truncate", "ellipsis": "…"},
                "labelLayout": {"hideOverlap": True},
                "minShowLabelAngle": 4,
            },
        ],
    }


def hotspots(result: Mapping[str, Any], _: Gettext, words: Words | None = None) -> Option:
    """The largest lines, largest on top, as horizontal bars; with ``words``, each named with its stage, for a line
    of a process the stages of the lines that use the process."""
    lines = list(result.get("hotspots", []))
    if words is not None:
        uses = process_stages(result.get("lines", []))
        names = [f"{line['name']} · {words.stage_of(line, uses)}" for line in lines]
    else:
        names = [str(line["name"]) for line in lines]
    return _bars(_("Hotspots"), "kg CO2e", names, [float(line["kg_co2e"]) for line in lines], overflow="truncate")


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
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}, "confine": True},
        "legend": {"bottom": 0, "type": "scroll"},
        "grid": {"left": 8, "right": 24, "bottom": 56, "top": 40, "containLabel": True},
        "xAxis": {"type": "category", "data": versions, "axisLabel": {"hideOverlap": True}},
        "yAxis": {"type": "value", "name": "kg CO2e"},
        "series": series,
    }


def distribution(samples: Sequence[float], unit: str, _: Gettext, *, bins: int = 30) -> Option:
    """The sampled totals of a Monte Carlo run as a histogram: how many iterations fell in each range."""
    counts, edges = np.histogram(np.asarray(samples, dtype=float), bins=bins)
    centres = [_round(float(low + high) / 2) for low, high in itertools.pairwise(edges)]
    return {
        "title": {"text": _("Distribution of the total"), "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}, "confine": True},
        "grid": {"left": 8, "right": 24, "bottom": 56, "top": 40, "containLabel": True},
        "xAxis": {
            "type": "category",
            "data": centres,
            "name": unit,
            "nameLocation": "middle",
            "nameGap": 32,
            "axisLabel": {"hideOverlap": True},
        },
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
