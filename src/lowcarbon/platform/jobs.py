"""Background jobs: work that runs outside the request, by registered function name, on plain JSON, tracked in ``jobs``.

    kinds = JobRegistry([JobKind("compute_study", compute_study, on_finish=store_result, inputs=study_inputs)])
    runner = create_runner(settings, write_sessions, kinds, reads=sessions)   # LocalProcessPoolRunner or Inline
    job_id = runner.queue(session).submit("compute_study", {"study_id": 7}, organisation_id=1)
    runner.status(job_id)                                         # JobStatus: queued, running, done or failed

A job's function is a module-level function taking and returning plain JSON (a dict); workers import it by module and
name, so a worker needs neither the database nor the web app, and a distributed runner is one more subclass
overriding ``_start`` (``platform.dask_jobs.DaskRunner``, on a Dask cluster). ``submit`` writes the job's row with
its payload in the caller's transaction and hands the job to the runner only when that transaction commits: a
rolled-back request leaves no job behind, and a worker never looks for rows that are not there yet.

Jobs are durable: the payload is stored with the job, by reference to what it computes (``{"study_id": 7}``), and the
kind's ``inputs`` hook turns it into the function's input (the study's model and files, read from the database) when
the job is handed to a worker. A job that a stopping service did not start is put back in the queue, and a job left
queued or running by a process that died is run again from its payload, when the service starts again on the same
host (``recover``). Taking over the jobs of a host that never comes back needs a heartbeat, which is not built yet.
Claiming a job is one atomic update (queued and still ours -> running), and ``recover`` skips rows another runner
has locked, so two runners never both start a job.

When the job ends, the runner records ``done`` or ``failed`` with the error and calls the kind's ``on_finish`` hook
in the same transaction, so a domain's own record (a study) and the job always agree. The result is stored once: by
the hook on the domain's record, or on the job when its kind has no hook. The jobs table is the runner's machinery
and is not audited: a domain audits its own records (one entry when it queues the work, one when the hook stores the
outcome).

States (``lowcarbon.ports.JobState``): ``queued`` (committed, not yet handed over), ``running`` (handed to the
runner; in the local pool it may wait for a free worker; ``started_at`` is corrected to the moment a worker began
when the job ends), ``done``, ``failed``. Each job names its ``owner``, the process that dispatches it
(``host:pid:token``). ``recover`` (run when the app starts) takes over the queued and running jobs of owners on this
host whose process is gone (or whose pid is this very process, under another runner) and runs them again, up to
``MAX_ATTEMPTS`` hand-overs in all; a job without a stored payload (from before payloads were stored) or past its
attempts is failed with an error saying so. Owners on other hosts are left to their own host.

Time limit (local pool only): a job may run ``job_timeout_seconds``, counted from when a worker begins it (each worker
reports the job and its pid as it begins; a watchdog thread notes the moment and watches the clock). A job over the
limit is recorded ``failed`` at once ("the job ran longer than N s, ..."; its hook runs and the change is audited),
its worker is killed, and the pool, which a killed worker breaks, is replaced by a fresh one on the next hand-over.
Its other jobs, those waiting in the pool's queue and those running in its other workers, are handed to the fresh
pool and start over (job functions are pure functions of their payload, so running one again is safe); whatever the
timed-out job answers later is ignored. A pool that breaks for another reason (a worker killed or out of memory)
still fails all its jobs, as no one knows which job broke it. The inline runner applies no limit: it runs the job in
the request's own thread, which nothing can stop, and it serves tests and debugging.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing import get_context
from multiprocessing.queues import SimpleQueue
from secrets import token_hex
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import CursorResult, event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from lowcarbon.bounded import Limits
from lowcarbon.bounded import active as active_limits
from lowcarbon.bounded import configure as configure_limits
from lowcarbon.errors import LowcarbonError
from lowcarbon.platform.audit import AuditTrail
from lowcarbon.platform.settings import Settings
from lowcarbon.platform.tables import Job
from lowcarbon.ports import AuditLog, JobState, JobStatus

__all__ = [
    "ACTOR",
    "MAX_ATTEMPTS",
    "FinishHook",
    "InlineRunner",
    "InputsHook",
    "JobFunction",
    "JobKind",
    "JobRegistry",
    "JobRunner",
    "JobState",
    "JobStatus",
    "LocalProcessPoolRunner",
    "create_runner",
    "describe_failure",
    "recover_quietly",
    "run_job",
]

log = logging.getLogger(__name__)

ACTOR = "jobs"  # who acts in the audit entries that job hooks write
MAX_ATTEMPTS = 3  # hand-overs of one job to a worker, restarts included: a job that kills its worker stops somewhere
JobFunction = Callable[[dict[str, Any]], dict[str, Any]]
_UNFINISHED = (JobState.QUEUED, JobState.RUNNING)
_WATCH_SECONDS = 0.1  # how often the watchdog reads the workers' reports and the clock while jobs are in the pool


FinishHook = Callable[[Session, JobStatus, AuditLog], None]  # with the audit trail of the runner's transaction
InputsHook = Callable[[Session, dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class JobKind:
    """A kind of job: its name, its module-level function, what to do in the database when a job of it ends
    (``on_finish``), and how its stored payload becomes the function's input when it starts (``inputs``; by default
    the payload is the input)."""

    name: str
    function: JobFunction
    on_finish: FinishHook | None = None
    inputs: InputsHook | None = None

    @property
    def path(self) -> str:
        """``module:function``, by which a worker imports the function."""
        return f"{self.function.__module__}:{self.function.__qualname__}"


class JobRegistry(Mapping[str, JobKind]):
    """The kinds of job an app runs, by name; the app factory collects them from the domains."""

    def __init__(self, kinds: Iterable[JobKind] = ()) -> None:
        self._kinds: dict[str, JobKind] = {}
        for kind in kinds:
            if kind.name in self._kinds:
                raise ValueError(f"job kind {kind.name!r} is registered twice")
            if "." in kind.function.__qualname__ or kind.function.__name__ == "<lambda>":
                raise ValueError(f"job kind {kind.name!r}: give a module-level function, which workers can import")
            self._kinds[kind.name] = kind

    def __getitem__(self, name: str) -> JobKind:
        return self._kinds[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._kinds)

    def __len__(self) -> int:
        return len(self._kinds)


def run_job(path: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Run the function at ``path`` (``module:function``) on ``payload``; what a worker executes.

    Answers ``{"started_at": ISO time, "result": ...}``; the result must be plain JSON (no NaN).
    """
    started_at = datetime.now(UTC).isoformat()
    module, _, name = path.partition(":")
    function = getattr(importlib.import_module(module), name)
    result = function(payload)
    if not isinstance(result, dict):
        raise TypeError(f"job function {path} returned {type(result).__name__}, not a dict")
    return {"started_at": started_at, "result": json.loads(json.dumps(result, allow_nan=False))}


