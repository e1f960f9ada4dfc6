"""The product model as an Excel workbook: a product sheet, a bill-of-materials sheet and a processes sheet.

- ``product``: two columns, ``field`` and ``value``: name, name_zh, ids (comma-separated), declared_unit_amount,
  declared_unit_unit, declared_unit_description, functional_unit, reference_flow_amount, reference_flow_unit,
  reference_flow_description,
  boundary, gwp, pcr, reference_period_start,
  reference_period_end, max_exempted_percent, biogenic_carbon_kg_c, biogenic_uptake, biogenic_stored_kg_c,
  biogenic_source, fossil_carbon_content_kg_c, omitted_stages ("use: why; end_of_life: why"),
  factor_files (comma-separated).
- ``bom``: one activity per row, in stage order: stage, name, amount, unit, factor, process, and optionally
  avoided, aircraft, exempted (true/false), data_type, source, dqr_technological, dqr_temporal, dqr_geographical,
  dqr_completeness, dqr_reliability.
- ``processes``: one row per output or input of a modelled process: process, role (output or input),
  allocation and process_name (the process's name; on its first row), then for outputs product, amount, unit,
  mass_kg, energy_mj, value, and for inputs the same columns as the bom sheet, with ``uses`` naming another
  process instead of ``factor``.
  A sheet's headers, a sheet's name and the product sheet's fields may be in Chinese, as the template
  (``excel_writer.excel_template``) writes them: ``HEADERS_ZH``, ``SHEETS_ZH``.

Problems are reported with the sheet, row and column, all at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lowcarbon.bounded import Workbook, read_path
from lowcarbon.errors import DataFormatError, Problem
from lowcarbon.footprint.model import ProductModel, parse_model

ACTIVITY = ("name", "amount", "unit", "factor", "process", "data_type", "source")
FLAGS = ("avoided", "aircraft", "exempted")
DQR = ("technological", "temporal", "geographical", "completeness", "reliability")
OUTPUT = ("product", "amount", "unit", "mass_kg", "energy_mj", "value")
SHEETS = ("product", "bom", "processes")
# The Chinese template's names (``excel_writer.excel_template``): a sheet, header or product field may be written so
SHEETS_ZH = {"product": "产品", "bom": "物料清单", "processes": "过程", "instructions": "说明", "lists": "列表"}
HEADERS_ZH = {
    "field": "字段",
    "value": "值",
    "stage": "阶段",
    "name": "名称",
    "amount": "数量",
    "unit": "单位",
    "factor": "排放因子键",
    "process": "过程编号",
    "uses": "使用的过程",
    "role": "角色",
    "allocation": "分配方法",
    "product": "产品",
    "mass_kg": "质量 kg",
    "energy_mj": "能量 MJ",
    "data_type": "数据类型",
    "source": "数据来源",
    "avoided": "避免",
    "aircraft": "空运",
    "exempted": "排除",
    "dqr_technological": "技术代表性",
    "dqr_temporal": "时间代表性",
    "dqr_geographical": "地理代表性",
    "dqr_completeness": "完整性",
    "dqr_reliability": "可靠性",
    "name_zh": "中文名称",
    "ids": "产品标识",
    "declared_unit_amount": "声明单位数量",
    "declared_unit_unit": "声明单位",
    "declared_unit_description": "声明单位说明",
    "functional_unit": "功能单位",
    "reference_flow_amount": "基准流数量",
    "reference_flow_unit": "基准流单位",
    "reference_flow_description": "基准流说明",
    "process_name": "过程名称",
    "boundary": "系统边界",
    "gwp": "GWP 版本",
    "pcr": "产品种类规则",
    "reference_period_start": "数据期间开始",
    "reference_period_end": "数据期间结束",
    "max_exempted_percent": "取舍上限 %",
    "biogenic_carbon_kg_c": "生物碳含量 kg C",
    "biogenic_uptake": "计入生物碳吸收",
    "biogenic_stored_kg_c": "储存的生物碳 kg C",
    "biogenic_source": "生物碳来源",
    "fossil_carbon_content_kg_c": "化石碳含量 kg C",
    "omitted_stages": "省略的阶段",
    "factor_files": "排放因子文件",
}
_ENGLISH = {chinese: english for english, chinese in {**SHEETS_ZH, **HEADERS_ZH}.items()}
_ENGLISH["产品"] = "product"  # the sheet; as a column of the processes sheet it is the output's product, the same word


def load_excel_model(path: Path) -> tuple[ProductModel, dict[str, str]]:
    """A model from a workbook file, and the sheet place of each model place (see ``read_excel_model``)."""
    return read_excel_model(read_path(path, "max_model_bytes"), str(path))


def read_excel_model(content: bytes, source: str) -> tuple[ProductModel, dict[str, str]]:
    """A model from a workbook's bytes, and the sheet place of each model place; errors name sheet, row and column.
    Only the model's sheets are read, each within ``max_model_rows`` (``lowcarbon.bounded``)."""
    with Workbook(content, source) as workbook:
        sheets = {
            _ENGLISH.get(name, name): list(_rows(workbook.rows(name, "max_model_rows")))
            for name in workbook.sheetnames
            if _ENGLISH.get(name, name) in SHEETS
        }
    for required in ("product", "bom"):
        if required not in sheets:
            message = f"the workbook needs a sheet named {required!r} (see lowcarbon init-model --excel)"
            raise DataFormatError.at(source, message, id="missing_sheet")
    places: dict[str, str] = {}
    problems = _product_problems(sheets["product"], source) + [
        Problem(
            "empty; name the life-cycle stage of every row",
            f"sheet bom, row {row['_row']}, column stage",
            source,
            "missing",
        )
        for row in sheets["bom"]
        if not str(row.get("stage", "")).strip()
    ]
    if problems:
        raise DataFormatError(problems=problems, what="model")
    data = _product(sheets["product"])
    data["stages"] = _stages(sheets["bom"], places)
    data["processes"] = _processes(sheets.get("processes", []), places)
    try:
        return parse_model(data, source), places
    except DataFormatError as exc:
        raise on_sheets(exc, places) from None


