"""Emission factors with their provenance: gases, carbon origin, geography, year, source, quality, uncertainty."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Origin = Literal["fossil", "biogenic", "land_use_change"]
Purpose = Literal["", "product", "company"]  # what a value is for: any, product footprints, company reporting only
PURPOSES: tuple[Purpose, ...] = ("", "product", "company")
ORIGINS: tuple[Origin, ...] = ("fossil", "biogenic", "land_use_change")
UncertaintyType = Literal["none", "lognormal", "normal", "uniform", "triangular"]


@dataclass(frozen=True)
class Emission:
    """A mass of one greenhouse gas per unit of the factor's reference (negative for a removal)."""

    gas: str  # a gas_id of the characterization sets, e.g. "CO2", "CH4-fossil", "N2O"
    amount: float  # kg of the gas
    origin: Origin = "fossil"


@dataclass(frozen=True)
class DataQuality:
    """Data-quality ratings as PACT defines them (1 best); None where not rated."""

    technological: float | None = None
    temporal: float | None = None
    geographical: float | None = None
    completeness: float | None = None
    reliability: float | None = None

    def ratings(self) -> dict[str, float]:
        """The ratings that are given, by name."""
        values = {
            "technological": self.technological,
            "temporal": self.temporal,
            "geographical": self.geographical,
            "completeness": self.completeness,
            "reliability": self.reliability,
        }
        return {name: value for name, value in values.items() if value is not None}


@dataclass(frozen=True)
class Uncertainty:
    """The spread of a factor's value: a distribution and its 95 % range where the source gives one."""

    distribution: UncertaintyType = "none"
    lower: float | None = None  # 2.5th percentile of the value, in the factor's unit
    upper: float | None = None  # 97.5th percentile
    geometric_sd: float | None = None  # lognormal: the geometric standard deviation (not squared)


@dataclass(frozen=True)
class Factor:
    """An emission factor: kg CO2e (from its gases, or as published) per one ``unit`` of an activity."""

    id: str  # unique within its factor set
    name: str
    unit: str  # the reference unit, e.g. "kWh", "TJ", "t*km", "kg"
    geography: str  # ISO 3166 code or a named region, e.g. "CN", "CN-North grid", "GLO"
    source: str
    factor_set: str = ""
    name_zh: str | None = None
    year: int | None = None
    emissions: tuple[Emission, ...] = ()
    co2e: float | None = None  # when only the CO2e total is published
    co2e_basis: str | None = None  # the characterization set behind ``co2e``, e.g. "IPCC AR5 GWP100"
    co2e_origin: Origin = "fossil"
    category: str = ""
    boundary: str = ""  # what the value covers, e.g. "combustion only", "grid average, generation"
    source_url: str | None = None
    data_quality: DataQuality = field(default_factory=DataQuality)
    uncertainty: Uncertainty = field(default_factory=Uncertainty)
    unverified: bool = False  # the value has one unconfirmed source; shown wherever it is used
    notes: str = ""
    primary_data_share: float | None = None  # 0..1: of a supplier footprint used as a factor, its primary part
    purpose: Purpose = ""  # "company": for company (scope 2) reporting only, e.g. CO2-only electricity factors

    @property
    def key(self) -> str:
        """``factor_set/id``: unique across the library."""
        return f"{self.factor_set}/{self.id}" if self.factor_set else self.id
