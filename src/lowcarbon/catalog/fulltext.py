"""The full-text index of the catalog, per database, over the terms of ``catalog.text``.

SQLite: an FTS5 table (``unicode61``: each term a token; ``detail=column``) whose rowid is the product id, with two
columns: ``ident`` (brand, model number, registry id and certificate number) and ``names`` (the names and the
category's names). PostgreSQL: a table with two ``tsvector`` columns built from the same terms as they are
(``array_to_tsvector``, no parser or dictionary in between): ``ident``, and ``terms`` (all, under a GIN index; the
identifiers' column is checked on the rows that index finds). A query's terms are ANDed, Latin words as prefixes.
The first N matches are a fair sample of all: bulk imports store products in a shuffled order (``catalog.importer``)
and both databases read in that order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, cast

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import Session

from lowcarbon.catalog import text
from lowcarbon.catalog.bulk import copy_rows, insert_rows
from lowcarbon.catalog.text import Term

__all__ = [
    "Described",
    "Document",
    "Found",
    "create_indexes",
    "document",
    "drop_indexes",
    "holding",
    "match",
    "remove",
    "write",
]

Document = tuple[int, list[str], list[str]]  # (product id, ident terms, name terms)


class Described(Protocol):
    """What a product's index terms are made of."""

    @property
    def brand(self) -> str: ...
    @property
    def model(self) -> str: ...
    @property
    def registry_id(self) -> str: ...
    @property
    def certificate_number(self) -> str: ...
    @property
    def name_zh(self) -> str | None: ...
    @property
    def name_en(self) -> str | None: ...
    @property
    def category_code(self) -> str: ...


def document(product: int, described: Described, category_terms: Mapping[str, list[str]]) -> Document:
    """The index document of a product: its identifiers' terms, and those of its names and its category's."""
    d = described
    ident = text.document_terms((d.brand, d.model, d.registry_id, d.certificate_number))
    words = set(text.document_terms((d.name_zh, d.name_en)))
    words.update(category_terms.get(d.category_code, ()))
    return (product, ident, list(words))


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def remove(session: Session, ids: Iterable[int]) -> None:
    """Take the products ``ids`` out of the index."""
    ids = [int(i) for i in ids]
    column = "id" if _postgres(session) else "rowid"
    for start in range(0, len(ids), 500):
        statement = sa.text(f"DELETE FROM catalog_search WHERE {column} IN :ids")
        session.execute(statement.bindparams(sa.bindparam("ids", expanding=True)), {"ids": ids[start : start + 500]})


# one GIN index, over all terms: the identifiers' own column is checked on the rows it finds (a second index would
# cost as long again to build after a bulk load, for the few queries that look at identifiers alone)
_INDEXES = {"ix_catalog_search_terms": "terms"}


def drop_indexes(session: Session) -> bool:
    """Drop the PostgreSQL full-text indexes before a bulk load into an empty catalog (in the transaction: nothing
    else reads an empty catalog's index meanwhile); whether they were (SQLite: never)."""
    if not _postgres(session):
        return False
    for name in _INDEXES:
        session.execute(sa.text(f"DROP INDEX IF EXISTS {name}"))
    return True


def create_indexes(session: Session) -> None:
    """Build the PostgreSQL full-text indexes (after ``drop_indexes`` and the load)."""
    session.execute(sa.text("SET LOCAL maintenance_work_mem = '256MB'"))
    for name, column in _INDEXES.items():
        session.execute(sa.text(f"CREATE INDEX {name} ON catalog_search USING GIN ({column})"))


def write(session: Session, documents: Iterable[Document]) -> None:
    """Index ``documents`` (products not in the index yet), as a stream."""
    if _postgres(session):
        rows = ((p, _tsvector(ident), _tsvector(dict.fromkeys([*ident, *names]))) for p, ident, names in documents)
        copy_rows(session, "catalog_search", ("id", "ident", "terms"), rows)
        return
    insert_rows(
        session,
        "INSERT INTO catalog_search (rowid, ident, names) VALUES (?, ?, ?)",
        ((product, " ".join(ident), " ".join(names)) for product, ident, names in documents),
    )


def _tsvector(terms: Iterable[str]) -> str:
    # the tsvector's text form: quoted lexemes; terms hold only [0-9a-z] and CJK characters, never a quote
    return " ".join(f"'{term}'" for term in terms)


