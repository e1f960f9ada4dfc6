"""Characterization sets (IPCC GWP100 tables) and the CO2e of an emission factor under one of them."""

from __future__ import annotations

import csv
import difflib
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from lowcarbon.errors import DataFormatError, LowcarbonError
from lowcarbon.factors.model import ORIGINS, Factor, Origin

DATA = "lowcarbon.factors.data.characterization"


class UnknownGas(LowcarbonError, KeyError):
    """A factor names a gas the characterization set has no value for."""

    code = "unknown_gas"

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class Gas:
    """One row of a GWP table."""

    gas_id: str
    name: str
    formula: str
    cas: str
    gwp100: float
    note: str


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: each set is loaded once
class CharacterizationSet:
    """A GWP100 table: kg CO2e per kg of each gas, with the source it comes from."""

    name: str  # e.g. "IPCC AR6 GWP100"
    short_name: str  # e.g. "AR6", as PACT's ipccCharacterizationFactors writes it
    source: str
    gases: dict[str, Gas]

    def gwp(self, gas_id: str, where: str = "") -> float:
        """The GWP100 of a gas; raises UnknownGas naming the place and the ids that exist.

        A gas id with an origin that the set does not list falls back to the plain gas: AR5 lists ``CH4-fossil``
        (30) and plain ``CH4`` (28) but not ``CH4-non-fossil``, which takes 28. A gas that another shipped set has
        but this one does not (AR6 added ethane, for one) counts zero here, as it does in the methods built on this
        set: ``lists`` tells which, so that a footprint can warn of each.
        """
        base = gas_id.removesuffix("-non-fossil").removesuffix("-fossil")
        for candidate in (gas_id, base):
            if candidate in self.gases:
                return self.gases[candidate].gwp100
        if gas_id in _all_gas_ids():
            return 0.0
        prefix = f"{where}: " if where else ""
        close = difflib.get_close_matches(gas_id, list(self.gases), n=3) or ["CO2", "CH4-fossil", "N2O"]
        reason = (
            f"gas {gas_id!r} has no GWP in {self.name}; did you mean {', '.join(close)}? "
            "(the gas ids are in lowcarbon/factors/data/characterization/)"
        )
        raise UnknownGas(prefix + reason, reason=reason)

    def lists(self, gas_id: str) -> bool:
        """Whether the set has a GWP of its own for the gas (or for the gas without its origin)."""
        return gas_id in self.gases or gas_id.removesuffix("-non-fossil").removesuffix("-fossil") in self.gases

    def split(self, factor: Factor) -> dict[Origin, float]:
        """kg CO2e per unit of ``factor`` by carbon origin (fossil, biogenic, land-use change)."""
        parts: dict[Origin, float] = dict.fromkeys(ORIGINS, 0.0)
        if factor.emissions:
            for emission in factor.emissions:
                parts[emission.origin] += emission.amount * self.gwp(emission.gas, f"factor {factor.key}")
        elif factor.co2e is not None:
            parts[factor.co2e_origin] += factor.co2e
        else:
            raise DataFormatError(f"factor {factor.key} has neither gas emissions nor a CO2e value")
        return parts

    def co2e(self, factor: Factor) -> float:
        """kg CO2e per unit of ``factor``; a published CO2e total is taken as it is (see ``basis_differs``)."""
        return sum(self.split(factor).values())

    def basis_differs(self, factor: Factor) -> bool:
        """True when the factor only has a CO2e total computed with another set than this one."""
        return not factor.emissions and factor.co2e_basis not in (None, self.name)


@cache
def _all_gas_ids() -> frozenset[str]:
    return frozenset(gas for name in available_sets() for gas in _read_set(name).gases)


@cache
def available_sets() -> dict[str, dict[str, str]]:
    """The shipped sets: name -> {file, short_name, source}."""
    index = resources.files(DATA).joinpath("sets.json").read_text(encoding="utf-8")
    sets: dict[str, dict[str, str]] = json.loads(index)
    return sets


def load_set(name: str = "IPCC AR6 GWP100") -> CharacterizationSet:
    """A shipped set by name or short name ("AR6", "AR5"); each is read once."""
    sets = available_sets()
    matches = [k for k, v in sets.items() if name in (k, v["short_name"])]
    if not matches:
        raise LowcarbonError(f"no characterization set {name!r}; shipped sets: {', '.join(sets)}")
    return _read_set(matches[0])


@cache
def _read_set(full_name: str) -> CharacterizationSet:
    entry = available_sets()[full_name]
    text = resources.files(DATA).joinpath(entry["file"]).read_text(encoding="utf-8")
    gases: dict[str, Gas] = {}
    for line, row in enumerate(csv.DictReader(text.splitlines()), start=2):
        try:
            gas = Gas(row["gas_id"], row["name"], row["formula"], row["cas"], float(row["gwp100"]), row["note"])
        except (KeyError, ValueError) as exc:
            raise DataFormatError(
                f"{entry['file']} line {line}: {exc}; columns are gas_id,name,formula,cas,gwp100,note"
            ) from None
        gases[gas.gas_id] = gas
    return CharacterizationSet(full_name, entry["short_name"], entry["source"], gases)
