"""The inclusive domain's tables (migration branch ``inclusive``).

Partners (``inclusive_partners``) are registered organisations that send behaviour events, each with a secret that
signs its batches. A person is a pseudonym per partner (``inclusive_people``: unique per partner); the operator never
links two pseudonyms, only the person can (``inclusive_links``, by consent). Every event a partner sends is kept once
(``inclusive_events``, unique by partner and the partner's event id), with what became of it: credited, held for
review, or rejected with a reason.

The ledger (``inclusive_entries``) is append-only and double-entry: every transaction (a credit, a redemption, a
reversal) is a set of entries on accounts whose amounts sum to zero per unit (each entry holds kg CO2e and points).
A person's balance (``inclusive_balances``) is a cache of the sums of their entries, updated in the same transaction;
``lowcarbon ledger reconcile`` recomputes it from the entries. Corrections are reversing entries, never edits.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lowcarbon.storage import Base, UTCDateTime

__all__ = ["Balance", "DailyTotal", "Entry", "Event", "Link", "Partner", "Person", "Redemption", "Reward"]

EVENT_STATUSES = ("credited", "held", "rejected", "released", "refused")
# The two kinds of events looked for among all (partial indexes; a query names the condition as written here, with
# its values in the text, so that SQLite sees the index fits it)
HELD = "inclusive_events.status = 'held'"
DUE = "inclusive_events.posted_at IS NULL AND inclusive_events.status IN ('credited', 'released')"


def _where(condition: str) -> dict[str, Any]:
    """A partial index's condition, on both databases."""
    unqualified = sa.text(condition.replace("inclusive_events.", ""))
    return {"sqlite_where": unqualified, "postgresql_where": unqualified}


class Partner(Base):
    """A partner platform (an organisation) and the secret its batches are signed with."""

    __tablename__ = "inclusive_partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    secret: Mapped[str] = mapped_column(sa.String(200))  # as issued, never shown again (not sealed yet: HMAC needs it)
    region: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # held events a reviewer released or refused: ingestion reads a batch's history before it takes the partner's lock
    # and re-reads it when this moved meanwhile (``ingest.finish``)
    reviewed: Mapped[int] = mapped_column(default=0, server_default="0")
    # the partner's largest event row id (0: none), set by each batch under the partner's lock: a batch read before
    # the lock catches up from it (``ingest.finish``)
    last_event: Mapped[int] = mapped_column(default=0, server_default="0")


class Person(Base):
    """A person as one partner knows them: a pseudonym."""

    __tablename__ = "inclusive_people"
    __table_args__ = (sa.UniqueConstraint("partner_id", "pseudonym"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(sa.ForeignKey("inclusive_partners.id", ondelete="RESTRICT"))
    pseudonym: Mapped[str] = mapped_column(sa.String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Link(Base):
    """Pseudonyms a person linked to one another (with their consent): the same person for caps and fraud rules."""

    __tablename__ = "inclusive_links"

    person_id: Mapped[int] = mapped_column(sa.ForeignKey("inclusive_people.id", ondelete="RESTRICT"), primary_key=True)
    linked_to: Mapped[int] = mapped_column(sa.ForeignKey("inclusive_people.id", ondelete="RESTRICT"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Event(Base):
    """A behaviour event as a partner sent it, once, and its outcome."""

    __tablename__ = "inclusive_events"
    __table_args__ = (
        sa.UniqueConstraint("partner_id", "event_id"),
        sa.CheckConstraint("status IN ('credited', 'held', 'rejected', 'released', 'refused')", name="status"),
        sa.Index(None, "person_id", "occurred_at"),  # a person's recent events, for the fraud rules
        sa.Index("ix_inclusive_events_held", "id", **_where(HELD)),  # the review queue
        sa.Index("ix_inclusive_events_due", "credit_at", **_where(DUE)),  # credits not posted yet, settled when due
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # the partner's and the person's ids, kept by ingestion (no foreign keys: checked row by row, they cost a batch of
    # events more than the events themselves); ``ledger.reconcile`` reports any that point nowhere
    partner_id: Mapped[int] = mapped_column()
    event_id: Mapped[str] = mapped_column(sa.String(128))
    person_id: Mapped[int] = mapped_column()
    behaviour: Mapped[str] = mapped_column(sa.String(64))
    version: Mapped[str | None] = mapped_column(sa.String(32))  # the methodology version applied
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    quantities: Mapped[dict[str, Any]] = mapped_column(sa.JSON())
    status: Mapped[str] = mapped_column(sa.String(16))
    reason: Mapped[str | None] = mapped_column(sa.String(64))
    reduction_kg: Mapped[float] = mapped_column(sa.Float())
    points: Mapped[int] = mapped_column(sa.BigInteger())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    credit_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # when its credit is due (the delay)
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # when its credit was posted


class Entry(Base):
    """One entry of the ledger: signed amounts of both units (kg CO2e and points) on an account, in a transaction."""

    __tablename__ = "inclusive_entries"

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True)
    transaction: Mapped[str] = mapped_column(sa.String(64), index=True)  # e.g. "credit:<event row id>"
    account: Mapped[str] = mapped_column(sa.String(64), index=True)  # "person:<id>", "issued", "redeemed"
    kg: Mapped[float] = mapped_column(sa.Float())  # kg CO2e reduced
    points: Mapped[float] = mapped_column(sa.Float())
    kind: Mapped[str] = mapped_column(sa.String(16))  # credit, redemption, reversal
    event_row: Mapped[int | None] = mapped_column()  # the event credited (no foreign key: see Event.partner_id)
    methodology: Mapped[str | None] = mapped_column(sa.String(100))  # behaviour@version
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class Balance(Base):
    """A person's balances, the sums of their entries (kept current in each transaction; reconciled)."""

    __tablename__ = "inclusive_balances"

    person_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # no foreign key: see Event
    kg: Mapped[float] = mapped_column(sa.Float())
    points: Mapped[float] = mapped_column(sa.Float())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DailyTotal(Base):
    """What a person was credited for a behaviour on a day (China Standard Time): the caps' and rules' memory."""

    __tablename__ = "inclusive_daily"
    # SQLite keeps the rows in the order of their key: a person's month together
    __table_args__ = ({"sqlite_with_rowid": False},)

    person_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # no foreign key: see Event
    behaviour: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date(), primary_key=True)
    kg: Mapped[float] = mapped_column(sa.Float())
    events: Mapped[int] = mapped_column()


class Reward(Base):
    """A reward the operator publishes: what it costs in points, and how many are left (None: no limit)."""

    __tablename__ = "inclusive_rewards"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_zh: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str] = mapped_column(sa.String(200))
    points: Mapped[int] = mapped_column()
    stock: Mapped[int | None] = mapped_column()
    active: Mapped[bool] = mapped_column(sa.Boolean())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Redemption(Base):
    """A person's redemption of a reward (its ledger transaction is ``redemption:<id>``)."""

    __tablename__ = "inclusive_redemptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("inclusive_people.id", ondelete="RESTRICT"), index=True)
    reward_id: Mapped[int] = mapped_column(sa.ForeignKey("inclusive_rewards.id", ondelete="RESTRICT"))
    points: Mapped[int] = mapped_column()
    at: Mapped[datetime] = mapped_column(UTCDateTime())
