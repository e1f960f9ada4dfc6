"""Method details a verifier checks, each against values worked by hand (issue 10): carbon origin per gas, gases a
GWP set does not list, primary data share and data quality as PACT v3 defines them, biogenic removals, fossil
carbon content, self-consumption, and a CFP that is complete only when its life cycle is."""

from __future__ import annotations

import pytest

from lowcarbon.errors import DataFormatError
from lowcarbon.factors import FactorLibrary
from lowcarbon.factors.table_format import parse_csv
from lowcarbon.footprint import compute
from lowcarbon.footprint.build import co2_per_carbon
from lowcarbon.footprint.model import ProductModel, parse_model
from lowcarbon.footprint.service import differences

HEADER = "id,name,unit,geography,source,"


def _library(csv: str) -> FactorLibrary:
    return FactorLibrary(parse_csv(csv, "f.csv", "f"))


def _line(name: str, amount: float, unit: str, factor: str, **more: object) -> dict[str, object]:
    return {"name": name, "amount": amount, "unit": unit, "factor": factor, **more}


def _model(lines: list[dict[str, object]], **more: object) -> ProductModel:
    data = {
        "product": {"name": "Widget"},
        "declared_unit": {"amount": 1, "unit": "kg"},
        "boundary": "cradle-to-gate",
        "stages": [{"name": "production", "activities": lines}],
        **more,
    }
    return parse_model(data, "model.yaml")


def test_one_factor_carries_fossil_and_biogenic_carbon() -> None:
    """1 kg of charcoal burnt: 3.0 kg biogenic CO2, 0.01 kg non-fossil CH4, 0.2 kg fossil CO2 (a made-up mix).
    AR6: fossil 0.2; biogenic 3.0 + 0.01 * 27.0 = 3.27."""
    factors = _library(
        HEADER + "kg_CO2_fossil,kg_CO2_biogenic,kg_CH4-non-fossil_biogenic\nc,charcoal,kg,CN,test,0.2,3.0,0.01\n"
    )
    factor = factors.get("f/c")
    assert {(e.gas, e.origin) for e in factor.emissions} == {
        ("CO2", "fossil"),
        ("CO2", "biogenic"),
        ("CH4-non-fossil", "biogenic"),
    }
    result = compute(_model([_line("charcoal", 1, "kg", "f/c")]), factors)
    assert result.fossil == pytest.approx(0.2)
    assert result.biogenic_emissions == pytest.approx(3.27)
    assert result.total == pytest.approx(3.47)


def test_plain_methane_is_refused_with_the_fix() -> None:
    with pytest.raises(DataFormatError, match=r"f\.csv, row 2, column kg_CH4: methane needs its origin") as error:
        parse_csv(HEADER + "kg_CH4\nm,methane,kg,CN,test,1\n", "f.csv", "f")
    assert "kg_CH4-fossil (coal, oil, natural gas) or kg_CH4-non-fossil" in str(error.value)
    with pytest.raises(DataFormatError, match="CH4-fossil does not fit origin biogenic"):
        parse_csv(HEADER + "kg_CH4-fossil_biogenic\nm,methane,kg,CN,test,1\n", "f.csv", "f")


def test_a_gas_the_gwp_set_does_not_list_is_a_warning() -> None:
    """CFC-112 has a GWP in AR6 (4,620) but none in AR5: under AR5 it counts 0, and the footprint says so."""
    factors = _library(HEADER + "kg_CO2,kg_CFC-112\nx,solvent,kg,CN,test,1,0.001\n")
    ar5 = compute(_model([_line("solvent", 2, "kg", "f/x")], gwp="AR5"), factors)
    assert ar5.total == pytest.approx(2.0)
    assert any("CFC-112 has no GWP in IPCC AR5 GWP100, so it counts 0" in w for w in ar5.warnings)
    ar6 = compute(_model([_line("solvent", 2, "kg", "f/x")]), factors)
    assert ar6.total == pytest.approx(2 + 2 * 0.001 * 4620)
    assert not any("no GWP" in w for w in ar6.warnings)


