"""The admin's page of the organisation's people: who is in it, with which role, and a form to add someone.

GET  /organisation                  the organisation's users                                   admin
POST /organisation/users            email, name, role, password, csrf_token: 303 back, or the   admin
                                    page again with the reason (400, 409, 422)
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from lowcarbon.errors import Conflict, InvalidInput
from lowcarbon.platform import accounts, machine_clients
from lowcarbon.platform.dependencies import NowDep, SessionDep, WriteSessionDep
from lowcarbon.platform.forms import read_fields
from lowcarbon.platform.logins import SessionUser
from lowcarbon.platform.organisation_routes import client, member
from lowcarbon.platform.roles import Role
from lowcarbon.web.access import PageAdmin
from lowcarbon.web.render import page

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


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


def _page(
    request: Request,
    user: SessionUser,
    session: Any,
    now: Any,
    *,
    error: str | None = None,
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
        "draft": draft or {"role": Role.viewer},
        "clients": [client(row) for row in machine_clients.list_clients(session, user.organisation_id)],
        "scopes": _scopes(request),
        "client_error": client_error,
        "new_client": new_client,
    }
    return page(request, "organisation.html", context, status=status)
