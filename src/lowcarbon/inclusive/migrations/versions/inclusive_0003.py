"""A partner's count of reviewed events (``inclusive_partners.reviewed``): ingestion reads a batch's history before it
takes the partner's lock and, under the lock, only what the partner's batches stored since; a reviewer's release or
refusal changes that history otherwise, so it counts here, and a batch that finds the count moved reads it again.

Revision ID: inclusive_0003
Revises: inclusive_0002
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "inclusive_0003"
down_revision = "inclusive_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:  # SQLite adds and drops a column in place (a copy of the table would break its references)
    op.add_column("inclusive_partners", sa.Column("reviewed", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    op.drop_column("inclusive_partners", "reviewed")
