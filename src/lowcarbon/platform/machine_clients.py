"""Machine clients: OAuth2 client credentials (RFC 6749 §4.4) for programs of an organisation, limited by scopes.

A client has a ``client_id`` (public) and a secret shown once at creation and kept as an Argon2id hash, as
passwords are. ``issue_token`` checks the credentials and grants some or all of the client's scopes as an access
token: a 256-bit random bearer token kept as its SHA-256, valid until its ``expires_at``. Tokens are looked up in
the database on every request rather than being self-contained signed values, so that disabling a client stops its
tokens at once and a copy of the database yields no usable token. Functions take the caller's session and do not
commit.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lowcarbon.errors import InvalidInput, NotFound
from lowcarbon.platform import audit
from lowcarbon.platform.credentials import new_token, token_digest
from lowcarbon.platform.passwords import hash_password, verify_password
from lowcarbon.platform.tables import AccessToken, MachineClient, Organisation
from lowcarbon.storage import snapshot
from lowcarbon.text import check_text

__all__ = [
    "AuthenticatedClient",
    "IssuedToken",
    "NewClient",
    "TokenRefused",
    "client_state",
    "create_client",
    "disable_client",
    "find_token",
    "issue_token",
    "list_clients",
    "parse_scopes",
]

CLIENT_ID_PREFIX = "lc_"
MIN_SECRET_LENGTH, MAX_SECRET_LENGTH = 32, 1024  # a secret the caller chooses; generated ones have 43 characters
_SCOPE = re.compile(r"[\x21\x23-\x5b\x5d-\x7e]+")  # RFC 6749 §3.3 scope-token


class TokenRefused(Exception):
    """The token request is refused with an OAuth2 error ``code`` (RFC 6749 §5.2) and a description."""

    def __init__(self, code: str, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


@dataclass(frozen=True)
class NewClient:
    """A client just created; ``secret`` is shown once and not kept."""

    id: int
    client_id: str
    secret: str
    organisation_id: int
    scopes: tuple[str, ...]


@dataclass(frozen=True)
class IssuedToken:
    """An access token just issued; ``token`` goes to the client and is not kept."""

    token: str
    expires_in: int
    scopes: tuple[str, ...]


@dataclass(frozen=True)
class AuthenticatedClient:
    """The machine client behind a valid bearer token, as routes see it."""

    id: int
    client_id: str
    organisation_id: int
    scopes: frozenset[str]
    token_id: int
    expires_at: datetime


def parse_scopes(text: str) -> tuple[str, ...]:
    """The scopes of a space-separated list, each once, in order; InvalidInput for characters OAuth2 forbids."""
    scopes = tuple(dict.fromkeys(text.split()))
    for scope in scopes:
        if not _SCOPE.fullmatch(scope):
            raise InvalidInput(f"{scope!r} is not a scope: use printable ASCII without spaces, quotes or backslashes")
    return scopes


def client_state(client: MachineClient) -> dict[str, Any]:
    """What the audit trail records of a client: everything but the secret's hash, its scopes as a list."""
    return snapshot(client, hidden=("secret_hash",), scopes=client.scopes.split())


def create_client(
    session: Session,
    *,
    organisation_id: int,
    scopes: str,
    actor: str,
    now: datetime,
    name: str = "",
    secret: str | None = None,
    known: Collection[str] | None = None,
) -> NewClient:
    """Add a machine client of an organisation with ``scopes`` (space-separated) and record it; when ``known`` is
    given (the scopes the domains' routes ask for), a scope not among them is InvalidInput.

    The secret is a new random one, unless the caller gives its own: the demo data's client has a published secret,
    so that ``serve --demo`` can print it again on every start (only its hash is kept).
    """
    granted = parse_scopes(check_text(scopes, "scopes"))
    name = check_text(name, "name")
    if not granted:
        raise InvalidInput("give the client at least one scope, e.g. studies:read")
    unknown = [scope for scope in granted if known is not None and scope not in known]
    if unknown:
        listed = ", ".join(sorted(known or ()))
        raise InvalidInput(f"no route asks for the scope {unknown[0]!r}; use some of: {listed}")
    if len(" ".join(granted)) > 1000 or len(name.strip()) > 200:
        raise InvalidInput("give at most 1,000 characters of scopes and a name of at most 200")
    if secret is not None and not MIN_SECRET_LENGTH <= len(secret) <= MAX_SECRET_LENGTH:
        raise InvalidInput(f"give a client secret of {MIN_SECRET_LENGTH} to {MAX_SECRET_LENGTH} characters")
    if session.get(Organisation, organisation_id) is None:
        raise NotFound(f"there is no organisation {organisation_id}")
    secret = secret if secret is not None else new_token()
    client = MachineClient(
        organisation_id=organisation_id,
        client_id=CLIENT_ID_PREFIX + secrets.token_hex(12),
        secret_hash=hash_password(secret),
        scopes=" ".join(granted),
        name=name.strip(),
        created_at=now,
        disabled=False,
    )
    session.add(client)
    session.flush()
    audit.record(session, actor, "create", "machine_client", client.id, None, client_state(client))
    return NewClient(client.id, client.client_id, secret, organisation_id, granted)


