"""Publish a stored footprint study as a PACT ProductFootprint: study result → ``Footprint`` → ``Publication`` →
``ProductFootprint``, stored by ``service.publish``.

The study is read through the footprint domain's service (its result is ``Footprint.to_dict()``); what the result
does not know comes from the ``Publication`` the organisation states. A study published again as a new version
names the footprint published from the study before it in ``precedingPfIds``, which deprecates that one. Used by
the demo and, later, by the page that publishes a study.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lowcarbon.errors import Conflict
from lowcarbon.footprint import service as footprints
from lowcarbon.footprint.result import Footprint, LineResult
from lowcarbon.pact import notices, service
from lowcarbon.pact.mapping import Publication, to_product_footprint
from lowcarbon.pact.tables import PublishedFootprint
from lowcarbon.ports import AuditLog, JobQueue

__all__ = ["footprint_of", "publish_study", "published_from"]

_FIELDS = frozenset(field.name for field in dataclasses.fields(Footprint))


def footprint_of(result: Mapping[str, Any]) -> Footprint:
    """The ``Footprint`` a study stored as ``Footprint.to_dict()`` (its derived keys, hotspots and unit, left out)."""
    values = {name: value for name, value in result.items() if name in _FIELDS}
    values["lines"] = [LineResult(**line) for line in result.get("lines", [])]
    return Footprint(**values)


def published_from(session: Session, study_id: int) -> PublishedFootprint | None:
    """The footprint last published from study ``study_id``, if any."""
    query = sa.select(PublishedFootprint).where(PublishedFootprint.study_id == study_id)
    return session.scalars(query.order_by(PublishedFootprint.id.desc())).first()


def publish_study(
    session: Session,
    audit: AuditLog,
    jobs: JobQueue,
    *,
    organisation_id: int,
    study_id: int,
    publication: Publication,
    now: datetime,
    events_source: str | None = None,
) -> PublishedFootprint:
    """Publish the organisation's computed study ``study_id`` as ``publication`` describes it; NotFound for a study
    it does not have, Conflict for one not computed (yet), InvalidInput for what PACT cannot carry. With
    ``events_source`` (our events endpoint, ``notices.events_source``) its customers' hosts are sent a Published
    event (``notices``)."""
    study = footprints.get_study(session, jobs, organisation_id=organisation_id, study_id=study_id)
    if study.result is None:
        raise Conflict(f"study {study_id} has no result to publish (it is {study.status})")
    footprint = to_product_footprint(footprint_of(study.result), publication)
    row = service.publish(
        session, audit, organisation_id=organisation_id, footprint=footprint, now=now, study_id=study_id
    )
    if events_source is not None:
        notices.notify_published(session, audit, jobs, footprint=row, source=events_source)
    return row
