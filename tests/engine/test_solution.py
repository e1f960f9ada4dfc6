"""An LCASystem is immutable once built; ``solve`` gives a frozen Solution from which every figure is read.

Figures read from a solution are compared, bit for bit, with the formulas the system's methods used before they
went through ``solve``: s = A^-1 f, g = B s, scores = (C B) s, per-activity parts (C B)[k] * s, per-flow C[k] * g.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import sparse

import lowcarbon.engine.system as system_module
from lowcarbon.engine import (
    Characterization,
    IdIndex,
    LCASystem,
    Solution,
    by_activity,
    by_flow,
    supply_chain,
)
from lowcarbon.errors import InvalidArrays, OutsideTechnosphere

EXAMPLES = Path(__file__).parents[2] / "examples"
CO2, CH4 = 100, 200
GWP = Characterization.from_mapping("gwp", {CO2: 1.0, CH4: 25.0})
CH4_ONLY = Characterization.from_mapping("ch4", {CH4: 1.0})
METHODS = ["direct", "iterative", "pardiso"]


def triplets(entries: list[tuple[int, int, float]]) -> tuple[list[int], list[int], list[float]]:
    return [r for r, _, _ in entries], [c for _, c, _ in entries], [v for _, _, v in entries]


TECHNOSPHERE = triplets(
    # A (1) needs 2 of B (2) and 0.001 of D (4); B needs 0.5 of C (3) and 0.1 of A (a loop)
    [(1, 1, 1.0), (2, 1, -2.0), (4, 1, -0.001), (2, 2, 1.0), (3, 2, -0.5), (1, 2, -0.1), (3, 3, 1.0), (4, 4, 1.0)]
)
BIOSPHERE = triplets([(CO2, 1, 1.0), (CO2, 2, 0.5), (CH4, 2, 0.02), (CO2, 3, 4.0), (CO2, 4, 1.0)])


def chain(method: str = "direct") -> LCASystem:
    return LCASystem(TECHNOSPHERE, BIOSPHERE, [GWP, CH4_ONLY], method=method)


@pytest.fixture(params=METHODS)
def method(request: pytest.FixtureRequest) -> str:
    return str(request.param)


# -- the system cannot change ----------------------------------------------------------------------------------


def test_system_refuses_assignment_and_deletion(method: str) -> None:
    system = chain(method)
    replacement = sparse.csr_matrix(np.eye(4))
    for name, value in [
        ("technosphere", replacement),
        ("biosphere", replacement),
        ("characterizations", ()),
        ("method", "iterative"),
        ("tolerance", 1.0),
        ("new_attribute", 1),
        ("solver", None),  # a cached property: assigning it would replace the factorization
        ("product_scores", np.zeros((2, 4))),
    ]:
        with pytest.raises(dataclasses.FrozenInstanceError, match="immutable"):
            setattr(system, name, value)
    for name in ("products", "technosphere", "solver"):
        with pytest.raises(dataclasses.FrozenInstanceError, match="immutable"):
            delattr(system, name)
    with pytest.raises(dataclasses.FrozenInstanceError, match="already built"):
        system._setup(  # a second construction of the same object
            system.technosphere,
            system.biosphere,
            system.products,
            system.activities,
            system.flows,
            (),
            "direct",
            1e-12,
        )
    # the derived values are still computed on first use and kept: the guard leaves them be
    assert system.solver is system.solver
    assert system.product_scores is system.product_scores
    assert system.score({1: 1.0}) == pytest.approx(system.product_scores[0, 0], rel=1e-12)


def test_from_matrices_system_is_immutable_too() -> None:
    original = chain()
    system = LCASystem.from_matrices(
        original.technosphere,
        original.biosphere,
        original.products,
        original.activities,
        original.flows,
        original.characterizations,
    )
    with pytest.raises(AttributeError, match="immutable"):  # FrozenInstanceError is one
        system.flows = IdIndex([1])  # type: ignore[misc]
    assert system.score({1: 1.0}) == original.score({1: 1.0})


def _read_only_arrays(system: LCASystem) -> Iterator[tuple[str, np.ndarray]]:
    for name in ("technosphere", "biosphere"):
        matrix = getattr(system, name)
        for part in ("data", "indices", "indptr"):
            yield f"{name}.{part}", getattr(matrix, part)
    yield "characterization_matrix", system.characterization_matrix
    yield "characterized_biosphere", system.characterized_biosphere
    yield "product_scores", system.product_scores
    yield "reference_products", system.reference_products
    yield "products.ids", system.products.ids
    for characterization in system.characterizations:
        yield f"{characterization.name}.flow_ids", characterization.flow_ids
        yield f"{characterization.name}.factors", characterization.factors
    solution = system.solve({1: 1.0})
    yield "solution.supply", solution.supply
    yield "solution.demand_vector", solution.demand_vector
    yield "solution.inventory", solution.inventory
    yield "solution.activity_contributions", solution.activity_contributions()
    yield "solution.flow_contributions", solution.flow_contributions("ch4")
    yield "system.supply", system.supply({1: 1.0})
    yield "system.inventory", system.inventory({1: 1.0})


def test_arrays_are_read_only(method: str) -> None:
    system = chain(method)
    before = system.score({1: 1.0})
    for name, array in _read_only_arrays(system):
        assert not array.flags.writeable, name
        with pytest.raises(ValueError, match="read-only"):
            array[...] = 0
    with pytest.raises(ValueError, match="read-only"):
        system.technosphere *= 2.0
    assert system.score({1: 1.0}) == before


def test_the_system_keeps_its_own_copies() -> None:
    """A caller's matrices and factors stay writable, and changing them later does not reach the system."""
    original = chain()
    technosphere = original.technosphere.copy()
    factors = np.array([1.0, 25.0])
    characterization = Characterization("gwp", np.array([CO2, CH4]), factors)
    system = LCASystem.from_matrices(
        technosphere,
        original.biosphere.copy(),
        original.products,
        original.activities,
        original.flows,
        [characterization],
    )
    before = system.score({1: 1.0})
    assert technosphere.data.flags.writeable and factors.flags.writeable
    technosphere.data[:] = 1.0
    factors[:] = 0.0
    assert system.characterizations[0].factors.tolist() == [1.0, 25.0]
    assert system.score({1: 1.0}) == before == pytest.approx(original.score({1: 1.0}), rel=1e-12)


