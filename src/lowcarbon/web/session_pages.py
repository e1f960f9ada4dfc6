"""The pages around a session: the home page, logging in and out, and the language switch.

GET  /                  to the products page, or the login page
GET  /login?next=       the login form
POST /login             email, password, next (a form): 303 to ``next``, or the form again with 401 (or 422 for
                        an email with a control character, which no account has)
POST /logout            csrf_token (a form): ends the session, 303 to the login page
GET  /lang/{tag}?next=  sets the language cookie (zh-CN, en), 303 back to ``next``

and, included in this router, the person's own account page (``account_pages``: their time zone).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from lowcarbon.errors import NotFound
from lowcarbon.platform import logins
from lowcarbon.platform.auth_routes import attempt_login, clear_session_cookies, set_session_cookies
from lowcarbon.platform.csrf import csrf_exempt
from lowcarbon.platform.dependencies import NowDep, SettingsDep, WriteSessionDep
from lowcarbon.platform.forms import read_fields
from lowcarbon.text import ControlCharacters
from lowcarbon.web import account_pages
from lowcarbon.web.access import PageUser, safe_next
from lowcarbon.web.i18n import LANG_COOKIE, LANGUAGES, N_
from lowcarbon.web.render import page, text

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
router.include_router(account_pages.router)
_YEAR = 365 * 24 * 3600
LOGIN_FAILED = N_("The email or password is wrong, or the account is locked for 15 minutes after 5 failed logins.")
CONTROL_IN_EMAIL = N_("The email must not contain control characters.")


@router.get("/")
def home(user: PageUser) -> Response:
    """The products page for a logged-in person (who is sent to log in first otherwise)."""
    return RedirectResponse("/products", status_code=303)


@router.get("/login")
def login_form(request: Request, next: str = "/products") -> HTMLResponse:
    """The login form."""
    return page(request, "login.html", {"next": safe_next(next)})


async def _form(request: Request) -> dict[str, str]:
    return dict(await read_fields(request, json_allowed=False))


@router.post("/login")
@csrf_exempt
def log_in(
    request: Request,
    fields: Annotated[dict[str, str], Depends(_form)],
    session: WriteSessionDep,
    now: NowDep,
    settings: SettingsDep,
) -> Response:
    """Log in from the form: on to the page asked for, or the form again with the reason."""
    target = safe_next(fields.get("next") or "/products")
    try:
        opened = attempt_login(request, fields, session, now, settings) if fields.get("email") else None
    except ControlCharacters:
        context = {"next": target, "error": text(request, CONTROL_IN_EMAIL)}
        return page(request, "login.html", context, status=422)
    if opened is None:
        message = text(request, LOGIN_FAILED)
        context = {"next": target, "email": fields.get("email", ""), "error": message}
        return page(request, "login.html", context, status=401)  # returned, not raised: the failure count commits
    _, token, csrf = opened
    response = RedirectResponse(target, status_code=303)
    set_session_cookies(response, request, token, csrf, settings)
    return response


@router.post("/logout")
def log_out(request: Request, user: PageUser, session: WriteSessionDep, now: NowDep) -> Response:
    """End the session and return to the login page."""
    logins.log_out(session, session_id=user.session_id, now=now)
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookies(response, request)
    return response


@router.get("/lang/{tag}")
def switch_language(tag: str, request: Request, next: str = "/") -> Response:
    """Answer in language ``tag`` from now on (a cookie for a year), back on the page the switch was clicked on."""
    if tag not in LANGUAGES:
        raise NotFound(f"the UI has no language {tag!r}; use one of {', '.join(LANGUAGES)}")
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(LANG_COOKIE, tag, max_age=_YEAR, samesite="lax", secure=request.url.scheme == "https")
    return response
