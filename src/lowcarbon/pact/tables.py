"""The PACT domain's tables: footprints an organisation published, its customers, what each may see, events received.

A published footprint keeps the ProductFootprint exactly as it was published (``document``); PACT allows one change
after that, its status to Deprecated (§Product Footprint Lifecycle), kept in ``status`` and written into the
document when it is served. Its identifiers (productIds, companyIds, productClassifications, lowercased) are rows of
``pact_footprint_keys`` and its validity period and geography are columns, so that ListFootprints filters in SQL and
pages through any number of footprints. A customer is a data recipient of one organisation: a machine client of that
organisation (its credentials) and either all of the organisation's footprints or those shared with it one by one
(``pact_shares``), and where its own host takes the answers to its requests (``events_url`` and the credentials the
customer gave us there). Events received at ``POST /3/events`` are kept as they came, a RequestCreated with where
its answer stands. An organisation's suppliers (their host and the credentials they gave it) and the footprints
fetched from them (``pact_supplier_footprints``, validated, as fetched) are the client's side. The revisions are in
``migrations/versions`` (branch ``pact``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lowcarbon.storage import Base, UTCDateTime

__all__ = [
    "ANSWER_STATES",
    "KEY_KINDS",
    "STATUSES",
    "Customer",
    "EventReceived",
    "FootprintKey",
    "PublishedFootprint",
    "Share",
    "Supplier",
    "SupplierFootprint",
]

STATUSES = ("Active", "Deprecated")
KEY_KINDS = ("product", "company", "classification")
ANSWER_STATES = ("queued", "sent", "failed")  # a RequestCreated's answer: queued as a job, then sent or failed


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


class PublishedFootprint(Base):
    """A ProductFootprint an organisation published, by its PACT id."""

    __tablename__ = "pact_footprints"
    __table_args__ = (sa.CheckConstraint(_one_of("status", STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pf_id: Mapped[str] = mapped_column(sa.String(36), unique=True)  # the UUID, lowercase
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True)
    study_id: Mapped[int | None] = mapped_column(sa.ForeignKey("studies.id", ondelete="RESTRICT"))
    status: Mapped[str] = mapped_column(sa.String(16))
    document: Mapped[Any] = mapped_column(sa.JSON())  # ProductFootprint.to_json() as published
    geography: Mapped[str | None] = mapped_column(sa.String(16))  # region, country or subdivision, lowercase
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime())  # the validity period, start included
    valid_until: Mapped[datetime] = mapped_column(UTCDateTime())  # end excluded
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deprecated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class FootprintKey(Base):
    """One identifier of a published footprint, lowercased, that ListFootprints filters by."""

    __tablename__ = "pact_footprint_keys"
    __table_args__ = (
        sa.CheckConstraint(_one_of("kind", KEY_KINDS), name="kind"),
        sa.Index("ix_pact_footprint_keys_kind_value", "kind", "value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    footprint_id: Mapped[int] = mapped_column(sa.ForeignKey("pact_footprints.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    value: Mapped[str] = mapped_column(sa.String(500))


class Customer(Base):
    """A data recipient of an organisation's footprints, with the machine client it authenticates as."""

    __tablename__ = "pact_customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    machine_client_id: Mapped[int] = mapped_column(
        sa.ForeignKey("machine_clients.id", ondelete="RESTRICT"), unique=True
    )
    all_footprints: Mapped[bool] = mapped_column()  # sees every footprint of the organisation, else its shares
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Where the customer's host takes events (its base URL) and the client credentials it gave us there: the host
    # answers a RequestCreated only to this host, after checking the event's source names it (§Action Events).
    events_url: Mapped[str | None] = mapped_column(sa.String(500))
    events_client_id: Mapped[str | None] = mapped_column(sa.String(200))
    events_client_secret: Mapped[str | None] = mapped_column(sa.String(500))  # ours to present: kept, not hashed
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Share(Base):
    """One footprint shared with one customer (for customers that do not see all footprints)."""

    __tablename__ = "pact_shares"
    __table_args__ = (sa.UniqueConstraint("customer_id", "footprint_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("pact_customers.id", ondelete="CASCADE"))
    footprint_id: Mapped[int] = mapped_column(sa.ForeignKey("pact_footprints.id", ondelete="CASCADE"), index=True)


class EventReceived(Base):
    """A CloudEvent a customer posted to ``/3/events``, as it came; one per (customer, source, event id)."""

    __tablename__ = "pact_events"
    __table_args__ = (sa.UniqueConstraint("customer_id", "source", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("pact_customers.id", ondelete="RESTRICT"), index=True)
    event_id: Mapped[str] = mapped_column(sa.String(200))
    source: Mapped[str] = mapped_column(sa.String(500))
    type: Mapped[str] = mapped_column(sa.String(100))
    body: Mapped[Any] = mapped_column(sa.JSON())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answer_state: Mapped[str | None] = mapped_column(sa.String(16))  # ANSWER_STATES, for a RequestCreated
    answer_job_id: Mapped[int | None] = mapped_column()
    answer: Mapped[Any] = mapped_column(sa.JSON(), nullable=True)  # the RequestFulfilled or RequestRejected sent
    answer_error: Mapped[str | None] = mapped_column(sa.Text())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Supplier(Base):
    """A supplier's PACT host, as one of its customers: its base URL and the credentials it gave the organisation."""

    __tablename__ = "pact_suppliers"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    base_url: Mapped[str] = mapped_column(sa.String(500))
    client_id: Mapped[str] = mapped_column(sa.String(200))
    client_secret: Mapped[str] = mapped_column(sa.String(500))  # ours to present: kept, not hashed
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SupplierFootprint(Base):
    """A supplier's ProductFootprint an organisation fetched (or was sent), validated, kept as it came; the factor
    ``pact/<pf_id>`` of the organisation's product models."""

    __tablename__ = "pact_supplier_footprints"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "pf_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True)
    supplier_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pact_suppliers.id", ondelete="SET NULL"))
    pf_id: Mapped[str] = mapped_column(sa.String(36))  # lowercase
    status: Mapped[str] = mapped_column(sa.String(16))
    document: Mapped[Any] = mapped_column(sa.JSON())
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime())
