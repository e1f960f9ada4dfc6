"""The shipped factor library: sourced values, search by text (Chinese and English), geography and unit."""

from __future__ import annotations

from pathlib import Path

import pytest

from lowcarbon.errors import UnitError
from lowcarbon.factors import FactorLibrary, UnknownFactor, default_library, load_set, shipped_sets


def test_every_shipped_factor_has_a_source_and_a_co2e_under_both_sets() -> None:
    """Each shipped factor cites a source, has a year and evaluates under AR6 and AR5."""
    library = default_library()
    assert {"cn-grid-electricity", "ipcc-2006-stationary-combustion"} <= set(shipped_sets())
    ar6, ar5 = load_set("AR6"), load_set("AR5")
    for factor in library:
        assert factor.source and factor.year and factor.geography
        assert ar6.co2e(factor) > 0 and ar5.co2e(factor) > 0


@pytest.mark.parametrize(
    ("key", "kg_co2_per_kwh"),
    [
        ("cn-grid-electricity/cn-national-2021", 0.5568),
        ("cn-grid-electricity/cn-national-2022", 0.5366),
        ("cn-grid-electricity/cn-national-2023", 0.5306),
        ("cn-grid-electricity/cn-national-excl-market-2023", 0.6096),
        ("cn-grid-electricity/cn-fossil-2023", 0.8273),
        ("cn-grid-electricity/cn-north-2022", 0.6776),
        ("cn-grid-electricity/cn-southwest-2023", 0.2472),
    ],
)
def test_china_grid_factors_match_the_reference(key: str, kg_co2_per_kwh: float) -> None:
    """China's grid factors are the MEE/NBS values of shared/REFERENCE.md, CO2 only, per kWh."""
    factor = default_library().get(key)
    assert factor.unit == "kWh"
    assert [(e.gas, e.amount, e.origin) for e in factor.emissions] == [("CO2", kg_co2_per_kwh, "fossil")]


def test_ipcc_combustion_factor_gas_split_under_ar6_and_ar5() -> None:
    """Natural gas per TJ: 56,100 kg CO2 + 1 kg fossil CH4 + 0.1 kg N2O, characterized by each set's GWPs
    (fossil methane: 29.8 in AR6, 30 in AR5)."""
    factor = default_library().get("natural-gas")
    assert load_set("AR6").co2e(factor) == pytest.approx(56_100 + 1 * 29.8 + 0.1 * 273, rel=1e-12)
    assert load_set("AR5").co2e(factor) == pytest.approx(56_100 + 1 * 30 + 0.1 * 265, rel=1e-12)


def test_unverified_values_are_flagged() -> None:
    """The 0.5703 t/MWh reporting factor is shipped only as unverified, as REFERENCE.md marks it; so are the 2021 and
    2022 grid factors, read in the press and a database export but not in the announcements; 2023's were read in the
    announcement's attachment."""
    library = default_library()
    assert library.get("cn-power-sector-reporting-2022").unverified
    assert library.get("cn-grid-electricity/cn-national-2022").unverified
    assert library.get("cn-grid-electricity/cn-national-excl-market-2021").unverified
    assert not library.get("cn-grid-electricity/cn-national-2023").unverified


def test_search_chinese_english_geography_and_unit() -> None:
    """Words in either language narrow results; geography is a prefix; unit keeps the same dimension."""
    library = default_library()
    east = library.search("华东 电力")
    assert [f.id for f in east] == ["cn-east-2023", "cn-east-2022", "cn-east-2021"]  # newest first
    assert [f.id for f in library.search("East China grid 2022")] == ["cn-east-2022"]
    assert {f.id for f in library.search("electricity", geography="CN-East", limit=None)} == {
        "cn-east-2021",
        "cn-east-2022",
        "cn-east-2023",
    }
    below_china = library.search("electricity", geography="CN-", limit=None)  # regional grids and provinces
    assert all(f.geography.startswith("CN-") for f in below_china)
    assert sum(f.geography.endswith("grid") for f in below_china) == 21  # 7 grids, 2021-2023
    assert {f.geography for f in library.search("", geography="CN-HE", limit=None)} == {"CN-HE"}  # Hebei
    per_energy = library.search("", unit="MJ", limit=None)
    assert {"kWh", "TJ"} <= {f.unit for f in per_energy} <= {"kWh", "TJ", "GJ"}
    assert all(f.unit in ("kg", "t") for f in library.search("", unit="kg", limit=None))
    assert not library.search("华东 电力", unit="kg", limit=None)  # the grid factors are per kWh
    assert library.search("diesel")[0].id == "gas-diesel-oil"
    assert library.search("柴油")[0].id == "gas-diesel-oil"
    with pytest.raises(UnitError, match="unit 'parsecz' is not known"):
        library.search("x", unit="parsecz")


def test_get_by_bare_id_and_errors(tmp_path: Path) -> None:
    """A bare id works when unique; an unknown or ambiguous one says what to do."""
    library = default_library()
    assert library.get("lignite").key == "ipcc-2006-stationary-combustion/lignite"
    with pytest.raises(UnknownFactor, match="no factor 'nope'; search with `lowcarbon factors search TEXT`"):
        library.get("nope")
    mine = tmp_path / "mine.csv"
    mine.write_text("id,name,unit,geography,source,kg_CO2\nlignite,My lignite,TJ,CN,plant data,99000\n")
    library.import_file(mine)
    with pytest.raises(UnknownFactor, match="is in several sets"):
        library.get("lignite")
    assert library.get("mine/lignite").emissions[0].amount == 99000
    assert len(FactorLibrary()) == 0


def test_imports_cannot_shadow_and_must_be_files(tmp_path: Path) -> None:
    """A file named like a shipped set, a plain folder and a broken zip are refused."""
    from lowcarbon.errors import DataFormatError

    shadow = tmp_path / "cn-grid-electricity.csv"
    shadow.write_text("id,name,unit,geography,source,kg_CO2\ncn-national-2023,fake,kWh,CN,s,0.001\n")
    library = default_library()
    with pytest.raises(DataFormatError, match="factor set 'cn-grid-electricity' is already in the library"):
        library.import_file(shadow)
    assert library.get("cn-grid-electricity/cn-national-2023").emissions[0].amount == 0.5306
    with pytest.raises(DataFormatError, match="a folder"):
        library.import_file(tmp_path)
    (tmp_path / "broken.zip").write_bytes(b"not a zip")
    with pytest.raises(DataFormatError, match="not a readable zip file"):
        library.import_file(tmp_path / "broken.zip")
