"""The catalog's tables (migration branch ``catalog``).

``catalog_categories`` are procurement categories: a code (``A02010103``, or a certification scheme's category code)
with names and the declared unit that makes footprints comparable. ``catalog_products`` are certified product
models, one row per registry id, from an import (a body's registry) or from a certificate this platform issued
(``source`` "platform", kept current by ``catalog.sync`` in the certificate's own transaction).

Search reads two more structures. The full-text index, made by the migrations per database and not mapped here:
on SQLite ``catalog_search``, an FTS5 table (rowid = product id; columns ``ident``, ``names``); on PostgreSQL
``catalog_postings`` (a row per term with the ids of the products holding it) and ``catalog_search`` (each
product's terms), see ``catalog.postings``. And every server process keeps the
products' filter and sort columns in memory (``catalog.index``), refreshed from ``catalog_state`` (``generation``
changes when a bulk import commits: read everything again) and ``catalog_changes`` (one row per product changed
since, in commit order: read just those).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lowcarbon.storage import Base, UTCDateTime

__all__ = ["SEARCH_TABLES", "Category", "Change", "Product", "State"]

# the full-text index's tables, per database (and their names' starts: FTS5's shadow tables on SQLite)
SEARCH_TABLES = ("catalog_search", "catalog_postings")


class Category(Base):
    """A procurement category."""

    __tablename__ = "catalog_categories"

    code: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    name_zh: Mapped[str | None] = mapped_column(sa.String(200))
    name_en: Mapped[str | None] = mapped_column(sa.String(200))
    standard: Mapped[str | None] = mapped_column(sa.String(100))  # the certification standard (HJ 2507, ...)
    declared_unit: Mapped[str | None] = mapped_column(sa.String(100))
    source: Mapped[str | None] = mapped_column(sa.String(500))  # where the mapping comes from; None: from an import


class Product(Base):
    """A certified product model."""

    __tablename__ = "catalog_products"

    id: Mapped[int] = mapped_column(primary_key=True)
    registry_id: Mapped[str] = mapped_column(sa.String(128), unique=True)
    brand: Mapped[str] = mapped_column(sa.String(200))
    model: Mapped[str] = mapped_column(sa.String(200))
    name_zh: Mapped[str | None] = mapped_column(sa.String(500))
    name_en: Mapped[str | None] = mapped_column(sa.String(500))
    category_code: Mapped[str] = mapped_column(sa.String(64))
    label: Mapped[str] = mapped_column(sa.String(100))
    certificate_number: Mapped[str] = mapped_column(sa.String(100), index=True)
    certificate_status: Mapped[str] = mapped_column(sa.String(16))  # valid, suspended, revoked, withdrawn, expired
    valid_until: Mapped[date | None] = mapped_column(sa.Date())
    certification_body: Mapped[str | None] = mapped_column(sa.String(200))
    region: Mapped[str | None] = mapped_column(sa.String(100))
    footprint: Mapped[float | None] = mapped_column(sa.Float())  # kg CO2e per declared unit
    declared_unit: Mapped[str | None] = mapped_column(sa.String(100))
    specs: Mapped[dict[str, Any]] = mapped_column(sa.JSON())  # category-specific specifications
    source: Mapped[str] = mapped_column(sa.String(16))  # "import" or "platform"
    fingerprint: Mapped[str] = mapped_column(sa.String(32))  # of the imported values: re-importing them is no change
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class State(Base):
    """One row: the generation of the catalog, which a bulk import advances."""

    __tablename__ = "catalog_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    generation: Mapped[int] = mapped_column()


class Change(Base):
    """A product changed (added, edited, its certificate moved) since the generation began, in commit order."""

    __tablename__ = "catalog_changes"

    seq: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column()
