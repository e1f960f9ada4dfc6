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

from lowcarbon.engine.distributions import LOGNORMAL, NORMAL, TRIANGULAR, UNIFORM, Distributions


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


def exchange_distributions(system: SyntheticSystem, seed: int = 1, *, signed: bool = False) -> dict[str, Distributions]:
    """A distribution on every technosphere and biosphere exchange of ``system``, in its triplets' order.

    Production exchanges are normal with a standard deviation of 2 % of the amount; inputs are lognormal (70 %,
    sd of ln from 0.1 to 0.4), normal (10 %, 10 % of the amount), triangular (10 %, from 0.8 to 1.3 times the amount,
    mode at it) or uniform (10 %, 0.9 to 1.1 times); emissions are lognormal (sd of ln from 0.1 to 0.5). Every
    median is the amount. Distributions describe the magnitude, as bw2data stores inputs (positive, with a flip
    array), unless ``signed``: then they describe the signed values (an input's lognormal is ``negative``). The
    spreads are invented for tests and benchmarks, like the rest of the system.
    """
    rng = np.random.default_rng(seed)
    rows, cols, values = system.technosphere
    size = np.abs(values)
    kind = np.where(rows == cols, NORMAL, LOGNORMAL)
    draw = rng.random(values.size)
    inputs = rows != cols
    kind[inputs & (draw >= 0.7)] = NORMAL
    kind[inputs & (draw >= 0.8)] = TRIANGULAR
    kind[inputs & (draw >= 0.9)] = UNIFORM
    scale = np.where(kind == LOGNORMAL, rng.uniform(0.1, 0.4, values.size), np.nan)
    scale[kind == NORMAL] = np.where(inputs, 0.1, 0.02)[kind == NORMAL] * size[kind == NORMAL]
    loc = np.where(kind == LOGNORMAL, np.log(size), size)
    minimum = np.select([kind == TRIANGULAR, kind == UNIFORM], [0.8 * size, 0.9 * size], np.nan)
    maximum = np.select([kind == TRIANGULAR, kind == UNIFORM], [1.3 * size, 1.1 * size], np.nan)
    negative = np.zeros(values.size, dtype=bool)
    if signed:
        sign = np.sign(values)
        negative = (kind == LOGNORMAL) & (values < 0)
        loc = np.where(kind == LOGNORMAL, loc, loc * sign)
        minimum, maximum = np.where(sign < 0, -maximum, minimum), np.where(sign < 0, -minimum, maximum)
    technosphere = Distributions(kind, loc, scale, np.full(values.size, np.nan), minimum, maximum, negative)
    emissions = system.biosphere[2]
    n = emissions.size
    nan = np.full(n, np.nan)
    biosphere = Distributions(
        np.full(n, LOGNORMAL), np.log(emissions), rng.uniform(0.1, 0.5, n), nan, nan, nan, np.zeros(n, dtype=bool)
    )
    return {"technosphere": technosphere, "biosphere": biosphere}
