"""A catalog of random but plausible product models for the catalog's tests, and a search done the slow way over
them (``brute_force``), to compare the catalog's answers with."""

from __future__ import annotations

import random
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from lowcarbon.catalog.rows import COLUMNS as IMPORT_COLUMNS

COLUMNS = [*IMPORT_COLUMNS, "功率"]  # and a specification
BRANDS = ["格力", "美的", "海尔", "华为", "联想", "浪潮", "Gree", "Lenovo", "TCL", "小米"]
PRODUCTS = [
    ("A02010103", "服务器", "server"),
    ("A02010104", "台式计算机", "desktop computer"),
    ("A02021000", "打印机", "printer"),
    ("A02061800", "变频空调", "inverter air conditioner"),
    ("C9", "节能冰箱", "refrigerator"),
]
ADJECTIVES = ["节能", "智能", "商用", "高效", ""]
LABELS = ["environmental-label", "carbon-footprint-label", "low-carbon-product"]
REGIONS = ["广东", "北京", "山东", "江苏", None]
BODIES = ["中环联合认证中心", "中国质量认证中心", "Greenmark", None]
STATUSES = ["valid"] * 6 + ["suspended", "revoked", "withdrawn", "expired"]
TODAY = date(2026, 12, 6)


def catalog_rows(count: int, seed: int = 7) -> list[list[str]]:
    """``count`` product rows (with the header first), as a registry's CSV holds them."""
    chance = random.Random(seed)
    rows = [list(COLUMNS)]
    for number in range(count):
        code, word, english = chance.choice(PRODUCTS)
        brand = chance.choice(BRANDS)
        model = (
            f"{chance.choice('ABKX')}{chance.choice('FRS')}-{chance.randint(10, 99)}{chance.choice(['GW', 'M6', ''])}"
        )
        adjective = chance.choice(ADJECTIVES)
        until = TODAY + timedelta(days=chance.randint(-60, 900))
        footprint = "" if chance.random() < 0.1 else f"{chance.lognormvariate(3, 1):.3f}"
        rows.append(
            [
                f"R{number:05d}",
                brand,
                model,
                f"{brand}{adjective}{word} {model}",
                f"{brand} {english} {model}",
                code,
                chance.choice(LABELS),
                f"CERT-{number // 2:05d}",
                chance.choice(STATUSES),
                until.isoformat(),
                chance.choice(BODIES) or "",
                chance.choice(REGIONS) or "",
                footprint,
                "1 台" if footprint else "",
                str(chance.randint(100, 900)),
            ]
        )
    return rows


@dataclass(frozen=True)
class Model:
    """A product as the brute force sees it."""

    id: int
    values: dict[str, Any]
    names: tuple[str, ...]  # the category's names

    def status(self, day: date) -> str:
        status = str(self.values["certificate_status"])
        until = self.values["valid_until"]
        return "expired" if status in ("valid", "suspended") and until is not None and until < day else status


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def _holds(texts: list[str], query: str) -> bool:
    """The catalog's documented match, written out plainly. Per piece of the query between spaces: its Latin words run
    together start a word of the texts or a piece's words run together (one letter: is such a word); each pair of
    characters of its Han runs is in the texts (a lone character: is in them)."""
    folded = " \n ".join(_fold(t) for t in texts if t)
    latin: set[str] = set()
    for chunk in folded.split():
        words = re.findall(r"[0-9a-z]+", chunk)
        latin.update(words)
        latin.add("".join(words))
    for chunk in _fold(query).split():
        joined = "".join(re.findall(r"[0-9a-z]+", chunk))
        if joined and not (joined in latin if len(joined) == 1 else any(t.startswith(joined) for t in latin)):
            return False
        for run in re.findall(r"[\u4e00-\u9fff]+", chunk):
            if not all(run[i : i + 2] in folded for i in range(max(len(run) - 1, 1))):
                return False
    return True


def brute_force(models: list[Model], query: dict[str, Any], day: date = TODAY) -> dict[str, Any]:
    """What a search should answer, by reading every product: the matches in order, their count and facets."""
    q = str(query.get("q", ""))
    statuses = query.get("status", ("valid",))
    found = []
    for model in models:
        v = model.values
        if statuses is not None and model.status(day) not in statuses:
            continue
        if any(query.get(f) and v[c] not in query[f] for f, c in (("category", "category_code"), ("label", "label"),
               ("region", "region"), ("certification_body", "certification_body"))):  # fmt: skip
            continue
        footprint = v["footprint"]
        if query.get("footprint_max") is not None and (footprint is None or footprint > query["footprint_max"]):
            continue
        ident = [v["brand"], v["model"], v["registry_id"], v["certificate_number"]]
        if q.strip() and not _holds([*ident, v["name_zh"] or "", v["name_en"] or "", *model.names], q):
            continue
        strong = bool(q.strip()) and _holds(ident, q)
        found.append((model, strong))
    sort = query.get("sort") or ("relevance" if q.strip() else "footprint")

    def key(entry: tuple[Model, bool]) -> tuple[Any, ...]:
        model, strong = entry
        footprint = model.values["footprint"]
        value = float("inf") if footprint is None else (-footprint if sort == "-footprint" else footprint)
        tier = -1 if sort == "relevance" and strong else 0
        return (tier, value, model.id)

    ordered = [m for m, _ in sorted(found, key=key)]
    facets = {
        name: dict(Counter(m.values[name] for m in ordered if m.values[name] is not None))
        for name in ("category_code", "label", "region", "certification_body")
    }
    return {"ids": [m.values["registry_id"] for m in ordered], "total": len(ordered), "facets": facets}
