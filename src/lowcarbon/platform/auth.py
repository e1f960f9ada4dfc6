"""Who is asking: ``CurrentUser`` (a person, by session cookie) and ``CurrentClient`` (a program, by bearer token).

    @router.get("/products")
    def products(user: CurrentUser) -> ...                       # 401 not_authenticated without a valid session

    @router.post("/products")
    def create(user: EditorUser) -> ...                          # 403 forbidden for a viewer

    @router.get("/footprints")
    def footprints(client: Annotated[AuthenticatedClient, requires_scopes("footprints:read")]) -> ...

Without a bearer token ``current_client`` answers 401 ``not_authenticated``; with an unknown or expired token, or
one of a disabled client, 401 ``invalid_token``; with a valid token that lacks a scope the route needs, 403
``insufficient_scope`` (with ``WWW-Authenticate`` as RFC 6750 §3 says). Each check opens its own short read
transaction, so a route's own session, reading or writing, is independent of it. A state-changing request that
brings a bearer token is not authenticated by the cookie (the CSRF check exempted it as a bearer request).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request, Security
from fastapi.openapi.models import OAuthFlowClientCredentials, OAuthFlows
from fastapi.security import APIKeyCookie, OAuth2, SecurityScopes

from lowcarbon.platform import logins, machine_clients
from lowcarbon.platform.csrf import SAFE_METHODS, SESSION_COOKIE, is_bearer
from lowcarbon.platform.dependencies import NowDep, Platform
from lowcarbon.platform.errors import Forbidden, InsufficientScope, InvalidToken, NotAuthenticated
from lowcarbon.platform.logins import SessionUser
from lowcarbon.platform.machine_clients import AuthenticatedClient
from lowcarbon.platform.oauth import TOKEN_PATH
from lowcarbon.platform.roles import Role

__all__ = [
    "AuthenticatedClient",
    "CurrentClient",
    "CurrentUser",
    "EditorUser",
    "SessionUser",
    "current_client",
    "current_user",
    "editor_user",
    "requires_scopes",
]

_REALM = 'Bearer realm="lowcarbon"'

# Security schemes: they read the cookie and the Authorization header, and describe both in the OpenAPI document.
_session_cookie = APIKeyCookie(
    name=SESSION_COOKIE, auto_error=False, description="The session cookie that POST /auth/login sets."
)
_bearer = OAuth2(
    flows=OAuthFlows(clientCredentials=OAuthFlowClientCredentials(tokenUrl=TOKEN_PATH, scopes={})),
    auto_error=False,
    description="OAuth2 client credentials: a bearer token from POST /auth/token.",
)


def current_user(request: Request, token: Annotated[str | None, Security(_session_cookie)], now: NowDep) -> SessionUser:
    """The person whose valid session cookie came with the request; else 401 not_authenticated."""
    if not token:
        raise NotAuthenticated("log in first: POST /auth/login with your email and password")
    if request.method not in SAFE_METHODS and is_bearer(request):  # the CSRF check let it through as a bearer request
        raise NotAuthenticated("this route takes the session cookie; send the request without a bearer token")
    with Platform.of(request.app).sessions() as session:
        user = logins.find_session(session, token, now)
    if user is None:
        raise NotAuthenticated("your session has ended (expired or logged out); log in again")
    return user


def current_client(
    request: Request,
    security_scopes: SecurityScopes,
    authorization: Annotated[str | None, Security(_bearer)],
    now: NowDep,
) -> AuthenticatedClient:
    """The machine client whose valid bearer token came with the request, holding every scope the route needs."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated(
            f"send an access token from POST {TOKEN_PATH} as `Authorization: Bearer TOKEN`",
            headers={"WWW-Authenticate": _REALM},
        )
    with Platform.of(request.app).sessions() as session:
        client = machine_clients.find_token(session, token.strip(), now)
    if client is None:
        raise InvalidToken(
            f"the access token is unknown, expired, or its client is disabled; get a new one from {TOKEN_PATH}",
            headers={"WWW-Authenticate": f'{_REALM}, error="invalid_token"'},
        )
    missing = [scope for scope in security_scopes.scopes if scope not in client.scopes]
    if missing:
        needed = " ".join(security_scopes.scopes)
        raise InsufficientScope(
            f"the access token lacks the scope {' '.join(missing)}; request a token with scope={needed!r}",
            headers={"WWW-Authenticate": f'{_REALM}, error="insufficient_scope", scope="{needed}"'},
        )
    return client


def requires_scopes(*scopes: str) -> Any:
    """The dependency marker for a route that needs a machine client with all of ``scopes``."""
    return Security(current_client, scopes=list(scopes))


CurrentUser = Annotated[SessionUser, Depends(current_user)]


def editor_user(user: CurrentUser) -> SessionUser:
    """The logged-in person, if their role may change their organisation's data (editor, admin); else 403."""
    if user.role not in (Role.editor, Role.admin):
        raise Forbidden(f"your role, {user.role}, may read your organisation's data but not change it; ask an admin")
    return user


EditorUser = Annotated[SessionUser, Depends(editor_user)]
CurrentClient = Annotated[AuthenticatedClient, Security(current_client)]
