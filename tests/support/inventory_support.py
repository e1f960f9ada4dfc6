"""The inventory tests' fixtures: the worked example's file, and its data to change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

EXAMPLE = Path(__file__).parents[2] / "examples" / "two-site-inventory" / "inventory.yaml"


def example_data() -> dict[str, Any]:
    """The worked example's inventory as data, a fresh copy each call."""
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    return data
