"""The PACT domain's use cases: publish a footprint, add a customer, and answer a customer's host API calls.

Plain functions taking the caller's session (they do not commit) and, where they change something, the audit log.
``publish`` stores a ProductFootprint and deprecates the organisation's footprints it names in precedingPfIds
(§Product Footprint Lifecycle: a new version deprecates the old, which changes in nothing else). ``list_footprints``
applies the ListFootprints filters (``filters``) in SQL to what the customer may see, oldest first, a page at a time;
``get_footprint`` is NotFound for a footprint the host does not have (or another organisation's) and
PermissionDenied for one of the organisation's that is not shared with the customer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lowcarbon.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from lowcarbon.pact import answers, model_v2
from lowcarbon.pact.events import PublishedEvent, RequestCreatedEvent, RequestFulfilledEvent, RequestRejectedEvent
from lowcarbon.pact.filters import Filters
from lowcarbon.pact.model import ProductFootprint
from lowcarbon.pact.tables import Customer, EventReceived, FootprintKey, PublishedFootprint, Share
from lowcarbon.ports import AuditLog, JobQueue

__all__ = [
    "Page",
    "add_customer",
    "answers_received",
    "customer_of_client",
    "get_footprint",
    "get_published",
    "list_customers",
    "list_footprints",
    "list_published",
    "publish",
    "receive_event",
    "revoke_customer",
    "set_events_endpoint",
    "share",
    "shared_with",
]

AnyEvent = RequestCreatedEvent | RequestFulfilledEvent | RequestRejectedEvent | PublishedEvent | model_v2.AnyEvent


@dataclass(frozen=True)
class Page:
    """One page of ListFootprints: the documents, and whether more follow."""

    footprints: list[dict[str, Any]]
    more: bool
    deprecated_at: list[datetime | None] = field(default_factory=list)  # when each was deprecated, if it was


def _document(row: PublishedFootprint) -> dict[str, Any]:
    """The footprint as served: as published, with its current status."""
    return {**row.document, "status": row.status}


def _state(row: PublishedFootprint) -> dict[str, Any]:
    return {"pf_id": row.pf_id, "organisation_id": row.organisation_id, "status": row.status}


def publish(
    session: Session,
    audit: AuditLog,
    *,
    organisation_id: int,
    footprint: ProductFootprint,
    now: datetime,
    study_id: int | None = None,
) -> PublishedFootprint:
    """Store ``footprint`` as the organisation's, Active, and deprecate the ones it names as preceding."""
    if footprint.status != "Active":
        raise InvalidInput("publish a footprint as Active: it becomes Deprecated when a new version is published")
    pf_id = footprint.id.lower()
    if session.scalar(sa.select(PublishedFootprint.id).where(PublishedFootprint.pf_id == pf_id)) is not None:
        raise Conflict(f"a footprint with id {pf_id} is published already: a new version needs a new id")
    preceding = [value.lower() for value in footprint.precedingPfIds or []]
    earlier = list(
        session.scalars(
            sa.select(PublishedFootprint).where(
                PublishedFootprint.pf_id.in_(preceding), PublishedFootprint.organisation_id == organisation_id
            )
        )
    )
    missing = sorted(set(preceding) - {row.pf_id for row in earlier})
    if missing:
        raise NotFound(f"your organisation has published no footprint {', '.join(missing)} to follow")
    start, end = footprint.validity()
    row = PublishedFootprint(
        pf_id=pf_id,
        organisation_id=organisation_id,
        study_id=study_id,
        status="Active",
        document=footprint.to_json(),
        geography=(footprint.pcf.geography or "").lower() or None,
        valid_from=start,
        valid_until=end,
        created_at=now,
    )
    session.add(row)
    session.flush()
    keys = [
        ("product", footprint.productIds),
        ("company", footprint.companyIds),
        ("classification", footprint.productClassifications or []),
    ]
    session.add_all(
        FootprintKey(footprint_id=row.id, kind=kind, value=value.lower()) for kind, values in keys for value in values
    )
    audit.record("publish", "pact_footprint", row.id, None, _state(row))
    for old in earlier:
        if old.status == "Active":
            before = _state(old)
            old.status, old.deprecated_at = "Deprecated", now
            audit.record("deprecate", "pact_footprint", old.id, before, _state(old))
    session.flush()
    return row


def add_customer(
    session: Session,
    audit: AuditLog,
    *,
    organisation_id: int,
    name: str,
    machine_client_id: int,
    now: datetime,
    all_footprints: bool = True,
) -> Customer:
    """Make the organisation's machine client a PACT customer named ``name``."""
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidInput("give the customer a name of 1 to 200 characters")
    customer = Customer(
        organisation_id=organisation_id,
        name=name,
        machine_client_id=machine_client_id,
        all_footprints=all_footprints,
        created_at=now,
    )
    session.add(customer)
    session.flush()
    state = {"name": name, "organisation_id": organisation_id, "all_footprints": all_footprints}
    audit.record("create", "pact_customer", customer.id, None, {**state, "machine_client_id": machine_client_id})
    return customer


