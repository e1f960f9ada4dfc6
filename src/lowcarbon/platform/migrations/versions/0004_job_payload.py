"""Durable jobs: a job keeps its payload (by reference to what it computes) and counts its attempts.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06

A queued job whose process stopped is run again from its stored payload after a restart (see
lowcarbon.platform.jobs); jobs stored before this revision have no payload and are failed instead, as before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("payload", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35 and later, PostgreSQL), not a batch: SQLite's batch recreates the
    # table, and dropping the old one breaks the references of other tables' rows to it.
    op.execute("ALTER TABLE jobs DROP COLUMN attempts")
    op.execute("ALTER TABLE jobs DROP COLUMN payload")
