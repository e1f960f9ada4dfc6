"""Small product models beside test factors, for the footprint uncertainty and scenario tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

FACTORS = """id,name,unit,geography,co2e,source,uncertainty,geometric_sd
steel,test steel,kg,GLO,2.0,test value,none,
power,test power,kWh,GLO,0.5,test value,none,
power-copy,test power (another key),kWh,GLO,0.5,test value,none,
green-power,test power of another grid mix,kWh,GLO,0.1,test value,none,
glue,test glue,kg,GLO,1.0,test value,none,
resin,test resin with its file's spread,kg,GLO,4.0,test value,lognormal,1.5
"""


def line(name: str, amount: Any, unit: str, factor: str, **more: Any) -> dict[str, Any]:
    return {"name": name, "amount": amount, "unit": unit, "factor": factor, **more}


def model(*stages: tuple[str, list[dict[str, Any]]], **more: Any) -> dict[str, Any]:
    return {
        "product": {"name": more.pop("name", "widget")},
        "declared_unit": {"unit": "item"},
        "boundary": "cradle-to-gate",
        "factor_files": ["test.csv"],
        "stages": [{"name": name, "activities": lines} for name, lines in stages],
        **more,
    }


def write(folder: Path, data: dict[str, Any], name: str = "model.yaml") -> Path:
    """The model as a file beside the test factors."""
    (folder / "test.csv").write_text(FACTORS, encoding="utf-8")
    path = folder / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path
