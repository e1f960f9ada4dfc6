"""Contribution analysis with hand-computed values: by_activity, by_flow and the supply-chain tree."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from lowcarbon.engine import Characterization, LCASystem, SupplyChainNode, by_activity, by_flow, supply_chain

RTOL = 1e-12
CO2, CH4 = 100, 200
GWP = Characterization.from_mapping("gwp", {CO2: 1.0, CH4: 25.0})
CH4_ONLY = Characterization.from_mapping("ch4", {CH4: 1.0})


def triplets(entries: list[tuple[int, int, float]]) -> tuple[list[int], list[int], list[float]]:
    """(row, col, value) entries as the three arrays LCASystem takes."""
    return [r for r, _, _ in entries], [c for _, c, _ in entries], [v for _, _, v in entries]


@pytest.fixture(params=["direct", "iterative", "pardiso"])
def method(request: pytest.FixtureRequest) -> str:
    """Both solver methods."""
    return str(request.param)


def chain(method: str, co2_of_activity_2: float = 0.5) -> LCASystem:
    """A <- B <- C plus a tiny input D: A (1) needs 2 of B (2) and 0.001 of D (4); B needs 0.5 of C (3).

    CO2: A 1, B 0.5 (or the given amount), C 4, D 1 per run; CH4: B 0.02 per run. GWP: CO2 1, CH4 25.
    For one A: s = [1, 2, 1, 0.001]. Unit scores y (gwp): y4 = 1, y3 = 4, y2 = 0.5 + 0.5 + 0.5 * 4 = 3,
    y1 = 1 + 2 * 3 + 0.001 * 1 = 7.001.
    """
    technosphere = triplets(
        [(1, 1, 1.0), (2, 1, -2.0), (4, 1, -0.001), (2, 2, 1.0), (3, 2, -0.5), (3, 3, 1.0), (4, 4, 1.0)]
    )
    biosphere = triplets([(CO2, 1, 1.0), (CO2, 2, co2_of_activity_2), (CH4, 2, 0.02), (CO2, 3, 4.0), (CO2, 4, 1.0)])
    return LCASystem(technosphere, biosphere, [GWP, CH4_ONLY], method=method)


def loop(method: str) -> LCASystem:
    """Activity 1 needs 0.5 of product 2, activity 2 needs 0.4 of product 1; CO2 2 and 3 per run.

    y1 = (2 + 3 * 0.5) / 0.8 = 4.375, y2 = (2 * 0.4 + 3) / 0.8 = 4.75.
    """
    technosphere = triplets([(1, 1, 1.0), (2, 1, -0.5), (1, 2, -0.4), (2, 2, 1.0)])
    biosphere = triplets([(CO2, 1, 2.0), (CO2, 2, 3.0)])
    return LCASystem(technosphere, biosphere, [GWP], method=method)


def co_product(method: str) -> LCASystem:
    """Activity 1 makes product 1, co-produces 0.1 of product 2 and needs 0.5 of product 3.

    CO2: activity 1 emits 1, activity 2 (product 2) 5, activity 3 (product 3) 2 per run.
    y2 = 5, y3 = 2, y1 = 1 - 0.1 * 5 + 0.5 * 2 = 1.5 (the co-product displaces 0.1 of activity 2).
    """
    technosphere = triplets([(1, 1, 1.0), (2, 1, 0.1), (3, 1, -0.5), (2, 2, 1.0), (3, 3, 1.0)])
    biosphere = triplets([(CO2, 1, 1.0), (CO2, 2, 5.0), (CO2, 3, 2.0)])
    return LCASystem(technosphere, biosphere, [GWP], method=method)


def check_sums(node: SupplyChainNode) -> None:
    """node.score == direct_score + sum(child.score) + unexpanded on every node of the subtree, loops included."""
    for _, n in node.walk():
        expected = n.direct_score + sum(c.score for c in n.children) + n.unexpanded
        assert n.score == pytest.approx(expected, rel=RTOL, abs=1e-15)


# -- by_activity and by_flow ------------------------------------------------------------------------------------


def test_by_activity_hand_values(method: str) -> None:
    """Activity scores for one A: A 1, B 2 * (0.5 + 0.02 * 25) = 2, C 4, D 0.001; sorted C, B, A, D."""
    result = by_activity(chain(method), {1: 1.0})
    assert result.ids.tolist() == [3, 2, 1, 4]
    assert_allclose(result.amounts, [1.0, 2.0, 1.0, 0.001], rtol=RTOL)
    assert_allclose(result.scores, [4.0, 2.0, 1.0, 0.001], rtol=RTOL)
    assert result.total == pytest.approx(7.001, rel=RTOL)


def test_by_activity_sums_to_the_score(method: str) -> None:
    """The activity contributions sum to the total, which is the system's score; shares sum to one."""
    system = chain(method)
    result = by_activity(system, {1: 3.0})
    assert float(result.scores.sum()) == pytest.approx(result.total, rel=RTOL)
    assert result.total == pytest.approx(system.score({1: 3.0}), rel=RTOL)
    assert result.total == pytest.approx(3 * 7.001, rel=RTOL)
    assert_allclose(result.shares, np.array([4.0, 2.0, 1.0, 0.001]) / 7.001, rtol=RTOL)


