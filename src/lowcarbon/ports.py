"""The ports: what a domain's service needs from the kernel, as small protocols that its routes pass in.

A service never imports the platform: it is handed an ``AuditLog`` (records a change of its own records in the
caller's transaction, as the caller's actor), a ``JobQueue`` (queues work that starts when that transaction commits,
and tells where queued work stands) and a ``Clock``. The platform implements them (``platform.audit.AuditTrail``,
``JobRunner.queue``), and ``platform.dependencies.ports_for`` binds them to a request; a test may hand in fakes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

__all__ = ["AuditLog", "Clock", "JobQueue", "JobState", "JobStatus", "Ports"]

Clock = Callable[[], datetime]  # the time now, aware (UTC)


class JobState(StrEnum):
    """Where a job stands: queued (stored, waiting for a worker), running, done or failed."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def finished(self) -> bool:
        return self in (JobState.DONE, JobState.FAILED)


@dataclass(frozen=True)
class JobStatus:
    """Where a job stands; ``result`` when done, ``error`` when failed. What a job kind's hook is handed."""

    id: int
    kind: str
    organisation_id: int | None
    status: JobState
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    result: dict[str, Any] | None
    error: str | None


class AuditLog(Protocol):
    """The audit trail, bound to a transaction and to who acts in it."""

    @property
    def actor(self) -> str:
        """Who acts: ``user:3``, ``client:abc``, ``jobs``, ``demo``."""
        ...

    def record(
        self,
        action: str,
        entity: str,
        entity_id: int | str,
        before: Mapping[str, Any] | None,
        after: Mapping[str, Any] | None,
    ) -> None:
        """Add an entry for a change of ``entity`` ``entity_id`` from ``before`` to ``after``."""
        ...


class JobQueue(Protocol):
    """Background work, bound to a transaction: a job submitted starts only when that transaction commits."""

    def submit(self, kind: str, payload: Mapping[str, Any], *, organisation_id: int | None) -> int:
        """Store a job of ``kind`` on ``payload`` (plain JSON, by reference to what it computes); its id."""
        ...

    def states(self, job_ids: Iterable[int]) -> dict[int, JobState]:
        """Where each of ``job_ids`` stands (those that exist)."""
        ...


@dataclass(frozen=True)
class Ports:
    """What a service's writing use cases are handed: the audit trail, the job queue and the clock."""

    audit: AuditLog
    jobs: JobQueue
    clock: Clock
