"""Monte Carlo over an uncertain system: every uncertain value drawn once per iteration, solved, and summarised.

``monte_carlo(model, demands, iterations, seed=...)`` draws every uncertain entry of the technosphere, the
biosphere and the characterization once per iteration, writes the draws into their fixed patterns
(``uncertainty``), solves the sample (``sample_solvers``) and scores every demand for every characterization
vector. An entry shared by several demands is one draw for all of them, so comparisons between demands are paired.

Iterations run in blocks of ``BLOCK``; block b draws from its own generator, ``SeedSequence(seed,
spawn_key=(b,))``, so the numbers depend on the seed alone, not on how many processes share the blocks
(``processes``, on one machine, with the fork start method). With k demands and m vectors the samples are solved
forward for k right-hand sides when k <= m, otherwise through the adjoint for m.

The contribution of each input to a score's variance is its squared Spearman rank correlation with the score
(``statistics``). Tracking all inputs would keep every draw of every iteration, so the inputs are first screened
to the ``3 * contributors`` with the largest linearised share of some score's variance (the derivative of the
score in the deterministic solution times the input's standard deviation); those are tracked and ranked.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray

from lowcarbon.engine.sample_solvers import TOLERANCE, SampleMethod, sample_solver
from lowcarbon.engine.statistics import Statistics, rank_correlations
from lowcarbon.engine.system import Demand
from lowcarbon.engine.uncertainty import UncertainSystem
from lowcarbon.errors import InvalidArrays

Array = NDArray[np.float64]
#: Iterations drawn from one generator; fixed, so that the draws do not depend on the number of processes.
BLOCK = 25


@dataclass(frozen=True)
class VarianceContribution:
    """One input's contribution to a score's variance: its Spearman rank correlation with the score.

    ``row`` and ``column`` name the input as its matrix does: product and activity ids (technosphere), flow and
    activity ids (biosphere), or flow id and characterization name.
    """

    matrix: str
    row: int
    column: int | str
    rank_correlation: float

    @property
    def spearman_squared(self) -> float:
        return self.rank_correlation**2

    def to_dict(self) -> dict[str, object]:
        return {
            "matrix": self.matrix,
            "row": self.row,
            "column": self.column,
            "rank_correlation": self.rank_correlation,
            "spearman_squared": self.spearman_squared,
        }


@dataclass(frozen=True, eq=False)
class MonteCarloResult:
    """The scores of every iteration, and what is read from them.

    ``scores`` is (iterations x vectors x demands), read-only; ``deterministic`` (vectors x demands) the scores of
    the deterministic values; ``seed`` the seed that reproduces the run (drawn when none was given).
    """

    iterations: int
    seed: int
    demands: tuple[Mapping[int, float], ...]
    characterizations: tuple[str, ...]
    scores: Array
    deterministic: Array
    contributions: tuple[tuple[tuple[VarianceContribution, ...], ...], ...]  # [vector][demand], largest first
    solver: str
    solver_stats: Mapping[str, int]
    uncertain_values: int  # how many values were drawn each iteration (0: every iteration is the deterministic one)

    def _vector(self, characterization: str | None) -> int:
        if characterization is None:
            return 0
        if characterization not in self.characterizations:
            raise InvalidArrays(f"unknown characterization {characterization!r}; the run has {self.characterizations}")
        return self.characterizations.index(characterization)

    def _demand(self, demand: int) -> int:
        if not -len(self.demands) <= demand < len(self.demands):
            raise InvalidArrays(f"demand {demand} is not in this run of {len(self.demands)} demands")
        return demand

    def samples(self, characterization: str | None = None, demand: int = 0) -> Array:
        """The score of every iteration for one vector (the first when not named) and one demand (by position)."""
        return self.scores[:, self._vector(characterization), self._demand(demand)]

    def statistics(self, characterization: str | None = None, demand: int = 0) -> Statistics:
        return Statistics.of(self.samples(characterization, demand))

    def variance_contributions(
        self, characterization: str | None = None, demand: int = 0
    ) -> tuple[VarianceContribution, ...]:
        return self.contributions[self._vector(characterization)][self._demand(demand)]

    def share_lower(self, first: int, second: int, characterization: str | None = None) -> float:
        """How often demand ``first`` scored lower than demand ``second`` (paired iterations)."""
        a, b = self.samples(characterization, first), self.samples(characterization, second)
        return float(np.mean(a < b))


def monte_carlo(
    model: UncertainSystem,
    demands: Demand | Sequence[Demand],
    iterations: int,
    seed: int | None = None,
    *,
    method: SampleMethod = "iterative",
    processes: int = 1,
    contributors: int = 10,
    tolerance: float = TOLERANCE,
    progress: Callable[[int], None] | None = None,
) -> MonteCarloResult:
    """Run ``iterations`` samples of ``model`` for one demand or several; ``progress`` hears the iterations done."""
    if iterations < 1:
        raise InvalidArrays(f"iterations must be at least 1, got {iterations}")
    if processes < 1:
        raise InvalidArrays(f"processes must be at least 1, got {processes}")
    system = model.system
    if not system.characterizations:
        raise InvalidArrays("the system has no characterization vector; Monte Carlo summarises scores")
    listed = [demands] if isinstance(demands, Mapping) else list(demands)
    if not listed:
        raise InvalidArrays("no demand given; give at least one {product id: amount}")
    plan = _Plan(model, np.column_stack([system.demand_vector(d) for d in listed]), method, tolerance, contributors)
    entropy = int(seed) if seed is not None else int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
    blocks = [(b, min(BLOCK, iterations - b * BLOCK)) for b in range(-(-iterations // BLOCK))]
    outputs = _run(plan, entropy, blocks, processes, progress)
    scores = np.concatenate([o[0] for o in outputs])
    tracked = np.concatenate([o[1] for o in outputs])
    stats: Counter[str] = sum((o[2] for o in outputs), Counter())
    scores.setflags(write=False)
    return MonteCarloResult(
        iterations=iterations,
        seed=entropy,
        demands=tuple(MappingProxyType({int(k): float(v) for k, v in d.items()}) for d in listed),
        characterizations=tuple(c.name for c in system.characterizations),
        scores=scores,
        deterministic=plan.deterministic,
        contributions=plan.contributions(tracked, scores, contributors),
        solver=plan.solver.method,
        solver_stats=MappingProxyType(dict(stats)),
        uncertain_values=model.uncertain_count,
    )


class _Plan:
    """What every iteration needs, prepared once: the demands, the sample solver and the inputs to track."""

    def __init__(
        self, model: UncertainSystem, demands: Array, method: SampleMethod, tolerance: float, contributors: int
    ) -> None:
        system = model.system
        self.model, self.demands = model, demands
        self.forward = demands.shape[1] <= len(system.characterizations)
        self.supply = system.solver.solve(demands)  # deterministic: warm start and screening
        self.deterministic = system.characterized_biosphere @ self.supply
        guess = self.supply if self.forward else system.product_scores.T
        self.solver = sample_solver(
            method, model.technosphere, system.technosphere, guess, transposed=not self.forward, tolerance=tolerance
        )
        self.tracked = _screen(model, self.supply, 3 * contributors)

    def run(self, entropy: int, block: int, count: int) -> tuple[Array, Array, Counter[str]]:
        """The scores (count x vectors x demands) and tracked draws of one block, and the solver's stages."""
        model, demands = self.model, self.demands
        rng = np.random.default_rng(np.random.SeedSequence(entropy, spawn_key=(block,)))
        before = Counter(self.solver.stats)
        scores = np.empty((count, model.characterization.shape[0], demands.shape[1]))
        kept = np.empty((count, self.tracked.size))
        for i in range(count):
            technosphere, biosphere, characterization, draws = model.sample(rng)
            b = model.biosphere.matrix(biosphere)
            c = model.characterization.matrix(characterization).toarray()
            if self.forward:
                supply = self.solver.solve(technosphere, demands)
                scores[i] = c @ (b @ supply)
            else:
                product_scores = self.solver.solve(technosphere, np.asarray(b.T @ c.T))
                scores[i] = product_scores.T @ demands
            kept[i] = draws[self.tracked]
        return scores, kept, self.solver.stats - before

    def contributions(
        self, tracked: Array, scores: Array, contributors: int
    ) -> tuple[tuple[tuple[VarianceContribution, ...], ...], ...]:
        vectors, demands = scores.shape[1], scores.shape[2]
        correlations = rank_correlations(tracked, scores.reshape(scores.shape[0], -1))
        names = _input_names(self.model, self.tracked)
        result = []
        for v in range(vectors):
            per_demand = []
            for d in range(demands):
                rho = correlations[:, v * demands + d]
                order = np.argsort(-(rho**2), kind="stable")[:contributors]
                chosen = (names[k] + (float(rho[k]),) for k in order if rho[k] != 0.0)
                per_demand.append(tuple(VarianceContribution(m, row, column, r) for m, row, column, r in chosen))
            result.append(tuple(per_demand))
        return tuple(result)


