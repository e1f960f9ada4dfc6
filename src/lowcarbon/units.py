"""The one pint unit registry of lowcarbon, with CO2-equivalent mass and the spellings practitioners use."""

from __future__ import annotations

import re
from functools import cache
from tokenize import TokenError

import pint

from lowcarbon.errors import UnitError

# Spellings seen in factor sets and bills of materials that pint does not know by default. A normal cubic metre (Nm3)
# is an amount of gas: the gas that fills a cubic metre at 0 °C and 101.325 kPa (DIN 1343's normal conditions). It
# is its own dimension, not a plain m3, because a cubic metre at other conditions holds another amount of gas:
# converting needs the gas's temperature and pressure (or its density per Nm3), which the model states itself.
# Money of one currency and price year is its own dimension too (USD_2022: US dollars of 2022, the unit of spend-based
# factors): turning yuan or another year's dollars into it needs an exchange rate and a price index, which the model
# states. A room-night is one room for one night (hotel-stay factors).
_DEFINITIONS = """
gram_CO2e = [co2e] = g_CO2e = gCO2e
kilogram_CO2e = 1000 * gram_CO2e = kg_CO2e = kgCO2e
tonne_CO2e = 1000000 * gram_CO2e = t_CO2e = tCO2e
m3 = meter ** 3
m2 = meter ** 2
normal_cubic_meter = [normal_volume] = Nm3
tkm = tonne * kilometer
person = [person]
pkm = person * kilometer
item = [item] = unit = piece = pcs
USD_2022 = [currency_USD_2022]
room_night = [room_night]
"""


# Unit names of inventory formats (ILCD, EcoSpold, openLCA) that pint cannot parse as they are written.
_ALIASES = {"Item(s)": "item", "item(s)": "item", "m2*a": "m**2*year", "m3*a": "m**3*year", "p*km": "pkm"}


@cache
def registry() -> pint.UnitRegistry[float]:
    """The shared registry (built once, on first use)."""
    ureg: pint.UnitRegistry[float] = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    for line in _DEFINITIONS.strip().splitlines():
        ureg.define(line)
    return ureg


def parse_unit(text: str, where: str) -> pint.Unit:
    """A unit from its text; ``where`` names the place for the error message."""
    try:
        return _unit(text.strip())
    except (  # pint's parser raises the last two for text like "kg CO2-Eq" or "("
        pint.errors.UndefinedUnitError,
        pint.errors.DefinitionSyntaxError,
        AssertionError,
        ValueError,
        TypeError,
        TokenError,
        ZeroDivisionError,
    ) as exc:
        reason = f"unit {text!r} is not known ({exc}); write it as pint does, e.g. kg, t, kWh, MJ, m**3, t*km"
        raise UnitError(f"{where}: {reason}", reason=reason) from None


@cache
def _unit(text: str) -> pint.Unit:
    if re.search(r"(?<![A-Za-z_])ton(?![A-Za-z_])", text):
        # pint reads "ton" as the US short ton (907 kg); in this field a ton is almost always a tonne
        raise ValueError("'ton' is ambiguous: write t (tonne, 1,000 kg) or short_ton")
    return registry().Unit(_ALIASES.get(text, text))


def conversion_factor(source: str, target: str, where: str) -> float:
    """How many ``target`` units one ``source`` unit is; raises UnitError on a dimension mismatch."""
    a, b = parse_unit(source, where), parse_unit(target, where)
    try:
        return _factor(a, b)
    except pint.errors.DimensionalityError:
        reason = (
            f"cannot convert {source} to {target}: they measure different things "
            f"({registry().get_dimensionality(a)} vs {registry().get_dimensionality(b)})"
        )
        if "[normal_volume]" in f"{registry().get_dimensionality(a)}{registry().get_dimensionality(b)}":
            reason += (
                "; a normal cubic metre (Nm3) is the gas of 1 m3 at 0 °C and 101.325 kPa, so it converts to m3 or "
                "kg only with the gas's state or density: give the amount in the factor's unit"
            )
        raise UnitError(f"{where}: {reason}", reason=reason) from None


@cache
def _factor(source: pint.Unit, target: pint.Unit) -> float:
    return float(registry().Quantity(1.0, source).to(target).magnitude)
