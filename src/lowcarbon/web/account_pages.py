"""A person's own account page: who they are, the time zone their pages show times in, and their password.

GET  /account               the person's account and the time-zone form                     anyone logged in
POST /account/time-zone     time_zone (an IANA name, or empty for the language's default),  anyone logged in
                            csrf_token: 303 back, or the page again with the reason (400)
POST /account/password      current_password, new_password, csrf_token: 303 back      anyone logged in
                            (their other sessions end), or the page again (400)
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from lowcarbon.errors import InvalidInput
from lowcarbon.platform import accounts, members
from lowcarbon.platform.dependencies import NowDep, WriteSessionDep
from lowcarbon.platform.forms import read_fields
from lowcarbon.platform.logins import SessionUser
from lowcarbon.web.access import PageUser
from lowcarbon.web.i18n import N_, language_of
from lowcarbon.web.render import ZONES, page, text

__all__ = ["COMMON_ZONES", "router"]

router = APIRouter(include_in_schema=False)
# offered first in the form's list; any other IANA zone is accepted too
COMMON_ZONES = (
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Taipei",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Australia/Sydney",
    "UTC",
)
NOT_A_ZONE = N_("This is not a time zone: choose one from the list.")
WRONG_PASSWORD = N_("The current password is not right.")
PASSWORD_RULE = N_("Give a password of 15 to 1,024 characters.")


@router.get("/account")
def account_page(request: Request, user: PageUser) -> HTMLResponse:
    """The person's account and the time-zone form."""
    return _page(request, user)


@router.post("/account/time-zone")
async def set_time_zone(request: Request, user: PageUser, session: WriteSessionDep) -> Response:
    """Save the time zone the person's pages show times in."""
    fields = await read_fields(request, json_allowed=False)
    try:
        accounts.set_time_zone(session, user_id=user.id, zone=fields.get("time_zone", ""), actor=user.actor)
    except InvalidInput:
        return _page(request, user, error=text(request, NOT_A_ZONE), status=400)
    return RedirectResponse("/account", status_code=303)


@router.post("/account/password")
async def change_password(request: Request, user: PageUser, session: WriteSessionDep, now: NowDep) -> Response:
    """Change the person's password, given the current one; their other sessions end."""
    fields = await read_fields(request, json_allowed=False)
    current = fields.get("current_password", "")
    try:
        members.change_own_password(
            session,
            user_id=user.id,
            current=current,
            new=fields.get("new_password", ""),
            keep_session=user.session_id,
            now=now,
        )
    except InvalidInput as exc:
        wrong = not members.password_is(session, user_id=user.id, password=current)
        reason = text(request, WRONG_PASSWORD if wrong else PASSWORD_RULE)
        return _page(request, user, password_error=reason, status=exc.status)
    return RedirectResponse("/account?password=changed", status_code=303)


def _page(
    request: Request,
    user: SessionUser,
    *,
    error: str | None = None,
    password_error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    zones = list(COMMON_ZONES)
    if user.time_zone and user.time_zone not in zones:
        zones.insert(0, user.time_zone)
    context = {
        "user": user,
        "zones": zones,
        "default_zone": ZONES.get(language_of(request).tag, "UTC"),
        "error": error,
        "password_error": password_error,
        "password_changed": request.query_params.get("password") == "changed",
    }
    return page(request, "account.html", context, status=status)
