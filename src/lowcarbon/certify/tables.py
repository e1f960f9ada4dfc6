"""The certify domain's tables (migration branch ``certify``).

An application (``certify_applications``) is between two organisations: the applicant and the certification body.
It carries a frozen copy of each footprint study it names (``certify_frozen_studies``: the study's model, factor
files, library copies and result as they were when it was filed, and their fingerprint), so the body reads the
evidence without reaching into the applicant's products and later edits never change what was certified. Every
move of an application or certificate is a row of ``certify_moves`` (who, from which state to which, with what),
which is also what separation of duties reads. Documents and inspection findings hang off the application.

A certificate (``certify_certificates``) is issued once per granted application; each of its revisions (the first,
and one per change of its models) is kept in ``certify_certificate_revisions`` with the JWS the body signed, so a
certificate's history is append-only. A body's signing keys (``certify_keys``) are kept sealed (encrypted with a key
derived from the platform's secret key); a retired key still verifies what it signed.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lowcarbon.storage import Base, UTCDateTime

__all__ = [
    "Application",
    "Certificate",
    "CertificateRevision",
    "Document",
    "Finding",
    "FrozenStudy",
    "Move",
    "SigningKey",
]


class SigningKey(Base):
    """An Ed25519 key of a certification body: its public half, and its private half sealed."""

    __tablename__ = "certify_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True)
    kid: Mapped[str] = mapped_column(sa.String(64), unique=True)
    public_x: Mapped[str] = mapped_column(sa.String(64))  # the public key, base64url (the JWK's x)
    sealed: Mapped[str] = mapped_column(sa.Text())  # the private key, sealed, base64
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # no longer signs; still verifies


class Application(Base):
    """An application of a manufacturer to a certification body for one scheme and category."""

    __tablename__ = "certify_applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme: Mapped[str] = mapped_column(sa.String(64))
    category: Mapped[str] = mapped_column(sa.String(64))
    applicant_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True)
    state: Mapped[str] = mapped_column(sa.String(32), index=True)
    producer: Mapped[str] = mapped_column(sa.String(200))
    sites: Mapped[list[str]] = mapped_column(sa.JSON())
    scope: Mapped[str] = mapped_column(sa.String(1000))
    renews: Mapped[str | None] = mapped_column(sa.String(32))  # the number of the certificate it renews
    checklist: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON())  # item id -> met, as the inspection found
    opinion: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON())  # the verification opinion, once given
    created_by: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FrozenStudy(Base):
    """A footprint study as it was when the application was filed: a product model of the application."""

    __tablename__ = "certify_frozen_studies"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("certify_applications.id", ondelete="CASCADE"))
    study_id: Mapped[int] = mapped_column()  # the applicant's study it was copied from (a reference, not a link)
    product: Mapped[str] = mapped_column(sa.String(200))
    product_zh: Mapped[str | None] = mapped_column(sa.String(200))
    models: Mapped[list[str]] = mapped_column(sa.JSON())  # the product model numbers it stands for
    version: Mapped[int] = mapped_column()
    source: Mapped[dict[str, Any]] = mapped_column(sa.JSON())  # model_text, model_format, files, library
    result: Mapped[dict[str, Any]] = mapped_column(sa.JSON())  # Footprint.to_dict() as computed then
    total: Mapped[float] = mapped_column(sa.Float())
    declared_value: Mapped[float] = mapped_column(sa.Float())  # the value the applicant declares
    declared_unit: Mapped[str] = mapped_column(sa.String(200))
    fingerprint: Mapped[str] = mapped_column(sa.String(64))  # SHA-256 of the canonical JSON of source and result


class Document(Base):
    """A file of an application: the applicant's evidence, or the body's record (an inspection report)."""

    __tablename__ = "certify_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("certify_applications.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(200))
    media_type: Mapped[str] = mapped_column(sa.String(100))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary())
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(sa.String(64))
    stage: Mapped[str] = mapped_column(sa.String(32))  # the application's state when it was added
    uploaded_by: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Finding(Base):
    """A finding of the inspection or verification: a non-conformity (major, minor) or an observation; the
    applicant answers with a corrective action (and evidence), the body closes it."""

    __tablename__ = "certify_findings"
    __table_args__ = (
        sa.CheckConstraint("severity IN ('major', 'minor', 'observation')", name="severity"),
        sa.CheckConstraint("status IN ('open', 'answered', 'closed')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("certify_applications.id", ondelete="CASCADE"))
    severity: Mapped[str] = mapped_column(sa.String(16))
    text: Mapped[str] = mapped_column(sa.String(2000))
    status: Mapped[str] = mapped_column(sa.String(16))
    corrective_action: Mapped[str | None] = mapped_column(sa.String(2000))
    evidence_id: Mapped[int | None] = mapped_column(sa.ForeignKey("certify_documents.id", ondelete="RESTRICT"))
    created_by: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Certificate(Base):
    """A certificate: its number, scheme, parties, dates and current status (its content is its revisions')."""

    __tablename__ = "certify_certificates"
    __table_args__ = (
        sa.UniqueConstraint("scheme", "year", "serial"),
        sa.CheckConstraint("status IN ('valid', 'suspended', 'revoked', 'withdrawn')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(32), unique=True)
    scheme: Mapped[str] = mapped_column(sa.String(64))
    year: Mapped[int] = mapped_column()
    serial: Mapped[int] = mapped_column()
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("certify_applications.id", ondelete="RESTRICT"))
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True)
    holder_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True)
    holder: Mapped[str] = mapped_column(sa.String(200))  # the holder's name as certified (searchable)
    products: Mapped[str] = mapped_column(sa.String(2000))  # product names and model numbers (searchable)
    status: Mapped[str] = mapped_column(sa.String(16), index=True)  # stored; "expired" is read from valid_until
    issued_on: Mapped[date] = mapped_column(sa.Date())
    valid_until: Mapped[date] = mapped_column(sa.Date())
    revision: Mapped[int] = mapped_column()  # the current revision
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CertificateRevision(Base):
    """One signed revision of a certificate: its content and the JWS over it."""

    __tablename__ = "certify_certificate_revisions"
    __table_args__ = (sa.UniqueConstraint("certificate_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(sa.ForeignKey("certify_certificates.id", ondelete="RESTRICT"))
    revision: Mapped[int] = mapped_column()
    content: Mapped[dict[str, Any]] = mapped_column(sa.JSON())
    jws: Mapped[str] = mapped_column(sa.Text())
    kid: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Move(Base):
    """A move of an application or a certificate: who made it, from which state to which, with what."""

    __tablename__ = "certify_moves"
    __table_args__ = (sa.CheckConstraint("(application_id IS NULL) <> (certificate_id IS NULL)", name="subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("certify_applications.id", ondelete="CASCADE"), index=True
    )
    certificate_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("certify_certificates.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(64))
    from_state: Mapped[str] = mapped_column(sa.String(32))
    to_state: Mapped[str] = mapped_column(sa.String(32))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    note: Mapped[str | None] = mapped_column(sa.String(2000))
    data: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON())
    at: Mapped[datetime] = mapped_column(UTCDateTime())
