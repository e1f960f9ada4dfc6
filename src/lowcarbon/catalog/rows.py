"""A registry's rows read as product models, each checked: values, or the reason it is rejected.

Columns are found by their header's name (``registry_id``, ``brand``, ... as ``COLUMNS`` lists, or their Chinese
names, in any order and case); any other column is a specification of the product. A row is rejected, with the
column and the reason in Chinese and English, when a required value is missing, the registry id comes twice in the
file, the status is not one the catalog knows, the date is not a date or the footprint not a finite number.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from lowcarbon.catalog.text import fold
from lowcarbon.errors import DataFormatError

__all__ = ["COLUMNS", "PROBLEMS", "Rejection", "Row", "read_rows"]

COLUMNS = (
    "registry_id",
    "brand",
    "model",
    "name_zh",
    "name_en",
    "category_code",
    "label",
    "certificate_number",
    "certificate_status",
    "valid_until",
    "certification_body",
    "region",
    "footprint_kg_co2e",
    "declared_unit",
)
CATEGORY_NAMES = ("category_name_zh", "category_name_en")  # optional: names for categories the catalog lacks
REQUIRED = ("registry_id", "brand", "model", "category_code", "label", "certificate_number", "certificate_status")
HEADINGS_ZH = {
    "登记号": "registry_id",
    "品牌": "brand",
    "型号": "model",
    "产品名称": "name_zh",
    "英文名称": "name_en",
    "品目编码": "category_code",
    "品目名称": "category_name_zh",
    "标志": "label",
    "证书编号": "certificate_number",
    "证书状态": "certificate_status",
    "有效期至": "valid_until",
    "认证机构": "certification_body",
    "地区": "region",
    "碳足迹": "footprint_kg_co2e",
    "声明单位": "declared_unit",
}
STATUSES = {
    "valid": "valid",
    "active": "valid",
    "有效": "valid",
    "suspended": "suspended",
    "暂停": "suspended",
    "revoked": "revoked",
    "撤销": "revoked",
    "withdrawn": "withdrawn",
    "cancelled": "withdrawn",
    "canceled": "withdrawn",
    "注销": "withdrawn",
    "expired": "expired",
    "过期": "expired",
    "失效": "expired",
}
LENGTHS = {"registry_id": 128, "category_code": 64, "label": 100, "certificate_number": 100, "declared_unit": 100}
DEFAULT_LENGTH = 200
NAME_LENGTH = 500
MAX_FOOTPRINT = 1e12  # kg CO2e per declared unit: more is a mistake (a misplaced decimal point), not a product
CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]*$")

PROBLEMS: Mapping[str, Mapping[str, str]] = {
    "missing": {"zh-CN": "缺少必填值", "en": "a required value is missing"},
    "no_name": {"zh-CN": "name_zh 与 name_en 至少填写一个", "en": "give name_zh or name_en (or both)"},
    "repeated": {"zh-CN": "登记号在文件中重复出现", "en": "the registry id comes again in the file"},
    "too_long": {"zh-CN": "值过长", "en": "the value is too long"},
    "bad_code": {
        "zh-CN": "品目编码只能含字母、数字、点、连字符和下划线",
        "en": "a category code holds letters, digits, '.', '-' and '_' only",
    },
    "bad_status": {
        "zh-CN": "证书状态应为 valid/有效、suspended/暂停、revoked/撤销、withdrawn/注销 或 expired/过期",
        "en": "the status is one of valid, suspended, revoked, withdrawn, expired (or 有效, 暂停, 撤销, 注销, 过期)",
    },
    "bad_date": {"zh-CN": "日期应写作 YYYY-MM-DD", "en": "the date is not a date: write YYYY-MM-DD"},
    "bad_number": {
        "zh-CN": "碳足迹应为不小于 0 的有限数字（kg CO2e/声明单位）",
        "en": "the footprint is not a finite number of at least 0 (kg CO2e per declared unit)",
    },
}


@dataclass(frozen=True)
class Rejection:
    """A row that is not imported, and why."""

    row: int  # the row's number in the file, the header being row 1
    registry_id: str | None
    column: str
    problem: str  # a key of PROBLEMS
    value: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "registry_id": self.registry_id,
            "column": self.column,
            "problem": self.problem,
            "value": self.value[:100],
            "message": dict(PROBLEMS[self.problem]),
        }


class Row(NamedTuple):
    """A product model as a row gives it."""

    registry_id: str
    brand: str
    model: str
    name_zh: str | None
    name_en: str | None
    category_code: str
    label: str
    certificate_number: str
    certificate_status: str
    valid_until: date | None
    certification_body: str | None
    region: str | None
    footprint: float | None
    declared_unit: str | None
    specs: dict[str, str]

    def values(self) -> tuple[Any, ...]:
        """Every value, as compared to tell whether a re-import changes the product."""
        return (*self[:-1], tuple(sorted(self.specs.items())))


def _heading(cell: object) -> str:
    text = fold(str(cell or "")).strip()
    return HEADINGS_ZH.get(text, text.replace(" ", "_"))


def _columns(header: Sequence[Any], source: str) -> tuple[dict[str, int], dict[str, int]]:
    """The known columns' positions (the category's names among them) and the specifications' (by their header as
    written)."""
    known: dict[str, int] = {}
    specs: dict[str, int] = {}
    for position, cell in enumerate(header):
        name = _heading(cell)
        if name in known or (not name and cell not in (None, "")):
            raise DataFormatError.at(source, f"the column {name or cell!r} comes twice in the header row")
        if name in COLUMNS or name in CATEGORY_NAMES:
            known[name] = position
        elif name:
            specs[str(cell).strip()[:100]] = position
    missing = [name for name in REQUIRED if name not in known]
    if "name_zh" not in known and "name_en" not in known:
        missing.append("name_zh or name_en")
    if missing:
        message = f"the header row lacks the column(s) {', '.join(missing)}; the columns are {', '.join(COLUMNS)}"
        raise DataFormatError.at(source, message, id="missing_columns")
    return known, specs


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = value.isoformat() if isinstance(value, (date, datetime)) else str(value)
    text = " ".join(text.split())
    return text or None


def _day(value: object) -> date | None:
    if type(value) is str and len(value) == 10 and value[4] == "-":
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 2958466:
        return date(1899, 12, 30) + timedelta(days=int(value))  # an Excel serial day
    text = fold(str(value)).strip().replace("/", "-").replace(".", "-")
    text = re.sub(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$", r"\1-\2-\3", text)
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if match is None:
        raise ValueError(text)
    return date(*(int(part) for part in match.groups()))


def _footprint(value: object) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        number = float(fold(str(value)).replace(",", "").strip())
    if not math.isfinite(number) or number < 0 or number > MAX_FOOTPRINT:
        raise ValueError(value)
    return number


_LIMITS = tuple(
    NAME_LENGTH if name in ("name_zh", "name_en") else LENGTHS.get(name, DEFAULT_LENGTH) for name in COLUMNS
)
_REQUIRED = tuple(name in REQUIRED for name in COLUMNS)


def _clean(value: object) -> str | None:
    if type(value) is str:  # a CSV cell, most of the time: the fast path
        text = " ".join(value.split())
        return text or None
    return _text(value)


class _Reader:
    def __init__(self, known: dict[str, int], specs: dict[str, int]) -> None:
        self.positions = tuple(known.get(name, -1) for name in COLUMNS)
        self.naming = tuple(known.get(name, -1) for name in CATEGORY_NAMES)
        self.specs = specs
        self.seen: dict[str, int] = {}
        self.category_names: dict[str, tuple[str | None, str | None]] = {}

    def read(self, number: int, cells: Sequence[Any]) -> Row | Rejection:
        width = len(cells)
        raw = [cells[at] if 0 <= at < width else None for at in self.positions]
        texts = [_clean(value) for value in raw]
        registry_id = texts[0]
        for name, text, required, limit in zip(COLUMNS, texts, _REQUIRED, _LIMITS, strict=True):
            if text is None:
                if required:
                    return Rejection(number, registry_id, name, "missing")
            elif len(text) > limit:
                return Rejection(number, registry_id, name, "too_long", text)
        assert registry_id is not None
        (_, brand, model, name_zh, name_en, code, label, certificate, status_text, day_text, body, region,
         footprint_text, unit) = texts  # fmt: skip
        if name_zh is None and name_en is None:
            return Rejection(number, registry_id, "name_zh", "no_name")
        if not CODE.match(str(code)):
            return Rejection(number, registry_id, "category_code", "bad_code", str(code))
        status = STATUSES.get(str(status_text).lower()) or STATUSES.get(fold(str(status_text)))
        if status is None:
            return Rejection(number, registry_id, "certificate_status", "bad_status", str(status_text))
        try:
            valid_until = None if day_text is None else _day(raw[9])
        except ValueError:
            return Rejection(number, registry_id, "valid_until", "bad_date", str(day_text))
        try:
            footprint = None if footprint_text is None else _footprint(raw[12])
        except (ValueError, OverflowError):
            return Rejection(number, registry_id, "footprint_kg_co2e", "bad_number", str(footprint_text))
        first = self.seen.setdefault(registry_id, number)
        if first != number:
            return Rejection(number, registry_id, "registry_id", "repeated", f"row {first}")
        if code not in self.category_names and self.naming != (-1, -1):
            zh, en = (_clean(cells[at]) if 0 <= at < width else None for at in self.naming)
            if zh or en:
                self.category_names[str(code)] = (zh and zh[:DEFAULT_LENGTH], en and en[:DEFAULT_LENGTH])
        specs = {}
        for name, at in self.specs.items():
            text = _clean(cells[at] if at < width else None)
            if text is not None:
                specs[name] = text[:DEFAULT_LENGTH]
        return Row(
            registry_id, str(brand), str(model), name_zh, name_en, str(code), str(label), str(certificate), status,
            valid_until, body, region, footprint, unit, specs,
        )  # fmt: skip


def read_rows(
    rows: Iterable[Sequence[Any]],
    source: str,
    category_names: dict[str, tuple[str | None, str | None]] | None = None,
) -> Iterator[Row | Rejection]:
    """Each row after the header of ``rows`` as a product model or a rejection; blank rows are skipped. The names of
    categories the rows give (``category_name_zh``, ``category_name_en``: the first for each code) are put in
    ``category_names``."""
    iterator = iter(rows)
    header = next(iterator, None)
    if header is None:
        raise DataFormatError.at(source, "the file is empty: give a header row and product rows", id="empty")
    reader = _Reader(*_columns(header, source))
    if category_names is not None:
        reader.category_names = category_names
    for number, cells in enumerate(iterator, start=2):
        if all(cell is None or str(cell).strip() == "" for cell in cells):
            continue
        yield reader.read(number, cells)
