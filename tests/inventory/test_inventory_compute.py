"""Known answers: the worked example's two-site inventory, computed by hand across all six ISO 14064-1 categories
and both scope 2 methods (examples/two-site-inventory/README.md shows the same sums)."""

from __future__ import annotations

from typing import Any

import pytest

from lowcarbon.errors import DataFormatError
from lowcarbon.inventory.compute import compute_inventory
from lowcarbon.inventory.read import load_inventory, parse_inventory
from support.inventory_support import EXAMPLE

# the hand calculation, in kg, from the published values (never from the code under test)
NG_KG_PER_NM3 = 389.31 / 10_000 * 0.01530 * 0.99 * 44 / 12 * 1000  # cn-other-industry natural gas defaults
DIESEL_KG_PER_T = 43.33 * 0.02020 * 0.98 * 44 / 12 * 1000
EAST_2023, EAST_2022, NATIONAL_2023, EXCL_MARKET_2023 = 0.5500, 0.5617, 0.5306, 0.6096  # kg CO2/kWh, MEE/NBS
COPPER_KG_CO2E = 3.95 + 0.0075 * 29.8 + 0.000459 * 273  # TianGong copper cathode, AR6 CH4-fossil and N2O
HGV_KG_CO2E = 0.17146  # DESNZ 2025, HGV rigid >17 t, average laden, per t*km (an AR5 total)

CATEGORY_1 = 100_000 * NG_KG_PER_NM3 + 20 * DIESEL_KG_PER_T + 5 * 1530 + 5_000 * NG_KG_PER_NM3  # A, then B
CATEGORY_2 = (2_000_000 + 220_000) * EAST_2023
MARKET_2 = 500_000 * 0 + 1_500_000 * EXCL_MARKET_2023 + 220_000 * EXCL_MARKET_2023
CATEGORY_3 = 60_000 * HGV_KG_CO2E
CATEGORY_4 = 100_000 * COPPER_KG_CO2E
CATEGORY_5 = 800_000 * NATIONAL_2023
CATEGORY_6 = 50_000 * NATIONAL_2023


def test_the_two_site_example_by_category_and_scope() -> None:
    """Each category and scope is the hand calculation, in t CO2e; scopes 1 + 2 location-based + 3 is the total."""
    result = compute_inventory(*load_inventory(EXAMPLE))
    t = result.totals
    expected = [CATEGORY_1, CATEGORY_2, CATEGORY_3, CATEGORY_4, CATEGORY_5, CATEGORY_6]
    assert t.by_category == pytest.approx({str(i + 1): kg / 1000 for i, kg in enumerate(expected)}, rel=1e-9)
    assert t.by_scope == pytest.approx(
        {
            "1": CATEGORY_1 / 1000,
            "2-location": CATEGORY_2 / 1000,
            "2-market": MARKET_2 / 1000,
            "3": (CATEGORY_3 + CATEGORY_4 + CATEGORY_5 + CATEGORY_6) / 1000,
        },
        rel=1e-9,
    )
    assert t.total == pytest.approx(sum(expected) / 1000, rel=1e-9)
    assert t.by_scope["1"] + t.by_scope["2-location"] + t.by_scope["3"] == pytest.approx(t.total, rel=1e-12)
    assert t.by_scope3_category["1"] == pytest.approx(CATEGORY_4 / 1000)
    assert t.by_scope3_category["14"] == pytest.approx(CATEGORY_6 / 1000)
    assert result.gwp == "IPCC AR6 GWP100"


def test_gases_are_reported_one_by_one() -> None:
    """CO2, CH4 and N2O in t of each gas; HFC-134a as itself; DESNZ's published CO2e total apart as CO2e."""
    by_gas = compute_inventory(*load_inventory(EXAMPLE)).totals.by_gas
    assert by_gas["HFC-134a"] == pytest.approx(0.005)
    assert by_gas["CH4-fossil"] == pytest.approx(100_000 * 0.0075 / 1000)
    assert by_gas["N2O"] == pytest.approx(100_000 * 0.000459 / 1000)
    assert by_gas["CO2e"] == pytest.approx(CATEGORY_3 / 1000)


def test_market_based_names_what_it_used() -> None:
    """Each electricity line says what its market-based figure used: the certificate, or the residual-mix proxy."""
    result = compute_inventory(*load_inventory(EXAMPLE))
    bases = {line.market_basis for line in result.lines if line.kind == "electricity"}
    assert any(basis.startswith("green-certificate: 0 kg CO2/kWh (GEC batch") for basis in bases)
    assert any("cn-national-excl-market-2023" in basis and "residual-mix proxy" in basis for basis in bases)


