"""People's logins: check a password, count failures and lock the account, open, find and end login sessions.

Functions take the caller's session and the time, and do not commit: the caller commits the change together with its
audit entry. A failed login is a state change too (the failure count), so callers commit failures as well.

Lockout: the fifth consecutive wrong password locks the account for 15 minutes; the lock then lifts by itself and
the count starts again. A locked account refuses even the right password, and every refusal looks the same to the
caller (``log_in`` returns None), whether the email is unknown, the password wrong or the account locked, so the
answer does not tell whether an email has an account. An unknown email still costs one Argon2 verification, so the
time taken does not tell either. The audit trail records failures without what was typed: a mistyped email could be
a password typed in the wrong field, and an append-only log cannot forget it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lowcarbon.platform import audit
from lowcarbon.platform.accounts import user_state
from lowcarbon.platform.credentials import new_token, token_digest
from lowcarbon.platform.passwords import hash_password, needs_rehash, verify_password
from lowcarbon.platform.tables import LoginSession, Organisation, User
from lowcarbon.storage import snapshot

__all__ = [
    "LOCKOUT",
    "MAX_FAILURES",
    "NewLogin",
    "SessionUser",
    "find_session",
    "log_in",
    "log_out",
    "session_state",
]

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class NewLogin:
    """A session just opened: ``token`` goes into the cookie and is not kept anywhere else."""

    session_id: int
    user_id: int
    token: str
    expires_at: datetime


@dataclass(frozen=True)
class SessionUser:
    """The person behind a valid session cookie, as routes see them."""

    id: int
    email: str
    name: str
    role: str
    organisation_id: int
    organisation_name: str
    organisation_kind: str
    session_id: int
    session_expires_at: datetime
    time_zone: str | None = None  # the IANA zone the person chose for times, or None for their language's default

    @property
    def actor(self) -> str:
        """How the audit trail names this person."""
        return actor_of_user(self.id)


def actor_of_user(user_id: int) -> str:
    """How the audit trail names the user ``user_id``: ``user:<id>``."""
    return f"user:{user_id}"


def session_state(login: LoginSession) -> dict[str, Any]:
    """What the audit trail records of a login session: everything but the token's hash."""
    return snapshot(login, hidden=("token_hash",))


@cache
def _decoy_hash() -> str:
    """A hash to verify against when there is no user, so that unknown emails take as long as known ones."""
    return hash_password("no account has this password, it only spends time")


def log_in(session: Session, *, email: str, password: str, now: datetime, lifetime: timedelta) -> NewLogin | None:
    """Open a session for the user with ``email`` and ``password``; None, with the failure recorded, if refused."""
    email = email.strip().lower()
    user = session.scalar(sa.select(User).where(User.email == email).with_for_update())
    if user is None:
        verify_password(_decoy_hash(), password)
        audit.record(session, ANONYMOUS, "login_failed", "user", "", None, {"reason": "unknown_email"})
        return None
    if user.removed_at is not None:
        verify_password(_decoy_hash(), password)
        audit.record(session, ANONYMOUS, "login_failed", "user", user.id, None, {"reason": "removed"})
        return None
    if user.locked_until is not None and user.locked_until > now:
        verify_password(_decoy_hash(), password)
        audit.record(session, ANONYMOUS, "login_failed", "user", user.id, None, {"reason": "locked"})
        return None
    if user.password_hash is None or not verify_password(user.password_hash, password):
        _count_failure(session, user, now)
        return None
    before = user_state(user)
    user.failed_logins, user.locked_until = 0, None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    if user_state(user) != before:
        audit.record(session, actor_of_user(user.id), "login_reset_failures", "user", user.id, before, user_state(user))
    token = new_token()
    login = LoginSession(
        user_id=user.id, token_hash=token_digest(token), created_at=now, expires_at=now + lifetime, revoked_at=None
    )
    session.add(login)
    session.flush()
    audit.record(session, actor_of_user(user.id), "login", "login_session", login.id, None, session_state(login))
    return NewLogin(session_id=login.id, user_id=user.id, token=token, expires_at=login.expires_at)


def _count_failure(session: Session, user: User, now: datetime) -> None:
    before = user_state(user)
    user.failed_logins = (user.failed_logins or 0) + 1
    user.locked_until = None  # a lock that has run out
    action = "login_failed"
    if user.failed_logins >= MAX_FAILURES:
        user.failed_logins, user.locked_until, action = 0, now + LOCKOUT, "lockout"
    session.flush()
    audit.record(session, ANONYMOUS, action, "user", user.id, before, user_state(user))


def find_session(session: Session, token: str, now: datetime) -> SessionUser | None:
    """The user of the session whose cookie holds ``token``, if that session is neither revoked nor expired."""
    row = session.execute(
        sa.select(LoginSession, User, Organisation)
        .join(User, LoginSession.user_id == User.id)
        .join(Organisation, User.organisation_id == Organisation.id)
        .where(
            LoginSession.token_hash == token_digest(token),
            LoginSession.revoked_at.is_(None),
            LoginSession.expires_at > now,
            User.removed_at.is_(None),
        )
    ).one_or_none()
    if row is None:
        return None
    login, user, organisation = row
    return SessionUser(
        id=user.id,
        email=user.email,
        name=user.name,
        role=user.role,
        organisation_id=organisation.id,
        organisation_name=organisation.name,
        organisation_kind=organisation.kind,
        session_id=login.id,
        session_expires_at=login.expires_at,
        time_zone=user.time_zone,
    )


def log_out(session: Session, *, session_id: int, now: datetime) -> None:
    """Revoke a login session, so that its cookie opens nothing any more, and record it."""
    login = session.get(LoginSession, session_id, with_for_update=True)
    if login is None or login.revoked_at is not None:
        return
    before = session_state(login)
    login.revoked_at = now
    session.flush()
    audit.record(
        session, actor_of_user(login.user_id), "logout", "login_session", login.id, before, session_state(login)
    )
