"""Every error path of the engine: the exception class, the built-in type it can also be caught as, and its message."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from lowcarbon.engine import (
    Characterization,
    DirectSolver,
    IdIndex,
    IterativeSolver,
    LCASystem,
    by_activity,
    by_flow,
    choose_solver,
    supply_chain,
)
from lowcarbon.errors import (
    EngineError,
    InaccurateSolution,
    InvalidArrays,
    LowcarbonError,
    NonsquareTechnosphere,
    OutsideTechnosphere,
    SingularTechnosphere,
    UnknownId,
)

METHODS = ["direct", "iterative", "pardiso"]
CO2 = 100
GWP = Characterization.from_mapping("gwp", {CO2: 1.0})
NO_BIOSPHERE: tuple[list[int], list[int], list[float]] = ([], [], [])


def chain(method: str = "direct") -> LCASystem:
    """Activity 1 makes product 1 from 0.5 of product 2; CO2 2 and 4 per run."""
    return LCASystem(([1, 2, 2], [1, 1, 2], [1.0, -0.5, 1.0]), ([CO2, CO2], [1, 2], [2.0, 4.0]), [GWP], method=method)


# -- the shape of the technosphere ------------------------------------------------------------------------------


def test_nonsquare_technosphere() -> None:
    """Two products but one activity: NonsquareTechnosphere naming both counts, also a ValueError."""
    with pytest.raises(NonsquareTechnosphere, match=r"2 products \(rows\) but 1 activities \(columns\)") as info:
        LCASystem(([1, 2], [1, 1], [1.0, -0.5]), NO_BIOSPHERE)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, EngineError)
    assert "reference product" in str(info.value)
    assert info.value.code == "nonsquare_technosphere"


def test_nonsquare_technosphere_is_a_value_error() -> None:
    """One product made by two activities: callers that only know built-in types catch it as ValueError."""
    with pytest.raises(ValueError, match=r"1 products \(rows\) but 2 activities"):
        LCASystem(([1, 1], [1, 2], [1.0, 1.0]), NO_BIOSPHERE)


@pytest.mark.parametrize("solver", [DirectSolver, IterativeSolver, choose_solver])
def test_nonsquare_matrix_given_to_a_solver(solver: object) -> None:
    """The solvers refuse a non-square sparse matrix with the same message."""
    matrix = sparse.csr_matrix(np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]))
    with pytest.raises(NonsquareTechnosphere, match=r"2 products \(rows\) but 3 activities"):
        solver(matrix)  # type: ignore[operator]


def test_empty_technosphere() -> None:
    """A technosphere without entries is InvalidArrays, not an obscure numpy error."""
    with pytest.raises(InvalidArrays, match="technosphere: no entries; a system needs at least one activity"):
        LCASystem(([], [], []), NO_BIOSPHERE)


# -- singular technospheres -------------------------------------------------------------------------------------

SINGULAR_LOOP = ([1, 2, 1, 2], [1, 2, 2, 1], [1.0, 1.0, -1.0, -1.0])  # A = [[1, -1], [-1, 1]]


@pytest.mark.parametrize("method", METHODS)
def test_singular_loop_supply(method: str) -> None:
    """A = [[1, -1], [-1, 1]] (two activities that only supply each other) is singular for a supply."""
    system = LCASystem(SINGULAR_LOOP, ([CO2], [1], [1.0]), [GWP], method=method)
    with pytest.raises(SingularTechnosphere, match="singular") as info:
        system.supply({1: 1.0})
    assert isinstance(info.value, ArithmeticError)
    assert "loop" in str(info.value)


@pytest.mark.parametrize("method", METHODS)
def test_singular_loop_product_scores(method: str) -> None:
    """The adjoint solve behind product_scores on the same singular loop raises SingularTechnosphere too."""
    system = LCASystem(SINGULAR_LOOP, ([CO2], [1], [1.0]), [GWP], method=method)
    with pytest.raises(SingularTechnosphere, match="singular"):
        _ = system.product_scores


@pytest.mark.parametrize("method", METHODS)
def test_all_zero_column(method: str) -> None:
    """Activity 2 has only an explicit zero entry: the message names activity 2, at construction."""
    technosphere = ([1, 2, 2], [1, 1, 2], [1.0, -0.5, 0.0])
    with pytest.raises(SingularTechnosphere, match="activity 2 has only zero entries"):
        LCASystem(technosphere, NO_BIOSPHERE, method=method)


@pytest.mark.parametrize("method", METHODS)
def test_all_zero_row(method: str) -> None:
    """Product 2 appears only with zero amounts: the message names product 2 and says what to fix."""
    technosphere = ([1, 2, 1], [1, 1, 2], [1.0, 0.0, 1.0])
    with pytest.raises(SingularTechnosphere, match="product 2 has only zero entries") as info:
        LCASystem(technosphere, NO_BIOSPHERE, method=method)
    assert "every product a producer" in str(info.value)


@pytest.mark.parametrize("method", METHODS)
def test_proportional_columns(method: str) -> None:
    """A = [[1, 2], [-0.5, -1]]: activity 2 is twice activity 1, so A is singular though no column is empty."""
    system = LCASystem(([1, 2, 1, 2], [1, 1, 2, 2], [1.0, -0.5, 2.0, -1.0]), NO_BIOSPHERE, method=method)
    with pytest.raises(SingularTechnosphere, match="singular"):
        system.supply({1: 1.0})


@pytest.mark.parametrize("method", METHODS)
def test_nearly_singular_rounds_to_singular(method: str) -> None:
    """A = [[1, -1], [-1, 1 + 1e-17]]: 1 + 1e-17 rounds to 1, so A is exactly singular in floating point."""
    system = LCASystem(([1, 2, 1, 2], [1, 2, 2, 1], [1.0, 1.0 + 1e-17, -1.0, -1.0]), NO_BIOSPHERE, method=method)
    with pytest.raises(EngineError, match="singular"):
        system.supply({1: 1.0})


@pytest.mark.parametrize("method", METHODS)
def test_overflowing_solution(method: str) -> None:
    """A production of 1e-300 per run and a demand of 1e10 need 1e310 runs: not finite, so an EngineError."""
    system = LCASystem(([1], [1], [1e-300]), ([CO2], [1], [1.0]), [GWP], method=method)
    with pytest.raises(EngineError, match="singular") as info:
        system.supply({1: 1e10})
    assert isinstance(info.value, SingularTechnosphere)
    # SuperLU and the iterations overflow; PARDISO perturbs the tiny pivot and leaves the whole demand unmet
    assert "not finite" in str(info.value) or "residual of 1.0e+00 of the demand" in str(info.value)


@pytest.mark.parametrize("method", METHODS)
def test_inaccurate_solution(method: str) -> None:
    """A tolerance of 1e-30, far below machine precision, makes the verified solve raise InaccurateSolution."""
    # A 5 x 5 loop, A[i, j] = -1 / (i + j + 1) off the diagonal: its solve cannot be exact in floating point.
    n = 5
    entries = [(i, j, 1.0 if i == j else -1.0 / (i + j + 1)) for i in range(1, n + 1) for j in range(1, n + 1)]
    technosphere = ([i for i, _, _ in entries], [j for _, j, _ in entries], [v for _, _, v in entries])
    system = LCASystem(technosphere, NO_BIOSPHERE, method=method, tolerance=1e-30)
    with pytest.raises(InaccurateSolution, match=r"backward error of .* above the tolerances of 1e-30") as info:
        system.supply({k: 1.0 for k in range(1, n + 1)})
    assert isinstance(info.value, ArithmeticError)
    assert "badly conditioned" in str(info.value)


def test_activity_without_reference_product_is_matched() -> None:
    """Activity 2 has no product of its own id and only a negative entry: matching makes it product 20's
    producer (a waste treatment), so every activity still gets a score."""
    technosphere = ([10, 20, 20], [1, 1, 2], [1.0, -0.5, -1.0])
    system = LCASystem(technosphere, ([CO2], [1], [1.0]), [GWP])
    assert system.supply({10: 1.0}).tolist() == [1.0, -0.5]  # the system itself is solvable
    assert system.products.ids[system.reference_products].tolist() == [10, 20]
    scores = system.activity_scores()[0]
    assert scores.tolist() == pytest.approx([system.score({10: 1.0}), system.score({20: 1.0})], rel=1e-12)


def test_ambiguous_reference_products_are_matched() -> None:
    """Two multi-output activities whose largest output is both product 10: the structure matches one of them
    to product 20, and the supply-chain tree still adds up to the score."""
    technosphere = ([10, 20, 10, 20], [1, 1, 2, 2], [1.0, 0.5, 2.0, 1.5])  # det = 1.5 - 1 = 0.5
    system = LCASystem(technosphere, ([CO2], [1], [1.0]), [GWP])
    assert sorted(system.products.ids[system.reference_products].tolist()) == [10, 20]
    (root,) = supply_chain(system, {10: 1.0}, cutoff=0.0)
    assert root.score == pytest.approx(system.score({10: 1.0}), rel=1e-12)


# -- demands ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("product_id", [99, CO2, -1, 2**40])
def test_demand_outside_technosphere(product_id: int) -> None:
    """A demand for a product that is not a row of A (a flow id, an unknown id) names the id."""
    system = chain()
    with pytest.raises(OutsideTechnosphere, match=rf"demand product {product_id} is not in the technosphere") as info:
        system.supply({1: 1.0, product_id: 1.0})
    assert isinstance(info.value, KeyError)
    assert isinstance(info.value, UnknownId)
    assert str(info.value).startswith("demand product")  # not quoted as KeyError would
    assert "2 product ids" in str(info.value)


def test_demand_outside_technosphere_is_a_key_error() -> None:
    """Callers that only know built-in types catch it as KeyError."""
    with pytest.raises(KeyError, match="demand product 3 is not in the technosphere"):
        chain().score({3: 1.0})


@pytest.mark.parametrize("call", [by_activity, by_flow, supply_chain])
def test_demand_outside_technosphere_in_contributions(call: object) -> None:
    """Contribution analyses check the demand the same way."""
    with pytest.raises(OutsideTechnosphere, match="demand product 42 is not in the technosphere"):
        call(chain(), {42: 1.0})  # type: ignore[operator]


def test_non_integer_demand_id_is_not_truncated() -> None:
    """A demand for product 1.5 is refused; it must not silently become product 1."""
    with pytest.raises(InvalidArrays, match=r"demand product id 1\.5 is not an integer"):
        chain().supply({1.5: 1.0})  # type: ignore[dict-item]


def test_empty_demand() -> None:
    """An empty demand is InvalidArrays saying what to give."""
    with pytest.raises(InvalidArrays, match="the demand is empty; give at least one product id and amount"):
        chain().supply({})


@pytest.mark.parametrize("amount", [float("nan"), float("inf"), -float("inf")])
def test_non_finite_demand_amount(amount: float) -> None:
    """A NaN or infinite demand amount names the product."""
    with pytest.raises(InvalidArrays, match="demand amount for product 2 must be finite"):
        chain().supply({1: 1.0, 2: amount})


# -- id lookups -------------------------------------------------------------------------------------------------


def test_unknown_id_in_positions() -> None:
    """IdIndex.positions names the first unknown id, how many are unknown, and how many ids there are."""
    index = IdIndex([30, 10, 20], "product")
    with pytest.raises(
        UnknownId, match=r"product 99 is not in this system \(2 unknown of 3\); use one of the 3"
    ) as info:
        index.positions([10, 99, 100])
    assert isinstance(info.value, KeyError)
    assert not isinstance(info.value, OutsideTechnosphere)
    assert str(info.value).startswith("product 99")


@pytest.mark.parametrize("ids", [np.array([7]), [7], (7,), iter([7])])
def test_unknown_id_any_iterable(ids: object) -> None:
    """Arrays, lists, tuples and iterators of ids are all checked."""
    with pytest.raises(UnknownId, match=r"flow 7 is not in this system \(1 unknown of 1\)"):
        IdIndex([1, 2], "flow").positions(ids)  # type: ignore[arg-type]


def test_unknown_id_in_position() -> None:
    """IdIndex.position of one absent id raises UnknownId with the index's label."""
    with pytest.raises(UnknownId, match="activity -3 is not in this system"):
        chain().activities.position(-3)