_reports: SimpleQueue[tuple[int, int, str]] | None = None  # in a pool's worker: where it says which job it begins


def _keep_reports(reports: SimpleQueue[tuple[int, int, str]], limits: Limits) -> None:
    """A pool worker's initializer: keep the queue on which it reports the jobs it begins, and read files within the
    web process's limits."""
    global _reports
    _reports = reports
    configure_limits(limits)


def _run_reported(job_id: int, path: str, payload: dict[str, Any]) -> dict[str, Any]:
    """What a pool's worker executes: report (job id, pid, time) to the watchdog, then ``run_job``.

    SimpleQueue writes at once, in this thread: a job that never lets go of the interpreter cannot hold it back.
    """
    if _reports is not None:
        _reports.put((job_id, os.getpid(), datetime.now(UTC).isoformat()))
    return run_job(path, payload)


def _status(job: Job, result: dict[str, Any] | None = None) -> JobStatus:
    """Where ``job`` stands; ``result``: its outcome when the row does not keep it (a kind with a hook)."""
    return JobStatus(
        id=job.id,
        kind=job.kind,
        organisation_id=job.organisation_id,
        status=JobState(job.status),
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        result=job.result if result is None else result,
        error=job.error,
    )


@dataclass(frozen=True)
class _Queue:
    """The ``lowcarbon.ports.JobQueue`` of one transaction: what a domain's service is handed."""

    runner: JobRunner
    session: Session

    def submit(self, kind: str, payload: Mapping[str, Any], *, organisation_id: int | None) -> int:
        return self.runner.submit(self.session, kind, dict(payload), organisation_id=organisation_id)

    def states(self, job_ids: Iterable[int]) -> dict[int, JobState]:
        wanted = list(dict.fromkeys(job_ids))
        if not wanted:
            return {}
        rows = self.session.execute(sa.select(Job.id, Job.status).where(Job.id.in_(wanted)))
        return {job_id: JobState(status) for job_id, status in rows}


