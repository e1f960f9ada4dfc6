"""Who is asking: a person (``CurrentUser``, by session cookie), a program (``CurrentClient``, by bearer token), or
either (``Caller``, on routes that people and programs share).

    @router.get("/products")
    def products(user: CurrentUser) -> ...                       # 401 not_authenticated without a valid session

    @router.post("/products")
    def create(user: EditorUser) -> ...                          # 403 forbidden for a viewer

    @router.get("/footprints")
    def footprints(client: Annotated[AuthenticatedClient, requires_scopes("footprints:read")]) -> ...

    Reader = Annotated[Caller, reader("studies:read")]         # a person of any role, or a client with the scope
    Writer = Annotated[Caller, writer("studies:write")]        # an editor or admin, or a client with the scope

    @router.post("/studies")
    def create(caller: Writer) -> ...                            # caller.organisation_id, caller.actor

Without a bearer token ``current_client`` answers 401 ``not_authenticated``; with an unknown or expired token, or
one of a disabled client, 401 ``invalid_token``; with a valid token that lacks a scope the route needs, 403
``insufficient_scope`` (with ``WWW-Authenticate`` as RFC 6750 §3 says). Each check opens its own short read
transaction, so a route's own session, reading or writing, is independent of it. A state-changing request that
brings a bearer token is not authenticated by the cookie (the CSRF check exempted it as a bearer request).

``Caller`` routes take either credential: a request with ``Authorization: Bearer`` is the client's, whether or not a
session cookie comes too (the bearer decides; the CSRF check exempted it as a bearer request, so the cookie must not
count), and is checked as ``current_client`` checks it, against the scopes of ``reader``/``writer``; otherwise the
session cookie's person, as ``current_user`` checks it, where ``writer`` also refuses a viewer with 403
``forbidden``. With neither credential, 401 ``not_authenticated``. People's roles span every domain; a client's
scopes name the domain and whether it reads or writes (``studies:read``, ``studies:write``), and a write scope does
not include the read scope: a program that creates and then reads asks for both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request, Security
from fastapi.openapi.models import OAuthFlowClientCredentials, OAuthFlows
from fastapi.security import APIKeyCookie, OAuth2, SecurityScopes

from lowcarbon.errors import PermissionDenied
from lowcarbon.platform import logins, machine_clients
from lowcarbon.platform.csrf import SAFE_METHODS, SESSION_COOKIE, is_bearer
from lowcarbon.platform.dependencies import NowDep, Platform
from lowcarbon.platform.errors import InsufficientScope, InvalidToken, NotAuthenticated
from lowcarbon.platform.logins import SessionUser
from lowcarbon.platform.machine_clients import AuthenticatedClient
from lowcarbon.platform.oauth import TOKEN_PATH
from lowcarbon.platform.roles import Role

__all__ = [
    "AdminUser",
    "AuthenticatedClient",
    "Caller",
    "CurrentClient",
    "CurrentUser",
    "EditorUser",
    "SessionUser",
    "admin_user",
    "current_caller",
    "current_client",
    "current_user",
    "editor_user",
    "reader",
    "requires_scopes",
    "writer",
    "writing_caller",
]

_REALM = 'Bearer realm="lowcarbon"'
_WRITING_ROLES = (Role.editor, Role.admin)

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


@dataclass(frozen=True)
class Caller:
    """A person or a machine client, as a route that takes either sees them: exactly one of ``user`` and ``client``.

    ``organisation_id`` is whose data the caller acts on; ``actor`` names them in the audit trail, ``user:<id>`` or
    ``client:<client_id>`` (as the token endpoint's own entries name clients).
    """

    organisation_id: int
    actor: str
    user: SessionUser | None = None
    client: AuthenticatedClient | None = None

    @staticmethod
    def of_user(user: SessionUser) -> Caller:
        """The caller behind a session."""
        return Caller(user.organisation_id, user.actor, user=user)

    @staticmethod
    def of_client(client: AuthenticatedClient) -> Caller:
        """The caller behind a bearer token."""
        return Caller(client.organisation_id, f"client:{client.client_id}", client=client)

    @property
    def user_id(self) -> int | None:
        """The person's user id; None for a machine client."""
        return self.user.id if self.user is not None else None

    @property
    def machine_client_id(self) -> int | None:
        """The machine client's row id (``machine_clients.id``, not its public ``client_id``); None for a person."""
        return self.client.id if self.client is not None else None

    @property
    def machine_client(self) -> tuple[int, str] | None:
        """The machine client's row id and its public ``client_id``; None for a person."""
        return (self.client.id, self.client.client_id) if self.client is not None else None

    def may_write(self, scope: str) -> bool:
        """Whether the caller may change what ``scope`` guards: a person by role (editor, admin), a client by scope."""
        if self.client is not None:
            return scope in self.client.scopes
        return self.user is not None and self.user.role in _WRITING_ROLES


def current_caller(
    request: Request,
    security_scopes: SecurityScopes,
    session_token: Annotated[str | None, Security(_session_cookie)],
    authorization: Annotated[str | None, Security(_bearer)],
    now: NowDep,
) -> Caller:
    """The machine client of a bearer token (holding the route's scopes), else the person of the session cookie."""
    if is_bearer(request):  # the bearer decides, even with a cookie: the CSRF check did not look at the cookie
        return Caller.of_client(current_client(request, security_scopes, authorization, now))
    if not session_token:
        raise NotAuthenticated(
            f"log in (POST /auth/login) for a session cookie, or send an access token from POST {TOKEN_PATH} as "
            "`Authorization: Bearer TOKEN`",
            headers={"WWW-Authenticate": _REALM},
        )
    return Caller.of_user(current_user(request, session_token, now))


def writing_caller(caller: Annotated[Caller, Security(current_caller)]) -> Caller:
    """The caller, if they may change their organisation's data: an editor or admin, or a client with the scopes."""
    if caller.user is not None:
        editor_user(caller.user)
    return caller


def reader(*scopes: str) -> Any:
    """The dependency marker for a route that people of every role may call, and clients with all of ``scopes``."""
    return Security(current_caller, scopes=list(scopes))


def writer(*scopes: str) -> Any:
    """The dependency marker for a route that editors and admins may call, and clients with all of ``scopes``."""
    return Security(writing_caller, scopes=list(scopes))


def requires_scopes(*scopes: str) -> Any:
    """The dependency marker for a route that needs a machine client with all of ``scopes``."""
    return Security(current_client, scopes=list(scopes))


CurrentUser = Annotated[SessionUser, Depends(current_user)]


def editor_user(user: CurrentUser) -> SessionUser:
    """The logged-in person, if their role may change their organisation's data (editor, admin); else 403."""
    if user.role not in _WRITING_ROLES:
        raise PermissionDenied(
            f"your role, {user.role}, may read your organisation's data but not change it; ask an admin"
        )
    return user


EditorUser = Annotated[SessionUser, Depends(editor_user)]
CurrentClient = Annotated[AuthenticatedClient, Security(current_client)]


def admin_user(user: CurrentUser) -> SessionUser:
    """The logged-in person, if they are their organisation's admin (who manages its people); else 403."""
    if user.role != Role.admin:
        raise PermissionDenied(f"your role, {user.role}, may not manage your organisation's people; ask an admin")
    return user


AdminUser = Annotated[SessionUser, Depends(admin_user)]
