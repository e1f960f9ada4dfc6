"""Products and their footprint studies.

Revision ID: studies_0001
Revises:
Depends on: 0003 (the kernel's jobs; organisations and users come before)
Create Date: 2026-11-29

The first revision of the studies branch. Values are written out here, not imported from the package, so that this
revision stays what it was.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "studies_0001"
down_revision = None
branch_labels = ("studies",)
depends_on = "0003"

FORMATS = ("yaml", "json", "xlsx")
STATUSES = ("queued", "running", "done", "failed")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


def upgrade() -> None:
    timestamp = sa.DateTime(timezone=True)
    op.create_table(
        "products",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", timestamp, nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_products_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
        sa.UniqueConstraint("organisation_id", "name", name=op.f("uq_products_organisation_id_name")),
    )
    op.create_table(
        "studies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("model_text", sa.Text(), nullable=False),
        sa.Column("model_format", sa.String(8), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("total", sa.Float(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", timestamp, nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(_one_of("model_format", FORMATS), name=op.f("ck_studies_model_format")),
        sa.CheckConstraint(_one_of("status", STATUSES), name=op.f("ck_studies_status")),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_studies_product_id_products"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_studies_created_by_users"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"], name=op.f("fk_studies_job_id_jobs"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_studies")),
        sa.UniqueConstraint("product_id", "version", name=op.f("uq_studies_product_id_version")),
        sa.UniqueConstraint("job_id", name=op.f("uq_studies_job_id")),
    )


def downgrade() -> None:
    op.drop_table("studies")
    op.drop_table("products")
