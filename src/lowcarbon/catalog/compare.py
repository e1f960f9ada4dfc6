"""Product models side by side: their specifications (every name any of them gives), their certificates, and their
footprints on one declared unit, with a warning where they cannot be read against each other.

    comparison = compare(session, ["REG-1", "REG-2", "REG-3"], day)

Footprints are comparable only between products of one category declared on the same unit; and even then they
may have been assessed within different boundaries or by different methods when the products carry different
labels (certification schemes). Each warning is a stable code with its Chinese and English sentence, so a page
or a program can show it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from lowcarbon.catalog.products import products_detail
from lowcarbon.errors import InvalidInput

__all__ = ["MAX_MODELS", "MIN_MODELS", "WARNINGS", "compare", "comparison_of"]

MIN_MODELS = 2
MAX_MODELS = 5

WARNINGS: Mapping[str, Mapping[str, str]] = {
    "units_differ": {
        "zh-CN": "这些产品的碳足迹声明单位不同（{units}），数值不可直接比较。",
        "en": "These products declare their footprints on different units ({units}): the figures are not comparable.",
    },
    "categories_differ": {
        "zh-CN": "这些产品属于不同品类（{categories}），其功能和声明单位不同，碳足迹不宜直接比较。",
        "en": "These products belong to different categories ({categories}): they serve different functions, so "
        "their footprints are not comparable.",
    },
    "labels_differ": {
        "zh-CN": "这些产品的认证标志或方案不同（{labels}），其系统边界和核算方法可能不同，比较时请谨慎。",
        "en": "These products carry different labels or schemes ({labels}): their system boundaries and methods may "
        "differ, so compare their footprints with care.",
    },
    "unit_missing": {
        "zh-CN": "部分产品的碳足迹未注明声明单位（{models}），无法与其他产品比较。",
        "en": "Some products give their footprint without its declared unit ({models}): it cannot be compared.",
    },
    "no_footprint": {
        "zh-CN": "部分产品未声明碳足迹（{models}）。",
        "en": "Some products declare no footprint ({models}).",
    },
}


def _warning(code: str, **values: str) -> dict[str, Any]:
    return {"code": code, "message": {lang: text.format(**values) for lang, text in WARNINGS[code].items()}}


def _name(product: Mapping[str, Any]) -> str:
    return f"{product['brand']} {product['model']}"


def _ids(registry_ids: Sequence[str]) -> list[str]:
    ids = list(dict.fromkeys(r.strip() for r in registry_ids if r.strip()))
    if not MIN_MODELS <= len(ids) <= MAX_MODELS:
        raise InvalidInput(
            f"id: give {MIN_MODELS} to {MAX_MODELS} different registry ids to compare (id=...&id=...); {len(ids)} given"
        )
    return ids


def comparison_of(products: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The comparison of ``products`` as ``catalog.products.products_detail`` gives them (a pure function)."""
    spec_names = list(dict.fromkeys(name for p in products for name in p["specs"]))
    declared = [p for p in products if p["footprint_kg_co2e"] is not None and p["declared_unit"]]
    units = list(dict.fromkeys(p["declared_unit"] for p in declared))
    labels = list(dict.fromkeys(p["label"] for p in products))
    categories = list(dict.fromkeys(p["category_code"] for p in products))
    warnings = []
    if len(categories) > 1:
        warnings.append(_warning("categories_differ", categories=", ".join(categories)))
    if len(units) > 1:
        warnings.append(_warning("units_differ", units=", ".join(units)))
    if len(labels) > 1:
        warnings.append(_warning("labels_differ", labels=", ".join(labels)))
    unitless = [_name(p) for p in products if p["footprint_kg_co2e"] is not None and not p["declared_unit"]]
    if unitless:
        warnings.append(_warning("unit_missing", models=", ".join(unitless)))
    silent = [_name(p) for p in products if p["footprint_kg_co2e"] is None]
    if silent:
        warnings.append(_warning("no_footprint", models=", ".join(silent)))
    return {
        "products": list(products),
        "specifications": {name: [p["specs"].get(name) for p in products] for name in spec_names},
        "certificates": [
            {
                "number": p["certificate_number"],
                "label": p["label"],
                "status": p["certificate_status"],
                "valid_until": p["valid_until"],
                "certification_body": p["certification_body"],
                "verify_url": p["verify_url"],
            }
            for p in products
        ],
        "footprints": {
            "declared_unit": units[0] if len(units) == 1 else None,
            "comparable": not warnings,  # one category, label and declared unit, and every footprint declared on it
            "values": [
                {"kg_co2e": p["footprint_kg_co2e"], "declared_unit": p["declared_unit"], "standing": p["standing"]}
                for p in products
            ],
        },
        "warnings": warnings,
    }


def compare(session: Session, registry_ids: Sequence[str], day: date) -> dict[str, Any]:
    """The products ``registry_ids`` (2 to 5, in that order) compared; InvalidInput for another number of ids,
    NotFound naming those the catalog lacks."""
    return comparison_of(products_detail(session, _ids(registry_ids), day))