def _screen(model: UncertainSystem, supply: Array, count: int) -> NDArray[np.intp]:
    """The ``count`` uncertain inputs with the largest linearised share of some score's variance."""
    system = model.system
    total = model.uncertain_count
    if total <= count:
        return np.arange(total, dtype=np.intp)
    spread = model.distributions.std()
    y, c = system.product_scores, system.characterization_matrix
    inventory = system.biosphere @ supply
    t, b, ch = model.technosphere, model.biosphere, model.characterization
    importance = np.zeros(total)
    for v in range(c.shape[0]):
        for d in range(supply.shape[1]):
            gradient = np.concatenate(
                [
                    -y[v, t.rows] * supply[t.cols, d] * t.factors,
                    c[v, b.rows] * supply[b.cols, d] * b.factors,
                    np.where(ch.rows == v, inventory[ch.cols, d], 0.0) * ch.factors,
                ]
            )
            linear = (gradient * spread) ** 2
            if linear.sum() > 0:
                importance = np.maximum(importance, linear / linear.sum())
    return np.sort(np.argsort(-importance, kind="stable")[:count]).astype(np.intp)


def _input_names(model: UncertainSystem, positions: NDArray[np.intp]) -> list[tuple[str, int, int | str]]:
    """(matrix, row id, column id or name) of each uncertain input at ``positions`` of ``model.distributions``."""
    system = model.system
    names: list[tuple[str, int, int | str]] = []
    tech, bio = model.technosphere.distributions.size, model.biosphere.distributions.size
    vectors = [c.name for c in system.characterizations]
    for k in positions.tolist():
        if k < tech:
            m = model.technosphere
            names.append(("technosphere", int(system.products.ids[m.rows[k]]), int(system.activities.ids[m.cols[k]])))
        elif k < tech + bio:
            m, j = model.biosphere, k - tech
            names.append(("biosphere", int(system.flows.ids[m.rows[j]]), int(system.activities.ids[m.cols[j]])))
        else:
            m, j = model.characterization, k - tech - bio
            names.append(("characterization", int(system.flows.ids[m.cols[j]]), vectors[m.rows[j]]))
    return names


