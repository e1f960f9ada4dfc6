"""Monte Carlo on a Dask cluster (LOWCARBON_DASK_SCHEDULER): the same numbers as on one process and on several, from
the engine and from ``calc``; a scheduler that is not there is a clear error, at once."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest
from distributed import LocalCluster
from typer.testing import CliRunner

from lowcarbon.cli import app
from lowcarbon.engine.montecarlo import BLOCK, MonteCarloResult, monte_carlo
from lowcarbon.engine.uncertainty import load_uncertain_system
from lowcarbon.errors import DaskNotInstalled, DaskUnavailable
from lowcarbon.scale import ENVIRON, DaskExecutor, connect, executor_from_environ
from support.dask_support import local_cluster

if TYPE_CHECKING:
    from conftest import WrittenSystem

SHAPE = {"activities": 300, "inputs": 6, "flows": 40, "hub_exponent": 1.3, "characterizations": 2, "seed": 21}


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with local_cluster() as started:
        yield started


@pytest.fixture
def dask(cluster: LocalCluster) -> Iterator[DaskExecutor]:
    executor = executor_from_environ({ENVIRON: cluster.scheduler_address})
    assert executor is not None
    yield executor
    executor.shutdown()


def same(a: MonteCarloResult, b: MonteCarloResult) -> None:
    """Bit for bit: every score, the statistics and contributions read from them, and the solver's stages."""
    np.testing.assert_array_equal(a.scores, b.scores)
    assert a.statistics() == b.statistics() and a.contributions == b.contributions
    assert a.solver_stats == b.solver_stats and a.seed == b.seed


def test_dask_gives_the_numbers_of_one_process_and_of_two(
    written: Callable[..., WrittenSystem], dask: DaskExecutor
) -> None:
    """Forward (one demand, iterative) and through the adjoint (three demands, direct): blocks run on the
    cluster's two worker processes give exactly what one process and two forked ones give for the same seed."""
    ws = written(**SHAPE, distributions_seed=3)
    model = load_uncertain_system([*ws.inventory, *ws.methods])
    iterations = 2 * BLOCK + 7  # three blocks, the last one short
    for demands, method in (
        ({int(ws.product_ids[0]): 1.0}, "iterative"),
        (
            [{int(p): 1.0} for p in ws.product_ids[:3]],
            "direct",
        ),
    ):
        local = monte_carlo(model, demands, iterations, seed=11, method=method)  # type: ignore[arg-type]
        forked = monte_carlo(model, demands, iterations, seed=11, method=method, processes=2)  # type: ignore[arg-type]
        heard: list[int] = []
        on_dask = monte_carlo(
            model,
            demands,
            iterations,
            seed=11,
            method=method,
            executor=dask,
            progress=heard.append,  # type: ignore[arg-type]
        )
        same(on_dask, local)
        same(on_dask, forked)
        assert heard == [BLOCK, 2 * BLOCK, iterations]
    assert not np.array_equal(monte_carlo(model, demands, 10, seed=12, executor=dask).scores, local.scores[:10])


def test_calc_on_the_cluster_prints_the_same_numbers(
    written: Callable[..., WrittenSystem], cluster: LocalCluster
) -> None:
    """`calc --iterations --seed --json` with LOWCARBON_DASK_SCHEDULER set: the same JSON numbers as without, and
    which executor ran them."""
    ws = written(**SHAPE, distributions_seed=3)
    args = ["calc", *map(str, [*ws.inventory, ws.methods[0]]), "-d", f"{int(ws.product_ids[1])}=1"]
    args += ["--iterations", "60", "--seed", "5", "--json"]
    runner = CliRunner()
    here = runner.invoke(app, args, env={ENVIRON: ""})
    there = runner.invoke(app, args, env={ENVIRON: cluster.scheduler_address})
    assert here.exit_code == 0 and there.exit_code == 0, (here.output, there.output)
    local, remote = json.loads(here.stdout), json.loads(there.stdout)
    assert local.pop("processes") == 1 and remote.pop("dask") == cluster.scheduler_address
    assert local == remote and remote["iterations"] == 60 and "p97_5" in remote


def test_a_scheduler_that_is_not_there_is_a_clear_error_at_once(written: Callable[..., WrittenSystem]) -> None:
    """A malformed address fails at once, a closed port within the connection timeout; without distributed the
    error says how to install it; an unset or empty variable means this machine."""
    ws = written(**SHAPE, distributions_seed=3)
    args = ["calc", *map(str, [*ws.inventory, ws.methods[0]]), "-d", f"{int(ws.product_ids[1])}=1"]
    started = time.monotonic()
    result = CliRunner().invoke(app, [*args, "--iterations", "5", "--json"], env={ENVIRON: "scheduler-without-port"})
    assert result.exit_code == 1 and time.monotonic() - started < 5
    assert "error: the Dask scheduler at scheduler-without-port cannot be reached" in result.stderr
    assert f"unset {ENVIRON} to run on this machine" in result.stderr
    started = time.monotonic()
    with pytest.raises(DaskUnavailable, match=r"tcp://127\.0\.0\.1:9 cannot be reached within 1 s") as caught:
        connect("tcp://127.0.0.1:9", timeout=1)  # the discard port: nothing listens there
    assert time.monotonic() - started < 4 and caught.value.code == "dask_unavailable" and caught.value.status == 503
    assert executor_from_environ({}) is None and executor_from_environ({ENVIRON: " "}) is None


def test_without_distributed_the_error_says_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # what `import distributed` meets when it is not installed
    with pytest.raises(DaskNotInstalled, match=r"pip install 'lowcarbon\[dask\]'") as caught:
        executor_from_environ({ENVIRON: "tcp://127.0.0.1:8786"})
    assert caught.value.code == "dask_not_installed" and isinstance(caught.value, DaskUnavailable)


def test_a_footprint_on_the_cluster_has_the_numbers_of_one_process(cluster: LocalCluster) -> None:
    """`footprint MODEL --iterations --seed --json` (the PV example's factor uncertainties) with
    LOWCARBON_DASK_SCHEDULER set: the same statistics as on one process."""
    model = Path(__file__).parents[2] / "examples" / "pv-module" / "model.yaml"
    args = ["footprint", str(model), "--iterations", "200", "--seed", "3", "--json"]
    runner = CliRunner()
    here = runner.invoke(app, args, env={ENVIRON: ""})
    before = cluster.scheduler.transition_counter
    there = runner.invoke(app, args, env={ENVIRON: cluster.scheduler_address})
    assert here.exit_code == 0 and there.exit_code == 0, (here.output, there.output)
    assert cluster.scheduler.transition_counter > before  # the cluster ran the iterations' blocks
    local, remote = json.loads(here.stdout)["uncertainty"], json.loads(there.stdout)["uncertainty"]
    assert local == remote and local["iterations"] == 200 and local["std"] > 0
