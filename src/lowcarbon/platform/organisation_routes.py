"""The caller's organisation, its people and its machine clients over HTTP: everyone sees who is in it, an admin
adds people and manages the programs that call the API for it.

    GET  /api/organisation                                        200 OrganisationOut (with its users)   every role
    POST /api/organisation/users        {email, name, role, password}  201 Member                        admin
    PATCH  /api/organisation/users/{id}           {role}          200 Member                             admin
    DELETE /api/organisation/users/{id}                           204                                    admin
    POST /api/organisation/users/{id}/password    {password}      200 Member                             admin
    POST /api/organisation/users/{id}/unlock                      200 Member                             admin
    GET  /api/organisation/clients                                200 [Client]                           admin
    POST /api/organisation/clients      {name, scopes}            201 NewClientOut (with the secret)     admin
    POST /api/organisation/clients/{client_id}/disable            200 Client                             admin

A new client's secret is in the creation's answer only (the database keeps its Argon2id hash): give it to the
program then. Disabling a client is for good: its tokens stop working at once and it gets no new ones.

A person acts within their own organisation only: there is no route to another's. The password of a new user must
have 15 to 1,024 characters (``passwords``); it is hashed with Argon2id, never stored or recorded as given. An email
that already has an account is 409 ``conflict``. Every addition is in the audit trail, without the password.
A removed person keeps their history (``members``) and their email stays theirs; the organisation's last admin can
be neither removed nor given another role (409 ``conflict``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response
from pydantic import BaseModel, Field

from lowcarbon.platform import accounts, machine_clients, members, passwords
from lowcarbon.platform.auth import AdminUser, CurrentUser
from lowcarbon.platform.dependencies import NowDep, SessionDep, WriteSessionDep
from lowcarbon.platform.http_errors import ErrorResponse
from lowcarbon.platform.roles import OrganisationKind, Role
from lowcarbon.platform.tables import MachineClient, User
from lowcarbon.text import Email, SingleLine

__all__ = [
    "Client",
    "ClientIn",
    "Member",
    "MemberIn",
    "NewClientOut",
    "OrganisationOut",
    "PasswordIn",
    "RoleIn",
    "client",
    "member",
    "router",
]

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

    email: Email = Field(min_length=5, max_length=320)
    name: SingleLine = Field(default="", max_length=200)
    role: Role
    password: str = Field(  # counted by passwords.check_rules after Unicode normalisation, so not checked here
        description="15 to 1,024 characters; give it to the person by a separate channel",
        json_schema_extra={"minLength": passwords.MIN_LENGTH, "maxLength": passwords.MAX_LENGTH, "format": "password"},
    )


class RoleIn(BaseModel):
    """A person's new role."""

    role: Role


class PasswordIn(BaseModel):
    """A person's new password, set by an admin."""

    password: str = Field(
        description="15 to 1,024 characters; give it to the person by a separate channel",
        json_schema_extra={"minLength": passwords.MIN_LENGTH, "maxLength": passwords.MAX_LENGTH, "format": "password"},
    )


class Client(BaseModel):
    """A machine client of the organisation: a program that gets bearer tokens at /auth/token."""

    client_id: str
    name: str
    scopes: list[str]
    disabled: bool
    created_at: datetime


class ClientIn(BaseModel):
    """A new machine client: a name people recognise it by, and its scopes (space-separated, OAuth2's way)."""

    name: SingleLine = Field(default="", max_length=200)
    scopes: SingleLine = Field(min_length=1, max_length=1000, examples=["studies:read studies:write"])


class NewClientOut(Client):
    """A new machine client with its secret, shown this once."""

    client_secret: str


def client(row: MachineClient) -> Client:
    """The organisation's view of a machine client (never its secret)."""
    return Client(
        client_id=row.client_id,
        name=row.name,
        scopes=row.scopes.split(),
        disabled=row.disabled,
        created_at=row.created_at,
    )


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
        actor=user.actor,
    )
    response.headers["Location"] = "/api/organisation"
    return member(created, now)


UserId = Annotated[int, Path(ge=1, le=2**31 - 1)]
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorResponse, "description": "not_found: no such person in your organisation"}
}


@router.patch("/users/{user_id}", responses=_NOT_FOUND)
def change_role(user_id: UserId, body: RoleIn, user: AdminUser, session: WriteSessionDep, now: NowDep) -> Member:
    """Give a person another role; the organisation's last admin stays admin (409) (admins only)."""
    changed = members.change_role(
        session, organisation_id=user.organisation_id, user_id=user_id, role=body.role, actor=user.actor
    )
    return member(changed, now)


@router.delete("/users/{user_id}", status_code=204, responses=_NOT_FOUND)
def remove_user(user_id: UserId, user: AdminUser, session: WriteSessionDep, now: NowDep) -> Response:
    """Remove a person: they cannot log in any more, their sessions end, what they did stays theirs; not the
    organisation's last admin (409) (admins only)."""
    members.remove_user(session, organisation_id=user.organisation_id, user_id=user_id, actor=user.actor, now=now)
    return Response(status_code=204)


@router.post("/users/{user_id}/password", responses=_NOT_FOUND)
def reset_password(user_id: UserId, body: PasswordIn, user: AdminUser, session: WriteSessionDep, now: NowDep) -> Member:
    """Give a person a new password, which lifts any lock and ends their sessions (admins only)."""
    changed = members.reset_password(
        session,
        organisation_id=user.organisation_id,
        user_id=user_id,
        password=body.password,
        actor=user.actor,
        now=now,
    )
    return member(changed, now)


@router.post("/users/{user_id}/unlock", responses=_NOT_FOUND)
def unlock(user_id: UserId, user: AdminUser, session: WriteSessionDep, now: NowDep) -> Member:
    """Lift the lock that repeated failed logins put on a person's account (admins only)."""
    changed = members.unlock(session, organisation_id=user.organisation_id, user_id=user_id, actor=user.actor)
    return member(changed, now)


@router.get("/clients")
def clients(user: AdminUser, session: SessionDep) -> list[Client]:
    """Your organisation's machine clients, oldest first (admins only)."""
    return [client(row) for row in machine_clients.list_clients(session, user.organisation_id)]


@router.post("/clients", status_code=201)
def add_client(
    body: ClientIn, user: AdminUser, session: WriteSessionDep, now: NowDep, request: Request
) -> NewClientOut:
    """Add a machine client with some of the scopes the API knows; the answer holds its secret, which is shown this
    once (admins only)."""
    made = machine_clients.create_client(
        session,
        organisation_id=user.organisation_id,
        scopes=body.scopes,
        name=body.name,
        actor=user.actor,
        now=now,
        known=request.app.state.scopes,
    )
    row = session.get(MachineClient, made.id)
    assert row is not None, "created in this transaction"
    return NewClientOut(**client(row).model_dump(), client_secret=made.secret)


@router.post("/clients/{client_id}/disable", responses={404: {"model": ErrorResponse, "description": "not_found"}})
def disable_client(
    client_id: Annotated[SingleLine, Path(max_length=64)], user: AdminUser, session: WriteSessionDep
) -> Client:
    """Disable a machine client for good: its tokens stop working at once (admins only)."""
    row = machine_clients.disable_client(
        session, organisation_id=user.organisation_id, client_id=client_id, actor=user.actor
    )
    return client(row)
