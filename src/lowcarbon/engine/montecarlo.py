"""Monte Carlo over an uncertain system: every uncertain value drawn once per iteration, solved, and summarised.

``monte_carlo(model, demands, iterations, seed=...)`` draws every uncertain entry of the technosphere, the
biosphere and the characterization once per iteration, writes the draws into their fixed patterns
(``uncertainty``), solves the sample (``sample_solvers``) and scores every demand for every characterization
vector. An entry shared by several demands is one draw for all of them, so comparisons between demands are paired.

Iterations run in blocks of ``BLOCK``; block b draws from its own generator, ``SeedSequence(seed,
spawn_key=(b,))``, so the numbers depend on the seed alone, not on what runs the blocks: this process, a pool of
``processes`` forked ones on one machine, or an ``executor``. With k demands and m vectors the samples are solved
forward for k right-hand sides when k <= m, otherwise through the adjoint for m.

Beyond one machine: ``executor`` is anything with ``concurrent.futures.Executor``'s ``submit`` (a Dask cluster's,
from ``lowcarbon.scale``, which the engine never imports). Each block is ``run_block(inputs, seed, block, count)``,
a module-level function of plain picklable values: ``BlockInputs`` holds the sampled layouts, the demands, the
warm start and the inputs to track, not the system's factorization. An executor that also has ``share(value)``
(``SharingExecutor``; Dask's scatters the value to every worker) is given the inputs once and each block a
reference to them; any other gets them with every block. A worker builds its sample solver from the inputs once
per run and thread (``_worker_blocks``), and keeps that one run's until the next comes.

The contribution of each input to a score's variance is its squared Spearman rank correlation with the score
(``statistics``). Tracking all inputs would keep every draw of every iteration, so the inputs are first screened
to the ``3 * contributors`` with the largest linearised share of some score's variance (the derivative of the
score in the deterministic solution times the input's standard deviation); those are tracked and ranked.
"""

from __future__ import annotations

import multiprocessing
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Protocol, get_args, runtime_checkable

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from lowcarbon.engine.distributions import concatenate
from lowcarbon.engine.sample_solvers import TOLERANCE, SampleMethod, sample_solver
from lowcarbon.engine.statistics import Statistics, rank_correlations
from lowcarbon.engine.system import Demand
from lowcarbon.engine.uncertainty import UncertainMatrix, UncertainSystem
from lowcarbon.errors import InvalidArrays

Array = NDArray[np.float64]
#: Iterations drawn from one generator; fixed, so that the draws do not depend on the number of processes.
BLOCK = 25
#: What a block answers: its scores (count x vectors x demands), its tracked draws, and its solver's stages.
BlockOutput = tuple[Array, Array, Counter[str]]


