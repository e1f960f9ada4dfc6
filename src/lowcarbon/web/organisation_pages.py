"""The admin's page of the organisation's people: who is in it, with which role, and a form to add someone.

GET  /organisation                  the organisation's users                                   admin
POST /organisation/users            email, name, role, password, csrf_token: 303 back, or the   admin
                                    page again with the reason (400, 409)
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from lowcarbon.platform import accounts
from lowcarbon.platform.auth import admin_user
from lowcarbon.platform.dependencies import NowDep, SessionDep, WriteSessionDep
from lowcarbon.platform.errors import Conflict, InvalidInput
from lowcarbon.platform.forms import read_fields
from lowcarbon.platform.logins import SessionUser
from lowcarbon.platform.organisation_routes import member
from lowcarbon.platform.roles import Role
from lowcarbon.web.access import PageUser
from lowcarbon.web.render import page

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def page_admin(user: PageUser) -> SessionUser:
    """The logged-in person if they are their organisation's admin; else 403 forbidden."""
    return admin_user(user)


PageAdmin = Annotated[SessionUser, Depends(page_admin)]


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
            actor=f"user:{user.id}",
        )
    except (InvalidInput, Conflict) as exc:
        status = 409 if isinstance(exc, Conflict) else 400
        draft = {name: fields.get(name, "") for name in ("email", "name", "role")}
        return _page(request, user, session, now, error=str(exc), draft=draft, status=status)
    return RedirectResponse("/organisation", status_code=303)


def _page(
    request: Request,
    user: SessionUser,
    session: Any,
    now: Any,
    *,
    error: str | None = None,
    draft: dict[str, str] | None = None,
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
    }
    return page(request, "organisation.html", context, status=status)
