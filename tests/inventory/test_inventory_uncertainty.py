"""The inventory total's uncertainty, worked by hand: records that give the spread of their amount are sampled
(Monte Carlo, a fixed seed), the others fixed; the 95 % interval is what the distributions give analytically, within
the sampling error of 10,000 iterations; the JSON, the report and the page show it."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from lowcarbon.errors import DataFormatError
from lowcarbon.inventory.compute import compute_inventory
from lowcarbon.inventory.read import parse_inventory
from lowcarbon.inventory.reporting import report_html
from lowcarbon.platform.settings import Settings
from support.study_support import client_for, seed_organisation

NATIONAL_2023 = 0.5306 / 1000  # t CO2/kWh, MEE/NBS national average 2023
Z = 1.959963984540054  # the standard normal's 97.5th percentile


def _inventory(*records: dict[str, Any]) -> dict[str, Any]:
    """A one-site company on the national grid, its 2023 electricity records as given."""
    return {
        "organisation": {"name": "Grid Only Co."},
        "reporting_year": 2023,
        "approach": "operational_control",
        "sites": [{"id": "works", "grid": "CN"}],
        "activities": [{"site": "works", "year": 2023, "kind": "electricity", "unit": "kWh", **r} for r in records],
    }


def test_two_normal_records_add_in_quadrature() -> None:
    """800 MWh ± 40 MWh and 200 MWh ± 30 MWh (normal, one standard deviation): 424.48 ± 21.224 t and 106.12 ±
    15.918 t; the total 530.6 t has sigma sqrt(21.224^2 + 15.918^2) = 26.530 t, its 95 % interval 530.6 ± 1.96 x
    26.530 = 478.60 to 582.60 t."""
    data = _inventory(
        {"amount": 800_000, "uncertainty": {"distribution": "normal", "std": 40_000}},
        {"amount": 200_000, "uncertainty": {"distribution": "normal", "std": 30_000}},
    )
    found = compute_inventory(parse_inventory(data, "inv.yaml")).uncertainty
    sigma = math.hypot(40_000 * NATIONAL_2023, 30_000 * NATIONAL_2023)
    assert sigma == pytest.approx(26.530, abs=1e-3)
    assert found.deterministic == pytest.approx(530.6)
    assert found.iterations == 10_000 and found.uncertain_records == ("activities[0]", "activities[1]")
    assert found.mean == pytest.approx(530.6, abs=1.0)
    assert found.std == pytest.approx(sigma, rel=0.03)
    assert found.p2_5 == pytest.approx(530.6 - Z * sigma, abs=2.0)
    assert found.p97_5 == pytest.approx(530.6 + Z * sigma, abs=2.0)
    again = compute_inventory(parse_inventory(data, "inv.yaml")).uncertainty
    assert again == found  # the seed is fixed


def test_a_lognormal_record_beside_a_fixed_one() -> None:
    """800 MWh with a GSD of 1.2 (the median 424.48 t) beside 200 MWh taken as exact (106.12 t): the 95 % interval
    is 106.12 + 424.48 x 1.2^(-+1.96) = 403.05 to 712.93 t."""
    data = _inventory({"amount": 800_000, "uncertainty": {"gsd": 1.2}}, {"amount": 200_000})
    found = compute_inventory(parse_inventory(data, "inv.yaml")).uncertainty
    spread = 1.2**Z
    assert found.uncertain_records == ("activities[0]",)
    assert found.median == pytest.approx(530.6, rel=0.01)
    assert found.p2_5 == pytest.approx(106.12 + 424.48 / spread, rel=0.01)
    assert found.p97_5 == pytest.approx(106.12 + 424.48 * spread, rel=0.01)


def test_without_spreads_there_is_no_interval_and_a_wrong_one_is_named() -> None:
    result = compute_inventory(parse_inventory(_inventory({"amount": 1000}), "inv.yaml"))
    assert result.uncertainty is None and "uncertainty" not in result.to_dict()
    with pytest.raises(DataFormatError) as caught:
        parse_inventory(_inventory({"amount": 0, "uncertainty": {"gsd": 1.2}}), "inv.yaml")
    assert [p.id for p in caught.value.problems] == ["lognormal_zero"]


def test_the_json_report_and_page_show_the_interval(migrated: Settings) -> None:
    data = _inventory({"amount": 800_000, "uncertainty": {"distribution": "normal", "std": 40_000}})
    result = compute_inventory(parse_inventory(data, "inv.yaml"))
    payload = json.loads(json.dumps(result.to_dict()))
    assert set(payload["uncertainty"]) >= {"deterministic", "mean", "std", "median", "p2_5", "p97_5", "iterations"}
    inventory = parse_inventory(data, "inv.yaml")
    assert "Monte Carlo over the activity data of the 1 records" in report_html(inventory, payload, "en")
    assert "蒙特卡洛模拟" in report_html(inventory, payload, "zh-CN")
    ours = seed_organisation(migrated, "Grid Only")
    with client_for(migrated, ours.editor) as client:
        created = client.post("/api/inventory", json={"name": "FY23", "inventory": data})
        assert created.status_code == 201, created.text
        page = client.get(f"/inventory/{created.json()['id']}")
        assert 'id="uncertainty"' in page.text


def test_the_examples_interval(example_data: dict[str, Any]) -> None:
    """The worked example: plant A's natural gas ± 2,000 Nm3 (normal) is ± 4.324 t; the total 2,409.761 t lies
    between 2,401.286 and 2,418.236 t with 95 % probability (README.md)."""
    found = compute_inventory(parse_inventory(example_data, "inv.yaml")).uncertainty
    sigma = 2000 * 389.31 / 10_000 * 0.01530 * 0.99 * 44 / 12
    assert found.uncertain_records == ("activities[0]",)
    assert round(found.deterministic, 3) == 2409.761
    assert (found.p2_5, found.p97_5) == (pytest.approx(2401.286, abs=0.5), pytest.approx(2418.236, abs=0.5))
    assert found.std == pytest.approx(sigma, rel=0.03)
