"""The green product catalog: categories, product models, the full-text index per database, and what keeps each
server's in-memory search columns current (the generation and the change log).

Revision ID: catalog_0001
Revises:
Depends on: 0002 (it goes down with the kernel, as the other domains do)
Create Date: 2026-12-06

The first revision of the catalog branch. Values are written out here, not imported from the package, so that this
revision stays what it was.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "catalog_0001"
down_revision = None
branch_labels = ("catalog",)
depends_on = ("0002",)


def upgrade() -> None:
    op.create_table(
        "catalog_categories",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name_zh", sa.String(length=200), nullable=True),
        sa.Column("name_en", sa.String(length=200), nullable=True),
        sa.Column("standard", sa.String(length=100), nullable=True),
        sa.Column("declared_unit", sa.String(length=100), nullable=True),
        sa.Column("source", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_catalog_categories")),
    )
    op.create_table(
        "catalog_products",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registry_id", sa.String(length=128), nullable=False),
        sa.Column("brand", sa.String(length=200), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("name_zh", sa.String(length=500), nullable=True),
        sa.Column("name_en", sa.String(length=500), nullable=True),
        sa.Column("category_code", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("certificate_number", sa.String(length=100), nullable=False),
        sa.Column("certificate_status", sa.String(length=16), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("certification_body", sa.String(length=200), nullable=True),
        sa.Column("region", sa.String(length=100), nullable=True),
        sa.Column("footprint", sa.Float(), nullable=True),
        sa.Column("declared_unit", sa.String(length=100), nullable=True),
        sa.Column("specs", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("fingerprint", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_products")),
        sa.UniqueConstraint("registry_id", name=op.f("uq_catalog_products_registry_id")),
    )
    op.create_index(
        op.f("ix_catalog_products_certificate_number"), "catalog_products", ["certificate_number"], unique=False
    )
    op.create_table(
        "catalog_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_state")),
    )
    op.execute("INSERT INTO catalog_state (id, generation) VALUES (1, 1)")
    op.create_table(
        "catalog_changes",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_catalog_changes")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TABLE catalog_search (id INTEGER PRIMARY KEY, ident TSVECTOR NOT NULL, terms TSVECTOR NOT NULL)"
        )
        op.execute("CREATE INDEX ix_catalog_search_terms ON catalog_search USING GIN (terms)")
    else:
        op.execute("CREATE VIRTUAL TABLE catalog_search USING fts5(ident, names, detail=column, tokenize='unicode61')")


def downgrade() -> None:
    op.execute("DROP TABLE catalog_search")
    op.drop_table("catalog_changes")
    op.drop_table("catalog_state")
    op.drop_index(op.f("ix_catalog_products_certificate_number"), table_name="catalog_products")
    op.drop_table("catalog_products")
    op.drop_table("catalog_categories")
