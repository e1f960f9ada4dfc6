"""Search the catalog: text, filters, facets with counts, sorting and cursor pagination.

    result = search(session, Query(q="服务器", label=("environmental-label",)), day)
    result.total, result.facets["category_code"], result.items, result.next

Filters and facets run over the in-memory columns (``catalog.index``), the text over the full-text index
(``catalog.fulltext``). Facet counts are over the products that match everything asked (text and every filter),
exact, grouped by category, label, region and certification body. One case is estimated, on SQLite: a text matching
more than ``exact_up_to`` products (50,000: a word many products hold), as reading every match from FTS5 would take
longer than the answer may (PostgreSQL's index reads every match: ``exact_up_to`` None). Then total and facets are
counted over the first matches in id order, a fair sample (imports store products shuffled), and scaled; the answer
says so (``estimated``) and states the threshold. The page itself is never sampled: its products are found by
walking the sort order and asking the index which of them hold the text.

Sorting: ``relevance`` (the default with a text) puts first the products whose identifiers (brand, model number,
registry or certificate number) hold every term of the query (when they are at most ``STRONG_UP_TO``), then the
others; within each, the lower footprint first. ``footprint`` and ``-footprint`` sort by the footprint (products
without one last), then by id. Without a text the default is ``footprint``. By default only products with a valid
certificate are listed; ``status`` names others, or ``any``; each item shows its certificate's status on the day.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import Session

from lowcarbon.catalog import fulltext, index
from lowcarbon.catalog.tables import Category, Product
from lowcarbon.catalog.text import Term, query_terms
from lowcarbon.errors import InvalidInput

__all__ = [
    "EXACT_UP_TO",
    "SORTS",
    "Matches",
    "Query",
    "Result",
    "category_figures",
    "exact_up_to",
    "item",
    "matches",
    "ordered_ids",
    "products_by_id",
    "search",
    "standing",
]

EXACT_UP_TO = 50_000  # text matches counted exactly, on SQLite: reading an id from FTS5 costs well under a microsecond
STRONG_UP_TO = 2_000  # identifier matches that relevance lists first; more, and it ranks by footprint alone


def exact_up_to(session: Session) -> int | None:
    """How many text matches this database counts exactly before it estimates: None, every one (PostgreSQL, whose
    index reads a match for a few bytes)."""
    return None if session.get_bind().dialect.name == "postgresql" else EXACT_UP_TO


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
    exact_up_to: int | None = EXACT_UP_TO

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "total": self.total,
            "facets": self.facets,
            "next": self.next,
            "estimated": self.estimated,
            "exact_up_to": self.exact_up_to,
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
            wanted = np.zeros(len(column.values) + 1, dtype=bool)  # by slot: code + 1
            wanted[[column.code(v) + 1 for v in values if column.code(v) >= 0]] = True
            mask &= wanted[column.slots]
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
        counts = np.bincount(column.slots[mask], minlength=len(column.values) + 1)[1:]
        found = np.flatnonzero(counts)
        ordered = found[np.argsort(-counts[found], kind="stable")]
        facets[name] = {column.values[c]: round(float(counts[c]) * scale) for c in ordered}
    return facets


@dataclass(frozen=True)
class Matches:
    """What a query matches, over the positions of a snapshot.

    ``filters``: the products every filter lets through. ``text``: those holding the query's terms (all of them, or
    the sample of the first ``EXACT_UP_TO`` when ``scale`` is above 1; None without a text). ``strong``: those whose
    identifiers hold every term (relevance's first tier; None when there is none or too many to read)."""

    snapshot: index.Snapshot
    filters: np.ndarray
    text: np.ndarray | None
    strong: np.ndarray | None
    sort: str
    terms: tuple[Term, ...] = ()
    scale: float = 1.0

    @property
    def estimated(self) -> bool:
        return self.scale != 1.0

    @cached_property
    def counted(self) -> np.ndarray:
        """The products counted for total and facets (a sample when ``estimated``)."""
        return self.filters if self.text is None else self.filters & self.text


def _positions_mask(snapshot: index.Snapshot, ids: np.ndarray) -> np.ndarray:
    mask = np.zeros(snapshot.size, dtype=bool)
    mask[snapshot.positions(ids)] = True
    return mask


def matches(session: Session, query: Query, day: date, *, every: bool = False) -> Matches:
    """What ``query`` matches; a text matching more than ``EXACT_UP_TO`` products is sampled unless ``every``."""
    sort = query.sort or ("relevance" if query.q.strip() else "footprint")
    if sort not in SORTS:
        raise InvalidInput(f"sort is one of {', '.join(SORTS)}")
    snapshot = index.current(session)
    filters = _mask(snapshot, query, day)
    terms = tuple(query_terms(query.q))
    if not terms:
        return Matches(snapshot, filters, None, None, sort)
    exact = exact_up_to(session)
    found = fulltext.match(session, terms, limit=None if every or exact is None else exact + 1)
    ids, scale = found.ids, 1.0
    if not found.every:  # read in id order up to the last found
        scale = snapshot.size / max(int(np.searchsorted(snapshot.ids, ids[-1], side="right")), 1)
    strong = None
    if sort == "relevance":
        strong_ids = fulltext.strong(session, terms, found, STRONG_UP_TO + 1)
        if 0 < strong_ids.size <= STRONG_UP_TO:  # more: the identifiers' words say little
            strong = _positions_mask(snapshot, strong_ids)
    return Matches(snapshot, filters, _positions_mask(snapshot, ids), strong, sort, terms, scale)


def ordered_ids(session: Session, query: Query, day: date) -> np.ndarray:
    """The ids of every product ``query`` matches, in its order (never sampled; ``limit`` and ``cursor`` ignored):
    what an export writes."""
    found = matches(session, query, day, every=True)
    everything = Query(**{**vars(query), "limit": found.snapshot.size, "cursor": None})
    ids: np.ndarray = found.snapshot.ids[_page(session, found, everything)]
    return ids


def search(session: Session, query: Query, day: date) -> Result:
    """The page of products ``query`` asks for, with total, facets and the cursor of the next page."""
    found = matches(session, query, day)
    snapshot = found.snapshot
    signature = ("counts", query.q, query.category, query.label, query.region, query.certification_body,
                 query.footprint_max, query.footprint_min, query.status, day, found.sort)  # fmt: skip
    total, facets, spread = snapshot.remembered(signature, lambda: _counts(found))
    positions = _page(session, found, query)
    more = positions.size > query.limit
    positions = positions[: query.limit]
    items = _items(session, snapshot, positions, day)
    following = None
    if more:
        last = int(positions[-1])
        tier = -1 if found.sort == "relevance" and found.strong is not None and found.strong[last] else 0
        following = _cursor(found.sort, tier, float(snapshot.footprint[last]), int(snapshot.ids[last]))
    return Result(items, total, facets, following, found.estimated, spread, exact_up_to(session))


def _counts(found: Matches) -> tuple[int, dict[str, dict[str, int]], dict[str, float | None]]:
    counted = found.counted
    total = round(int(counted.sum()) * found.scale)
    return total, _facets(found.snapshot, counted, found.scale), _range(found.snapshot.footprint[counted])


def _range(footprints: np.ndarray) -> dict[str, float | None]:
    known = footprints[~np.isnan(footprints)]
    if known.size == 0:
        return {"min": None, "max": None}
    return {"min": float(known.min()), "max": float(known.max())}


SORT_UP_TO = 20_000  # matches sorted by themselves; more, and the page is read along the catalog's sorted order
WALK = 4096  # products checked against the text at a time, when there are too many matches to read them all
WALK_COST = 2  # checking whether a product holds the text costs about twice reading a match from the index


def _page(session: Session, found: Matches, query: Query) -> np.ndarray:
    """The positions of the page's products and one more (to tell whether a next page follows), in order: with
    relevance, the strong tier by footprint, then the rest; otherwise all by footprint (ascending or descending)."""
    snapshot, sort = found.snapshot, found.sort
    descending = sort == "-footprint"
    key = snapshot.sort_key(descending)
    want = query.limit + 1
    cursor = _decode(query.cursor, sort) if query.cursor is not None else None

    def after(tier: int) -> np.ndarray | None:
        if cursor is None:
            return None
        after_tier, after_footprint, after_id = cursor
        if tier != after_tier:
            return np.full(snapshot.size, tier > after_tier)
        last = np.inf if math.isnan(after_footprint) else (-after_footprint if descending else after_footprint)
        later: np.ndarray = (key > last) | ((key == last) & (snapshot.ids > after_id))
        return later

    def ordered(chosen: np.ndarray) -> np.ndarray:
        picked = np.flatnonzero(chosen)
        by_key: np.ndarray = picked[np.lexsort((snapshot.ids[picked], key[picked]))]
        return by_key

    pages: list[np.ndarray] = []
    rest = found.filters
    if sort == "relevance" and found.strong is not None:
        chosen = found.filters & found.strong
        rest = rest & ~found.strong
        later = after(-1)
        if later is not None:
            chosen &= later
        pages.append(ordered(chosen)[:want])
    later = after(0)
    if later is not None:
        rest = rest & later
    need = want - sum(p.size for p in pages)
    if need > 0 and found.text is not None and not found.estimated and found.counted.sum() <= SORT_UP_TO:
        pages.append(ordered(rest & found.text)[:need])
    elif need > 0:
        order = snapshot.order(descending)
        candidates = order[rest[order]]
        if found.text is None:
            pages.append(candidates[:need])
        elif not found.estimated:
            pages.append(candidates[found.text[candidates]][:need])
        else:
            # Where would the page's last product be among the candidates? The sample says: each product of it stands
            # for ``scale`` matches. When the matches come late in the order (the text names products whose
            # footprints are all high, and the order is by footprint), walking to them costs more than reading every
            # match, so every match is read instead.
            sampled = np.flatnonzero(found.text[candidates])
            nth = math.ceil(need / found.scale) - 1
            reach = int(sampled[nth]) + 1 if nth < sampled.size else candidates.size
            if reach * WALK_COST > sampled.size * found.scale:
                every = _positions_mask(snapshot, fulltext.match(session, found.terms).ids)
                pages.append(candidates[every[candidates]][:need])
            else:
                density = sampled.size / max(reach, 1)
                pages.append(_walk(session, snapshot, found.terms, candidates, need, density))
    page: np.ndarray = np.concatenate(pages) if pages else np.zeros(0, dtype=np.int64)
    return page


def _walk(
    session: Session,
    snapshot: index.Snapshot,
    terms: tuple[Term, ...],
    candidates: np.ndarray,
    need: int,
    density: float,
) -> np.ndarray:
    """The first ``need`` of ``candidates`` (positions, in order) that hold the terms, asked a slice at a time: at
    first as many as should hold ``need`` of them at the ``density`` of matches, then more and more."""
    found: list[np.ndarray] = []
    have, start = 0, 0
    step = min(WALK, max(64, int(2 * need / max(density, 1e-6))))
    while start < candidates.size:
        part = candidates[start : start + step]
        start += step
        step = min(WALK, step * 2)
        held = part[fulltext.holding(session, terms, snapshot.ids[part])]
        found.append(held[: need - have])
        have += min(held.size, need - have)
        if have >= need:
            break
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


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
