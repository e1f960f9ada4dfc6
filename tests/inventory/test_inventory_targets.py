"""Reduction targets, worked by hand: the example's absolute and intensity targets against its restated base year,
progress over several years against the linear path, the gap the planned actions leave, the problems of a target,
and the targets as the command line, the platform (reading stored inventories of other years), the page and the
report show them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from lowcarbon.cli import app
from lowcarbon.errors import DataFormatError
from lowcarbon.inventory.compute import compute_inventory
from lowcarbon.inventory.read import parse_inventory
from lowcarbon.inventory.targets import YearFigures
from lowcarbon.platform.settings import Settings
from support.inventory_support import EXAMPLE
from support.study_support import client_for, seed_organisation

NG_T_PER_NM3 = 389.31 / 10_000 * 0.01530 * 0.99 * 44 / 12  # cn-other-industry natural gas defaults
DIESEL_T_PER_T = 43.33 * 0.02020 * 0.98 * 44 / 12  # cn-other-industry diesel defaults
EAST_2022, EAST_2023 = 0.5617 / 1000, 0.5500 / 1000  # t CO2/kWh, MEE/NBS East China grid
NATIONAL_2021, NATIONAL_2023 = 0.5568 / 1000, 0.5306 / 1000  # t CO2/kWh, MEE/NBS national average
# the restated base year 2022, scopes 1 and 2 (location-based): plants A and B
BASE_2022 = (95_000 + 40_000) * NG_T_PER_NM3 + (1_900_000 + 1_000_000) * EAST_2022
# 2023 scopes 1 and 2: plant A's gas, diesel and HFC-134a leak, plant B's September gas; 2,220,000 kWh in all
ACTUAL_2023 = 105_000 * NG_T_PER_NM3 + 20 * DIESEL_T_PER_T + 5 * 1530 / 1000 + 2_220_000 * EAST_2023


def _target(result: Any, target_id: str) -> Any:
    return next(t for t in result.targets if t.id == target_id)


def test_the_examples_absolute_target_by_hand(example_data: dict[str, Any]) -> None:
    """30 % below the restated 2022 by 2030: base 1,920.825 t, target 1,344.578 t; 2023 at 1,518.582 t is 20.94 %
    below the base and under the path (1,920.825 - 576.248 / 8 = 1,848.795); 174.004 t a year still needed, the
    rooftop PV (120) and heat pumps (30) planned, the LED lighting done (in the figures): a gap of 24.004 t."""
    result = compute_inventory(parse_inventory(example_data, "inv.yaml"))
    target = _target(result, "scopes-1-2-2030")
    assert round(BASE_2022, 3) == 1920.825 and round(ACTUAL_2023, 3) == 1518.582
    assert target.base_value == pytest.approx(BASE_2022)
    assert target.target_value == pytest.approx(0.7 * BASE_2022)
    assert [p.year for p in target.progress] == [2022, 2023]
    latest = target.progress[-1]
    assert latest.actual == pytest.approx(ACTUAL_2023)
    assert latest.path == pytest.approx(BASE_2022 - 0.3 * BASE_2022 / 8)
    assert latest.achieved_percent == pytest.approx(100 * (BASE_2022 - ACTUAL_2023) / BASE_2022)
    assert latest.achieved_percent == pytest.approx(20.94, abs=0.01)
    assert latest.on_track and (latest.kind, latest.source) == ("reporting", "")
    assert target.progress[0].kind == "base-restated" and target.progress[0].achieved_percent == 0
    assert target.needed_t == pytest.approx(ACTUAL_2023 - 0.7 * BASE_2022)
    assert target.planned_t == 150
    assert target.gap_t == pytest.approx(ACTUAL_2023 - 0.7 * BASE_2022 - 150)
    assert target.gap_t == pytest.approx(24.004, abs=1e-3)
    assert [(a.id, a.counted) for a in target.actions] == [
        ("rooftop-pv", True),
        ("heat-pumps", True),
        ("led-lighting", False),
    ]


def test_the_examples_intensity_target_by_hand(example_data: dict[str, Any]) -> None:
    """Per tonne of motors, 40 % below 2022 by 2030: base 1,920.825 / 180 t = 10.671 t CO2e/t, target 6.403; 2023
    1,518.582 / 200 t = 7.593, on track; at 2023's 200 t the reduction still needed is (7.593 - 6.403) x 200 =
    238.03 t a year, and no action serves the target: all of it is the gap."""
    target = _target(compute_inventory(parse_inventory(example_data, "inv.yaml")), "intensity-2030")
    base, goal, actual = BASE_2022 / 180, 0.6 * BASE_2022 / 180, ACTUAL_2023 / 200
    assert (target.base_value, target.target_value) == (pytest.approx(base), pytest.approx(goal))
    assert target.unit == "t CO2e per t"
    latest = target.progress[-1]
    assert (latest.emissions_t, latest.denominator, latest.actual) == (
        pytest.approx(ACTUAL_2023),
        200,
        pytest.approx(actual),
    )
    assert latest.path == pytest.approx(base - 0.4 * base / 8) and latest.on_track
    assert target.needed_t == pytest.approx((actual - goal) * 200)
    assert target.needed_t == pytest.approx(238.03, abs=0.01)
    assert target.planned_t == 0 and target.gap_t == pytest.approx(target.needed_t)


def _single_site(**extra: Any) -> dict[str, Any]:
    """A one-site company on the national grid: 1,000 MWh in the base year 2021, 800 MWh in 2023."""
    return {
        "organisation": {"name": "Grid Only Co."},
        "reporting_year": 2023,
        "approach": "operational_control",
        "base_year": {"year": 2021, "threshold_percent": 5},
        "sites": [{"id": "works", "grid": "CN"}],
        "activities": [
            {"site": "works", "year": 2021, "kind": "electricity", "amount": 1_000_000, "unit": "kWh"},
            {"site": "works", "year": 2023, "kind": "electricity", "amount": 800_000, "unit": "kWh"},
        ],
        "targets": [
            {"id": "s2", "kind": "absolute", "scopes": ["2-location"], "target_year": 2025, "reduction_percent": 20},
            {
                "id": "cat2-per-revenue",
                "kind": "intensity",
                "categories": ["2"],
                "target_year": 2025,
                "reduction_percent": 20,
                "intensity": {"name": "revenue", "unit": "10^4 CNY", "values": {2021: 1000, 2023: 1000}},
            },
        ],
        **extra,
    }


def test_progress_over_several_years_from_the_files_history() -> None:
    """Base 2021: 556.8 t; target 2025: 445.44 t; the path falls 27.84 t a year. 2022 from the file's history,
    540 t against a path of 528.96: off track; 2023: 424.48 t against 501.12: on track, 23.76 % below the base,
    below the target already (nothing more needed). The intensity target has no revenue of 2022: left out."""
    history = [{"year": 2022, "by_scope": {"1": 0, "2-location": 540}, "by_category": {"2": 540}, "source": "FY22"}]
    result = compute_inventory(parse_inventory(_single_site(history=history), "inv.yaml"))
    target = _target(result, "s2")
    base = 1_000_000 * NATIONAL_2021
    assert target.base_value == pytest.approx(556.8) and target.target_value == pytest.approx(445.44)
    rows = [(p.year, p.actual, p.path, p.on_track, p.kind, p.source) for p in target.progress]
    assert rows == [
        (2021, pytest.approx(base), pytest.approx(base), True, "base", ""),
        (2022, 540, pytest.approx(528.96), False, "history", "FY22"),
        (2023, pytest.approx(424.48), pytest.approx(501.12), True, "reporting", ""),
    ]
    assert target.progress[-1].achieved_percent == pytest.approx(100 * (556.8 - 424.48) / 556.8)
    assert (target.needed_t, target.gap_t) == (0, 0)
    intensity = _target(result, "cat2-per-revenue")
    assert [p.year for p in intensity.progress] == [2021, 2023]
    assert intensity.progress[-1].actual == pytest.approx(0.42448)
    assert "target cat2-per-revenue: no revenue given for 2022; that year is left out" in result.warnings


def test_figures_given_from_outside_win_over_the_files_history() -> None:
    """The platform's figures of a year (a stored inventory) replace the file's history of that year, and years
    before the base year or after the reporting year are not shown."""
    history = [{"year": 2022, "by_scope": {"2-location": 540}}]
    given = [
        YearFigures(2022, {"2-location": 500.0}, {"2": 500.0}, "FY22"),
        YearFigures(2020, {"2-location": 900.0}, {"2": 900.0}, "FY20"),
        YearFigures(2024, {"2-location": 100.0}, {"2": 100.0}, "FY24"),
    ]
    result = compute_inventory(parse_inventory(_single_site(history=history), "inv.yaml"), past=given)
    progress = _target(result, "s2").progress
    assert [(p.year, p.actual, p.kind, p.source) for p in progress][1] == (2022, 500, "stored", "FY22")
    assert [p.year for p in progress] == [2021, 2022, 2023]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d.pop("base_year"), "target_base_year"),
        (lambda d: d["targets"][0].update(target_year=2021), "target_year"),
        (lambda d: d["targets"][0].update(scopes=["2-location", "2-market"]), "target_scope2_twice"),
        (lambda d: d["targets"][0].update(categories=["2"]), "target_coverage"),
        (
            lambda d: d["targets"][0].update(intensity={"name": "t", "unit": "t", "values": {2021: 1}}),
            "target_intensity",
        ),
        (lambda d: d["targets"][1]["intensity"].update(values={2023: 1000}), "intensity_base_year"),
        (lambda d: d["targets"][1]["intensity"].update(values={2021: 0}), "intensity_value"),
        (lambda d: d["targets"][1].update(id="s2"), "repeated_target"),
        (
            lambda d: d.update(
                reduction_actions=[{"id": "a", "name": "a", "target": "x", "expected_t_per_year": 1, "year": 2024}]
            ),
            "unknown_target",
        ),
        (lambda d: d.update(history=[{"year": 2023}]), "history_year"),
    ],
)
def test_a_wrong_target_is_named(change: Any, problem: str) -> None:
    data = _single_site()
    change(data)
    with pytest.raises(DataFormatError) as caught:
        parse_inventory(data, "inv.yaml")
    assert problem in [p.id for p in caught.value.problems]


def test_the_command_line_prints_the_targets_beside_the_contract() -> None:
    answer = CliRunner().invoke(app, ["inventory", "compute", str(EXAMPLE), "--json", "--no-lines"])
    assert answer.exit_code == 0, answer.output
    result = json.loads(answer.output)
    assert set(result["by_category"]) == set("123456")
    assert set(result["by_scope"]) == {"1", "2-location", "2-market", "3"}
    scopes = result["by_scope"]
    assert scopes["1"] + scopes["2-location"] + scopes["3"] == pytest.approx(result["total"])
    absolute, intensity = result["targets"]
    assert absolute["id"] == "scopes-1-2-2030" and absolute["gap_t"] == pytest.approx(24.004, abs=1e-3)
    assert absolute["progress"][-1]["on_track"] is True
    assert intensity["intensity"]["values"] == {"2022": 180.0, "2023": 200.0}


def _grid_only(year: int, kwh: float, **extra: Any) -> dict[str, Any]:
    """The one-site company's inventory of ``year`` (its targets in 2023 only), as a JSON body carries it."""
    data = _single_site(**extra)
    data["reporting_year"] = year
    data["activities"][1] = {**data["activities"][1], "year": year, "amount": kwh}
    if year != 2023:
        data["targets"] = []
    sent: dict[str, Any] = json.loads(json.dumps(data))
    return sent