class _TimeLimitExceeded(LowcarbonError, TimeoutError):
    """A job ran longer than ``job_timeout_seconds`` in a worker, which was stopped."""

    code = "job_timeout"


def describe_failure(exc: BaseException) -> str:
    """The error a failed job keeps: lowcarbon's own messages as they are, anything else with its type."""
    if isinstance(exc, LowcarbonError):
        return str(exc)
    if isinstance(exc, BrokenProcessPool):
        return "the worker process stopped unexpectedly (killed, or out of memory); submit the job again"
    return f"the job failed unexpectedly ({type(exc).__name__}: {exc})"


class JobRunner:
    """Runs jobs of ``kinds`` and keeps their state in the ``jobs`` table; subclasses say where (``_start``)."""

    def __init__(
        self, sessions: sessionmaker[Session], kinds: JobRegistry, *, reads: sessionmaker[Session] | None = None
    ) -> None:
        self.sessions = sessions  # write sessions: the runner's own short transactions
        self.reads = reads or sessions  # for status(); on SQLite a write session would wait for the write lock
        self.kinds = kinds
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{token_hex(4)}"
        self._pending_key = f"lowcarbon_jobs_{id(self)}"

    # -- the interface -------------------------------------------------------------------------------------------

    def queue(self, session: Session) -> _Queue:
        """The job queue of ``session``'s transaction (``lowcarbon.ports.JobQueue``), for a domain's service."""
        return _Queue(self, session)

    def submit(self, session: Session, kind: str, payload: dict[str, Any], *, organisation_id: int | None) -> int:
        """Store a job of ``kind`` on ``payload`` in ``session``'s transaction; it starts when that commits."""
        if kind not in self.kinds:
            raise ValueError(f"no job kind {kind!r}; registered: {', '.join(self.kinds) or 'none'}")
        plain = json.loads(json.dumps(payload, allow_nan=False))
        job = Job(
            kind=kind,
            organisation_id=organisation_id,
            status=JobState.QUEUED,
            owner=self.owner,
            created_at=_now(),
            payload=plain,
            attempts=0,
        )
        session.add(job)
        session.flush()
        self._pending(session).append(job.id)
        return job.id

    def status(self, job_id: int) -> JobStatus | None:
        """Where job ``job_id`` stands; None when there is no such job."""
        with self.reads() as session:
            job = session.get(Job, job_id)
            return _status(job) if job is not None else None

    def recover(self) -> list[int]:
        """Take over the unfinished jobs whose owner process on this host is gone: run them again from their stored
        payload (they start when this returns), or fail those that cannot be (no payload, or ``MAX_ATTEMPTS``
        hand-overs already). Answers the ids of the failed ones. Run at start-up."""
        host = socket.gethostname()
        failed: list[int] = []
        with self.sessions.begin() as session:
            # rows another runner is taking over right now are skipped (PostgreSQL; SQLite has one writer anyway)
            unfinished = sa.select(Job).where(Job.status.in_(_UNFINISHED)).order_by(Job.id)
            jobs = session.scalars(unfinished.with_for_update(skip_locked=True))
            for job in list(jobs):
                owner_host, _, rest = job.owner.partition(":")
                pid_text, _, _ = rest.partition(":")
                if owner_host != host or job.owner == self.owner or not _gone(pid_text):
                    continue
                stopped = f"the process that ran this job (pid {pid_text} on {owner_host}) stopped before it finished"
                if job.payload is None or job.kind not in self.kinds:
                    error = f"{stopped}; submit it again"
                elif job.attempts >= MAX_ATTEMPTS:
                    error = f"{stopped}, after {job.attempts} attempts; it is not run again"
                else:
                    log.warning("job %s: %s; running it again", job.id, stopped)
                    job.status, job.owner, job.started_at = JobState.QUEUED, self.owner, None
                    self._pending(session).append(job.id)
                    continue
                self._close(session, job, status=JobState.FAILED, result=None, error=error, started_at=None)
                failed.append(job.id)
        return failed

    def shutdown(self) -> None:
        """Stop taking jobs; wait for those running (the local pool); put those not started back in the queue."""

    # -- what subclasses provide ---------------------------------------------------------------------------------

    def _start(self, job_id: int, path: str, payload: dict[str, Any]) -> None:
        """Run the job somewhere and call ``_finished`` when it ends."""
        raise NotImplementedError

    # -- the machinery -------------------------------------------------------------------------------------------

    def _pending(self, session: Session) -> list[int]:
        """The jobs ``session`` will hand over on commit; the first call hooks the commit and rollback."""
        pending: list[int] | None = session.info.get(self._pending_key)
        if pending is None:
            pending = session.info[self._pending_key] = []

            def dispatch(_: Session) -> None:
                jobs = list(pending)
                pending.clear()
                for job_id in jobs:
                    self._dispatch(job_id)

            event.listen(session, "after_commit", dispatch)
            event.listen(session, "after_rollback", lambda _: pending.clear())
        return pending

    def _dispatch(self, job_id: int) -> None:
        """Claim the job (queued and still ours: one atomic update, so no two runners both start it), then hand its
        input (its kind's ``inputs`` of its stored payload) to a worker."""
        try:
            with self.sessions.begin() as session:
                claimed = session.execute(
                    sa.update(Job)
                    .where(Job.id == job_id, Job.status == JobState.QUEUED, Job.owner == self.owner)
                    .values(status=JobState.RUNNING, started_at=_now(), attempts=Job.attempts + 1)
                    .execution_options(synchronize_session=False)
                )
                if cast(CursorResult[Any], claimed).rowcount != 1:
                    return  # gone, or taken over by another runner meanwhile
                job = session.get_one(Job, job_id)
                kind = self.kinds[job.kind]
                payload = dict(job.payload or {})
                inputs = kind.inputs(session, payload) if kind.inputs is not None else payload
        except Exception as exc:  # a dispatch must never break the request that committed the job
            log.exception("job %s could not be started", job_id)
            self._finished(job_id, None, exc)
            return
        self._hand_over(job_id, kind.path, inputs)

    def _requeue(self, job_id: int) -> None:
        """Put a job that the stopping service will not run back in the queue, still ours: ``recover`` takes it over
        at the next start (this hand-over not counted), on this machine or wherever the service starts again."""
        try:
            with self.sessions.begin() as session:
                session.execute(
                    sa.update(Job)
                    .where(Job.id == job_id, Job.status == JobState.RUNNING, Job.owner == self.owner)
                    .values(
                        status=JobState.QUEUED,
                        started_at=None,
                        attempts=sa.case((Job.attempts > 0, Job.attempts - 1), else_=0),
                    )
                    .execution_options(synchronize_session=False)
                )
        except Exception:
            log.exception("job %s: putting it back in the queue failed", job_id)

    def _hand_over(self, job_id: int, path: str, payload: dict[str, Any]) -> None:
        """``_start`` the job; if that fails, the job fails (never the caller: a request, or a pool's thread)."""
        try:
            self._start(job_id, path, payload)
        except Exception as exc:
            log.exception("job %s could not be started", job_id)
            self._finished(job_id, None, exc)

    def _finished(
        self,
        job_id: int,
        outcome: dict[str, Any] | None,
        failure: BaseException | None,
        *,
        began: datetime | None = None,
    ) -> None:
        """Record how job ``job_id`` ended: ``outcome`` from ``run_job``, or ``failure``.

        ``began``: when a worker began the failed job, if known; it becomes the job's ``started_at``.
        """
        started_at = datetime.fromisoformat(outcome["started_at"]) if outcome is not None else began
        try:
            with self.sessions.begin() as session:
                job = session.get(Job, job_id)
                if job is None or job.status not in _UNFINISHED:
                    return  # recovered as failed meanwhile
                if outcome is not None:
                    result = outcome["result"]
                    self._close(session, job, status=JobState.DONE, result=result, error=None, started_at=started_at)
                else:
                    error = describe_failure(failure or RuntimeError("no outcome"))
                    self._close(session, job, status=JobState.FAILED, result=None, error=error, started_at=started_at)
            return
        except Exception as exc:  # the hook or the database failed: record the job as failed if we still can
            log.exception("job %s: recording its end failed", job_id)
            if outcome is None:
                return
            failure = exc
        try:
            with self.sessions.begin() as session:
                job = session.get(Job, job_id)
                if job is not None and job.status in _UNFINISHED:
                    error = f"the job ran, but storing its result failed ({type(failure).__name__}: {failure})"
                    self._close(session, job, status=JobState.FAILED, result=None, error=error, started_at=started_at)
        except Exception:
            log.exception("job %s: recording its failure failed too", job_id)

    def _close(
        self,
        session: Session,
        job: Job,
        *,
        status: JobState,
        result: dict[str, Any] | None,
        error: str | None,
        started_at: datetime | None,
    ) -> None:
        hook = self.kinds[job.kind].on_finish if job.kind in self.kinds else None
        job.status, job.error, job.finished_at = status, error, _now()
        job.result = result if hook is None else None  # with a hook, the domain's record keeps the result
        if started_at is not None:
            job.started_at = started_at
        session.flush()
        if hook is not None:
            hook(session, _status(job, result), AuditTrail(session, ACTOR))


