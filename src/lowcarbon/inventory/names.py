"""The names of ISO 14064-1's categories and the GHG Protocol's scope 3 categories, in English and Chinese, and
which ISO category holds each scope 3 category (data/categories.json)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any, Literal

__all__ = ["category_name", "iso_category_of", "scope3_name"]

Lang = Literal["en", "zh-CN"]


@cache
def _categories() -> dict[str, Any]:
    text = resources.files("lowcarbon.inventory.data").joinpath("categories.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def category_name(category: str, lang: Lang = "en") -> str:
    """An ISO 14064-1 category's name ("1" to "6")."""
    entry = _categories()["iso"][category]
    return str(entry["name"] if lang == "en" else entry["name_zh"])


def scope3_name(number: str | int, lang: Lang = "en") -> str:
    """A scope 3 category's name (1 to 15)."""
    entry = _categories()["scope3"][str(number)]
    return str(entry["name"] if lang == "en" else entry["name_zh"])


def iso_category_of(scope3_category: int) -> str:
    """The ISO 14064-1 category ("3" to "6") that holds a scope 3 category."""
    return str(_categories()["scope3"][str(scope3_category)]["iso"])