def on_sheets(error: DataFormatError, places: dict[str, str]) -> DataFormatError:
    """``error`` with each model place (stages[0].activities[1].unit) given as its sheet place (sheet bom, row 3,
    column unit); the error itself when there is no workbook to point into."""
    if not places:
        return error
    problems = [_on_sheet(problem, places) for problem in error.problems]
    return DataFormatError(problems=problems, what="model", count=error.count)


def _on_sheet(problem: Problem, places: dict[str, str]) -> Problem:
    match = _MODEL_PLACE.match(problem.place)
    if match is None or match.group(1) not in places:
        return problem
    column = match.group(3)
    sheet_place = places[match.group(1)]
    return problem.located(f"{sheet_place}, column {column}" if column else sheet_place)


_MODEL_PLACE = re.compile(r"((?:stages|processes)\[\d+\]\.(?:activities|inputs|outputs)\[\d+\])(\.(\w+))?")


def _rows(rows: Iterator[tuple[Any, ...]]) -> Iterator[dict[str, Any]]:
    header = [_ENGLISH.get(str(h).strip(), str(h).strip()) if h is not None else "" for h in next(rows, ())]
    for number, values in enumerate(rows, start=2):
        row = {h: v for h, v in zip(header, values, strict=False) if h and v not in (None, "")}
        if row:
            row["_row"] = number
            yield row


PRODUCT_FIELDS = (
    "name",
    "name_zh",
    "ids",
    "declared_unit_amount",
    "declared_unit_unit",
    "declared_unit_description",
    "functional_unit",
    "reference_flow_amount",
    "reference_flow_unit",
    "reference_flow_description",
    "boundary",
    "gwp",
    "pcr",
    "reference_period_start",
    "reference_period_end",
    "max_exempted_percent",
    "biogenic_carbon_kg_c",
    "biogenic_uptake",
    "biogenic_stored_kg_c",
    "biogenic_source",
    "fossil_carbon_content_kg_c",
    "omitted_stages",
    "factor_files",
)


def _product_problems(rows: list[dict[str, Any]], source: str) -> list[Problem]:
    return [
        Problem(
            f"unknown field {row['field']!r}; the fields are {', '.join(PRODUCT_FIELDS)}",
            f"sheet product, row {row['_row']}, column field",
            source,
            "unknown_field",
            {"field": str(row["field"])},
        )
        for row in rows
        if row.get("field") and _ENGLISH.get(str(row["field"]), str(row["field"])) not in PRODUCT_FIELDS
    ]


def _product(rows: list[dict[str, Any]]) -> dict[str, Any]:
    fields = {  # a field left without a value (as in the template) says nothing
        _ENGLISH.get(str(r["field"]), str(r["field"])): r["value"] for r in rows if r.get("field") and "value" in r
    }

    def listed(key: str) -> list[str]:
        return [part.strip() for part in str(fields.get(key, "")).split(",") if part.strip()]

    data: dict[str, Any] = {
        "product": {"name": fields.get("name"), "name_zh": fields.get("name_zh"), "ids": listed("ids")},
        "declared_unit": {
            "amount": fields.get("declared_unit_amount", 1),
            "unit": fields.get("declared_unit_unit"),
            "description": fields.get("declared_unit_description", ""),
        },
        "boundary": fields.get("boundary"),
        "factor_files": listed("factor_files"),
    }
    for key in ("functional_unit", "gwp", "pcr", "fossil_carbon_content_kg_c"):
        if key in fields:
            data[key] = fields[key]
    if "reference_flow_amount" in fields or "reference_flow_unit" in fields:
        data["reference_flow"] = {
            "amount": fields.get("reference_flow_amount"),
            "unit": fields.get("reference_flow_unit"),
            "description": fields.get("reference_flow_description", ""),
        }
    if "reference_period_start" in fields or "reference_period_end" in fields:
        data["reference_period"] = {
            "start": fields.get("reference_period_start"),
            "end": fields.get("reference_period_end"),
        }
    if "max_exempted_percent" in fields:
        data["cut_off"] = {"max_exempted_percent": fields["max_exempted_percent"]}
    if "biogenic_carbon_kg_c" in fields:
        data["biogenic_carbon"] = {
            "content_kg_c": fields["biogenic_carbon_kg_c"],
            "uptake": _flag(fields.get("biogenic_uptake")),
            "stored_kg_c": fields.get("biogenic_stored_kg_c") or 0,
            "source": fields.get("biogenic_source", ""),
        }
    if fields.get("omitted_stages"):
        pairs = (part.partition(":") for part in str(fields["omitted_stages"]).split(";") if part.strip())
        data["omitted_stages"] = {stage.strip(): why.strip() for stage, _, why in pairs}
    return data


