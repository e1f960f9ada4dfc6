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
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lowcarbon.storage import Base, UTCDateTime

__all__ = ["ActivityRow", "InventoryRow"]


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