WOOD = (
    HEADER + "kg_CO2,kg_CO2_biogenic,primary_data_share\n"
    "growth,wood growth,kg,CN,test,,-1.8,\n"
    "steel,steel from a supplier's PACT footprint,kg,CN,test,2.0,,40\n"
    "burn,burning wood,kg,CN,test,,1.6,\n"
    "pellets,bio-based pellets,kg,CN,test,0.5,-1.5,\n"
)


def test_primary_data_share_is_of_the_footprint_excluding_uptake() -> None:
    """Uptake -3.6 (primary), steel 2.0 (secondary, but 40 % primary in its supplier's footprint), burning 3.2
    (primary). Excluding uptake the footprint is 2.0 + 3.2 = 5.2, of which primary 3.2 + 0.4 * 2.0 = 4.0:
    4.0 / 5.2. (Shares of absolute values would give (3.6 + 3.2 + 0.8) / 8.8.)"""
    lines = [
        _line("wood growth", 2, "kg", "f/growth", data_type="primary"),
        _line("steel", 1, "kg", "f/steel"),
        _line("burning", 2, "kg", "f/burn", data_type="primary"),
    ]
    result = compute(_model(lines), _library(WOOD))
    assert result.excluding_biogenic_uptake == pytest.approx(5.2)
    assert result.primary_data_share == pytest.approx(4.0 / 5.2)


def test_a_removal_inside_an_avoided_product_is_no_removal() -> None:
    """Avoiding 1 kg of pellets (0.5 fossil, -1.5 biogenic uptake) credits 0.5 fossil and loses 1.5 of uptake:
    +1.5 biogenic, no removal. With 1 kg of steel: total 2.0 - 0.5 + 1.5 = 3.0; removals stay 0."""
    lines = [_line("steel", 1, "kg", "f/steel"), _line("pellets displaced", 1, "kg", "f/pellets", avoided=True)]
    result = compute(_model(lines), _library(WOOD))
    assert result.biogenic_removals == 0
    assert result.biogenic_emissions == pytest.approx(1.5)
    assert result.fossil == pytest.approx(1.5)
    assert result.total == pytest.approx(3.0)
    assert result.excluding_biogenic_uptake == pytest.approx(3.0)


def test_data_quality_is_pact_s_three_ratings_with_their_coverage() -> None:
    """Steel 2.0 rated technological 1, burning 3.2 rated 3 and temporal 2; the uptake line weighs 0 (PACT weighs
    by the footprint excluding uptake). technological (2.0 * 1 + 3.2 * 3) / 5.2; temporal 2 over 3.2 / 5.2 of
    the weight, and a warning says the rest is unrated."""
    lines = [
        _line("wood growth", 2, "kg", "f/growth"),
        _line("steel", 1, "kg", "f/steel", dqr={"technological": 1}),
        _line("burning", 2, "kg", "f/burn", dqr={"technological": 3, "temporal": 2, "reliability": 4}),
    ]
    result = compute(_model(lines), _library(WOOD))
    assert result.data_quality == pytest.approx({"technological": (2.0 + 3.2 * 3) / 5.2, "temporal": 2.0})
    assert result.data_quality_coverage == pytest.approx(
        {"technological": 1.0, "temporal": 3.2 / 5.2, "geographical": 0.0}
    )
    assert any("lines making 38.5 % of the footprint have no temporal rating" in w for w in result.warnings)


def _grave(lines: list[dict[str, object]], **more: object) -> ProductModel:
    return _model(
        lines,
        boundary="cradle-to-grave",
        functional_unit="heat from 2 kg of wood",
        omitted_stages={"use": "burning is the use", "end_of_life": "nothing is left"},
        **more,
    )


