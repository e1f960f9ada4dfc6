"""The GWP100 sets: the REFERENCE.md values, complete tables, and the CO2e split of factors."""

from __future__ import annotations

import pytest

from lowcarbon.errors import LowcarbonError
from lowcarbon.factors import Emission, Factor, UnknownGas, available_sets, load_set

AR6 = {
    "CO2": 1,
    "CH4-fossil": 29.8,
    "CH4-non-fossil": 27.0,
    "N2O": 273,
    "SF6": 25_200,
    "NF3": 17_400,
    "HFC-134a": 1_530,
    "HFC-32": 771,
    "HFC-125": 3_740,
    "HFC-143a": 5_810,
    "HFC-23": 14_600,
}
AR5 = {"CO2": 1, "CH4": 28, "N2O": 265, "SF6": 23_500, "HFC-134a": 1_300, "HFC-32": 677, "NF3": 16_100}


@pytest.mark.parametrize(("name", "expected"), [("AR6", AR6), ("AR5", AR5)])
def test_reference_values(name: str, expected: dict[str, float]) -> None:
    """The sets hold the values shared/REFERENCE.md lists, and many more gases."""
    gwp = load_set(name)
    for gas, value in expected.items():
        assert gwp.gwp(gas) == value, gas
    assert len(gwp.gases) > 50  # the whole table: HFCs, PFCs, halogenated species
    assert gwp.source


def test_sets_are_listed_and_found_by_either_name() -> None:
    """Sets are found by full and short name; an unknown one lists what exists."""
    assert set(available_sets()) == {"IPCC AR6 GWP100", "IPCC AR5 GWP100"}
    assert load_set("IPCC AR5 GWP100") is load_set("AR5")
    with pytest.raises(LowcarbonError, match="no characterization set 'AR7'"):
        load_set("AR7")


def test_split_by_origin_and_methane_fallback() -> None:
    """Fossil, biogenic and land-use parts are kept apart; AR5 uses its CH4 value for fossil methane if it has no
    separate one."""
    factor = Factor(
        id="x",
        name="x",
        unit="kg",
        geography="CN",
        source="test",
        emissions=(
            Emission("CO2", 2.0, "fossil"),
            Emission("CH4-fossil", 0.01, "fossil"),
            Emission("CO2", -1.5, "biogenic"),
            Emission("CH4-non-fossil", 0.02, "biogenic"),
            Emission("CO2", 0.3, "land_use_change"),
        ),
    )
    ar6 = load_set("AR6").split(factor)
    assert ar6 == pytest.approx({"fossil": 2.0 + 0.298, "biogenic": -1.5 + 0.54, "land_use_change": 0.3}, rel=1e-12)
    ar5 = load_set("AR5")
    fossil_ch4 = ar5.gwp("CH4-fossil")
    assert fossil_ch4 in (28, 30)  # AR5's table value, or its fossil variant where the file has one
    assert ar5.split(factor)["biogenic"] == pytest.approx(-1.5 + 0.02 * 28, rel=1e-12)


def test_published_totals_and_unknown_gases() -> None:
    """A CO2e-only factor keeps its total and says when its basis differs; an unknown gas is named."""
    total = Factor(id="t", name="t", unit="kg", geography="CN", source="s", co2e=3.0, co2e_basis="IPCC AR5 GWP100")
    assert load_set("AR6").co2e(total) == 3.0
    assert load_set("AR6").basis_differs(total) and not load_set("AR5").basis_differs(total)
    odd = Factor(id="o", name="o", unit="kg", geography="CN", source="s", emissions=(Emission("XYZ-9", 1.0),))
    with pytest.raises(UnknownGas, match=r"factor o: gas 'XYZ-9' has no GWP in IPCC AR6 GWP100"):
        load_set("AR6").co2e(odd)


def test_a_gas_only_a_newer_set_has_counts_zero_in_the_older() -> None:
    """Ethane has an AR6 GWP but none in AR5: it counts there as zero, while an unknown id is still an error."""
    ethane = Factor(id="e", name="e", unit="kg", geography="CN", source="s", emissions=(Emission("C2H6", 1.0),))
    assert load_set("AR6").co2e(ethane) > 0
    assert load_set("AR5").co2e(ethane) == 0.0
