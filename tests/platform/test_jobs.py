"""Background jobs: hand-over on commit only, state in the jobs table, failures kept, recovery after a crash, and
the local pool's time limit."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy import Engine

from lowcarbon.platform.database import session_factory
from lowcarbon.platform.jobs import (
    MAX_ATTEMPTS,
    InlineRunner,
    JobKind,
    JobRegistry,
    JobRunner,
    JobStatus,
    LocalProcessPoolRunner,
    _Handed,
    _Pool,
    create_runner,
    run_job,
)
from lowcarbon.platform.settings import Settings
from lowcarbon.platform.tables import AuditEntry, Job
from support.auth_support import audit_verifies
from support.job_support import double, nap, wait_for_go

FINISHED: list[JobStatus] = []
WAIT_SECONDS = 20.0  # the longest a test waits for a job; the time-limit tests end in a few seconds


def remember(session: object, job: JobStatus, audit: object) -> None:
    """A finish hook that remembers what it was told."""
    FINISHED.append(job)


KINDS = JobRegistry(
    [
        JobKind("double", double, on_finish=remember),
        JobKind("nap", nap, on_finish=remember),
        JobKind("wait_for_go", wait_for_go, on_finish=remember),
    ]
)


def wait_until(condition: Callable[[], bool], what: str) -> None:
    """Poll ``condition`` until it holds, for at most WAIT_SECONDS."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {WAIT_SECONDS} s")
        time.sleep(0.05)


def ended(runner: JobRunner, job_id: int) -> JobStatus:
    """Job ``job_id`` once it is done or failed."""
    wait_until(lambda: (status := runner.status(job_id)) is not None and status.status in ("done", "failed"), "end")
    status = runner.status(job_id)
    assert status is not None
    return status


def result_of(runner: JobRunner, job_id: int) -> dict[str, Any] | None:
    """The result job ``job_id`` ended with, as its kind's hook was told it (the hook keeps it, not the job)."""
    assert ended(runner, job_id).status == "done"
    return next(job.result for job in FINISHED if job.id == job_id)


def submit(runner: JobRunner, *jobs: tuple[str, dict[str, Any]]) -> list[int]:
    """Submit ``jobs`` (kind, payload) in one transaction; their ids."""
    with runner.sessions.begin() as session:
        return [runner.submit(session, kind, payload, organisation_id=None) for kind, payload in jobs]


def pool_runner(engine: Engine, *, workers: int, timeout_seconds: float) -> LocalProcessPoolRunner:
    """A local pool on ``engine`` running KINDS; FINISHED is emptied."""
    FINISHED.clear()
    sessions = session_factory(engine, write=True)
    return LocalProcessPoolRunner(
        sessions, KINDS, reads=session_factory(engine), workers=workers, timeout_seconds=timeout_seconds
    )


def watchdogs() -> list[threading.Thread]:
    """The job watchdog threads alive in this process."""
    return [thread for thread in threading.enumerate() if thread.name == "lowcarbon-jobs-watchdog"]


def test_inline_job_runs_when_the_transaction_commits(engine: Engine) -> None:
    """A job starts only on commit; it ends done with its result, the hook sees it, and the audit chain holds."""
    runner = InlineRunner(session_factory(engine, write=True), KINDS, reads=session_factory(engine))
    FINISHED.clear()
    with runner.sessions.begin() as session:
        job_id = runner.submit(session, "double", {"n": 21}, organisation_id=None)
        assert runner.status(job_id) is None  # not committed yet, so not visible, nor started
    status = runner.status(job_id)
    assert status is not None and status.status == "done" and status.error is None
    assert status.started_at is not None and status.finished_at is not None and status.kind == "double"
    assert [(job.id, job.result) for job in FINISHED] == [(job_id, {"n": 42})]  # the hook's to keep
    assert status.result is None  # the result is kept once: by the kind's hook, not on the job too


def test_a_rolled_back_job_never_runs(engine: Engine) -> None:
    """A job submitted in a transaction that rolls back leaves no row and is not run, even by a later commit."""
    runner = InlineRunner(session_factory(engine, write=True), KINDS)
    FINISHED.clear()
    with pytest.raises(RuntimeError), runner.sessions.begin() as session:
        runner.submit(session, "double", {"n": 1}, organisation_id=None)
        raise RuntimeError("the request failed")
    with runner.sessions() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Job)) == 0
    assert FINISHED == []


