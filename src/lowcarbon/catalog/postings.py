"""The catalog's full-text index on PostgreSQL: an inverted index of its own, in two tables.

``catalog_postings`` holds a row per term (``catalog.text``'s terms, as they are) with every product holding it, as
one sorted array of 4-byte unsigned integers in network byte order (``bytea``, stored uncompressed): the product's
id times two, plus one when the term is one of its identifiers' (brand, model number, registry or certificate
number: relevance's first tier). ``catalog_search`` holds each product's terms, its identifiers' (``ident``) apart
from the others (``names``): what takes a product out of the index again.

A query reads the rows of its terms in one statement (a Latin prefix: the range of terms that start with it, under
the ``C`` collation) and intersects their ids in numpy. So every match is counted exactly: a word 12,000 products
hold costs well under a millisecond to read. A GIN index over ``tsvector`` columns (the first version of this
index) returns row addresses, and its bitmap scan then visits a table row for each match, about a microsecond and a
half each when the rows are cached and several when they are not (the table outgrows the default shared buffers at
a million products): 15 to 60 ms for one such word, so counts had to be estimated from a sample.

Writes: an empty catalog's first import builds every row in memory and copies them in (``load``); later changes
read the rows of the terms they touch, merge and write them back (``add``, ``remove``), under the catalog's lock.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import Session

from lowcarbon.catalog.bulk import copy_rows
from lowcarbon.catalog.text import Term

__all__ = ["Matched", "add", "drop_keys", "is_empty", "load", "match", "remove", "restore_keys"]

Document = tuple[int, list[str], list[str]]  # (product id, ident terms, name terms), as ``catalog.fulltext``'s

_EXACT_END = "\x01"  # a term's range: [term, term + "\x01") holds the term alone (terms hold no control character)
_PREFIX_END = "\U0010ffff"  # a prefix's range: [prefix, prefix + U+10FFFF) holds every term it starts
_BATCH = 5_000  # terms read and written back at a time by ``add`` and ``remove``
_IDS = np.dtype(">u4")


def _encode(values: Iterable[int]) -> bytes:
    """Posting values (``2 * id + in_ident``) as stored."""
    values = array("I", sorted(values))
    if sys.byteorder == "little":
        values.byteswap()
    return values.tobytes()


def _decode(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype=_IDS).astype(np.int64)


def _gather(documents: Iterable[Document], postings: dict[str, list[int]]) -> list[tuple[int, str, str]]:
    """Each document's posting values added to its terms' lists; the documents' rows of ``catalog_search``."""
    texts: list[tuple[int, str, str]] = []
    for product, ident, names in documents:
        texts.append((product, " ".join(ident), " ".join(names)))
        for values, value in ((ident, 2 * product + 1), (set(names).difference(ident), 2 * product)):
            for term in values:
                held = postings.get(term)
                if held is None:
                    postings[term] = [value]
                else:
                    held.append(value)
    return texts


def _raw(session: Session) -> Any:
    return cast(Any, session.connection().connection.dbapi_connection)  # a psycopg connection


def is_empty(session: Session) -> bool:
    return session.execute(sa.text("SELECT NOT EXISTS (SELECT 1 FROM catalog_postings)")).scalar_one() is True


def drop_keys(session: Session) -> None:
    """Drop both tables' primary keys before ``load`` fills them (built again by ``restore_keys``: faster than kept
    up row by row)."""
    session.execute(sa.text("ALTER TABLE catalog_postings DROP CONSTRAINT pk_catalog_postings"))
    session.execute(sa.text("ALTER TABLE catalog_search DROP CONSTRAINT pk_catalog_search"))


def restore_keys(session: Session) -> None:
    session.execute(sa.text("SET LOCAL maintenance_work_mem = '256MB'"))
    session.execute(sa.text("ALTER TABLE catalog_postings ADD CONSTRAINT pk_catalog_postings PRIMARY KEY (term)"))
    session.execute(sa.text("ALTER TABLE catalog_search ADD CONSTRAINT pk_catalog_search PRIMARY KEY (id)"))


def load(session: Session, documents: Iterable[Document]) -> None:
    """Index ``documents`` into empty tables: the postings gathered in memory, then copied in."""
    postings: dict[str, list[int]] = {}
    texts = _gather(documents, postings)
    copy_rows(session, "catalog_search", ("id", "ident", "names"), texts)
    del texts
    rows = ((term, _encode(values)) for term, values in postings.items())
    copy_rows(session, "catalog_postings", ("term", "ids"), rows, types=("text", "bytea"))