def test_by_activity_sorted_by_absolute_size(method: str) -> None:
    """With CO2 uptake at B (-3 per run), B's -5 comes first, then C 4, A 1, D 0.001; the total is 0.001."""
    result = by_activity(chain(method, co2_of_activity_2=-3.0), {1: 1.0})
    # B: 2 * (-3 + 0.02 * 25) = -5.
    assert result.ids.tolist() == [2, 3, 1, 4]
    assert_allclose(result.scores, [-5.0, 4.0, 1.0, 0.001], rtol=RTOL)
    assert result.total == pytest.approx(0.001, rel=1e-9)  # a sum that cancels: 1e-12 of its parts


def test_by_activity_top(method: str) -> None:
    """top(n) gives the n largest as (id, amount, score); a larger n gives them all."""
    result = by_activity(chain(method), {1: 1.0})
    top = result.top(2)
    assert [t[0] for t in top] == [3, 2]
    assert [t[1] for t in top] == pytest.approx([1.0, 2.0], rel=RTOL)
    assert [t[2] for t in top] == pytest.approx([4.0, 2.0], rel=RTOL)
    assert all(isinstance(t[0], int) and isinstance(t[2], float) for t in top)
    assert len(result.top(10)) == 4
    assert result.top(0) == []


def test_by_activity_other_vector(method: str) -> None:
    """For the CH4-only vector only B contributes (2 * 0.02 = 0.04); ties at zero keep id order."""
    result = by_activity(chain(method), {1: 1.0}, "ch4")
    assert result.ids.tolist() == [2, 1, 3, 4]
    assert_allclose(result.scores, [0.04, 0.0, 0.0, 0.0], rtol=RTOL, atol=0)
    assert result.total == pytest.approx(0.04, rel=RTOL)


def test_by_activity_with_a_co_product(method: str) -> None:
    """Supply [1, -0.1, 0.5]: scores 1, -0.5 and 1; the displaced activity contributes negatively."""
    result = by_activity(co_product(method), {1: 1.0})
    assert result.ids.tolist() == [1, 3, 2]  # |1| == |1|: the tie keeps id order
    assert_allclose(result.amounts, [1.0, 0.5, -0.1], rtol=RTOL)
    assert_allclose(result.scores, [1.0, 1.0, -0.5], rtol=RTOL)
    assert result.total == pytest.approx(1.5, rel=RTOL)


