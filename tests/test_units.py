"""The unit registry: practitioners' spellings, conversions across dimensions, and errors that name the place."""

from __future__ import annotations

import pytest

from lowcarbon.errors import UnitError
from lowcarbon.units import conversion_factor, parse_unit


@pytest.mark.parametrize(
    ("source", "target", "factor"),
    [
        ("kWh", "MJ", 3.6),
        ("TJ", "MJ", 1e6),
        ("t", "kg", 1000.0),
        ("tkm", "kg*km", 1000.0),
        ("t*km", "tkm", 1.0),
        ("m3", "L", 1000.0),
        ("t_CO2e", "kg_CO2e", 1000.0),
        ("g_CO2e", "kg_CO2e", 0.001),
    ],
)
def test_conversions(source: str, target: str, factor: float) -> None:
    """Energy, mass, freight and CO2e units convert by the right factor."""
    assert conversion_factor(source, target, "here") == pytest.approx(factor, rel=1e-12)


def test_wrong_dimension_names_the_place() -> None:
    """kWh to kg is refused with the place and both dimensions in the message."""
    with pytest.raises(UnitError, match=r"model.yaml: stages\[0\]: cannot convert kWh to kg") as info:
        conversion_factor("kWh", "kg", "model.yaml: stages[0]")
    assert isinstance(info.value, ValueError)


def test_unknown_unit_names_the_place() -> None:
    """An unknown unit says where it was and how to write units."""
    with pytest.raises(UnitError, match=r"factors.csv, row 3: unit 'furlongz' is not known.*e.g. kg, t, kWh"):
        parse_unit("furlongz", "factors.csv, row 3")


@pytest.mark.parametrize(("text", "message"), [("ton*km", "'ton' is ambiguous"), ("kg / 0", "division by zero")])
def test_ambiguous_and_broken_units(text: str, message: str) -> None:
    """A US short ton is never taken for a tonne, and a broken unit is a clear error."""
    with pytest.raises(UnitError, match=message):
        parse_unit(text, "here")


def test_a_normal_cubic_metre_is_not_a_plain_cubic_metre() -> None:
    """Nm3 is gas at 0 °C and 101.325 kPa: it scales with prefixes, but converting to m3 needs the gas's state."""
    assert conversion_factor("kNm3", "Nm3", "here") == 1000
    with pytest.raises(UnitError, match=r"normal cubic metre \(Nm3\) is the gas of 1 m3 at 0 °C and 101\.325 kPa"):
        conversion_factor("Nm3", "m**3", "here")


def test_the_table_of_common_units_agrees_with_pint() -> None:
    """Every pair of one dimension in the fast table converts by pint's factor, and no unit of it is unknown to pint."""
    from lowcarbon.units import _LINEAR, _factor, _linear_factor

    for source, (dimension, _size) in _LINEAR.items():
        parse_unit(source, "table")
        for target, (other, _) in _LINEAR.items():
            if dimension == other:
                fast = _linear_factor(source, target)
                assert fast == pytest.approx(_factor(parse_unit(source, "t"), parse_unit(target, "t")), rel=1e-15)
            else:
                assert _linear_factor(source, target) is None
                with pytest.raises(UnitError, match="cannot convert"):
                    conversion_factor(source, target, "here")
