"""Background jobs on a Dask distributed cluster: the runner ``create_runner`` picks when ``dask_scheduler`` is set.

    runner = DaskRunner(write_sessions, kinds, reads=sessions, address="tcp://10.0.0.5:8786")

``DaskRunner`` is ``JobRunner`` with another ``_start``: everything else is the base class's, so the durability rules
are the local pool's. A job is claimed by one atomic update before it is handed over; its payload is stored with it,
and its kind's ``inputs`` hook reads what the function needs in this process, so the workers need neither the
database nor the web app, only lowcarbon (and the job's module) installed; ``done`` or ``failed`` is recorded, and
``on_finish`` called, in one transaction when the Dask future ends; ``recover`` at start-up runs again the jobs of a
service process that died (the scheduler drops a client's tasks when the client goes, so nothing runs twice on
purpose; a job function is a pure function of its payload, so a second run would be harmless anyway).

On the cluster a job is ``run_job(path, payload)`` with the web process's limits on files from outside put in force
first (``bounded.configure``: a worker process serves one runner's jobs, all with the same limits). The client
connects at the first hand-over (``lowcarbon.scale.connect``), so the service starts while the scheduler is away;
a hand-over that cannot reach it fails the job with ``DaskUnavailable``'s message, and the next one tries again.

What differs from the local pool, which has each worker report when it begins a job (``_keep_reports``): a Dask
worker reports nothing, so

- the time limit ``job_timeout_seconds`` counts from the hand-over to the scheduler, waiting for a free worker
  included, not from when a worker begins; a job over it is recorded ``failed`` and its Dask task cancelled. A task
  that is already running cannot be stopped (Dask does not kill a worker's thread); it finishes there, and whatever
  it answers is ignored, as the local pool ignores a timed-out job's late answer;
- ``started_at`` is corrected to the moment the job began from the answer of a job that ends; a failed job keeps
  its hand-over time;
- ``shutdown`` does not wait for running jobs: it cancels every unfinished one and puts it back in the queue, still
  ours, for the next start (``recover``) to run again; the cluster outlives the service, but an answer arriving
  after it has nowhere to go.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from secrets import token_hex
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from lowcarbon.bounded import Limits
from lowcarbon.bounded import active as active_limits
from lowcarbon.bounded import configure as configure_limits
from lowcarbon.platform.jobs import JobRegistry, JobRunner, _TimeLimitExceeded, run_job
from lowcarbon.scale import CONNECT_SECONDS, connect

__all__ = ["DaskRunner"]

log = logging.getLogger(__name__)


def run_within(limits: Limits, path: str, payload: dict[str, Any]) -> dict[str, Any]:
    """What a Dask worker executes: ``run_job`` with the web process's limits on files from outside in force."""
    configure_limits(limits)
    return run_job(path, payload)


@dataclass(frozen=True)
class _Sent:
    """A job handed to the cluster: its Dask future, and the timer of its time limit."""

    future: Any  # distributed.Future
    timer: threading.Timer


class DaskRunner(JobRunner):
    """Runs jobs on the Dask scheduler at ``address``; a job not finished ``timeout_seconds`` after its hand-over
    fails (see the module's docstring for what differs from the local pool)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        kinds: JobRegistry,
        *,
        address: str,
        reads: sessionmaker[Session] | None = None,
        timeout_seconds: float = 600,
        limits: Limits | None = None,
        connect_seconds: float = CONNECT_SECONDS,
    ) -> None:
        super().__init__(sessions, kinds, reads=reads)
        self.address = address
        self.timeout_seconds = timeout_seconds
        self.connect_seconds = connect_seconds
        self.limits = limits or active_limits()
        self._client: Any = None  # distributed.Client, from the first hand-over on
        self._jobs: dict[int, _Sent] = {}
        self._lock = threading.Lock()  # guards _client, _jobs and _closed
        self._closed = False

    def _start(self, job_id: int, path: str, payload: dict[str, Any]) -> None:
        with self._lock:
            if self._closed:
                raise RuntimeError("the job runner has shut down")
            if self._client is None or self._client.status in ("closing", "closed"):  # first, or gave up on it
                self._client = connect(self.address, timeout=self.connect_seconds)  # DaskUnavailable fails the job
            future = self._client.submit(
                run_within, self.limits, path, payload, key=f"lowcarbon-job-{job_id}-{token_hex(4)}", pure=False
            )
            timer = threading.Timer(self.timeout_seconds, self._expire, (job_id,))
            timer.name, timer.daemon = f"lowcarbon-job-{job_id}-time-limit", True
            self._jobs[job_id] = _Sent(future, timer)
        timer.start()
        future.add_done_callback(lambda done: self._collect(job_id, done))  # on Dask's callback thread

    def _collect(self, job_id: int, future: Any) -> None:
        with self._lock:
            sent = self._jobs.pop(job_id, None)
        if sent is None:
            return  # failed for its time limit, or handed back by shutdown: what it answers is ignored
        sent.timer.cancel()
        if future.status == "finished":
            self._finished(job_id, future.result(), None)
        elif future.status == "error":
            self._finished(job_id, None, future.exception())
        else:  # cancelled or lost on the cluster, by someone else
            error = f"the job was {future.status} on the Dask cluster at {self.address} before it finished"
            self._finished(job_id, None, RuntimeError(f"{error}; submit it again"))

    def _expire(self, job_id: int) -> None:
        """The time-limit timer of a job still out: cancel its task and record it as failed."""
        with self._lock:
            sent = self._jobs.pop(job_id, None)
        if sent is None:
            return
        sent.future.cancel()
        error = (
            f"the job did not finish within {self.timeout_seconds:g} s of its hand-over to the Dask cluster, the "
            "limit job_timeout_seconds; it was cancelled there. Make the job smaller, or ask for a higher limit, "
            "and submit it again"
        )
        log.warning("job %s: %s", job_id, error)
        self._finished(job_id, None, _TimeLimitExceeded(error))

    def shutdown(self) -> None:
        """Refuse new jobs, cancel the unfinished ones and put them back in the queue, and close the client."""
        with self._lock:
            self._closed = True
            unfinished, self._jobs = self._jobs, {}
            client, self._client = self._client, None
        for job_id, sent in unfinished.items():
            sent.timer.cancel()
            sent.future.cancel()
            self._requeue(job_id)
        if client is not None:
            client.close()
