"""Archived products and a note on each version.

Revision ID: studies_0007
Revises: studies_0006
Create Date: 2026-12-06

``products.archived_at``: when the product was archived (none: in use); an archived product keeps its studies but
is left out of lists and takes no new version until it is restored. ``studies.note``: what a person says of a
version (none: nothing). Going down refuses while a product is archived or a version has a note: the older schema has
no place for them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "studies_0007"
down_revision = "studies_0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("products") as batch:
        batch.add_column(sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("studies") as batch:
        batch.add_column(sa.Column("note", sa.Text(), nullable=True))


def downgrade() -> None:
    bind = op.get_bind()
    archived: int = bind.execute(sa.text("SELECT count(*) FROM products WHERE archived_at IS NOT NULL")).scalar_one()
    noted: int = bind.execute(sa.text("SELECT count(*) FROM studies WHERE note IS NOT NULL")).scalar_one()
    if archived or noted:
        raise RuntimeError(
            f"{archived} archived products and {noted} notes on versions, which revision studies_0006 cannot record; "
            "they stay, and so does revision studies_0007"
        )
    # not a batch: SQLite's batch recreates the table and breaks the references of other tables' rows to it
    op.execute("ALTER TABLE studies DROP COLUMN note")
    op.execute("ALTER TABLE products DROP COLUMN archived_at")