def test_explicit_zeros_survive_the_factorization(method: str) -> None:
    """The solver's structural analysis drops explicit zeros from a copy, never from the system's matrix."""
    rows, cols, values = TECHNOSPHERE
    system = LCASystem(([*rows, 3], [*cols, 1], [*values, 0.0]), BIOSPHERE, [GWP], method=method)
    nnz = system.technosphere.nnz
    assert system.score({1: 1.0}) == pytest.approx(chain(method).score({1: 1.0}), rel=1e-12)
    assert system.technosphere.nnz == nnz == len(rows) + 1


# -- a solution's figures --------------------------------------------------------------------------------------


def test_solution_is_frozen() -> None:
    system = chain()
    demand = {1: 2.0, 3: 1}
    solution = system.solve(demand)
    assert isinstance(solution, Solution)
    with pytest.raises(dataclasses.FrozenInstanceError):
        solution.supply = np.zeros(4)  # type: ignore[misc]
    with pytest.raises(TypeError):
        solution.demand[1] = 5.0  # type: ignore[index]
    demand[1] = 7.0  # the caller's dict is the caller's
    assert dict(solution.demand) == {1: 2.0, 3: 1.0}
    assert all(type(k) is int and type(v) is float for k, v in solution.demand.items())
    assert solution.system is system
    assert solution != system.solve({1: 2.0, 3: 1})  # two solves, two solutions
    assert "Solution(demand={1: 2.0, 3: 1.0}" in repr(solution)
    by_hand = Solution(system, {1: 1.0}, [1.0, 0, 0, 0], np.array(solution.supply))  # type: ignore[arg-type]
    assert not by_hand.supply.flags.writeable and not by_hand.demand_vector.flags.writeable
    with pytest.raises(TypeError):
        by_hand.demand[1] = 5.0  # type: ignore[index]


