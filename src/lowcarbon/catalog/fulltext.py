"""The full-text index of the catalog, per database, over the terms of ``catalog.text``.

SQLite: an FTS5 table (``unicode61``: each term a token; ``detail=column``) whose rowid is the product id, with two
columns: ``ident`` (brand, model number, registry id and certificate number) and ``names`` (the names and the
category's names). PostgreSQL: a table with two ``tsvector`` columns built from the same terms as they are
(``array_to_tsvector``, no parser or dictionary in between), each under a GIN index: ``ident``, and ``terms`` (all).
A query's terms are ANDed, Latin words as prefixes; both return ids in ascending order, so that the first N matches
are a sample of all (bulk imports store products in a shuffled order; see ``catalog.importer``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import Session

from lowcarbon.catalog import text
from lowcarbon.catalog.bulk import copy_rows
from lowcarbon.catalog.text import Term

__all__ = ["Described", "Document", "document", "match", "remove", "write"]

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
    ident = text.ident_terms((d.brand, d.model, d.registry_id, d.certificate_number))
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


def write(session: Session, documents: Sequence[Document]) -> None:
    """Index ``documents`` (products not in the index yet)."""
    if not documents:
        return
    if _postgres(session):
        rows = ((p, _tsvector(ident), _tsvector(dict.fromkeys([*ident, *names]))) for p, ident, names in documents)
        copy_rows(session, "catalog_search", ("id", "ident", "terms"), rows)
        return
    session.connection().exec_driver_sql(
        "INSERT INTO catalog_search (rowid, ident, names) VALUES (?, ?, ?)",
        [(product, " ".join(ident), " ".join(names)) for product, ident, names in documents],
    )


def _tsvector(terms: Iterable[str]) -> str:
    # the tsvector's text form: quoted lexemes; terms hold only [0-9a-z] and CJK characters, never a quote
    return " ".join(f"'{term}'" for term in terms)


def match(session: Session, terms: Sequence[Term], *, ident: bool = False, limit: int | None = None) -> np.ndarray:
    """The ids (ascending, at most ``limit``) of the products holding every term; with ``ident``, in their
    identifiers (brand, model number, registry id, certificate number)."""
    if _postgres(session):
        query = " & ".join(f"'{t.text}'{':*' if t.prefix else ''}" for t in terms)
        column = "ident" if ident else "terms"
        # no ORDER BY: a bitmap scan reads the table in its physical order, which is the order ids were given in
        sql = f"SELECT id FROM catalog_search WHERE {column} @@ CAST(:q AS tsquery)"
    else:
        query = " AND ".join(f'"{t.text}"{"*" if t.prefix else ""}' for t in terms)
        query = f"{{ident}} : ({query})" if ident else query
        sql = "SELECT rowid FROM catalog_search WHERE catalog_search MATCH :q ORDER BY rowid"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    rows: Sequence[int] = session.execute(sa.text(sql), {"q": query}).scalars().all()
    return np.sort(np.fromiter(rows, dtype=np.int64, count=len(rows)))
