"""Search text: product texts turned into index terms, and queries into the terms they must all contain.

Chinese is written without spaces, and a person types part of a word: "服务" must find "服务器". A trigram index (SQLite
FTS5's ``trigram``, PostgreSQL's ``pg_trgm``) finds nothing shorter than three characters, and most Chinese words
have two. So the index holds, for every run of Han (and kana, hangul) characters, each character and each pair of
neighbouring characters; a query's run of two or more characters must contain all of its pairs, a single character
itself. Latin letters and digits are words, lower-cased, matched by prefix ("gree" finds "Gree", "kfr-35" finds
"KFR-35GW"); a model number is also indexed with its punctuation removed, so "KFR35GW" finds "KFR-35GW/Bp".
Full-width forms (U+FF01 to U+FF5E: letters, digits, commas) are folded by NFKC first. The same terms serve
SQLite (FTS5, ``unicode61`` over the terms joined by spaces) and PostgreSQL (``catalog.postings``: a row per term),
so both databases find the same products for the same query.

    sorted(document_terms(["格力 KFR-35GW"]))  # ['35gw', 'kfr', 'kfr35gw', '力', '格', '格力']
    query_terms("服务器 Gree KFR-35")      # [Term('服务', False), Term('务器', False), Term('gree', True),
                                          #  Term('kfr35', True)]
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from operator import add

__all__ = ["MAX_QUERY_TERMS", "Term", "document_terms", "fold", "query_terms"]

MAX_QUERY_TERMS = 16  # a query's terms beyond these are ignored (each is one more index lookup)
MAX_TERM_CHARS = 40  # a Latin word is cut to this length (no model number is longer; an index term stays small)
# Han (with extensions A and compatibility ideographs), kana and hangul: scripts written without spaces.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
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
def _text_terms(text: str) -> frozenset[str]:
    """The terms of one text: each Han character and pair, each Latin word, and for each piece between spaces that
    holds several Latin words, those words run together ("KFR-35GW/Bp" also as "kfr35gwbp")."""
    folded = fold(text)
    terms: set[str] = set()
    for chunk in folded.split():
        words = _WORDS.findall(chunk)
        terms.update(words)
        if len(words) > 1:
            terms.add("".join(words)[:MAX_TERM_CHARS])
        for run in _HAN.findall(chunk):
            terms.update(run)
            terms.update(map(add, run, run[1:]))
    return frozenset(terms)


def document_terms(texts: Iterable[str | None]) -> list[str]:
    """The index terms of a product's texts, distinct."""
    terms: set[str] = set()
    for text in texts:
        if text:
            terms.update(_text_terms(text))
    return list(terms)


def query_terms(query: str) -> list[Term]:
    """The terms a product must all contain to match ``query`` (at most ``MAX_QUERY_TERMS``); empty for a query of
    punctuation only. Per piece between spaces: its Han runs by their pairs (one character: itself); its Latin words
    run together as one prefix when there are several ("C-23DZ" as "c23dz"*, which a model number's words run
    together start with), else the word as a prefix, or as a whole word when it is one letter (a one-letter prefix
    would ask the index for a good part of all its terms)."""
    terms: dict[Term, None] = {}
    for chunk in fold(query).split():
        words = _WORDS.findall(chunk)
        joined = "".join(words)[:MAX_TERM_CHARS]
        if joined:
            terms[Term(joined, len(joined) > 1)] = None
        for run in _HAN.findall(chunk):
            if len(run) == 1:
                terms[Term(run, False)] = None
            else:
                terms.update((Term(run[i : i + 2], False), None) for i in range(len(run) - 1))
    return list(terms)[:MAX_QUERY_TERMS]
