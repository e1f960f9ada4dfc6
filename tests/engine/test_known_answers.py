"""Hand-computed known answers for LCASystem: supply s = A^-1 f, inventory g = B s, scores c . g.

Conventions used throughout (Brightway's): rows of the technosphere A are products, columns activities. A
production exchange is a positive entry, an input a negative one. Every expected value below is worked out by
hand (substitution or a closed form) in the comments; nothing is checked against numpy.linalg on the same matrix.
Every test runs with both solver methods.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from numpy.testing import assert_allclose

from lowcarbon.engine import Characterization, LCASystem

RTOL = 1e-12
METHODS = ["direct", "iterative", "pardiso"]

CO2, CH4 = 100, 200
GWP = Characterization.from_mapping("gwp", {CO2: 1.0, CH4: 29.8})
AR6 = Characterization.from_mapping("AR6", {CO2: 1.0, CH4: 29.8})
AR5 = Characterization.from_mapping("AR5", {CO2: 1.0, CH4: 28.0})


def triplets(entries: list[tuple[int, int, float]]) -> tuple[list[int], list[int], list[float]]:
    """(row, col, value) entries as the three arrays LCASystem takes."""
    return [r for r, _, _ in entries], [c for _, c, _ in entries], [v for _, _, v in entries]


# -- the systems ------------------------------------------------------------------------------------------------


def two_process(method: str) -> LCASystem:
    """Activity 1 makes product 1 from 0.5 units of product 2; activity 2 makes product 2 from nothing.

    A = [[1, 0], [-0.5, 1]].  CO2: activity 1 emits 2, activity 2 emits 4; CH4: activity 2 emits 0.1.
    """
    technosphere = triplets([(1, 1, 1.0), (2, 1, -0.5), (2, 2, 1.0)])
    biosphere = triplets([(CO2, 1, 2.0), (CO2, 2, 4.0), (CH4, 2, 0.1)])
    return LCASystem(technosphere, biosphere, [GWP], method=method)


def loop(method: str, a: float = 0.5, b: float = 0.4) -> LCASystem:
    """Activity 1 needs ``a`` of product 2, activity 2 needs ``b`` of product 1; CO2 2 and 3 per run."""
    technosphere = triplets([(1, 1, 1.0), (2, 1, -a), (1, 2, -b), (2, 2, 1.0)])
    biosphere = triplets([(CO2, 1, 2.0), (CO2, 2, 3.0)])
    return LCASystem(technosphere, biosphere, [GWP], method=method)


WASTE_PER_WIDGET = 0.3


def waste_treatment(method: str) -> LCASystem:
    """Activity 1 makes a widget (product 1) and 0.3 units of waste (product 2); activity 2 treats the waste.

    Convention: the treatment activity's reference product is the waste with production amount -1, so
    A[waste, treatment] = -1; the activity that generates w units of waste has +w in the waste row (in
    Brightway a waste output is a technosphere exchange of amount -w, stored flipped as +w). Then for one
    widget, row 1: s1 = 1 and row 2: w * s1 - s2 = 0, so the treatment runs s2 = w > 0 times.
    CO2: the widget activity emits 2, the treatment 5 per unit of waste treated.
    """
    technosphere = triplets([(1, 1, 1.0), (2, 1, WASTE_PER_WIDGET), (2, 2, -1.0)])
    biosphere = triplets([(CO2, 1, 2.0), (CO2, 2, 5.0)])
    return LCASystem(technosphere, biosphere, [GWP], method=method)


def non_unit_production(method: str) -> LCASystem:
    """Activity 1 makes 2.5 units of product 1 per run from 40 kWh; activity 2 makes 1000 kWh per run.

    A = [[2.5, 0], [-40, 1000]]; CO2: activity 1 emits 10 per run, activity 2 emits 500 per run.
    """
    technosphere = triplets([(1, 1, 2.5), (2, 1, -40.0), (2, 2, 1000.0)])
    biosphere = triplets([(CO2, 1, 10.0), (CO2, 2, 500.0)])
    return LCASystem(technosphere, biosphere, [GWP], method=method)


def two_vectors(method: str) -> LCASystem:
    """The two-process structure with CO2 and CH4 from both activities, scored with AR6 and AR5 GWP100.

    CO2: activity 1 emits 1, activity 2 emits 3; CH4: activity 1 emits 0.01, activity 2 emits 0.2.
    """
    technosphere = triplets([(1, 1, 1.0), (2, 1, -0.5), (2, 2, 1.0)])
    biosphere = triplets([(CO2, 1, 1.0), (CH4, 1, 0.01), (CO2, 2, 3.0), (CH4, 2, 0.2)])
    return LCASystem(technosphere, biosphere, [AR6, AR5], method=method)


BIG, NEG, SEVEN = 10**12, -5, 7
FLOW_NEG, FLOW_BIG = -1, 2**40


def arbitrary_ids(method: str) -> LCASystem:
    """A chain with ids 10**12 <- -5 <- 7: activity 10**12 needs 2 of product -5, which needs 0.25 of product 7.

    Flow -1 (factor 1): activity 10**12 emits 1, activity -5 emits 3. Flow 2**40 (factor 10): activity 7 emits 0.5.
    """
    technosphere = triplets(
        [(BIG, BIG, 1.0), (NEG, BIG, -2.0), (NEG, NEG, 1.0), (SEVEN, NEG, -0.25), (SEVEN, SEVEN, 1.0)]
    )
    biosphere = triplets([(FLOW_NEG, BIG, 1.0), (FLOW_NEG, NEG, 3.0), (FLOW_BIG, SEVEN, 0.5)])
    characterization = Characterization.from_mapping("ids", {FLOW_NEG: 1.0, FLOW_BIG: 10.0})
    return LCASystem(technosphere, biosphere, [characterization], method=method)


def separate_product_ids(method: str) -> LCASystem:
    """Activities 1, 2, 3 make products 303, 101, 202 (ids differ from the activity ids).

    Activity 1 makes 1 of product 303, co-produces 0.2 of product 202 and needs 0.5 of product 101.
    Activity 2 makes 2 of product 101 per run; activity 3 makes 1 of product 202. The reference product of each
    activity is the largest positive entry in its column: 303 (1 > 0.2), 101 and 202.
    CO2 per run: activity 1 emits 1, activity 2 emits 4, activity 3 emits 2.5.
    """
    technosphere = triplets([(303, 1, 1.0), (202, 1, 0.2), (101, 1, -0.5), (101, 2, 2.0), (202, 3, 1.0)])
    biosphere = triplets([(CO2, 1, 1.0), (CO2, 2, 4.0), (CO2, 3, 2.5)])
    return LCASystem(technosphere, biosphere, [GWP], method=method)


SYSTEMS: dict[str, Callable[[str], LCASystem]] = {
    "two_process": two_process,
    "loop": loop,
    "waste_treatment": waste_treatment,
    "non_unit_production": non_unit_production,
    "two_vectors": two_vectors,
    "arbitrary_ids": arbitrary_ids,
    "separate_product_ids": separate_product_ids,
}


# -- a 2-process system -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
def test_two_process_supply_inventory_score(method: str) -> None:
    """One unit of product 1: s = [1, 0.5]; CO2 = 2 + 0.5 * 4 = 4, CH4 = 0.5 * 0.1 = 0.05; score 4 + 1.49."""
    system = two_process(method)
    assert_allclose(system.supply({1: 1.0}), [1.0, 0.5], rtol=RTOL)
    assert_allclose(system.inventory({1: 1.0}), [4.0, 0.05], rtol=RTOL)  # flows in id order: CO2 (100), CH4 (200)
    assert system.score({1: 1.0}) == pytest.approx(4.0 + 0.05 * 29.8, rel=RTOL)
    assert system.scores({1: 1.0}) == {"gwp": pytest.approx(5.49, rel=RTOL)}


@pytest.mark.parametrize("method", METHODS)
def test_two_process_other_demands(method: str) -> None:
    """Product 2 alone: s = [0, 1], score 4 + 2.98; demand {1: 2, 2: 1}: s = [2, 2], score 2 * 5.49 + 6.98."""
    system = two_process(method)
    assert_allclose(system.supply({2: 1.0}), [0.0, 1.0], rtol=RTOL, atol=0)
    assert system.score({2: 1.0}) == pytest.approx(6.98, rel=RTOL)
    assert_allclose(system.supply({1: 2.0, 2: 1.0}), [2.0, 2.0], rtol=RTOL)
    assert_allclose(system.inventory({1: 2.0, 2: 1.0}), [2 * 2.0 + 2 * 4.0, 2 * 0.1], rtol=RTOL)
    assert system.score({1: 2.0, 2: 1.0}) == pytest.approx(2 * 5.49 + 6.98, rel=RTOL)


@pytest.mark.parametrize("method", METHODS)
def test_two_process_scales_linearly(method: str) -> None:
    """A demand of -3 units of product 1 gives -3 times the supply and score of one unit."""
    system = two_process(method)
    assert_allclose(system.supply({1: -3.0}), [-3.0, -1.5], rtol=RTOL)
    assert system.score({1: -3.0}) == pytest.approx(-3 * 5.49, rel=RTOL)


# -- a loop -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(("a", "b"), [(0.5, 0.4), (0.9, 0.9), (0.1, 3.0), (2.0, 0.25)])
def test_loop_closed_form(method: str, a: float, b: float) -> None:
    """A = [[1, -b], [-a, 1]]: s = [1, a] / (1 - ab) for product 1 and [b, 1] / (1 - ab) for product 2."""
    system = loop(method, a, b)
    d = 1.0 - a * b
    assert_allclose(system.supply({1: 1.0}), [1.0 / d, a / d], rtol=RTOL)
    assert_allclose(system.supply({2: 1.0}), [b / d, 1.0 / d], rtol=RTOL)
    # Emissions 2 and 3 per run: score(product 1) = (2 + 3a) / (1 - ab), score(product 2) = (2b + 3) / (1 - ab).
    assert system.score({1: 1.0}) == pytest.approx((2.0 + 3.0 * a) / d, rel=RTOL)
    assert system.score({2: 1.0}) == pytest.approx((2.0 * b + 3.0) / d, rel=RTOL)


@pytest.mark.parametrize("method", METHODS)
def test_loop_exact_values(method: str) -> None:
    """a = 0.5, b = 0.4: 1 - ab = 0.8, s = [1.25, 0.625], score = 2.5 + 1.875 = 4.375."""
    system = loop(method)
    assert_allclose(system.supply({1: 1.0}), [1.25, 0.625], rtol=RTOL)
    assert_allclose(system.inventory({1: 1.0}), [4.375], rtol=RTOL)
    assert system.score({1: 1.0}) == pytest.approx(4.375, rel=RTOL)


# -- negative production (waste treatment) ----------------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
def test_waste_treatment_supply_is_positive(method: str) -> None:
    """One widget makes the treatment run w = 0.3 times (positive); score = 2 + 0.3 * 5 = 3.5."""
    system = waste_treatment(method)
    supply = system.supply({1: 1.0})
    assert_allclose(supply, [1.0, WASTE_PER_WIDGET], rtol=RTOL)
    assert supply[1] > 0
    assert system.score({1: 1.0}) == pytest.approx(2.0 + WASTE_PER_WIDGET * 5.0, rel=RTOL)


@pytest.mark.parametrize("method", METHODS)
def test_waste_treatment_demand_of_the_waste_product(method: str) -> None:
    """A demand of one unit of the waste product: -s2 = 1, so s = [0, -1] and the score is -5."""
    system = waste_treatment(method)
    assert_allclose(system.supply({2: 1.0}), [0.0, -1.0], rtol=RTOL, atol=0)
    assert system.score({2: 1.0}) == pytest.approx(-5.0, rel=RTOL)
    # Treating one unit of waste is a demand of -1 unit of the waste product.
    assert system.score({2: -1.0}) == pytest.approx(5.0, rel=RTOL)


# -- non-unit reference production ------------------------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
def test_non_unit_production(method: str) -> None:
    """s1 = 1 / 2.5 = 0.4 runs; 40 * 0.4 = 16 kWh, s2 = 16 / 1000 = 0.016 runs; CO2 = 10 * 0.4 + 500 * 0.016 = 12."""
    system = non_unit_production(method)
    assert_allclose(system.supply({1: 1.0}), [0.4, 0.016], rtol=RTOL)
    assert_allclose(system.inventory({1: 1.0}), [12.0], rtol=RTOL)
    assert system.score({1: 1.0}) == pytest.approx(12.0, rel=RTOL)


@pytest.mark.parametrize("method", METHODS)
def test_non_unit_production_one_kwh(method: str) -> None:
    """One kWh is 1/1000 of a run: s = [0, 0.001], CO2 = 0.5."""
    system = non_unit_production(method)
    assert_allclose(system.supply({2: 1.0}), [0.0, 0.001], rtol=RTOL, atol=0)
    assert system.score({2: 1.0}) == pytest.approx(0.5, rel=RTOL)


# -- several characterization vectors ---------------------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
def test_two_characterization_vectors(method: str) -> None:
    """s = [1, 0.5]: CO2 = 1 + 1.5 = 2.5, CH4 = 0.01 + 0.1 = 0.11; AR6 = 2.5 + 0.11 * 29.8, AR5 = 2.5 + 0.11 * 28."""
    system = two_vectors(method)
    assert_allclose(system.inventory({1: 1.0}), [2.5, 0.11], rtol=RTOL)
    scores = system.scores({1: 1.0})
    assert list(scores) == ["AR6", "AR5"]
    assert scores["AR6"] == pytest.approx(5.778, rel=RTOL)
    assert scores["AR5"] == pytest.approx(5.58, rel=RTOL)
    assert system.score({1: 1.0}) == pytest.approx(5.778, rel=RTOL)  # the first vector when none is named
    assert system.score({1: 1.0}, "AR5") == pytest.approx(5.58, rel=RTOL)


@pytest.mark.parametrize("method", METHODS)
def test_factors_of_flows_outside_the_biosphere_are_ignored(method: str) -> None:
    """A factor for flow 999, which no activity emits, changes nothing; absent flows count zero."""
    technosphere = triplets([(1, 1, 1.0), (2, 1, -0.5), (2, 2, 1.0)])
    biosphere = triplets([(CO2, 1, 2.0), (CO2, 2, 4.0), (CH4, 2, 0.1)])
    vectors = [
        Characterization.from_mapping("with_extra", {CO2: 1.0, CH4: 29.8, 999: 1e6}),
        Characterization.from_mapping("co2_only", {CO2: 1.0}),
    ]
    system = LCASystem(technosphere, biosphere, vectors, method=method)
    assert system.scores({1: 1.0}) == {
        "with_extra": pytest.approx(5.49, rel=RTOL),
        "co2_only": pytest.approx(4.0, rel=RTOL),
    }


# -- arbitrary integer ids --------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
def test_arbitrary_integer_ids(method: str) -> None:
    """Large, negative, non-contiguous ids: s(10**12) = 1, s(-5) = 2, s(7) = 2 * 0.25 = 0.5; score 7 + 0.25 * 10."""
    system = arbitrary_ids(method)
    assert system.activities.ids.tolist() == [NEG, SEVEN, BIG]  # results come in sorted id order
    assert system.flows.ids.tolist() == [FLOW_NEG, FLOW_BIG]
    assert_allclose(system.supply({BIG: 1.0}), [2.0, 0.5, 1.0], rtol=RTOL)
    # Flow -1: 1 * 1 + 3 * 2 = 7; flow 2**40: 0.5 * 0.5 = 0.25.
    assert_allclose(system.inventory({BIG: 1.0}), [7.0, 0.25], rtol=RTOL)
    assert system.score({BIG: 1.0}) == pytest.approx(9.5, rel=RTOL)
    # Product -5 alone: s = [1, 0.25, 0]; 3 + 0.125 * 10 = 4.25.
    assert system.score({NEG: 1.0}) == pytest.approx(4.25, rel=RTOL)
    assert system.score({SEVEN: 4.0}) == pytest.approx(20.0, rel=RTOL)


# -- every product and activity at once -------------------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", list(SYSTEMS))
def test_product_scores_equal_unit_demands(name: str, method: str) -> None:
    """product_scores[k, i] equals score({product i: 1}) for every vector k."""
    system = SYSTEMS[name](method)
    scores = system.product_scores
    assert scores.shape == (len(system.characterizations), len(system.products))
    for i, product_id in enumerate(system.products.ids.tolist()):
        expected = system.scores({product_id: 1.0})
        for k, characterization in enumerate(system.characterizations):
            assert scores[k, i] == pytest.approx(expected[characterization.name], rel=RTOL, abs=1e-300)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", list(SYSTEMS))
def test_activity_scores_equal_reference_product_demands(name: str, method: str) -> None:
    """activity_scores()[k, j] equals score({reference product of activity j: 1}) for every vector k."""
    system = SYSTEMS[name](method)
    scores = system.activity_scores()
    assert scores.shape == (len(system.characterizations), len(system.activities))
    reference_ids = system.products.ids[system.reference_products].tolist()
    for j, product_id in enumerate(reference_ids):
        expected = system.scores({product_id: 1.0})
        for k, characterization in enumerate(system.characterizations):
            assert scores[k, j] == pytest.approx(expected[characterization.name], rel=RTOL, abs=1e-300)


@pytest.mark.parametrize("method", METHODS)
def test_activity_scores_by_hand(method: str) -> None:
    """Known activity scores: two-process [5.49, 6.98]; loop [4.375, 4.75]; waste [3.5, -5]; kWh [4.8, 0.5]."""
    assert_allclose(two_process(method).activity_scores(), [[5.49, 6.98]], rtol=RTOL)
    # Loop: (2 + 3 * 0.5) / 0.8 and (2 * 0.4 + 3) / 0.8.
    assert_allclose(loop(method).activity_scores(), [[4.375, 4.75]], rtol=RTOL)
    assert_allclose(waste_treatment(method).activity_scores(), [[3.5, -5.0]], rtol=RTOL)
    # Per unit of product 1: 12 (see above); per kWh: 0.5. Per run would be 30 and 500: these are per unit.
    assert_allclose(non_unit_production(method).activity_scores(), [[12.0, 0.5]], rtol=RTOL)
    # Two vectors, product 2 alone: CO2 3, CH4 0.2: AR6 3 + 5.96, AR5 3 + 5.6.
    assert_allclose(two_vectors(method).activity_scores(), [[5.778, 8.96], [5.58, 8.6]], rtol=RTOL)


@pytest.mark.parametrize("method", METHODS)
def test_activity_scores_with_separate_product_ids(method: str) -> None:
    """Activities 1, 2, 3 score their reference products 303, 101, 202 by hand: 1.5, 2 and 2.5.

    Product 303: s1 = 1; row 101: -0.5 + 2 s2 = 0, s2 = 0.25; row 202: 0.2 + s3 = 0, s3 = -0.2 (the co-product
    displaces activity 3). Score 1 + 0.25 * 4 - 0.2 * 2.5 = 1.5. Product 101: s2 = 0.5, score 2. Product 202: 2.5.
    """
    system = separate_product_ids(method)
    assert system.products.ids[system.reference_products].tolist() == [303, 101, 202]
    assert_allclose(system.supply({303: 1.0}), [1.0, 0.25, -0.2], rtol=RTOL)
    assert system.score({303: 1.0}) == pytest.approx(1.5, rel=RTOL)
    assert_allclose(system.activity_scores(), [[1.5, 2.0, 2.5]], rtol=RTOL)
    assert_allclose(system.product_scores, [[2.0, 2.5, 1.5]], rtol=RTOL)  # products in id order 101, 202, 303


@pytest.mark.parametrize("method", METHODS)
def test_activity_scores_with_partly_overlapping_ids(method: str) -> None:
    """Activity 2 makes product 3 and consumes product 2: its reference product is 3, not the input 2.

    Activities {1, 2}, products {2, 3}. Activity 1 makes product 2 (CO2 1); activity 2 makes product 3 from 0.5 of
    product 2 (CO2 2). score(product 2) = 1, score(product 3) = 2 + 0.5 * 1 = 2.5. Product 2 has activity 2's id,
    but activity 2 consumes it (negative entry), so it cannot be activity 2's reference product.
    """
    technosphere = triplets([(2, 1, 1.0), (3, 2, 1.0), (2, 2, -0.5)])
    biosphere = triplets([(CO2, 1, 1.0), (CO2, 2, 2.0)])
    system = LCASystem(technosphere, biosphere, [GWP], method=method)
    assert system.score({3: 1.0}) == pytest.approx(2.5, rel=RTOL)
    assert system.products.ids[system.reference_products].tolist() == [2, 3]
    assert_allclose(system.activity_scores(), [[1.0, 2.5]], rtol=RTOL)


# -- duplicates -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
def test_duplicate_triplets_are_summed(method: str) -> None:
    """The two-process system split into duplicate entries (0.25 + 0.75, -0.2 - 0.3, 1.5 + 0.5) gives its answers."""
    technosphere = triplets([(1, 1, 0.25), (2, 1, -0.2), (1, 1, 0.75), (2, 2, 1.0), (2, 1, -0.3)])
    biosphere = triplets([(CO2, 1, 1.5), (CO2, 2, 4.0), (CH4, 2, 0.1), (CO2, 1, 0.5)])
    system = LCASystem(technosphere, biosphere, [GWP], method=method)
    assert_allclose(system.technosphere.toarray(), [[1.0, 0.0], [-0.5, 1.0]], rtol=RTOL)
    assert_allclose(system.biosphere.toarray(), [[2.0, 4.0], [0.0, 0.1]], rtol=RTOL)
    assert_allclose(system.supply({1: 1.0}), [1.0, 0.5], rtol=RTOL)
    assert system.score({1: 1.0}) == pytest.approx(5.49, rel=RTOL)


@pytest.mark.parametrize("method", METHODS)
def test_duplicates_that_cancel_leave_a_zero_entry(method: str) -> None:
    """An input of -0.5 and a correction of +0.5 cancel: product 1 then needs nothing, s = [1, 0], score 2."""
    technosphere = triplets([(1, 1, 1.0), (2, 1, -0.5), (2, 2, 1.0), (2, 1, 0.5)])
    biosphere = triplets([(CO2, 1, 2.0), (CO2, 2, 4.0)])
    system = LCASystem(technosphere, biosphere, [GWP], method=method)
    assert_allclose(system.supply({1: 1.0}), [1.0, 0.0], rtol=RTOL, atol=0)
    assert system.score({1: 1.0}) == pytest.approx(2.0, rel=RTOL)


# -- several right-hand sides at once ---------------------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", ["two_process", "loop", "waste_treatment", "arbitrary_ids", "separate_product_ids"])
def test_multi_column_solve_equals_column_by_column(name: str, method: str) -> None:
    """solver.solve and solve_transposed with a 2-D right-hand side equal the solves of each column."""
    system = SYSTEMS[name](method)
    n = len(system.products)
    rhs = np.column_stack([np.eye(n), np.arange(1.0, n + 1.0), np.zeros(n)])
    for solve in (system.solver.solve, system.solver.solve_transposed):
        together = solve(rhs)
        assert together.shape == rhs.shape
        for k in range(rhs.shape[1]):
            assert_allclose(together[:, k], solve(rhs[:, k]), rtol=RTOL, atol=0)


@pytest.mark.parametrize("method", METHODS)
def test_multi_column_solve_by_hand(method: str) -> None:
    """The loop (a = 0.5, b = 0.4) solved for e1, e2 and [2, 1] at once: A^-1 = [[1, 0.4], [0.5, 1]] / 0.8."""
    system = loop(method)
    rhs = np.array([[1.0, 0.0, 2.0], [0.0, 1.0, 1.0]])
    expected = np.array([[1.25, 0.5, 3.0], [0.625, 1.25, 2.5]])
    assert_allclose(system.solver.solve(rhs), expected, rtol=RTOL)
    # The adjoint: A^T = [[1, -0.5], [-0.4, 1]], its inverse [[1, 0.5], [0.4, 1]] / 0.8.
    expected_transposed = np.array([[1.25, 0.625, 3.125], [0.5, 1.25, 2.25]])
    assert_allclose(system.solver.solve_transposed(rhs), expected_transposed, rtol=RTOL)


def test_topological_ranks_of_a_condensed_graph() -> None:
    """Kahn's order puts every consumer before its suppliers (the fallback when SciPy's labels are not sorted)."""
    from lowcarbon.engine.ordering import _topological_ranks

    consumers = np.array([0, 0, 1, 3, 2])
    suppliers = np.array([1, 2, 2, 2, 4])  # 0 -> 1 -> 2 -> 4, 0 -> 2, 3 -> 2
    ranks = _topological_ranks(5, consumers, suppliers)
    assert sorted(ranks.tolist()) == [0, 1, 2, 3, 4]
    assert all(ranks[c] < ranks[s] for c, s in zip(consumers, suppliers, strict=True))


@pytest.mark.parametrize("method", METHODS)
def test_many_small_loops(method: str) -> None:
    """1,000 two-activity loops (kept in their matched order): y0 = 1.2 / 0.94 and y1 = 1.3 / 0.94 in each."""
    n = 2000
    rows, cols, values = list(range(n)), list(range(n)), [1.0] * n
    for i in range(0, n, 2):
        rows += [i, i + 1]
        cols += [i + 1, i]
        values += [-0.3, -0.2]
    gwp = Characterization("c", np.array([0]), np.array([1.0]))
    system = LCASystem((rows, cols, values), (np.zeros(n, int), np.arange(n), np.ones(n)), [gwp], method=method)
    expected = np.tile([1.2 / 0.94, 1.3 / 0.94], n // 2)
    np.testing.assert_allclose(system.activity_scores()[0], expected, rtol=1e-12)
