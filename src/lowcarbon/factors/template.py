"""The factor templates that ``lowcarbon factors template`` writes: a CSV file and an Excel workbook.

Both have a header row naming each column in Chinese with its English name in brackets (``名称（name）``, read back by
``columns.column_of``) and one example row. The workbook adds an instructions sheet (说明) with each column's meaning
in both languages, and drop-down lists for the columns with fixed values (origin, unverified, uncertainty) and for
the unit (the common ones; another unit can be typed). The CSV is UTF-8 with a byte order mark, so that Excel in
Chinese opens it with its characters intact.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from lowcarbon.errors import DataFormatError
from lowcarbon.factors.columns import COLUMNS
from lowcarbon.factors.model import ORIGINS

__all__ = ["UNITS", "header", "write_templates"]

UNITS = ("kg", "t", "kWh", "MWh", "MJ", "GJ", "TJ", "m**3", "Nm3", "L", "t*km", "km", "item", "m**2")
_CHOICES = {
    "origin": ORIGINS,
    "unverified": ("false", "true"),
    "uncertainty": ("none", "lognormal", "normal", "uniform", "triangular"),
    "unit": UNITS,
}


def header() -> list[str]:
    """The header row: each column in Chinese, its English name in brackets."""
    return [f"{column.zh}（{column.name}）" for column in COLUMNS]


def write_templates(folder: Path) -> tuple[Path, Path]:
    """Write ``factors-template.csv`` and ``factors-template.xlsx`` into ``folder``; DataFormatError rather than
    overwrite a file."""
    targets = (folder / "factors-template.csv", folder / "factors-template.xlsx")
    for target in targets:
        if target.exists():
            raise DataFormatError(f"{target}: already exists; move it away or choose another folder")
    folder.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header())
    writer.writerow([column.example for column in COLUMNS])
    targets[0].write_text(buffer.getvalue(), encoding="utf-8-sig")
    _workbook(targets[1])
    return targets


def _workbook(path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "factors"
    sheet.append(header())
    sheet.append([column.example for column in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet[f"{letter}1"].font = Font(bold=True)
        sheet.column_dimensions[letter].width = max(14, len(column.zh) * 2 + len(column.name) + 4)
        choices = _CHOICES.get(column.name)
        if choices:
            listed = DataValidation(type="list", formula1=f'"{",".join(choices)}"', allow_blank=True)
            listed.showErrorMessage = column.name != "unit"  # a unit not listed may still be typed
            listed.error = f"{column.zh} / {column.name}: {', '.join(choices)}"
            sheet.add_data_validation(listed)
            listed.add(f"{letter}2:{letter}10000")
    notes = book.create_sheet("说明 instructions")
    notes.append(["列名 column", "English", "必填 required", "说明", "meaning"])
    for column in COLUMNS:
        notes.append([column.zh, column.name, "是 yes" if column.required else "", column.help_zh, column.help])
    notes.append([])
    notes.append(["其他气体：kg_<气体>，如 kg_CH4-fossil、kg_N2O；碳来源不同的同一气体：kg_CO2_biogenic 等。"])
    notes.append(["Other gases: kg_<gas>, e.g. kg_CH4-fossil, kg_N2O; one gas of another origin: kg_CO2_biogenic."])
    notes.append(["检查文件 / check the file: lowcarbon factors check factors-template.xlsx"])
    for letter, width in zip("ABCDE", (18, 20, 14, 40, 60), strict=True):
        notes.column_dimensions[letter].width = width
    book.save(path)
