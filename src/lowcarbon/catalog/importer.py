"""Bulk import of product models from a registry's CSV or Excel file, in one transaction.

    report = import_file(session, "registry.csv", now=now)      # then session.commit()

Each row is checked (``catalog.rows``); the rows that pass are imported and the others reported, each with its row
number, column and reason. Nothing is written until every row is read, and everything is written in the caller's
one transaction: an import that fails or is killed halfway leaves the catalog as it was. A row whose registry id is
in the catalog already replaces that product when a value differs and is left alone when none does, so importing
the same file again changes nothing. New products are stored in a shuffled order, so that the first matches of any
search (in id order) are a fair sample of all of them (``catalog.search`` estimates counts from them when there are
very many). Categories the catalog does not know are created from their code.
"""

from __future__ import annotations

import gc
import hashlib
import json
import random
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lowcarbon.bounded import limits
from lowcarbon.bounded.tables import Workbook, csv_rows
from lowcarbon.bulk import copy_rows, insert_rows
from lowcarbon.catalog import categories, fulltext
from lowcarbon.catalog.aside import Aside
from lowcarbon.catalog.rows import Rejection, Row, read_rows
from lowcarbon.catalog.tables import Product, State
from lowcarbon.factors.table_format import decoded_text
from lowcarbon.storage import serialize

__all__ = ["ImportReport", "Progress", "import_bytes", "import_file", "import_rows"]

Progress = Callable[[str, int, int], None]  # (stage, done, of)
T = TypeVar("T")
_BATCH = 5_000
# a first import of this many products or more into an empty catalog builds the full-text index's primary keys
# after the rows (PostgreSQL: faster than keeping them current row by row)
REBUILD_FROM = 50_000
ASIDE_FROM = 20_000  # new products from which their index terms are made in a child process (see catalog.aside)
_SQLITE_CACHE_KIB = 512 * 1024


@dataclass
class ImportReport:
    """What an import did."""

    source: str
    rows: int = 0
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    categories_added: list[str] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "rows": self.rows,
            "added": self.added,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "rejected": len(self.rejected),
            "categories_added": self.categories_added,
            "rejections": [r.to_dict() for r in self.rejected],
        }


def import_file(session: Session, path: str | Path, *, now: datetime, progress: Progress | None = None) -> ImportReport:
    """Import the CSV or Excel file at ``path`` (read through the bounded reader)."""
    location = Path(path)
    return import_bytes(session, limits.read_path(location), str(location), now=now, progress=progress)


def import_bytes(
    session: Session, data: bytes, source: str, *, now: datetime, progress: Progress | None = None
) -> ImportReport:
    """Import the CSV or Excel file ``data`` named ``source`` (its ending tells which)."""
    if source.lower().endswith((".xlsx", ".xlsm")):
        with Workbook(data, source) as book:
            return import_rows(session, book.rows(book.sheetnames[0]), source, now=now, progress=progress)
    content = decoded_text(data, source)
    header = content.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=header.count)
    return import_rows(session, csv_rows(content, source, delimiter=delimiter), source, now=now, progress=progress)


def import_rows(
    session: Session,
    cells: Iterable[Sequence[Any]],
    source: str,
    *,
    now: datetime,
    progress: Progress | None = None,
) -> ImportReport:
    """Import rows of cells (the first the header)."""
    collecting = gc.isenabled()
    gc.disable()  # a million rows held at once would be scanned again and again by the cycle collector, for nothing
    sqlite = session.get_bind().dialect.name == "sqlite"
    if sqlite:  # the indexes take rows in random order: keep their pages in memory rather than read them again
        session.connection().exec_driver_sql(f"PRAGMA cache_size = -{_SQLITE_CACHE_KIB}")
    try:
        return _import(session, cells, source, now=now, progress=progress)
    finally:
        if collecting:
            gc.enable()
        if sqlite:
            session.connection().exec_driver_sql("PRAGMA cache_size = -2000")  # SQLite's default


