"""Background jobs: hand-over on commit only, state in the jobs table, failures kept, recovery after a crash."""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from auth_support import audit_verifies
from sqlalchemy import Engine

from lowcarbon.errors import DataFormatError
from lowcarbon.platform.database import session_factory
from lowcarbon.platform.jobs import (
    InlineRunner,
    JobKind,
    JobRegistry,
    JobStatus,
    LocalProcessPoolRunner,
    create_runner,
    run_job,
)
from lowcarbon.platform.settings import Settings
from lowcarbon.platform.tables import Job

FINISHED: list[JobStatus] = []


def double(payload: dict[str, Any]) -> dict[str, Any]:
    """A job function: twice the payload's number."""
    if payload["n"] < 0:
        raise DataFormatError(f"n: {payload['n']} is negative; give a number of at least 0")
    return {"n": payload["n"] * 2}


def remember(session: object, job: JobStatus) -> None:
    """A finish hook that remembers what it was told."""
    FINISHED.append(job)


KINDS = JobRegistry([JobKind("double", double, on_finish=remember)])


def test_inline_job_runs_when_the_transaction_commits(engine: Engine) -> None:
    """A job starts only on commit; it ends done with its result, the hook sees it, and the audit chain holds."""
    runner = InlineRunner(session_factory(engine, write=True), KINDS, reads=session_factory(engine))
    FINISHED.clear()
    with runner.sessions.begin() as session:
        job_id = runner.submit(session, "double", {"n": 21}, organisation_id=None, actor="test")
        assert runner.status(job_id) is None  # not committed yet, so not visible, nor started
    status = runner.status(job_id)
    assert status is not None and status.status == "done" and status.result == {"n": 42} and status.error is None
    assert status.started_at is not None and status.finished_at is not None and status.kind == "double"
    assert [job.id for job in FINISHED] == [job_id]


def test_a_rolled_back_job_never_runs(engine: Engine) -> None:
    """A job submitted in a transaction that rolls back leaves no row and is not run, even by a later commit."""
    runner = InlineRunner(session_factory(engine, write=True), KINDS)
    FINISHED.clear()
    with pytest.raises(RuntimeError), runner.sessions.begin() as session:
        runner.submit(session, "double", {"n": 1}, organisation_id=None, actor="test")
        raise RuntimeError("the request failed")
    with runner.sessions() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Job)) == 0
    assert FINISHED == []


def test_a_failing_job_keeps_its_error(engine: Engine, migrated: Settings) -> None:
    """A job whose function raises ends failed with the error's message; a lowcarbon error's as it is."""
    runner = InlineRunner(session_factory(engine, write=True), KINDS)
    with runner.sessions.begin() as session:
        job_id = runner.submit(session, "double", {"n": -1}, organisation_id=None, actor="test")
    status = runner.status(job_id)
    assert status is not None and status.status == "failed" and status.result is None
    assert status.error == "n: -1 is negative; give a number of at least 0"
    assert audit_verifies(migrated)


def test_unknown_kinds_and_unimportable_functions_are_refused(engine: Engine) -> None:
    """Submitting an unregistered kind, or registering a lambda or a kind twice, is an error at once."""
    runner = InlineRunner(session_factory(engine, write=True), KINDS)
    with runner.sessions() as session, pytest.raises(ValueError, match="no job kind 'triple'"):
        runner.submit(session, "triple", {}, organisation_id=None, actor="test")
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
    local = create_runner(settings, sessions, KINDS)
    assert isinstance(local, LocalProcessPoolRunner) and local.workers == 2
    inline = create_runner(settings.model_copy(update={"job_runner": "inline"}), sessions, KINDS)
    assert isinstance(inline, InlineRunner)


def test_jobs_of_a_stopped_process_become_failed(engine: Engine) -> None:
    """At start-up, unfinished jobs whose owner process on this host is gone become failed, saying why."""
    host, now = socket.gethostname(), datetime(2026, 11, 29, tzinfo=UTC)
    gone_pid = 2**22 + 12345  # above Linux's pid_max, so no process has it
    rows = [
        {"owner": f"{host}:{gone_pid}:dead", "status": "running"},
        {"owner": f"{host}:{gone_pid}:dead", "status": "queued"},
        {"owner": f"{host}:{gone_pid}:dead", "status": "done"},
        {"owner": f"{host}:{os.getppid()}:alive", "status": "running"},  # the test runner's parent is alive
        {"owner": f"elsewhere.example:{gone_pid}:x", "status": "running"},  # another host's to recover
    ]
    with engine.begin() as connection:
        for row in rows:
            connection.execute(sa.insert(Job).values(kind="double", created_at=now, **row))
    runner = InlineRunner(session_factory(engine, write=True), KINDS)
    FINISHED.clear()
    assert runner.recover() == [1, 2]
    statuses = [runner.status(job_id) for job_id in range(1, 6)]
    assert [s.status for s in statuses if s] == ["failed", "failed", "done", "running", "running"]
    first = statuses[0]
    assert first is not None and first.error is not None
    assert f"pid {gone_pid} on {host}" in first.error and "submit it again" in first.error
    assert [job.id for job in FINISHED] == [1, 2]
