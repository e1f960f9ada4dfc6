"""Activity records from a CSV file: the Excel template's activity sheet saved as CSV (the same columns, by their
English or Chinese header or both, ``english / 中文``), one record a row, UTF-8 or GBK (as Excel in Chinese saves
it), commas, semicolons or tabs.

The file is read through ``lowcarbon.bounded`` (``csv_rows``, within the row, column and cell limits). The records
join an inventory's records and are checked and computed with them, as a file's are; every problem of a CSV row is
placed on the file's row and column (``activities.csv, row 7, column unit``: the file is the problem's source, the
row and column its place), so that nothing is stored while any row is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from lowcarbon.bounded import csv_rows
from lowcarbon.errors import DataFormatError, Problem
from lowcarbon.factors.table_format import decoded_text
from lowcarbon.footprint.model import parse_model_errors
from lowcarbon.inventory.excel import ACTIVITY_COLUMNS, activity_record, cell_value, header_of
from lowcarbon.inventory.model import Activity, Inventory
from lowcarbon.inventory.read import parse_inventory

__all__ = ["CsvRecords", "checked", "on_rows", "read_activity_csv", "with_records"]

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
_PLACE = re.compile(r"^activities\[(\d+)\](.*)$")
_NAMED = re.compile(r"activities\[(\d+)\]")
# the column a record's problem is about, when the record as a whole is checked (pydantic places it on the record)
_COLUMNS = {
    "period": "month",
    "month_format": "month",
    "kind_category": "category",
    "factor_category": "category",
    "scope3_needed": "scope3_category",
    "scope3_iso_mismatch": "category",
    "scope3_not_here": "scope3_category",
    "market_not_here": "market_instrument",
    "supplier_factor": "market_kg_co2_per_kwh",
    "certificate_factor": "market_kg_co2_per_kwh",
    "instrument_source": "market_source",
    "unknown_site": "site",
}


@dataclass(frozen=True)
class CsvRecords:
    """The records of a CSV file (each as an item of an inventory's ``activities``) and the row each is on."""

    source: str
    records: tuple[dict[str, Any], ...]
    rows: tuple[int, ...]


def read_activity_csv(content: bytes, source: str) -> CsvRecords:
    """The activity records of a CSV file's bytes; DataFormatError for a file that is not such a CSV (an unknown
    column, no header, no record), LimitExceeded past a limit."""
    text = decoded_text(content, source)
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    rows = csv_rows(text, source, delimiter=delimiter)
    header: list[str | None] = []
    records: list[dict[str, Any]] = []
    numbers: list[int] = []
    for number, row in enumerate(rows, start=1):
        if number == 1:
            header = header_of(row, ACTIVITY_COLUMNS, source, "row 1", "CSV file")
            if not any(header):
                break
            continue
        values = {name: cell_value(cell) for name, cell in zip(header, row, strict=False) if name}
        values = {name: value for name, value in values.items() if value != ""}
        if values:
            records.append(activity_record(values))
            numbers.append(number)
    if not any(header):
        columns = ", ".join(english for english, _ in ACTIVITY_COLUMNS[:7])
        message = f"the first row must name the columns ({columns}, ...), in English or Chinese"
        raise DataFormatError.at(source, message, place="row 1", id="csv_header")
    if not records:
        raise DataFormatError.at(source, "the file has no activity records below its header", id="csv_empty")
    return CsvRecords(source, tuple(records), tuple(numbers))


def checked(records: CsvRecords, sites: Collection[str]) -> None:
    """Every record checked on its own and against the inventory's ``sites``: DataFormatError listing the problems
    of every bad row at once, each on its row and column."""
    problems: list[Problem] = []
    for row, record in zip(records.rows, records.records, strict=True):
        try:
            Activity.model_validate(record)
        except ValidationError as exc:
            found = parse_model_errors(exc, records.source, "activity").problems
            problems.extend(_at(problem, records, row, problem.place) for problem in found)
        if record.get("site") not in sites:
            message = f"site {record.get('site')!r} is not among the inventory's sites ({', '.join(sites)})"
            problems.append(_at(Problem(message, "", records.source, "unknown_site", {}), records, row, "site"))
    if problems:
        raise DataFormatError(problems=problems, what=records.source)


def with_records(inventory: Inventory, records: CsvRecords, source: str) -> Inventory:
    """``inventory`` with the CSV's records after its own, checked as a file is; DataFormatError with each problem
    of a CSV record on its row."""
    checked(records, [site.id for site in inventory.sites])
    data = inventory.model_dump(mode="json", exclude_none=True)
    data["activities"] = [a.model_dump(mode="json", exclude_defaults=True) for a in inventory.activities]
    data["activities"] += list(records.records)
    try:
        return parse_inventory(data, source)
    except DataFormatError as exc:
        raise on_rows(exc, len(inventory.activities), records) from None


def on_rows(error: DataFormatError, first: int, records: CsvRecords) -> DataFormatError:
    """``error`` (of an inventory whose records from ``first`` on are ``records``) with each problem of those
    records placed on its CSV row and column."""
    problems = [_on_row(problem, first, records) for problem in error.problems]
    return DataFormatError(problems=problems, what=records.source, count=error.count)


def _on_row(problem: Problem, first: int, records: CsvRecords) -> Problem:
    def row_of(index: str) -> int | None:
        at = int(index) - first
        return records.rows[at] if 0 <= at < len(records.rows) else None

    found = _PLACE.match(problem.place)
    if found is not None and (row := row_of(found.group(1))) is not None:
        return _at(problem, records, row, found.group(2))
    named = _NAMED.search(problem.message)  # a problem of the whole inventory that names a record
    if named is not None and (row := row_of(named.group(1))) is not None:
        message = _NAMED.sub(f"row {row}", problem.message, count=1)
        return _at(Problem(message, "", problem.source, problem.id, problem.params), records, row, "")
    return problem


def _at(problem: Problem, records: CsvRecords, row: int, field: str) -> Problem:
    """``problem`` placed on the CSV's ``row``, in the column of ``field`` (a record's field, ``market.source``),
    or else the column its kind of problem is about."""
    field = field.lstrip(".").removeprefix("(top level)")
    column = field.replace(".", "_") if field else _COLUMNS.get(problem.id, "")
    column = "market_instrument" if column == "market" else column
    place = f"row {row}" + (f", column {column}" if column else "")
    return Problem(problem.message, place, records.source, problem.id, problem.params)
