"""The guided editor's form data: every example and test model goes YAML -> form data -> YAML, and -> Excel, to a
model with the same footprint; the form module's reading of places, numbers, flags and formulas; its bounds."""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any

import pytest
import yaml

from lowcarbon.errors import InvalidInput
from lowcarbon.factors import FactorLibrary, default_library
from lowcarbon.footprint import ModelBundle, compute, load_model, parse_model
from lowcarbon.footprint.excel import read_excel_model
from lowcarbon.footprint.excel_writer import excel_loses, excel_template, model_to_excel
from lowcarbon.footprint.form import (
    MAX_FIELDS,
    InvalidForm,
    form_of,
    form_of_data,
    model_data,
    model_yaml,
    place_of,
)
from lowcarbon.footprint.model import read_model
from lowcarbon.footprint.result import Footprint
from support.library_support import BRACKET_MODEL, STEEL_CSV, STEEL_SET
from support.uncertainty_support import FACTORS, line, model

ROOT = Path(__file__).parents[2]
EXAMPLES = sorted(ROOT.glob("examples/*/model.yaml"))
RTOL = 1e-12


def _scenarios_model() -> dict[str, Any]:
    """Parameters, amounts as formulas and named scenarios (the test model of test_scenarios)."""
    return model(
        (
            "raw_material_acquisition",
            [
                line("virgin steel", "mass_kg * (1 - recycled_share)", "kg", "test/steel"),
                line("recycled steel", "mass_kg * recycled_share", "kg", "test/glue"),
            ],
        ),
        ("distribution", [line("truck", "distance_km * 0.01", "kWh", "test/power")]),
        ("production", [line("power", 4, "kWh", "test/power")]),
        parameters=[
            {"name": "distance_km", "value": 100, "unit": "km", "low": 50, "high": 200, "name_zh": "运输距离"},
            {"name": "recycled_share", "value": 0.2, "low": 0, "high": 0.5},
            {"name": "mass_kg", "value": 2},
        ],
        scenarios=[
            {"name": "far", "name_zh": "远", "parameters": {"distance_km": 300}},
            {"name": "green", "factors": {"test/power": "test/green-power"}},
            {"name": "less power", "lines": [{"line": "stages[2].activities[0]", "amount": "mass_kg"}]},
        ],
    )


def _everything_model() -> dict[str, Any]:
    """Every other field a model has: processes with co-products and allocation, avoided, aircraft and exempted
    lines, uncertainties (pedigree too), ratings, biogenic carbon, a reference flow, omitted stages."""
    pedigree = {"reliability": 2, "completeness": 1, "temporal": 3, "geographical": 1, "technological": 2}
    return model(
        (
            "raw_material_acquisition",
            [
                line("resin", 0.3, "kg", "test/resin", uncertainty={"gsd": 1.2}, data_type="primary", source="lab"),
                line("steel part", 1.25, "kg", "test/steel", dqr={"technological": 2, "temporal": 1.5}),
                {"name": "casting", "amount": 0.5, "unit": "kg", "process": "casting"},
            ],
        ),
        (
            "production",
            [
                line("power", 2.5, "kWh", "test/power", factor_uncertainty={"distribution": "normal", "std": 0.05}),
                line("glue", 0.01, "kg", "test/glue", exempted=True),
                line("air freight power", 0.2, "kWh", "test/power-copy", aircraft=False),
                line("heat", 1.0, "kWh", "test/power", uncertainty={"pedigree": pedigree, "basic_uncertainty": 1.05}),
            ],
        ),
        ("end_of_life", [line("recovered steel", 0.4, "kg", "test/steel", avoided=True)]),
        name="Everything 全部",
        processes=[
            {
                "id": "casting",
                "name": "die casting",
                "allocation": "mass",
                "outputs": [
                    {"product": "casting", "amount": 1, "unit": "kg", "mass_kg": 1},
                    {"product": "offcuts", "amount": 0.1, "unit": "kg", "mass_kg": 0.1, "energy_mj": 2, "value": 0},
                ],
                "inputs": [
                    line("steel", 1.1, "kg", "test/steel"),
                    line(
                        "power",
                        0.7,
                        "kWh",
                        "test/power",
                        uncertainty={"distribution": "uniform", "minimum": 0.5, "maximum": 0.9},
                    ),
                ],
            }
        ],
        boundary="cradle-to-grave",
        functional_unit="holding things together for 10 years",
        reference_flow={"amount": 1.2, "unit": "kg", "description": "one widget and its box"},
        reference_period={"start": "2024-01-01", "end": "2024-12-31"},
        gwp="AR5",
        omitted_stages={"use": "nothing is used", "distribution": "sold at the gate"},
        cut_off={"max_exempted_percent": 1},
        biogenic_carbon={"content_kg_c": 0.02, "uptake": True, "stored_kg_c": 0.01, "source": "lab, 2024"},
        fossil_carbon_content_kg_c=0.3,
    )


