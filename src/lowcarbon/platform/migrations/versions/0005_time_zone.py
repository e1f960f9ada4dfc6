"""A person's time zone: the zone the pages show times in (none: the default of the page's language).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("time_zone", sa.String(64), nullable=True))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35 and later, PostgreSQL), not a batch: SQLite's batch recreates the
    # table, and dropping the old one breaks the references of other tables' rows to it.
    op.execute("ALTER TABLE users DROP COLUMN time_zone")
