"""China's enterprise GHG accounting (the MEE/NDRC sector guidelines): their default fuel parameters and the formulas.

Fuel combustion: E = AD x NCV x CC x OF x 44/12 (t CO2), where AD is the fuel burnt, NCV its net calorific value
(GJ per unit), CC its carbon content per unit of heat (t C/GJ) and OF its oxidation fraction. Carbonates calcined in
a process emit their stoichiometric CO2 times the fraction calcined. Purchased electricity and heat count with the
national grid factor of the year (``lowcarbon.factors``' cn-grid-electricity set) and the heat factor the company uses.

The defaults live in ``data/cn-enterprise-guidelines.csv``, each row naming its guideline, table, year, geography, unit
and the source it was read in; ``data/constants.json`` holds the atomic weights behind 44/12 and the carbonates.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["FuelDefaults", "carbonate_co2", "co2_per_carbon", "fuel_defaults", "guideline_fuels"]

DATA = "lowcarbon.inventory.data"


@dataclass(frozen=True)
class FuelDefaults:
    """One fuel's default parameters in one guideline, with where they come from."""

    guideline: str  # e.g. cn-other-industry
    fuel: str  # e.g. natural-gas
    name: str
    name_zh: str
    ncv: float  # GJ per ``activity_per`` ``activity_unit``
    ncv_unit: str  # as the guideline writes it, e.g. "GJ/t", "GJ/(10^4 Nm3)"
    activity_unit: str  # t, Nm3
    activity_per: float  # 1, or 10000 for the NCV of natural gas per 10^4 Nm3
    carbon_content: float  # t C per GJ
    oxidation: float  # fraction
    guideline_name: str
    guideline_name_zh: str
    table: str
    year: int
    source: str
    unverified: bool

    @property
    def ncv_per_unit(self) -> float:
        """GJ per one ``activity_unit``."""
        return self.ncv / self.activity_per

    @property
    def citation(self) -> str:
        flag = " [unverified]" if self.unverified else ""
        return f"{self.guideline_name_zh} ({self.guideline_name}), {self.table}; {self.source}{flag}"


@cache
def _rows() -> dict[tuple[str, str], FuelDefaults]:
    text = resources.files(DATA).joinpath("cn-enterprise-guidelines.csv").read_text(encoding="utf-8")
    found = {}
    for row in csv.DictReader(text.splitlines()):
        per, _, unit = row["activity_unit"].rpartition("*")
        defaults = FuelDefaults(
            guideline=row["guideline"],
            fuel=row["fuel"],
            name=row["name"],
            name_zh=row["name_zh"],
            ncv=float(row["ncv"]),
            ncv_unit=row["ncv_unit"],
            activity_unit=unit,
            activity_per=float(per or 1),
            carbon_content=float(row["carbon_content_tc_per_gj"]),
            oxidation=float(row["oxidation_percent"]) / 100,
            guideline_name=row["guideline_name"],
            guideline_name_zh=row["guideline_name_zh"],
            table=row["table"],
            year=int(row["year"]),
            source=row["source"],
            unverified=row["unverified"] == "true",
        )
        found[defaults.guideline, defaults.fuel] = defaults
    return found


def guideline_fuels() -> dict[str, list[str]]:
    """Guideline -> the fuels it has defaults for."""
    listed: dict[str, list[str]] = {}
    for guideline, fuel in _rows():
        listed.setdefault(guideline, []).append(fuel)
    return listed


def fuel_defaults(guideline: str, fuel: str) -> FuelDefaults | None:
    """The defaults of ``fuel`` in ``guideline``, or None."""
    return _rows().get((guideline, fuel))


@cache
def _constants() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(resources.files(DATA).joinpath("constants.json").read_text(encoding="utf-8"))
    return loaded


def co2_per_carbon() -> float:
    """t CO2 per t C as the guidelines write it: 44/12."""
    ratio = _constants()["co2_per_carbon"]
    return float(ratio["numerator"]) / float(ratio["denominator"])


def carbonate_co2(carbonate: str) -> float:
    """t CO2 per t of the carbonate fully calcined: its CO2's molar mass over its own (IUPAC atomic weights)."""
    weights = _constants()["atomic_weights"]
    entry = _constants()["carbonates"][carbonate]
    molar = sum(weights[element] * count for element, count in entry["formula"].items())
    co2 = entry["co2"] * (weights["C"] + 2 * weights["O"])
    return float(co2 / molar)
