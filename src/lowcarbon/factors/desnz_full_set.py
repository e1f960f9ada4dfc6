"""UK DESNZ greenhouse-gas conversion factors in the "full set" layout (one sheet per category) as lowcarbon factors.

The full set presents the flat file's values as tables for people: each sheet (the flat file's Level 1) has a
``Scope:`` and a ``Year:`` line, then blocks, each a header row ``Activity, <levels>..., Unit, kg CO2e, kg CO2e of CO2
per unit, ...`` under a row of column labels (the flat file's Column Text: Diesel, With RF, 50% Laden...), and data
rows whose merged cells leave a level blank where it repeats the row above. Each value becomes the row the flat file
would have, named by its cell (``'Freighting goods'!D42``); the rest is ``desnz.desnz_factors``'s.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from lowcarbon.bounded import Workbook
from lowcarbon.errors import DataFormatError
from lowcarbon.factors.desnz import ENERGY_CONTENT, FULL_SET, PARTS, TOTAL, DesnzRow, import_desnz
from lowcarbon.factors.glossary import Glossary
from lowcarbon.factors.inventory_import import ImportReport

VALUE_HEADERS = (TOTAL, *PARTS, *ENERGY_CONTENT)  # the columns that hold factors (others: Year, notes)
UNIT_HEADER = "Unit"


def import_desnz_full_set(
    path: str | Path, factor_set: str | None = None, glossary: Glossary | None = None
) -> ImportReport:
    """A factor per DESNZ activity of the full-set workbook at ``path`` (see ``desnz`` for what is kept)."""
    return import_desnz(path, read_full_set, FULL_SET, factor_set, glossary)


def read_full_set(data: bytes, source: str) -> tuple[int, list[DesnzRow]]:
    """The factor year and a row per value of a full-set workbook; DataFormatError when the sheets disagree on the
    year or none has factors."""
    years: set[int] = set()
    rows: list[DesnzRow] = []
    with Workbook(data, source) as workbook:
        for sheet in workbook.sheetnames:
            year, found = _sheet(sheet, list(workbook.rows(sheet)))
            if found:
                years.add(year or 0)
                rows.extend(found)
    if len(years) != 1 or 0 in years:
        raise DataFormatError.at(source, f"the factor sheets give the years {sorted(years)}", id="desnz_layout")
    return years.pop(), rows


def _sheet(sheet: str, cells: Sequence[Sequence[Any]]) -> tuple[int | None, list[DesnzRow]]:
    """The year a sheet states and its values (none without a Scope: line: the contents, conversions...)."""
    scope, year = "", None
    rows: list[DesnzRow] = []
    for number, row in enumerate(cells):
        texts = [_text(cell) for cell in row]
        if texts[:1] == ["Scope:"] and len(texts) > 1:
            scope = texts[1]
            if "Year:" in texts and texts.index("Year:") + 1 < len(row):
                found = row[texts.index("Year:") + 1]
                year = int(found) if isinstance(found, int | float) else None
        if texts[:1] == ["Activity"] and UNIT_HEADER in texts and scope:
            labels = [_text(cell) for cell in cells[number - 1]] if number else []
            rows.extend(_block(sheet, scope, cells, number, texts, labels))
    return year, rows


def _block(
    sheet: str, scope: str, cells: Sequence[Sequence[Any]], start: int, header: list[str], labels: list[str]
) -> Iterator[DesnzRow]:
    """The values of the block whose header row is ``start``, down to the next header or the sheet's end."""
    unit_at = header.index(UNIT_HEADER)
    level_columns = range(unit_at)
    value_columns = [k for k in range(unit_at + 1, len(header)) if header[k] in VALUE_HEADERS]
    column_text: dict[int, str] = {}
    current = ""
    for k in range(unit_at + 1, len(header)):  # a label spans the columns up to the next one (merged cells)
        if k < len(labels) and labels[k]:
            current = labels[k]
        column_text[k] = current
    # a gas's part belongs to the activity of the kg CO2e column left of it
    total_at = {k: max((j for j in value_columns if j <= k and header[j] == TOTAL), default=k) for k in value_columns}
    filled = [""] * unit_at
    for number in range(start + 1, len(cells)):
        row = cells[number]
        texts = [_text(cell) for cell in row]
        if texts[:1] == ["Activity"]:
            return
        if unit_at >= len(texts) or not texts[unit_at]:
            continue
        for k in level_columns:
            if k < len(texts) and texts[k]:
                filled[k] = texts[k]
                filled[k + 1 :] = [""] * (unit_at - k - 1)  # a new value starts new lower levels
        levels = (sheet, *(level for level in filled if level))
        # the kg CO2e column left of a gas's column: the activity that gas belongs to
        total_at = {
            k: max((j for j in value_columns if j <= k and header[j] == TOTAL), default=k) for k in value_columns
        }
        for k in value_columns:
            value = row[k] if k < len(row) else None
            if value is not None and not isinstance(value, int | float):
                continue  # a note in a value cell, not a factor
            yield DesnzRow(
                id=_cell(sheet, number, k),
                activity=_cell(sheet, number, total_at[k] if header[k] in PARTS else k),
                scope=scope,
                levels=levels,
                column_text=column_text[k],
                uom=texts[unit_at],
                ghg=header[k],
                value=None if value is None else float(value),
            )


def _cell(sheet: str, row: int, column: int) -> str:
    """The spreadsheet's name of a cell, from 0-based row and column: 'Fuels'!D23."""
    letters, number = "", column + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"'{sheet}'!{letters}{row + 1}"


def _text(cell: object) -> str:
    return "" if cell is None else " ".join(str(cell).split())
