"""The engine gives bw2calc's answers on random Brightway datapackages, to 1e-9 relative."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import bw2calc
import bw_processing as bwp
import numpy as np
import pytest
from fsspec.implementations.zip import ZipFileSystem

from lowcarbon.engine import load_system

if TYPE_CHECKING:
    from conftest import WrittenSystem

METHODS = ["direct", "iterative", "pardiso"]
SHAPES = {
    "hub-shaped": {"activities": 300, "inputs": 6, "flows": 40, "hub_exponent": 1.3, "seed": 11},
    "tangled": {"activities": 300, "inputs": 8, "flows": 40, "hub_exponent": 0.6, "seed": 12},
    "non-unit and waste": {"activities": 200, "inputs": 5, "flows": 30, "production_spread": 0.8, "seed": 13},
    "acyclic-ish": {"activities": 150, "inputs": 2, "flows": 20, "hub_exponent": 2.5, "seed": 14},
}


def packages(paths: list[Any]) -> list[Any]:
    return [bwp.load_datapackage(ZipFileSystem(str(p))) for p in paths]


def assert_close(actual: np.ndarray, expected: np.ndarray) -> None:
    """1e-9 relative, with an absolute floor of 1e-12 of the largest value for entries that cancel to ~0."""
    expected = np.asarray(expected, dtype=float)
    floor = 1e-12 * float(np.abs(expected).max()) if expected.size else 0.0
    np.testing.assert_allclose(actual, expected, rtol=1e-9, atol=floor)


def bw_single_scores(ws: WrittenSystem, method: int, demands: list[dict[int, float]]) -> list[float]:
    lca = bw2calc.LCA(demands[0], data_objs=packages([*ws.inventory, ws.methods[method]]))
    lca.lci()
    lca.lcia()
    scores = [lca.score]
    for demand in demands[1:]:
        lca.lcia(demand=demand)
        scores.append(lca.score)
    return scores


def bw_product_scores(ws: WrittenSystem) -> Any:
    config = {"impact_categories": [(name,) for name in ws.method_names]}
    demands = {str(p): {int(p): 1.0} for p in ws.product_ids}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fast = bw2calc.FastScoresOnlyMultiLCA(
            demands=demands,
            method_config=config,
            data_objs=packages([*ws.inventory, *ws.methods]),
            direction="adjoint",
        )
        fast.calculate()
    return fast.product_scores


@pytest.mark.parametrize("shape", sorted(SHAPES))
@pytest.mark.parametrize("method", METHODS)
def test_single_demands_agree(written: Callable[..., WrittenSystem], shape: str, method: str) -> None:
    """Scores of single and combined demands equal bw2calc's LCA scores."""
    ws = written(**SHAPES[shape])
    rng = np.random.default_rng(1)
    picks = rng.choice(ws.product_ids, size=6, replace=False)
    demands = [{int(p): float(rng.uniform(0.5, 3))} for p in picks[:4]] + [{int(picks[4]): 2.0, int(picks[5]): -0.5}]
    ours = load_system([*ws.inventory, *ws.methods], method=method)  # type: ignore[arg-type]
    for k, name in enumerate(ws.method_names):
        expected = bw_single_scores(ws, k, demands)
        actual = [ours.score(d, name) for d in demands]
        assert_close(np.array(actual), np.array(expected))
        assert_close(ours.batch_scores(demands)[k], np.array(expected))


@pytest.mark.parametrize("shape", sorted(SHAPES))
@pytest.mark.parametrize("method", METHODS)
def test_every_activity_scores_agree(written: Callable[..., WrittenSystem], shape: str, method: str) -> None:
    """Every activity's score for three vectors equals bw2calc's adjoint FastScoresOnlyMultiLCA."""
    ws = written(**SHAPES[shape])
    expected = bw_product_scores(ws)
    ours = load_system([*ws.inventory, *ws.methods], method=method)  # type: ignore[arg-type]
    scores = ours.activity_scores()
    for k, name in enumerate(ws.method_names):
        reference = expected.sel(LCIA=str((name,))).sel(products=list(ours.activities.ids)).values
        assert_close(scores[k], reference)


def test_later_packages_replace_values_and_unknown_activities_are_dropped(
    written: Callable[..., WrittenSystem],
) -> None:
    """A second inventory package overrides technosphere values as in bw2calc; strays are dropped."""
    ws = written(split_overrides=True, activities=200, inputs=5, flows=30, seed=21)
    ours = load_system([*ws.inventory, *ws.methods])
    expected = bw_product_scores(ws)
    for k, name in enumerate(ws.method_names):
        assert_close(ours.product_scores[k], expected.sel(LCIA=str((name,))).sel(products=list(ours.products.ids)))
    baseline = load_system([ws.inventory[0], *ws.methods])
    assert not np.allclose(baseline.product_scores, ours.product_scores)  # the override did change something


@pytest.mark.parametrize("method", METHODS)
def test_separate_product_ids_agree(written: Callable[..., WrittenSystem], method: str) -> None:
    """Products with ids of their own (bw25 product nodes): product scores and demands agree with bw2calc."""
    ws = written(product_offset=10**9, activities=200, inputs=6, flows=30, seed=31)
    ours = load_system([*ws.inventory, *ws.methods], method=method)  # type: ignore[arg-type]
    expected = bw_product_scores(ws)
    for k, name in enumerate(ws.method_names):
        assert_close(ours.product_scores[k], expected.sel(LCIA=str((name,))).sel(products=list(ours.products.ids)))
    # each activity's reference product is the one with the largest positive entry: its own product node
    np.testing.assert_array_equal(ours.products.ids[ours.reference_products], ours.activities.ids + 10**9)
    demands = [{int(p): 1.0} for p in ws.product_ids[:5]]
    assert_close(np.array([ours.score(d) for d in demands]), np.array(bw_single_scores(ws, 0, demands)))