@pytest.mark.parametrize("demand", [{1: 1.0}, {2: 3.0}, {1: 2.0, 3: 1.0, 4: -0.5}])
def test_solution_equals_the_formulas_of_the_old_methods(method: str, demand: dict[int, float]) -> None:
    system = chain(method)
    solution = system.solve(demand)
    f = system.demand_vector(demand)
    s = system.solver.solve(f)
    g = np.asarray(system.biosphere @ s)
    impacts = system.characterized_biosphere @ s
    assert_array_equal(solution.demand_vector, f)
    assert_array_equal(solution.supply, s)
    assert_array_equal(solution.inventory, g)
    assert solution.scores == {"gwp": float(impacts[0]), "ch4": float(impacts[1])}
    assert solution.score() == float(impacts[0]) == solution.score("gwp")
    assert solution.score("ch4") == float(impacts[1])
    for k, name in enumerate(("gwp", "ch4")):
        assert_array_equal(solution.activity_contributions(name), system.characterized_biosphere[k] * s)
        assert_array_equal(solution.flow_contributions(name), system.characterization_matrix[k] * g)
        characterized = solution.characterized_inventory(name)
        assert characterized.shape == (len(system.flows), len(system.activities))
        assert_allclose(
            np.asarray(characterized.sum(axis=0)).ravel(), solution.activity_contributions(name), rtol=1e-12
        )
        assert_allclose(np.asarray(characterized.sum(axis=1)).ravel(), solution.flow_contributions(name), rtol=1e-12)
        assert solution.activity_contributions(name).sum() == pytest.approx(solution.score(name), rel=1e-12)
    # and the system's conveniences are that solution's figures
    assert_array_equal(system.supply(demand), s)
    assert_array_equal(system.inventory(demand), g)
    assert system.scores(demand) == solution.scores
    assert system.score(demand, "ch4") == solution.score("ch4")
    # the adjoint agrees
    assert_allclose(system.batch_scores([demand])[:, 0], impacts, rtol=1e-12)
    assert_allclose(system.product_scores @ f, impacts, rtol=1e-12)


def test_scores_dict_is_a_new_one_each_time() -> None:
    solution = chain().solve({1: 1.0})
    scores = solution.scores
    scores["gwp"] = 0.0
    assert solution.scores["gwp"] != 0.0


def test_solve_checks_the_demand_before_solving() -> None:
    system = chain()
    calls = count_solves(system)
    with pytest.raises(OutsideTechnosphere):
        system.solve({9: 1.0})
    with pytest.raises(InvalidArrays):
        system.solve({})
    with pytest.raises(InvalidArrays):
        system.solve({1: float("nan")})
    assert calls == {"solve": 0, "solve_transposed": 0}


def test_no_characterization() -> None:
    system = LCASystem(TECHNOSPHERE, BIOSPHERE)
    solution = system.solve({1: 1.0})
    assert solution.scores == {}
    assert solution.inventory.shape == (2,)
    with pytest.raises(InvalidArrays, match="no characterization vector"):
        solution.score()
    assert system.product_scores.shape == (0, 4) and not system.product_scores.flags.writeable


# -- contributions from a solution -----------------------------------------------------------------------------


def assert_same_contributions(a: Any, b: Any) -> None:
    assert_array_equal(a.ids, b.ids)
    assert_array_equal(a.amounts, b.amounts)
    assert_array_equal(a.scores, b.scores)
    assert a.total == b.total