def test_by_flow_hand_values(method: str) -> None:
    """Inventory CO2 1 + 1 + 4 + 0.001 = 6.001 and CH4 0.04 (score 1); the two sum to 7.001."""
    result = by_flow(chain(method), {1: 1.0})
    assert result.ids.tolist() == [CO2, CH4]
    assert_allclose(result.amounts, [6.001, 0.04], rtol=RTOL)
    assert_allclose(result.scores, [6.001, 1.0], rtol=RTOL)
    assert result.total == pytest.approx(7.001, rel=RTOL)
    assert result.top(1) == [(CO2, pytest.approx(6.001, rel=RTOL), pytest.approx(6.001, rel=RTOL))]


def test_by_flow_other_vector(method: str) -> None:
    """For the CH4-only vector CH4 comes first with 0.04, CO2 scores zero but keeps its amount."""
    result = by_flow(chain(method), {1: 1.0}, "ch4")
    assert result.ids.tolist() == [CH4, CO2]
    assert_allclose(result.amounts, [0.04, 6.001], rtol=RTOL)
    assert_allclose(result.scores, [0.04, 0.0], rtol=RTOL, atol=0)
    assert result.total == pytest.approx(0.04, rel=RTOL)


def test_shares_of_a_zero_total() -> None:
    """A demand whose score is zero (CH4 vector, product 3 only) gives zero shares rather than dividing by zero."""
    result = by_activity(chain("direct"), {3: 1.0}, "ch4")
    assert result.total == 0.0
    assert result.shares.tolist() == [0.0, 0.0, 0.0, 0.0]


# -- the supply-chain tree --------------------------------------------------------------------------------------


def test_supply_chain_of_a_chain(method: str) -> None:
    """A <- B <- C: amounts 1, 2, 1; cumulative scores 7.001, 6, 4; D (0.001) falls below the 1 % cutoff."""
    roots = supply_chain(chain(method), {1: 1.0})
    assert len(roots) == 1
    root = roots[0]
    assert (root.product_id, root.activity_id, root.loop) == (1, 1, False)
    assert root.amount == pytest.approx(1.0, rel=RTOL)
    assert root.score == pytest.approx(7.001, rel=RTOL)
    assert root.direct_score == pytest.approx(1.0, rel=RTOL)
    assert root.unexpanded == pytest.approx(0.001, rel=RTOL)  # D: 0.001 * 1 < 0.01 * 7.001
    (b,) = root.children
    assert (b.product_id, b.activity_id) == (2, 2)
    assert b.amount == pytest.approx(2.0, rel=RTOL)
    assert b.score == pytest.approx(6.0, rel=RTOL)
    assert b.direct_score == pytest.approx(2.0, rel=RTOL)  # 2 runs of 0.5 CO2 + 0.02 * 25 CH4
    (c,) = b.children
    assert c.product_id == 3
    assert c.amount == pytest.approx(1.0, rel=RTOL)
    assert c.score == pytest.approx(4.0, rel=RTOL)
    assert c.direct_score == pytest.approx(4.0, rel=RTOL)
    assert c.children == ()
    assert c.unexpanded == 0.0
    check_sums(root)


def test_supply_chain_cutoff_zero_expands_everything(method: str) -> None:
    """With cutoff 0 the small input D becomes a child of A (amount 0.001, score 0.001) and nothing is cut off."""
    (root,) = supply_chain(chain(method), {1: 1.0}, cutoff=0.0)
    assert [c.product_id for c in root.children] == [2, 4]  # sorted by absolute score: 6, then 0.001
    d = root.children[1]
    assert d.amount == pytest.approx(0.001, rel=RTOL)
    assert d.score == pytest.approx(0.001, rel=RTOL)
    assert root.unexpanded == 0.0
    check_sums(root)


def test_supply_chain_cutoff_prunes_branches(method: str) -> None:
    """A cutoff of 0.9 (threshold 6.3) prunes B (6) and D: A keeps no children, unexpanded = 6.001."""
    (root,) = supply_chain(chain(method), {1: 1.0}, cutoff=0.9)
    assert root.children == ()
    assert root.unexpanded == pytest.approx(6.001, rel=RTOL)
    check_sums(root)


