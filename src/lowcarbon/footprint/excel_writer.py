"""The product model written as the Excel workbook that ``footprint.excel`` reads, and the blank Chinese template.

``model_to_excel`` writes a model's product, bom and processes sheets, so that ``read_excel_model`` gives back a
model with the same footprint. The workbook's format has no place for what only a text model says (parameters and
scenarios, an amount's formula, uncertainties): an amount is written as its value, and ``excel_loses`` lists what
a model would lose.
Process inputs keep their data-quality ratings (``dqr_*`` columns), which the processes sheet reads as the bom does.

``excel_template`` is the workbook a new product starts from: the same sheets with Chinese headers (the reader knows
them, ``excel.HEADERS_ZH``), a sheet of instructions, and drop-down lists of the stages, units and factor keys.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from lowcarbon.footprint.excel import ACTIVITY, DQR, FLAGS, HEADERS_ZH, OUTPUT, SHEETS_ZH
from lowcarbon.footprint.model import STAGES, Activity, ProductModel

__all__ = ["UNITS", "excel_loses", "excel_template", "model_to_excel"]

BOM = ("stage", *ACTIVITY, *FLAGS, *(f"dqr_{name}" for name in DQR))
# amount and unit once, for outputs and inputs alike
_PROCESS_HEAD = ("process", "role", "allocation", "process_name", *OUTPUT[:1], "name", *OUTPUT[1:])
PROCESS: tuple[str, ...] = tuple(
    dict.fromkeys((*_PROCESS_HEAD, *ACTIVITY[3:], "uses", *FLAGS, *(f"dqr_{name}" for name in DQR)))
)
UNITS = ("item", "kg", "g", "t", "kWh", "MJ", "m**3", "L", "m**2", "m", "t*km", "km", "h")  # the template's list


def model_to_excel(model: ProductModel) -> bytes:
    """The model as a workbook that ``read_excel_model`` reads back (see ``excel_loses`` for what it cannot hold)."""
    from openpyxl import Workbook

    workbook = Workbook()
    product = workbook.active
    assert product is not None
    product.title = "product"
    product.append(("field", "value"))
    for row in _product_rows(model):
        product.append(row)
    bom = workbook.create_sheet("bom")
    bom.append(BOM)
    for stage in model.stages:
        for activity in stage.activities:
            bom.append(_activity_row(BOM, activity, stage=stage.name))
    processes = workbook.create_sheet("processes")
    processes.append(PROCESS)
    for process in model.processes:
        for number, output in enumerate(process.outputs):
            values = {"process": process.id, "role": "output", **output.model_dump(exclude_none=True)}
            if number == 0 and process.allocation:
                values["allocation"] = process.allocation
            if number == 0 and process.name:
                values["process_name"] = process.name
            processes.append(tuple(values.get(column) for column in PROCESS))
        for activity in process.inputs:
            processes.append(_activity_row(PROCESS, activity, process=process.id, role="input"))
    return _bytes(workbook)


def excel_loses(model: ProductModel) -> list[str]:
    """What of ``model`` its workbook would not hold, as the model's fields (none for most models)."""
    lost = [name for name in ("parameters", "scenarios") if getattr(model, name)]
    lines = [activity for _, activity in model.activities()]
    for name in ("formula", "uncertainty", "factor_uncertainty"):
        if any(getattr(activity, name) is not None for activity in lines):
            lost.append(name)
    return lost


def _product_rows(model: ProductModel) -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = [("name", model.product.name), ("name_zh", model.product.name_zh)]
    rows.append(("ids", ", ".join(model.product.ids)))
    unit = model.declared_unit
    rows += [
        ("declared_unit_amount", unit.amount),
        ("declared_unit_unit", unit.unit),
        ("declared_unit_description", unit.description),
        ("functional_unit", model.functional_unit),
        ("boundary", model.boundary),
        ("gwp", model.gwp),
        ("pcr", model.pcr),
        ("max_exempted_percent", model.cut_off.max_exempted_percent),
        ("fossil_carbon_content_kg_c", model.fossil_carbon_content_kg_c),
        ("factor_files", ", ".join(model.factor_files)),
    ]
    if model.reference_flow is not None:
        rows += [
            ("reference_flow_amount", model.reference_flow.amount),
            ("reference_flow_unit", model.reference_flow.unit),
        ]
    if model.reference_period is not None:
        period = model.reference_period
        rows += [("reference_period_start", period.start.isoformat()), ("reference_period_end", period.end.isoformat())]
    if model.biogenic_carbon is not None:
        carbon = model.biogenic_carbon
        rows += [
            ("biogenic_carbon_kg_c", carbon.content_kg_c),
            ("biogenic_uptake", "true" if carbon.uptake else "false"),
            ("biogenic_stored_kg_c", carbon.stored_kg_c),
            ("biogenic_source", carbon.source),
        ]
    if model.omitted_stages:
        rows.append(("omitted_stages", "; ".join(f"{stage}: {why}" for stage, why in model.omitted_stages.items())))
    return [(key, value) for key, value in rows if value not in (None, "")]