@pytest.mark.parametrize("name", [None, "gwp", "ch4"])
def test_contributions_from_a_solution_equal_those_from_system_and_demand(method: str, name: str | None) -> None:
    system = chain(method)
    demand = {1: 1.0, 2: 0.5}
    solution = system.solve(demand)
    assert_same_contributions(by_activity(solution, name), by_activity(system, demand, name))
    assert_same_contributions(by_activity(solution, characterization=name), by_activity(system, demand, name))
    assert_same_contributions(by_flow(solution, name), by_flow(system, demand, characterization=name))
    assert_same_contributions(by_flow(solution, characterization=name), by_flow(system, demand, name))
    assert by_activity(solution, name).total == pytest.approx(solution.score(name), rel=1e-12)
    trees = supply_chain(solution, name, cutoff=0.0)
    assert trees == supply_chain(system, demand, name, cutoff=0.0)
    assert trees == supply_chain(solution, characterization=name, cutoff=0.0)
    assert supply_chain(solution, name, max_depth=1) == supply_chain(system, demand, name, max_depth=1)


def test_contributions_refuse_mixed_arguments() -> None:
    system = chain()
    solution = system.solve({1: 1.0})
    for function in (by_activity, by_flow, supply_chain):
        call: Callable[..., Any] = function
        with pytest.raises(TypeError, match="already holds its demand"):
            call(solution, {1: 1.0})
        with pytest.raises(TypeError, match="already holds its demand"):
            call(solution, "gwp", "ch4")
        with pytest.raises(TypeError, match="needs a demand"):
            call(system)
        with pytest.raises(TypeError, match="needs a demand"):
            call(system, solution)
    with pytest.raises(InvalidArrays, match="unknown characterization"):
        by_activity(solution, "nope")


def test_reading_a_solution_does_not_solve_again() -> None:
    system = chain()
    calls = count_solves(system)
    solution = system.solve({1: 1.0})
    solution.scores, solution.score("ch4"), solution.inventory, solution.activity_contributions()
    solution.flow_contributions(), solution.characterized_inventory()
    by_activity(solution), by_flow(solution, "ch4")
    assert calls == {"solve": 1, "solve_transposed": 0}
    supply_chain(solution)  # reads the unit scores of every product: the one adjoint solve, then kept
    supply_chain(solution, "ch4")
    assert calls == {"solve": 1, "solve_transposed": 1}


# -- a footprint solves its system twice -----------------------------------------------------------------------


def count_solves(system: LCASystem) -> dict[str, int]:
    """Wrap the system's solver: count forward and adjoint solve calls (each may take several right-hand sides)."""
    calls = {"solve": 0, "solve_transposed": 0}
    wrap_solver(system.solver, calls)
    return calls


def wrap_solver(solver: Any, calls: dict[str, int]) -> Any:
    for name in calls:
        original = getattr(solver, name)

        def counted(b: np.ndarray, original: Callable[[np.ndarray], np.ndarray] = original, name: str = name) -> Any:
            calls[name] += 1
            return original(b)

        setattr(solver, name, counted)
    return solver


@pytest.mark.parametrize("example", ["pv-module", "cotton-tshirt"])
def test_a_footprint_solves_each_demand_once(monkeypatch: pytest.MonkeyPatch, example: str) -> None:
    """compute counts, on the one factorization of its system: two forward solves (the product's demand and
    its exempted activities' demand) and one adjoint solve (the unit scores of every product, all
    characterization vectors at once as one right-hand side block) for the stages. Before a Solution it made
    five forward solves: scores, by_flow, the counted and the exempted parts, and the exempted total."""
    from lowcarbon.footprint import compute

    solvers: list[dict[str, int]] = []
    choose = system_module.choose_solver

    def counted_choose_solver(*args: Any, **kwargs: Any) -> Any:
        calls = {"solve": 0, "solve_transposed": 0}
        solvers.append(calls)
        return wrap_solver(choose(*args, **kwargs), calls)

    monkeypatch.setattr(system_module, "choose_solver", counted_choose_solver)
    result = compute(EXAMPLES / example / "model.yaml")
    assert result.total > 0
    assert solvers == [{"solve": 2, "solve_transposed": 1}]
