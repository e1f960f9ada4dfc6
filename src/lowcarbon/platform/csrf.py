"""CSRF protection for requests authenticated by the session cookie: the session's token must come with them.

Every route of the app depends on ``check_csrf`` (``create_app`` installs it). A request with an unsafe method (not
GET, HEAD, OPTIONS or TRACE) that carries the session cookie must also carry the session's CSRF token, in the
``X-CSRF-Token`` header (HTMX, scripts) or the ``csrf_token`` field of an HTML form, URL-encoded or multipart (a
file upload); else it is refused with 403 ``csrf_failed``. The form is read for the field only when the header is
absent; it is kept on the request (``forms``), so the route reads the same form and the body is read once. The
token is HMAC-SHA256(secret key, session token) (``credentials.csrf_token``), so it is tied to the session and
checked without the database. Login gives it in its answer and in the readable ``lowcarbon_csrf`` cookie;
``GET /auth/me`` gives it too. Requests with an ``Authorization: Bearer`` header are exempt: browsers never add that
header by themselves, so another site cannot make them send it. SameSite=Lax on the cookie is a second
line: browsers do not send it with cross-site POSTs at all.

Endpoints that do not act on the session are marked ``@csrf_exempt``: login (a stale cookie must not stop anyone
logging in; it refuses requests a browser labels ``Sec-Fetch-Site: cross-site``, or whose ``Origin`` is another
site's or ``null``, instead, so another site cannot log a browser into an account of its choosing) and the OAuth2 token
endpoint.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from fastapi import Request

from lowcarbon.platform.credentials import csrf_token, same
from lowcarbon.platform.dependencies import Platform
from lowcarbon.platform.errors import CsrfFailed
from lowcarbon.platform.forms import FORM, MULTIPART, media_type, read_fields, read_multipart

__all__ = [
    "CSRF_COOKIE",
    "CSRF_FIELD",
    "CSRF_HEADER",
    "SAFE_METHODS",
    "SESSION_COOKIE",
    "check_csrf",
    "csrf_exempt",
    "is_bearer",
]

F = TypeVar("F", bound=Callable[..., object])

SESSION_COOKIE = "lowcarbon_session"
CSRF_COOKIE = "lowcarbon_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_EXEMPT_MARK = "__lowcarbon_csrf_exempt__"


def csrf_exempt(endpoint: F) -> F:
    """Mark a route's endpoint as one that does not act on the session, so ``check_csrf`` lets it through."""
    setattr(endpoint, _EXEMPT_MARK, True)
    return endpoint


def is_bearer(request: Request) -> bool:
    """Whether the request authenticates with a bearer token."""
    scheme, _, _ = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer"


async def check_csrf(request: Request) -> None:
    """Refuse an unsafe request that carries the session cookie without the session's CSRF token."""
    session_token = request.cookies.get(SESSION_COOKIE)
    if request.method in SAFE_METHODS or not session_token or is_bearer(request):
        return
    if getattr(request.scope.get("endpoint"), _EXEMPT_MARK, False):
        return
    given = request.headers.get(CSRF_HEADER)
    if given is None and media_type(request) == FORM:
        given = (await read_fields(request, json_allowed=False)).get(CSRF_FIELD)
    elif given is None and media_type(request) == MULTIPART:
        field = (await read_multipart(request)).get(CSRF_FIELD)
        given = field if isinstance(field, str) else None  # a file named csrf_token is no token
    expected = csrf_token(Platform.of(request.app).secret_key, session_token)
    if not given or not same(given, expected):
        raise CsrfFailed(
            f"this request changes state with a session cookie but without the session's CSRF token; send it in "
            f"the {CSRF_HEADER} header or the {CSRF_FIELD} form field (login answers it, GET /auth/me too)"
        )
