"""Who is looking at a page: the logged-in person, or a redirect to the login page.

A page answers a browser, so a missing or ended session is not a JSON 401 but a 303 to ``/login?next=<the page>``
(for an HTMX request, an ``HX-Redirect`` header, which HTMX follows with a full page load, back to the page the
fragment belongs to). A viewer sending a form
that changes data gets the error page (403): the UI does not offer them such forms.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request, Response
from fastapi.responses import RedirectResponse

from lowcarbon.platform.auth import admin_user, current_user, editor_user
from lowcarbon.platform.csrf import SESSION_COOKIE
from lowcarbon.platform.dependencies import NowDep
from lowcarbon.platform.errors import NotAuthenticated
from lowcarbon.platform.logins import SessionUser
from lowcarbon.web.render import here, same_site_path

__all__ = ["LoginRequired", "MaybeUser", "PageAdmin", "PageEditor", "PageUser", "login_redirect", "safe_next"]


class LoginRequired(Exception):
    """The page needs a logged-in person; ``next`` is where to come back to."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def page_user(request: Request, now: NowDep) -> SessionUser:
    """The logged-in person, else LoginRequired (answered by a redirect to the login page)."""
    try:
        return current_user(request, request.cookies.get(SESSION_COOKIE), now)
    except NotAuthenticated:
        if request.headers.get("hx-request"):  # a fragment: come back to the page it is part of
            raise LoginRequired(same_site_path(request, request.headers.get("hx-current-url")) or "/") from None
        raise LoginRequired(here(request) if request.method == "GET" else "/") from None


PageUser = Annotated[SessionUser, Depends(page_user)]


def maybe_user(request: Request, now: NowDep) -> SessionUser | None:
    """The logged-in person, or None: a public page shows whoever looks the navigation they may use."""
    try:
        return current_user(request, request.cookies.get(SESSION_COOKIE), now)
    except NotAuthenticated:
        return None


MaybeUser = Annotated[SessionUser | None, Depends(maybe_user)]


def page_editor(user: PageUser) -> SessionUser:
    """The logged-in person if their role may change their organisation's data; else 403 forbidden."""
    return editor_user(user)


PageEditor = Annotated[SessionUser, Depends(page_editor)]


def page_admin(user: PageUser) -> SessionUser:
    """The logged-in person if they are their organisation's admin; else 403 forbidden."""
    return admin_user(user)


PageAdmin = Annotated[SessionUser, Depends(page_admin)]


def safe_next(target: str | None) -> str:
    """``target`` if it is a path of this site, else ``/``: a login link cannot send anyone elsewhere."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def login_redirect(request: Request, exc: Exception) -> Response:
    """The answer to LoginRequired: to the login page, and back afterwards."""
    assert isinstance(exc, LoginRequired)
    location = f"/login?next={quote(safe_next(exc.next_path), safe='/')}"
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Redirect": location})
    return RedirectResponse(location, status_code=303)