def test_a_failing_job_keeps_its_error(engine: Engine, migrated: Settings) -> None:
    """A job whose function raises ends failed with the error's message; a lowcarbon error's as it is."""
    runner = InlineRunner(session_factory(engine, write=True), KINDS)
    with runner.sessions.begin() as session:
        job_id = runner.submit(session, "double", {"n": -1}, organisation_id=None)
    status = runner.status(job_id)
    assert status is not None and status.status == "failed" and status.result is None
    assert status.error == "n: -1 is negative; give a number of at least 0"
    assert audit_verifies(migrated)


def test_unknown_kinds_and_unimportable_functions_are_refused(engine: Engine) -> None:
    """Submitting an unregistered kind, or registering a lambda or a kind twice, is an error at once."""
    runner = InlineRunner(session_factory(engine, write=True), KINDS)
    with runner.sessions() as session, pytest.raises(ValueError, match="no job kind 'triple'"):
        runner.submit(session, "triple", {}, organisation_id=None)
    with pytest.raises(ValueError, match="module-level function"):
        JobRegistry([JobKind("anon", lambda payload: payload)])
    with pytest.raises(ValueError, match="registered twice"):
        JobRegistry([JobKind("double", double), JobKind("double", double)])
    assert runner.status(12345) is None


def test_run_job_imports_the_function_by_name() -> None:
    """What a worker runs: the function at module:name on the payload, with the time it started."""
    outcome = run_job(KINDS["double"].path, {"n": 2})
    assert outcome["result"] == {"n": 4} and datetime.fromisoformat(outcome["started_at"]).tzinfo is not None


def test_settings_choose_the_runner(engine: Engine, settings: Settings) -> None:
    """job_runner picks the runner; local is the default, with job_workers processes."""
    sessions = session_factory(engine, write=True)
    local = create_runner(settings.model_copy(update={"job_timeout_seconds": 90}), sessions, KINDS)
    assert isinstance(local, LocalProcessPoolRunner) and local.workers == 2 and local.timeout_seconds == 90
    inline = create_runner(settings.model_copy(update={"job_runner": "inline"}), sessions, KINDS)
    assert isinstance(inline, InlineRunner)


def test_jobs_of_a_stopped_process_run_again_or_fail(engine: Engine) -> None:
    """At start-up, unfinished jobs whose owner process on this host is gone run again from their stored payload;
    those without one (stored before payloads were) or past their attempts become failed, saying why."""
    host, now = socket.gethostname(), datetime(2026, 11, 29, tzinfo=UTC)
    gone_pid = 2**22 + 12345  # above Linux's pid_max, so no process has it
    dead = f"{host}:{gone_pid}:dead"
    rows = [
        {"owner": dead, "status": "running"},
        {"owner": dead, "status": "queued"},
        {"owner": dead, "status": "done"},
        {"owner": f"{host}:{os.getppid()}:alive", "status": "running"},  # the test runner's parent is alive
        {"owner": f"elsewhere.example:{gone_pid}:x", "status": "running"},  # another host's to recover
        {"owner": dead, "status": "running", "payload": {"n": 5}, "attempts": 1},  # runs again
        {"owner": dead, "status": "queued", "payload": {"n": 6}},  # runs
        {"owner": dead, "status": "running", "payload": {"n": 7}, "attempts": MAX_ATTEMPTS},  # given up
    ]
    with engine.begin() as connection:
        for row in rows:
            connection.execute(sa.insert(Job).values(kind="double", created_at=now, **row))
    runner = InlineRunner(session_factory(engine, write=True), KINDS)
    FINISHED.clear()
    assert runner.recover() == [1, 2, 8]
    statuses = [runner.status(job_id) for job_id in range(1, 9)]
    assert [s.status for s in statuses if s] == [
        "failed",
        "failed",
        "done",
        "running",
        "running",
        "done",
        "done",
        "failed",
    ]
    first, last = statuses[0], statuses[7]
    assert first is not None and first.error is not None
    assert f"pid {gone_pid} on {host}" in first.error and "submit it again" in first.error
    assert last is not None and last.error is not None and f"after {MAX_ATTEMPTS} attempts" in last.error
    assert sorted((job.id, str(job.status), job.result) for job in FINISHED) == [
        (1, "failed", None),
        (2, "failed", None),
        (6, "done", {"n": 10}),
        (7, "done", {"n": 12}),
        (8, "failed", None),
    ]


