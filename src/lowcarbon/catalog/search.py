"""Search the catalog: text, filters, facets with counts, sorting and cursor pagination.

    result = search(session, Query(q="服务器", label=("environmental-label",)), day)
    result.total, result.facets["category_code"], result.items, result.next

Filters and facets run over the in-memory columns (``catalog.index``), the text over the full-text index
(``catalog.fulltext``). Facet counts are over the products that match everything asked (text and every filter),
exact, grouped by category, label, region and certification body. One case is estimated: a text matching more than
``EXACT_UP_TO`` products (a word most products hold). Then total and facets are counted over the first
``EXACT_UP_TO`` matches in id order, a fair sample (imports store products shuffled), and scaled; the answer says
so (``estimated``) and states the threshold. Sorting by footprint reads every match, so it is never sampled.

Sorting: ``relevance`` (the default with a text) puts first the products whose identifiers (brand, model number,
registry or certificate number) hold every term of the query, then the others; within each, the lower footprint
first. ``footprint`` and ``-footprint`` sort by the footprint (products without one last), then by id. Without a
text the default is ``footprint``. By default only products with a valid certificate are listed; ``status``
names others, or ``any``; each item shows its certificate's status on the day.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import Session

from lowcarbon.catalog import fulltext, index
from lowcarbon.catalog.tables import Category, Product
from lowcarbon.catalog.text import query_terms
from lowcarbon.errors import InvalidInput

__all__ = [
    "EXACT_UP_TO",
    "SORTS",
    "Matches",
    "Query",
    "Result",
    "category_figures",
    "item",
    "matches",
    "ordered_ids",
    "products_by_id",
    "search",
    "standing",
]

EXACT_UP_TO = 100_000
SORTS = ("relevance", "footprint", "-footprint")
BEST_SHARE = 0.10  # "best 10 %"


@dataclass(frozen=True)
class Query:
    """What a search asks for; each filter's values are ORed, filters ANDed."""

    q: str = ""
    category: tuple[str, ...] = ()
    label: tuple[str, ...] = ()
    region: tuple[str, ...] = ()
    certification_body: tuple[str, ...] = ()
    footprint_max: float | None = None
    footprint_min: float | None = None
    status: tuple[str, ...] | None = ("valid",)  # None: any
    sort: str | None = None
    limit: int = 20
    cursor: str | None = None


@dataclass
class Result:
    items: list[dict[str, Any]]
    total: int
    facets: dict[str, dict[str, int]]
    next: str | None
    estimated: bool = False
    footprint_range: dict[str, float | None] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "total": self.total,
            "facets": self.facets,
            "next": self.next,
            "estimated": self.estimated,
            "exact_up_to": EXACT_UP_TO,
            "footprint_range": self.footprint_range,
        }


