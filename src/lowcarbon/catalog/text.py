"""Search text: product texts turned into index terms, and queries into the terms they must all contain.

Chinese is written without spaces, and a person types part of a word: "服务" must find "服务器". A trigram index (SQLite
FTS5's ``trigram``, PostgreSQL's ``pg_trgm``) finds nothing shorter than three characters, and most Chinese words
have two. So the index holds, for every run of Han (and kana, hangul) characters, each character and each pair of
neighbouring characters; a query's run of two or more characters must contain all of its pairs, a single character
itself. Latin letters and digits are words, lower-cased, matched by prefix ("gree" finds "Gree", "kfr-35" finds
"KFR-35GW"); a model number is also indexed with its punctuation removed, so "KFR35GW" finds "KFR-35GW/Bp".
Full-width forms (U+FF01 to U+FF5E: letters, digits, commas) are folded by NFKC first. The same terms serve
SQLite (FTS5, ``unicode61`` over the terms joined by spaces) and PostgreSQL (a ``tsvector`` of the terms, given as
they are), so both databases find the same products for the same query.

    sorted(ident_terms(["格力", "KFR-35GW"]))  # ['35gw', 'kfr', 'kfr35gw', '力', '格', '格力']
    query_terms("服务器 Gree")            # [Term('服务', False), Term('务器', False), Term('gree', True)]
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from operator import add

__all__ = ["MAX_QUERY_TERMS", "Term", "document_terms", "fold", "ident_terms", "query_terms"]

MAX_QUERY_TERMS = 16  # a query's terms beyond these are ignored (each is one more index lookup)
MAX_TERM_CHARS = 40  # a Latin word is cut to this length (no model number is longer; an index term stays small)
# Han (with extensions A and compatibility ideographs), kana and hangul: scripts written without spaces.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_RUNS = re.compile(rf"[{_CJK}]+|[0-9a-z]+")
_WORDY = re.compile(r"[0-9a-z]")
_WORDS = re.compile(rf"[0-9a-z]{{1,{MAX_TERM_CHARS}}}")  # a longer word is cut in pieces of that length
_HAN = re.compile(rf"[{_CJK}]+")


@dataclass(frozen=True)
class Term:
    """One term a match must contain: as it is (``prefix`` False) or as the start of a word."""

    text: str
    prefix: bool


def fold(text: str) -> str:
    """``text`` with full-width forms folded (NFKC) and lower-cased: what both index and query are made from."""
    return unicodedata.normalize("NFKC", text).lower()


@lru_cache(maxsize=65_536)  # brands, category names, certificate numbers and names come again and again
def _text_terms(text: str) -> tuple[frozenset[str], str | None]:
    """The terms of one text, and its Latin words run together when it has several (else None)."""
    folded = fold(text)
    words = _WORDS.findall(folded)
    terms = set(words)
    for run in _HAN.findall(folded):
        terms.update(run)
        terms.update(map(add, run, run[1:]))
    return frozenset(terms), "".join(words)[:MAX_TERM_CHARS] if len(words) > 1 else None


def document_terms(texts: Iterable[str | None]) -> list[str]:
    """The index terms of a product's texts: each Han character and pair, each Latin word; distinct."""
    terms: set[str] = set()
    for text in texts:
        if text:
            terms.update(_text_terms(text)[0])
    return list(terms)


def ident_terms(texts: Iterable[str | None]) -> list[str]:
    """Terms of a product's identifiers (brand, model number, registry id): its words and, for each identifier of
    several Latin words, the words run together ("KFR-35GW/Bp" also as "kfr35gwbp")."""
    terms: set[str] = set()
    for text in texts:
        if text:
            found, joined = _text_terms(text)
            terms.update(found)
            if joined is not None:
                terms.add(joined)
    return list(terms)


def query_terms(query: str) -> list[Term]:
    """The terms a product must all contain to match ``query`` (at most ``MAX_QUERY_TERMS``); empty for a query of
    punctuation only."""
    terms: dict[Term, None] = {}
    for run in _RUNS.findall(fold(query)):
        if _WORDY.match(run):
            terms[Term(run[:MAX_TERM_CHARS], True)] = None
        elif len(run) == 1:
            terms[Term(run, False)] = None
        else:
            terms.update((Term(run[i : i + 2], False), None) for i in range(len(run) - 1))
    return list(terms)[:MAX_QUERY_TERMS]
