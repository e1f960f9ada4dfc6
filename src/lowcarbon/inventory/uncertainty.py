"""The uncertainty of an inventory's total: the records' activity data sampled by Monte Carlo, a 95 % interval.

A record may give the spread of its amount (``uncertainty``: the footprint's ``Uncertainty``, lognormal by its GSD
or sigma or the pedigree matrix, normal by its standard deviation, uniform or triangular by its bounds, in the
record's unit). The record's emissions are proportional to its amount, so each uncertain line's t CO2e (at its
boundary share) is drawn as the same distribution scaled by its emissions per unit (the footprint's ``spread_of``
and the engine's ``Distributions``, all draws at once); the other lines are fixed. The total of each iteration is
summarised by the engine's ``Statistics`` (mean, standard deviation, median, 2.5th and 97.5th percentiles). The
records are independent; the factors' own spreads are not sampled (the inventory's factors carry none it uses).
A fixed seed makes the same inventory give the same interval.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from lowcarbon.inventory.lines import Line
from lowcarbon.inventory.model import Inventory

__all__ = ["ITERATIONS", "SEED", "InventoryUncertainty", "total_uncertainty"]

ITERATIONS = 10_000
SEED = 20_231  # any fixed number: the same inventory gives the same interval
KG_PER_T = 1000.0


@dataclass(frozen=True)
class InventoryUncertainty:
    """Monte Carlo statistics of the inventory's total (scopes 1, 2 location-based and 3), t CO2e."""

    iterations: int
    seed: int
    deterministic: float
    mean: float
    std: float
    median: float
    p2_5: float
    p97_5: float
    uncertain_records: tuple[str, ...]  # the records sampled (their places)
    half_width_percent: float  # half the 95 % interval's width, as % of the deterministic total

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def total_uncertainty(
    inventory: Inventory, lines: Sequence[Line], iterations: int = ITERATIONS, seed: int = SEED
) -> InventoryUncertainty | None:
    """The total's uncertainty from the records that give one; None when none does."""
    records = {f"activities[{index}]": record for index, record in enumerate(inventory.activities)}
    uncertain = [
        (line, records[line.place])
        for line in lines
        if records[line.place].uncertainty is not None and records[line.place].amount > 0 and line.kg_co2e
    ]
    if not uncertain:
        return None
    import numpy as np

    from lowcarbon.engine.distributions import Distributions, sample
    from lowcarbon.engine.statistics import Statistics
    from lowcarbon.footprint.montecarlo import spread_of

    total = sum(line.kg_co2e * line.share for line in lines) / KG_PER_T
    spreads = []
    for line, record in uncertain:
        per_unit = line.kg_co2e * line.share / KG_PER_T / record.amount
        found = spread_of(record.uncertainty, record.amount, per_unit)
        assert found is not None  # an uncertainty and a scale above 0
        spreads.append(found)
    kind, loc, scale, minimum, maximum, negative = (
        np.repeat(np.array(column), iterations) for column in zip(*spreads, strict=True)
    )
    distributions = Distributions(kind, loc, scale, np.full(kind.size, math.nan), minimum, maximum, negative)
    drawn = sample(distributions, np.random.default_rng(seed)).reshape(len(spreads), iterations)
    fixed = total - sum(line.kg_co2e * line.share / KG_PER_T for line, _ in uncertain)
    statistics = Statistics.of(drawn.sum(axis=0) + fixed)
    half = (statistics.p97_5 - statistics.p2_5) / 2
    return InventoryUncertainty(
        iterations,
        seed,
        total,
        statistics.mean,
        statistics.std,
        statistics.median,
        statistics.p2_5,
        statistics.p97_5,
        tuple(line.place for line, _ in uncertain),
        100 * half / total if total else 0.0,
    )
