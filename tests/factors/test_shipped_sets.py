"""The imported factor sets as shipped: each loads, each factor is sourced with its licence's attribution, has a unit
pint reads and a Chinese name; China's provincial grid factors are found for every province that has one."""

from __future__ import annotations

import re
from collections import Counter
from importlib import resources

import pytest

from lowcarbon.factors import default_library, shipped_sets
from lowcarbon.factors.library import DATA
from lowcarbon.factors.model import Factor
from lowcarbon.units import parse_unit

COUNTS = {  # factors per set, as scripts/build_factor_sets.py reports them (and the README's table)
    "uk-desnz-2025": 1616,
    "uk-desnz-2026": 1619,
    "us-epa-supply-chain-1.3": 1016,
    "cn-electricity-footprint": 21,
    "cn-grid-electricity": 31,
    "cn-grid-electricity-provinces": 90,
}
OGL = "Contains public sector information licensed under the Open Government Licence v3.0. Source: Department for "
SHA256 = {  # of the publishers' files the sets were built from (shared/data/factors-sources/SHA256SUMS)
    "uk-desnz-2025": "8bfdb45b81ec4a88e3bdf4584637330f62e6bd09ce1940e654c5d7b7f736de94",
    "uk-desnz-2026": "b5c4f2f86cdc74707337b2fb013b44ded189a1b528f5e29ea99856ba65ae0205",
    "us-epa-supply-chain-1.3": "c7f508646ee091cb2218be65dec0e2bdb6143ba8511773d486c9e87f6df84177",
}
CHINESE = re.compile(r"[\u4e00-\u9fff]")
PROVINCES = {  # ISO 3166-2:CN codes of the 31 provinces; Tibet (XZ) has no published factor
    "BJ", "TJ", "HE", "SX", "NM", "LN", "JL", "HL", "SH", "JS", "ZJ", "AH", "FJ", "JX", "SD", "HA",
    "HB", "HN", "GD", "GX", "HI", "CQ", "SC", "GZ", "YN", "XZ", "SN", "GS", "QH", "NX", "XJ",
}  # fmt: skip


@pytest.fixture(scope="module")
def by_set() -> dict[str, list[Factor]]:
    """The shipped factors by set."""
    sets: dict[str, list[Factor]] = {}
    for factor in default_library():
        sets.setdefault(factor.factor_set, []).append(factor)
    return sets


def test_each_set_ships_with_its_count_of_factors(by_set: dict[str, list[Factor]]) -> None:
    assert set(COUNTS) <= set(shipped_sets())
    assert {name: len(by_set[name]) for name in COUNTS} == COUNTS
    assert len(default_library()) >= sum(COUNTS.values())


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_every_factor_is_sourced_with_a_unit_a_year_and_a_chinese_name(
    name: str, by_set: dict[str, list[Factor]]
) -> None:
    for factor in by_set[name]:
        assert factor.source and factor.geography and factor.year, factor.key
        parse_unit(factor.unit, factor.key)
        assert factor.name_zh and CHINESE.search(factor.name_zh), factor.key
        assert factor.co2e is None or factor.co2e > 0, factor.key


@pytest.mark.parametrize("name", ["uk-desnz-2025", "uk-desnz-2026"])
def test_desnz_factors_carry_the_ogl_attribution_and_their_file(name: str, by_set: dict[str, list[Factor]]) -> None:
    year = name[-4:]
    for factor in by_set[name]:
        statement = f"{OGL}Energy Security and Net Zero, Greenhouse gas reporting: conversion factors {year}."
        assert factor.source.startswith(statement), factor.key
        assert "open-government-licence/version/3" in factor.notes and SHA256[name] in factor.notes
        assert factor.co2e_basis == "IPCC AR5 GWP100" or factor.co2e_origin == "biogenic"
    units = Counter(f.unit for f in by_set[name])
    assert set(units) == {"t", "L", "kWh", "GJ", "m**3", "megaliter", "kg", "km", "t*km", "pkm"} | {
        "room_night",
        "person*hour",
    }


def test_epa_factors_cite_epa_and_translate_every_naics_title(by_set: dict[str, list[Factor]]) -> None:
    for factor in by_set["us-epa-supply-chain-1.3"]:
        assert "Supply Chain Greenhouse Gas Emission Factors v1.3 by NAICS-6" in factor.source
        assert SHA256["us-epa-supply-chain-1.3"] in factor.notes
        title_zh = factor.name_zh.split("（NAICS")[0]
        assert CHINESE.search(title_zh) and not re.search("[A-Za-z]{4,}", title_zh), factor.key
        assert (factor.unit, factor.geography, factor.co2e_basis) == ("USD_2022", "US", "IPCC AR5 GWP100")


def test_every_province_with_a_published_factor_is_found_in_chinese(by_set: dict[str, list[Factor]]) -> None:
    """2021, 2022 and 2023 for the 30 provinces the announcements list; search by the province's Chinese name."""
    provinces = by_set["cn-grid-electricity-provinces"]
    assert {f.geography for f in provinces} == {f"CN-{code}" for code in PROVINCES - {"XZ"}}
    library = default_library()
    for geography in sorted({f.geography for f in provinces}):
        name = next(f.name_zh for f in provinces if f.geography == geography).split("电力")[0]
        found = library.search(f"{name} 电力", limit=None)
        assert sorted(f.year for f in found if f.geography == geography) == [2021, 2022, 2023], name


def test_the_readme_lists_every_shipped_set() -> None:
    """The folder's README has a row per set (the docs stay complete as sets are added)."""
    readme = resources.files(DATA).joinpath("README.md").read_text(encoding="utf-8")
    for name in shipped_sets():
        assert f"| `{name}` |" in readme, name


def test_biomass_carbon_in_tiangong_rows_is_biogenic() -> None:
    """Cotton's carbon is biogenic (TianGong labels it fossil); the silicon furnace's charcoal share of CO2 is
    0.29 / 1.5 kg charcoal per kg Si x 29.5 MJ/kg x 0.112 kg CO2/MJ (IPCC 2006 defaults) = 0.63877 kg per kg Si."""
    library = default_library()
    for key in ("cotton-fabric-landfill-cn-2012", "cotton-fabric-incineration-cn-2012"):
        carbon = {(e.gas, e.origin) for e in library.get(f"tiangong-materials/{key}").emissions if e.gas != "N2O"}
        assert carbon and all(origin == "biogenic" for _, origin in carbon), key
    assert ("CH4-non-fossil", "biogenic") in {
        (e.gas, e.origin) for e in library.get("tiangong-materials/cotton-fabric-landfill-cn-2012").emissions
    }
    silicon = library.get("tiangong-materials/silicon-metallurgical-smelting-direct-cn-2013")
    co2 = {e.origin: e.amount for e in silicon.emissions if e.gas == "CO2"}
    assert co2["biogenic"] == pytest.approx(0.29 / 1.5 * 29.5 * 0.112)
    assert co2["biogenic"] + co2["fossil"] == pytest.approx(3.5933333333333333)  # the dataset's total, kept