def test_the_time_limit_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    """job_timeout_seconds is 600 unless LOWCARBON_JOB_TIMEOUT_SECONDS says otherwise; it must be above 0."""
    assert Settings().job_timeout_seconds == 600
    monkeypatch.setenv("LOWCARBON_JOB_TIMEOUT_SECONDS", "45")
    assert Settings().job_timeout_seconds == 45
    with pytest.raises(ValidationError, match="job_timeout_seconds"):
        Settings(job_timeout_seconds=0)


def test_a_job_over_the_time_limit_fails_and_the_pool_is_renewed(engine: Engine, migrated: Settings) -> None:
    """A job running past the limit fails with the limit's error (hook told, audited); the job queued behind it on the
    only worker, and a job submitted afterwards, run in a fresh pool; shutdown ends the watchdog."""
    runner = pool_runner(engine, workers=1, timeout_seconds=1)
    try:
        begun = time.monotonic()
        slow, behind = submit(runner, ("nap", {"seconds": 30}), ("double", {"n": 4}))
        failed = ended(runner, slow)
        assert time.monotonic() - begun < 10  # a spawned worker, 1 s of running, the watchdog's look: not 30 s
        assert failed.status == "failed" and failed.result is None and failed.error is not None
        assert failed.error.startswith("the job ran longer than 1 s, the limit job_timeout_seconds; ")
        assert failed.started_at is not None and failed.finished_at is not None
        assert (failed.finished_at - failed.started_at).total_seconds() >= 1  # started_at: when the worker began
        assert result_of(runner, behind) == {"n": 8}
        (after,) = submit(runner, ("double", {"n": 5}))
        assert result_of(runner, after) == {"n": 10}
        told = sorted((job.id, job.status, job.error) for job in FINISHED)  # hooks run in the pools' threads
        assert told == [(slow, "failed", failed.error), (behind, "done", None), (after, "done", None)]
    finally:
        runner.shutdown()
    assert watchdogs() == []
    with runner.sessions() as session:  # the jobs table is the runner's machinery: a domain's hook audits its records
        assert session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.entity == "job")) == 0
        assert session.scalar(sa.select(Job.attempts).where(Job.id == slow)) == 1
    assert audit_verifies(migrated)


def test_jobs_running_beside_a_timed_out_job_start_over(engine: Engine, tmp_path: Path) -> None:
    """A job running in another worker of the pool the watchdog stopped is handed to the fresh pool and runs again."""
    runner = pool_runner(engine, workers=2, timeout_seconds=2)
    began, attempts, go = tmp_path / "began", tmp_path / "attempts", tmp_path / "go"
    try:
        warm = submit(runner, ("double", {"n": 1}), ("double", {"n": 2}))  # both workers up: no spawning below
        assert [ended(runner, job_id).status for job_id in warm] == ["done", "done"]
        (slow,) = submit(runner, ("nap", {"seconds": 30, "began": str(began)}))
        wait_until(began.exists, "the slow job's start")
        time.sleep(0.5)  # so that the other job's time runs out clearly later than the slow one's
        (beside,) = submit(runner, ("wait_for_go", {"attempts": str(attempts), "go": str(go)}))
        wait_until(attempts.exists, "the other job's start")
        assert ended(runner, slow).status == "failed"
        status = runner.status(beside)
        assert status is not None and status.status == "running"
        go.touch()
        assert result_of(runner, beside) == {"attempts": 2}
    finally:
        runner.shutdown()


