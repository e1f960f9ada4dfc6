"""The catalog's demo data: three hundred product models across the categories the certification schemes ship, as a
body's registry would list them, imported through the catalog's own importer.

Brands, models, certificate numbers, bodies and regions are invented (``data/demo_products.json``), and the
footprints are ILLUSTRATIVE: drawn within ranges chosen to look plausible per declared unit, from no measurement
and no public source. The pages say so on every demo product. Most certificates are valid; some are suspended,
revoked or withdrawn, and some lapsed (valid until a day past); a few lithium batteries declare their footprint per
battery pack instead of per kWh, so that comparing them shows the warning. The certificates the certify demo issues
reach the catalog by themselves (``catalog.sync``).

``seed`` adds nothing when the demo's products are there already (their registry ids start ``DEMO-``): the rows
are drawn from a fixed seed, but their validity dates from the day of seeding.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Iterator, Mapping
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lowcarbon.catalog.importer import import_rows
from lowcarbon.catalog.rows import COLUMNS
from lowcarbon.catalog.tables import Product
from lowcarbon.certify.certificates import china_day
from lowcarbon.ports import Ports

__all__ = ["PREFIX", "describe", "is_demo", "rows", "seed"]

PREFIX = "DEMO-"  # the registry ids of the demo's products
DATA = Path(__file__).parent / "data" / "demo_products.json"
_NUMBERS = {"environmental-label": "CEL", "carbon-footprint-label": "CFP", "low-carbon-product": "LCP"}


@cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    return data


def is_demo(registry_id: str) -> bool:
    """Whether ``registry_id`` is one of the demo's products (whose footprints are illustrative)."""
    return registry_id.startswith(PREFIX)


def _rounded(value: float) -> float:
    digits = 2 - math.floor(math.log10(abs(value)))  # three significant digits
    return round(value, digits)


def rows(today: date) -> Iterator[list[Any]]:
    """The demo registry's rows, the header first (the import's columns, then the specifications)."""
    data = _data()
    pick = random.Random(14)  # the same products every time
    specs = list(dict.fromkeys(name for c in data["categories"].values() for name in c["specs"]))
    yield [*COLUMNS, *specs]
    statuses, weights = zip(*data["statuses"].items(), strict=True)
    number = 0
    for code, category in data["categories"].items():
        models: set[str] = set()
        for _ in range(category["count"]):
            number += 1
            brand, brand_zh = pick.choice(category["brands"])
            kind_zh, kind_en = pick.choice(category["kinds"])
            model = f"{category['prefix']}-{pick.randint(100, 999)}{pick.choice('ABCEHKMSX')}"
            while model in models:
                model = f"{category['prefix']}-{pick.randint(100, 999)}{pick.choice('ABCEHKMSX')}"
            models.add(model)
            status = pick.choices(statuses, weights)[0]
            lapsed = status == "expired"
            until = today + timedelta(days=-pick.randint(5, 300) if lapsed else pick.randint(40, 1100))
            unit, low_high = category["unit"], category["footprint"]
            other = category.get("other_unit")
            if other and pick.random() < other[1]:
                unit, low_high = other[0], category["other_footprint"]
            footprint = _rounded(pick.uniform(*low_high))
            values = {
                "registry_id": f"{PREFIX}{number:05d}",
                "brand": brand,
                "model": model,
                "name_zh": f"{brand_zh}{kind_zh}",
                "name_en": f"{brand} {kind_en}",
                "category_code": code,
                "label": category["label"],
                "certificate_number": f"{_NUMBERS[category['label']]}-DEMO-{today.year}-{number:05d}",
                "certificate_status": "valid" if lapsed else status,
                "valid_until": until.isoformat(),
                "certification_body": pick.choice(data["bodies"]),
                "region": pick.choice(data["regions"]),
                "footprint_kg_co2e": footprint,
                "declared_unit": unit,
            }
            chosen = {name: pick.choice(options) for name, options in category["specs"].items()}
            yield [*(values[c] for c in COLUMNS), *(chosen.get(name) for name in specs)]


def seed(session: Session, ports: Ports, organisations: Mapping[str, int], users: Mapping[str, int]) -> None:
    """Import the demo registry, unless its products are in the catalog already."""
    have = session.scalar(sa.select(Product.id).where(Product.registry_id.like(f"{PREFIX}%")).limit(1))
    if have is not None:
        return
    now: datetime = ports.clock()
    report = import_rows(session, rows(china_day(now)), "demo_products.json", now=now)
    assert not report.rejected, report.rejected[:3]  # the demo's own rows are good


def describe(session: Session, organisations: Mapping[str, int | None]) -> list[str]:
    """What ``serve --demo`` prints of the catalog."""
    counted = session.scalar(sa.select(sa.func.count()).select_from(Product)) or 0
    return [f"  Green product catalog: {counted} product models at /catalog (demo footprints are illustrative)"]