def test_supply_chain_max_depth(method: str) -> None:
    """max_depth 1 stops below B (C's 4 goes into B's unexpanded); max_depth 0 leaves only the root."""
    (root,) = supply_chain(chain(method), {1: 1.0}, cutoff=0.0, max_depth=1)
    assert max(depth for depth, _ in root.walk()) == 1
    b = root.children[0]
    assert b.children == ()
    assert b.unexpanded == pytest.approx(4.0, rel=RTOL)
    check_sums(root)
    (root,) = supply_chain(chain(method), {1: 1.0}, cutoff=0.0, max_depth=0)
    assert root.children == ()
    assert root.unexpanded == pytest.approx(6.001, rel=RTOL)


def test_supply_chain_max_nodes(method: str) -> None:
    """max_nodes 1 allows the root only; everything else is summed into its unexpanded."""
    (root,) = supply_chain(chain(method), {1: 1.0}, cutoff=0.0, max_nodes=1)
    assert root.children == ()
    assert root.unexpanded == pytest.approx(6.001, rel=RTOL)
    check_sums(root)


def test_supply_chain_walk(method: str) -> None:
    """walk() lists every node depth first with its depth."""
    (root,) = supply_chain(chain(method), {1: 1.0}, cutoff=0.0)
    assert [(depth, node.product_id) for depth, node in root.walk()] == [(0, 1), (1, 2), (2, 3), (1, 4)]


def test_supply_chain_several_roots(method: str) -> None:
    """Demand {1: 1, 3: 2}: one root per product, largest first (C: 2 * 4 = 8 before A: 7.001)."""
    roots = supply_chain(chain(method), {1: 1.0, 3: 2.0})
    assert [r.product_id for r in roots] == [3, 1]
    assert roots[0].amount == pytest.approx(2.0, rel=RTOL)
    assert roots[0].score == pytest.approx(8.0, rel=RTOL)
    assert roots[1].score == pytest.approx(7.001, rel=RTOL)
    for root in roots:
        check_sums(root)


def test_supply_chain_other_vector(method: str) -> None:
    """With the CH4-only vector A's score is B's 0.04; A and C emit no CH4."""
    (root,) = supply_chain(chain(method), {1: 1.0}, "ch4", cutoff=0.0)
    assert root.score == pytest.approx(0.04, rel=RTOL)
    assert root.direct_score == 0.0
    assert root.children[0].product_id == 2
    assert root.children[0].direct_score == pytest.approx(0.04, rel=RTOL)
    check_sums(root)


def test_supply_chain_loop_terminates(method: str) -> None:
    """Product 1 -> 2 -> 1: the second product 1 is a loop node (amount 0.2, score 0.875) without children."""
    (root,) = supply_chain(loop(method), {1: 1.0}, cutoff=0.0)
    assert root.score == pytest.approx(4.375, rel=RTOL)
    assert root.direct_score == pytest.approx(2.0, rel=RTOL)
    (two,) = root.children
    assert two.product_id == 2
    assert two.amount == pytest.approx(0.5, rel=RTOL)
    assert two.score == pytest.approx(0.5 * 4.75, rel=RTOL)
    assert two.direct_score == pytest.approx(1.5, rel=RTOL)
    (again,) = two.children
    assert again.product_id == 1
    assert again.loop is True
    assert again.children == ()
    assert again.amount == pytest.approx(0.2, rel=RTOL)
    assert again.score == pytest.approx(0.2 * 4.375, rel=RTOL)
    assert again.unexpanded == pytest.approx(0.2 * 4.375 - 0.2 * 2.0, rel=RTOL)  # its upstream, not shown again
    check_sums(root)
    assert all(not n.loop for _, n in root.walk() if n.children)