def add(session: Session, documents: Iterable[Document]) -> None:
    """Index ``documents`` (products not in the index yet) into a catalog that has an index."""
    adding: dict[str, list[int]] = {}
    texts = _gather(documents, adding)
    if texts:
        copy_rows(session, "catalog_search", ("id", "ident", "names"), texts)
        _merge(session, adding, {})


def remove(session: Session, ids: Sequence[int]) -> None:
    """Take the products ``ids`` out of the index."""
    dropping: dict[str, list[int]] = {}
    for start in range(0, len(ids), _BATCH):
        part = [int(i) for i in ids[start : start + _BATCH]]
        statement = sa.text("DELETE FROM catalog_search WHERE id = ANY(:ids) RETURNING id, ident, names")
        for product, ident, names in session.execute(statement, {"ids": part}):
            for term in {*str(ident).split(), *str(names).split()}:
                dropping.setdefault(term, []).append(cast(int, product))
    _merge(session, {}, dropping)


def _merge(session: Session, adding: dict[str, list[int]], dropping: dict[str, list[int]]) -> None:
    terms = sorted({*adding, *dropping})  # in one order: two writers never wait for each other's rows crosswise
    read = sa.text("SELECT term, ids FROM catalog_postings WHERE term = ANY(:terms) ORDER BY term FOR UPDATE")
    for start in range(0, len(terms), _BATCH):
        part = terms[start : start + _BATCH]
        held = {str(term): _decode(cast(bytes, ids)) for term, ids in session.execute(read, {"terms": part})}
        written: list[tuple[str, bytes]] = []
        emptied: list[str] = []
        for term in part:
            values = held.get(term, np.zeros(0, dtype=np.int64))
            if term in dropping:
                values = values[~np.isin(values >> 1, dropping[term])]
            if term in adding:
                values = np.union1d(values, adding[term])
            if values.size:
                written.append((term, _encode(int(v) for v in values)))
            elif term in held:
                emptied.append(term)
        if emptied:
            session.execute(sa.text("DELETE FROM catalog_postings WHERE term = ANY(:terms)"), {"terms": emptied})
        if written:
            session.execute(
                sa.text(
                    "INSERT INTO catalog_postings (term, ids) SELECT * FROM unnest(CAST(:terms AS text[]),"
                    " CAST(:ids AS bytea[])) ON CONFLICT (term) DO UPDATE SET ids = EXCLUDED.ids"
                ),
                {"terms": [t for t, _ in written], "ids": [i for _, i in written]},
            )


_READ = (
    "SELECT t.n, string_agg(p.ids, ''::bytea) FROM unnest(CAST(%s AS text[]), CAST(%s AS text[]))"
    " WITH ORDINALITY AS t(low, high, n)"
    ' JOIN catalog_postings AS p ON p.term >= (t.low COLLATE "C") AND p.term < (t.high COLLATE "C") GROUP BY t.n'
)


@dataclass(frozen=True)
class Matched:
    """The ids of the products holding every term, and of those holding every term in their identifiers."""

    ids: np.ndarray
    strong: np.ndarray


def match(session: Session, terms: Sequence[Term]) -> Matched:
    """The products holding every term (ids ascending)."""
    nothing = Matched(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    if not terms:
        return nothing
    low = [t.text for t in terms]
    high = [t.text + (_PREFIX_END if t.prefix else _EXACT_END) for t in terms]
    with _raw(session).cursor(binary=True) as cursor:
        cursor.execute(_READ, (low, high))
        held = {int(n): _decode(bytes(values)) for n, values in cursor}
    if len(held) < len(terms):  # a term no product holds
        return nothing
    ids: np.ndarray | None = None
    strong: np.ndarray | None = None
    for n, values in sorted(held.items(), key=lambda item: item[1].size):
        if terms[n - 1].prefix:  # several terms' values, joined: a product may hold more than one of them
            values = np.unique(values)
        term_ids = np.unique(values >> 1) if terms[n - 1].prefix else values >> 1
        term_strong = np.unique(values[(values & 1) == 1] >> 1)
        ids = term_ids if ids is None else ids[_member(ids, term_ids)]
        strong = term_strong if strong is None else strong[_member(strong, term_strong)]
    assert ids is not None and strong is not None
    return Matched(ids, strong[_member(strong, ids)])


def _member(ids: np.ndarray, sorted_ids: np.ndarray) -> np.ndarray:
    at = np.searchsorted(sorted_ids, ids)
    inside = at < sorted_ids.size
    member = np.zeros(ids.size, dtype=bool)
    member[inside] = sorted_ids[at[inside]] == ids[inside]
    return member