def test_known_ids_give_positions() -> None:
    """The contrast case: present ids map to their sorted positions, find gives -1 for absent ones."""
    index = IdIndex([30, 10, 20])
    assert index.positions([20, 30, 10]).tolist() == [1, 2, 0]
    assert index.find([20, 5, 40]).tolist() == [1, -1, -1]
    assert IdIndex([]).find([1]).tolist() == [-1]


# -- arrays that cannot form a matrix ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arrays", "message"),
    [
        (([1, 2], [1], [1.0, 1.0]), r"technosphere: rows \(2\), cols \(1\) and values \(2\) must have the same length"),
        (([1], [1], [1.0, 2.0]), r"technosphere: rows \(1\), cols \(1\) and values \(2\) must have the same length"),
        (([1.0], [1], [1.0]), "technosphere: rows must hold integer ids, got dtype float64"),
        (([1], ["a"], [1.0]), "technosphere: cols must hold integer ids, got dtype <U1"),
        (([1], [True], [1.0]), "technosphere: cols must hold integer ids, got dtype bool"),
        (([1, 2], [1, 2], [1.0, np.nan]), r"technosphere: value at position 1 \(row 2, col 2\) is nan"),
        (([1], [1], [np.inf]), r"technosphere: value at position 0 \(row 1, col 1\) is inf; every value must be"),
        (([[1]], [[1]], [[1.0]]), "technosphere: rows, cols and values must be one-dimensional arrays"),
    ],
)
def test_invalid_technosphere_arrays(arrays: tuple[object, object, object], message: str) -> None:
    """Mismatched lengths, non-integer ids, non-finite values and 2-D arrays are InvalidArrays naming the matrix."""
    with pytest.raises(InvalidArrays, match=message) as info:
        LCASystem(arrays, NO_BIOSPHERE)  # type: ignore[arg-type]
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("arrays", "message"),
    [
        (([CO2], [1, 2], [1.0]), r"biosphere: rows \(1\), cols \(2\) and values \(1\)"),
        (([1.5], [1], [1.0]), "biosphere: rows must hold integer ids, got dtype float64"),
        (([CO2], [1], [-np.inf]), r"biosphere: value at position 0 \(row 100, col 1\) is -inf"),
    ],
)
def test_invalid_biosphere_arrays(arrays: tuple[object, object, object], message: str) -> None:
    """The biosphere arrays are checked the same way, and the message says it is the biosphere."""
    with pytest.raises(InvalidArrays, match=message):
        LCASystem(([1], [1], [1.0]), arrays)  # type: ignore[arg-type]


