"""The admin's page of the organisation's people: who is in it, with which role, and a form to add someone.

GET  /organisation                  the organisation's users                                   admin
POST /organisation/users            email, name, role, password, csrf_token: 303 back, or the   admin
                                    page again with the reason (400, 409, 422)
POST /organisation/users/{id}/role      role, csrf_token        \
POST /organisation/users/{id}/remove    csrf_token               | 303 back, or the page again with     admin
POST /organisation/users/{id}/password  password, csrf_token     | the reason (400; 409: the last admin)
POST /organisation/users/{id}/unlock    csrf_token              /
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from lowcarbon.errors import Conflict, InvalidInput
from lowcarbon.platform import accounts, machine_clients, members
from lowcarbon.platform.dependencies import NowDep, SessionDep, WriteSessionDep
from lowcarbon.platform.forms import read_fields
from lowcarbon.platform.logins import SessionUser
from lowcarbon.platform.organisation_routes import client, member
from lowcarbon.platform.pagination import IdPath
from lowcarbon.platform.roles import Role
from lowcarbon.web.access import PageAdmin
from lowcarbon.web.i18n import N_
from lowcarbon.web.render import page, text

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
LAST_ADMIN = N_("The organisation's last admin stays admin: make another person admin first.")
PASSWORD_RULE = N_("Give a password of 15 to 1,024 characters.")
ROLE_OFFERED = N_("Choose one of the roles offered.")


def _scopes(request: Request) -> tuple[str, ...]:
    """What a client may be granted here: the scopes the domains' routes ask for (``app.state.scopes``)."""
    return tuple(getattr(request.app.state, "scopes", ()))


@router.get("/organisation")
def organisation_page(request: Request, user: PageAdmin, session: SessionDep, now: NowDep) -> HTMLResponse:
    """The organisation's people, and the form to add one."""
    return _page(request, user, session, now)


@router.post("/organisation/users")
async def add_user(request: Request, user: PageAdmin, session: WriteSessionDep, now: NowDep) -> Response:
    """Add a person from the form."""
    fields = await read_fields(request, json_allowed=False)
    try:
        accounts.create_user(
            session,
            email=fields.get("email", ""),
            name=fields.get("name", ""),
            organisation_id=user.organisation_id,
            role=fields.get("role", ""),
            password=fields.get("password", ""),
            actor=user.actor,
        )
    except (InvalidInput, Conflict) as exc:  # 400, 409, or 422 for a control character in a field
        draft = {name: fields.get(name, "") for name in ("email", "name", "role")}
        return _page(request, user, session, now, error=str(exc), draft=draft, status=exc.status)
    return RedirectResponse("/organisation", status_code=303)


@router.post("/organisation/clients")
async def add_client(request: Request, user: PageAdmin, session: WriteSessionDep, now: NowDep) -> Response:
    """Add a machine client with the scopes ticked; the page then shows its secret, this once."""
    fields = await read_fields(request, json_allowed=False)
    scopes = [scope for scope in _scopes(request) if fields.get(f"scope.{scope}")]  # a field each: forms repeat no name
    try:
        made = machine_clients.create_client(
            session,
            organisation_id=user.organisation_id,
            scopes=" ".join(scopes),
            name=fields.get("name", ""),
            actor=user.actor,
            now=now,
        )
    except InvalidInput as exc:
        return _page(request, user, session, now, client_error=str(exc), status=exc.status)
    return _page(request, user, session, now, new_client=made, status=201)


@router.post("/organisation/clients/{client_id}/disable")
def disable_client(client_id: str, user: PageAdmin, session: WriteSessionDep) -> Response:
    """Disable a machine client for good, then show the page again."""
    machine_clients.disable_client(session, organisation_id=user.organisation_id, client_id=client_id, actor=user.actor)
    return RedirectResponse("/organisation", status_code=303)


@router.post("/organisation/users/{user_id}/role")
async def change_role(
    request: Request, user_id: IdPath, user: PageAdmin, session: WriteSessionDep, now: NowDep
) -> Response:
    """Give a person the role chosen in the form."""
    role = (await read_fields(request, json_allowed=False)).get("role", "")
    change = partial(
        members.change_role, session, organisation_id=user.organisation_id, user_id=user_id, role=role, actor=user.actor
    )
    return _manage(request, user, session, now, change, ROLE_OFFERED)


@router.post("/organisation/users/{user_id}/remove")
def remove_user(request: Request, user_id: IdPath, user: PageAdmin, session: WriteSessionDep, now: NowDep) -> Response:
    """Remove a person from the organisation; what they did stays theirs."""
    change = partial(
        members.remove_user, session, organisation_id=user.organisation_id, user_id=user_id, actor=user.actor, now=now
    )
    return _manage(request, user, session, now, change, LAST_ADMIN)


@router.post("/organisation/users/{user_id}/password")
async def reset_password(
    request: Request, user_id: IdPath, user: PageAdmin, session: WriteSessionDep, now: NowDep
) -> Response:
    """Give a person the new password typed in the form."""
    password = (await read_fields(request, json_allowed=False)).get("password", "")
    change = partial(
        members.reset_password,
        session,
        organisation_id=user.organisation_id,
        user_id=user_id,
        password=password,
        actor=user.actor,
        now=now,
    )
    return _manage(request, user, session, now, change, PASSWORD_RULE)


@router.post("/organisation/users/{user_id}/unlock")
def unlock(request: Request, user_id: IdPath, user: PageAdmin, session: WriteSessionDep, now: NowDep) -> Response:
    """Lift the lock that failed logins put on a person's account."""
    change = partial(members.unlock, session, organisation_id=user.organisation_id, user_id=user_id, actor=user.actor)
    return _manage(request, user, session, now, change, LAST_ADMIN)


def _manage(
    request: Request, user: SessionUser, session: Any, now: Any, change: Callable[[], object], refused: str
) -> Response:
    """Make ``change`` to a person, then show the page again; a refusal (``refused``, or the last admin's) on it."""
    try:
        change()
    except Conflict as exc:  # the organisation's last admin
        return _page(request, user, session, now, manage_error=text(request, LAST_ADMIN), status=exc.status)
    except InvalidInput as exc:
        return _page(request, user, session, now, manage_error=text(request, refused), status=exc.status)
    return RedirectResponse("/organisation", status_code=303)


def _page(
    request: Request,
    user: SessionUser,
    session: Any,
    now: Any,
    *,
    error: str | None = None,
    manage_error: str | None = None,
    draft: dict[str, str] | None = None,
    client_error: str | None = None,
    new_client: machine_clients.NewClient | None = None,
    status: int = 200,
) -> HTMLResponse:
    organisation = accounts.get_organisation(session, user.organisation_id)
    members = [member(row, now) for row in accounts.list_users(session, user.organisation_id)]
    context = {
        "user": user,
        "organisation": organisation,
        "members": members,
        "roles": list(Role),
        "error": error,
        "manage_error": manage_error,
        "draft": draft or {"role": Role.viewer},
        "clients": [client(row) for row in machine_clients.list_clients(session, user.organisation_id)],
        "scopes": _scopes(request),
        "client_error": client_error,
        "new_client": new_client,
    }
    return page(request, "organisation.html", context, status=status)
