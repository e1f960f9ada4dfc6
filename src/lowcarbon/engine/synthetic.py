"""Synthetic life-cycle systems shaped like real background databases, for tests and benchmarks.

Suppliers are drawn from a power law over a random ranking of activities, so a few hubs (markets, electricity,
transport) supply most activities while the long tail supplies a few, as in ecoinvent. Input amounts are
log-normal and each column's inputs are scaled to sum to at most ``max_input_share`` of its output, which keeps
the economy productive (every loop dies out), as a real database is. The numbers are random, not data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class SyntheticSystem:
    """Triplets of a generated system; ids are arbitrary distinct integers."""

    activity_ids: NDArray[np.int64]
    technosphere: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]
    biosphere: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]
    characterizations: tuple[tuple[NDArray[np.int64], NDArray[np.float64]], ...]


def generate(
    activities: int = 20_000,
    inputs: float = 8.0,
    flows: int = 2_000,
    flows_per_activity: float = 5.0,
    characterizations: int = 3,
    hub_exponent: float = 1.3,
    max_input_share: float = 0.8,
    production_spread: float = 0.0,
    seed: int = 1,
) -> SyntheticSystem:
    """A random system; ``production_spread`` > 0 draws non-unit production amounts (some negative)."""
    rng = np.random.default_rng(seed)
    n = activities
    ids = rng.choice(np.arange(1_000_000, 1_000_000 + 50 * n, dtype=np.int64), size=n, replace=False)
    popularity = 1.0 / np.arange(1, n + 1) ** hub_exponent
    popularity /= popularity.sum()
    ranking = rng.permutation(n)
    counts = rng.poisson(inputs, n)
    # draw twice as many suppliers as needed, then keep each column's first ``counts`` distinct ones
    consumers = np.repeat(np.arange(n), 2 * counts)
    suppliers = ranking[rng.choice(n, size=consumers.size, p=popularity)]
    keep = suppliers != consumers
    consumers, suppliers = consumers[keep], suppliers[keep]
    _, first = np.unique(consumers.astype(np.int64) * n + suppliers, return_index=True)
    first.sort()
    consumers, suppliers = consumers[first], suppliers[first]
    starts = np.searchsorted(consumers, np.arange(n))
    rank = np.arange(consumers.size) - starts[consumers]
    keep = rank < counts[consumers]
    consumers, suppliers = consumers[keep], suppliers[keep]
    amounts = rng.lognormal(np.log(0.02), 1.2, consumers.size)
    column_sums = np.bincount(consumers, amounts, n)
    amounts *= np.minimum(1.0, max_input_share / np.maximum(column_sums, 1e-300))[consumers]
    production = np.ones(n)
    if production_spread:
        production = rng.lognormal(0.0, production_spread, n) * np.where(rng.random(n) < 0.05, -1.0, 1.0)
        # an input is needed per unit of output, so inputs scale with the size of the production exchange
        amounts *= np.abs(production[consumers])
        amounts *= np.sign(production[suppliers])  # waste treatment: the "input" is a waste output
    tech_rows = np.concatenate([ids, ids[suppliers]])
    tech_cols = np.concatenate([ids, ids[consumers]])
    tech_values = np.concatenate([production, -amounts])
    per_activity = rng.poisson(flows_per_activity, n)
    emitters = np.repeat(np.arange(n), per_activity)
    flow_popularity = 1.0 / np.arange(1, flows + 1) ** 0.8
    flow_popularity /= flow_popularity.sum()
    flow_ids = np.arange(1, flows + 1, dtype=np.int64) * 7 + 3
    emitted = flow_ids[rng.choice(flows, size=emitters.size, p=flow_popularity)]
    bio_values = rng.lognormal(0.0, 2.0, emitters.size)
    vectors = []
    for _ in range(characterizations):
        chosen = rng.random(flows) < 0.3
        vectors.append((flow_ids[chosen], rng.lognormal(0.0, 1.5, int(chosen.sum()))))
    return SyntheticSystem(
        activity_ids=ids,
        technosphere=(tech_rows, tech_cols, tech_values),
        biosphere=(emitted, ids[emitters], bio_values),
        characterizations=tuple(vectors),
    )