def test_a_timed_out_job_keeps_failed_whatever_it_answers_later(engine: Engine) -> None:
    """Once the watchdog marked a job as over the limit, its result (if it comes at all) is not recorded."""
    runner = pool_runner(engine, workers=1, timeout_seconds=1)
    with runner.sessions.begin() as session:
        job = Job(kind="double", status="running", owner=runner.owner, created_at=datetime.now(UTC))
        session.add(job)
        session.flush()
        job_id = job.id
    pool = _Pool(ProcessPoolExecutor(max_workers=1), get_context("spawn").SimpleQueue())
    pool.jobs[job_id] = _Handed("job_support:double", {"n": 1}, timed_out=True)
    late: Future[dict[str, Any]] = Future()
    late.set_result(run_job(KINDS["double"].path, {"n": 1}))
    runner._collect(pool, job_id, late)
    status = runner.status(job_id)
    assert status is not None and status.status == "running" and FINISHED == []  # the watchdog records the failure
    pool.executor.shutdown()


def test_jobs_a_stopping_service_did_not_start_wait_for_its_next_start(engine: Engine) -> None:
    """Shutting the local pool down lets the running job finish and puts the jobs still waiting for a worker back in
    the queue, their hand-over not counted; the next start takes them over and runs them from their stored payload."""
    runner = pool_runner(engine, workers=1, timeout_seconds=60)
    ids = submit(runner, ("nap", {"seconds": 1}), *[("double", {"n": n}) for n in range(5)])
    runner.shutdown()
    with runner.sessions() as session:
        rows = {job.id: job for job in session.scalars(sa.select(Job))}
    assert rows[ids[0]].status == "done"
    waiting = [job_id for job_id in ids[1:] if rows[job_id].status == "queued"]
    assert waiting, "the pool took every job before it was stopped"
    assert all(rows[job_id].attempts == 0 and rows[job_id].started_at is None for job_id in waiting)
    assert all(rows[job_id].status in ("queued", "done") for job_id in ids)
    again = InlineRunner(session_factory(engine, write=True), KINDS)  # the next start, in this process
    assert again.recover() == []
    assert [result_of(again, job_id) for job_id in waiting] == [{"n": 2 * (job_id - ids[1])} for job_id in waiting]


JOBS = 200  # enough that the two recoveries overlap
_RECOVER = """
import sys
from lowcarbon.platform.database import create_engine, session_factory
from lowcarbon.platform.jobs import InlineRunner, JobKind, JobRegistry
from lowcarbon.platform.settings import Settings
from support.job_support import wait_for_go

engine = create_engine(Settings(data_dir=sys.argv[1], database_url=sys.argv[2]))
runner = InlineRunner(session_factory(engine, write=True), JobRegistry([JobKind("wait_for_go", wait_for_go)]))
print("ready", flush=True)
sys.stdin.readline()  # both processes start recovering at once
runner.recover()
engine.dispose()
"""


def test_two_processes_recovering_at_once_run_each_job_once(engine: Engine, migrated: Settings, tmp_path: Path) -> None:
    """Two services starting together on one database both recover the jobs of a dead process: each job is claimed
    and run by one of them only (each run is a line in the job's file), and counts one attempt."""
    host, now, gone_pid = socket.gethostname(), datetime(2026, 12, 6, tzinfo=UTC), 2**22 + 12345
    (tmp_path / "go").touch()
    with engine.begin() as connection:
        for n in range(JOBS):
            payload = {"attempts": str(tmp_path / f"{n}.runs"), "go": str(tmp_path / "go")}
            row = {"owner": f"{host}:{gone_pid}:dead", "status": "queued", "payload": payload}
            connection.execute(sa.insert(Job).values(kind="wait_for_go", created_at=now, **row))
    environment = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    command = [sys.executable, "-c", _RECOVER, str(migrated.data_dir), migrated.database_url]
    pipes = {"stdin": subprocess.PIPE, "stdout": subprocess.PIPE, "env": environment, "text": True}
    processes = [subprocess.Popen(command, **pipes) for _ in range(2)]  # type: ignore[call-overload]
    for process in processes:
        assert process.stdout is not None and process.stdout.readline() == "ready\n"
    for process in processes:
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    assert [process.wait(timeout=120) for process in processes] == [0, 0]
    runs = [len((tmp_path / f"{n}.runs").read_text().splitlines()) for n in range(JOBS)]
    assert runs == [1] * JOBS
    with engine.connect() as connection:
        rows = connection.execute(sa.select(Job.status, Job.attempts).order_by(Job.id)).all()
    assert [tuple(row) for row in rows] == [("done", 1)] * JOBS