def list_clients(session: Session, organisation_id: int) -> list[MachineClient]:
    """The organisation's machine clients, oldest first, disabled ones included."""
    query = sa.select(MachineClient).where(MachineClient.organisation_id == organisation_id)
    return list(session.scalars(query.order_by(MachineClient.id)))


def disable_client(session: Session, *, organisation_id: int, client_id: str, actor: str) -> MachineClient:
    """Disable the organisation's client ``client_id`` for good: its tokens stop working at once and it gets no new
    ones. NotFound for a client of another organisation, as for one that does not exist."""
    client = session.scalar(sa.select(MachineClient).where(MachineClient.client_id == client_id))
    if client is None or client.organisation_id != organisation_id:
        raise NotFound(f"your organisation has no machine client {client_id!r}")
    if not client.disabled:
        before = client_state(client)
        client.disabled = True
        session.flush()
        audit.record(session, actor, "disable", "machine_client", client.id, before, client_state(client))
    return client


@cache
def _decoy_hash() -> str:
    """A hash to verify against for unknown client ids, so that they take as long as known ones."""
    return hash_password("no client has this secret, it only spends time")


def issue_token(
    session: Session, *, client_id: str, secret: str, scope: str | None, now: datetime, lifetime: timedelta
) -> IssuedToken:
    """An access token for the client, with the requested scopes (all of its own when None); else TokenRefused."""
    client = session.scalar(sa.select(MachineClient).where(MachineClient.client_id == client_id))
    if client is None:
        verify_password(_decoy_hash(), secret)
        raise TokenRefused("invalid_client", "the client id or secret is wrong, or the client is disabled")
    if not verify_password(client.secret_hash, secret) or client.disabled:
        raise TokenRefused("invalid_client", "the client id or secret is wrong, or the client is disabled")
    own = client.scopes.split()
    try:
        requested = parse_scopes(scope) if scope is not None else tuple(own)
    except InvalidInput as exc:
        raise TokenRefused("invalid_scope", str(exc)) from None
    unknown = [name for name in requested if name not in own]
    if unknown or not requested:
        raise TokenRefused("invalid_scope", f"this client may request only: {' '.join(own)}")
    token = new_token()
    row = AccessToken(
        client_id=client.id,
        token_hash=token_digest(token),
        scopes=" ".join(requested),
        created_at=now,
        expires_at=now + lifetime,
    )
    session.add(row)
    session.flush()
    state = {"id": row.id, "client_id": client.client_id, "scopes": list(requested), "expires_at": row.expires_at}
    audit.record(session, f"client:{client.client_id}", "issue_token", "access_token", row.id, None, state)
    return IssuedToken(token=token, expires_in=int(lifetime.total_seconds()), scopes=requested)


def find_token(session: Session, token: str, now: datetime) -> AuthenticatedClient | None:
    """The client of an access token that exists, has not expired, and whose client is not disabled."""
    row = session.execute(
        sa.select(AccessToken, MachineClient)
        .join(MachineClient, AccessToken.client_id == MachineClient.id)
        .where(
            AccessToken.token_hash == token_digest(token),
            AccessToken.expires_at > now,
            MachineClient.disabled.is_(False),
        )
    ).one_or_none()
    if row is None:
        return None
    access, client = row
    return AuthenticatedClient(
        id=client.id,
        client_id=client.client_id,
        organisation_id=client.organisation_id,
        scopes=frozenset(access.scopes.split()),
        token_id=access.id,
        expires_at=access.expires_at,
    )
