"""A partner's largest event row (``inclusive_partners.last_event``), kept by ingestion under the partner's lock: the
mark from which a batch read before the lock catches up. Found among the events instead, it was a walk back over
every other partner's rows stored since the partner's last (a partner that sends once a day, among busy ones, walked
back over the day's rows for every batch).

Revision ID: inclusive_0004
Revises: inclusive_0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "inclusive_0004"
down_revision = "inclusive_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:  # SQLite adds and drops a column in place (a copy of the table would break its references)
    op.add_column("inclusive_partners", sa.Column("last_event", sa.Integer(), nullable=False, server_default="0"))
    op.execute(
        "UPDATE inclusive_partners SET last_event = coalesce((SELECT max(e.id) FROM inclusive_events AS e"
        " WHERE e.partner_id = inclusive_partners.id), 0)"
    )


def downgrade() -> None:
    op.drop_column("inclusive_partners", "last_event")
