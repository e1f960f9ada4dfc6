"""Organisational GHG inventories: an organisation's inventories (the document, the last result) and their activity
records, one row a record.

Revision ID: inventory_0001
Revises:
Depends on: 0002 (organisations)
Create Date: 2026-12-06

The first revision of the inventory branch. Values are written out here, not imported from the package, so that this
revision stays what it was.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "inventory_0001"
down_revision = None
branch_labels = ("inventory",)
depends_on = ("0002",)


def upgrade() -> None:
    timestamp = sa.DateTime(timezone=True)
    op.create_table(
        "inventories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("reporting_year", sa.Integer(), nullable=False),
        sa.Column("approach", sa.String(length=32), nullable=False),
        sa.Column("gwp", sa.String(length=16), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("total", sa.Float(), nullable=True),
        sa.Column("computed_at", timestamp, nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", timestamp, nullable=False),
        sa.Column("updated_at", timestamp, nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_inventories_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_inventories_created_by_users"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventories")),
        sa.UniqueConstraint("organisation_id", "name", name=op.f("uq_inventories_organisation_id_name")),
    )
    op.create_index(op.f("ix_inventories_organisation_id"), "inventories", ["organisation_id"], unique=False)
    op.create_table(
        "inventory_activities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inventory_id", sa.Integer(), nullable=False),
        sa.Column("site", sa.String(length=100), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("created_at", timestamp, nullable=False),
        sa.ForeignKeyConstraint(
            ["inventory_id"],
            ["inventories.id"],
            name=op.f("fk_inventory_activities_inventory_id_inventories"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_activities")),
    )
    op.create_index(
        op.f("ix_inventory_activities_inventory_id"), "inventory_activities", ["inventory_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_inventory_activities_inventory_id"), table_name="inventory_activities")
    op.drop_table("inventory_activities")
    op.drop_index(op.f("ix_inventories_organisation_id"), table_name="inventories")
    op.drop_table("inventories")
