"""Certification: bodies' signing keys, applications with their frozen studies, documents and findings,
certificates with their signed revisions, and every move of either.

Revision ID: certify_0001
Revises:
Depends on: 0002 (organisations, users)
Create Date: 2026-12-06

The first revision of the certify branch. Values are written out here, not imported from the package, so that this
revision stays what it was.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "certify_0001"
down_revision = None
branch_labels = ("certify",)
depends_on = ("0002",)


def upgrade() -> None:
    timestamp = sa.DateTime(timezone=True)
    op.create_table(
        "certify_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("public_x", sa.String(length=64), nullable=False),
        sa.Column("sealed", sa.Text(), nullable=False),
        sa.Column("created_at", timestamp, nullable=False),
        sa.Column("retired_at", timestamp, nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_certify_keys_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certify_keys")),
        sa.UniqueConstraint("kid", name=op.f("uq_certify_keys_kid")),
    )
    op.create_index(op.f("ix_certify_keys_organisation_id"), "certify_keys", ["organisation_id"], unique=False)
    op.create_table(
        "certify_applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scheme", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("producer", sa.String(length=200), nullable=False),
        sa.Column("sites", sa.JSON(), nullable=False),
        sa.Column("scope", sa.String(length=1000), nullable=False),
        sa.Column("renews", sa.String(length=32), nullable=True),
        sa.Column("checklist", sa.JSON(), nullable=True),
        sa.Column("opinion", sa.JSON(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", timestamp, nullable=False),
        sa.Column("updated_at", timestamp, nullable=False),
        sa.ForeignKeyConstraint(
            ["applicant_id"],
            ["organisations.id"],
            name=op.f("fk_certify_applications_applicant_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["body_id"],
            ["organisations.id"],
            name=op.f("fk_certify_applications_body_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_certify_applications_created_by_users"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certify_applications")),
    )
    op.create_index(
        op.f("ix_certify_applications_applicant_id"), "certify_applications", ["applicant_id"], unique=False
    )
    op.create_index(op.f("ix_certify_applications_body_id"), "certify_applications", ["body_id"], unique=False)
    op.create_index(op.f("ix_certify_applications_state"), "certify_applications", ["state"], unique=False)
    op.create_table(
        "certify_certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("scheme", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("serial", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=False),
        sa.Column("products", sa.String(length=2000), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("status_changed_at", timestamp, nullable=False),
        sa.Column("created_at", timestamp, nullable=False),
        sa.CheckConstraint(
            "status IN ('valid', 'suspended', 'revoked', 'withdrawn')", name=op.f("ck_certify_certificates_status")
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["certify_applications.id"],
            name=op.f("fk_certify_certificates_application_id_certify_applications"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["body_id"],
            ["organisations.id"],
            name=op.f("fk_certify_certificates_body_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["holder_id"],
            ["organisations.id"],
            name=op.f("fk_certify_certificates_holder_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certify_certificates")),
        sa.UniqueConstraint("number", name=op.f("uq_certify_certificates_number")),
        sa.UniqueConstraint("scheme", "year", "serial", name=op.f("uq_certify_certificates_scheme_year_serial")),
    )
    op.create_index(op.f("ix_certify_certificates_body_id"), "certify_certificates", ["body_id"], unique=False)
    op.create_index(op.f("ix_certify_certificates_holder_id"), "certify_certificates", ["holder_id"], unique=False)
    op.create_index(op.f("ix_certify_certificates_status"), "certify_certificates", ["status"], unique=False)
    op.create_table(
        "certify_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", timestamp, nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["certify_applications.id"],
            name=op.f("fk_certify_documents_application_id_certify_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by"], ["users.id"], name=op.f("fk_certify_documents_uploaded_by_users"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certify_documents")),
    )
    op.create_table(
        "certify_frozen_studies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("study_id", sa.Integer(), nullable=False),
        sa.Column("product", sa.String(length=200), nullable=False),
        sa.Column("product_zh", sa.String(length=200), nullable=True),
        sa.Column("models", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("source", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("declared_value", sa.Float(), nullable=False),
        sa.Column("declared_unit", sa.String(length=200), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["certify_applications.id"],
            name=op.f("fk_certify_frozen_studies_application_id_certify_applications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certify_frozen_studies")),
    )
    op.create_table(
        "certify_certificate_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("certificate_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("jws", sa.Text(), nullable=False),
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("created_at", timestamp, nullable=False),
        sa.ForeignKeyConstraint(
            ["certificate_id"],
            ["certify_certificates.id"],
            name=op.f("fk_certify_certificate_revisions_certificate_id_certify_certificates"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certify_certificate_revisions")),
        sa.UniqueConstraint(
            "certificate_id", "revision", name=op.f("uq_certify_certificate_revisions_certificate_id_revision")
        ),
    )
    op.create_table(
        "certify_findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("text", sa.String(length=2000), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("corrective_action", sa.String(length=2000), nullable=True),
        sa.Column("evidence_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", timestamp, nullable=False),
        sa.Column("closed_by", sa.Integer(), nullable=True),
        sa.Column("closed_at", timestamp, nullable=True),
        sa.CheckConstraint("severity IN ('major', 'minor', 'observation')", name=op.f("ck_certify_findings_severity")),
        sa.CheckConstraint("status IN ('open', 'answered', 'closed')", name=op.f("ck_certify_findings_status")),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["certify_applications.id"],
            name=op.f("fk_certify_findings_application_id_certify_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["closed_by"], ["users.id"], name=op.f("fk_certify_findings_closed_by_users"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_certify_findings_created_by_users"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["evidence_id"],
            ["certify_documents.id"],
            name=op.f("fk_certify_findings_evidence_id_certify_documents"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certify_findings")),
    )
    op.create_table(
        "certify_moves",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("certificate_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("from_state", sa.String(length=32), nullable=False),
        sa.Column("to_state", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=2000), nullable=True),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.Column("at", timestamp, nullable=False),
        sa.CheckConstraint(
            "(application_id IS NULL) <> (certificate_id IS NULL)", name=op.f("ck_certify_moves_subject")
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["certify_applications.id"],
            name=op.f("fk_certify_moves_application_id_certify_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["certificate_id"],
            ["certify_certificates.id"],
            name=op.f("fk_certify_moves_certificate_id_certify_certificates"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_certify_moves_user_id_users"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certify_moves")),
    )
    op.create_index(op.f("ix_certify_moves_application_id"), "certify_moves", ["application_id"], unique=False)
    op.create_index(op.f("ix_certify_moves_certificate_id"), "certify_moves", ["certificate_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_certify_moves_certificate_id"), table_name="certify_moves")
    op.drop_index(op.f("ix_certify_moves_application_id"), table_name="certify_moves")
    op.drop_table("certify_moves")
    op.drop_table("certify_findings")
    op.drop_table("certify_certificate_revisions")
    op.drop_table("certify_frozen_studies")
    op.drop_table("certify_documents")
    op.drop_index(op.f("ix_certify_certificates_status"), table_name="certify_certificates")
    op.drop_index(op.f("ix_certify_certificates_holder_id"), table_name="certify_certificates")
    op.drop_index(op.f("ix_certify_certificates_body_id"), table_name="certify_certificates")
    op.drop_table("certify_certificates")
    op.drop_index(op.f("ix_certify_applications_state"), table_name="certify_applications")
    op.drop_index(op.f("ix_certify_applications_body_id"), table_name="certify_applications")
    op.drop_index(op.f("ix_certify_applications_applicant_id"), table_name="certify_applications")
    op.drop_table("certify_applications")
    op.drop_index(op.f("ix_certify_keys_organisation_id"), table_name="certify_keys")
    op.drop_table("certify_keys")
