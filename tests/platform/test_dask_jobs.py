"""Background jobs on a Dask cluster (DaskRunner): the local runner's results and errors, the time limit counted from
the hand-over, shutdown putting jobs back in the queue, recovery, and a scheduler that is not there."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from distributed import LocalCluster
from sqlalchemy import Engine
from test_jobs import ended, submit, wait_until  # the local runners' tests, beside this file: their waiting helpers

from lowcarbon.platform.dask_jobs import DaskRunner
from lowcarbon.platform.database import session_factory
from lowcarbon.platform.jobs import InlineRunner, JobKind, JobRegistry, JobStatus, create_runner
from lowcarbon.platform.settings import Settings
from lowcarbon.platform.tables import Job
from support.dask_support import local_cluster
from support.job_support import double, nap, wait_for_go

FINISHED: list[JobStatus] = []


def remember(session: object, job: JobStatus, audit: object) -> None:
    FINISHED.append(job)


KINDS = JobRegistry(
    [
        JobKind("double", double, on_finish=remember),
        JobKind("nap", nap, on_finish=remember),
        JobKind("wait_for_go", wait_for_go, on_finish=remember),
    ]
)


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with local_cluster() as started:
        yield started


@pytest.fixture
def on_dask(engine: Engine, cluster: LocalCluster) -> Iterator[Callable[..., DaskRunner]]:
    """Factory of DaskRunners on the cluster (options as DaskRunner's), each shut down after the test."""
    made: list[DaskRunner] = []
    FINISHED.clear()

    def make(**options: Any) -> DaskRunner:
        options.setdefault("address", cluster.scheduler_address)
        runner = DaskRunner(session_factory(engine, write=True), KINDS, reads=session_factory(engine), **options)
        made.append(runner)
        return runner

    yield make
    for runner in made:
        runner.shutdown()


def test_settings_choose_the_dask_runner(engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """dask_scheduler (LOWCARBON_DASK_SCHEDULER) picks the DaskRunner, with the time limit; inline stays inline;
    an empty value means this machine."""
    monkeypatch.setenv("LOWCARBON_DASK_SCHEDULER", "tcp://127.0.0.1:8786")
    chosen = Settings(data_dir=settings.data_dir, database_url=settings.database_url, job_timeout_seconds=90)
    assert chosen.dask_scheduler == "tcp://127.0.0.1:8786"
    sessions = session_factory(engine, write=True)
    runner = create_runner(chosen, sessions, KINDS)
    assert isinstance(runner, DaskRunner) and runner.address == chosen.dask_scheduler and runner.timeout_seconds == 90
    runner.shutdown()  # never connected: nothing was handed over
    assert isinstance(create_runner(chosen.model_copy(update={"job_runner": "inline"}), sessions, KINDS), InlineRunner)
    monkeypatch.setenv("LOWCARBON_DASK_SCHEDULER", " ")
    assert Settings(data_dir=settings.data_dir).dask_scheduler is None


def test_jobs_on_dask_end_as_on_the_local_runner(engine: Engine, on_dask: Callable[..., DaskRunner]) -> None:
    """A job reaches done with the result the inline runner gives, its hook told; a failing job reaches failed
    with its error as the local runners word it."""
    runner = on_dask()
    good, bad = submit(runner, ("double", {"n": 21}), ("double", {"n": -1}))
    done, failed = ended(runner, good), ended(runner, bad)
    assert done.status == "done" and done.error is None and done.started_at is not None
    assert failed.status == "failed" and failed.error == "n: -1 is negative; give a number of at least 0"
    told = {job.id: job for job in FINISHED}
    assert told[good].result == {"n": 42} and told[bad].result is None
    inline = InlineRunner(session_factory(engine, write=True), KINDS)
    [local_good, local_bad] = submit(inline, ("double", {"n": 21}), ("double", {"n": -1}))
    assert {job.id: job for job in FINISHED}[local_good].result == told[good].result
    local_failed = inline.status(local_bad)
    assert local_failed is not None and local_failed.error == failed.error


def test_recover_runs_a_dead_process_job_again_on_dask(engine: Engine, on_dask: Callable[..., DaskRunner]) -> None:
    """A job left running by a process that is gone is run again from its payload, on the cluster."""
    dead = f"{socket.gethostname()}:{2**22 + 54321}:dead"  # above Linux's pid_max: no process has it
    with engine.begin() as connection:
        connection.execute(
            sa.insert(Job).values(
                kind="double", created_at=datetime.now(UTC), owner=dead, status="running", payload={"n": 4}, attempts=1
            )
        )
        job_id = connection.scalar(sa.select(sa.func.max(Job.id)))
    runner = on_dask()
    assert runner.recover() == []
    assert ended(runner, job_id).status == "done" and FINISHED[-1].result == {"n": 8}


def test_the_time_limit_counts_from_the_hand_over(on_dask: Callable[..., DaskRunner], tmp_path: Path) -> None:
    """A job still out after job_timeout_seconds fails at once, saying so; what it answers later is ignored."""
    runner = on_dask(timeout_seconds=1)
    began = tmp_path / "began"
    [job_id] = submit(runner, ("nap", {"seconds": 3, "began": str(began)}))
    started = time.monotonic()
    status = ended(runner, job_id)
    assert status.status == "failed" and time.monotonic() - started < 2.5
    assert status.error is not None and "did not finish within 1 s of its hand-over to the Dask cluster" in status.error
    wait_until(began.exists, "the nap beginning on its worker")
    time.sleep(3.2)  # the nap has answered by now
    later = runner.status(job_id)
    assert later is not None and later.status == "failed" and [job.id for job in FINISHED] == [job_id]


def test_shutdown_puts_unfinished_jobs_back_in_the_queue(
    on_dask: Callable[..., DaskRunner], engine: Engine, tmp_path: Path
) -> None:
    """A job running on the cluster when the service stops goes back to the queue, its attempt not counted."""
    runner = on_dask()
    attempts, go = tmp_path / "attempts", tmp_path / "go"
    [job_id] = submit(runner, ("wait_for_go", {"attempts": str(attempts), "go": str(go)}))
    wait_until(attempts.exists, "the job beginning on its worker")
    runner.shutdown()
    go.touch()  # lets the task on the worker end; its answer goes nowhere
    status = runner.status(job_id)
    assert status is not None and status.status == "queued" and FINISHED == []
    with engine.connect() as connection:
        assert connection.scalar(sa.select(Job.attempts).where(Job.id == job_id)) == 0
    with pytest.raises(RuntimeError, match="shut down"):
        runner._start(job_id, KINDS["double"].path, {"n": 1})


def test_a_scheduler_that_is_not_there_fails_the_job_saying_so(on_dask: Callable[..., DaskRunner]) -> None:
    runner = on_dask(address="tcp://127.0.0.1:9", connect_seconds=1)  # the discard port: nothing listens there
    [job_id] = submit(runner, ("double", {"n": 1}))
    status = ended(runner, job_id)
    assert status.status == "failed" and status.error is not None
    assert status.error.startswith("the Dask scheduler at tcp://127.0.0.1:9 cannot be reached within 1 s")
