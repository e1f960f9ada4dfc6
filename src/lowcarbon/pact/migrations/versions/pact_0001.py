"""PACT: published footprints and their keys, customers, shares, and the events customers sent.

Revision ID: pact_0001
Revises:
Depends on: 0002 (organisations, machine clients), studies_0001 (studies)
Create Date: 2026-12-06

The first revision of the pact branch. Values are written out here, not imported from the package, so that this
revision stays what it was.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "pact_0001"
down_revision = None
branch_labels = ("pact",)
depends_on = ("0002", "studies_0001")


def upgrade() -> None:
    timestamp = sa.DateTime(timezone=True)
    op.create_table(
        "pact_footprints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pf_id", sa.String(36), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("study_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("geography", sa.String(16), nullable=True),
        sa.Column("valid_from", timestamp, nullable=False),
        sa.Column("valid_until", timestamp, nullable=False),
        sa.Column("created_at", timestamp, nullable=False),
        sa.Column("deprecated_at", timestamp, nullable=True),
        sa.CheckConstraint("status IN ('Active', 'Deprecated')", name=op.f("ck_pact_footprints_status")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_pact_footprints_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["study_id"], ["studies.id"], name=op.f("fk_pact_footprints_study_id_studies"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pact_footprints")),
        sa.UniqueConstraint("pf_id", name=op.f("uq_pact_footprints_pf_id")),
    )
    op.create_index(op.f("ix_pact_footprints_organisation_id"), "pact_footprints", ["organisation_id"])
    op.create_table(
        "pact_footprint_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("footprint_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("value", sa.String(500), nullable=False),
        sa.CheckConstraint(
            "kind IN ('product', 'company', 'classification')", name=op.f("ck_pact_footprint_keys_kind")
        ),
        sa.ForeignKeyConstraint(
            ["footprint_id"],
            ["pact_footprints.id"],
            name=op.f("fk_pact_footprint_keys_footprint_id_pact_footprints"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pact_footprint_keys")),
    )
    op.create_index(op.f("ix_pact_footprint_keys_footprint_id"), "pact_footprint_keys", ["footprint_id"])
    op.create_index("ix_pact_footprint_keys_kind_value", "pact_footprint_keys", ["kind", "value"])
    op.create_table(
        "pact_customers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("machine_client_id", sa.Integer(), nullable=False),
        sa.Column("all_footprints", sa.Boolean(), nullable=False),
        sa.Column("created_at", timestamp, nullable=False),
        sa.ForeignKeyConstraint(
            ["machine_client_id"],
            ["machine_clients.id"],
            name=op.f("fk_pact_customers_machine_client_id_machine_clients"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_pact_customers_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pact_customers")),
        sa.UniqueConstraint("machine_client_id", name=op.f("uq_pact_customers_machine_client_id")),
    )
    op.create_index(op.f("ix_pact_customers_organisation_id"), "pact_customers", ["organisation_id"])
    op.create_table(
        "pact_shares",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("footprint_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["pact_customers.id"],
            name=op.f("fk_pact_shares_customer_id_pact_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["footprint_id"],
            ["pact_footprints.id"],
            name=op.f("fk_pact_shares_footprint_id_pact_footprints"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pact_shares")),
        sa.UniqueConstraint("customer_id", "footprint_id", name=op.f("uq_pact_shares_customer_id_footprint_id")),
    )
    op.create_index(op.f("ix_pact_shares_footprint_id"), "pact_shares", ["footprint_id"])
    op.create_table(
        "pact_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(200), nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("type", sa.String(100), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("received_at", timestamp, nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["pact_customers.id"],
            name=op.f("fk_pact_events_customer_id_pact_customers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pact_events")),
        sa.UniqueConstraint(
            "customer_id", "source", "event_id", name=op.f("uq_pact_events_customer_id_source_event_id")
        ),
    )
    op.create_index(op.f("ix_pact_events_customer_id"), "pact_events", ["customer_id"])


def downgrade() -> None:
    op.drop_table("pact_events")
    op.drop_table("pact_shares")
    op.drop_table("pact_customers")
    op.drop_table("pact_footprint_keys")
    op.drop_table("pact_footprints")