def test_supply_chain_co_product_gives_negative_amount(method: str) -> None:
    """The co-product (+0.1 in activity 1's column) is a child with amount -0.1 and score -0.5."""
    (root,) = supply_chain(co_product(method), {1: 1.0}, cutoff=0.0)
    assert root.score == pytest.approx(1.5, rel=RTOL)
    assert [c.product_id for c in root.children] == [3, 2]  # |1.0| before |-0.5|
    three, two = root.children
    assert three.amount == pytest.approx(0.5, rel=RTOL)
    assert three.score == pytest.approx(1.0, rel=RTOL)
    assert two.amount == pytest.approx(-0.1, rel=RTOL)
    assert two.activity_id == 2
    assert two.score == pytest.approx(-0.5, rel=RTOL)
    assert two.direct_score == pytest.approx(-0.5, rel=RTOL)
    check_sums(root)


def test_supply_chain_waste_treatment(method: str) -> None:
    """A widget making 0.3 waste (+0.3 in the waste row): the waste child has amount -0.3, treatment runs 0.3 times.

    The treatment's production is -1, so its scaling is -0.3 / -1 = 0.3 and its score 0.3 * 5 = 1.5.
    """
    technosphere = triplets([(1, 1, 1.0), (2, 1, 0.3), (2, 2, -1.0)])
    biosphere = triplets([(CO2, 1, 2.0), (CO2, 2, 5.0)])
    system = LCASystem(technosphere, biosphere, [GWP], method=method)
    (root,) = supply_chain(system, {1: 1.0}, cutoff=0.0)
    assert root.score == pytest.approx(3.5, rel=RTOL)
    (waste,) = root.children
    assert waste.amount == pytest.approx(-0.3, rel=RTOL)
    assert waste.score == pytest.approx(1.5, rel=RTOL)
    assert waste.direct_score == pytest.approx(1.5, rel=RTOL)
    check_sums(root)


def test_supply_chain_non_unit_production(method: str) -> None:
    """2.5 units per run from 40 kWh, 1000 kWh per run: one unit needs 16 kWh, direct 4, electricity 8."""
    technosphere = triplets([(1, 1, 2.5), (2, 1, -40.0), (2, 2, 1000.0)])
    biosphere = triplets([(CO2, 1, 10.0), (CO2, 2, 500.0)])
    system = LCASystem(technosphere, biosphere, [GWP], method=method)
    (root,) = supply_chain(system, {1: 1.0}, cutoff=0.0)
    assert root.direct_score == pytest.approx(4.0, rel=RTOL)  # 0.4 runs * 10
    (kwh,) = root.children
    assert kwh.amount == pytest.approx(16.0, rel=RTOL)
    assert kwh.score == pytest.approx(8.0, rel=RTOL)
    assert kwh.direct_score == pytest.approx(8.0, rel=RTOL)  # 0.016 runs * 500
    assert root.score == pytest.approx(12.0, rel=RTOL)
    check_sums(root)


def test_supply_chain_with_separate_product_ids(method: str) -> None:
    """Activities 1, 2 make products 20, 10: nodes name both ids; activity 1 needs 3 of product 10."""
    technosphere = triplets([(20, 1, 1.0), (10, 1, -3.0), (10, 2, 2.0)])
    biosphere = triplets([(CO2, 1, 1.0), (CO2, 2, 4.0)])
    system = LCASystem(technosphere, biosphere, [GWP], method=method)
    (root,) = supply_chain(system, {20: 1.0}, cutoff=0.0)
    assert (root.product_id, root.activity_id) == (20, 1)
    (child,) = root.children
    assert (child.product_id, child.activity_id) == (10, 2)
    assert child.amount == pytest.approx(3.0, rel=RTOL)
    assert child.direct_score == pytest.approx(6.0, rel=RTOL)  # 1.5 runs * 4
    assert root.score == pytest.approx(7.0, rel=RTOL)
    check_sums(root)
