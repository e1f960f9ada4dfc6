"""Machines' login over HTTP: the OAuth2 token endpoint (client credentials) and its discovery document.

``POST /auth/token`` takes ``grant_type=client_credentials`` and an optional ``scope`` as an HTML form (RFC 6749
§4.4.2), and the client's credentials either by HTTP Basic or as ``client_id`` and ``client_secret`` form fields
(§2.3.1; PACT's Technical Specifications ask hosts to accept Basic). It answers ``{"access_token", "token_type":
"bearer", "expires_in", "scope"}``.

Its errors take OAuth2's own shape, ``{"error": "<code>", "error_description": "..."}`` (§5.2), not the platform's
``{"error": {"code", "message"}}``: OAuth2 clients, PACT's among them, parse that shape and no other. Codes:
``invalid_request`` (400, a malformed request), ``invalid_client`` (401, unknown client, wrong secret, or a disabled
client; with ``WWW-Authenticate: Basic`` when Basic was used), ``unsupported_grant_type`` (400) and
``invalid_scope`` (400, a scope the client was not given). ``invalid_grant`` does not arise: client credentials carry
no grant of their own to be invalid. ``GET /.well-known/openid-configuration`` names the token endpoint, which is
how PACT clients find it.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import unquote_plus

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from lowcarbon.errors import LowcarbonError
from lowcarbon.platform import machine_clients
from lowcarbon.platform.csrf import csrf_exempt
from lowcarbon.platform.dependencies import NowDep, SettingsDep, WriteSessionDep
from lowcarbon.platform.forms import read_fields
from lowcarbon.platform.machine_clients import TokenRefused
from lowcarbon.text import control_problem

__all__ = ["OAuthError", "TokenAnswer", "router"]

router = APIRouter(tags=["auth"])

TOKEN_PATH = "/auth/token"
GRANT = "client_credentials"
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}  # RFC 6749 §5.1
_TOKEN_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "required": ["grant_type"],
                    "properties": {
                        "grant_type": {"type": "string", "enum": [GRANT]},
                        "scope": {"type": "string"},
                        "client_id": {"type": "string"},
                        "client_secret": {"type": "string", "format": "password"},
                    },
                }
            }
        },
    }
}


class TokenAnswer(BaseModel):
    """An access token, as RFC 6749 §5.1 gives it."""

    access_token: str
    token_type: str = "bearer"
    expires_in: int
    scope: str


class OAuthError(BaseModel):
    """An error of the token endpoint, as RFC 6749 §5.2 gives it."""

    error: str
    error_description: str


@dataclass(frozen=True)
class _Body:
    fields: Mapping[str, str]
    problem: str | None = None


async def _token_fields(request: Request) -> _Body:
    try:
        return _Body(await read_fields(request, json_allowed=False))
    except LowcarbonError as exc:  # reported in OAuth2's shape by the route
        return _Body({}, str(exc))


def _refuse(status: int, code: str, description: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    body = OAuthError(error=code, error_description=description).model_dump()
    return JSONResponse(body, status_code=status, headers={**_NO_STORE, **(headers or {})})


def _credentials(request: Request, fields: Mapping[str, str]) -> tuple[str, str]:
    """The client id and secret, from HTTP Basic or the form; TokenRefused when they are missing or malformed."""
    client_id, secret = _sent_credentials(request, fields)
    problem = control_problem(client_id)  # no client has one; refused before the database is asked
    if problem is not None:
        raise TokenRefused("invalid_request", f"client_id: {problem}")
    return client_id, secret


def _sent_credentials(request: Request, fields: Mapping[str, str]) -> tuple[str, str]:
    authorization = request.headers.get("authorization")
    if authorization is None:
        client_id, secret = fields.get("client_id"), fields.get("client_secret")
        if not client_id or secret is None:
            raise TokenRefused("invalid_client", "authenticate with HTTP Basic, or give client_id and client_secret")
        return client_id, secret
    scheme, _, encoded = authorization.partition(" ")
    if scheme.lower() != "basic":
        raise TokenRefused("invalid_client", "authenticate the client with HTTP Basic or the form fields")
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        decoded = ""
    client_id, colon, secret = decoded.partition(":")
    if not colon:
        raise TokenRefused("invalid_client", "the Basic credentials are not base64 of client_id:client_secret")
    client_id, secret = unquote_plus(client_id), unquote_plus(secret)  # §2.3.1: form-encoded before base64
    if "client_secret" in fields or fields.get("client_id", client_id) != client_id:
        raise TokenRefused("invalid_request", "authenticate the client one way: HTTP Basic or form fields, not both")
    return client_id, secret


@router.post(
    TOKEN_PATH,
    response_model=TokenAnswer,
    openapi_extra=_TOKEN_BODY,
    responses={400: {"model": OAuthError}, 401: {"model": OAuthError}},
)
@csrf_exempt
def token(
    request: Request,
    body: Annotated[_Body, Depends(_token_fields)],
    session: WriteSessionDep,
    now: NowDep,
    settings: SettingsDep,
) -> Any:
    """Issue an access token for OAuth2 client credentials (HTTP Basic or form fields)."""
    if body.problem is not None:
        return _refuse(400, "invalid_request", body.problem)
    fields = body.fields
    grant = fields.get("grant_type")
    if not grant:
        return _refuse(400, "invalid_request", f"give grant_type={GRANT}")
    if grant != GRANT:
        return _refuse(400, "unsupported_grant_type", f"this server issues tokens for grant_type={GRANT} only")
    try:
        client_id, secret = _credentials(request, fields)
        issued = machine_clients.issue_token(
            session,
            client_id=client_id,
            secret=secret,
            scope=fields.get("scope"),
            now=now,
            lifetime=timedelta(seconds=settings.token_seconds),
        )
    except TokenRefused as refusal:
        if refusal.code != "invalid_client":
            return _refuse(400, refusal.code, refusal.description)
        challenge = {"WWW-Authenticate": 'Basic realm="lowcarbon"'} if "authorization" in request.headers else {}
        return _refuse(401, refusal.code, refusal.description, challenge)
    answer = TokenAnswer(access_token=issued.token, expires_in=issued.expires_in, scope=" ".join(issued.scopes))
    return JSONResponse(answer.model_dump(), headers=_NO_STORE)


@router.get("/.well-known/openid-configuration")
def openid_configuration(request: Request) -> dict[str, Any]:
    """Where to get tokens, and how (OpenID Connect Discovery / RFC 8414 metadata), as PACT clients look it up."""
    base = str(request.base_url).rstrip("/")
    return {
        "issuer": base,
        "token_endpoint": base + TOKEN_PATH,
        "grant_types_supported": [GRANT],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "response_types_supported": [],
    }
