"""The inventory's charts. ECharts options of the inventory page: the result by ISO 14064-1 category as a donut
(each category's share of the total) and by scope as columns, scope 2 market-based beside location-based (it is not
in the total). A reduction target's trajectory as a drawing (the report's shapes: inline SVG on the page and in the
HTML report, vector graphics in the PDF): the actual values by year beside the straight path from the base year to
the target year."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import pairwise
from typing import Any

from lowcarbon.report.drawing import BLUE, GREEN, GREY, Drawing, Line, Rect, Shape, Text, fit

__all__ = ["result_charts", "trajectory"]

OFF_TRACK = "#b5483a"

# one colour per ISO 14064-1 category, direct emissions darkest
_PALETTE = ["#1b4d30", "#2e7d4f", "#4f9d6b", "#7cbf8e", "#a9d8b3", "#d3eed8"]


def result_charts(
    result: Mapping[str, Any], categories: Mapping[str, str], scopes: Mapping[str, str]
) -> dict[str, dict[str, Any]]:
    """The options of the charts by category and by scope; ``categories`` and ``scopes`` name their keys."""
    by_category = [
        {"name": categories[key], "value": round(float(value), 3)}
        for key, value in result["by_category"].items()
        if value
    ]
    scope_keys = list(result["by_scope"])
    return {
        "category": {
            "color": _PALETTE,
            "tooltip": {"trigger": "item", "confine": True},
            "legend": {"type": "scroll", "bottom": 0},
            "series": [
                {
                    "type": "pie",
                    "radius": ["35%", "65%"],
                    "center": ["50%", "42%"],
                    "label": {"formatter": "{d}%"},
                    "data": by_category,
                }
            ],
        },
        "scope": {
            "grid": {"left": 8, "right": 16, "top": 24, "bottom": 8, "containLabel": True},
            "tooltip": {"trigger": "axis", "confine": True},
            "xAxis": {
                "type": "category",
                "data": [scopes[key] for key in scope_keys],
                "axisLabel": {"interval": 0, "width": 80, "overflow": "break"},
            },
            "yAxis": {"type": "value", "name": "t CO2e"},
            "series": [
                {
                    "type": "bar",
                    "data": [
                        {
                            "value": round(float(result["by_scope"][key]), 3),
                            "itemStyle": {"color": "#9aa5ad" if key == "2-market" else "#2e7d4f"},
                        }
                        for key in scope_keys
                    ],
                }
            ],
        },
    }


def trajectory(title: str, target: Mapping[str, Any], labels: tuple[str, str], width: float = 480) -> Drawing:
    """A target's trajectory (``TargetProgress.to_dict()``): the path from the base value to the target value as a
    dashed line, the actual value of each year as a point on a line (off the path's track in red); ``labels`` name
    the actual values and the path."""
    base_year, target_year = int(target["base_year"]), int(target["target_year"])
    points: Sequence[Mapping[str, Any]] = target["progress"]
    last = max([target_year, *(int(p["year"]) for p in points)])
    top_value = max([float(target["base_value"]), *(float(p["actual"]) for p in points)]) * 1.1 or 1.0
    left, right, top, bottom = 56.0, width - 16, 30.0, 150.0

    def x(year: float) -> float:
        return left + (year - base_year) / ((last - base_year) or 1) * (right - left)

    def y(value: float) -> float:
        return bottom - value / top_value * (bottom - top)

    shapes: list[Shape] = [Text(width / 2, 12, fit(title, width, 9), 9, "middle", bold=True)]
    shapes.append(Line(left, bottom, right, bottom, GREY))
    shapes.append(Line(left, top, left, bottom, GREY))
    shapes.append(Text(left - 4, top + 4, f"{top_value:.4g}", 7.5, "end", GREY))
    shapes.append(Text(left - 4, bottom, "0", 7.5, "end", GREY))
    base_value, target_value = float(target["base_value"]), float(target["target_value"])
    shapes.append(Line(x(base_year), y(base_value), x(target_year), y(target_value), GREEN, 1.2, dashed=True))
    shapes.append(Text(x(target_year), y(target_value) - 5, f"{target_value:.4g}", 7.5, "end", GREEN))
    for before, after in pairwise(points):
        shapes.append(Line(x(before["year"]), y(before["actual"]), x(after["year"]), y(after["actual"]), BLUE, 1.2))
    for point in points:
        colour = BLUE if point["on_track"] else OFF_TRACK
        px, py = x(point["year"]), y(point["actual"])
        shapes.append(Rect(px - 2.5, py - 2.5, 5, 5, fill=colour))
        shapes.append(Text(px + 4, py - 4, f"{float(point['actual']):.4g}", 7.5, "start", colour))
    shown = sorted({base_year, target_year, *(int(p["year"]) for p in points)})
    spacing = (right - left) / max(len(shown), 1)
    for year in shown if spacing >= 22 else (base_year, target_year):
        shapes.append(Text(x(year), bottom + 11, str(year), 7.5, "middle", GREY))
    legend = bottom + 26
    shapes.append(Rect(left, legend - 6, 5, 5, fill=BLUE))
    shapes.append(Text(left + 8, legend, fit(labels[0], 140, 7.5), 7.5))
    shapes.append(Line(left + 160, legend - 3, left + 176, legend - 3, GREEN, 1.2, dashed=True))
    shapes.append(Text(left + 180, legend, fit(labels[1], 160, 7.5), 7.5))
    shapes.append(Text(right, legend, str(target["unit"]), 7.5, "end", GREY))
    return Drawing(width, legend + 8, tuple(shapes), title, "chart")