def test_the_platform_reads_the_organisations_other_years(migrated: Settings) -> None:
    """The 2023 inventory's progress shows 2022 from the organisation's stored 2022 inventory (900 MWh x the
    national 2022 factor 0.5366 = 482.94 t), not the file's history; the page draws each target and the report
    holds them in both languages."""
    ours = seed_organisation(migrated, "Grid Only")
    with client_for(migrated, ours.editor) as client:
        earlier = client.post("/api/inventory", json={"name": "FY22", "inventory": _grid_only(2022, 900_000)})
        assert earlier.status_code == 201, earlier.text
        history = [{"year": 2022, "by_scope": {"2-location": 1}, "by_category": {"2": 1}}]
        created = client.post(
            "/api/inventory", json={"name": "FY23", "inventory": _grid_only(2023, 800_000, history=history)}
        )
        assert created.status_code == 201, created.text
        inventory = created.json()["id"]
        result = client.get(f"/api/inventory/{inventory}/result").json()
        absolute = next(t for t in result["targets"] if t["id"] == "s2")
        rows = [(p["year"], p["actual"], p["kind"], p["source"]) for p in absolute["progress"]]
        assert rows[1] == (2022, pytest.approx(900_000 * 0.5366 / 1000), "stored", "FY22")
        page = client.get(f"/inventory/{inventory}")
        assert page.status_code == 200
        assert 'id="targets"' in page.text and 'data-target="s2"' in page.text and "<svg" in page.text
        for lang, words in (
            ("en", ("Reduction targets and progress", "Linear path")),
            ("zh-CN", ("减排目标与进展", "线性路径")),
        ):
            html = client.get(f"/api/inventory/{inventory}/report.html?lang={lang}").text
            assert all(word in html for word in words)
        pdf = client.get(f"/api/inventory/{inventory}/report.pdf?lang=zh-CN")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_command_line_prints_progress_gap_and_interval() -> None:
    answer = CliRunner().invoke(app, ["inventory", "compute", str(EXAMPLE)])
    assert answer.exit_code == 0, answer.output
    text = " ".join(answer.output.split())
    assert "target scopes-1-2-2030: 2023 1,519 t CO2e against a path of 1,849 (on track" in text
    assert "still needed 174.004 t a year, planned actions 150.000, gap 24.004" in text
    assert "95 % interval of the total: 2,401." in text