def share(session: Session, audit: AuditLog, *, organisation_id: int, customer_id: int, pf_id: str) -> None:
    """Let the customer see one footprint of the organisation (for a customer that does not see all of them)."""
    customer = session.get(Customer, customer_id)
    footprint = session.scalar(sa.select(PublishedFootprint).where(PublishedFootprint.pf_id == pf_id.lower()))
    if customer is None or customer.organisation_id != organisation_id:
        raise NotFound(f"your organisation has no PACT customer {customer_id}")
    if footprint is None or footprint.organisation_id != organisation_id:
        raise NotFound(f"your organisation has published no footprint {pf_id}")
    exists = sa.select(Share.id).where(Share.customer_id == customer_id, Share.footprint_id == footprint.id)
    if session.scalar(exists) is None:
        session.add(Share(customer_id=customer_id, footprint_id=footprint.id))
        session.flush()
        audit.record("share", "pact_footprint", footprint.id, None, {"customer_id": customer_id})


def customer_of_client(session: Session, machine_client_id: int) -> Customer | None:
    """The PACT customer a machine client authenticates, if it is one."""
    return session.scalar(sa.select(Customer).where(Customer.machine_client_id == machine_client_id))


def _visible(customer: Customer) -> sa.ColumnElement[bool]:
    own = PublishedFootprint.organisation_id == customer.organisation_id
    if customer.all_footprints:
        return own
    shared = sa.select(Share.id).where(Share.customer_id == customer.id, Share.footprint_id == PublishedFootprint.id)
    return sa.and_(own, shared.exists())


def _keyed(kind: str, values: list[str] | None) -> sa.ColumnElement[bool] | None:
    if not values:
        return None
    keys = sa.select(FootprintKey.id).where(
        FootprintKey.footprint_id == PublishedFootprint.id,
        FootprintKey.kind == kind,
        FootprintKey.value.in_([value.lower() for value in values]),
    )
    return keys.exists()


def _conditions(filters: Filters) -> list[sa.ColumnElement[bool]]:
    found = [
        _keyed("product", filters.productId),
        _keyed("company", filters.companyId),
        _keyed("classification", filters.classification),
    ]
    conditions = [condition for condition in found if condition is not None]
    if filters.geography:
        conditions.append(PublishedFootprint.geography.in_([value.lower() for value in filters.geography]))
    if filters.status is not None:
        conditions.append(PublishedFootprint.status == filters.status)
    moments = filters.moments()
    if "validOn" in moments:  # "start validity period <= validOn <= end validity period"
        on = moments["validOn"]
        conditions += [PublishedFootprint.valid_from <= on, PublishedFootprint.valid_until >= on]
    if "validAfter" in moments:
        conditions.append(PublishedFootprint.valid_from > moments["validAfter"])
    if "validBefore" in moments:
        conditions.append(PublishedFootprint.valid_until < moments["validBefore"])
    return conditions


def list_footprints(session: Session, customer: Customer, filters: Filters, *, offset: int, limit: int) -> Page:
    """The footprints the customer may see that meet ``filters``, oldest first, ``limit`` from ``offset`` on."""
    query = (
        sa.select(PublishedFootprint)
        .where(_visible(customer), *_conditions(filters))
        .order_by(PublishedFootprint.id)
        .offset(offset)
        .limit(limit + 1)
    )
    rows = list(session.scalars(query))
    kept = rows[:limit]
    return Page([_document(row) for row in kept], more=len(rows) > limit, deprecated_at=[r.deprecated_at for r in kept])


def get_footprint(session: Session, customer: Customer, pf_id: str) -> dict[str, Any]:
    """The footprint ``pf_id`` if the customer may see it; NotFound, or PermissionDenied when it is not shared."""
    return _document(get_published(session, customer, pf_id))


def get_published(session: Session, customer: Customer, pf_id: str) -> PublishedFootprint:
    """The row of footprint ``pf_id`` if the customer may see it; NotFound, or PermissionDenied."""
    row = session.scalar(sa.select(PublishedFootprint).where(PublishedFootprint.pf_id == pf_id.lower()))
    if row is None or row.organisation_id != customer.organisation_id:
        raise NotFound(f"Footprint with ID '{pf_id}' does not exist")
    visible = session.scalar(
        sa.select(PublishedFootprint.id).where(PublishedFootprint.id == row.id, _visible(customer))
    )
    if visible is None:
        raise PermissionDenied(f"footprint {pf_id} is not shared with you")
    return row


