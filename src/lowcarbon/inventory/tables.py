"""The inventory domain's tables (migration branch ``inventory``): an organisation's inventories and their activity
records.

An inventory (``inventories``) keeps the values of an inventory file but its activity records (``document``: the
organisation, reporting year, boundary approach, GWP set, base year, significance policy, sites and allocations, as
the YAML holds them), and the result last computed from them (``result``: ``InventoryResult.to_dict()``, the contract
of ``lowcarbon inventory compute --json``). Its activity records are rows (``inventory_activities``), one record each
as the YAML's ``activities`` list holds it, with its site and period (``2024-03`` or ``2024``) beside it so that a
month of a site is found and replaced without reading the rest. The document and its records together are an
``Inventory`` of the pure core, so the core computes a stored inventory exactly as it computes a file. Every change
is written to the platform's audit trail (an ``AuditLog`` port) by the service.

An engagement with a certification body (``inventory_engagements``: the verification of an inventory, or the
evaluation of the carbon management system) has its moves (``inventory_engagement_moves``, what separation of duties
reads), a verification its samples and findings, and each ends with one signed document (``inventory_statements``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lowcarbon.storage import Base, UTCDateTime

__all__ = [
    "ActivityRow",
    "EngagementMoveRow",
    "EngagementRow",
    "FindingRow",
    "InventoryRow",
    "SampleRow",
    "StatementRow",
]


class InventoryRow(Base):
    """An organisation's GHG inventory of a reporting year: its document, and what was last computed from it."""

    __tablename__ = "inventories"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    reporting_year: Mapped[int] = mapped_column()
    approach: Mapped[str] = mapped_column(sa.String(32))  # equity_share, financial_control, operational_control
    gwp: Mapped[str] = mapped_column(sa.String(16))  # AR6, AR5
    document: Mapped[Any] = mapped_column(sa.JSON())  # the inventory file's values without its activities
    result: Mapped[Any] = mapped_column(sa.JSON(none_as_null=True), nullable=True)  # InventoryResult.to_dict()
    total: Mapped[float | None] = mapped_column(sa.Float())  # t CO2e, of the result
    computed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # None: changed since it was computed
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ActivityRow(Base):
    """One activity record of an inventory, as the file's ``activities`` list holds it."""

    __tablename__ = "inventory_activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    inventory_id: Mapped[int] = mapped_column(sa.ForeignKey("inventories.id", ondelete="RESTRICT"), index=True)
    site: Mapped[str] = mapped_column(sa.String(100))
    period: Mapped[str] = mapped_column(sa.String(7))  # 2024-03, or 2024 for a yearly record
    record: Mapped[Any] = mapped_column(sa.JSON())  # Activity's values, without those left at their defaults
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


# --- engagements with a certification body: verification (ISO 14064-3) and the CMS evaluation -------------------


class EngagementRow(Base):
    """A case between an organisation and a certification body, worked on certification's workflow machinery
    (``lowcarbon.certify.workflow``, machines in ``data/workflow.json``): the verification of one of the
    organisation's inventories, or the evaluation of its carbon management system against a requirement set."""

    __tablename__ = "inventory_engagements"
    __table_args__ = (sa.CheckConstraint("kind IN ('verification', 'evaluation')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True)
    inventory_id: Mapped[int | None] = mapped_column(sa.ForeignKey("inventories.id", ondelete="RESTRICT"))
    requirement_set: Mapped[str | None] = mapped_column(sa.String(100))  # an evaluation's, "<id>-<version>"
    state: Mapped[str] = mapped_column(sa.String(32), index=True)
    terms: Mapped[Any] = mapped_column(sa.JSON(none_as_null=True), nullable=True)  # assurance, materiality_percent
    self_assessment: Mapped[Any] = mapped_column(sa.JSON(none_as_null=True), nullable=True)  # scores and their score
    conclusion: Mapped[Any] = mapped_column(sa.JSON(none_as_null=True), nullable=True)  # the opinion, or the scores
    actions: Mapped[Any] = mapped_column(sa.JSON(none_as_null=True), nullable=True)  # requirement -> corrective action
    created_by: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class EngagementMoveRow(Base):
    """A move of an engagement: who made it, from which state to which, with what (what separation of duties
    reads)."""

    __tablename__ = "inventory_engagement_moves"

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("inventory_engagements.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(64))
    from_state: Mapped[str] = mapped_column(sa.String(32))
    to_state: Mapped[str] = mapped_column(sa.String(32))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    note: Mapped[str | None] = mapped_column(sa.String(2000))
    data: Mapped[Any] = mapped_column(sa.JSON(none_as_null=True), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class SampleRow(Base):
    """An activity record the verifier sampled, as it was then, with the evidence seen: described, and a file when
    one is attached."""

    __tablename__ = "inventory_samples"

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("inventory_engagements.id", ondelete="RESTRICT"), index=True
    )
    activity_id: Mapped[int] = mapped_column()  # the inventory's record it was copied from (a reference)
    site: Mapped[str] = mapped_column(sa.String(100))
    period: Mapped[str] = mapped_column(sa.String(7))
    record: Mapped[Any] = mapped_column(sa.JSON())
    evidence: Mapped[str] = mapped_column(sa.String(2000))  # what was seen: "State Grid bills, Jan to Mar"
    document_name: Mapped[str | None] = mapped_column(sa.String(200))
    document: Mapped[bytes | None] = mapped_column(sa.LargeBinary())
    document_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    created_by: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FindingRow(Base):
    """A verification finding: a nonconformity, or a misstatement with its amount (t CO2e, signed: + overstated);
    open until the body records the organisation's correction."""

    __tablename__ = "inventory_findings"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('nonconformity', 'misstatement')", name="kind"),
        sa.CheckConstraint("status IN ('open', 'corrected')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("inventory_engagements.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(16))
    text: Mapped[str] = mapped_column(sa.String(2000))
    amount_t: Mapped[float | None] = mapped_column(sa.Float())
    sample_id: Mapped[int | None] = mapped_column(sa.ForeignKey("inventory_samples.id", ondelete="RESTRICT"))
    status: Mapped[str] = mapped_column(sa.String(16))
    correction: Mapped[str | None] = mapped_column(sa.String(2000))
    created_by: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    corrected_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    corrected_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class StatementRow(Base):
    """What an engagement ends with, signed by the body as certificates are: a verification statement or a CMS
    evaluation certificate, its content and the JWS over it."""

    __tablename__ = "inventory_statements"

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("inventory_engagements.id", ondelete="RESTRICT"), unique=True
    )
    number: Mapped[str] = mapped_column(sa.String(32), unique=True)
    content: Mapped[Any] = mapped_column(sa.JSON())
    jws: Mapped[str] = mapped_column(sa.Text())
    kid: Mapped[str] = mapped_column(sa.String(64))
    issued_on: Mapped[date] = mapped_column(sa.Date())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