def _activity_row(columns: Sequence[str], activity: Activity, **more: Any) -> tuple[Any, ...]:
    values: dict[str, Any] = activity.model_dump(include=set(ACTIVITY), exclude_none=True)
    if "process" in more:  # on the processes sheet: ``process`` is the process's own id, ``uses`` the one it uses
        values.pop("process", None)
        if activity.process is not None:
            values["uses"] = activity.process
    values.update(more)
    for flag in FLAGS:
        if getattr(activity, flag):
            values[flag] = "true"
    for name in DQR:
        rating = getattr(activity.dqr, name)
        if rating is not None:
            values[f"dqr_{name}"] = rating
    return tuple(values.get(column) for column in columns)


def excel_template(factor_keys: Sequence[str]) -> bytes:
    """The blank Chinese workbook for a new model: instructions, and drop-down lists of stages, units and factors
    (``factor_keys``: those the organisation can link, shipped and its own)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    guide = workbook.active
    assert guide is not None
    guide.title = SHEETS_ZH["instructions"]
    for line in INSTRUCTIONS:
        guide.append((line,))
    guide["A1"].font = Font(bold=True)
    guide.column_dimensions["A"].width = 110
    lists = workbook.create_sheet(SHEETS_ZH["lists"])
    lists.append((HEADERS_ZH["stage"], HEADERS_ZH["unit"], HEADERS_ZH["factor"]))
    for number in range(max(len(STAGES), len(UNITS), len(factor_keys))):
        lists.append(tuple(column[number] if number < len(column) else None for column in (STAGES, UNITS, factor_keys)))
    product = workbook.create_sheet(SHEETS_ZH["product"], 1)
    product.append((HEADERS_ZH["field"], HEADERS_ZH["value"]))
    for field, value in TEMPLATE_PRODUCT:
        product.append((HEADERS_ZH[field], value))
    bom = workbook.create_sheet(SHEETS_ZH["bom"], 2)
    bom.append(tuple(HEADERS_ZH[column] for column in BOM))
    processes = workbook.create_sheet(SHEETS_ZH["processes"], 3)
    processes.append(tuple(HEADERS_ZH[column] for column in PROCESS))
    for sheet in (product, bom, processes):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    last = lists.max_row
    ranges = {"stage": "A", "unit": "B", "factor": "C"}
    for sheet, columns in ((bom, BOM), (processes, PROCESS)):
        for name, letter in ranges.items():
            if name not in columns:
                continue
            column = _letter(columns.index(name) + 1)
            title = SHEETS_ZH["lists"]
            check = DataValidation(type="list", formula1=f"='{title}'!${letter}$2:${letter}${last}", allow_blank=True)
            check.error, check.prompt = "请从列表中选择，或填写列表之外的值", HEADERS_ZH[name]
            check.errorStyle = "warning"  # a unit or factor key the list does not have is still allowed
            sheet.add_data_validation(check)
            check.add(f"{column}2:{column}2000")
    return _bytes(workbook)


def _letter(number: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(number)


def _bytes(workbook: Any) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


TEMPLATE_PRODUCT = [
    ("name", None),
    ("name_zh", None),
    ("declared_unit_amount", 1),
    ("declared_unit_unit", "item"),
    ("declared_unit_description", None),
    ("functional_unit", None),
    ("boundary", "cradle-to-gate"),
    ("gwp", "AR6"),
    ("reference_period_start", None),
    ("reference_period_end", None),
    ("max_exempted_percent", 5),
]
INSTRUCTIONS = (
    "产品碳足迹模型模板（GB/T 24067-2024 / ISO 14067）",
    "",
    "1. 在“产品”工作表填写产品名称、声明单位、系统边界（cradle-to-gate 从摇篮到大门，cradle-to-grave 从摇篮到坟墓，"
    "gate-to-gate 从大门到大门）和全球变暖潜势（GWP）版本（AR6 或 AR5）。",
    "2. 在“物料清单”工作表中每行填写一项活动：生命周期阶段、名称、每个声明单位的数量、单位，以及排放因子键"
    "（或“过程”工作表中建模的过程编号，二者填其一）。",
    "3. 阶段、单位和排放因子键可从下拉列表中选择（列表见“列表”工作表）；排放因子可在平台的“排放因子”页面搜索。",
    "4. 有副产品的过程在“过程”工作表中建模：每个过程第一行为其参考产品（角色 output），其余输出也填 output，"
    "输入填 input；有多个输出时须填写分配方法（mass、energy 或 economic）及各输出的分配属性。",
    "5. 避免的产品（系统扩展）在“避免”列填 true，空运填 true 于“空运”列，按取舍规则排除的活动在“排除”列填 true。",
    "6. 数据类型填 primary（初级数据）或 secondary（次级数据）；数据质量评分 1（最好）至 5。",
    "7. 填好后在产品页面“新版本”处上传本文件，平台会检查每个单元格并计算碳足迹。",
)
