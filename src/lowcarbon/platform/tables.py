"""The kernel's tables: organisations, users, the audit log, login sessions, machine clients, access tokens and jobs.

Domain packages keep their own tables. The first migration (``migrations/versions/0001_kernel.py``) creates the first
three, ``0002_auth.py`` the auth tables, ``0003_jobs.py`` the jobs; a test checks that the migrations and this module
describe the same schema on SQLite and PostgreSQL. Session cookies, client secrets and access tokens are never stored
as given: sessions and tokens by their SHA-256 (they are 256-bit random values, so a fast hash is enough), client
secrets by Argon2id.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lowcarbon.platform.database import Base, UTCDateTime
from lowcarbon.platform.roles import OrganisationKind, Role

__all__ = ["AccessToken", "AuditEntry", "Job", "LoginSession", "MachineClient", "Organisation", "User"]


def _one_of(column: str, values: type[OrganisationKind] | type[Role]) -> str:
    return f"{column} IN ({', '.join(repr(str(value)) for value in values)})"


class Organisation(Base):
    """A company or body that works on the platform: a manufacturer, a certification body, a buyer, ..."""

    __tablename__ = "organisations"
    __table_args__ = (sa.CheckConstraint(_one_of("kind", OrganisationKind), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class User(Base):
    """A person who logs in, a member of one organisation with one role in it."""

    __tablename__ = "users"
    __table_args__ = (sa.CheckConstraint(_one_of("role", Role), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True)
    email: Mapped[str] = mapped_column(sa.String(320), unique=True)  # stored lower-case
    name: Mapped[str] = mapped_column(sa.String(200), server_default="")
    password_hash: Mapped[str | None] = mapped_column(sa.String(200))  # Argon2id; None: cannot log in with a password
    role: Mapped[str] = mapped_column(sa.String(32))
    failed_logins: Mapped[int] = mapped_column(server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    time_zone: Mapped[str | None] = mapped_column(sa.String(64))  # IANA; None: the page language's default
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # removed: kept for history, no login (0006)


class AuditEntry(Base):
    """One state change: who did what to which record, when, and the record before and after; see ``audit``."""

    __tablename__ = "audit_log"
    __table_args__ = (sa.Index(None, "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(sa.String(200))
    action: Mapped[str] = mapped_column(sa.String(64))
    entity: Mapped[str] = mapped_column(sa.String(64))
    entity_id: Mapped[str] = mapped_column(sa.String(64))
    before: Mapped[Any] = mapped_column(sa.JSON(none_as_null=True), nullable=True)
    after: Mapped[Any] = mapped_column(sa.JSON(none_as_null=True), nullable=True)
    previous_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)  # unique: the chain cannot fork
    hash: Mapped[str] = mapped_column(sa.String(64), unique=True)


class LoginSession(Base):
    """A person's login: the cookie's token is kept as its SHA-256 only; it ends at ``expires_at`` or on logout."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class MachineClient(Base):
    """A program of an organisation that gets access tokens with OAuth2 client credentials, limited to its scopes."""

    __tablename__ = "machine_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True)
    client_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    secret_hash: Mapped[str] = mapped_column(sa.String(200))  # Argon2id, as passwords
    scopes: Mapped[str] = mapped_column(sa.String(1000))  # space-separated, as OAuth2 writes them
    name: Mapped[str] = mapped_column(sa.String(200), server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    disabled: Mapped[bool] = mapped_column(server_default=sa.false())


class AccessToken(Base):
    """A bearer token issued to a machine client, kept as its SHA-256; valid until ``expires_at``."""

    __tablename__ = "access_tokens"

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True)
    client_id: Mapped[int] = mapped_column(sa.ForeignKey("machine_clients.id", ondelete="RESTRICT"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    scopes: Mapped[str] = mapped_column(sa.String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Job(Base):
    """A piece of background work (see ``jobs``): what it is, whose it is, where it stands, and how it ended."""

    __tablename__ = "jobs"
    __table_args__ = (sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(64))  # the registered function's name
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    status: Mapped[str] = mapped_column(sa.String(16), index=True)
    owner: Mapped[str] = mapped_column(sa.String(200))  # host:pid:token of the process that dispatches it
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    payload: Mapped[Any] = mapped_column(sa.JSON(none_as_null=True), nullable=True)  # by reference, see jobs
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")  # hand-overs to a worker so far
    result: Mapped[Any] = mapped_column(sa.JSON(none_as_null=True), nullable=True)
    error: Mapped[str | None] = mapped_column(sa.Text())