TEST_MODELS = {"scenarios": _scenarios_model(), "everything": _everything_model()}


Files = dict[str, bytes]
# The test models written as YAML text in the tests (their factor sets are given to the library, not named)
TEXT_MODELS = {"bracket": (BRACKET_MODEL, {STEEL_SET: STEEL_CSV})}


def _cases() -> list[tuple[str, str, Files, dict[str, str]]]:
    """(name, YAML text, factor files, library sets) of every example and test model."""
    cases = []
    for path in EXAMPLES:
        files = {name: (path.parent / name).read_bytes() for name in load_model(path).factor_files}
        cases.append((path.parent.name, path.read_text(encoding="utf-8"), files, {}))
    for name, data in TEST_MODELS.items():
        cases.append((name, yaml.safe_dump(data, allow_unicode=True), {"test.csv": FACTORS.encode()}, {}))
    for name, (text, sets) in TEXT_MODELS.items():
        cases.append((name, text, {}, sets))
    return cases


CASES = _cases()
IDS = [case[0] for case in CASES]


def _library(sets: dict[str, str]) -> FactorLibrary:
    library = default_library()
    for name, content in sets.items():
        library.import_bytes(f"{name}.csv", content.encode(), name)
    return library


def _footprint(content: bytes, model_format: str, files: Files, sets: dict[str, str]) -> Footprint:
    return compute(ModelBundle(content, model_format, files), _library(sets))  # type: ignore[arg-type]


def _same(first: Footprint, second: Footprint) -> None:
    assert math.isclose(first.total, second.total, rel_tol=RTOL)
    assert first.by_stage.keys() == second.by_stage.keys()
    for stage, value in first.by_stage.items():
        assert math.isclose(value, second.by_stage[stage], rel_tol=RTOL, abs_tol=1e-300), stage


@pytest.mark.parametrize(("name", "text", "files", "sets"), CASES, ids=IDS)
def test_yaml_to_form_to_yaml_keeps_the_model_and_its_footprint(
    name: str, text: str, files: Files, sets: dict[str, str]
) -> None:
    original = read_model(text.encode(), "yaml", "model.yaml")
    fields = form_of(original)
    again_text = model_yaml(model_data(fields))
    again = read_model(again_text.encode(), "yaml", "model.yaml")
    assert again == original  # every value, the formulas, uncertainties, parameters and scenarios too
    assert form_of(again) == fields
    expected = _footprint(text.encode(), "yaml", files, sets)
    again_footprint = _footprint(again_text.encode(), "yaml", files, sets)
    _same(again_footprint, expected)
    assert expected.total == again_footprint.total  # exactly


@pytest.mark.parametrize(("name", "text", "files", "sets"), CASES, ids=IDS)
def test_the_yaml_as_written_reads_into_the_same_form(name: str, text: str, files: Files, sets: dict[str, str]) -> None:
    """A model's YAML as its author wrote it (unchecked) and the checked model give fields of the same model."""
    written = model_data(form_of_data(yaml.safe_load(text)))
    assert parse_model(written, "m") == read_model(text.encode(), "yaml", "m")


@pytest.mark.parametrize(("name", "text", "files", "sets"), CASES, ids=IDS)
def test_yaml_to_excel_keeps_the_footprint(name: str, text: str, files: Files, sets: dict[str, str]) -> None:
    original = read_model(text.encode(), "yaml", "model.yaml")
    workbook = model_to_excel(original)
    from_excel, _ = read_excel_model(workbook, "model.xlsx")
    assert from_excel.stages == original.stages or excel_loses(original)
    _same(_footprint(workbook, "xlsx", files, sets), _footprint(text.encode(), "yaml", files, sets))
    if not excel_loses(original):
        assert from_excel == original


def test_what_the_workbook_cannot_hold_is_named() -> None:
    everything = parse_model(TEST_MODELS["everything"], "m")
    assert excel_loses(everything) == ["uncertainty", "factor_uncertainty"]
    assert excel_loses(parse_model(TEST_MODELS["scenarios"], "m")) == ["parameters", "scenarios", "formula"]
    for path in EXAMPLES:  # the T-shirt and the hydrogen go to Excel and back whole; the PV module has scenarios
        assert excel_loses(load_model(path)) == (
            [] if path.parent.name != "pv-module" else ["scenarios", "factor_uncertainty"]
        )


