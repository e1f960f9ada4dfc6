"""Organisations and their users: the use cases that create them, each write recorded in the audit trail.

Functions take the caller's session and do not commit: the caller commits the change and its audit entry together.
What the audit trail keeps of a user never includes the password hash (an append-only log cannot forget it later).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import cache
from typing import Any
from zoneinfo import available_timezones

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lowcarbon.errors import Conflict, InvalidInput, NotFound
from lowcarbon.platform import audit
from lowcarbon.platform.passwords import hash_password
from lowcarbon.platform.roles import OrganisationKind, Role
from lowcarbon.platform.tables import Organisation, User
from lowcarbon.storage import snapshot
from lowcarbon.text import check_text

__all__ = [
    "create_organisation",
    "create_user",
    "get_organisation",
    "list_users",
    "organisation_state",
    "set_time_zone",
    "time_zones",
    "user_state",
]

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")  # a deliverable-looking shape; the mail server has the last word


def organisation_state(organisation: Organisation) -> dict[str, Any]:
    """What the audit trail records of an organisation."""
    return snapshot(organisation)


def user_state(user: User) -> dict[str, Any]:
    """What the audit trail records of a user: everything but the password hash, of which only its presence."""
    return snapshot(user, hidden=("password_hash",), has_password=user.password_hash is not None)


def create_organisation(session: Session, *, name: str, kind: str, actor: str) -> Organisation:
    """Add an organisation of ``kind`` (see OrganisationKind) and record it in the audit trail."""
    name = check_text(name, "name").strip()
    if not name or len(name) > 200:
        raise InvalidInput("give the organisation a name of 1 to 200 characters")
    organisation = Organisation(name=name, kind=_choice(kind, OrganisationKind, "kind"), created_at=_now())
    session.add(organisation)
    session.flush()
    audit.record(session, actor, "create", "organisation", organisation.id, None, organisation_state(organisation))
    return organisation


def create_user(
    session: Session,
    *,
    email: str,
    organisation_id: int,
    role: str,
    password: str | None,
    actor: str,
    name: str = "",
) -> User:
    """Add a user to an organisation with ``role`` (see Role) and record it; without a password they cannot log in."""
    email = check_text(email, "email").strip().lower()
    name = check_text(name, "name")
    if not _EMAIL.fullmatch(email) or len(email) > 320:
        raise InvalidInput(f"{email!r} is not an email address")
    if len(name.strip()) > 200:
        raise InvalidInput("give a name of at most 200 characters")
    role = _choice(role, Role, "role")
    password_hash = hash_password(password) if password is not None else None
    if session.get(Organisation, organisation_id) is None:
        raise NotFound(f"there is no organisation {organisation_id}")
    if session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise Conflict(f"{email} already has an account")
    user = User(
        organisation_id=organisation_id,
        email=email,
        name=name.strip(),
        password_hash=password_hash,
        role=role,
        failed_logins=0,
        created_at=_now(),
    )
    session.add(user)
    session.flush()
    audit.record(session, actor, "create", "user", user.id, None, user_state(user))
    return user


def get_organisation(session: Session, organisation_id: int) -> Organisation:
    """Organisation ``organisation_id``; NotFound when there is none."""
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(f"there is no organisation {organisation_id}")
    return organisation


def list_users(session: Session, organisation_id: int, *, removed: bool = False) -> list[User]:
    """The organisation's users, by email; those removed too when ``removed``."""
    query = sa.select(User).where(User.organisation_id == organisation_id).order_by(User.email)
    if not removed:
        query = query.where(User.removed_at.is_(None))
    return list(session.scalars(query))


@cache
def time_zones() -> frozenset[str]:
    """The IANA time zones a person may choose (those the system's zone database knows)."""
    return frozenset(available_timezones())


def set_time_zone(session: Session, *, user_id: int, zone: str, actor: str) -> User:
    """Show person ``user_id`` times in ``zone`` (an IANA name such as Asia/Shanghai; empty: the default of the
    page's language), recorded in the audit trail."""
    zone = zone.strip()
    if zone and zone not in time_zones():
        raise InvalidInput(f"{zone!r} is not a time zone; give an IANA name such as Asia/Shanghai or Europe/Berlin")
    user = session.get(User, user_id, with_for_update=True)
    if user is None:
        raise NotFound(f"no user {user_id}")
    before = user_state(user)
    user.time_zone = zone or None
    session.flush()
    audit.record(session, actor, "update", "user", user.id, before, user_state(user))
    return user


def _choice(value: str, choices: type[OrganisationKind] | type[Role], what: str) -> str:
    if value not in {str(choice) for choice in choices}:
        raise InvalidInput(f"{value!r} is not a {what}; use one of {', '.join(choices)}")
    return value


def _now() -> datetime:
    return datetime.now(UTC)
