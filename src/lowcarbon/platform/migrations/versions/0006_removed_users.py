"""A removed person: the time an admin removed them from their organisation (none: a member).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06

A removed person's row stays, so that what they did (studies, audit entries) still names them; they can no longer
log in. Going down refuses while a person is removed: the older schema would make them a member again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    removed: int = (
        op.get_bind().execute(sa.text("SELECT count(*) FROM users WHERE removed_at IS NOT NULL")).scalar_one()
    )
    if removed:
        raise RuntimeError(f"{removed} removed people, whom revision 0005 would make members again; 0006 stays")
    # not a batch: SQLite's batch recreates the table and breaks the references of other tables' rows (see 0005)
    op.execute("ALTER TABLE users DROP COLUMN removed_at")
