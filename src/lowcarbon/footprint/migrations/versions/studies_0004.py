"""A study keeps the client_id of the machine client that submitted it, so that reading a study needs no kernel table.

Revision ID: studies_0004
Revises: studies_0003
Create Date: 2026-12-06

``client_name`` is the submitting client's ``client_id`` (a client's id never changes), copied from
``machine_clients`` for the studies stored before this revision.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "studies_0004"
down_revision = "studies_0003"
branch_labels = None
depends_on = "0004"


def upgrade() -> None:
    with op.batch_alter_table("studies") as batch:
        batch.add_column(sa.Column("client_name", sa.String(64), nullable=True))
    op.execute(
        "UPDATE studies SET client_name = (SELECT client_id FROM machine_clients "
        "WHERE machine_clients.id = studies.created_by_client) WHERE created_by_client IS NOT NULL"
    )


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35 and later, PostgreSQL), not a batch: SQLite's batch recreates the
    # table, and dropping the old one breaks the references of other tables' rows to it.
    op.execute("ALTER TABLE studies DROP COLUMN client_name")