def test_a_site_counts_from_the_month_it_was_acquired() -> None:
    """Plant B's June record, before its acquisition on 2023-07-01, is left out and named."""
    result = compute_inventory(*load_inventory(EXAMPLE))
    assert result.excluded_records == ("activities[9]",)
    assert {line.period for line in result.lines if line.site == "plant-b"} == {"2023-08", "2023-09", "2023-11"}


def test_equity_share_takes_the_share_of_each_site(example_data: dict[str, Any]) -> None:
    """Under the equity share approach plant B (60 %) counts 60 % of its emissions."""
    control = compute_inventory(parse_inventory(example_data, "inv.yaml")).totals.by_site
    example_data["approach"] = "equity_share"
    equity = compute_inventory(parse_inventory(example_data, "inv.yaml")).totals.by_site
    assert equity["plant-b"] == pytest.approx(0.6 * control["plant-b"])
    assert equity["plant-a"] == pytest.approx(control["plant-a"])
    example_data["sites"][1]["operational_control"] = False
    example_data["approach"] = "operational_control"
    assert "plant-b" not in {
        s for s, t in compute_inventory(parse_inventory(example_data, "x")).totals.by_site.items() if t
    }


def test_significance_of_the_indirect_categories(example_data: dict[str, Any]) -> None:
    """Category 3 (0.4 %) is below the 1 % threshold, 4 to 6 above; a category without data and without a reason
    is warned about, one with its reason is not."""
    result = compute_inventory(parse_inventory(example_data, "inv.yaml"))
    assert {s.category: s.significant for s in result.significance} == {"3": False, "4": True, "5": True, "6": True}
    example_data["activities"] = [a for a in example_data["activities"] if a.get("scope3_category") != 14]
    warned = compute_inventory(parse_inventory(example_data, "inv.yaml")).warnings
    assert any(w.startswith("category 6 is not quantified") for w in warned)
    example_data["significance"]["excluded"] = {"6": "no franchises or investments"}
    result = compute_inventory(parse_inventory(example_data, "inv.yaml"))
    assert not any("category 6" in w for w in result.warnings)
    assert result.significance[-1].excluded == "no franchises or investments"
    example_data.pop("significance")  # no criterion of the organisation's: shares reported, not judged
    assert {s.significant for s in compute_inventory(parse_inventory(example_data, "x")).significance} == {None}


def test_process_emissions_and_measured_fuel_parameters(example_data: dict[str, Any]) -> None:
    """Limestone calcined emits its stoichiometric CO2 (CO2/CaCO3 with IUPAC weights); a fuel's measured NCV,
    carbon content and oxidation replace the guideline's defaults."""
    example_data["activities"] = [
        {
            "site": "plant-a",
            "year": 2023,
            "kind": "carbonate",
            "carbonate": "limestone",
            "amount": 10,
            "unit": "t",
            "calcined_fraction": 0.9,
        },
        {
            "site": "plant-a",
            "year": 2023,
            "kind": "fuel",
            "fuel": "own-coal",
            "amount": 100,
            "unit": "t",
            "ncv_gj_per_unit": 20,
            "carbon_content_tc_per_gj": 0.026,
            "oxidation": 0.95,
        },
    ]
    lines = compute_inventory(parse_inventory(example_data, "inv.yaml")).lines
    co2_per_caco3 = (12.011 + 2 * 15.999) / (40.078 + 12.011 + 3 * 15.999)
    assert lines[0].kg_co2e == pytest.approx(10_000 * co2_per_caco3 * 0.9)
    assert co2_per_caco3 == pytest.approx(0.43971, abs=1e-5)  # IPCC 2006 Vol. 3 Table 2.1 gives 0.43971
    assert lines[1].kg_co2e == pytest.approx(100 * 20 * 0.026 * 0.95 * 44 / 12 * 1000)
    assert lines[1].factor == "measured"


def test_a_year_without_its_grid_factor_uses_the_latest_with_a_warning(example_data: dict[str, Any]) -> None:
    """2025 has no published grid factor yet: 2023's is used, and the inventory says so."""
    example_data["reporting_year"] = 2025
    example_data["base_year"] = None
    example_data["targets"], example_data["reduction_actions"] = [], []  # targets need the base year
    example_data["activities"] = [
        {"site": "plant-a", "year": 2025, "kind": "electricity", "amount": 1000, "unit": "kWh"}
    ]
    result = compute_inventory(parse_inventory(example_data, "inv.yaml"))
    assert result.totals.by_scope["2-location"] == pytest.approx(1000 * EAST_2023 / 1000)
    assert any("no 2025 grid factor for CN-East grid is published; used 2023's" in w for w in result.warnings)
    assert any("no 2025 residual-mix proxy is published; used 2023's" in w for w in result.warnings)


