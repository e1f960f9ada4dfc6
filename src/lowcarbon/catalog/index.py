"""The products' filter and sort columns in memory, one numpy array each, kept current with the database.

Facet counts over a million products must come back in milliseconds with every filter combined: a GROUP BY over
the matching rows takes a database a tenth of a second or more per facet, while counting codes in memory
(``numpy.bincount`` over a boolean mask) takes about a millisecond. So each server process holds a ``Snapshot``:
the product ids in ascending order and, at the same positions, the category, label, region, certification body and
certificate status (as codes into their value lists), the validity date and the footprint. The database stays the
only record: a snapshot is read from it, and before each search ``current`` asks the database for two numbers,
the catalog's generation (advanced by a bulk import: read everything again) and the last change (one row per
product changed since, written in commit order under one lock: read just those products and patch them in). A
search never sees a catalog older than the last commit before it began.

Snapshots are never changed once built: a patch builds a new one, and a search keeps the one it started with.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any, TypeVar, cast

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from lowcarbon.catalog.tables import Change, State

__all__ = ["STATUSES", "Snapshot", "current", "day_number"]

STATUSES = ("valid", "suspended", "revoked", "withdrawn", "expired")
LAPSING = ("valid", "suspended")  # statuses that become "expired" after the validity date (as certificates do)
NO_EXPIRY = np.iinfo(np.int64).max  # a certificate without a validity date
REMEMBERED = 1024  # searches whose counts a snapshot remembers
T = TypeVar("T")
FACETS = ("category_code", "label", "region", "certification_body")
_CODED = (*FACETS, "certificate_status", "declared_unit")
_COLUMNS = ("id", *_CODED, "valid_until", "footprint")
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM catalog_products"


def day_number(day: date) -> int:
    """``day`` as the number of days since 1970-01-01, as the snapshot keeps validity dates."""
    return int(np.datetime64(day, "D").astype(np.int64))


@dataclass(frozen=True)
class Coded:
    """A column of texts as codes into ``values`` (-1: none)."""

    codes: np.ndarray
    values: tuple[str, ...]

    @cached_property
    def lookup(self) -> dict[str, int]:
        return {value: number for number, value in enumerate(self.values)}

    @cached_property
    def slots(self) -> np.ndarray:
        """The codes shifted by one (0: none), as ``numpy.bincount`` counts them."""
        dtype = np.uint16 if len(self.values) < 2**16 - 1 else np.int32
        slots: np.ndarray = (self.codes + 1).astype(dtype)
        return slots

    def code(self, value: str) -> int:
        """The code of ``value``; -2 (matching nothing) when no product has it."""
        return self.lookup.get(value, -2)


def _coded(texts: Sequence[str | None], values: tuple[str, ...] = ()) -> Coded:
    known = {value: number for number, value in enumerate(values)}
    codes = np.fromiter(
        (-1 if t is None else known.setdefault(t, len(known)) for t in texts), dtype=np.int32, count=len(texts)
    )
    return Coded(codes, tuple(known))


def _days(values: Sequence[Any]) -> np.ndarray:
    days = np.array([v if v is not None else "NaT" for v in values], dtype="datetime64[D]").astype(np.int64)
    days[days == np.iinfo(np.int64).min] = NO_EXPIRY
    return days


@dataclass(frozen=True)
class Snapshot:
    """The catalog's search columns at one moment."""

    ids: np.ndarray  # int64, ascending
    columns: dict[str, Coded]
    valid_until: np.ndarray  # int64 days since 1970-01-01 (NO_EXPIRY: none)
    footprint: np.ndarray  # float64, NaN where none is declared
    generation: int = 0
    seq: int = 0
    _cache: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def size(self) -> int:
        return int(self.ids.size)

    def status_mask(self, statuses: Sequence[str] | None, day: date) -> np.ndarray:
        """Products whose certificate's status on ``day`` is one of ``statuses`` (None: any). A valid or
        suspended certificate past its date is expired."""
        key = ("status", None if statuses is None else tuple(statuses), day)
        if key not in self._cache:
            self._cache[key] = self._status_mask(statuses, day)
        mask: np.ndarray = self._cache[key].copy()  # the caller may change it
        return mask

    def _status_mask(self, statuses: Sequence[str] | None, day: date) -> np.ndarray:
        if statuses is None:
            return np.ones(self.size, dtype=bool)
        status = self.columns["certificate_status"]
        lapsed = self.valid_until < day_number(day)
        mask = np.zeros(self.size, dtype=bool)
        for name in statuses:
            stored = status.codes == status.code(name)
            if name in LAPSING:
                mask |= stored & ~lapsed
            elif name == "expired":
                mask |= stored | (np.isin(status.codes, [status.code(s) for s in LAPSING]) & lapsed)
            else:
                mask |= stored
        return mask

    def remembered(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, remembered for ``key`` while this snapshot lasts (the most recent ``REMEMBERED``): counts of
        a search asked again cost nothing, and stay exact, as a snapshot never changes."""
        memo = self._cache.setdefault("remembered", {})
        if key in memo:
            value: T = memo[key]
            return value
        value = compute()
        if len(memo) >= REMEMBERED:
            with suppress(StopIteration, RuntimeError, KeyError):  # another thread made room at the same moment
                memo.pop(next(iter(memo)))
        memo[key] = value
        return value

    def effective_status(self, position: int, day: date) -> str:
        status = self.columns["certificate_status"]
        name = status.values[status.codes[position]]
        return "expired" if name in LAPSING and self.valid_until[position] < day_number(day) else name

    def positions(self, ids: np.ndarray) -> np.ndarray:
        """The positions of ``ids`` that the snapshot holds (others are left out)."""
        return _present(self.ids, ids)

    def sort_key(self, descending: bool) -> np.ndarray:
        """The footprint as it sorts: negated for descending, infinite where none is declared (last either way)."""
        key = ("key", descending)
        if key not in self._cache:
            self._cache[key] = np.where(
                np.isnan(self.footprint), np.inf, -self.footprint if descending else self.footprint
            )
        values: np.ndarray = self._cache[key]
        return values

    def order(self, descending: bool) -> np.ndarray:
        """All positions by footprint (ascending, or descending), then id; products without one last."""
        key = ("order", descending)
        if key not in self._cache:
            self._cache[key] = np.lexsort((self.ids, self.sort_key(descending)))
        order: np.ndarray = self._cache[key]
        return order

    def category_footprints(self, category: int, unit: int, day: date) -> np.ndarray:
        """The sorted footprints of the valid products of a category declared on one unit."""
        key = ("category", category, unit, day)
        if key not in self._cache:
            mask = (
                (self.columns["category_code"].codes == category)
                & (self.columns["declared_unit"].codes == unit)
                & self.status_mask(["valid"], day)
                & ~np.isnan(self.footprint)
            )
            self._cache[key] = np.sort(self.footprint[mask])
        values: np.ndarray = self._cache[key]
        return values


def _present(haystack: np.ndarray, ids: np.ndarray) -> np.ndarray:
    found = np.searchsorted(haystack, ids)
    inside = found < haystack.size
    found, ids = found[inside], ids[inside]
    present: np.ndarray = found[haystack[found] == ids]
    return present


def _build(rows: Sequence[Sequence[Any]], generation: int, seq: int, like: Snapshot | None = None) -> Snapshot:
    columns = dict(zip(_COLUMNS, zip(*rows, strict=True) if rows else [()] * len(_COLUMNS), strict=True))
    coded = {name: _coded(columns[name], like.columns[name].values if like else ()) for name in _CODED}
    footprint = np.array([np.nan if v is None else v for v in columns["footprint"]], dtype=np.float64)
    return Snapshot(
        ids=np.array(columns["id"], dtype=np.int64),
        columns=coded,
        valid_until=_days(columns["valid_until"]),
        footprint=footprint,
        generation=generation,
        seq=seq,
    )


def _rows(session: Session, ids: Sequence[int] | None = None) -> list[Sequence[Any]]:
    """The search columns of every product (or of ``ids``), by id, as the database driver gives them."""
    connection = session.connection()
    if ids is None:
        return list(connection.exec_driver_sql(f"{_SELECT} ORDER BY id").all())
    rows: list[Sequence[Any]] = []
    for start in range(0, len(ids), 500):
        part = [int(i) for i in ids[start : start + 500]]
        rows += connection.execute(
            sa.text(f"{_SELECT} WHERE id IN :ids ORDER BY id").bindparams(sa.bindparam("ids", expanding=True)),
            {"ids": part},
        ).all()
    return sorted(rows, key=lambda row: row[0])


def _merge(old: Snapshot, changed: Snapshot, changed_ids: np.ndarray, generation: int, seq: int) -> Snapshot:
    """``old`` with the products ``changed_ids`` replaced by ``changed`` (which lacks those since deleted)."""
    keep = ~np.isin(old.ids, changed_ids)
    ids = np.concatenate([old.ids[keep], changed.ids])
    order = np.argsort(ids, kind="stable")
    columns = {}
    for name, column in old.columns.items():
        # ``changed`` was coded extending ``old``'s value lists, so the codes of both agree
        codes = np.concatenate([column.codes[keep], changed.columns[name].codes])[order]
        columns[name] = Coded(codes, changed.columns[name].values)
    return Snapshot(
        ids=ids[order],
        columns=columns,
        valid_until=np.concatenate([old.valid_until[keep], changed.valid_until])[order],
        footprint=np.concatenate([old.footprint[keep], changed.footprint])[order],
        generation=generation,
        seq=seq,
    )


class _Holder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.snapshot: Snapshot | None = None


_holders: weakref.WeakKeyDictionary[Engine, _Holder] = weakref.WeakKeyDictionary()
_holders_lock = threading.Lock()


def _marks(session: Session) -> tuple[int, int]:
    last = sa.select(sa.func.max(Change.seq)).scalar_subquery()
    generation, seq = session.execute(sa.select(State.generation, last).where(State.id == 1)).one()
    return int(cast(int, generation)), int(cast(int, seq or 0))


def current(session: Session) -> Snapshot:
    """The catalog's search columns as the database holds them now (read or patched when they changed)."""
    engine = session.get_bind().engine
    with _holders_lock:
        holder = _holders.setdefault(engine, _Holder())
    generation, seq = _marks(session)
    snapshot = holder.snapshot
    if snapshot is not None and (snapshot.generation, snapshot.seq) == (generation, seq):
        return snapshot
    with holder.lock:
        snapshot = holder.snapshot
        if snapshot is None or snapshot.generation != generation or snapshot.seq > seq:
            snapshot = _build(_rows(session), generation, seq)
            snapshot.order(descending=False), snapshot.order(descending=True)  # sorted once, before any search waits
        elif snapshot.seq < seq:
            changed_ids = sorted(
                set(session.scalars(sa.select(Change.product_id).where(Change.seq > snapshot.seq, Change.seq <= seq)))
            )
            changed = _build(_rows(session, changed_ids), generation, seq, like=snapshot)
            snapshot = _merge(snapshot, changed, np.array(changed_ids, dtype=np.int64), generation, seq)
        holder.snapshot = snapshot
        return snapshot
