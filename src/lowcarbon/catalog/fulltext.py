"""The full-text index of the catalog, per database, over the terms of ``catalog.text``.

SQLite: an FTS5 table (``unicode61``: each term a token; ``detail=column``) whose rowid is the product id, with two
columns: ``ident`` (brand, model number, registry id and certificate number) and ``names`` (the names and the
category's names). PostgreSQL: an inverted index of the same terms in tables of its own (``catalog.postings``: a
row per term with the ids holding it, intersected in numpy), as a GIN index's bitmap scans visit a table row per
match. A query's terms are ANDed, Latin words as prefixes.

On SQLite a text most products hold is read up to a limit: the first N matches are a fair sample of all (bulk
imports store products in a shuffled order, ``catalog.importer``, and FTS5 reads in that order). On PostgreSQL every
match is read: it costs a few bytes each.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, cast

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import Session

from lowcarbon.bulk import insert_rows
from lowcarbon.catalog import postings, text
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
    "strong",
    "write",
]

# (product id, identifiers' terms, other terms), each joined by spaces: as both databases store them
Document = tuple[int, str, str]


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
    return (product, " ".join(ident), " ".join(words))


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def remove(session: Session, ids: Iterable[int]) -> None:
    """Take the products ``ids`` out of the index."""
    ids = [int(i) for i in ids]
    if _postgres(session):
        postings.remove(session, ids)
        return
    for start in range(0, len(ids), 500):
        statement = sa.text("DELETE FROM catalog_search WHERE rowid IN :ids")
        session.execute(statement.bindparams(sa.bindparam("ids", expanding=True)), {"ids": ids[start : start + 500]})


def drop_indexes(session: Session) -> bool:
    """Before a bulk load into an empty catalog, drop what ``create_indexes`` builds again after it (in the
    transaction: nothing else reads an empty catalog's index meanwhile); whether there was any (SQLite: never)."""
    if not _postgres(session) or not postings.is_empty(session):
        return False
    postings.drop_keys(session)
    return True


def create_indexes(session: Session) -> None:
    """Build the indexes ``drop_indexes`` dropped (after the load)."""
    postings.restore_keys(session)


def write(session: Session, documents: Iterable[Document]) -> None:
    """Index ``documents`` (products not in the index yet), as a stream."""
    if _postgres(session):
        (postings.load if postings.is_empty(session) else postings.add)(session, documents)
        return
    insert_rows(session, "INSERT INTO catalog_search (rowid, ident, names) VALUES (?, ?, ?)", documents)


def _ids(session: Session, sql: str, values: dict[str, object]) -> np.ndarray:
    """The ids ``sql`` selects (as column ``id``), read as one text: a row per id costs Python ten times more."""
    joined: object = session.execute(sa.text(f"SELECT group_concat(id) FROM ({sql}) AS found"), values).scalar_one()
    if not joined:
        return np.zeros(0, dtype=np.int64)
    return np.sort(np.array(str(joined).split(","), dtype=np.int64))


def _fts_query(terms: Sequence[Term], ident: bool = False) -> str:
    query = " AND ".join(f'"{t.text}"{"*" if t.prefix else ""}' for t in terms)
    return f"{{ident}} : ({query})" if ident else query


@dataclass(frozen=True)
class Found:
    """Ids of products holding a query's terms (ascending); ``every``: whether they are all, or the first ``limit``
    in id order (the rest of the ids hold about as many per product); ``strong``: those whose identifiers hold every
    term, when the index told them at once (PostgreSQL)."""

    ids: np.ndarray
    every: bool = True
    strong: np.ndarray | None = None


def match(session: Session, terms: Sequence[Term], *, limit: int | None = None) -> Found:
    """The products holding every term: all of them, or on SQLite the first ``limit`` found."""
    if _postgres(session):
        found = postings.match(session, terms)
        return Found(found.ids, True, found.strong)
    sql = "SELECT rowid AS id FROM catalog_search WHERE catalog_search MATCH :q ORDER BY rowid"
    if limit is None:
        return Found(_ids(session, sql, {"q": _fts_query(terms)}))
    ids = _ids(session, f"{sql} LIMIT {int(limit)}", {"q": _fts_query(terms)})
    return Found(ids, ids.size < limit)  # FTS5 reads in rowid order: the products up to the last id found were read


def strong(session: Session, terms: Sequence[Term], found: Found, limit: int) -> np.ndarray:
    """The products whose identifiers (brand, model number, registry id, certificate number) hold every term: all of
    them, or (SQLite) the first ``limit``."""
    if found.strong is not None:
        return found.strong
    sql = "SELECT rowid AS id FROM catalog_search WHERE catalog_search MATCH :q ORDER BY rowid"
    return _ids(session, f"{sql} LIMIT {int(limit)}", {"q": _fts_query(terms, ident=True)})


def _holds(words: set[str], terms: Sequence[Term]) -> bool:
    return all(t.text in words if not t.prefix else any(w.startswith(t.text) for w in words) for t in terms)


def holding(session: Session, terms: Sequence[Term], ids: np.ndarray) -> np.ndarray:
    """Which of ``ids`` hold every term: a boolean per id. Asked of a few thousand products at a time, when a text
    matches too many products to read them all (SQLite only: PostgreSQL reads every match)."""
    if ids.size == 0:
        return np.zeros(0, dtype=bool)
    if _postgres(session):
        return np.isin(ids, postings.match(session, terms).ids)
    listed = ",".join(str(int(i)) for i in ids)
    rows = session.execute(sa.text(f"SELECT rowid, ident, names FROM catalog_search WHERE rowid IN ({listed})"))
    held = {int(cast(int, product)) for product, ident, names in rows if _holds(set(f"{ident} {names}".split()), terms)}
    return np.fromiter((int(i) in held for i in ids), dtype=bool, count=ids.size)
