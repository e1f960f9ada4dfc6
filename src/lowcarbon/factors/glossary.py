"""Chinese names for the English terms of imported factor sets, from lowcarbon's own glossary (data/glossary-zh.csv).

The glossary is lowcarbon's translation, not the publishers': DESNZ's category levels and units, and the 2017 NAICS
titles of the US EPA supply-chain factors. A term it does not list keeps its English spelling, which suits codes
such as ``R404A`` or ``HFC-134a``; ``missing`` lists such terms so that a maintainer sees what is left untranslated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from lowcarbon.bounded import csv_rows
from lowcarbon.errors import DataFormatError

DATA = "lowcarbon.factors.data"
FILE = "glossary-zh.csv"
COLUMNS = ["en", "zh", "geography"]


@dataclass(frozen=True)
class Glossary:
    """English term -> Chinese, and the ISO 3166 code of the terms that name a place; looked up case-blind."""

    chinese: Mapping[str, str]  # keyed by the casefolded English term
    places: Mapping[str, str]

    def zh(self, term: str) -> str:
        """The Chinese for ``term``, or the term as written when the glossary has none."""
        return self.chinese.get(_key(term), term.strip())

    def place(self, term: str) -> str | None:
        """The ISO 3166 code of a place name (``China`` -> ``CN``), or None."""
        return self.places.get(_key(term))

    def title(self, head: str, details: Sequence[str], last: str = "") -> str:
        """A Chinese name: ``head`` translated, a full-width colon, then ``details`` translated and ``last`` (already
        Chinese), between full-width commas."""
        parts = [self.zh(term) for term in details] + ([last] if last else [])
        return self.zh(head) + ("\N{FULLWIDTH COLON}" + "\N{FULLWIDTH COMMA}".join(parts) if parts else "")

    def missing(self, terms: Iterable[str]) -> list[str]:
        """The terms the glossary has no Chinese for, sorted, each once."""
        return sorted({term.strip() for term in terms if _key(term) not in self.chinese})


def parse_glossary(text: str, source: str) -> Glossary:
    """A glossary from CSV text with the columns en, zh, geography; lines starting with # are comments."""
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    rows = csv_rows("\n".join(lines), source)
    header = next(rows, [])
    if header != COLUMNS:
        raise DataFormatError.at(source, f"the columns are {', '.join(COLUMNS)}, not {', '.join(header)}", id="header")
    chinese: dict[str, str] = {}
    places: dict[str, str] = {}
    for number, row in enumerate(rows, start=2):
        if len(row) != len(COLUMNS) or not row[0].strip() or not row[1].strip():
            raise DataFormatError.at(
                source,
                "each row is an English term, its Chinese and an optional place code",
                place=f"row {number}",
                id="row",
            )
        key = _key(row[0])
        if key in chinese and chinese[key] != row[1].strip():
            raise DataFormatError.at(source, f"{row[0]!r} is translated twice", place=f"row {number}", id="twice")
        chinese[key] = row[1].strip()
        if row[2].strip():
            places[key] = row[2].strip()
    return Glossary(chinese, places)


@cache
def load_glossary() -> Glossary:
    """The glossary shipped with lowcarbon (read once)."""
    text = resources.files(DATA).joinpath(FILE).read_text(encoding="utf-8")
    return parse_glossary(text, f"lowcarbon/factors/data/{FILE}")


def _key(term: str) -> str:
    return " ".join(term.split()).casefold()