def _import(
    session: Session, cells: Iterable[Sequence[Any]], source: str, *, now: datetime, progress: Progress | None
) -> ImportReport:
    report = ImportReport(source)
    products: list[Row] = []
    named: dict[str, tuple[str | None, str | None]] = {}
    for row in read_rows(cells, source, named):
        report.rows += 1
        if isinstance(row, Rejection):
            report.rejected.append(row)
        else:
            products.append(row)
        if progress is not None and report.rows % 50_000 == 0:
            progress("read", report.rows, 0)
    serialize(session, "catalog:changes")
    known = _known(session)
    fresh: list[tuple[Row, str]] = []
    changed: list[tuple[int, Row, str]] = []
    for row in products:
        fingerprint = _fingerprint(row)
        existing = known.get(row.registry_id)
        if existing is None:
            fresh.append((row, fingerprint))
        elif existing[1] != fingerprint:
            changed.append((existing[0], row, fingerprint))
        else:
            report.unchanged += 1
    report.categories_added = categories.add_missing(session, {row.category_code for row in products}, named)
    names = categories.search_names(session)
    if changed:
        _update(session, changed, names, now)
    random.shuffle(fresh)
    start = int(session.scalar(sa.select(sa.func.max(Product.id))) or 0) + 1
    rebuild = start == 1 and len(fresh) >= REBUILD_FROM and fulltext.drop_indexes(session)
    # one stream per table: the database takes rows while the next are made (COPY on PostgreSQL)
    numbered = [(start + i, row, fingerprint) for i, (row, fingerprint) in enumerate(fresh)]

    def documents() -> Iterator[fulltext.Document]:
        return (fulltext.document(product, row, names) for product, row, _ in numbered)

    # many products: their index terms are made in a child process while this one writes the products
    with Aside(documents, fork=len(numbered) >= ASIDE_FROM) as aside:
        _insert(session, _reporting(numbered, "write products", progress), now)
        fulltext.write(session, _reporting(aside.results(), "index", progress, len(numbered)))
    if rebuild:
        fulltext.create_indexes(session)
    report.added, report.changed = len(fresh), len(changed)
    if fresh or changed:
        new_generation(session)
        if session.get_bind().dialect.name == "postgresql":
            # the planner's statistics of the new rows (a query's terms are then read through the primary key)
            session.execute(sa.text("ANALYZE catalog_search, catalog_postings"))
    return report


def new_generation(session: Session) -> None:
    """Tell every server to read the catalog again (after a bulk change)."""
    session.execute(sa.update(State).where(State.id == 1).values(generation=random.randrange(1, 2**31 - 1)))


def _known(session: Session) -> dict[str, tuple[int, str]]:
    rows = session.connection().exec_driver_sql("SELECT registry_id, id, fingerprint FROM catalog_products")
    return {str(r): (int(cast(int, p)), str(f)) for r, p, f in rows}


def _fingerprint(row: Row) -> str:
    return hashlib.blake2b(repr(row.values()).encode(), digest_size=16).hexdigest()


def _values(row: Row, fingerprint: str, now: datetime) -> dict[str, Any]:
    return {**_named(row), "source": "import", "fingerprint": fingerprint, "updated_at": now}


def _named(row: Row) -> dict[str, Any]:
    return {name: getattr(row, name) for name in Row._fields}


_COLUMNS = ("id", *Row._fields, "source", "fingerprint", "updated_at")
_SQLITE_INSERT = f"INSERT INTO catalog_products ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"


def _reporting(items: Iterable[T], stage: str, progress: Progress | None, of: int | None = None) -> Iterator[T]:
    """``items``, telling ``progress`` every 50,000."""
    total = of if of is not None else len(items) if isinstance(items, Sized) else 0
    for done, item in enumerate(items, start=1):
        if progress is not None and done % 50_000 == 0:
            progress(stage, done, total)
        yield item


def _insert(session: Session, rows: Iterable[tuple[int, Row, str]], now: datetime) -> None:
    """Insert new products as the driver takes them (the ORM's conversions, done once here, cost half the time)."""
    postgres = session.get_bind().dialect.name == "postgresql"
    # as SQLAlchemy stores them on SQLite: ISO dates, UTC times without zone, JSON text
    stamp: Any = now.astimezone(UTC) if postgres else now.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

    def record(product: int, row: Row, fingerprint: str) -> tuple[Any, ...]:
        day = row.valid_until if postgres or row.valid_until is None else row.valid_until.isoformat()
        specs = json.dumps(row.specs, ensure_ascii=False)
        return (product, *row[:9], day, *row[10:14], specs, "import", fingerprint, stamp)

    if postgres:
        copy_rows(session, "catalog_products", _COLUMNS, (record(*row) for row in rows))
    else:
        insert_rows(session, _SQLITE_INSERT, (record(*row) for row in rows))


def _update(session: Session, changed: list[tuple[int, Row, str]], names: dict[str, list[str]], now: datetime) -> None:
    for offset in range(0, len(changed), _BATCH):
        part = changed[offset : offset + _BATCH]
        session.execute(
            sa.update(Product),
            [{"id": product, **_values(row, fingerprint, now)} for product, row, fingerprint in part],
        )
        fulltext.remove(session, [product for product, _, _ in part])
        fulltext.write(session, [fulltext.document(product, row, names) for product, row, _ in part])
