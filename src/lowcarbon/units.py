"""The one pint unit registry of lowcarbon, with CO2-equivalent mass and the spellings practitioners use.

pint is imported, and its registry built, on first need: the two take about 0.35 s, most of a command's start. The
common units of product models (kg, kWh, t*km...) convert through a small table of their own (``_LINEAR``), which a
test holds equal to pint's answers, so that ``lowcarbon footprint`` on such a model never loads pint at all.
"""

from __future__ import annotations

import re
from functools import cache
from tokenize import TokenError
from typing import TYPE_CHECKING

from lowcarbon.errors import UnitError

if TYPE_CHECKING:
    import pint

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


# Linear units every product model uses, as (dimension, size in the dimension's base unit): converting between two of
# one dimension is the ratio of their sizes. Only units pint reads the same way belong here (tests/test_units.py checks
# every pair against pint); any other unit, or a pair of two dimensions, goes to pint and its messages.
_MASS, _ENERGY, _LENGTH, _AREA, _VOLUME, _FREIGHT = "mass", "energy", "length", "area", "volume", "freight"
_LINEAR: dict[str, tuple[str, float]] = {
    **{name: (_MASS, 1e-3) for name in ("g", "gram")},
    **{name: (_MASS, 1.0) for name in ("kg", "kilogram")},
    **{name: (_MASS, 1e3) for name in ("t", "tonne")},
    "mg": (_MASS, 1e-6),
    "J": (_ENERGY, 1.0),
    "kJ": (_ENERGY, 1e3),
    "MJ": (_ENERGY, 1e6),
    "GJ": (_ENERGY, 1e9),
    "TJ": (_ENERGY, 1e12),
    "Wh": (_ENERGY, 3.6e3),
    "kWh": (_ENERGY, 3.6e6),
    "MWh": (_ENERGY, 3.6e9),
    "GWh": (_ENERGY, 3.6e12),
    "W": ("power", 1.0),
    "kW": ("power", 1e3),
    "MW": ("power", 1e6),
    "mm": (_LENGTH, 1e-3),
    "cm": (_LENGTH, 1e-2),
    "m": (_LENGTH, 1.0),
    "km": (_LENGTH, 1e3),
    **{name: (_AREA, 1.0) for name in ("m2", "m**2", "m^2")},
    **{name: (_VOLUME, 1.0) for name in ("m3", "m**3", "m^3")},
    **{name: (_VOLUME, 1e-3) for name in ("L", "l", "liter", "litre")},
    "mL": (_VOLUME, 1e-6),
    **{name: (_FREIGHT, 1e6) for name in ("tkm", "t*km", "t km", "tonne*km")},
    "kg*km": (_FREIGHT, 1e3),
    **{name: ("co2e", 1e-3) for name in ("g_CO2e", "gCO2e")},
    **{name: ("co2e", 1.0) for name in ("kg_CO2e", "kgCO2e")},
    **{name: ("co2e", 1e3) for name in ("t_CO2e", "tCO2e")},
    "megaliter": (_VOLUME, 1e3),
    **{name: ("item", 1.0) for name in ("item", "unit", "piece", "pcs")},
    **{name: ("person_distance", 1e3) for name in ("pkm", "person*km")},
    "person*hour": ("person_time", 3.6e3),
    "Nm3": ("normal_volume", 1.0),
    "USD_2022": ("currency_USD_2022", 1.0),
    "room_night": ("room_night", 1.0),
}


@cache
def registry() -> pint.UnitRegistry[float]:
    """The shared registry (built once, on first use)."""
    import pint

    ureg: pint.UnitRegistry[float] = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    for line in _DEFINITIONS.strip().splitlines():
        ureg.define(line)
    return ureg


def check_unit(text: str, where: str) -> None:
    """Raises UnitError as parse_unit does when pint cannot read ``text``; a unit of the common table needs no pint."""
    if text.strip() not in _LINEAR:
        parse_unit(text, where)


def parse_unit(text: str, where: str) -> pint.Unit:
    """A unit from its text; ``where`` names the place for the error message."""
    import pint

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
    fast = _linear_factor(source.strip(), target.strip())
    if fast is not None:
        return fast
    import pint

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


def _linear_factor(source: str, target: str) -> float | None:
    """The factor from the table of common units, or None when pint must answer (an unknown unit, two dimensions)."""
    a, b = _LINEAR.get(source), _LINEAR.get(target)
    if a is None or b is None or a[0] != b[0]:
        return None
    return 1.0 if source == target else a[1] / b[1]
