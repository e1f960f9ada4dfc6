"""Tables from outside, row by row within the limits: CSV text and Excel workbooks.

    for row in csv_rows(text, "factors.csv"): ...                  # lists of strings
    with Workbook(content, "model.xlsx") as book:
        for row in book.rows("bom", "max_model_rows"): ...        # tuples of cell values

A workbook is a zip of XML files. Before openpyxl opens it, the archive's limits are checked (``Archive``) and each
XML member is read once as it unpacks: no DTD or entity declaration, no text or tag longer than a cell can be, no
more distinct texts (``sharedStrings.xml``, which openpyxl holds in memory) than ``max_shared_strings`` and
``max_shared_strings_bytes`` allow. Then
openpyxl reads it in its streaming mode, without the sheet's declared dimensions (a sheet declaring A1:XFD1048576
would otherwise be padded to that size), and each row is checked for its number, its width and its cells' lengths
before it is handed on.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from types import TracebackType
from typing import Any

from lowcarbon.bounded.archives import Archive
from lowcarbon.bounded.limits import active, exceeded
from lowcarbon.errors import DataFormatError

__all__ = ["CONTROL", "Workbook", "checked_rows", "csv_rows"]

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # C0 controls and DEL, but tab, newline, return
_SHARED_STRINGS = "xl/sharedStrings.xml"
_ESCAPED_BYTES = 10  # bytes a cell's character may take in the XML at most: "&#x1F600;" and the like
_TAG_BYTES = 4096  # bytes of a tag with its attributes, beyond a cell's text


def checked_rows(rows: Iterable[Any], source: str, limit: str, what: str) -> Iterator[Any]:
    """``rows`` (sequences of cells) handed on while within the limits: ``limit`` (a rows limit's name),
    ``max_columns`` and ``max_cell_chars``; ``what`` names the table in errors ("sheet 'bom'", "the file")."""
    limits = active()
    bound = getattr(limits, limit)
    for number, row in enumerate(rows, start=1):
        if number > bound:
            raise exceeded(limit, source, f"{what} has more than {bound:,} rows")
        if len(row) > limits.max_columns:
            raise exceeded("max_columns", source, f"{what} has {len(row):,} columns", place=f"row {number}")
        for value in row:
            if isinstance(value, str) and len(value) > limits.max_cell_chars:
                what_cell = f"a cell has {len(value):,} characters"
                raise exceeded("max_cell_chars", source, what_cell, place=f"row {number}")
        yield row


def csv_rows(text: str, source: str, limit: str = "max_rows", *, delimiter: str = ",") -> Iterator[list[str]]:
    """The rows of the CSV ``text``, each a list of strings; DataFormatError for a broken file or a control
    character (a NUL, a bell: C0 and DEL but tab, newline and return), LimitExceeded past a limit."""
    control = CONTROL.search(text)
    if control is not None:
        row = text.count("\n", 0, control.start()) + 1
        message = f"the control character U+{ord(control.group()):04X} is in a cell; remove it"
        raise DataFormatError.at(source, message, place=f"row {row}", id="control_character")
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        yield from checked_rows(reader, source, limit, "the file")
    except csv.Error as exc:
        place = f"row {reader.line_num}" if reader.line_num else ""
        raise DataFormatError.at(source, f"not valid CSV ({exc})", place=place, id="syntax") from None


class Workbook:
    """An Excel workbook from outside, checked, and its sheets' rows read one by one."""

    def __init__(self, content: bytes, source: str) -> None:
        from openpyxl import load_workbook  # only needed for Excel files

        self.source = source
        with Archive(content, source, "Excel workbook") as archive:
            for name in archive.names():
                if name.lower().endswith((".xml", ".rels", ".vml")):
                    self._scan(archive, name)
        try:
            self._book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise DataFormatError.at(source, f"not a readable Excel workbook ({exc})", id="not_a_workbook") from None

    @property
    def sheetnames(self) -> list[str]:
        return list(self._book.sheetnames)

    def rows(self, sheet: str, limit: str = "max_rows") -> Iterator[tuple[Any, ...]]:
        """The values of the sheet's rows, from its first; within ``limit`` (a rows limit's name) and the rest."""
        worksheet = self._book[sheet]
        worksheet.reset_dimensions()  # its declared size is the file's word only: read the rows it has
        yield from checked_rows(self._values(worksheet), self.source, limit, f"sheet {sheet!r}")

    def close(self) -> None:
        self._book.close()

    def __enter__(self) -> Workbook:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def _values(self, worksheet: Any) -> Iterator[tuple[Any, ...]]:
        rows = worksheet.iter_rows(values_only=True)
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except Exception as exc:  # openpyxl raises many kinds for a broken sheet
                message = f"sheet {worksheet.title!r} cannot be read ({exc})"
                raise DataFormatError.at(self.source, message, id="not_a_workbook") from None
            yield row

    def _scan(self, archive: Archive, name: str) -> None:
        """Read the XML member ``name`` as it unpacks: no DTD, no run of text or tag longer than a cell can be, no
        more shared strings than the limit."""
        limits = active()
        if name == _SHARED_STRINGS and archive.size(name) > limits.max_shared_strings_bytes:
            what = f"the workbook's distinct texts take {archive.size(name):,} bytes"
            raise exceeded("max_shared_strings_bytes", self.source, what)
        longest = limits.max_cell_chars * _ESCAPED_BYTES + _TAG_BYTES
        too_long = re.compile(rb"[^<>]{%d,}" % (longest + 1))
        strings = 0
        tail = b""  # the end of what was read, from its last < or >
        for chunk in archive.chunks(name):
            text = tail + chunk
            if b"!DOCTYPE" in text or b"!ENTITY" in text:
                raise DataFormatError.at(self.source, f"{name} has a DTD, which a workbook has not", id="xml_dtd")
            if too_long.search(text):
                what = f"{name} holds a text longer than a cell can be"
                raise exceeded("max_cell_chars", self.source, what)
            if name == _SHARED_STRINGS:
                strings += text.count(b"<si>") + text.count(b"<si ")
                if strings > limits.max_shared_strings:
                    what = f"the workbook has more than {limits.max_shared_strings:,} distinct texts"
                    raise exceeded("max_shared_strings", self.source, what)
            cut = max(text.rfind(b"<"), text.rfind(b">"))
            tail = text[cut:] if cut >= 0 else text
