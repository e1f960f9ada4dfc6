"""ECharts options of the carbon-inclusive pages: totals as horizontal bars (one label per row, never overlapping),
reductions over time as a line."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["bars", "over_time"]

_GREEN = "#2e7d4f"


def bars(items: Sequence[tuple[str, float]], unit: str) -> dict[str, Any]:
    """Horizontal bars of ``items`` (label, value), largest on top."""
    ordered = sorted(items, key=lambda item: item[1])
    return {
        "grid": {"left": 8, "right": 24, "top": 8, "bottom": 8, "containLabel": True},
        "tooltip": {"trigger": "axis", "confine": True},
        "xAxis": {"type": "value", "name": unit},
        "yAxis": {
            "type": "category",
            "data": [label for label, _ in ordered],
            "axisLabel": {"width": 110, "overflow": "truncate", "interval": 0},
        },
        "series": [{"type": "bar", "data": [round(value, 6) for _, value in ordered], "itemStyle": {"color": _GREEN}}],
    }


def over_time(days: Sequence[tuple[str, float]], unit: str) -> dict[str, Any]:
    """A line of ``days`` (ISO date, value)."""
    return {
        "grid": {"left": 8, "right": 16, "top": 24, "bottom": 8, "containLabel": True},
        "tooltip": {"trigger": "axis", "confine": True},
        "xAxis": {"type": "category", "data": [day for day, _ in days], "axisLabel": {"hideOverlap": True}},
        "yAxis": {"type": "value", "name": unit},
        "series": [
            {"type": "line", "data": [round(v, 6) for _, v in days], "areaStyle": {}, "itemStyle": {"color": _GREEN}}
        ],
    }
