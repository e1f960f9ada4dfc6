"""Uncertainty in footprints: pedigree conversion, Monte Carlo through the engine, shared factors, the CLI.

The factors here are test values (kg CO2e per unit chosen for easy arithmetic), not published ones.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from lowcarbon.cli import app
from lowcarbon.errors import DataFormatError
from lowcarbon.footprint import compute
from lowcarbon.footprint.model import MESSAGES_ZH, parse_model
from lowcarbon.footprint.montecarlo import MAX_SAMPLES, compare_uncertain, footprint_uncertainty, sigma_of
from lowcarbon.footprint.pedigree import PEDIGREE, pedigree_gsd, pedigree_sigma
from support.uncertainty_support import line, model, write

# -- the pedigree matrix ---------------------------------------------------------------------------------------


def test_pedigree_factors_are_ecoinvent_v3s_with_their_source() -> None:
    """The shipped table is ecoinvent v3's (as openLCA ships it), with its source, year and convention."""
    assert PEDIGREE["indicators"] == {
        "reliability": [1.0, 1.05, 1.1, 1.2, 1.5],
        "completeness": [1.0, 1.02, 1.05, 1.1, 1.2],
        "temporal": [1.0, 1.03, 1.1, 1.2, 1.5],
        "geographical": [1.0, 1.01, 1.02, 1.05, 1.1],
        "technological": [1.0, 1.05, 1.2, 1.5, 2.0],
    }
    assert "Weidema" in PEDIGREE["source"] and PEDIGREE["year"] == 2013 and "GSD^2" in PEDIGREE["unit"]


def test_pedigree_conversion_by_hand() -> None:
    """Scores (2, 3, 1, 4, 5) with basic uncertainty 1.05: U = 1.05, 1.05, 1, 1.05, 2.0 and basic 1.05, each a
    squared GSD, so sigma = sqrt(4 (ln 1.05)^2 + (ln 2)^2) / 2 = sqrt(4 * 0.0023805 + 0.4804530) / 2 = 0.349991."""
    scores = {"reliability": 2, "completeness": 3, "temporal": 1, "geographical": 4, "technological": 5}
    by_hand = math.sqrt(4 * math.log(1.05) ** 2 + math.log(2.0) ** 2) / 2
    assert by_hand == pytest.approx(0.349991, abs=1e-6)
    assert pedigree_sigma(scores, 1.05) == pytest.approx(by_hand, rel=1e-12)
    assert pedigree_gsd(scores, 1.05) == pytest.approx(math.exp(0.349991), rel=1e-6)  # 1.41905
    best = dict.fromkeys(scores, 1)
    assert pedigree_sigma(best, 1.0) == 0.0
    # only the basic uncertainty: GSD^2 = 1.21, so GSD = 1.1 and sigma = ln 1.1
    assert pedigree_sigma(best, 1.21) == pytest.approx(math.log(1.1), rel=1e-12)


def test_a_models_pedigree_uncertainty_is_that_lognormal() -> None:
    scores = {"reliability": 4, "completeness": 2, "temporal": 3, "geographical": 1, "technological": 2}
    data = model(("production", [line("steel", 1, "kg", "test/steel")]))
    data["stages"][0]["activities"][0]["uncertainty"] = {"pedigree": scores, "basic_uncertainty": 1.05}
    uncertainty = parse_model(data, "m.yaml").stages[0].activities[0].uncertainty
    assert uncertainty is not None
    # U: reliability 4 -> 1.2, completeness 2 -> 1.02, temporal 3 -> 1.1, technological 2 -> 1.05; basic 1.05
    squares = sum(math.log(u) ** 2 for u in (1.2, 1.02, 1.1, 1.05, 1.05))
    assert sigma_of(uncertainty) == pytest.approx(math.sqrt(squares) / 2, rel=1e-12)


# -- Monte Carlo on a footprint ---------------------------------------------------------------------------------


