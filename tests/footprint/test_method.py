"""Method details a verifier checks, each against values worked by hand (issue 10): carbon origin per gas, gases a
GWP set does not list, primary data share and data quality as PACT v3 defines them, biogenic removals, fossil
carbon content, self-consumption, and a CFP that is complete only when its life cycle is."""

from __future__ import annotations

import pytest

from lowcarbon.errors import DataFormatError
from lowcarbon.factors import FactorLibrary
from lowcarbon.factors.table_format import parse_csv
from lowcarbon.footprint import compute
from lowcarbon.footprint.model import ProductModel, parse_model

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
