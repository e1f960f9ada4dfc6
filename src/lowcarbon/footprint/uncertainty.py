"""How sure a footprint is: the values that Monte Carlo, sensitivity and scenarios give, beside the Footprint.

These are the shapes the CFP study report (``lowcarbon.report``) and the CLI read; the functions that compute them
live beside them in this package.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Contributor:
    """One uncertain input's share of the total's variance (squared Spearman rank correlation, normalised)."""

    label: str  # what the input is, as a reader knows it: "stage / line name (factor set/id)" or "factor set/id"
    label_zh: str
    share: float  # 0..1 of the explained variance
    rank_correlation: float


@dataclass(frozen=True)
class FootprintUncertainty:
    """Monte Carlo statistics of a footprint's total, kg CO2e per declared unit."""

    iterations: int
    seed: int
    deterministic: float  # the footprint's total without sampling
    mean: float
    std: float
    median: float
    p2_5: float
    p97_5: float
    contributors: list[Contributor] = field(default_factory=list)  # largest share first
    samples: list[float] = field(default_factory=list)  # the totals, for charts (may be thinned)
    by_stage: dict[str, dict[str, float]] = field(default_factory=dict)  # stage -> {mean, std, p2_5, p97_5}
    uncertain_inputs: int = 0  # how many values were sampled each iteration (0: every iteration is the same)
    notes: list[str] = field(default_factory=list)  # what the reader should know: uncertainties not used, and why

    def to_dict(self, samples: bool = False) -> dict[str, Any]:
        data = asdict(self)
        if not samples:
            data.pop("samples")
        return data


@dataclass(frozen=True)
class SensitivityCase:
    """One parameter varied on its own: the total at its low and high values."""

    parameter: str
    parameter_zh: str
    base_value: float
    low_value: float
    high_value: float
    unit: str
    total_low: float
    total_high: float


@dataclass(frozen=True)
class ScenarioResult:
    """A named scenario of the product model, computed beside the base result."""

    name: str
    name_zh: str
    description: str
    description_zh: str
    total: float
    by_stage: dict[str, float]
    difference: float  # total - base total, kg CO2e per declared unit


@dataclass(frozen=True)
class UncertainComparison:
    """Two footprints sampled together: a factor both use (same key, same value, same spread) is one draw per
    iteration for both, so the difference holds only what differs between them.

    ``a`` and ``b`` hold each total's {deterministic, mean, std, median, p2_5, p97_5}; ``difference`` the same of
    B - A for each iteration; ``probability_a_lower`` how often A < B, ``probability_equal`` how often A = B (within
    a relative 1e-9: round-off); ``shared_factors`` the uncertain factors drawn once for both.
    """

    iterations: int
    seed: int
    a_name: str
    b_name: str
    unit: str
    a: dict[str, float]
    b: dict[str, float]
    difference: dict[str, float]
    probability_a_lower: float
    probability_equal: float
    shared_factors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