def test_biogenic_carbon_taken_up_is_released_or_stated_as_stored() -> None:
    """3.6 kg CO2 taken up, 3.2 released: 0.4 kg CO2 (0.4 / 3.664 = 0.109 kg C) must be stated as stored."""
    lines = [_line("wood growth", 2, "kg", "f/growth"), _line("burning", 2, "kg", "f/burn")]
    warned = compute(_grave(lines), _library(WOOD))
    assert warned.kind == "CFP"
    assert any("3.6 kg CO2 is taken up, but only 3.2 kg is released" in w for w in warned.warnings)
    stored = {"content_kg_c": 0.2, "stored_kg_c": 0.4 / co2_per_carbon()}  # 44.009 / 12.011 kg CO2 per kg C
    quiet = compute(_grave(lines, biogenic_carbon=stored), _library(WOOD))
    assert not any("biogenic carbon:" in w for w in quiet.warnings)


def test_biogenic_methane_releases_its_carbon_too() -> None:
    """Wood growth takes up 3.6 kg CO2; burning releases 3.2 kg CO2 and 0.1 kg non-fossil CH4, whose carbon is
    0.1 * 44.009 / 16.043 = 0.2743 kg of CO2: 3.2 + 0.2743 = 3.4743 released, 0.1257 kg CO2 not accounted for."""
    lines = [_line("wood growth", 2, "kg", "f/growth"), _line("burning", 2, "kg", "f/smoulder")]
    smoulder = (
        HEADER + "kg_CO2_biogenic,kg_CH4-non-fossil_biogenic\n"
        "growth,wood growth,kg,CN,test,-1.8,\nsmoulder,burning wood,kg,CN,test,1.6,0.05\n"
    )
    result = compute(_grave(lines), _library(smoulder))
    assert any("3.6 kg CO2 is taken up, but only 3.474 kg is released" in w for w in result.warnings)
    stored = {"content_kg_c": 0.2, "stored_kg_c": (3.6 - 3.2 - 0.1 * 44.009 / 16.043) / co2_per_carbon()}
    quiet = compute(_grave(lines, biogenic_carbon=stored), _library(smoulder))
    assert not any("biogenic carbon:" in w for w in quiet.warnings)


def test_fossil_carbon_content_is_reported() -> None:
    result = compute(_model([_line("steel", 1, "kg", "f/steel")], fossil_carbon_content_kg_c=0.004), _library(WOOD))
    assert result.fossil_carbon_content == 0.004
    assert result.to_dict()["fossil_carbon_content"] == 0.004


def test_a_process_may_not_consume_as_much_of_its_own_product_as_it_makes() -> None:
    """1 kg out, 1 kg of itself in: refused, whatever share of its inputs its reference product bears."""
    process = {
        "id": "p",
        "allocation": "mass",
        "outputs": [
            {"product": "a", "amount": 1, "unit": "kg", "mass_kg": 1},
            {"product": "b", "amount": 1, "unit": "kg", "mass_kg": 1},
        ],
        "inputs": [{"name": "itself", "amount": 1, "unit": "kg", "process": "p"}],
    }
    model = _model([{"name": "a", "amount": 1, "unit": "kg", "process": "p"}], processes=[process])
    with pytest.raises(DataFormatError, match="would use at least as much of its own product as it makes"):
        compute(model, _library(WOOD))


def test_versions_that_differ_in_method_or_data_are_named() -> None:
    """v1 and v2 differ in GWP set; v2 and v3 (same set) in the value of factor x: 1.0 / 2 kWh = 0.5 against 0.6
    per kWh. Across sets a CO2e value may differ by the set alone, which the GWP set's difference names."""
    line = {"link": "s/x", "link_amount": 2.0, "kg_co2e": 1.0, "process": None}
    common = {"boundary": "cradle-to-gate", "pcr": None, "declared_unit": "1 item"}
    results = {
        1: {**common, "characterization": "IPCC AR6 GWP100", "lines": [line]},
        2: {**common, "characterization": "IPCC AR5 GWP100", "lines": [line]},
        3: {**common, "characterization": "IPCC AR5 GWP100", "lines": [{**line, "link_amount": 1.0, "kg_co2e": 0.6}]},
    }
    found = {difference.aspect: difference for difference in differences(results)}
    assert set(found) == {"characterization", "factors"}
    assert found["factors"].values == {2: "s/x 0.5", 3: "s/x 0.6"}
    assert "GWP set" in found["characterization"].message
    assert differences({1: results[1], 2: {**results[1]}}) == []