def _cursor(sort: str, tier: int, footprint: float, product: int) -> str:
    payload = json.dumps([sort, tier, None if math.isnan(footprint) else footprint, product], separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def _decode(cursor: str, sort: str) -> tuple[int, float, int]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        kind, tier, footprint, product = raw
        if kind != sort or not isinstance(tier, int) or not isinstance(product, int):
            raise ValueError(kind)
        return tier, math.nan if footprint is None else float(footprint), product
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput(
            "cursor: not a cursor of this search; pass the `next` of the previous page, with the same sort"
        ) from None


def _mask(snapshot: index.Snapshot, query: Query, day: date) -> np.ndarray:
    mask = snapshot.status_mask(query.status, day)
    for name, values in (
        ("category_code", query.category),
        ("label", query.label),
        ("region", query.region),
        ("certification_body", query.certification_body),
    ):
        if values:
            column = snapshot.columns[name]
            mask &= np.isin(column.codes, [column.code(v) for v in values])
    with np.errstate(invalid="ignore"):
        if query.footprint_max is not None:
            mask &= snapshot.footprint <= query.footprint_max
        if query.footprint_min is not None:
            mask &= snapshot.footprint >= query.footprint_min
    return mask


def _facets(snapshot: index.Snapshot, mask: np.ndarray, scale: float) -> dict[str, dict[str, int]]:
    facets: dict[str, dict[str, int]] = {}
    for name in index.FACETS:
        column = snapshot.columns[name]
        codes = column.codes[mask]
        counts = np.bincount(codes[codes >= 0], minlength=len(column.values))
        found = np.flatnonzero(counts)
        ordered = found[np.argsort(-counts[found], kind="stable")]
        facets[name] = {column.values[c]: round(float(counts[c]) * scale) for c in ordered}
    return facets


@dataclass(frozen=True)
class Matches:
    """The products a query matches, as positions of a snapshot: ``mask``, the relevance ``tier`` (-1: the
    identifiers hold every term), and the ``scale`` of a sample (1.0: all of them)."""

    snapshot: index.Snapshot
    mask: np.ndarray
    tier: np.ndarray
    sort: str
    scale: float = 1.0

    @property
    def estimated(self) -> bool:
        return self.scale != 1.0


def matches(session: Session, query: Query, day: date, *, every: bool = False) -> Matches:
    """What ``query`` matches; a text matching very many products is sampled for relevance unless ``every``."""
    sort = query.sort or ("relevance" if query.q.strip() else "footprint")
    if sort not in SORTS:
        raise InvalidInput(f"sort is one of {', '.join(SORTS)}")
    snapshot = index.current(session)
    mask = _mask(snapshot, query, day)
    terms = query_terms(query.q)
    tier = np.zeros(snapshot.size, dtype=np.int8)
    scale = 1.0
    if terms:
        sample = sort == "relevance" and not every  # sorting by footprint needs every match
        ids = fulltext.match(session, terms, limit=EXACT_UP_TO + 1 if sample else None)
        if ids.size > EXACT_UP_TO and sample:
            ids = ids[:EXACT_UP_TO]
            covered = int(np.searchsorted(snapshot.ids, ids[-1], side="right"))
            scale = snapshot.size / max(covered, 1)
        text = np.zeros(snapshot.size, dtype=bool)
        text[snapshot.positions(ids)] = True
        if sort == "relevance":
            strong = snapshot.positions(fulltext.match(session, terms, ident=True))
            tier[strong] = -1
            text[strong] = True
        mask &= text
    return Matches(snapshot, mask, tier, sort, scale)


def ordered_ids(session: Session, query: Query, day: date) -> np.ndarray:
    """The ids of every product ``query`` matches, in its order (never sampled; ``limit`` and ``cursor`` ignored):
    what an export writes."""
    found = matches(session, query, day, every=True)
    everything = Query(**{**vars(query), "limit": found.snapshot.size, "cursor": None})
    ids: np.ndarray = found.snapshot.ids[_page(found.snapshot, found.mask, found.tier, found.sort, everything)]
    return ids


def search(session: Session, query: Query, day: date) -> Result:
    """The page of products ``query`` asks for, with total, facets and the cursor of the next page."""
    found = matches(session, query, day)
    snapshot, mask, tier = found.snapshot, found.mask, found.tier
    total = round(int(mask.sum()) * found.scale)
    facets = _facets(snapshot, mask, found.scale)
    positions = _page(snapshot, mask, tier, found.sort, query)
    more = positions.size > query.limit
    positions = positions[: query.limit]
    items = _items(session, snapshot, positions, day)
    following = None
    if more:
        last = int(positions[-1])
        following = _cursor(found.sort, int(tier[last]), float(snapshot.footprint[last]), int(snapshot.ids[last]))
    return Result(items, total, facets, following, found.estimated, _range(snapshot.footprint[mask]))


def _range(footprints: np.ndarray) -> dict[str, float | None]:
    known = footprints[~np.isnan(footprints)]
    if known.size == 0:
        return {"min": None, "max": None}
    return {"min": float(known.min()), "max": float(known.max())}


def _page(snapshot: index.Snapshot, mask: np.ndarray, tier: np.ndarray, sort: str, query: Query) -> np.ndarray:
    """The positions of the page's products and one more (to tell whether a next page follows), in order."""
    descending = sort == "-footprint"
    footprint = np.where(
        np.isnan(snapshot.footprint), np.inf, -snapshot.footprint if descending else snapshot.footprint
    )
    if query.cursor is not None:
        after_tier, after_footprint, after_id = _decode(query.cursor, sort)
        key = np.inf if math.isnan(after_footprint) else (-after_footprint if descending else after_footprint)
        mask = mask & (
            (tier > after_tier)
            | ((tier == after_tier) & (footprint > key))
            | ((tier == after_tier) & (footprint == key) & (snapshot.ids > after_id))
        )
    want = query.limit + 1
    if sort == "relevance":
        chosen = np.flatnonzero(mask)
        order = np.lexsort((snapshot.ids[chosen], footprint[chosen], tier[chosen]))
        page: np.ndarray = chosen[order[:want]]
        return page
    everything = snapshot.order(descending)
    page = everything[mask[everything]][:want]
    return page


def products_by_id(session: Session, ids: Sequence[int]) -> dict[int, Product]:
    rows = session.scalars(sa.select(Product).where(Product.id.in_([int(i) for i in ids])))
    return {row.id: row for row in rows}


def category_figures(snapshot: index.Snapshot, category: str, unit: str | None, day: date) -> dict[str, Any]:
    """Count, average and best footprint of the valid products of ``category`` declared on ``unit``."""
    column, units = snapshot.columns["category_code"], snapshot.columns["declared_unit"]
    if unit is None or column.code(category) < 0 or units.code(unit) < 0:
        return {"count": 0, "average": None, "best": None, "declared_unit": unit}
    values = snapshot.category_footprints(column.code(category), units.code(unit), day)
    if values.size == 0:
        return {"count": 0, "average": None, "best": None, "declared_unit": unit}
    return {"count": int(values.size), "average": float(values.mean()), "best": float(values[0]), "declared_unit": unit}


def standing(snapshot: index.Snapshot, position: int, day: date) -> dict[str, Any] | None:
    footprint = snapshot.footprint[position]
    category = snapshot.columns["category_code"].codes[position]
    unit = snapshot.columns["declared_unit"].codes[position]
    if math.isnan(footprint) or unit < 0:
        return None
    values = snapshot.category_footprints(int(category), int(unit), day)
    if values.size == 0:
        return None
    lower = float(np.searchsorted(values, footprint, side="left")) / values.size  # the share with a lower footprint
    return {"percentile": round(100 * lower, 1), "best_10_percent": lower < BEST_SHARE, "of": int(values.size)}


def _items(session: Session, snapshot: index.Snapshot, positions: np.ndarray, day: date) -> list[dict[str, Any]]:
    ids = [int(snapshot.ids[p]) for p in positions]
    rows = products_by_id(session, ids)
    names = {
        c.code: c
        for c in session.scalars(sa.select(Category).where(Category.code.in_({r.category_code for r in rows.values()})))
    }
    items = []
    for position, product in zip(positions, ids, strict=True):
        row = rows.get(product)
        if row is None:  # removed since the snapshot was read
            continue
        items.append(
            item(
                row,
                names.get(row.category_code),
                snapshot.effective_status(int(position), day),
                standing(snapshot, int(position), day),
            )
        )
    return items


def item(row: Product, category: Category | None, status: str, standing: dict[str, Any] | None) -> dict[str, Any]:
    """A product as the API gives it."""
    return {
        "registry_id": row.registry_id,
        "brand": row.brand,
        "model": row.model,
        "name_zh": row.name_zh,
        "name_en": row.name_en,
        "category_code": row.category_code,
        "category_name": {"zh-CN": category.name_zh, "en": category.name_en} if category else None,
        "label": row.label,
        "certificate_number": row.certificate_number,
        "certificate_status": status,
        "valid_until": row.valid_until.isoformat() if row.valid_until else None,
        "certification_body": row.certification_body,
        "region": row.region,
        "footprint_kg_co2e": row.footprint,
        "declared_unit": row.declared_unit,
        "specs": dict(row.specs),
        "standing": standing,
        "source": row.source,
        "verify_url": f"/verify/{row.certificate_number}" if row.source == "platform" else None,
    }
