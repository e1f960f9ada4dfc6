"""Studies submitted by machine clients: ``created_by`` may be null, ``created_by_client`` names the client.

Revision ID: studies_0002
Revises: studies_0001
Create Date: 2026-11-30

A study is submitted by a person (``created_by``, a user) or by a program with a bearer token
(``created_by_client``, a machine client), exactly one of the two (check constraint ``creator``). On SQLite the
table is copied to change it (Alembic's batch mode), keeping its rows and constraints. Going down refuses while a
client's study exists: the older schema has no place for it, and studies are records to keep, not to drop quietly.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "studies_0002"
down_revision = "studies_0001"
branch_labels = None
depends_on = None

CREATOR = "(created_by IS NULL) <> (created_by_client IS NULL)"


def upgrade() -> None:
    with op.batch_alter_table("studies") as batch:
        batch.alter_column("created_by", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("created_by_client", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_studies_created_by_client_machine_clients"),
            "machine_clients",
            ["created_by_client"],
            ["id"],
            ondelete="RESTRICT",
        )
        batch.create_check_constraint(op.f("ck_studies_creator"), CREATOR)


def downgrade() -> None:
    kept: int = op.get_bind().execute(sa.text("SELECT count(*) FROM studies WHERE created_by IS NULL")).scalar_one()
    if kept:
        raise RuntimeError(
            f"{kept} studies were submitted by machine clients, which revision studies_0001 cannot record; "
            "they stay, and so does revision studies_0002"
        )
    with op.batch_alter_table("studies") as batch:
        batch.drop_constraint(op.f("ck_studies_creator"), type_="check")
        batch.drop_constraint(op.f("fk_studies_created_by_client_machine_clients"), type_="foreignkey")
        batch.drop_column("created_by_client")
        batch.alter_column("created_by", existing_type=sa.Integer(), nullable=False)
