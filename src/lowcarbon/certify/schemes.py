"""Certification schemes, read from ``data/schemes.json``: what each certifies against, the product categories it
covers, its criteria (a verified CFP and its declared value; a threshold per declared unit; a checklist), the
evidence each stage needs, the certificate's validity and the surveillance interval. The three shipped schemes are
modelled on China's product carbon footprint label, low-carbon product certification and the environmental
(ten-ring) label, and say so (``modelled_on``); thresholds without a public source are marked ``illustrative``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal

from lowcarbon.errors import NotFound

__all__ = ["Category", "CheckItem", "Scheme", "get_scheme", "schemes"]

Texts = Mapping[str, str]  # language tag (zh-CN, en) -> text
CriteriaKind = Literal["verified_cfp", "threshold", "checklist"]


@dataclass(frozen=True)
class Category:
    """A product category a scheme covers; a low-carbon threshold (kg CO2e per ``declared_unit``) where it has one."""

    code: str
    name: Texts
    standard: str | None = None
    declared_unit: str | None = None
    threshold: float | None = None
    source: str | None = None
    illustrative: bool = False


@dataclass(frozen=True)
class CheckItem:
    """One item of an environmental label's checklist."""

    id: str
    text: Texts


@dataclass(frozen=True)
class Scheme:
    """One certification scheme."""

    id: str
    prefix: str  # of its certificates' numbers: PREFIX-YEAR-NNNNN
    name: Texts
    modelled_on: Texts
    standard: str
    criteria_kind: CriteriaKind
    criteria: Texts
    declares_value: bool  # its certificates and labels state the footprint and declared unit
    categories: tuple[Category, ...]
    evidence: Mapping[str, tuple[Texts, ...]]
    validity_years: int = 3
    surveillance_months: int = 12
    checklist: tuple[CheckItem, ...] = field(default=())

    def category(self, code: str) -> Category:
        found = next((c for c in self.categories if c.code == code), None)
        if found is None:
            codes = ", ".join(c.code for c in self.categories)
            raise NotFound(f"scheme {self.id!r} covers no category {code!r}; its categories: {codes}")
        return found

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": dict(self.name),
            "modelled_on": dict(self.modelled_on),
            "standard": self.standard,
            "criteria": {
                "kind": self.criteria_kind,
                "text": dict(self.criteria),
                "declares_value": self.declares_value,
            },
            "categories": [
                {k: v for k, v in vars(c).items() if v is not None} | {"name": dict(c.name)} for c in self.categories
            ],
            "checklist": [{"id": item.id, "text": dict(item.text)} for item in self.checklist],
            "evidence": {stage: [dict(t) for t in texts] for stage, texts in self.evidence.items()},
            "validity_years": self.validity_years,
            "surveillance_months": self.surveillance_months,
        }


@cache
def schemes() -> tuple[Scheme, ...]:
    """The shipped schemes, in the data file's order."""
    data = json.loads(resources.files("lowcarbon.certify").joinpath("data/schemes.json").read_text("utf-8"))
    return tuple(_scheme(raw) for raw in data["schemes"])


def get_scheme(scheme_id: str) -> Scheme:
    """The scheme ``scheme_id``; NotFound naming the schemes there are."""
    found = next((s for s in schemes() if s.id == scheme_id), None)
    if found is None:
        raise NotFound(f"no scheme {scheme_id!r}; the schemes: {', '.join(s.id for s in schemes())}")
    return found


def _scheme(raw: Mapping[str, Any]) -> Scheme:
    categories = tuple(
        Category(
            code=c["code"],
            name=c["name"],
            standard=c.get("standard"),
            declared_unit=c.get("declared_unit"),
            threshold=c.get("threshold"),
            source=c.get("source"),
            illustrative=bool(c.get("illustrative", False)),
        )
        for c in raw["categories"]
    )
    return Scheme(
        id=raw["id"],
        prefix=raw["prefix"],
        name=raw["name"],
        modelled_on=raw["modelled_on"],
        standard=raw["standard"],
        criteria_kind=raw["criteria"]["kind"],
        criteria=raw["criteria"]["text"],
        declares_value=raw["criteria"]["declares_value"],
        categories=categories,
        evidence={stage: tuple(texts) for stage, texts in raw["evidence"].items()},
        validity_years=raw["validity_years"],
        surveillance_months=raw["surveillance_months"],
        checklist=tuple(CheckItem(item["id"], item["text"]) for item in raw.get("checklist", ())),
    )