def _flag(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "1", "false", "no", "0", ""):
        return value.strip().lower() in ("true", "yes", "1")
    return bool(value) if value is not None else False


def _activity(row: dict[str, Any]) -> dict[str, Any]:
    activity = {key: row[key] for key in ACTIVITY if key in row}
    for key in FLAGS:
        if key in row:
            activity[key] = _flag(row[key])
    ratings = {name: row[f"dqr_{name}"] for name in DQR if f"dqr_{name}" in row}
    if ratings:
        activity["dqr"] = ratings
    return activity


def _stages(rows: list[dict[str, Any]], places: dict[str, str]) -> list[dict[str, Any]]:
    stages: dict[str, dict[str, Any]] = {}  # rows of one stage need not be next to each other
    for row in rows:
        name = str(row.get("stage", "")).strip()
        stage = stages.setdefault(name, {"name": name, "activities": []})
        s, a = list(stages).index(name), len(stage["activities"])
        places[f"stages[{s}].activities[{a}]"] = f"sheet bom, row {row['_row']}"
        stage["activities"].append(_activity(row))
    return list(stages.values())


def _processes(rows: list[dict[str, Any]], places: dict[str, str]) -> list[dict[str, Any]]:
    processes: dict[str, dict[str, Any]] = {}
    for row in rows:
        key = str(row.get("process", ""))
        process = processes.setdefault(key, {"id": key, "outputs": [], "inputs": []})
        if "allocation" in row:
            process["allocation"] = row["allocation"]
        if "process_name" in row:
            process["name"] = row["process_name"]
        p = list(processes).index(key)
        role = str(row.get("role", "")).lower()
        if role == "output":
            places[f"processes[{p}].outputs[{len(process['outputs'])}]"] = f"sheet processes, row {row['_row']}"
            process["outputs"].append({k: row[k] for k in OUTPUT if k in row})
        else:
            places[f"processes[{p}].inputs[{len(process['inputs'])}]"] = f"sheet processes, row {row['_row']}"
            activity = _activity({k: v for k, v in row.items() if k != "process"})
            if "uses" in row:  # an input made by another modelled process
                activity["process"] = row["uses"]
            process["inputs"].append(activity)
    return list(processes.values())


STARTER_PRODUCT = [
    ("name", "{name}"),
    ("name_zh", None),
    ("declared_unit_amount", 1),
    ("declared_unit_unit", "item"),
    ("declared_unit_description", "one {name}"),
    ("boundary", "cradle-to-gate"),
    ("gwp", "AR6"),
    ("max_exempted_percent", 5),
]
STARTER_BOM = [
    ("stage", "name", "amount", "unit", "factor", "process", "data_type", "source", "dqr_temporal"),
    (
        "raw_material_acquisition",
        "parts made from purchased material (PLACEHOLDER)",
        1.0,
        "kg",
        None,
        "part",
        None,
        None,
        None,
    ),
    (
        "production",
        "electricity for assembly (PLACEHOLDER)",
        1.0,
        "kWh",
        "cn-grid-electricity/cn-national-2023",
        None,
        "primary",
        "metered, plant 2024",
        1,
    ),
    (
        "production",
        "natural gas for heat (PLACEHOLDER)",
        1.0,
        "MJ",
        "ipcc-2006-stationary-combustion/natural-gas",
        None,
        None,
        None,
        None,
    ),
]
STARTER_PROCESSES = [
    ("process", "role", "allocation", "product", "name", "amount", "unit", "mass_kg", "factor"),
    ("part", "output", "mass", "part", None, 1, "kg", 1, None),
    ("part", "output", None, "offcuts", None, 0.1, "kg", 0.1, None),
    (
        "part",
        "input",
        None,
        None,
        "electricity for forming (PLACEHOLDER)",
        1.0,
        "kWh",
        None,
        "cn-grid-electricity/cn-national-2023",
    ),
]


def write_excel_starter(path: Path) -> Path:
    """The Excel twin of the YAML starter model, amounts as PLACEHOLDERs to replace."""
    from openpyxl import Workbook

    if path.exists():
        raise DataFormatError(f"{path} already exists; choose another name or remove it")
    workbook = Workbook()
    product = workbook.active
    assert product is not None
    product.title = "product"
    product.append(("field", "value"))
    for key, value in STARTER_PRODUCT:
        product.append((key, value.format(name=path.stem) if isinstance(value, str) else value))
    for title, rows in (("bom", STARTER_BOM), ("processes", STARTER_PROCESSES)):
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path