def _query(session: Session, terms: Sequence[Term]) -> str:
    if _postgres(session):
        return " & ".join(f"'{t.text}'{':*' if t.prefix else ''}" for t in terms)
    return " AND ".join(f'"{t.text}"{"*" if t.prefix else ""}' for t in terms)


def _ids(session: Session, sql: str, values: dict[str, object]) -> np.ndarray:
    """The ids ``sql`` selects (as column ``id``), read as one text: a row per id costs Python ten times more."""
    return _read(session, sql, values)[0]


def _read(session: Session, sql: str, values: dict[str, object], extra: str = "") -> tuple[np.ndarray, Any]:
    aggregate = "string_agg(id::text, ',')" if _postgres(session) else "group_concat(id)"
    joined, more = session.execute(
        sa.text(f"SELECT {aggregate}, {extra or 'NULL'} FROM ({sql}) AS found"), values
    ).one()
    if not joined:
        return np.zeros(0, dtype=np.int64), more
    return np.sort(np.array(str(joined).split(","), dtype=np.int64)), more


@dataclass(frozen=True)
class Found:
    """Ids of products holding a query's terms (ascending), and the share of the index read to find them: 1.0 when
    they are all; less when a limit stopped the reading (the rest of the index holds about as many per product);
    None when the index was read in id order up to the last id found."""

    ids: np.ndarray
    share: float | None = 1.0


def match(session: Session, terms: Sequence[Term], *, ident: bool = False, limit: int | None = None) -> Found:
    """The products holding every term (the first ``limit`` found); with ``ident``, in their identifiers (brand,
    model number, registry id, certificate number)."""
    query = _query(session, terms)
    if not _postgres(session):
        query = f"{{ident}} : ({query})" if ident else query
        sql = "SELECT rowid AS id FROM catalog_search WHERE catalog_search MATCH :q ORDER BY rowid"
        if limit is None:
            return Found(_ids(session, sql, {"q": query}))
        ids = _ids(session, f"{sql} LIMIT {int(limit)}", {"q": query})
        if ids.size < limit:
            return Found(ids)
        return Found(ids, None)  # FTS5 reads in rowid order: the products up to the last id found were read
    # the table read from its first block on, by one process (parallel workers would interleave their blocks; a
    # "synchronized" sequential scan starts where another scan of the table is)
    session.execute(sa.text("SET LOCAL max_parallel_workers_per_gather = 0"))
    session.execute(sa.text("SET LOCAL synchronize_seqscans = off"))
    also = " AND ident @@ CAST(:q AS tsquery)" if ident else ""
    sql = f"SELECT id, ctid FROM catalog_search WHERE terms @@ CAST(:q AS tsquery){also}"
    if limit is None:
        return Found(_ids(session, sql, {"q": query}))
    # a bitmap scan reads the table block after block: the blocks up to the last found were read
    ids, last = _read(session, f"{sql} LIMIT {int(limit)}", {"q": query}, "max((ctid::text::point)[0])")
    if ids.size < limit:
        return Found(ids)
    size = "SELECT pg_relation_size('catalog_search') / current_setting('block_size')::int"
    blocks = int(session.execute(sa.text(size)).scalar_one())
    return Found(ids, min(1.0, (float(last) + 1) / max(blocks, 1)))


def holding(session: Session, terms: Sequence[Term], ids: np.ndarray) -> np.ndarray:
    """Which of ``ids`` hold every term: a boolean per id. Asked of a few thousand products at a time, when a text
    matches too many products to read them all (a full-text index answers "which products", not "does this one")."""
    if ids.size == 0:
        return np.zeros(0, dtype=bool)
    listed = ",".join(str(int(i)) for i in ids)
    if _postgres(session):
        sql = f"SELECT id FROM catalog_search WHERE id IN ({listed}) AND terms @@ CAST(:q AS tsquery)"
        found = _ids(session, sql, {"q": _query(session, terms)})
        return np.isin(ids, found)
    rows = session.execute(sa.text(f"SELECT rowid, ident, names FROM catalog_search WHERE rowid IN ({listed})"))
    exact = [t.text for t in terms if not t.prefix]
    prefixes = tuple(t.text for t in terms if t.prefix)
    held: set[int] = set()
    for product, ident, names in rows:
        words = set(f"{ident} {names}".split())
        if all(e in words for e in exact) and all(any(w.startswith(p) for w in words) for p in prefixes):
            held.add(int(cast(int, product)))
    return np.fromiter((int(i) in held for i in ids), dtype=bool, count=ids.size)