def test_records_that_cannot_be_computed_are_all_reported(example_data: dict[str, Any]) -> None:
    """An unknown fuel, an unknown factor and a wrong unit: one error with each record's place."""
    example_data["activities"] = [
        {"site": "plant-a", "year": 2023, "kind": "fuel", "fuel": "peat", "amount": 1, "unit": "t"},
        {
            "site": "plant-a",
            "year": 2023,
            "kind": "factor",
            "scope3_category": 6,
            "factor": "nope/x",
            "amount": 1,
            "unit": "km",
        },
        {"site": "plant-a", "year": 2023, "kind": "electricity", "amount": 1, "unit": "kg"},
    ]
    with pytest.raises(DataFormatError) as caught:
        compute_inventory(parse_inventory(example_data, "inv.yaml"), source="inv.yaml")
    assert [(p.place, p.id) for p in caught.value.problems] == [
        ("activities[0]", "unknown_fuel"),
        ("activities[1]", "unknown_factor"),
        ("activities[2]", "unit"),
    ]
    assert all(p.source == "inv.yaml" for p in caught.value.problems)


def test_every_guideline_default_names_its_source() -> None:
    """Each default names its guideline, table, year, geography and source, and is flagged unverified (read in a
    secondary transcription only)."""
    import csv
    from importlib import resources

    text = resources.files("lowcarbon.inventory.data").joinpath("cn-enterprise-guidelines.csv").read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    assert {row["guideline"] for row in rows} == {"cn-other-industry", "cn-land-transport"}
    for row in rows:
        assert all(row[key] for key in ("guideline_name_zh", "table", "year", "geography", "source", "ncv_unit"))
        assert row["unverified"] == "true"


# a company's own factor file (test data, not a published factor): its heat supplier's factor, and wood pellets
# with biogenic CO2 and fossil-free CH4
OWN_FACTORS = (
    "id,name,unit,geography,source,origin,kg_CO2,kg_CH4-non-fossil\n"
    "steam,Steam from the park's supplier (test value),GJ,CN,test fixture,fossil,100,\n"
    "pellets,Wood pellets burnt (test value),kg,CN,test fixture,biogenic,1.5,0.001\n"
)


def test_heat_and_the_company_s_own_factor_file(example_data: dict[str, Any], tmp_path: Any) -> None:
    """A heat record counts in category 2 with the factor it names, the same in both scope 2 methods; a factor file
    the inventory names is read beside it; biogenic CO2 is reported apart, outside the totals."""
    (tmp_path / "own.csv").write_text(OWN_FACTORS, encoding="utf-8")
    example_data["factor_files"] = ["own.csv"]
    example_data["base_year"] = None
    example_data["targets"], example_data["reduction_actions"] = [], []  # targets need the base year
    example_data["activities"] = [
        {"site": "plant-a", "year": 2023, "kind": "heat", "factor": "own/steam", "amount": 10, "unit": "GJ"},
        {
            "site": "plant-a",
            "year": 2023,
            "kind": "factor",
            "category": "1",
            "factor": "own/pellets",
            "amount": 1000,
            "unit": "kg",
        },
    ]
    path = tmp_path / "inventory.yaml"
    import yaml

    path.write_text(yaml.safe_dump(example_data), encoding="utf-8")
    t = compute_inventory(*load_inventory(path)).totals
    assert t.by_scope["2-location"] == t.by_scope["2-market"] == pytest.approx(1.0)
    assert t.by_scope["1"] == pytest.approx(1000 * 0.001 * 27.0 / 1000)  # AR6 CH4 non-fossil 27.0
    assert t.biogenic_co2 == pytest.approx(1.5)
    assert t.by_gas == pytest.approx({"CO2": 1.0, "CH4-non-fossil": 0.001})


def test_a_missing_factor_file_is_named(example_data: dict[str, Any], tmp_path: Any) -> None:
    import yaml

    example_data["factor_files"] = ["nowhere.csv"]
    path = tmp_path / "inventory.yaml"
    path.write_text(yaml.safe_dump(example_data), encoding="utf-8")
    with pytest.raises(DataFormatError) as caught:
        load_inventory(path)
    (problem,) = caught.value.problems
    assert (problem.place, problem.id) == ("factor_files", "missing_file")
