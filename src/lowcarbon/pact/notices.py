"""Telling customers of new footprints: a ``Published`` event sent to each customer's host, as a background job.

PACT v3.0.3 §Action Events > Publishing updates: a data owner MAY tell data recipients that footprints were created
or changed with a PublishedEvent whose data are their ids (``pfIds``); the recipient then fetches them. Here, when
an organisation publishes a footprint with ``notify_published``, every one of its customers that registered a host
(``Customer.events_url`` and the credentials the customer gave it there, as for answers), that is not revoked and
that may see the footprint, gets one job ``JOB_KIND``. Its ``pfIds`` are the new footprint's id and those of the
versions it deprecated (their status changed), each only if the customer may see it.

The job's payload is the event (its id and time fixed when queued, so every attempt sends the same) and the
customer; the job runs the answers' machinery (``answers.post_event``): when handed to a worker, ``notice_inputs``
reads the customer's host and credentials (never in the payload); the worker discovers the host's token endpoint,
authenticates, and posts the event to ``<events_url>/3/events`` over HTTPS, up to ``answers.ATTEMPTS`` times. The
job's row keeps the outcome (where the event went, or the error). A failed job is tried again: ``requeue_due``
queues, for each failed job of this kind whose pause (``retries.next_attempt``: exponential backoff, up to 72 hours)
is over and that was not tried again yet, a new job with the same event, its ``failures`` one more and
``retry_of`` naming it; once the schedule is spent the event is given up. The platform's job runner has no delayed
start, so something must call ``requeue_due`` periodically with the kind's
recent jobs (``domain.sent_jobs``): ``lowcarbon pact retry``, from cron. The queuing is audited on the
customer. The event's ``source`` is our host's events endpoint (``events_source``), from
``LOWCARBON_PACT_PUBLIC_URL``: without it nothing is sent.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lowcarbon.errors import InvalidInput, NotFound
from lowcarbon.pact import retries
from lowcarbon.pact.answers import post_event
from lowcarbon.pact.tables import Customer, PublishedFootprint, Share
from lowcarbon.ports import AuditLog, JobQueue, JobState

__all__ = [
    "JOB_KIND",
    "PUBLISHED",
    "SentJob",
    "events_source",
    "notice_inputs",
    "notify_published",
    "requeue_due",
    "send_notice",
]

JOB_KIND = "pact_notify_published"
PUBLISHED = "org.wbcsd.pact.ProductFootprint.PublishedEvent.3"


def events_source(public_url: str) -> str:
    """Our events endpoint as an event's ``source`` (``//host:port/3/events``), from the host's https base URL."""
    if not public_url.startswith("https://"):
        raise InvalidInput(f"the PACT host's public URL is https://host[:port], not {public_url!r}")
    return "//" + public_url.removeprefix("https://").rstrip("/") + "/3/events"


def _visible_ids(session: Session, customer: Customer, pf_ids: list[str]) -> list[str]:
    """Those of ``pf_ids`` (the organisation's) the customer may see, in the order given."""
    query = sa.select(PublishedFootprint.pf_id).where(
        PublishedFootprint.organisation_id == customer.organisation_id, PublishedFootprint.pf_id.in_(pf_ids)
    )
    if not customer.all_footprints:
        shared = sa.select(Share.id).where(
            Share.customer_id == customer.id, Share.footprint_id == PublishedFootprint.id
        )
        query = query.where(shared.exists())
    visible = set(session.scalars(query))
    return [pf_id for pf_id in pf_ids if pf_id in visible]


def notify_published(
    session: Session,
    audit: AuditLog,
    jobs: JobQueue,
    *,
    footprint: PublishedFootprint,
    source: str,
    now: datetime | None = None,
) -> list[int]:
    """Queue a Published event about ``footprint`` (and the versions it deprecated) for each of its organisation's
    customers with a registered host that may see it; the jobs' ids."""
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    preceding = [value.lower() for value in footprint.document.get("precedingPfIds") or []]
    pf_ids = [footprint.pf_id, *preceding]
    query = sa.select(Customer).where(
        Customer.organisation_id == footprint.organisation_id,
        Customer.revoked_at.is_(None),
        Customer.events_url.is_not(None),
    )
    job_ids = []
    for customer in session.scalars(query.order_by(Customer.id)):
        visible = _visible_ids(session, customer, pf_ids)
        if not visible or not customer.events_client_id or not customer.events_client_secret:
            continue
        event = {
            "type": PUBLISHED,
            "specversion": "1.0",
            "id": str(uuid.uuid4()),
            "source": source,
            "time": now.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "data": {"pfIds": visible},
        }
        payload = {"customer": customer.id, "event": event, "failures": 0}
        job_id = jobs.submit(JOB_KIND, payload, organisation_id=customer.organisation_id)
        audit.record("notify", "pact_customer", customer.id, None, {"pf_ids": visible, "job_id": job_id})
        job_ids.append(job_id)
    return job_ids


def notice_inputs(session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    """The job's input: the event, and the customer's host and credentials as they are now."""
    customer = session.get(Customer, payload["customer"])
    if customer is None or customer.revoked_at is not None:
        raise NotFound(f"no PACT customer {payload['customer']} to tell (revoked or gone)")
    if not customer.events_url or not customer.events_client_id or not customer.events_client_secret:
        raise InvalidInput(f"the PACT customer {customer.name!r} has no host registered to take events")
    return {
        "events_url": customer.events_url,
        "client_id": customer.events_client_id,
        "client_secret": customer.events_client_secret,
        "event": payload["event"],
    }


def send_notice(inputs: dict[str, Any]) -> dict[str, Any]:
    """Post the event to the customer's host (the job's function, run by a worker)."""
    return {"event_id": inputs["event"]["id"], "sent_to": post_event(inputs, inputs["event"])}


@dataclass(frozen=True)
class SentJob:
    """One job of this kind, as the runner keeps it (``domain.sent_jobs`` reads them from the jobs table)."""

    id: int
    organisation_id: int | None
    status: str  # JobState's value
    payload: dict[str, Any]
    created_at: datetime
    finished_at: datetime | None
    error: str | None


def requeue_due(audit: AuditLog, jobs: JobQueue, history: Sequence[SentJob], now: datetime) -> list[int]:
    """Queue the event of each failed job in ``history`` (this kind's recent jobs, ``domain.sent_jobs``) again whose
    pause is over (``retries``) and that was not tried again yet; the new jobs' ids (``now``: the clock's time)."""
    retried = {job.payload.get("retry_of") for job in history}
    requeued = []
    for job in sorted(history, key=lambda job: job.id):
        if job.status != JobState.FAILED.value or job.id in retried:
            continue
        failures = int(job.payload.get("failures", 0)) + 1
        due = retries.next_attempt(failures, job.finished_at or job.created_at)
        if due is None or due > now:
            continue
        payload = {**job.payload, "failures": failures, "retry_of": job.id}
        new_id = jobs.submit(JOB_KIND, payload, organisation_id=job.organisation_id)
        before = {"job_id": job.id, "failures": failures, "error": job.error}
        audit.record("retry", "pact_customer", payload["customer"], before, {"job_id": new_id})
        requeued.append(new_id)
    return requeued