_WORKER_PLAN: _Plan | None = None  # a worker process's plan, inherited from the parent by fork


def _install(plan: _Plan) -> None:
    global _WORKER_PLAN
    _WORKER_PLAN = plan


def _run_block(job: tuple[int, int, int]) -> tuple[Array, Array, Counter[str]]:
    assert _WORKER_PLAN is not None, "the worker was started without a plan"
    return _WORKER_PLAN.run(*job)


def _run(
    plan: _Plan,
    entropy: int,
    blocks: list[tuple[int, int]],
    processes: int,
    progress: Callable[[int], None] | None,
) -> list[tuple[Array, Array, Counter[str]]]:
    """Each block's output, in block order, from this process or from a pool of forked ones."""
    jobs = [(entropy, block, count) for block, count in blocks]
    outputs = []
    done = 0
    results: Iterable[tuple[Array, Array, Counter[str]]]
    if processes == 1 or len(jobs) == 1 or "fork" not in multiprocessing.get_all_start_methods():
        results = map(_run_block_with(plan), jobs)
        pool = None
    else:
        # fork: the workers inherit the plan (its arrays and prepared solver) instead of unpickling it
        pool = ProcessPoolExecutor(
            processes, mp_context=multiprocessing.get_context("fork"), initializer=_install, initargs=(plan,)
        )
        results = pool.map(_run_block, jobs)
    try:
        for output in results:
            outputs.append(output)
            done += output[0].shape[0]
            if progress is not None:
                progress(done)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return outputs


def _run_block_with(plan: _Plan) -> Callable[[tuple[int, int, int]], tuple[Array, Array, Counter[str]]]:
    return lambda job: plan.run(*job)