def receive_event(
    session: Session,
    audit: AuditLog,
    *,
    customer: Customer,
    event: AnyEvent,
    now: datetime,
    jobs: JobQueue | None = None,
    answer_source: str = "",
) -> EventReceived:
    """Keep an event a customer sent; the same event (source and id) sent again is kept once.

    A RequestCreated is answered on the customer's host by a job (``answers``) queued in ``jobs`` with
    ``answer_source`` as its answer's source (our host's events endpoint, ``//host:port/3/events``); without
    ``jobs`` it is only kept."""
    found = session.scalar(
        sa.select(EventReceived).where(
            EventReceived.customer_id == customer.id,
            EventReceived.source == event.source,
            EventReceived.event_id == event.id,
        )
    )
    if found is not None:
        return found
    row = EventReceived(
        customer_id=customer.id,
        event_id=event.id,
        source=event.source,
        type=event.type,
        body=event.to_json(),
        received_at=now,
    )
    session.add(row)
    session.flush()
    audit.record("receive", "pact_event", row.id, None, {"type": event.type, "event_id": event.id})
    if isinstance(event, RequestFulfilledEvent):  # the answer to one of our requests: the supplier's footprints
        from lowcarbon.pact import suppliers

        suppliers.store(session, audit, organisation_id=customer.organisation_id, footprints=event.data.pfs, now=now)
    if event.type in answers.REQUEST_TYPES and jobs is not None:
        try:
            if not customer.events_url:
                raise InvalidInput(f"the customer {customer.name!r} has no host registered to take answers")
            answers.check_source(event.source, customer.events_url)
        except InvalidInput as exc:
            answers.not_answered(row, exc, now)
        else:
            payload = {"event": row.id, "source": answer_source}
            row.answer_job_id = jobs.submit(answers.JOB_KIND, payload, organisation_id=customer.organisation_id)
            row.answer_state = "queued"
        session.flush()
    return row


def _own_customer(session: Session, organisation_id: int, customer_id: int) -> Customer:
    customer = session.get(Customer, customer_id)
    if customer is None or customer.organisation_id != organisation_id:
        raise NotFound(f"your organisation has no PACT customer {customer_id}")
    return customer


def set_events_endpoint(
    session: Session,
    audit: AuditLog,
    *,
    organisation_id: int,
    customer_id: int,
    url: str,
    client_id: str,
    client_secret: str,
) -> Customer:
    """Register the customer's PACT host (its base URL, https) and the credentials it gave us there: where the
    answers to its requests go."""
    customer = _own_customer(session, organisation_id, customer_id)
    if not client_id.strip() or not client_secret or len(client_id) > 200 or len(client_secret) > 500:
        raise InvalidInput("give the client id and secret the customer's host issued to your organisation")
    before = {"events_url": customer.events_url, "events_client_id": customer.events_client_id}
    customer.events_url = answers.events_origin(url)
    customer.events_client_id, customer.events_client_secret = client_id.strip(), client_secret
    session.flush()
    after = {"events_url": customer.events_url, "events_client_id": customer.events_client_id}
    audit.record("update", "pact_customer", customer.id, before, after)  # the secret stays out of the trail
    return customer


def revoke_customer(session: Session, audit: AuditLog, *, organisation_id: int, customer_id: int, now: datetime) -> int:
    """Mark the customer revoked; the caller revokes its machine client (whose id this answers), which ends its
    access."""
    customer = _own_customer(session, organisation_id, customer_id)
    if customer.revoked_at is None:
        customer.revoked_at = now
        session.flush()
        audit.record("revoke", "pact_customer", customer.id, {"revoked_at": None}, {"revoked_at": now.isoformat()})
    return customer.machine_client_id


def list_published(session: Session, organisation_id: int) -> list[PublishedFootprint]:
    """The organisation's published footprints, newest first."""
    query = sa.select(PublishedFootprint).where(PublishedFootprint.organisation_id == organisation_id)
    return list(session.scalars(query.order_by(PublishedFootprint.id.desc())))


def list_customers(session: Session, organisation_id: int) -> list[Customer]:
    """The organisation's PACT customers, by name."""
    query = sa.select(Customer).where(Customer.organisation_id == organisation_id)
    return list(session.scalars(query.order_by(Customer.name, Customer.id)))


def shared_with(session: Session, organisation_id: int) -> dict[int, list[str]]:
    """Who may see each of the organisation's published footprints (by row id): the customers that see all of them
    and those it was shared with one by one, revoked customers left out."""
    customers = [customer for customer in list_customers(session, organisation_id) if customer.revoked_at is None]
    everything = [customer.name for customer in customers if customer.all_footprints]
    seen: dict[int, list[str]] = {row.id: list(everything) for row in list_published(session, organisation_id)}
    names = {customer.id: customer.name for customer in customers if not customer.all_footprints}
    shares = sa.select(Share.footprint_id, Share.customer_id).where(Share.customer_id.in_(names))
    for footprint_id, customer_id in session.execute(shares):
        seen.setdefault(footprint_id, []).append(names[customer_id])
    return seen


def answers_received(session: Session, organisation_id: int, limit: int = 50) -> list[EventReceived]:
    """The answers to the organisation's footprint requests it received (RequestFulfilled, RequestRejected; v3 and
    v2), newest first."""
    kinds = ("RequestFulfilledEvent.3", "RequestRejectedEvent.3", "Fulfilled.v1", "Rejected.v1")
    query = (
        sa.select(EventReceived)
        .join(Customer, Customer.id == EventReceived.customer_id)
        .where(Customer.organisation_id == organisation_id, sa.or_(*(EventReceived.type.endswith(k) for k in kinds)))
        .order_by(EventReceived.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))
