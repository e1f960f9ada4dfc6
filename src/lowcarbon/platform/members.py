"""Managing an organisation's people: change a role, remove a person, reset a password, unlock an account, and a
person's change of their own password; each change recorded in the audit trail.

Functions take the caller's session and do not commit. A person is reached within the acting admin's organisation
only: another organisation's person is reported as not existing (NotFound). A removed person keeps their row, so
their studies and audit entries still name them, but they leave the organisation's list, cannot log in, and their
sessions end at once; so do a person's sessions when an admin resets their password. The organisation's last admin
can be neither removed nor made editor or viewer (Conflict): someone must be able to manage it.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lowcarbon.errors import Conflict, InvalidInput, NotFound
from lowcarbon.platform import audit
from lowcarbon.platform.accounts import user_state
from lowcarbon.platform.logins import session_state
from lowcarbon.platform.passwords import hash_password, verify_password
from lowcarbon.platform.roles import Role
from lowcarbon.platform.tables import LoginSession, User
from lowcarbon.storage import serialize

__all__ = ["change_own_password", "change_role", "password_is", "remove_user", "reset_password", "unlock"]


def change_role(session: Session, *, organisation_id: int, user_id: int, role: str, actor: str) -> User:
    """Give person ``user_id`` of the organisation ``role``; Conflict when that leaves it without an admin."""
    if role not in set(Role):
        raise InvalidInput(f"{role!r} is not a role; use one of {', '.join(Role)}")
    user = _member(session, organisation_id, user_id)
    if user.role == role:
        return user
    if user.role == Role.admin:
        _keep_an_admin(session, organisation_id, user.id, "make the organisation's last admin an editor or viewer")
    before = user_state(user)
    user.role = role
    session.flush()
    audit.record(session, actor, "change_role", "user", user.id, before, user_state(user))
    return user


def remove_user(session: Session, *, organisation_id: int, user_id: int, actor: str, now: datetime) -> User:
    """Remove person ``user_id`` from the organisation: no login, sessions ended, history kept; Conflict for its
    last admin."""
    user = _member(session, organisation_id, user_id)
    if user.role == Role.admin:
        _keep_an_admin(session, organisation_id, user.id, "remove the organisation's last admin")
    before = user_state(user)
    user.removed_at, user.password_hash, user.failed_logins, user.locked_until = now, None, 0, None
    session.flush()
    audit.record(session, actor, "remove", "user", user.id, before, user_state(user))
    _end_sessions(session, user.id, actor, now)
    return user


def reset_password(
    session: Session, *, organisation_id: int, user_id: int, password: str, actor: str, now: datetime
) -> User:
    """Give person ``user_id`` a new password (to be passed on by a separate channel), lift any lock and end their
    sessions."""
    password_hash = hash_password(password)
    user = _member(session, organisation_id, user_id)
    before = user_state(user)
    user.password_hash, user.failed_logins, user.locked_until = password_hash, 0, None
    session.flush()
    audit.record(session, actor, "reset_password", "user", user.id, before, user_state(user))
    _end_sessions(session, user.id, actor, now)
    return user


def unlock(session: Session, *, organisation_id: int, user_id: int, actor: str) -> User:
    """Lift the lock repeated failed logins put on person ``user_id``'s account, and reset the count."""
    user = _member(session, organisation_id, user_id)
    if user.locked_until is None and not user.failed_logins:
        return user
    before = user_state(user)
    user.failed_logins, user.locked_until = 0, None
    session.flush()
    audit.record(session, actor, "unlock", "user", user.id, before, user_state(user))
    return user


def change_own_password(
    session: Session, *, user_id: int, current: str, new: str, keep_session: int, now: datetime
) -> User:
    """A person's new password, given their current one (InvalidInput when it is wrong); their other sessions end,
    the one they are using (``keep_session``) stays."""
    user = session.get(User, user_id, with_for_update=True)
    if user is None or user.removed_at is not None:
        raise NotFound(f"no user {user_id}")
    if user.password_hash is None or not verify_password(user.password_hash, current):
        raise InvalidInput("the current password is not right")
    before = user_state(user)
    user.password_hash = hash_password(new)
    session.flush()
    actor = f"user:{user.id}"
    audit.record(session, actor, "change_password", "user", user.id, before, user_state(user))
    _end_sessions(session, user.id, actor, now, keep=keep_session)
    return user


def password_is(session: Session, *, user_id: int, password: str) -> bool:
    """Whether ``password`` is person ``user_id``'s current password."""
    password_hash = session.scalar(sa.select(User.password_hash).where(User.id == user_id))
    return password_hash is not None and verify_password(password_hash, password)


def _member(session: Session, organisation_id: int, user_id: int) -> User:
    user = session.get(User, user_id, with_for_update=True)
    if user is None or user.organisation_id != organisation_id or user.removed_at is not None:
        raise NotFound(f"your organisation has no person {user_id}")
    return user


def _keep_an_admin(session: Session, organisation_id: int, user_id: int, refused: str) -> None:
    """Conflict unless the organisation has an admin besides ``user_id`` (taken one change at a time)."""
    serialize(session, f"organisation:{organisation_id}:admins")
    others = session.scalar(
        sa.select(sa.func.count())
        .select_from(User)
        .where(
            User.organisation_id == organisation_id,
            User.role == Role.admin.value,
            User.removed_at.is_(None),
            User.id != user_id,
        )
    )
    if not others:
        raise Conflict(f"you cannot {refused}: make another person admin first")


def _end_sessions(session: Session, user_id: int, actor: str, now: datetime, keep: int | None = None) -> None:
    """End the person's open sessions (but ``keep``), each recorded."""
    query = sa.select(LoginSession).where(
        LoginSession.user_id == user_id, LoginSession.revoked_at.is_(None), LoginSession.expires_at > now
    )
    for login in session.scalars(query.with_for_update()):
        if login.id == keep:
            continue
        before = session_state(login)
        login.revoked_at = now
        session.flush()
        audit.record(session, actor, "logout", "login_session", login.id, before, session_state(login))