def test_one_lognormal_factor_matches_the_analytic_lognormal(tmp_path: Path) -> None:
    """10 kg of steel at 2 kg CO2e/kg with GSD 1.5: the total is 20 X, X lognormal with median 1 and sigma ln 1.5,
    so its median is 20, its mean 20 exp(sigma^2 / 2) = 21.71 and its 95 % range 20 exp(-+1.96 sigma)."""
    steel = line("steel", 10, "kg", "test/steel", factor_uncertainty={"gsd": 1.5})
    path = write(tmp_path, model(("production", [steel])))
    result = footprint_uncertainty(path, 4000, seed=7)
    sigma = math.log(1.5)
    sd = 20 * math.sqrt(math.expm1(sigma**2) * math.exp(sigma**2))  # 9.17
    assert result.deterministic == pytest.approx(20.0, rel=1e-12)
    assert result.mean == pytest.approx(20 * math.exp(sigma**2 / 2), abs=4 * sd / math.sqrt(4000))
    assert result.median == pytest.approx(20.0, rel=0.03)
    assert result.std == pytest.approx(sd, rel=0.08)
    assert result.p2_5 == pytest.approx(20 * math.exp(-1.959964 * sigma), rel=0.05)
    assert result.p97_5 == pytest.approx(20 * math.exp(1.959964 * sigma), rel=0.05)
    assert result.by_stage["production"]["mean"] == pytest.approx(result.mean, rel=1e-12)
    assert len(result.samples) == MAX_SAMPLES and "samples" not in result.to_dict()
    assert result.uncertain_inputs == 1
    assert [c.label for c in result.contributors] == ["factor test/steel (test steel)"]
    assert result.contributors[0].share == pytest.approx(1.0) and result.contributors[0].label_zh.startswith("排放因子")


def test_same_seed_same_numbers_on_one_process_and_on_two(tmp_path: Path) -> None:
    lines = [
        line("steel", 3, "kg", "test/steel", uncertainty={"distribution": "normal", "std": 0.3}),
        line(
            "power",
            8,
            "kWh",
            "test/power",
            factor_uncertainty={"distribution": "triangular", "minimum": 0.4, "maximum": 0.7},
        ),
        line("glue", 0.2, "kg", "test/glue", uncertainty={"distribution": "uniform", "minimum": 0.1, "maximum": 0.3}),
    ]
    path = write(tmp_path, model(("production", lines)))
    one = footprint_uncertainty(path, 120, seed=11)
    again = footprint_uncertainty(path, 120, seed=11)
    two = footprint_uncertainty(path, 120, seed=11, processes=2)
    other = footprint_uncertainty(path, 120, seed=12)
    assert one.samples == again.samples == two.samples
    assert one.to_dict() == two.to_dict()
    assert other.samples != one.samples
    assert one.deterministic == pytest.approx(compute(path).total, rel=1e-12)


def test_variance_contributions_follow_the_inputs_variances(tmp_path: Path) -> None:
    """Two independent normal amounts at 1 kg CO2e/kg, standard deviations 1 and 2: variances 1 and 4, so the total's
    variance is 5 and their shares are about 1/5 and 4/5. (For a normal sum the squared Spearman correlations are
    ((6 / pi) asin(rho / 2))^2 = 0.186 and 0.784, which normalised are 0.19 and 0.81.)"""
    lines = [
        line("small", 10, "kg", "test/glue", uncertainty={"distribution": "normal", "std": 1.0}),
        line("large", 10, "kg", "test/glue", uncertainty={"distribution": "normal", "std": 2.0}),
    ]
    path = write(tmp_path, model(("production", lines)))
    result = footprint_uncertainty(path, 4000, seed=3)
    shares = {c.label: c.share for c in result.contributors}
    assert shares == pytest.approx(
        {
            "production / large (amount; test/glue)": 0.8,
            "production / small (amount; test/glue)": 0.2,
        },
        abs=0.03,
    )
    assert result.std == pytest.approx(math.sqrt(5), rel=0.05)


def test_a_factor_files_spread_is_used_and_a_models_overrides_it(tmp_path: Path) -> None:
    path = write(tmp_path, model(("production", [line("resin", 1, "kg", "test/resin")])))
    from_file = footprint_uncertainty(path, 2000, seed=1)
    assert from_file.median == pytest.approx(4.0, rel=0.05)
    assert from_file.p97_5 / from_file.median == pytest.approx(1.5**1.959964, rel=0.06)
    overridden = line("resin", 1, "kg", "test/resin", factor_uncertainty={"distribution": "normal", "std": 0.1})
    path = write(tmp_path, model(("production", [overridden])))
    assert footprint_uncertainty(path, 2000, seed=1).std == pytest.approx(0.1, rel=0.08)


