"""The inventory tests' fixtures: the worked example's file, its data to change, and its data typed into the Excel
template."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import yaml
from openpyxl import load_workbook

from lowcarbon.inventory.excel import ACTIVITIES, ORGANISATION, SITES, template_bytes

EXAMPLE = Path(__file__).parents[2] / "examples" / "two-site-inventory" / "inventory.yaml"


def example_data() -> dict[str, Any]:
    """The worked example's inventory as data, a fresh copy each call."""
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    return data


def filled_template(data: dict[str, Any]) -> bytes:
    """The template with the example's organisation, sites and records (allocations are YAML only)."""
    book = load_workbook(io.BytesIO(template_bytes()))
    organisation = book[ORGANISATION]
    values = {
        "name": data["organisation"]["name"],
        "reporting_year": data["reporting_year"],
        "approach": data["approach"],
        "gwp": data["gwp"],
        "base_year": data["base_year"]["year"],
        "base_year_threshold_percent": data["base_year"]["threshold_percent"],
        "significance_threshold_percent": data["significance"]["threshold_percent"],
    }
    for row in organisation.iter_rows(min_row=2):
        if row[0].value in values:
            row[2].value = values[row[0].value]
    sites = book[SITES]
    header = [c.value.split(" / ")[0] for c in sites[1]]
    for site in data["sites"]:
        sites.append([site.get(column) for column in header])
    activities = book[ACTIVITIES]
    header = [c.value.split(" / ")[0] for c in activities[1]]
    for record in data["activities"]:
        market = record.get("market") or {}
        flat = {**record, **{f"market_{k}" if k != "instrument" else "market_instrument": v for k, v in market.items()}}
        activities.append([flat.get(column) for column in header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
