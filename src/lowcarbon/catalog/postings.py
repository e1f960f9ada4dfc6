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
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import Session

from lowcarbon.bulk import copy_rows, raw_connection
from lowcarbon.catalog.text import Term

__all__ = ["Matched", "add", "drop_keys", "is_empty", "load", "match", "remove", "restore_keys"]

Document = tuple[int, str, str]  # (product id, identifiers' terms, other terms) joined, as ``catalog.fulltext``'s

_EXACT_END = "\x01"  # a term's range: [term, term + "\x01") holds the term alone (terms hold no control character)
_PREFIX_END = "\U0010ffff"  # a prefix's range: [prefix, prefix + U+10FFFF) holds every term it starts
_BATCH = 5_000  # terms read and written back at a time by ``add`` and ``remove``
_IDS = np.dtype(">u4")
# A Latin prefix is read as the range of terms it starts: from 4 characters on they are few, but "co" starts
# thousands (model numbers, registry ids). So the starts of 2 and 3 characters are keys of their own, read at once.
_SHORT = (2, 3)
_START = "*"  # before a start's key: no term begins with it


def _encode(values: Iterable[int]) -> bytes:
    """Posting values (``2 * id + in_ident``) as stored."""
    values = array("I", sorted(values))
    if sys.byteorder == "little":
        values.byteswap()
    return values.tobytes()


def _decode(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype=_IDS).astype(np.int64)


def _starts(terms: Iterable[str]) -> set[str]:
    """The keys of the Latin terms' starts (``*`` and their first 2 and 3 characters)."""
    return {f"{_START}{term[:n]}" for term in terms if term.isascii() for n in _SHORT if len(term) >= n}


def _keys(ident: Iterable[str], names: Iterable[str]) -> tuple[set[str], set[str]]:
    """A product's keys: its identifiers' (flagged in the postings), and the others."""
    ident = set(ident)
    strong = ident | _starts(ident)
    names = set(names)
    return strong, (names | _starts(names)) - strong


def _gather(documents: Iterable[Document], postings: dict[str, list[int]]) -> Iterator[Document]:
    """Each document's posting values added to its keys' lists, as it yields the document (``catalog_search``'s
    row: the database stores those while the next are gathered)."""
    for document in documents:
        yield document
        product, ident, names = document
        strong, weak = _keys(ident.split(), names.split())
        for keys, value in ((strong, 2 * product + 1), (weak, 2 * product)):
            for key in keys:
                held = postings.get(key)
                if held is None:
                    postings[key] = [value]
                else:
                    held.append(value)


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
    copy_rows(session, "catalog_search", ("id", "ident", "names"), _gather(documents, postings))
    rows = ((term, _encode(values)) for term, values in postings.items())
    copy_rows(session, "catalog_postings", ("term", "ids"), rows, types=("text", "bytea"))


def add(session: Session, documents: Iterable[Document]) -> None:
    """Index ``documents`` (products not in the index yet) into a catalog that has an index."""
    adding: dict[str, list[int]] = {}
    copy_rows(session, "catalog_search", ("id", "ident", "names"), _gather(documents, adding))
    if adding:
        _merge(session, adding, {})


def remove(session: Session, ids: Sequence[int]) -> None:
    """Take the products ``ids`` out of the index."""
    dropping: dict[str, list[int]] = {}
    for start in range(0, len(ids), _BATCH):
        part = [int(i) for i in ids[start : start + _BATCH]]
        statement = sa.text("DELETE FROM catalog_search WHERE id = ANY(:ids) RETURNING id, ident, names")
        for product, ident, names in session.execute(statement, {"ids": part}):
            for key in set.union(*_keys(str(ident).split(), str(names).split())):
                dropping.setdefault(key, []).append(cast(int, product))
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
            if values.size:  # still in order: read sorted, filtered, or joined by union1d
                written.append((term, values.astype(_IDS).tobytes()))
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
    "SELECT t.n, count(*), string_agg(p.ids, ''::bytea) FROM unnest(CAST(%s AS text[]), CAST(%s AS text[]))"
    " WITH ORDINALITY AS t(low, high, n)"
    ' JOIN catalog_postings AS p ON p.term >= (t.low COLLATE "C") AND p.term < (t.high COLLATE "C") GROUP BY t.n'
)


@dataclass(frozen=True)
class Matched:
    """The ids of the products holding every term, and of those holding every term in their identifiers."""

    ids: np.ndarray
    strong: np.ndarray


def _range(term: Term) -> tuple[str, str]:
    """The keys a query's term reads: [low, high)."""
    if term.prefix and len(term.text) in _SHORT:
        return f"{_START}{term.text}", f"{_START}{term.text}{_EXACT_END}"
    return term.text, term.text + (_PREFIX_END if term.prefix else _EXACT_END)


def match(session: Session, terms: Sequence[Term]) -> Matched:
    """The products holding every term (ids ascending)."""
    nothing = Matched(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    if not terms:
        return nothing
    low, high = zip(*(_range(t) for t in terms), strict=True)
    with raw_connection(session).cursor(binary=True) as cursor:
        cursor.execute(_READ, (list(low), list(high)))
        held = [(int(rows), _decode(bytes(values))) for _, rows, values in cursor]
    if len(held) < len(terms):  # a term no product holds
        return nothing
    ids: np.ndarray | None = None
    strong: np.ndarray | None = None
    for rows, values in sorted(held, key=lambda item: item[1].size):
        if rows > 1:  # several keys' values, joined: sorted, and a product may hold more than one of the keys
            values = np.unique(values)
        term_ids = _distinct(values >> 1)
        term_strong = _distinct(values[(values & 1) == 1] >> 1)
        ids = term_ids if ids is None else ids[_member(ids, term_ids)]
        strong = term_strong if strong is None else strong[_member(strong, term_strong)]
    assert ids is not None and strong is not None
    return Matched(ids, strong[_member(strong, ids)])


def _distinct(ordered: np.ndarray) -> np.ndarray:
    """``ordered`` (ascending) without repeats."""
    if ordered.size < 2:
        return ordered
    keep = np.empty(ordered.size, dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def _member(ids: np.ndarray, sorted_ids: np.ndarray) -> np.ndarray:
    at = np.searchsorted(sorted_ids, ids)
    inside = at < sorted_ids.size
    member = np.zeros(ids.size, dtype=bool)
    member[inside] = sorted_ids[at[inside]] == ids[inside]
    return member
