"""The columns of the factor template, in English and Chinese: what each holds, and how a header cell names one.

A header cell may name a column in English (``name``), in Chinese (``名称``), or both with one in brackets
(``名称（name）``, ``name (名称)``), as the templates that ``lowcarbon factors template`` writes do; ``column_of``
gives the English name, which the rest of the code uses. Gas columns keep their form ``kg_<gas>[_<origin>]``.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

__all__ = ["COLUMNS", "Column", "column_of", "did_you_mean"]


@dataclass(frozen=True)
class Column:
    """One column of the factor template."""

    name: str
    zh: str
    required: bool
    help: str
    help_zh: str
    example: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("id", "编号", True, "unique within the file", "文件内唯一", "example-1"),
    Column("name", "名称", True, "English name", "英文名称", "Example: replace this row with your factor"),
    Column("name_zh", "中文名称", False, "Chinese name", "中文名称", "示例：请用您的因子替换此行"),
    Column(
        "unit",
        "单位",
        True,
        "unit of activity the factor is per (kg, t, kWh, MJ, m**3, t*km)",
        "因子对应的活动单位",
        "kg",
    ),
    Column(
        "geography",
        "地理范围",
        True,
        "ISO 3166 code or region (CN, CN-JS, GLO)",
        "地理范围（ISO 3166 代码或区域）",
        "CN",
    ),
    Column("year", "年份", False, "reference year", "参考年份", "2023"),
    Column("category", "类别", False, "what kind of factor", "因子类别", "material"),
    Column("boundary", "边界", False, "what the value covers", "数值涵盖的范围", "cradle-to-gate"),
    Column("origin", "碳来源", False, "fossil, biogenic or land_use_change", "化石、生物源或土地利用变化", "fossil"),
    Column("kg_CO2", "二氧化碳（千克）", False, "kg CO2 per unit (any gas: kg_<gas>)", "每单位二氧化碳千克数", "1.0"),
    Column(
        "co2e",
        "二氧化碳当量",
        False,
        "kg CO2e per unit, when only a total is published",
        "仅有总量时的每单位二氧化碳当量",
        "",
    ),
    Column("co2e_basis", "当量依据", False, "the GWP set of co2e (IPCC AR6 GWP100)", "co2e 所用的 GWP 值集", ""),
    Column("source", "来源", True, "the citation", "数据来源", "your source, e.g. a supplier EPD"),
    Column("source_url", "来源链接", False, "where to read it", "来源网址", ""),
    Column("unverified", "未核实", False, "true when one unchecked source", "仅有一个未核实来源时为 true", "false"),
    Column(
        "uncertainty", "不确定性分布", False, "none, lognormal, normal, uniform, triangular", "不确定性分布类型", ""
    ),
    Column("lower", "下限", False, "2.5th percentile", "2.5 百分位数", ""),
    Column("upper", "上限", False, "97.5th percentile", "97.5 百分位数", ""),
    Column(
        "geometric_sd", "几何标准差", False, "lognormal: geometric standard deviation", "对数正态分布的几何标准差", ""
    ),
    Column(
        "dqr_technological", "技术代表性评分", False, "PACT rating 1 (best) to 5", "PACT 数据质量评分 1（最好）至 5", ""
    ),
    Column("dqr_temporal", "时间代表性评分", False, "PACT rating 1 to 5", "PACT 数据质量评分 1 至 5", ""),
    Column("dqr_geographical", "地理代表性评分", False, "PACT rating 1 to 5", "PACT 数据质量评分 1 至 5", ""),
    Column("dqr_completeness", "完整性评分", False, "pedigree indicator 1 to 5", "谱系矩阵指标 1 至 5", ""),
    Column("dqr_reliability", "可靠性评分", False, "pedigree indicator 1 to 5", "谱系矩阵指标 1 至 5", ""),
    Column(
        "primary_data_share",
        "初级数据占比",
        False,
        "a supplier footprint's PACT primary data share, %",
        "供应商足迹的初级数据占比（%）",
        "",
    ),
    Column(
        "purpose",
        "用途",
        False,
        "company: for company (scope 2) reporting only, not product footprints; product; or empty for both",
        "company：仅用于企业（范围二）核算，不用于产品碳足迹；product：用于产品碳足迹；留空：两者皆可",
        "",
    ),
    Column("notes", "备注", False, "free text", "备注", "PLACEHOLDER 占位值"),
)
_BY_NAME = {column.name.lower(): column.name for column in COLUMNS}
_BY_ZH = {column.zh: column.name for column in COLUMNS}
_BRACKETED = re.compile(r"\s*[（(]([^)）]*)[)）]\s*")


def column_of(cell: str) -> str:
    """The English column name a header cell means: itself for an English name or a gas column, else the name its
    Chinese words or its bracketed part give; the cell as written (stripped) when none fits."""
    text = cell.strip().lstrip("\ufeff")
    bracketed: list[str] = _BRACKETED.findall(text)
    parts = [part.strip() for part in (_BRACKETED.sub("", text), *bracketed) if part.strip()]
    for part in parts:
        if part.startswith("kg_"):
            return part
        found = _BY_NAME.get(part.lower()) or _BY_ZH.get(part)
        if found is not None:
            return found
    return text


def did_you_mean(column: str, known: list[str]) -> str:
    """`` did you mean 'name'?`` for the closest known column, or nothing."""
    close = difflib.get_close_matches(column, known, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""
