"""Monte Carlo: statistics of hand-checkable cases, seeds, processes, paired demands, and bw2calc's answer."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import bw2calc
import bw_processing as bwp
import numpy as np
import pytest
from fsspec.implementations.zip import ZipFileSystem

from lowcarbon.engine import write_datapackage
from lowcarbon.engine.distributions import LOGNORMAL, Distributions
from lowcarbon.engine.montecarlo import BLOCK, monte_carlo
from lowcarbon.engine.statistics import Statistics, rank_correlations
from lowcarbon.engine.uncertainty import UncertainSystem, load_uncertain_system
from lowcarbon.errors import InvalidArrays

if TYPE_CHECKING:
    from conftest import WrittenSystem

SIGMA = 0.3


def lognormal(median: float, sigma: float = SIGMA) -> Distributions:
    return Distributions([LOGNORMAL], [math.log(median)], [sigma], [math.nan], [math.nan], [math.nan], [False])


def product_of_two(folder: Path, *, uncertain_factor: bool = True) -> UncertainSystem:
    """One activity emitting a ~ lognormal(ln 2, 0.3) of flow 10, characterized by b ~ lognormal(ln 5, 0.3):
    the score of one unit is a b, lognormal with median 10 and sd of ln 0.3 sqrt(2)."""
    inventory = write_datapackage(
        folder / "inventory",
        "inventory",
        technosphere=([1], [1], [1.0]),
        biosphere=([10], [1], [2.0]),
        distributions={"biosphere": lognormal(2.0)},
    )
    method = write_datapackage(
        folder / "method",
        "method",
        characterization=([10], [5.0]),
        distributions={"characterization": lognormal(5.0)} if uncertain_factor else None,
    )
    return load_uncertain_system([inventory, method])


def test_statistics_of_a_product_of_lognormals(tmp_path: Path) -> None:
    """Mean, sd, median and percentiles of a lognormal with median 10 and s = 0.3 sqrt(2), within sampling error."""
    result = monte_carlo(product_of_two(tmp_path), {1: 1.0}, 4000, seed=5)
    s = SIGMA * math.sqrt(2)
    mean, sd = 10 * math.exp(s**2 / 2), 10 * math.exp(s**2 / 2) * math.sqrt(math.expm1(s**2))
    stats = result.statistics()
    assert stats.mean == pytest.approx(mean, abs=4 * sd / math.sqrt(4000))
    assert stats.std == pytest.approx(sd, rel=0.05)
    assert stats.median == pytest.approx(10.0, rel=0.02)
    assert stats.p2_5 == pytest.approx(10 * math.exp(-1.959964 * s), rel=0.04)
    assert stats.p97_5 == pytest.approx(10 * math.exp(1.959964 * s), rel=0.04)
    assert result.deterministic[0, 0] == pytest.approx(10.0, rel=1e-12)


def test_variance_contribution_by_hand(tmp_path: Path) -> None:
    """ln(score) = ln a + ln b, two independent normals of equal sd: each correlates with it at 1/sqrt(2), and
    for normals Spearman's rho is (6 / pi) asin(r / 2) (Pearson 1907), so each input's squared rank correlation
    is ((6 / pi) asin(1 / (2 sqrt 2)))^2 = 0.4763. With the factor fixed, the emission alone explains the score."""
    result = monte_carlo(product_of_two(tmp_path), {1: 1.0}, 4000, seed=6)
    expected = ((6 / math.pi) * math.asin(1 / (2 * math.sqrt(2)))) ** 2
    contributions = result.variance_contributions()
    places = {(c.matrix, c.row, c.column) for c in contributions}
    assert places == {("biosphere", 10, 1), ("characterization", 10, "method")}
    for contribution in contributions:
        assert contribution.spearman_squared == pytest.approx(expected, abs=0.03)
    alone = monte_carlo(product_of_two(tmp_path / "fixed", uncertain_factor=False), {1: 1.0}, 200, seed=6)
    (only,) = alone.variance_contributions()
    assert (only.matrix, only.row, only.column) == ("biosphere", 10, 1)
    assert only.spearman_squared == pytest.approx(1.0, abs=1e-12)


def test_rank_correlations_are_pearsons_of_ranks() -> None:
    x = np.array([[1.0, 3.0], [2.0, 3.0], [3.0, 3.0], [4.0, 3.0]])
    y = np.array([[10.0], [30.0], [20.0], [40.0]])
    # ranks of y: 1 3 2 4 against 1 2 3 4: rho = 1 - 6 * 2 / (4 * 15) = 0.8; a constant column correlates with nothing
    np.testing.assert_allclose(rank_correlations(x, y), [[0.8], [0.0]], atol=1e-12)
    assert Statistics.of(np.array([1.0, 2.0, 3.0, 4.0])).to_dict() == {
        "mean": 2.5,
        "std": pytest.approx(math.sqrt(5 / 3)),
        "median": 2.5,
        "p2_5": pytest.approx(1.075),
        "p97_5": pytest.approx(3.925),
    }


@pytest.fixture
def synthetic(written: Callable[..., WrittenSystem]) -> tuple[WrittenSystem, UncertainSystem]:
    """A 300-activity system with a distribution on every exchange (inputs flipped, as bw2data writes them)."""
    shape = {"activities": 300, "inputs": 6, "flows": 40, "hub_exponent": 1.3, "characterizations": 2, "seed": 21}
    ws = written(**shape, distributions_seed=3)
    return ws, load_uncertain_system([*ws.inventory, *ws.methods])


def test_same_seed_same_numbers_on_one_process_and_on_several(synthetic: tuple[WrittenSystem, UncertainSystem]) -> None:
    ws, model = synthetic
    demand = {int(ws.product_ids[0]): 1.0}
    iterations = 2 * BLOCK + 7  # three blocks, the last one short
    first = monte_carlo(model, demand, iterations, seed=11)
    again = monte_carlo(model, demand, iterations, seed=11)
    shared = monte_carlo(model, demand, iterations, seed=11, processes=2)
    other = monte_carlo(model, demand, iterations, seed=12)
    np.testing.assert_array_equal(first.scores, again.scores)
    np.testing.assert_array_equal(first.scores, shared.scores)
    assert not np.array_equal(first.scores, other.scores)
    unseeded = monte_carlo(model, demand, 10)
    np.testing.assert_array_equal(monte_carlo(model, demand, 10, seed=unseeded.seed).scores, unseeded.scores)


def test_solvers_and_directions_agree(synthetic: tuple[WrittenSystem, UncertainSystem]) -> None:
    """The refactorized and the warm-started solver give the same samples; so do one run of three demands
    (through the adjoint: more demands than vectors) and three runs of one (forward)."""
    ws, model = synthetic
    demands = [{int(p): 1.0} for p in ws.product_ids[:3]]
    together = monte_carlo(model, demands, 30, seed=2)
    for k, demand in enumerate(demands):
        alone = monte_carlo(model, demand, 30, seed=2, method="direct")
        np.testing.assert_allclose(together.scores[:, :, k], alone.scores[:, :, 0], rtol=1e-8)
    assert together.solver == "iterative" and alone.solver == "direct"


def test_a_shared_value_is_one_draw_for_every_demand(synthetic: tuple[WrittenSystem, UncertainSystem]) -> None:
    """Two units of a product score exactly twice one unit in every iteration: comparisons are paired."""
    ws, model = synthetic
    product = int(ws.product_ids[5])
    result = monte_carlo(model, [{product: 1.0}, {product: 2.0}], 40, seed=3)
    np.testing.assert_allclose(result.samples(demand=1), 2 * result.samples(demand=0), rtol=1e-8)
    assert result.share_lower(0, 1) == 1.0


def test_monte_carlo_agrees_with_bw2calc(synthetic: tuple[WrittenSystem, UncertainSystem]) -> None:
    """Same datapackages, bw2calc's LCA with use_distributions=True: means within 4 standard errors of their
    difference, standard deviations within 15 % (4 standard errors of the ratio at 1,000 samples each)."""
    ws, model = synthetic
    demand = {int(ws.product_ids[1]): 1.0}
    iterations = 1000
    ours = monte_carlo(model, demand, iterations, seed=4)
    packages = [bwp.load_datapackage(ZipFileSystem(str(p))) for p in [*ws.inventory, ws.methods[0]]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lca = bw2calc.LCA(demand, data_objs=packages, use_distributions=True, seed_override=4)
        lca.lci()
        lca.lcia()
        theirs = []
        for _ in range(iterations):
            next(lca)
            theirs.append(lca.score)
    mine = ours.samples(ws.method_names[0])
    error = math.sqrt((np.var(mine) + np.var(theirs)) / iterations)
    assert abs(mine.mean() - np.mean(theirs)) <= 4 * error
    assert mine.std(ddof=1) == pytest.approx(np.std(theirs, ddof=1), rel=0.15)
    assert ours.deterministic[0, 0] == pytest.approx(model.system.score(demand, ws.method_names[0]), rel=1e-12)


def test_refusals(tmp_path: Path, synthetic: tuple[WrittenSystem, UncertainSystem]) -> None:
    ws, model = synthetic
    demand = {int(ws.product_ids[0]): 1.0}
    with pytest.raises(InvalidArrays, match="iterations must be at least 1"):
        monte_carlo(model, demand, 0)
    with pytest.raises(InvalidArrays, match="no demand"):
        monte_carlo(model, [], 5)
    with pytest.raises(InvalidArrays, match="unknown Monte Carlo solver"):
        monte_carlo(model, demand, 5, method="magic")  # type: ignore[arg-type]
    bare = load_uncertain_system(ws.inventory)
    with pytest.raises(InvalidArrays, match="no characterization vector"):
        monte_carlo(bare, demand, 5)
    result = monte_carlo(model, demand, 5, seed=1)
    with pytest.raises(InvalidArrays, match="unknown characterization"):
        result.statistics("nothing")
