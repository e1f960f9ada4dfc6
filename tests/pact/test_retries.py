"""Published events a customer's host did not take are tried again with exponential backoff for up to 72 hours, on
SQLite and PostgreSQL: the schedule is data (``retries.BACKOFF``), and a fake clock and a fake runner (job rows
written, failed and finished by the test) walk a failing event through it: each failed job waits its pause,
``requeue_due`` queues the same event once the time has come, the 13th failure is final; a job that succeeds ends
the retries."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from lowcarbon.cli import app as lowcarbon
from lowcarbon.pact import domain, notices, retries, service
from lowcarbon.pact.cli import grant_access
from lowcarbon.pact.model import ProductFootprint
from lowcarbon.pact.tables import Customer
from lowcarbon.platform import accounts
from lowcarbon.platform.audit import AuditTrail
from lowcarbon.platform.settings import Settings
from lowcarbon.platform.tables import Job
from lowcarbon.ports import JobState
from support.pact_documents import document
from support.pact_servers import in_transaction

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
SOURCE = "//pact.example:8443/3/events"


class FakeRunner:
    """Jobs as rows, created at the fake clock's time; the test ends them (``end``)."""

    def __init__(self, session: Session, now: datetime) -> None:
        self.session, self.now = session, now

    def submit(self, kind: str, payload: Mapping[str, Any], *, organisation_id: int | None) -> int:
        job = Job(
            kind=kind,
            organisation_id=organisation_id,
            status="queued",
            owner="test",
            created_at=self.now,
            payload=dict(payload),
        )
        self.session.add(job)
        self.session.flush()
        return job.id

    def states(self, job_ids: Iterable[int]) -> dict[int, JobState]:
        return {}

    def end(self, job_id: int, *, done: bool) -> None:
        job = self.session.get(Job, job_id)
        assert job is not None
        job.status, job.finished_at = ("done" if done else "failed"), self.now
        job.error = None if done else "https://buyer.example/3/events answered 503"
        self.session.flush()


def _published(session: Session, runner: FakeRunner) -> int:
    """Sunrise PV Co. publishes a footprint Buyer Co. (with a host) is told of; the job's id."""
    owner = accounts.create_organisation(session, name="Sunrise PV Co.", kind="manufacturer", actor="test")
    audit = AuditTrail(session, "test")
    client = grant_access(session, organisation_id=owner.id, customer="Buyer Co.", actor="test", now=T0)
    customer = service.customer_of_client(session, client.id)
    assert customer is not None
    service.set_events_endpoint(
        session,
        audit,
        organisation_id=owner.id,
        customer_id=customer.id,
        url="https://buyer.example",
        client_id="id",
        client_secret="secret",
    )
    footprint = ProductFootprint.model_validate(document(id=str(uuid.uuid4())))
    row = service.publish(session, audit, organisation_id=owner.id, footprint=footprint, now=T0)
    (job_id,) = notices.notify_published(session, audit, runner, footprint=row, source=SOURCE, now=T0)
    return job_id


def _requeue(session: Session, runner: FakeRunner, now: datetime) -> list[int]:
    return notices.requeue_due(AuditTrail(session, "test"), runner, domain.sent_jobs(session, now), now)


def test_the_schedule_doubles_and_stays_within_72_hours() -> None:
    pauses = retries.BACKOFF
    assert pauses[0] == timedelta(minutes=1)
    assert all(later == 2 * earlier for earlier, later in pairwise(pauses))
    assert sum(pauses, timedelta()) <= retries.WINDOW < sum(pauses, pauses[-1] * 2)
    assert retries.next_attempt(1, T0) == T0 + timedelta(minutes=1)
    assert retries.next_attempt(len(pauses) + 1, T0) is None
    assert retries.next_attempt(2, T0, schedule=(timedelta(1), timedelta(2))) == T0 + timedelta(2)


def test_a_failing_event_is_tried_again_until_the_schedule_is_spent(migrated: Settings) -> None:
    def work(session: Session) -> None:
        runner = FakeRunner(session, T0)
        job_id = _published(session, runner)
        for failures, pause in enumerate(retries.BACKOFF, start=1):
            runner.end(job_id, done=False)
            assert _requeue(session, runner, runner.now + pause - timedelta(seconds=1)) == []
            runner.now += pause
            (job_id,) = _requeue(session, runner, runner.now)
            assert _requeue(session, runner, runner.now + timedelta(days=1)) == []  # once
            assert session.get(Job, job_id).payload["failures"] == failures  # type: ignore[union-attr]
        assert runner.now - T0 <= timedelta(hours=72)
        runner.end(job_id, done=False)
        assert _requeue(session, runner, runner.now + timedelta(days=2)) == []  # given up
        jobs = list(session.scalars(sa.select(Job).order_by(Job.id)))
        assert len(jobs) == 1 + len(retries.BACKOFF)
        assert {job.kind for job in jobs} == {notices.JOB_KIND}
        assert len({job.payload["event"]["id"] for job in jobs}) == 1  # every attempt sends the same event
        assert [job.payload.get("retry_of") for job in jobs[1:]] == [job.id for job in jobs[:-1]]

    in_transaction(migrated, work)


def test_an_event_taken_on_a_later_attempt_is_not_tried_again(migrated: Settings) -> None:
    def work(session: Session) -> None:
        runner = FakeRunner(session, T0)
        first = _published(session, runner)
        runner.end(first, done=False)
        runner.now += timedelta(minutes=1)
        (second,) = _requeue(session, runner, runner.now)
        runner.end(second, done=True)
        assert _requeue(session, runner, runner.now + timedelta(days=3)) == []

    in_transaction(migrated, work)


def test_lowcarbon_pact_retry_sends_what_is_due(migrated: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The command for cron: a job that failed two minutes ago is run again at once, in the command's process (here
    it fails at once too: the customer was revoked since), and is not due again right after."""
    failed_at = datetime.now(UTC) - timedelta(minutes=2)

    def setup(session: Session) -> int:
        runner = FakeRunner(session, failed_at)
        job_id = _published(session, runner)
        runner.end(job_id, done=False)
        customer = session.scalars(sa.select(Customer)).one()
        customer.revoked_at = failed_at
        return job_id

    first = in_transaction(migrated, setup)
    monkeypatch.setenv("LOWCARBON_DATABASE_URL", migrated.database_url)
    arguments = ["pact", "retry", "--data-dir", str(migrated.data_dir), "--json"]
    ran = CliRunner().invoke(lowcarbon, arguments)
    assert ran.exit_code == 0, ran.output
    outcome = json.loads(ran.output)
    (second,) = outcome["requeued"]
    assert second != first and outcome["sent"] == [] and "revoked" in outcome["failed"][str(second)]
    again = CliRunner().invoke(lowcarbon, arguments)
    assert again.exit_code == 0 and json.loads(again.output)["requeued"] == []  # 2 minutes after the 2nd failure