# -- characterization vectors -----------------------------------------------------------------------------------


def test_unknown_characterization_name() -> None:
    """score with a name the system does not have lists the names it has."""
    with pytest.raises(InvalidArrays, match=r"unknown characterization 'AR4'; the system has \['gwp'\]"):
        chain().score({1: 1.0}, "AR4")


@pytest.mark.parametrize("call", [by_activity, by_flow, supply_chain])
def test_unknown_characterization_name_in_contributions(call: object) -> None:
    """Contribution analyses check the characterization name the same way."""
    with pytest.raises(InvalidArrays, match="unknown characterization 'AR4'"):
        call(chain(), {1: 1.0}, "AR4")  # type: ignore[operator]


def test_no_characterization_vector() -> None:
    """A system without characterization vectors cannot score, and says to add one."""
    system = LCASystem(([1], [1], [1.0]), ([CO2], [1], [1.0]))
    assert system.scores({1: 1.0}) == {}
    assert system.product_scores.shape == (0, 1)
    with pytest.raises(InvalidArrays, match="the system has no characterization vector; add one"):
        system.score({1: 1.0})


def test_duplicate_characterization_names() -> None:
    """Two vectors of the same name are refused."""
    with pytest.raises(InvalidArrays, match=r"characterization names must be unique, got \['gwp', 'gwp'\]"):
        LCASystem(([1], [1], [1.0]), ([CO2], [1], [1.0]), [GWP, GWP])


