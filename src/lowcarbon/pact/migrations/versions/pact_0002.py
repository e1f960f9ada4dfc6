"""PACT: where a customer's host takes answers, how each request was answered; suppliers and their footprints.

Revision ID: pact_0002
Revises: pact_0001
Create Date: 2026-12-06

Values are written out here, not imported from the package, so that this revision stays what it was.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "pact_0002"
down_revision = "pact_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    timestamp = sa.DateTime(timezone=True)
    with op.batch_alter_table("pact_customers") as batch:
        batch.add_column(sa.Column("events_url", sa.String(500), nullable=True))
        batch.add_column(sa.Column("events_client_id", sa.String(200), nullable=True))
        batch.add_column(sa.Column("events_client_secret", sa.String(500), nullable=True))
        batch.add_column(sa.Column("revoked_at", timestamp, nullable=True))
    with op.batch_alter_table("pact_events") as batch:
        batch.add_column(sa.Column("answer_state", sa.String(16), nullable=True))
        batch.add_column(sa.Column("answer_job_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("answer", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("answer_error", sa.Text(), nullable=True))
        batch.add_column(sa.Column("answered_at", timestamp, nullable=True))
    op.create_table(
        "pact_suppliers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("base_url", sa.String(500), nullable=False),
        sa.Column("client_id", sa.String(200), nullable=False),
        sa.Column("client_secret", sa.String(500), nullable=False),
        sa.Column("created_at", timestamp, nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_pact_suppliers_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pact_suppliers")),
        sa.UniqueConstraint("organisation_id", "name", name=op.f("uq_pact_suppliers_organisation_id_name")),
    )
    op.create_index(op.f("ix_pact_suppliers_organisation_id"), "pact_suppliers", ["organisation_id"])
    op.create_table(
        "pact_supplier_footprints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=True),
        sa.Column("pf_id", sa.String(36), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("fetched_at", timestamp, nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_pact_supplier_footprints_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["pact_suppliers.id"],
            name=op.f("fk_pact_supplier_footprints_supplier_id_pact_suppliers"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pact_supplier_footprints")),
        sa.UniqueConstraint("organisation_id", "pf_id", name=op.f("uq_pact_supplier_footprints_organisation_id_pf_id")),
    )
    op.create_index(
        op.f("ix_pact_supplier_footprints_organisation_id"), "pact_supplier_footprints", ["organisation_id"]
    )


def downgrade() -> None:
    op.drop_table("pact_supplier_footprints")
    op.drop_table("pact_suppliers")
    with op.batch_alter_table("pact_events") as batch:
        for column in ("answered_at", "answer_error", "answer", "answer_job_id", "answer_state"):
            batch.drop_column(column)
    with op.batch_alter_table("pact_customers") as batch:
        for column in ("revoked_at", "events_client_secret", "events_client_id", "events_url"):
            batch.drop_column(column)