class InlineRunner(JobRunner):
    """Runs each job in the submitting process as soon as its transaction commits, before the response: for tests."""

    def _start(self, job_id: int, path: str, payload: dict[str, Any]) -> None:
        try:
            outcome = run_job(path, payload)
        except Exception as exc:
            self._finished(job_id, None, exc)
        else:
            self._finished(job_id, outcome, None)


@dataclass
class _Handed:
    """A job handed to a pool: what it takes to hand it over again, and when and in which worker it began."""

    path: str
    payload: dict[str, Any]
    began: float | None = None  # time.monotonic() when the watchdog read the worker's report
    began_at: datetime | None = None  # the worker's own clock then, for the job's started_at
    pid: int | None = None
    timed_out: bool = False


@dataclass(eq=False)
class _Pool:
    """One ProcessPoolExecutor, the queue its workers report on, and the jobs handed to it and not yet collected."""

    executor: ProcessPoolExecutor
    reports: SimpleQueue[tuple[int, int, str]]
    jobs: dict[int, _Handed] = field(default_factory=dict)
    killed: bool = False  # by the watchdog, for a job over the limit: the pool's other jobs go to the next pool


class LocalProcessPoolRunner(JobRunner):
    """Runs jobs in a small pool of worker processes on this machine (spawned, so they share nothing with the web
    process's threads); the pool starts with the first job. A job running longer than ``timeout_seconds`` is failed
    and its worker killed, by a watchdog thread (see the module's docstring)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        kinds: JobRegistry,
        *,
        reads: sessionmaker[Session] | None = None,
        workers: int = 2,
        timeout_seconds: float = 600,
        limits: Limits | None = None,
    ) -> None:
        super().__init__(sessions, kinds, reads=reads)
        self.workers = workers
        self.timeout_seconds = timeout_seconds
        self.limits = limits or active_limits()  # the bounded reader's, put in force in each worker
        self._pool: _Pool | None = None
        self._lock = threading.Lock()  # guards _pool, each pool's jobs, _closed and _watchdog
        self._closed = False
        self._watchdog: threading.Thread | None = None
        self._wake = threading.Event()  # a job was handed over, or shutdown() ends the watchdog

    def _fresh_pool(self) -> _Pool:
        """Replace the current pool (the caller holds the lock); an old one winds down, failing what it still held."""
        if self._pool is not None:
            self._pool.executor.shutdown(wait=False, cancel_futures=True)
        context = get_context("spawn")
        reports: SimpleQueue[tuple[int, int, str]] = context.SimpleQueue()
        executor = ProcessPoolExecutor(
            max_workers=self.workers, mp_context=context, initializer=_keep_reports, initargs=(reports, self.limits)
        )
        self._pool = _Pool(executor, reports)
        return self._pool

    def _start(self, job_id: int, path: str, payload: dict[str, Any]) -> None:
        with self._lock:
            if self._closed:
                raise RuntimeError("the job runner has shut down")
            pool = self._pool or self._fresh_pool()
            try:
                future = pool.executor.submit(_run_reported, job_id, path, payload)
            except BrokenProcessPool:  # a worker died earlier and took the pool with it: start a new one
                pool = self._fresh_pool()
                future = pool.executor.submit(_run_reported, job_id, path, payload)
            pool.jobs[job_id] = _Handed(path, payload)
            if self._watchdog is None:
                self._watchdog = threading.Thread(target=self._watch, name="lowcarbon-jobs-watchdog", daemon=True)
                self._watchdog.start()
        self._wake.set()
        future.add_done_callback(lambda done: self._collect(pool, job_id, done))

    def _collect(self, pool: _Pool, job_id: int, future: Future[dict[str, Any]]) -> None:
        lost = future.cancelled() or isinstance(future.exception(), BrokenProcessPool)
        with self._lock:
            handed = pool.jobs.pop(job_id, None)
            closed = self._closed
        if handed is not None and handed.timed_out:
            return  # recorded as failed when its time ran out; nothing it answered since may change that
        if handed is not None and pool.killed and lost:  # stopped for another job's time limit: run it again
            if closed:
                self._requeue(job_id)
            else:
                log.warning("job %s: its pool was stopped for another job's time limit; starting it again", job_id)
                self._hand_over(job_id, handed.path, handed.payload)
            return
        if future.cancelled() and closed:  # the service stops: the job waits in the database for the next start
            self._requeue(job_id)
            return
        if future.cancelled():
            self._finished(job_id, None, RuntimeError("the job was cancelled before it started; submit it again"))
            return
        failure = future.exception()
        self._finished(job_id, future.result() if failure is None else None, failure)

    def _watch(self) -> None:
        """The watchdog thread: note when workers begin jobs, and stop the jobs over the limit, until shutdown()."""
        while True:
            with self._lock:
                if self._closed and self._pool is None:
                    return
                pool = self._pool
                late = self._late(pool) if pool is not None else []
                if pool is not None and late:
                    pool.killed, self._pool = True, None  # the next hand-over starts a fresh pool
            if pool is not None and late:
                self._stop(pool, late)
            busy = pool is not None and bool(pool.jobs)
            self._wake.wait(_WATCH_SECONDS if busy else None)
            self._wake.clear()

    def _late(self, pool: _Pool) -> list[tuple[int, _Handed]]:
        """Read the pool's reports of begun jobs; mark and answer those running longer than the limit (lock held)."""
        now = time.monotonic()
        while not pool.reports.empty():
            job_id, pid, began_at = pool.reports.get()
            handed = pool.jobs.get(job_id)
            if handed is not None and handed.began is None:
                handed.began, handed.began_at, handed.pid = now, datetime.fromisoformat(began_at), pid
        late = [
            (job_id, handed)
            for job_id, handed in pool.jobs.items()
            if handed.began is not None and now - handed.began > self.timeout_seconds
        ]
        for _, handed in late:
            handed.timed_out = True
        return late

    def _stop(self, pool: _Pool, late: list[tuple[int, _Handed]]) -> None:
        """Kill the workers of the ``late`` jobs, which breaks ``pool`` (its other jobs come back to ``_collect``
        as lost), and record the late jobs as failed."""
        for _, handed in late:
            if handed.pid is not None:
                with suppress(ProcessLookupError):  # it ended on its own meanwhile; the pool is broken all the same
                    os.kill(handed.pid, signal.SIGKILL)
        pool.executor.shutdown(wait=False, cancel_futures=True)  # in case no kill landed: wind it down anyway
        for job_id, handed in late:
            error = (
                f"the job ran longer than {self.timeout_seconds:g} s, the limit job_timeout_seconds; its worker was "
                "stopped. Make the job smaller, or ask for a higher limit, and submit it again"
            )
            log.warning("job %s: %s", job_id, error)
            self._finished(job_id, None, _TimeLimitExceeded(error), began=handed.began_at)

    def shutdown(self) -> None:
        """Refuse new jobs, cancel those waiting for a worker (back to the queue, for the next start), and wait for
        those running; the watchdog still stops those over the limit meanwhile, then ends."""
        with self._lock:
            self._closed = True
            pool = self._pool
        if pool is not None:
            pool.executor.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            self._pool = None
            watchdog = self._watchdog
        self._wake.set()
        if watchdog is not None:
            watchdog.join()