def test_characterization_ids_and_factors_differ_in_length() -> None:
    """A vector whose ids and factors differ in length is named in the message."""
    with pytest.raises(InvalidArrays, match="characterization 'broken': flow ids and factors differ in length"):
        Characterization("broken", np.array([CO2, 200]), np.array([1.0]))


def test_characterization_non_finite_factor() -> None:
    """A NaN factor is refused and the vector named."""
    with pytest.raises(InvalidArrays, match="characterization 'broken': factors must be finite"):
        Characterization.from_mapping("broken", {CO2: float("nan")})
    with pytest.raises(InvalidArrays, match="characterization 'fractional': flow ids must be integers"):
        Characterization("fractional", [100.7], [1.0])  # type: ignore[arg-type]
    from_lists = Characterization("lists", [CO2], [2.0])  # type: ignore[arg-type]
    assert LCASystem(([1], [1], [1.0]), ([CO2], [1], [1.0]), [from_lists]).score({1: 1.0}) == 2.0


# -- solver use -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("direction", ["solve", "solve_transposed"])
@pytest.mark.parametrize("rows", [1, 3])
def test_right_hand_side_of_wrong_length(method: str, direction: str, rows: int) -> None:
    """A right-hand side with 1 or 3 rows for a 2 x 2 matrix is refused with both sizes in the message."""
    solve = getattr(chain(method).solver, direction)
    with pytest.raises(ValueError, match=rf"right-hand side has {rows} rows; the matrix has 2"):
        solve(np.ones(rows))
    with pytest.raises(ValueError, match=rf"right-hand side has {rows} rows; the matrix has 2"):
        solve(np.ones((rows, 4)))