def test_a_shared_factor_is_one_draw_in_a_comparison(tmp_path: Path) -> None:
    """B is A plus 1 kg of glue (fixed): with the power factor drawn once for both, A < B in every iteration."""
    power = line("power", 100, "kWh", "test/power", factor_uncertainty={"gsd": 2.0})
    a = write(tmp_path, model(("production", [power]), name="A"), "a.yaml")
    b = write(tmp_path, model(("production", [power, line("glue", 1, "kg", "test/glue")]), name="B"), "b.yaml")
    comparison = compare_uncertain(a, b, 500, seed=5)
    assert comparison.probability_a_lower == 1.0
    assert comparison.shared_factors == ["test/power"]
    assert comparison.difference["mean"] == pytest.approx(1.0, rel=1e-9)
    assert comparison.difference["std"] == pytest.approx(0.0, abs=1e-9)
    assert comparison.a["deterministic"] == pytest.approx(50.0) and comparison.b["deterministic"] == pytest.approx(51.0)
    # the same value under another key is another factor, drawn on its own: no longer always lower
    copy = line("power", 100, "kWh", "test/power-copy", factor_uncertainty={"gsd": 2.0})
    c = write(tmp_path, model(("production", [copy, line("glue", 1, "kg", "test/glue")]), name="C"), "c.yaml")
    apart = compare_uncertain(a, c, 500, seed=5)
    assert apart.shared_factors == [] and 0.3 < apart.probability_a_lower < 0.7
    # a model against itself: equal in every iteration, never lower (round-off is not a difference)
    same = compare_uncertain(a, a, 200, seed=5)
    assert (same.probability_a_lower, same.probability_equal) == (0.0, 1.0)


def test_the_pv_module_example_against_itself_is_equal_in_every_iteration() -> None:
    example = Path(__file__).parents[2] / "examples" / "pv-module" / "model.yaml"
    same = compare_uncertain(example, example, 200, seed=1)
    assert (same.probability_a_lower, same.probability_equal) == (0.0, 1.0)
    assert same.shared_factors == [
        "cn-electricity-footprint/cn-footprint-national-2023",
        "tiangong-materials/aluminium-primary-ingot-cn-2008",
    ]


def test_a_process_inputs_amount_and_a_negative_factor(tmp_path: Path) -> None:
    """Amount spreads inside a modelled process and on an avoided line (a credit) keep the deterministic total."""
    data = model(
        ("production", [{"name": "part", "amount": 2, "unit": "kg", "process": "moulding"}]),
        ("end_of_life", [line("recycled steel", 1, "kg", "test/steel", avoided=True, uncertainty={"gsd": 1.2})]),
    )
    data["processes"] = [
        {
            "id": "moulding",
            "outputs": [{"product": "part", "amount": 1, "unit": "kg"}],
            "inputs": [line("resin", 1.1, "kg", "test/glue", uncertainty={"distribution": "normal", "std": 0.05})],
        }
    ]
    path = write(tmp_path, data)
    result = footprint_uncertainty(path, 300, seed=2)
    assert result.deterministic == pytest.approx(2 * 1.1 - 2.0, rel=1e-12)
    # the credit is -2 X with X lognormal of median 1: its mean is -2 exp(sigma^2 / 2), sigma = ln 1.2
    assert result.mean == pytest.approx(2.2 - 2 * math.exp(math.log(1.2) ** 2 / 2), abs=0.08)
    assert {c.label for c in result.contributors} == {
        "process moulding / resin (amount; test/glue)",
        "end_of_life / recycled steel (amount; test/steel)",
    }


# -- model errors -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("uncertainty", "place", "problem_id"),
    [
        ({"distribution": "normal", "gsd": 1.2}, "stages[0].activities[0].uncertainty", "uncertainty_fields"),
        ({"gsd": 1.2, "sigma": 0.2}, "stages[0].activities[0].uncertainty", "uncertainty_fields"),
        ({"gsd": 0.9}, "stages[0].activities[0].uncertainty.gsd", "greater_than"),
        ({"pedigree": {"reliability": 2}}, "stages[0].activities[0].uncertainty.pedigree.completeness", "missing"),
        (
            {
                "pedigree": dict.fromkeys(
                    ["reliability", "completeness", "temporal", "geographical", "technological"], 2
                )
            },
            "stages[0].activities[0].uncertainty",
            "uncertainty_fields",
        ),
        ({"distribution": "uniform", "minimum": 5, "maximum": 6}, "stages[0].activities[0]", "uncertainty_range"),
        (
            {"distribution": "triangular", "minimum": 2, "maximum": 1},
            "stages[0].activities[0].uncertainty",
            "uncertainty_range",
        ),
        ({"distribution": "gamma"}, "stages[0].activities[0].uncertainty.distribution", "literal_error"),
        ({"gsd": 1.2, "typo": 1}, "stages[0].activities[0].uncertainty.typo", "extra_forbidden"),
    ],
)
def test_bad_uncertainty_fields_are_named_with_the_fix(
    uncertainty: dict[str, Any], place: str, problem_id: str
) -> None:
    data = model(("production", [line("steel", 1, "kg", "test/steel", uncertainty=uncertainty)]))
    with pytest.raises(DataFormatError) as caught:
        parse_model(data, "m.yaml")
    problem = caught.value.problems[0]
    assert (problem.place, problem.id, problem.source) == (place, problem_id, "m.yaml")
    if problem_id.startswith("uncertainty"):
        assert problem_id in MESSAGES_ZH and ("takes" in problem.message or "minimum" in problem.message)


