"""The factor library: the shipped factor sets plus whatever a user imports, searchable by text, place and unit."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from lowcarbon.bounded import Archive
from lowcarbon.errors import DataFormatError, LowcarbonError, UnitError
from lowcarbon.factors.model import Factor
from lowcarbon.factors.table_format import parse_csv, read_factor_bytes, read_factor_file
from lowcarbon.units import parse_unit, registry

DATA = "lowcarbon.factors.data.factors"


class UnknownFactor(LowcarbonError, KeyError):
    """No factor has the key asked for."""

    code = "unknown_factor"

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class Match:
    """A search hit with its rank (lower is better)."""

    factor: Factor
    rank: int


class FactorLibrary:
    """Factors by key (``set/id``); later additions with the same key replace earlier ones.

    The shipped sets of ``default_library`` are read when first needed: a lookup by ``set/id`` reads that set alone
    (a footprint needs the few sets its model links, not all 4,000 factors), anything else reads them all first. The
    library is then as if every set had been read at the start, in the same order."""

    def __init__(self, factors: Iterable[Factor] = ()) -> None:
        self._factors: dict[str, Factor] = {}
        self._by_id: dict[str, list[str]] = {}
        self._text: dict[str, str] = {}  # by key: the lowercased text a search looks in, made once per factor
        self._shipped_sets: tuple[str, ...] = ()  # the shipped sets it holds, first of all, in this order...
        self._unread: set[str] = set()  # ...and those of them not read yet
        self.add(factors)

    def add(self, factors: Iterable[Factor]) -> None:
        for factor in factors:
            if self._unread and (named := factor.key.partition("/")[0]) in self._unread:
                self._read(named)  # that set first, so that this factor replaces its factor of the same key
            if factor.key not in self._factors:
                self._by_id.setdefault(factor.id, []).append(factor.key)
            self._factors[factor.key] = factor
            self._text[factor.key] = _searchable(factor)

    def import_file(self, path: str | Path, factor_set: str | None = None) -> list[Factor]:
        """Read factors into the library and return them.

        A CSV or Excel factor file (see ``table_format``); or an inventory, whose processes with greenhouse-gas
        exchanges become factors: an ILCD zip, an openLCA JSON-LD zip, or EcoSpold2 (.spold files, a folder or
        a zip of them).
        """
        location = Path(path)
        self._check_new_set(str(location), factor_set or location.stem)
        if location.is_dir() and inventory_kind(location) is None:
            raise DataFormatError(f"{location}: a folder; give a CSV, Excel or inventory file (or a folder of .spold)")
        if location.suffix.lower() == ".zip" and not zipfile.is_zipfile(location):
            raise DataFormatError(f"{location}: not a readable zip file")
        kind = inventory_kind(location)
        if kind == "ilcd":
            from lowcarbon.factors.ilcd_factors import import_ilcd

            factors = import_ilcd(location, factor_set).factors
        elif kind == "jsonld":
            from lowcarbon.factors.olca_jsonld import import_jsonld

            factors = import_jsonld(location, factor_set).factors
        elif kind == "ecospold2":
            from lowcarbon.factors.ecospold2 import import_ecospold2

            factors = import_ecospold2(location, factor_set).factors
        else:
            factors = read_factor_file(location, factor_set)
        self.add(factors)
        return factors

    def import_bytes(self, name: str, data: bytes, factor_set: str) -> list[Factor]:
        """Read the factors of a CSV or Excel file's bytes (``name`` tells which, and names it in messages) into
        the library as ``factor_set``, and return them."""
        self._check_new_set(name, factor_set)
        if not name.lower().endswith((".csv", ".xlsx", ".xlsm")):
            raise DataFormatError.at(name, "a factor file given as bytes is CSV (.csv) or Excel (.xlsx)", id="format")
        factors = read_factor_bytes(data, name, factor_set)
        self.add(factors)
        return factors

    def _check_new_set(self, source: str, factor_set: str) -> None:
        if factor_set in self._unread:  # a shipped set of that name, unread: read it, to see whether it holds any
            self._read(factor_set)
        if any(f.factor_set == factor_set for f in self._factors.values()):
            message = (
                f"factor set {factor_set!r} is already in the library; rename the file or give another set name, so "
                "that shipped or earlier factors are not silently replaced"
            )
            raise DataFormatError.at(source, message, id="set_exists")

    @classmethod
    def _of_shipped(cls, names: Iterable[str]) -> FactorLibrary:
        """A library of these shipped sets, none read yet."""
        library = cls()
        library._shipped_sets = tuple(names)
        library._unread = set(library._shipped_sets)
        return library

    def _read(self, name: str) -> None:
        """Read one unread shipped set."""
        self._unread.discard(name)
        self.add(_shipped(name))

    def _read_all(self) -> None:
        """Read the unread shipped sets, and order the library as if they had been read first, in order."""
        if not self._unread:
            return
        read = {f.key: f for name in self._shipped_sets if name not in self._unread for f in _shipped(name)}
        added = [f for f in self._factors.values() if read.get(f.key) is not f]  # all but the shipped sets read
        self._unread.clear()
        self._factors, self._by_id, self._text = {}, {}, {}
        for name in self._shipped_sets:
            self.add(_shipped(name))
        self.add(added)

    def __len__(self) -> int:
        self._read_all()
        return len(self._factors)

    def __iter__(self) -> Iterator[Factor]:
        self._read_all()
        return iter(self._factors.values())

    @property
    def factor_sets(self) -> list[str]:
        return sorted({f.factor_set for f in self})

    def get(self, key: str) -> Factor:
        """A factor by ``set/id`` (or by bare id when that is unambiguous)."""
        if key not in self._factors and (named := key.partition("/")[0]) in self._unread:
            self._read(named)
        if key in self._factors:
            return self._factors[key]
        self._read_all()
        matches = [self._factors[k] for k in self._by_id.get(key, [])]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise UnknownFactor(f"{key!r} is in several sets: {', '.join(f.key for f in matches)}; name the set")
        raise UnknownFactor(f"no factor {key!r}; search with `lowcarbon factors search TEXT` and use its key")

    def search(
        self, text: str = "", *, geography: str | None = None, unit: str | None = None, limit: int | None = 20
    ) -> list[Factor]:
        """Factors whose id, names, category, set or geography contain every word of ``text`` (Chinese or English).

        ``geography`` keeps factors whose geography starts with it (``CN`` finds ``CN-East grid``); ``unit``
        keeps factors whose unit has the same dimension (``MJ`` finds factors per kWh and per TJ).
        """
        self._read_all()
        words = text.lower().split()
        patterns = [(word, _pattern(word)) for word in words]
        wanted = _dimension(unit) if unit else None
        matches = []
        for key, haystack in self._text.items():
            # a plain "in" first: it rules out most factors far faster than the word-start pattern
            if not all(word in haystack and pattern.search(haystack) for word, pattern in patterns):
                continue
            factor = self._factors[key]
            if geography and not factor.geography.lower().startswith(geography.lower()):
                continue
            if wanted is not None and _dimension(factor.unit) != wanted:
                continue
            matches.append(Match(factor, _rank(factor, words)))
        matches.sort(key=lambda m: (m.rank, m.factor.factor_set, -(m.factor.year or 0), m.factor.id))
        found = [m.factor for m in matches]
        return found if limit is None else found[:limit]


def _searchable(factor: Factor) -> str:
    """What a search looks in: id, names, category, set and geography, lowercased."""
    parts = [factor.id, factor.name, factor.name_zh or "", factor.category, factor.factor_set, factor.geography]
    return " ".join(parts).lower()


def inventory_kind(path: Path) -> str | None:
    """Which inventory format ``path`` holds ("ilcd", "jsonld", "ecospold2"), or None for a factor table."""
    if path.suffix.lower() == ".spold" or (path.is_dir() and any(path.rglob("*.spold"))):
        return "ecospold2"
    if path.suffix.lower() != ".zip" or not zipfile.is_zipfile(path):
        return None
    with Archive(path, str(path)) as archive:
        names = archive.names()
    if any(name.endswith(".spold") for name in names):
        return "ecospold2"
    if any(name.endswith(".json") and "processes/" in name for name in names):
        return "jsonld"
    return "ilcd"


def _pattern(word: str) -> re.Pattern[str]:
    """Latin words match at the start of a word ("east" is not in "northeast"); Chinese text anywhere."""
    escaped = re.escape(word)
    return re.compile(rf"(?<![a-z0-9]){escaped}" if word[0].isascii() and word[0].isalnum() else escaped)


def _dimension(unit: str) -> object:
    import pint  # here, not at the top: pint takes a tenth of a second to import and most commands never search

    try:
        return registry().get_dimensionality(parse_unit(unit, "search"))
    except (UnitError, pint.errors.PintError):
        raise UnitError(f"search: unit {unit!r} is not known; write it as pint does, e.g. kWh, kg, t*km") from None


def _rank(factor: Factor, words: list[str]) -> int:
    """0 exact id, 1 every word in the name, 2 otherwise."""
    if words and factor.id.lower() == " ".join(words):
        return 0
    names = f"{factor.name} {factor.name_zh or ''}".lower()
    return 1 if all(word in names for word in words) else 2


def shipped_sets() -> list[str]:
    """Names of the factor sets that ship with lowcarbon."""
    folder = resources.files(DATA)
    return sorted(item.name[:-4] for item in folder.iterdir() if item.name.endswith(".csv"))


@cache
def _shipped(name: str) -> tuple[Factor, ...]:
    text = resources.files(DATA).joinpath(f"{name}.csv").read_text(encoding="utf-8")
    return tuple(parse_csv(text, f"lowcarbon/factors/data/factors/{name}.csv", name))


def default_library() -> FactorLibrary:
    """A new library holding every shipped factor set (each read when first needed)."""
    return FactorLibrary._of_shipped(shipped_sets())
