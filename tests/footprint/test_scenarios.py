"""Parameters, formula amounts, one-at-a-time sensitivity and named scenarios, with answers checkable by hand.

The factors are the test values of test_uncertainty (steel 2, power 0.5, green-power 0.1, glue 1 kg CO2e per unit).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from lowcarbon.cli import app
from lowcarbon.errors import DataFormatError
from lowcarbon.footprint import compute
from lowcarbon.footprint.formula import FormulaError, evaluate, names_in
from lowcarbon.footprint.model import MESSAGES_ZH, parse_model
from lowcarbon.footprint.scenarios import Study, scenarios, sensitivity
from support.uncertainty_support import line, model, write

PARAMETERS = [
    {"name": "distance_km", "value": 100, "unit": "km", "low": 50, "high": 200, "name_zh": "运输距离"},
    {"name": "recycled_share", "value": 0.2, "low": 0, "high": 0.5, "name_zh": "再生料比例"},
    {"name": "mass_kg", "value": 2},
]


def product(**more: Any) -> dict[str, Any]:
    """2 kg of material, part recycled (steel for virgin at 2, glue standing for recycled at 1 kg CO2e/kg), moved
    distance_km * 0.01 kWh-equivalents of power at 0.5, and 4 kWh of power in production.

    Base: virgin 1.6 * 2 = 3.2, recycled 0.4 * 1 = 0.4, transport 1 * 0.5 = 0.5, power 4 * 0.5 = 2: total 6.1."""
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
        parameters=PARAMETERS,
        **more,
    )


def test_formulas_are_read_safely() -> None:
    assert evaluate("(a + 2) * b / 4 - -1", {"a": 2, "b": 3}) == 4.0
    assert names_in("mass_kg * (1 - recycled_share)") == ["mass_kg", "recycled_share"]
    for bad in ("__import__('os').system('true')", "a ** 2", "a.real", "max(a, 1)", "a if a else 1", "[a]", "'a'"):
        with pytest.raises(FormulaError) as caught:
            evaluate(bad, {"a": 1.0})
        assert caught.value.id == "bad_formula"
    with pytest.raises(FormulaError, match="not a parameter"):
        evaluate("b * 2", {"a": 1.0})
    with pytest.raises(FormulaError) as caught:
        evaluate("a / (a - 1)", {"a": 1.0})
    assert caught.value.id == "formula_not_finite"
    with pytest.raises(FormulaError):
        evaluate("1 +", {})


def test_formula_amounts_are_computed_from_parameters(tmp_path: Path) -> None:
    parsed = parse_model(product(), "m.yaml")
    virgin = parsed.stages[0].activities[0]
    assert (virgin.amount, virgin.formula) == (pytest.approx(1.6), "mass_kg * (1 - recycled_share)")
    assert compute(write(tmp_path, product())).total == pytest.approx(6.1, rel=1e-12)


def test_sensitivity_one_parameter_at_a_time(tmp_path: Path) -> None:
    """distance 50..200 km: truck 0.25..1 against 0.5, total 5.85..6.6; recycled share 0..0.5: virgin 4..2 and
    recycled 0..1, total 6.5..5.5 (swing 1.0, the largest). mass_kg has no range: no case."""
    cases = sensitivity(write(tmp_path, product()))
    assert [c.parameter for c in cases] == ["recycled_share", "distance_km"]
    recycled, distance = cases
    assert (recycled.total_low, recycled.total_high) == (pytest.approx(6.5), pytest.approx(5.5))
    assert (distance.low_value, distance.base_value, distance.high_value) == (50, 100, 200)
    assert (distance.total_low, distance.total_high) == (pytest.approx(5.85), pytest.approx(6.6))
    assert (distance.unit, distance.parameter_zh, recycled.parameter_zh) == ("km", "运输距离", "再生料比例")


def test_scenarios_beside_the_base(tmp_path: Path) -> None:
    declared = [
        {
            "name": "half recycled",
            "name_zh": "一半再生料",
            "description": "recycled content 50 %",
            "parameters": {"recycled_share": 0.5},
        },
        {"name": "far market", "parameters": {"distance_km": 1000}},  # beyond the sensitivity range: allowed
        {
            "name": "green power",
            "description": "production on another grid mix",
            "lines": [{"line": "power", "factor": "test/green-power"}],  # by name: 4 kWh at 0.1
        },
        {"name": "less power", "lines": [{"line": "stages[2].activities[0]", "amount": "mass_kg"}]},
        {"name": "green grid", "factors": {"test/power": "test/green-power"}},  # truck and power lines alike
    ]
    results = scenarios(write(tmp_path, product(scenarios=declared)))
    assert [r.name for r in results] == ["half recycled", "far market", "green power", "less power", "green grid"]
    totals = {r.name: r.total for r in results}
    # half recycled: 2 + 1 + 0.5 + 2; far market: truck 10 * 0.5 = 5; green power: power 4 * 0.1; less power:
    # 2 * 0.5; green grid: truck 1 * 0.1 and power 4 * 0.1, with 3.2 + 0.4 of steel
    expected = {"half recycled": 5.5, "far market": 10.6, "green power": 4.5, "less power": 5.1, "green grid": 4.1}
    assert totals == pytest.approx(expected)
    half = results[0]
    assert (half.name_zh, half.description, half.description_zh) == (
        "一半再生料",
        "recycled content 50 %",
        "recycled content 50 %",
    )
    assert half.difference == pytest.approx(5.5 - 6.1)
    assert half.by_stage["raw_material_acquisition"] == pytest.approx(3.0)
    assert results[1].name_zh == "far market"


def test_variants_leave_out_amount_uncertainty_that_no_longer_fits(tmp_path: Path) -> None:
    data = product()
    data["stages"][1]["activities"][0]["uncertainty"] = {"distribution": "uniform", "minimum": 0.9, "maximum": 1.1}
    study = Study(write(tmp_path, data))
    assert study.base.total == pytest.approx(6.1)
    assert sensitivity(study)[1].total_high == pytest.approx(6.6)  # truck 2 kWh, outside 0.9..1.1: no matter


@pytest.mark.parametrize(
    ("change", "problem_id", "words"),
    [
        ({"parameters": [{"name": "x", "value": 1, "low": 2}]}, "parameter_range", "low <= value"),
        ({"parameters": [{"name": "2x", "value": 1}]}, "string_pattern_mismatch", ""),
        ({"scenarios": [{"name": "s", "parameters": {"nope": 1}}]}, "unknown_parameter", "nope"),
        ({"scenarios": [{"name": "s", "lines": [{"line": "nowhere", "amount": 1}]}]}, "unknown_line", "nowhere"),
        ({"scenarios": [{"name": "s", "lines": [{"line": "power"}]}]}, "scenario_change", "amount"),
        (
            {"scenarios": [{"name": "s", "lines": [{"line": "power", "amount": "watts * 2"}]}]},
            "unknown_parameter",
            "watts",
        ),
        ({"scenarios": [{"name": "s"}, {"name": "s"}]}, "repeated_name", "scenario"),
        ({"scenarios": [{"name": "s", "factors": {"test/steel": "test/glue"}}]}, "unknown_factor_link", "test/steel"),
    ],
)
def test_bad_parameters_and_scenarios_are_named(change: dict[str, Any], problem_id: str, words: str) -> None:
    data = {**model(("production", [line("power", 4, "kWh", "test/power")])), **change}
    with pytest.raises(DataFormatError) as caught:
        parse_model(data, "m.yaml")
    problem = caught.value.problems[0]
    assert problem.id == problem_id and words in problem.message
    assert problem_id in MESSAGES_ZH or problem_id == "string_pattern_mismatch"


def test_a_formula_with_an_unknown_parameter_is_named_at_its_line() -> None:
    data = model(("production", [line("truck", "distance * 0.01", "kWh", "test/power")]))
    with pytest.raises(DataFormatError) as caught:
        parse_model(data, "m.yaml")
    problem = caught.value.problems[0]
    assert (problem.place, problem.id) == ("stages[0].activities[0].amount", "unknown_parameter")
    assert "a formula of the model's parameters: 'distance * 0.01' uses 'distance'" in problem.message
    assert "parameters: none" in problem.message


def test_a_scenario_whose_factor_is_unknown_names_the_scenario(tmp_path: Path) -> None:
    declared = [{"name": "typo", "lines": [{"line": "power", "factor": "test/nope"}]}]
    with pytest.raises(DataFormatError) as caught:
        scenarios(write(tmp_path, product(scenarios=declared)))
    problem = caught.value.problems[0]
    assert problem.source.endswith("model.yaml (scenario typo)") and problem.place == "stages[2].activities[0].factor"


def test_footprint_json_adds_sensitivity_and_scenarios_when_declared(tmp_path: Path) -> None:
    path = write(tmp_path, product(scenarios=[{"name": "half recycled", "parameters": {"recycled_share": 0.5}}]))
    runner = CliRunner().invoke(app, ["footprint", str(path), "--json"])
    assert runner.exit_code == 0, runner.output
    data = json.loads(runner.stdout)
    assert data["total"] == pytest.approx(6.1) and "uncertainty" not in data
    assert [c["parameter"] for c in data["sensitivity"]] == ["recycled_share", "distance_km"]
    assert data["scenarios"][0]["total"] == pytest.approx(5.5) and data["scenarios"][0]["difference"] == pytest.approx(
        -0.6
    )
    table = CliRunner().invoke(app, ["footprint", str(path)])
    assert table.exit_code == 0 and "Sensitivity" in table.stdout and "half recycled" in table.stdout


def test_the_pv_module_examples_scenarios_are_its_readmes_sensitivities() -> None:
    """examples/pv-module declares the README's recycled-frame and 2024-grid sensitivities as scenarios."""
    example = Path(__file__).parents[2] / "examples" / "pv-module" / "model.yaml"
    results = {r.name: r.total for r in scenarios(example)}
    assert results == pytest.approx({"recycled aluminium frame": 349.833, "2024 grid factor": 430.104}, abs=5e-4)