@runtime_checkable
class SharingExecutor(Protocol):
    """An executor that can place a value on its workers once (``share``), answering what stands for it in
    ``submit``'s arguments (Dask: a scattered future). Without it, the value travels with every block."""

    def share(self, value: Any) -> Any: ...


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
    executor: Executor | None = None,
    contributors: int = 10,
    tolerance: float = TOLERANCE,
    progress: Callable[[int], None] | None = None,
) -> MonteCarloResult:
    """Run ``iterations`` samples of ``model`` for one demand or several; ``progress`` hears the iterations done.

    The blocks run in this process, in ``processes`` forked ones, or, given an ``executor``, wherever it runs them
    (``processes`` is then not used); the numbers are the same for the same seed.
    """
    if iterations < 1:
        raise InvalidArrays(f"iterations must be at least 1, got {iterations}")
    if processes < 1:
        raise InvalidArrays(f"processes must be at least 1, got {processes}")
    if method not in get_args(SampleMethod):
        raise InvalidArrays(f"unknown Monte Carlo solver {method!r}; use 'iterative' or 'direct'")
    system = model.system
    if not system.characterizations:
        raise InvalidArrays("the system has no characterization vector; Monte Carlo summarises scores")
    listed = [demands] if isinstance(demands, Mapping) else list(demands)
    if not listed:
        raise InvalidArrays("no demand given; give at least one {product id: amount}")
    plan = _Plan(model, np.column_stack([system.demand_vector(d) for d in listed]), method, tolerance, contributors)
    entropy = int(seed) if seed is not None else int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
    blocks = [(b, min(BLOCK, iterations - b * BLOCK)) for b in range(-(-iterations // BLOCK))]
    outputs = _run(plan.inputs, entropy, blocks, processes, executor, progress)
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
        solver=method,
        solver_stats=MappingProxyType(dict(stats)),
        uncertain_values=model.uncertain_count,
    )


@dataclass(frozen=True, eq=False)
class BlockInputs:
    """What every block needs, as plain picklable values: the sampled layouts (not the system and its
    factorization), the demands (products x demands), the warm start, and the positions of the tracked inputs.

    ``run`` names the run, so that a worker builds its sample solver once per run (``_worker_blocks``).
    """

    run: str
    technosphere: UncertainMatrix
    biosphere: UncertainMatrix
    characterization: UncertainMatrix
    static: sparse.csr_matrix  # the deterministic technosphere: the solvers' orderings come from it
    demands: Array
    forward: bool
    guess: Array
    tracked: NDArray[np.intp]
    method: SampleMethod
    tolerance: float


class _Plan:
    """What the run needs, prepared once in this process: the deterministic scores, the inputs to track, and the
    ``BlockInputs`` that the blocks run on."""

    def __init__(
        self, model: UncertainSystem, demands: Array, method: SampleMethod, tolerance: float, contributors: int
    ) -> None:
        system = model.system
        self.model = model
        forward = demands.shape[1] <= len(system.characterizations)
        supply = system.solver.solve(demands)  # deterministic: warm start and screening
        self.deterministic = system.characterized_biosphere @ supply
        self.tracked = _screen(model, supply, 3 * contributors)
        self.inputs = BlockInputs(
            run=uuid.uuid4().hex,
            technosphere=model.technosphere,
            biosphere=model.biosphere,
            characterization=model.characterization,
            static=system.technosphere,
            demands=demands,
            forward=forward,
            guess=supply if forward else system.product_scores.T,
            tracked=self.tracked,
            method=method,
            tolerance=tolerance,
        )

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


class _Blocks:
    """A process's (or a thread's) means to run blocks of one run: the distributions and the sample solver."""

    def __init__(self, inputs: BlockInputs) -> None:
        self.inputs = inputs
        parts = (inputs.technosphere, inputs.biosphere, inputs.characterization)
        self.distributions = concatenate([m.distributions for m in parts])
        self.splits = np.cumsum([m.distributions.size for m in parts])[:-1]
        self.solver = sample_solver(
            inputs.method,
            inputs.technosphere,
            inputs.static,
            inputs.guess,
            transposed=not inputs.forward,
            tolerance=inputs.tolerance,
        )

    def run(self, entropy: int, block: int, count: int) -> BlockOutput:
        """The scores (count x vectors x demands) and tracked draws of one block, and the solver's stages."""
        inputs, demands = self.inputs, self.inputs.demands
        rng = np.random.default_rng(np.random.SeedSequence(entropy, spawn_key=(block,)))
        before = Counter(self.solver.stats)
        scores = np.empty((count, inputs.characterization.shape[0], demands.shape[1]))
        kept = np.empty((count, inputs.tracked.size))
        for i in range(count):
            draws = self.distributions.sample(rng)  # technosphere, biosphere, characterization: as UncertainSystem
            tech, bio, char = np.split(draws, self.splits)
            technosphere = inputs.technosphere.values(tech)
            b = inputs.biosphere.matrix(inputs.biosphere.values(bio))
            c = inputs.characterization.matrix(inputs.characterization.values(char)).toarray()
            if inputs.forward:
                supply = self.solver.solve(technosphere, demands)
                scores[i] = c @ (b @ supply)
            else:
                product_scores = self.solver.solve(technosphere, np.asarray(b.T @ c.T))
                scores[i] = product_scores.T @ demands
            kept[i] = draws[inputs.tracked]
        return scores, kept, self.solver.stats - before


_worker = threading.local()  # a worker thread's _Blocks of the latest run it saw: a solver is not shared by threads


def _worker_blocks(inputs: BlockInputs) -> _Blocks:
    """This thread's ``_Blocks`` for ``inputs``' run, built at its first block (one run kept: the latest)."""
    blocks: _Blocks | None = getattr(_worker, "blocks", None)
    if blocks is None or blocks.inputs.run != inputs.run:
        blocks = _worker.blocks = _Blocks(inputs)
    return blocks


def run_block(inputs: BlockInputs, entropy: int, block: int, count: int) -> BlockOutput:
    """One block of a run, where an executor runs it: ``count`` iterations drawn from block ``block``'s generator."""
    return _worker_blocks(inputs).run(entropy, block, count)


_INHERITED: BlockInputs | None = None  # a forked worker's inputs, inherited from the parent instead of pickled


def _inherit(inputs: BlockInputs) -> None:
    global _INHERITED
    _INHERITED = inputs


def _run_inherited(entropy: int, block: int, count: int) -> BlockOutput:
    assert _INHERITED is not None, "the worker was started without the run's inputs"
    return run_block(_INHERITED, entropy, block, count)


def _run(
    inputs: BlockInputs,
    entropy: int,
    blocks: list[tuple[int, int]],
    processes: int,
    executor: Executor | None,
    progress: Callable[[int], None] | None,
) -> list[BlockOutput]:
    """Each block's output, in block order: from the executor, a pool of forked processes, or this process."""
    outputs: list[BlockOutput] = []

    def collect(output: BlockOutput) -> None:
        outputs.append(output)
        if progress is not None:
            progress(sum(o[0].shape[0] for o in outputs))

    if executor is not None:
        shared = executor.share(inputs) if isinstance(executor, SharingExecutor) else inputs
        _collect([executor.submit(run_block, shared, entropy, b, count) for b, count in blocks], collect)
    elif processes == 1 or len(blocks) == 1 or "fork" not in multiprocessing.get_all_start_methods():
        local = _Blocks(inputs)  # not kept after the run, unlike a worker's
        for b, count in blocks:
            collect(local.run(entropy, b, count))
    else:
        # fork: the workers inherit the inputs (and build their solver once each) instead of unpickling them
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(processes, mp_context=context, initializer=_inherit, initargs=(inputs,)) as pool:
            _collect([pool.submit(_run_inherited, entropy, b, count) for b, count in blocks], collect)
    return outputs


def _collect(futures: list[Future[BlockOutput]], collect: Callable[[BlockOutput], None]) -> None:
    """Each future's output in order; the rest are cancelled when one fails (or the caller stops listening)."""
    try:
        for future in futures:
            collect(future.result())
    finally:
        for future in futures:
            future.cancel()
