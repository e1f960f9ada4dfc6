"""The PACT domain as the platform mounts it: the v3 host API (``/3/footprints``, ``/3/events``) and v2.3's
(``/2/...``), its scopes, its migrations (branch ``pact``), the job that answers a customer's footprint request on
its host (``answers``), the one that tells customers of new footprints (``notices``), and what ``serve --demo``
prints of its demo footprints (which ``lowcarbon.demo`` publishes once the demo's studies are computed). The token
endpoint and discovery document it relies on are the platform's own."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from fastapi import APIRouter
from sqlalchemy.orm import Session

from lowcarbon.pact import answers, demo, notices, pages, retries, routes
from lowcarbon.pact.routes import v2 as routes_v2
from lowcarbon.platform.domains import Domain
from lowcarbon.platform.jobs import JobKind
from lowcarbon.platform.tables import Job

__all__ = ["DOMAIN", "sent_jobs"]

_router = APIRouter()
_router.include_router(routes.router)
_router.include_router(routes_v2.router)  # v2.3, for partners still on it

DOMAIN = Domain(
    name="pact",
    router=_router,
    pages=pages.router,
    templates=Path(__file__).parent / "templates",
    scopes={
        routes.READ_SCOPE: "PACT: list and get the product footprints your supplier shares with you",
        routes.EVENTS_SCOPE: "PACT: send events (footprint requests, answers, publications) to your supplier",
    },
    job_kinds=(
        JobKind(answers.JOB_KIND, answers.send_answer, on_finish=answers.store_outcome, inputs=answers.answer_inputs),
        JobKind(notices.JOB_KIND, notices.send_notice, inputs=notices.notice_inputs),
    ),
    migration_branch="pact",
    describe_demo=demo.describe,
)


def sent_jobs(session: Session, now: datetime) -> list[notices.SentJob]:
    """The Published events' jobs that may still be due to be tried again at ``now`` (``notices.requeue_due``)."""
    since = now - 2 * retries.WINDOW  # the schedule ends within WINDOW of a first failure
    query = sa.select(Job).where(Job.kind == notices.JOB_KIND, Job.created_at >= since).order_by(Job.id)
    return [
        notices.SentJob(
            job.id, job.organisation_id, job.status, job.payload, job.created_at, job.finished_at, job.error
        )
        for job in session.scalars(query)
        if isinstance(job.payload, dict)
    ]
