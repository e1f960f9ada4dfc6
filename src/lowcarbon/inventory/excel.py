"""The inventory's Excel template (Chinese and English headers, an instructions sheet, drop-down lists) and its reader.

Sheets: ``说明 Instructions``; ``组织 Organisation`` (one field a row: field, 字段, value); ``场所 Sites`` and
``活动数据 Activities`` (a header row, one site or record a row). A header is ``english / 中文``; either half alone
is read too. The reader goes through ``lowcarbon.bounded.Workbook`` (the one bounded reader of outside files) and
gives the same data a YAML file gives, with the sheet, row and column of each record for the messages. Allocations
to products are written in YAML only.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from lowcarbon.bounded import Workbook
from lowcarbon.errors import DataFormatError, Problem

__all__ = [
    "ACTIVITY_COLUMNS",
    "SHEETS",
    "SITE_COLUMNS",
    "activity_record",
    "cell_value",
    "header_of",
    "read_workbook",
    "template_bytes",
]

INSTRUCTIONS, ORGANISATION, SITES, ACTIVITIES = (
    "说明 Instructions",
    "组织 Organisation",
    "场所 Sites",
    "活动数据 Activities",
)
SHEETS = (INSTRUCTIONS, ORGANISATION, SITES, ACTIVITIES)
ORGANISATION_FIELDS = (
    ("name", "组织名称"),
    ("name_zh", "中文名称"),
    ("sector", "行业"),
    ("reporting_year", "报告年"),
    ("approach", "组织边界方法"),
    ("gwp", "GWP 值来源"),
    ("base_year", "基准年"),
    ("base_year_threshold_percent", "基准年重新计算阈值（%）"),
    ("significance_threshold_percent", "重要性阈值（%）"),
)
# the organisation sheet's fields and their places in the data
DATA_PLACES = {
    "name": "organisation.name",
    "name_zh": "organisation.name_zh",
    "sector": "organisation.sector",
    "reporting_year": "reporting_year",
    "approach": "approach",
    "gwp": "gwp",
    "base_year": "base_year.year",
    "base_year_threshold_percent": "base_year.threshold_percent",
    "significance_threshold_percent": "significance.threshold_percent",
}
SITE_COLUMNS = (
    ("id", "编号"),
    ("name", "名称"),
    ("grid", "电网"),
    ("equity_share_percent", "股权比例（%）"),
    ("financial_control", "财务控制"),
    ("operational_control", "运营控制"),
    ("acquired", "并购日期"),
    ("divested", "剥离日期"),
)
ACTIVITY_COLUMNS = (
    ("site", "场所"),
    ("month", "月份"),
    ("year", "年份"),
    ("kind", "类型"),
    ("name", "名称"),
    ("amount", "数量"),
    ("unit", "单位"),
    ("category", "ISO 类别"),
    ("scope3_category", "范围三类别"),
    ("fuel", "燃料"),
    ("factor", "排放因子"),
    ("gas", "气体"),
    ("carbonate", "碳酸盐"),
    ("market_instrument", "市场工具"),
    ("market_kg_co2_per_kwh", "市场因子（kg CO2/kWh）"),
    ("market_source", "市场工具来源"),
    ("source", "数据来源"),
)
CHOICES = {
    "approach": ("operational_control", "financial_control", "equity_share"),
    "gwp": ("AR6", "AR5"),
    "kind": ("fuel", "carbonate", "emission", "electricity", "heat", "factor"),
    "market_instrument": ("green-certificate", "green-power-contract", "supplier"),
    "carbonate": ("limestone", "dolomite"),
    "fuel": (
        "natural-gas",
        "diesel",
        "gasoline",
        "lpg",
        "lng",
        "fuel-oil",
        "crude-oil",
        "anthracite",
        "bituminous-coal",
        "lignite",
        "coke",
    ),
    "financial_control": ("TRUE", "FALSE"),
    "operational_control": ("TRUE", "FALSE"),
}
INSTRUCTION_LINES = (
    "温室气体盘查模板（ISO 14064-1:2018）/ GHG inventory template (ISO 14064-1:2018)",
    "1. 组织 Organisation：填写组织名称、报告年、组织边界方法（运营控制、财务控制或股权比例）/ the organisation, "
    "reporting year and boundary approach.",
    "2. 场所 Sites：每行一个场所；电网填 CN、区域电网（如 CN-East grid）或省份（如 CN-JS）/ one site a row; its grid.",
    "3. 活动数据 Activities：每行一条记录，填月份（YYYY-MM）或年份 / one record a row, by month (YYYY-MM) or year.",
    "   类型 kind：fuel 燃料燃烧（按生态环境部核算指南缺省值）、carbonate 碳酸盐分解、"
    "emission 直接排放（如制冷剂泄漏）、electricity 外购电力、heat 外购热力、"
    "factor 其他（排放因子库中的因子，类别 3-6 须填范围三类别）",
    "   kind: fuel, carbonate, emission (e.g. a refrigerant leak), electricity, heat (with factor), factor (a factor "
    "library key; categories 3 to 6 need a scope 3 category)",
    "4. 市场工具 market instrument（仅电力）：green-certificate 绿证、green-power-contract 绿电合同、"
    "supplier 供电商因子；不填则按剔除市场化交易非化石电量的全国因子（残余组合替代值）计"
    " / electricity only; empty: the residual-mix proxy.",
    "5. 计算 Compute: lowcarbon inventory compute 本文件.xlsx --json",
)


def template_bytes() -> bytes:
    """The empty template as the bytes of an .xlsx workbook."""
    from openpyxl import Workbook as NewWorkbook
    from openpyxl.worksheet.datavalidation import DataValidation

    book = NewWorkbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = INSTRUCTIONS
    for line in INSTRUCTION_LINES:
        sheet.append([line])
    sheet.column_dimensions["A"].width = 140
    organisation = book.create_sheet(ORGANISATION)
    organisation.append(["field", "字段", "value / 值"])
    for english, chinese in ORGANISATION_FIELDS:
        organisation.append([english, chinese, None])
    _choices(organisation, DataValidation, {"approach": 6, "gwp": 7})
    for title, columns in ((SITES, SITE_COLUMNS), (ACTIVITIES, ACTIVITY_COLUMNS)):
        table = book.create_sheet(title)
        table.append([f"{english} / {chinese}" for english, chinese in columns])
        for index, (english, _) in enumerate(columns):
            letter = table.cell(row=1, column=index + 1).column_letter
            table.column_dimensions[letter].width = 18
            if english in CHOICES:
                listed = DataValidation(type="list", formula1=f'"{",".join(CHOICES[english])}"', allow_blank=True)
                table.add_data_validation(listed)
                listed.add(f"{letter}2:{letter}1000")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _choices(sheet: Any, validation: Any, rows: dict[str, int]) -> None:
    for field, row in rows.items():
        listed = validation(type="list", formula1=f'"{",".join(CHOICES[field])}"', allow_blank=True)
        sheet.add_data_validation(listed)
        listed.add(f"C{row}")


def read_workbook(content: bytes, source: str) -> tuple[dict[str, Any], dict[str, str]]:
    """The inventory's data from a workbook of the template, and each data place's sheet, row and column."""
    places: dict[str, str] = {}
    with Workbook(content, source) as book:
        missing = [name for name in SHEETS[1:] if name not in book.sheetnames]
        if missing:
            message = f"the workbook has no sheet {', '.join(map(repr, missing))}; start from the inventory template"
            raise DataFormatError.at(source, message, id="missing_sheet")
        organisation = {}
        rows = {english: number for number, (english, _) in enumerate(ORGANISATION_FIELDS, start=2)}
        for number, row in enumerate(book.rows(ORGANISATION), start=1):
            if number > 1 and row and row[0] not in (None, "") and len(row) > 2 and row[2] not in (None, ""):
                organisation[str(row[0]).strip()] = cell_value(row[2])
                rows[str(row[0]).strip()] = number
        for field, place in DATA_PLACES.items():  # where each field is, given or to be given
            places[place] = f"sheet {ORGANISATION}, row {rows[field]} ({field})"
        sites = _table(book, SITES, SITE_COLUMNS, "sites", places, source)
        records = _table(book, ACTIVITIES, ACTIVITY_COLUMNS, "activities", places, source)
    data: dict[str, Any] = {
        "organisation": {k: organisation[k] for k in ("name", "name_zh", "sector") if k in organisation},
        "sites": sites,
        "activities": [activity_record(record) for record in records],
    }
    for key in ("reporting_year", "approach", "gwp"):
        if key in organisation:
            data[key] = organisation[key]
    if "base_year" in organisation:
        data["base_year"] = {"year": organisation["base_year"]}
        if "base_year_threshold_percent" in organisation:
            data["base_year"]["threshold_percent"] = organisation["base_year_threshold_percent"]
    if "significance_threshold_percent" in organisation:
        data["significance"] = {"threshold_percent": organisation["significance_threshold_percent"]}
    return data, places


def _table(
    book: Workbook,
    sheet: str,
    columns: tuple[tuple[str, str], ...],
    what: str,
    places: dict[str, str],
    source: str,
) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    header: list[str | None] = []
    for number, row in enumerate(book.rows(sheet), start=1):
        if number == 1:
            header = header_of(row, columns, source, f"sheet {sheet}, row 1", "workbook")
            continue
        values = {
            name: cell_value(cell) for name, cell in zip(header, row, strict=False) if name and cell not in (None, "")
        }
        if not values:
            continue
        places[f"{what}[{len(found)}]"] = f"sheet {sheet}, row {number}"
        found.append(values)
    return found


def header_of(
    row: Sequence[Any], columns: tuple[tuple[str, str], ...], source: str, place: str, what: str
) -> list[str | None]:
    """A header row's columns as their English names (a header is ``english / 中文``, or either half alone; None for
    an empty cell); DataFormatError naming every unknown one."""
    names = {name: english for english, chinese in columns for name in (english, chinese, f"{english} / {chinese}")}
    header = [None if cell in (None, "") else names.get(str(cell).strip(), "?") for cell in row]
    unknown = [str(cell) for cell, name in zip(row, header, strict=False) if name == "?"]
    if unknown:
        problems = [
            Problem(
                f"unknown column {cell!r}; use the template's headers",
                place,
                source,
                "unknown_column",
                {"column": cell},
            )
            for cell in unknown
        ]
        raise DataFormatError(problems=problems, what=what)
    return header


def activity_record(values: dict[str, Any]) -> dict[str, Any]:
    """A row of the activities sheet as a YAML record: the market columns as its ``market``; numbers of text."""
    record = {k: v for k, v in values.items() if not k.startswith("market_")}
    if "market_instrument" in values:
        record["market"] = {
            "instrument": values["market_instrument"],
            **({"kg_co2_per_kwh": values["market_kg_co2_per_kwh"]} if "market_kg_co2_per_kwh" in values else {}),
            "source": str(values.get("market_source", "")),
        }
    if "month" in record:
        record["month"] = str(month_text(record["month"]))
    if "category" in record:
        record["category"] = str(record["category"])
    return record


def cell_value(value: Any) -> Any:
    """A cell's value as YAML would give it: dates as dates, a month cell (a date) as YYYY-MM, texts stripped."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        text = value.strip()
        return {"TRUE": True, "FALSE": False}.get(text.upper(), text)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def month_text(value: Any) -> Any:
    """A month typed as a date in a cell, as YYYY-MM."""
    return f"{value.year:04d}-{value.month:02d}" if isinstance(value, date) else value