def test_fields_are_the_checkers_places_in_the_models_order() -> None:
    fields = form_of(parse_model(TEST_MODELS["everything"], "m"))
    places = [place for place, _ in fields]
    assert places[:2] == ["product.name", "declared_unit.unit"]
    assert "stages[0].activities[2].process" in places
    assert ("stages[1].activities[1].exempted", "true") in fields
    assert ("processes[0].outputs[1].energy_mj", "2.0") in fields
    assert ("omitted_stages.use", "nothing is used") in fields
    assert ("stages[0].activities[0].uncertainty.gsd", "1.2") in fields
    scenario = form_of(parse_model(TEST_MODELS["scenarios"], "m"))
    assert ("stages[0].activities[0].amount", "mass_kg * (1 - recycled_share)") in scenario  # the formula shows
    assert not any(place.endswith(".formula") for place, _ in scenario)
    assert ('scenarios[1].factors["test/power"]', "test/green-power") in scenario
    assert place_of(["scenarios", 1, "factors", "test/power"]) == 'scenarios[1].factors["test/power"]'


def test_texts_become_numbers_flags_and_formulas_where_the_model_has_them() -> None:
    data = model_data(
        [
            ("product.name", " 2024 "),  # a text stays a text, spaces and all
            ("stages[0].name", "production"),
            ("stages[0].activities[0].amount", " 0.2411638 "),
            ("stages[0].activities[0].avoided", "true"),
            ("stages[0].activities[0].dqr.temporal", "2"),
            ("stages[0].activities[1].amount", "distance_km * 2"),
            ("stages[0].activities[1].name", ""),  # empty: says nothing
            ("stages[0].activities[0].uncertainty.pedigree.temporal", "3"),
            ("declared_unit.amount", "1e-3"),
            ("scenarios[0].parameters.distance_km", "12.5"),
        ]
    )
    assert data["product"]["name"] == " 2024 "
    first, second = data["stages"][0]["activities"]
    assert first["amount"] == 0.2411638 and first["avoided"] is True and first["dqr"]["temporal"] == 2
    assert first["uncertainty"]["pedigree"]["temporal"] == 3
    assert second == {"amount": "distance_km * 2"}
    assert data["declared_unit"]["amount"] == 0.001
    assert data["scenarios"][0]["parameters"]["distance_km"] == 12.5


def test_rows_are_numbered_again_in_their_order() -> None:
    data = model_data(
        [("stages[7].name", "use"), ("stages[2].name", "production"), ("stages[2].activities[9].name", "a")]
    )
    assert data["stages"] == [{"name": "production", "activities": [{"name": "a"}]}, {"name": "use"}]


@pytest.mark.parametrize(
    "fields",
    [
        [("stages[0]", "x"), ("stages[0].name", "y")],  # a value, then a group at the same place
        [("product.name", "a"), ("product.name", "b")],  # twice
        [("stages[0].name", "a"), ("stages.name", "b")],  # a list and a group
        [("stages[x].name", "a")],
        [(".name", "a")],
        [("[0].name", "a")],
        [("a.b.c.d.e.f.g.h.i", "deep")],
        [("product.name", 3)],
        [("product.name",)],
        [("p" * 400, "long")],
    ],
)
def test_fields_that_are_no_models_are_refused_with_a_stable_code(fields: list[Any]) -> None:
    with pytest.raises(InvalidForm) as caught:
        model_data(fields)
    assert caught.value.code == "invalid_form" and isinstance(caught.value, InvalidInput)


def test_the_number_of_fields_is_bounded() -> None:
    many = ((f"stages[{n}].name", "s") for n in range(MAX_FIELDS + 1))
    with pytest.raises(InvalidForm, match="more than"):
        model_data(many)


def test_the_excel_template_has_chinese_headers_lists_and_reads_back_when_filled(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    template = excel_template(["cn-electricity-footprint/cn-footprint-national-2023", "test/steel"])
    book = load_workbook(io.BytesIO(template))
    assert book.sheetnames == ["说明", "产品", "物料清单", "过程", "列表"]
    bom = book["物料清单"]
    assert [cell.value for cell in bom[1]][:5] == ["阶段", "名称", "数量", "单位", "排放因子键"]
    lists = {str(check.sqref)[0]: check.formula1 for check in bom.data_validations.dataValidation}
    assert set(lists) == {"A", "D", "E"}  # stage, unit, factor
    assert "列表" in lists["E"]
    assert book["列表"]["C2"].value == "cn-electricity-footprint/cn-footprint-national-2023"
    book["产品"]["B2"] = "Widget"
    bom.append(["production", "power", 2, "kWh", "cn-electricity-footprint/cn-footprint-national-2023"])
    filled = io.BytesIO()
    book.save(filled)
    result = compute(ModelBundle(filled.getvalue(), "xlsx", {}))
    assert math.isclose(result.total, 2 * 0.6205, rel_tol=1e-9)