def create_runner(
    settings: Settings,
    sessions: sessionmaker[Session],
    kinds: JobRegistry,
    *,
    reads: sessionmaker[Session] | None = None,
) -> JobRunner:
    """The runner the settings choose: ``inline`` when ``job_runner`` says so; else the Dask cluster at
    ``dask_scheduler`` when it is set (``platform.dask_jobs``), else a local process pool."""
    if settings.job_runner == "inline":
        return InlineRunner(sessions, kinds, reads=reads)
    if settings.dask_scheduler is not None:
        from lowcarbon.platform.dask_jobs import DaskRunner  # it builds on this module

        return DaskRunner(
            sessions,
            kinds,
            reads=reads,
            address=settings.dask_scheduler,
            timeout_seconds=settings.job_timeout_seconds,
            limits=settings.limits(),
        )
    return LocalProcessPoolRunner(
        sessions,
        kinds,
        reads=reads,
        workers=settings.job_workers,
        timeout_seconds=settings.job_timeout_seconds,
        limits=settings.limits(),
    )


def recover_quietly(runner: JobRunner) -> None:
    """``runner.recover()``, logging rather than raising when the database is unreachable or not migrated yet."""
    try:
        failed = runner.recover()
    except SQLAlchemyError as exc:
        log.warning("could not check for interrupted jobs: %s", exc)
        return
    if failed:
        log.warning("jobs %s were interrupted by a stopped process and are marked failed", failed)


def _gone(pid_text: str) -> bool:
    """Whether no process with this pid runs on this host (or it is this very process, i.e. a runner before us)."""
    if not pid_text.isdigit():
        return True
    pid = int(pid_text)
    if pid == os.getpid():
        return True  # the owner string differs from ours, so an earlier runner of this process owned it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # it exists, under another user
    return False


def _now() -> datetime:
    return datetime.now(UTC)
