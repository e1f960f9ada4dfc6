"""An inventory read from its file (YAML, or the Excel template) with the factor files it names.

Every problem of the file is reported at once, each with the file, its place (``activities[3].unit``, or the sheet,
row and column of a workbook) and the fix; ``messages`` gives each in Chinese beside the English.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from lowcarbon.bounded import parse_yaml, read_path
from lowcarbon.errors import DataFormatError, LimitExceeded, Problem
from lowcarbon.factors import FactorLibrary, default_library
from lowcarbon.footprint.model import parse_model_errors
from lowcarbon.inventory.model import Inventory

__all__ = ["load_inventory", "parse_inventory", "read_inventory"]

YAML_SUFFIXES = (".yaml", ".yml")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
UNKNOWN_FIELD = "unknown field; check its spelling (the fields are those of examples/two-site-inventory/inventory.yaml)"


def load_inventory(path: str | Path) -> tuple[Inventory, FactorLibrary]:
    """The inventory at ``path`` and a factor library with the shipped sets and the factor files it names."""
    location = Path(path)
    inventory = read_inventory(read_path(location, "max_model_bytes"), location.name, str(location))
    library = default_library()
    problems = []
    for name in dict.fromkeys(inventory.factor_files):
        file = location.parent / name
        if not file.exists():
            message = f"{name} does not exist (paths are relative to the inventory file)"
            problems.append(Problem(message, "factor_files", str(location), "missing_file", {"file": name}))
            continue
        try:
            library.import_file(file)
        except LimitExceeded:
            raise
        except DataFormatError as exc:
            problems.extend(exc.problems)
    if problems:
        raise DataFormatError(problems=problems, what="inventory and its factor files")
    return inventory, library


def read_inventory(content: bytes, name: str, source: str | None = None) -> Inventory:
    """An inventory from a file's bytes; ``name`` tells the format by its suffix, ``source`` names it in messages."""
    source = source or name
    suffix = Path(name).suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        from lowcarbon.inventory.excel import read_workbook

        data, places = read_workbook(content, source)
        try:
            return parse_inventory(data, source)
        except DataFormatError as exc:
            problems = [_on_sheet(problem, places) for problem in exc.problems]
            raise DataFormatError(problems=problems, what="workbook", count=exc.count) from None
    if suffix not in YAML_SUFFIXES:
        raise DataFormatError.at(
            source, "an inventory file is YAML (.yaml, .yml) or Excel (.xlsx); rename it or save it as one", id="format"
        )
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataFormatError.at(source, f"cannot be read as UTF-8 text ({exc})", id="not_utf8") from None
    return parse_inventory(parse_yaml(text, source), source)


def _on_sheet(problem: Problem, places: dict[str, str]) -> Problem:
    """A problem at a data place (``activities[2].unit``) moved to its sheet, row and column."""
    for place in sorted(places, key=len, reverse=True):
        if problem.place == place or problem.place.startswith((f"{place}.", f"{place}[")):
            rest = problem.place[len(place) :].lstrip(".")
            return problem.located(f"{places[place]}, column {rest}" if rest else places[place])
    return problem


def parse_inventory(data: Any, source: str) -> Inventory:
    """An inventory from parsed data; DataFormatError listing every problem with its place."""
    if not isinstance(data, dict):
        message = "an inventory is a mapping with organisation, reporting_year, approach, sites and activities"
        raise DataFormatError.at(source, message, id="not_a_mapping")
    try:
        return Inventory.model_validate(data)
    except ValidationError as exc:
        error = parse_model_errors(exc, source, "inventory")
    problems = [
        Problem(UNKNOWN_FIELD, p.place, p.source, p.id, p.params) if p.id == "extra_forbidden" else p
        for p in error.problems
    ]
    raise DataFormatError(problems=problems, what="inventory", count=error.count)