def test_unknown_solver_method() -> None:
    """An unknown method name is refused when the solver is first needed, listing the valid names."""
    system = LCASystem(([1], [1], [1.0]), NO_BIOSPHERE, method="lu")  # type: ignore[arg-type]
    with pytest.raises(
        InvalidArrays, match="unknown solver method 'lu'; use 'auto', 'direct', 'iterative' or 'pardiso'"
    ):
        system.supply({1: 1.0})


@pytest.mark.parametrize("cutoff", [-0.1, 1.0, 2.0])
def test_supply_chain_cutoff_out_of_range(cutoff: float) -> None:
    """supply_chain refuses a cutoff outside [0, 1)."""
    with pytest.raises(InvalidArrays, match=r"cutoff must be in \[0, 1\)"):
        supply_chain(chain(), {1: 1.0}, cutoff=cutoff)


# -- the exception tree -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "builtin", "code"),
    [
        (NonsquareTechnosphere, ValueError, "nonsquare_technosphere"),
        (SingularTechnosphere, ArithmeticError, "singular_technosphere"),
        (InaccurateSolution, ArithmeticError, "inaccurate_solution"),
        (UnknownId, KeyError, "unknown_id"),
        (OutsideTechnosphere, KeyError, "outside_technosphere"),
        (InvalidArrays, ValueError, "invalid_arrays"),
    ],
)
def test_engine_errors_are_catchable_three_ways(error: type[EngineError], builtin: type, code: str) -> None:
    """Every engine error is an EngineError, a LowcarbonError and its built-in type, with a stable code."""
    assert issubclass(error, EngineError)
    assert issubclass(error, LowcarbonError)
    assert issubclass(error, builtin)
    assert error.code == code
    assert str(error("what went wrong")) == "what went wrong"


def test_batch_scores_check_every_demand() -> None:
    """batch_scores refuses an unknown product in any demand, and an empty batch gives an empty result."""
    system = chain()
    with pytest.raises(OutsideTechnosphere, match="demand product 77 is not in the technosphere"):
        system.batch_scores([{1: 1.0}, {77: 1.0}])
    assert system.batch_scores([]).shape == (1, 0)
    expected = [system.score({1: 1.0}), 2 * system.score({1: 1.0}) + system.score({2: 3.0})]
    np.testing.assert_allclose(system.batch_scores([{1: 1.0}, {1: 2.0, 2: 3.0}])[0], expected, rtol=1e-12)
