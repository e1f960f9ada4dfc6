"""The factor files of a study: each file its model names in ``factor_files``, kept beside the study.

Revision ID: studies_0003
Revises: studies_0002
Create Date: 2026-12-01

``study_files`` holds one row per file: the name the model gives it (a path relative to the model), its content (a
CSV file's text, an Excel file's bytes in base64), and the SHA-256 digest and size of its bytes. Going down refuses
while a study has a file: the older schema has no place for it, and a study without the files its model names could
no longer be recomputed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "studies_0003"
down_revision = "studies_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "study_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("study_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["study_id"], ["studies.id"], name=op.f("fk_study_files_study_id_studies"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_study_files")),
        sa.UniqueConstraint("study_id", "name", name=op.f("uq_study_files_study_id_name")),
    )


def downgrade() -> None:
    kept: int = op.get_bind().execute(sa.text("SELECT count(*) FROM study_files")).scalar_one()
    if kept:
        raise RuntimeError(
            f"{kept} factor files are kept with studies, which revision studies_0002 cannot record; "
            "they stay, and so does revision studies_0003"
        )
    op.drop_table("study_files")
