"""A search's every match as a CSV or Excel file that re-imports: any size, in bounded memory.

    ids = search.ordered_ids(session, query, day)            # every match, in the search's order
    for chunk in csv_chunks(sessions.begin, ids): ...        # bytes, a thousand products at a time
    write_xlsx(path, sessions.begin, ids, language="zh-CN")  # an .xlsx file written row by row

The columns are the import's (``catalog.rows.COLUMNS``, then one per specification), so an exported file imported
again changes nothing: the certificate status is the one the registry gave (with ``valid_until``, the status on any
day follows from it), footprints are written to their last digit. Products are read from the database a thousand
at a time, each chunk in its own short transaction (``sessions`` opens one), so an export of a million products
holds only its ids in memory; a product removed meanwhile is left out. The specification columns are every
specification name of the exported products, found by a first pass over the same chunks.

CSV: UTF-8 with a byte order mark (Excel in Chinese reads it as UTF-8 then), the header in the import's names.
Excel: openpyxl's write-only mode (rows go to a temporary file as they come), the header in Chinese or English
(the import reads both), footprints as numbers and validity as dates; a text that starts like a formula is kept a
text. Excel keeps 15 significant digits of a number, so a footprint given to more digits than that (none that a
registry publishes) comes back from the Excel file rounded; the CSV file keeps every digit.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import numpy as np
import sqlalchemy as sa
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy.orm import Session

from lowcarbon.catalog.rows import COLUMNS, HEADINGS_ZH
from lowcarbon.catalog.tables import Product

__all__ = ["CHUNK", "Sessions", "csv_chunks", "header", "spec_names", "table_rows", "write_xlsx"]

CHUNK = 1_000  # products read per query
Sessions = Callable[[], AbstractContextManager[Session]]  # opens a transaction: ``sessionmaker.begin``
BOM = "\ufeff"
_ZH = {column: heading for heading, column in HEADINGS_ZH.items()}
_FORMULA = ("=", "+", "-", "@")
_FIELDS = ["id", *("footprint" if c == "footprint_kg_co2e" else c for c in COLUMNS), "specs"]  # as stored


def _chunks(ids: np.ndarray) -> Iterator[list[int]]:
    for start in range(0, int(ids.size), CHUNK):
        yield [int(i) for i in ids[start : start + CHUNK]]


def spec_names(sessions: Sessions, ids: np.ndarray) -> list[str]:
    """Every specification name of the products ``ids``, in the order they first come."""
    names: dict[str, None] = {}
    for chunk in _chunks(ids):
        with sessions() as session:
            found = session.execute(sa.select(Product.id, Product.specs).where(Product.id.in_(chunk))).all()
            specs: dict[int, dict[str, Any]] = {row.id: row.specs for row in found}
        for product in chunk:
            names.update(dict.fromkeys(specs.get(product) or {}))
    return list(names)


def header(specs: Sequence[str], language: str = "en") -> list[str]:
    """The header row: the import's column names (in Chinese for ``zh-CN``), then the specifications."""
    columns = [_ZH[c] for c in COLUMNS] if language == "zh-CN" else list(COLUMNS)
    return [*columns, *specs]


def table_rows(sessions: Sessions, ids: np.ndarray, specs: Sequence[str]) -> Iterator[list[list[Any]]]:
    """The rows of the products ``ids`` (values as stored: dates, floats, None), a chunk at a time, in order."""
    table = Product.__table__
    columns = [table.c[name] for name in _FIELDS]  # read as rows, not objects: several times faster
    for chunk in _chunks(ids):
        with sessions() as session:
            found = {row[0]: row for row in session.execute(sa.select(*columns).where(table.c.id.in_(chunk)))}
        rows = [found[product] for product in chunk if product in found]
        yield [[*row[1:-1], *((row[-1] or {}).get(name) for name in specs)] for row in rows]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)  # the shortest text that reads back as the same number
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def csv_chunks(sessions: Sessions, ids: np.ndarray) -> Iterator[bytes]:
    """The CSV file of the products ``ids``, UTF-8 with a byte order mark, a chunk of products at a time."""
    specs = spec_names(sessions, ids)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header(specs))
    yield (BOM + buffer.getvalue()).encode("utf-8")
    for rows in table_rows(sessions, ids, specs):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([_text(value) for value in row] for row in rows)
        yield buffer.getvalue().encode("utf-8")


def _cell(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # a model number such as "-40A" or a name such as "=X" is text, never a formula
        return cell
    return value


def write_xlsx(path: str | Path, sessions: Sessions, ids: np.ndarray, *, language: str = "en") -> None:
    """Write the Excel file of the products ``ids`` to ``path``, row by row."""
    specs = spec_names(sessions, ids)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("catalog")
    sheet.freeze_panes = "A2"
    sheet.append(header(specs, language))
    for rows in table_rows(sessions, ids, specs):
        for row in rows:
            sheet.append([_cell(sheet, value) for value in row])
    book.save(path)
