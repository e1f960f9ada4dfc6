"""The caller's organisation and its people over HTTP: everyone sees who is in it, an admin adds people.

    GET  /api/organisation                    200 OrganisationOut (with its users)      every role
    POST /api/organisation/users  {email, name, role, password}   201 Member            admin

A person acts within their own organisation only: there is no route to another's. The password of a new user must
have 15 to 1,024 characters (``passwords``); it is hashed with Argon2id, never stored or recorded as given. An email
that already has an account is 409 ``conflict``. Every addition is in the audit trail, without the password.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from lowcarbon.platform import accounts
from lowcarbon.platform.auth import AdminUser, CurrentUser
from lowcarbon.platform.dependencies import NowDep, SessionDep, WriteSessionDep
from lowcarbon.platform.http_errors import ErrorResponse
from lowcarbon.platform.roles import OrganisationKind, Role
from lowcarbon.platform.tables import User

__all__ = ["Member", "MemberIn", "OrganisationOut", "member", "router"]

router = APIRouter(
    prefix="/api/organisation",
    tags=["organisation"],
    responses={
        status: {"model": ErrorResponse, "description": description}
        for status, description in (
            (400, "invalid_input: an email, role or password that breaks its rule"),
            (401, "not_authenticated"),
            (403, "forbidden (not an admin), csrf_failed"),
            (409, "conflict: the email has an account already"),
        )
    },
)


class Member(BaseModel):
    """A person of the organisation, as the organisation's people see them."""

    id: int
    email: str
    name: str
    role: Role
    locked: bool = Field(description="Whether repeated failed logins have locked the account right now")
    created_at: datetime


class OrganisationOut(BaseModel):
    """The caller's organisation and its people."""

    id: int
    name: str
    kind: OrganisationKind
    users: list[Member]


class MemberIn(BaseModel):
    """A new person of the caller's organisation."""

    email: str = Field(max_length=320)
    name: str = Field(default="", max_length=200)
    role: Role
    password: str = Field(description="15 to 1,024 characters; give it to the person by a separate channel")


def member(user: User, now: datetime) -> Member:
    """``user`` as the organisation's people see them at ``now``."""
    locked = user.locked_until is not None and user.locked_until > now
    return Member(
        id=user.id, email=user.email, name=user.name, role=Role(user.role), locked=locked, created_at=user.created_at
    )


@router.get("")
def organisation(user: CurrentUser, session: SessionDep, now: NowDep) -> OrganisationOut:
    """Your organisation and its people."""
    found = accounts.get_organisation(session, user.organisation_id)
    users = [member(row, now) for row in accounts.list_users(session, user.organisation_id)]
    return OrganisationOut(id=found.id, name=found.name, kind=OrganisationKind(found.kind), users=users)


@router.post("/users", status_code=201)
def add_user(body: MemberIn, user: AdminUser, session: WriteSessionDep, now: NowDep, response: Response) -> Member:
    """Add a person to your organisation with a role and an initial password (admins only)."""
    created = accounts.create_user(
        session,
        email=body.email,
        name=body.name,
        organisation_id=user.organisation_id,
        role=body.role,
        password=body.password,
        actor=f"user:{user.id}",
    )
    response.headers["Location"] = "/api/organisation"
    return member(created, now)
