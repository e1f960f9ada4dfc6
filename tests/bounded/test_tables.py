"""Tables from outside, row by row within the limits: CSV text and Excel workbooks."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Iterable

import pytest

from lowcarbon.bounded import Workbook, csv_rows
from lowcarbon.errors import DataFormatError, LimitExceeded
from support.hostile import ROW, limits, workbook_with_sheet, xlsx_wide


def test_csv_rows_within_limits() -> None:
    assert list(csv_rows("a,b\n1,2\n", "t.csv")) == [["a", "b"], ["1", "2"]]
    with limits(max_rows=1), pytest.raises(LimitExceeded) as error:
        list(csv_rows("a,b\n1,2\n", "t.csv"))
    assert error.value.code == "max_rows_exceeded"
    assert str(error.value) == "t.csv: the file has more than 1 rows: past the limit max_rows (1)"
    with limits(max_columns=2), pytest.raises(LimitExceeded, match=r"t\.csv, row 1: the file has 3 columns"):
        list(csv_rows("a,b,c\n", "t.csv"))
    with limits(max_cell_chars=3), pytest.raises(LimitExceeded, match="a cell has 4 characters"):
        list(csv_rows("abcd\n", "t.csv"))


def test_csv_parser_errors_are_data_format_errors() -> None:
    with pytest.raises(DataFormatError, match=r"^t\.csv, row 2: the control character U\+0000"):
        list(csv_rows("a,b\nc\x00d,e\n", "t.csv"))
    with pytest.raises(DataFormatError, match="field larger than field limit"):
        list(csv_rows("x" * 200_000 + "\n", "t.csv"))


def _sheet(rows: Iterable[bytes]) -> bytes:
    return workbook_with_sheet(lambda: rows, ("data",), 1)


def test_workbook_rows() -> None:
    with Workbook(_sheet([ROW] * 3), "w.xlsx") as book:
        assert book.sheetnames == ["data"]
        assert list(book.rows("data")) == [("x",), ("x",), ("x",)]
    with limits(max_rows=2), Workbook(_sheet([ROW] * 3), "w.xlsx") as book, pytest.raises(LimitExceeded) as error:
        list(book.rows("data"))
    assert str(error.value) == "w.xlsx: sheet 'data' has more than 2 rows: past the limit max_rows (2)"


def test_a_declared_dimension_is_not_padded_to() -> None:
    """A sheet declaring A1:XFD1048576 with one cell in A1 is one row of one cell, read at once."""
    data = _sheet([b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'])
    data = _replace_member(
        data, "xl/worksheets/sheet1.xml", b'<dimension ref="A1:B1"', b'<dimension ref="A1:XFD1048576"'
    )
    started = time.monotonic()
    with Workbook(data, "w.xlsx") as book:
        assert list(book.rows("data")) == [("x",)]
    assert time.monotonic() - started < 5


def test_a_cell_in_the_last_column_is_past_the_columns_limit() -> None:
    with Workbook(xlsx_wide(), "wide.xlsx") as book, pytest.raises(LimitExceeded, match="16,384 columns"):
        list(book.rows("bom"))


def test_a_text_longer_than_a_cell_is_refused_before_openpyxl_reads_it() -> None:
    cell = b'<row><c t="inlineStr"><is><t>' + b"y" * 300_000 + b"</t></is></c></row>"
    with limits(max_cell_chars=1000), pytest.raises(LimitExceeded) as error:
        Workbook(_sheet([cell]), "long.xlsx")
    assert error.value.code == "max_cell_chars_exceeded"
    with Workbook(_sheet([cell]), "long.xlsx") as book, pytest.raises(LimitExceeded, match="a cell has 300,000"):
        list(book.rows("data"))  # within the scan's allowance for escapes, but over the cell's limit


def test_shared_strings_are_bounded() -> None:
    texts = b"".join(b"<si><t>text %d</t></si>" % n for n in range(50))
    strings = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + texts + b"</sst>"
    data = _replace_member(_sheet([ROW]), "", b"", b"", add={"xl/sharedStrings.xml": strings})
    with limits(max_shared_strings=49), pytest.raises(LimitExceeded, match="more than 49 distinct texts"):
        Workbook(data, "s.xlsx")
    with limits(max_shared_strings_bytes=100), pytest.raises(LimitExceeded) as error:
        Workbook(data, "s.xlsx")
    assert error.value.status == 413
    with limits(max_shared_strings=50), Workbook(data, "s.xlsx") as book:
        assert list(book.rows("data")) == [("x",)]


def test_a_workbook_with_a_dtd_is_refused() -> None:
    data = _replace_member(_sheet([ROW]), "xl/workbook.xml", b"<workbook", b'<!DOCTYPE w [<!ENTITY e "x">]><workbook')
    with pytest.raises(DataFormatError, match=r"xl/workbook\.xml has a DTD"):
        Workbook(data, "dtd.xlsx")


def test_a_broken_sheet_is_a_data_format_error() -> None:
    data = _replace_member(_sheet([ROW] * 2), "xl/worksheets/sheet1.xml", b"</sheetData>", b"</sheetDatum>")
    with Workbook(data, "broken.xlsx") as book, pytest.raises(DataFormatError, match="sheet 'data' cannot be read"):
        list(book.rows("data"))


def _replace_member(data: bytes, name: str, old: bytes, new: bytes, add: dict[str, bytes] | None = None) -> bytes:
    """The workbook ``data`` with ``old`` replaced by ``new`` in its member ``name``, and the members ``add``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            content = source.read(info.filename)
            archive.writestr(info, content.replace(old, new, 1) if info.filename == name else content)
        for added, content in (add or {}).items():
            archive.writestr(added, content)
    return out.getvalue()
