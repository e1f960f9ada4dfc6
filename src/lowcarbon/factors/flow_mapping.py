"""Which elementary flows are greenhouse gases, of which origin: the bridge from LCA inventories to factors.

Inventories (ILCD, openLCA JSON-LD, EcoSpold2) name elementary flows their own way. A flow counts when it is an
emission to air (or carbon dioxide taken up from air) of a gas the characterization set has, found by CAS
number or by name. The origin comes from the name: "biogenic", "non-fossil" or "short cycle" mean biogenic;
"land use", "land transformation" or "from soil or biomass stock" mean land-use change; anything else is fossil.
Methane's origin also picks the gas id (CH4-fossil or CH4-non-fossil), as AR6 gives them different GWPs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from lowcarbon.factors.characterization import CharacterizationSet
from lowcarbon.factors.model import Origin

BIOGENIC = ("biogenic", "non-fossil", "non fossil", "short cycle", "short-cycle")
LAND_USE = ("land use", "land-use", "land transformation", "soil or biomass stock", "luluc", "dluc")


@dataclass(frozen=True)
class GasFlow:
    """How an elementary flow enters a factor: its gas id, carbon origin, and sign (+1 emission, -1 uptake)."""

    gas: str
    origin: Origin
    sign: float


def classify_flow(
    name: str,
    cas: str | None,
    compartments: Sequence[str],
    direction: str,
    characterization: CharacterizationSet,
) -> GasFlow | None:
    """The gas an elementary flow is, or None when it is no greenhouse-gas exchange with the air."""
    context = " / ".join(compartments).lower()
    text = name.lower()
    if "air" not in context:
        return None
    resource = "resource" in context
    gas = _gas_id(text, cas, characterization)
    if gas is None:
        return None
    if resource:
        # only carbon dioxide is taken up from the air, by plants: a biogenic removal
        return GasFlow("CO2", "biogenic", -1.0) if gas == "CO2" and direction == "input" else None
    sign = 1.0 if direction == "output" else -1.0
    origin: Origin = (
        "land_use_change"
        if any(word in text for word in LAND_USE)
        else "biogenic"
        if any(word in text for word in BIOGENIC)
        else "fossil"
    )
    if gas.startswith("CH4"):
        gas = "CH4-fossil" if origin == "fossil" else "CH4-non-fossil"
    return GasFlow(gas, origin, sign)


def _gas_id(text: str, cas: str | None, characterization: CharacterizationSet) -> str | None:
    by_cas, by_name = _indexes(characterization)
    if cas:
        normalized = cas.strip().lstrip("0")
        if normalized in by_cas:
            return by_cas[normalized]
    base = re.split(r"[,(\[]", text, maxsplit=1)[0].strip()
    return by_name.get(base)


@cache
def _indexes(characterization: CharacterizationSet) -> tuple[dict[str, str], dict[str, str]]:
    """CAS -> gas id and lower-case name or id -> gas id; methane maps to its plain id, refined by origin."""
    by_cas: dict[str, str] = {}
    by_name: dict[str, str] = {"nitrous oxide": "N2O", "dinitrogen monoxide": "N2O", "methane": "CH4-fossil"}
    for gas in characterization.gases.values():
        gas_id = "CH4-fossil" if gas.gas_id.startswith("CH4") else gas.gas_id
        if gas.cas:
            by_cas.setdefault(gas.cas.lstrip("0"), gas_id)
        by_name.setdefault(gas.name.lower(), gas_id)
        by_name.setdefault(gas.gas_id.lower(), gas_id)
    return by_cas, by_name