def test_lognormal_needs_a_positive_amount_and_factor_uncertainty_a_factor() -> None:
    zero = line("steel", 0, "kg", "test/steel", uncertainty={"gsd": 1.2})
    with pytest.raises(DataFormatError) as caught:
        parse_model(model(("production", [zero])), "m.yaml")
    assert caught.value.problems[0].id == "lognormal_zero"
    on_process = {"name": "part", "amount": 1, "unit": "kg", "process": "p", "factor_uncertainty": {"gsd": 1.2}}
    with pytest.raises(DataFormatError) as caught:
        parse_model(model(("production", [on_process])), "m.yaml")
    assert caught.value.problems[0].id == "factor_uncertainty_process"


def test_one_factor_has_one_uncertainty() -> None:
    lines = [
        line("a", 1, "kg", "test/steel", factor_uncertainty={"gsd": 1.2}),
        line("b", 1, "kg", "test/steel", factor_uncertainty={"gsd": 1.3}),
    ]
    with pytest.raises(DataFormatError) as caught:
        parse_model(model(("production", lines)), "m.yaml")
    problem = caught.value.problems[0]
    assert problem.id == "factor_uncertainty_conflict" and "stages[0].activities[0]" in problem.message


def test_a_factor_spread_that_does_not_hold_the_factors_value_is_named(tmp_path: Path) -> None:
    steel = line(
        "steel", 1, "kg", "test/steel", factor_uncertainty={"distribution": "uniform", "minimum": 3, "maximum": 4}
    )
    path = write(tmp_path, model(("production", [steel])))
    with pytest.raises(DataFormatError) as caught:
        footprint_uncertainty(path, 10, seed=1)
    problem = caught.value.problems[0]
    assert problem.place == "stages[0].activities[0].factor_uncertainty" and "outside" in problem.message
    assert (problem.source, problem.id) == (str(path), "uncertainty_range")


# -- the command line ---------------------------------------------------------------------------------------------


def test_footprint_iterations_json_adds_uncertainty_and_keeps_the_rest(tmp_path: Path) -> None:
    steel = line("steel", 10, "kg", "test/steel", factor_uncertainty={"gsd": 1.5})
    path = write(tmp_path, model(("production", [steel])))
    plain = CliRunner().invoke(app, ["footprint", str(path), "--json"])
    assert plain.exit_code == 0, plain.output
    runner = CliRunner().invoke(app, ["footprint", str(path), "--json", "--iterations", "60", "--seed", "4"])
    assert runner.exit_code == 0, runner.output
    data = json.loads(runner.stdout)
    without = json.loads(plain.stdout)
    assert {k: v for k, v in data.items() if k != "uncertainty"} == without
    assert "sensitivity" not in data and "scenarios" not in data
    uncertainty = data["uncertainty"]
    assert uncertainty["iterations"] == 60 and uncertainty["seed"] == 4
    assert set(uncertainty) >= {"deterministic", "mean", "std", "median", "p2_5", "p97_5", "contributors", "by_stage"}
    assert uncertainty["deterministic"] == pytest.approx(data["total"])
    assert uncertainty["contributors"][0]["label"] == "factor test/steel (test steel)"
    table = CliRunner().invoke(app, ["footprint", str(path), "--iterations", "30", "--seed", "4"])
    assert table.exit_code == 0 and "Monte Carlo: 30 iterations, seed 4" in table.stdout


def test_footprint_compare_reports_how_often_a_is_lower(tmp_path: Path) -> None:
    power = line("power", 100, "kWh", "test/power", factor_uncertainty={"gsd": 2.0})
    a = write(tmp_path, model(("production", [power])), "a.yaml")
    b = write(tmp_path, model(("production", [power, line("glue", 1, "kg", "test/glue")])), "b.yaml")
    runner = CliRunner().invoke(
        app, ["footprint-compare", str(a), str(b), "--iterations", "50", "--seed", "1", "--json"]
    )
    assert runner.exit_code == 0, runner.output
    data = json.loads(runner.stdout)
    assert data["probability_a_lower"] == 1.0 and data["iterations"] == 50 and data["shared_factors"] == ["test/power"]
    table = CliRunner().invoke(app, ["footprint-compare", str(a), str(b), "--iterations", "50", "--seed", "1"])
    assert table.exit_code == 0 and "A is lower than B in 100.0% of the iterations" in table.stdout
