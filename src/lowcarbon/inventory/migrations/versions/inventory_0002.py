"""Engagements with a certification body: the verification of an inventory (ISO 14064-3) and the evaluation of a
carbon management system, their moves, the verifier's samples and findings, and the signed statements.

Revision ID: inventory_0002
Revises: inventory_0001
Create Date: 2026-12-06

Values are written out here, not imported from the package, so that this revision stays what it was.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "inventory_0002"
down_revision = "inventory_0001"
branch_labels = None
depends_on = None

ENGAGEMENTS = "inventory_engagements"


def _fk(table: str, column: str, referred: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{referred}.id"], name=op.f(f"fk_{table}_{column}_{referred}"), ondelete="RESTRICT"
    )


def _index(table: str, column: str) -> None:
    op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


def upgrade() -> None:
    timestamp = sa.DateTime(timezone=True)
    json = sa.JSON(none_as_null=True)
    op.create_table(
        ENGAGEMENTS,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("inventory_id", sa.Integer(), nullable=True),
        sa.Column("requirement_set", sa.String(length=100), nullable=True),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("terms", json, nullable=True),
        sa.Column("self_assessment", json, nullable=True),
        sa.Column("conclusion", json, nullable=True),
        sa.Column("actions", json, nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", timestamp, nullable=False),
        sa.Column("updated_at", timestamp, nullable=False),
        sa.CheckConstraint("kind IN ('verification', 'evaluation')", name=op.f(f"ck_{ENGAGEMENTS}_kind")),
        _fk(ENGAGEMENTS, "organisation_id", "organisations"),
        _fk(ENGAGEMENTS, "body_id", "organisations"),
        _fk(ENGAGEMENTS, "inventory_id", "inventories"),
        _fk(ENGAGEMENTS, "created_by", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{ENGAGEMENTS}")),
    )
    for column in ("organisation_id", "body_id", "state"):
        _index(ENGAGEMENTS, column)

    moves = "inventory_engagement_moves"
    op.create_table(
        moves,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("from_state", sa.String(length=32), nullable=False),
        sa.Column("to_state", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=2000), nullable=True),
        sa.Column("data", json, nullable=True),
        sa.Column("at", timestamp, nullable=False),
        _fk(moves, "engagement_id", ENGAGEMENTS),
        _fk(moves, "user_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{moves}")),
    )
    _index(moves, "engagement_id")

    samples = "inventory_samples"
    op.create_table(
        samples,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("site", sa.String(length=100), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("evidence", sa.String(length=2000), nullable=False),
        sa.Column("document_name", sa.String(length=200), nullable=True),
        sa.Column("document", sa.LargeBinary(), nullable=True),
        sa.Column("document_sha256", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", timestamp, nullable=False),
        _fk(samples, "engagement_id", ENGAGEMENTS),
        _fk(samples, "created_by", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{samples}")),
    )
    _index(samples, "engagement_id")

    findings = "inventory_findings"
    op.create_table(
        findings,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.String(length=2000), nullable=False),
        sa.Column("amount_t", sa.Float(), nullable=True),
        sa.Column("sample_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("correction", sa.String(length=2000), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", timestamp, nullable=False),
        sa.Column("corrected_by", sa.Integer(), nullable=True),
        sa.Column("corrected_at", timestamp, nullable=True),
        sa.CheckConstraint("kind IN ('nonconformity', 'misstatement')", name=op.f(f"ck_{findings}_kind")),
        sa.CheckConstraint("status IN ('open', 'corrected')", name=op.f(f"ck_{findings}_status")),
        _fk(findings, "engagement_id", ENGAGEMENTS),
        _fk(findings, "sample_id", samples),
        _fk(findings, "created_by", "users"),
        _fk(findings, "corrected_by", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{findings}")),
    )
    _index(findings, "engagement_id")

    statements = "inventory_statements"
    op.create_table(
        statements,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("jws", sa.Text(), nullable=False),
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("created_at", timestamp, nullable=False),
        _fk(statements, "engagement_id", ENGAGEMENTS),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{statements}")),
        sa.UniqueConstraint("engagement_id", name=op.f(f"uq_{statements}_engagement_id")),
        sa.UniqueConstraint("number", name=op.f(f"uq_{statements}_number")),
    )


def downgrade() -> None:
    op.drop_table("inventory_statements")
    op.drop_index(op.f("ix_inventory_findings_engagement_id"), table_name="inventory_findings")
    op.drop_table("inventory_findings")
    op.drop_index(op.f("ix_inventory_samples_engagement_id"), table_name="inventory_samples")
    op.drop_table("inventory_samples")
    op.drop_index(op.f("ix_inventory_engagement_moves_engagement_id"), table_name="inventory_engagement_moves")
    op.drop_table("inventory_engagement_moves")
    for column in ("state", "body_id", "organisation_id"):
        op.drop_index(op.f(f"ix_{ENGAGEMENTS}_{column}"), table_name=ENGAGEMENTS)
    op.drop_table(ENGAGEMENTS)
