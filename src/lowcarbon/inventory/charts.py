"""ECharts options of the inventory page: the result by ISO 14064-1 category as a donut (each category's share of
the total) and by scope as columns, scope 2 market-based beside location-based (it is not in the total)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["result_charts"]

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
