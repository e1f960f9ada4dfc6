"""The inventory's problems in Chinese, by message id; the English is each problem's own message.

A problem of an inventory file (``lowcarbon.errors.Problem``) has a stable id: those of this package below, and
pydantic's types, whose Chinese the footprint's catalog holds already (``footprint.messages.problem_text``).
``problem_lines`` gives every problem of an error in both languages, as the command line prints them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lowcarbon.errors import DataFormatError, Problem
from lowcarbon.footprint.messages import problem_text

__all__ = ["INVENTORY_ZH", "chinese", "problem_lines"]

INVENTORY_ZH: dict[str, str] = {
    "extra_forbidden": "未知字段；请检查拼写（字段见 examples/two-site-inventory/inventory.yaml）",
    "not_a_mapping": "盘查文件须为映射，包含 organisation、reporting_year、approach、sites、activities",
    "period": "请给出 month（YYYY-MM，如 2024-03）或 year（如 2024）之一，不能同时给出",
    "month_format": "month 须写作 YYYY-MM，如 2024-03（YAML 中请加引号）",
    "kind_field": (
        "该类记录缺少所需字段（"
        "fuel 记录须有 fuel，carbonate 须有 carbonate，emission 须有 gas，heat 和 factor 须有 factor）"
    ),
    "kind_category": "该类记录的类别是固定的（燃料、碳酸盐、直接排放为类别 1，电力和热力为类别 2）；请删除 category",
    "factor_category": "factor 记录须给出 category（ISO 14064-1 类别 1 至 6）或 scope3_category",
    "scope3_needed": "类别 3 至 6 的间接排放记录须给出 scope3_category（1 至 15）",
    "scope3_iso_mismatch": "该范围三类别计入另一个 ISO 14064-1 类别；请改正 category 或删除 category",
    "scope3_not_here": "scope3_category 只用于类别 3 至 6 的记录",
    "market_not_here": "market 只用于电力记录",
    "supplier_factor": "供电商工具须给出 kg_co2_per_kwh 及其来源",
    "certificate_factor": "绿证或绿电合同按每千瓦时 0 千克二氧化碳计",
    "instrument_source": "请在 source 中写明证书或合同编号",
    "repeated_site": "场所 id 须唯一",
    "unknown_site": "记录引用的场所不在 sites 中：请更正 site 或在 sites 中添加该场所",
    "base_year_after": "基准年不能晚于报告年",
    "allocation_property": "所选分配依据要求每个产品都给出相应字段（按质量：mass_kg，按工时：hours）",
    "allocation_zero": "分配依据的各产品数值之和为零",
    "allocation_units": "按产量分配要求各产品产量单位相同",
    "unknown_fuel": (
        "指南缺省值中没有该燃料（{fuel}，{guideline}）；"
        "请选用已有燃料，或给出实测的低位发热量、单位热值含碳量和碳氧化率"
    ),
    "unknown_grid": "电网 {grid} 无法识别；请写 CN、区域电网（如 CN-East grid）或省份（如 CN-JS）",
    "no_grid_factor": "没有 {grid} 该年或更早年份的电网排放因子",
    "unknown_factor": "因子库中没有因子 {factor}；请用 `lowcarbon factors search` 查找其键",
    "unknown_gas": "GWP 表中没有气体 {gas}；请使用 CO2、CH4-fossil、N2O、HFC-134a 等气体编号",
    "unit": "单位 {unit} 无法换算为 {target}；请用 {target} 或可换算的单位给出数量",
    "annual_record_structural_change": (
        "场所 {site} 在 {year} 年并入或剥离：请按月给出该年记录，以便剔除不属于组织的月份"
    ),
    "no_file": "文件不存在；请检查路径",
    "directory": "这是一个文件夹；请给出其中的文件",
    "unreadable": "文件无法读取",
    "max_model_bytes_exceeded": "文件超过允许的大小",
    "missing_file": "盘查文件列出的因子文件不存在（路径相对于盘查文件）",
    "not_utf8": "无法按 UTF-8 文本读取",
    "format": "盘查文件须为 YAML（.yaml、.yml）或 Excel（.xlsx）",
    "missing_sheet": "工作簿缺少所需的工作表（见 Excel 模板）",
    "repeated_requirement": "条款和要求的编号须唯一",
    "scale_scores": "评分标尺的分值须为 0、1、2……且连续",
    "gap_below": "gap_below 须为标尺中大于 0 的分值",
    "maturity_levels": "成熟度等级须从 0% 开始并依次递增",
    "unknown_requirement": "该要求不属于所用的要求集",
    "scale": "分值不在评分标尺上",
    "unknown_column": "未知列；请使用模板中的列名（中文或英文）",
    "intensity_value": "强度分母在每一年都须大于零",
    "target_coverage": "目标须覆盖范围（1、2-location、2-market、3）或 ISO 类别（1 至 6）二者之一",
    "target_repeated": "目标中每个范围或类别只能列出一次",
    "target_scope2_twice": "目标的范围二只能按基于位置法或基于市场法之一计，不能同时计入",
    "target_intensity": "强度目标须给出 intensity（名称、单位、各年数值）；绝对量目标不给出",
    "repeated_target": "目标 id 须唯一",
    "target_base_year": "减排目标以基准年为基准：请给出 base_year",
    "target_year": "目标年须晚于基准年",
    "intensity_base_year": "请给出基准年的强度分母数值",
    "unknown_target": "减排措施引用的目标不在 targets 中：请更正 target",
    "csv_header": "第一行须为列名（site、month、year、kind、name、amount、unit 等，中文或英文）",
    "csv_empty": "表头下没有活动数据记录",
    "control_character": "单元格中有控制字符；请删除",
    "syntax": "不是有效的 CSV 文件",
    "history_year": "history 中每个较早年份只能出现一次，且不能是报告年",
}


def chinese(problem: Problem) -> str:
    """The Chinese of ``problem``, with its place; the English marked as the original when no sentence is known."""
    template = INVENTORY_ZH.get(problem.id)
    if template is None:  # pydantic's types: the footprint's catalog has their Chinese
        body = problem_text(problem.id, problem.message, problem.params, "zh-CN")
    else:
        body = _filled(template, problem.params) or f"（原文）{problem.message}"
    where = "：".join(part for part in (problem.source, problem.place) if part)
    return f"{where}：{body}" if where else body


def problem_lines(error: DataFormatError) -> list[str]:
    """Each problem of ``error`` in English, then in Chinese."""
    lines: list[str] = []
    for problem in error.problems:
        lines.extend((str(problem), chinese(problem)))
    if error.count > len(error.problems):
        more = error.count - len(error.problems)
        lines.append(f"{more} more problems are not listed / 另有 {more} 个问题未列出")
    return lines


def _filled(template: str, params: Mapping[str, Any]) -> str | None:
    try:
        return template.format(**{name: str(value) for name, value in params.items()})
    except (KeyError, IndexError, ValueError):
        return None
