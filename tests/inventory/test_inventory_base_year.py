"""Base-year recalculation: an acquisition restates the base year with the acquired site's base-year emissions when
the change passes the policy's threshold; a divestment takes the sold site out; below the threshold nothing moves."""

from __future__ import annotations

from typing import Any

import pytest

from lowcarbon.inventory.compute import compute_inventory
from lowcarbon.inventory.read import parse_inventory

NG_T_PER_NM3 = 389.31 / 10_000 * 0.01530 * 0.99 * 44 / 12  # cn-other-industry natural gas defaults
EAST_2022 = 0.5617 / 1000  # t CO2/kWh, MEE/NBS 2022 East China grid (shipped unverified)
PLANT_A_2022 = 95_000 * NG_T_PER_NM3 + 1_900_000 * EAST_2022
PLANT_B_2022 = 40_000 * NG_T_PER_NM3 + 1_000_000 * EAST_2022


def test_an_acquisition_restates_the_base_year(example_data: dict[str, Any]) -> None:
    """Plant B, acquired in 2023, adds its 2022 emissions (the seller's records, 2022 factors) to the base year:
    +50.9 %, past the 5 % threshold."""
    base = compute_inventory(parse_inventory(example_data, "inv.yaml")).base_year
    assert base.original.total == pytest.approx(PLANT_A_2022, rel=1e-9)
    assert base.restated
    assert base.recalculated.total == pytest.approx(PLANT_A_2022 + PLANT_B_2022, rel=1e-9)
    (trigger,) = base.triggers
    assert (trigger.kind, trigger.site, trigger.on) == ("acquisition", "plant-b", "2023-07-01")
    assert trigger.effect == pytest.approx(PLANT_B_2022)
    assert trigger.percent == pytest.approx(100 * PLANT_B_2022 / PLANT_A_2022)
    assert base.recalculated.by_scope["2-location"] == pytest.approx(2_900_000 * EAST_2022)


def test_below_the_threshold_the_base_year_stands(example_data: dict[str, Any]) -> None:
    """With a 60 % threshold the same acquisition (50.9 %) does not restate the base year, and the result says so."""
    example_data["base_year"]["threshold_percent"] = 60
    result = compute_inventory(parse_inventory(example_data, "inv.yaml"))
    assert not result.base_year.restated
    assert result.base_year.recalculated.total == pytest.approx(PLANT_A_2022)
    assert any("below the recalculation threshold of 60 %" in w for w in result.warnings)


def test_an_acquired_site_without_base_year_data_is_named(example_data: dict[str, Any]) -> None:
    """No 2022 records for plant B: the base year cannot be restated for it, and the warning asks for them."""
    example_data["activities"] = [
        a for a in example_data["activities"] if not (a["site"] == "plant-b" and a.get("year") == 2022)
    ]
    result = compute_inventory(parse_inventory(example_data, "inv.yaml"))
    assert result.base_year.triggers == ()
    assert any(
        w.startswith("site plant-b was acquired on 2023-07-01 but has no records of the base year 2022")
        for w in result.warnings
    )


def test_a_divestment_takes_the_site_out_of_the_base_year(example_data: dict[str, Any]) -> None:
    """A company that held both sites in 2022 and sold plant B on 2023-07-01: B's 2022 emissions leave the base
    year, and its 2023 records after the sale are left out."""
    example_data["sites"][1].pop("acquired")
    example_data["sites"][1]["divested"] = "2023-07-01"
    result = compute_inventory(parse_inventory(example_data, "inv.yaml"))
    base = result.base_year
    assert base.original.total == pytest.approx(PLANT_A_2022 + PLANT_B_2022)
    assert [(t.kind, t.site) for t in base.triggers] == [("divestment", "plant-b")]
    assert base.triggers[0].effect == pytest.approx(-PLANT_B_2022)
    assert base.restated and base.recalculated.total == pytest.approx(PLANT_A_2022)
    # June (before the sale) counts now; August, September, November (after it) do not
    assert {line.period for line in result.lines if line.site == "plant-b"} == {"2023-06"}
