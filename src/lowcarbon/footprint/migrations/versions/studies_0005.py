"""An organisation's own factor library, and the copies of its files that studies keep.

Revision ID: studies_0005
Revises: studies_0004
Create Date: 2027-01-10

``library_files`` holds each factor file an organisation uploaded: its factor set (unique within the organisation),
the file's name and content (a UTF-8 CSV file's text, any other file's bytes in base64, as ``encoding`` says), the
SHA-256 digest and size of its bytes, how many factors it holds, and who uploaded it when. ``study_library_files``
holds, for each study, a copy of each library file whose set its model links, as it was when the study was stored,
with the library file it came from while that exists. Going down refuses while either table has a row: the older
schema has no place for them, and a study without the library files it links could no longer be recomputed.
Values are written out here, not imported from the package, so that this revision stays what it was.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "studies_0005"
down_revision = "studies_0004"
branch_labels = None
depends_on = None

CREATOR = "(created_by IS NULL) <> (created_by_client IS NULL)"
ENCODING = "encoding IN ('text', 'base64')"


def upgrade() -> None:
    op.create_table(
        "library_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("factor_set", sa.String(100), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("encoding", sa.String(8), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("factors", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_by_client", sa.Integer(), nullable=True),
        sa.Column("client_name", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(ENCODING, name=op.f("ck_library_files_encoding")),
        sa.CheckConstraint(CREATOR, name=op.f("ck_library_files_creator")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_library_files_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_library_files_created_by_users"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_client"],
            ["machine_clients.id"],
            name=op.f("fk_library_files_created_by_client_machine_clients"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_library_files")),
        sa.UniqueConstraint("organisation_id", "factor_set", name=op.f("uq_library_files_organisation_id_factor_set")),
    )
    op.create_table(
        "study_library_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("study_id", sa.Integer(), nullable=False),
        sa.Column("library_file_id", sa.Integer(), nullable=True),
        sa.Column("factor_set", sa.String(100), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("encoding", sa.String(8), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.CheckConstraint(ENCODING, name=op.f("ck_study_library_files_encoding")),
        sa.ForeignKeyConstraint(
            ["study_id"], ["studies.id"], name=op.f("fk_study_library_files_study_id_studies"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["library_file_id"],
            ["library_files.id"],
            name=op.f("fk_study_library_files_library_file_id_library_files"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_study_library_files")),
        sa.UniqueConstraint("study_id", "factor_set", name=op.f("uq_study_library_files_study_id_factor_set")),
    )


def downgrade() -> None:
    connection = op.get_bind()
    for table, what in (
        ("study_library_files", "copies of library files kept with studies"),
        ("library_files", "factor files in organisations' libraries"),
    ):
        kept: int = connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()  # a table name of ours
        if kept:
            raise RuntimeError(
                f"{kept} {what}, which revision studies_0004 cannot record; they stay, and so does revision "
                "studies_0005"
            )
    op.drop_table("study_library_files")
    op.drop_table("library_files")
