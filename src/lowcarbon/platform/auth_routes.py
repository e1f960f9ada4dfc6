"""People's login over HTTP: ``POST /auth/login``, ``POST /auth/logout`` and ``GET /auth/me``.

Login takes ``email`` and ``password`` as an HTML form or a JSON object. On success it answers 200 with the user and
the session's CSRF token, and sets two cookies, both ``SameSite=Lax``, ``Path=/``, lasting as long as the session,
and ``Secure`` when the request came over HTTPS (as uvicorn sees it: directly, or from a proxy it trusts through
``X-Forwarded-Proto``; plain-HTTP loopback, as in tests and ``serve`` on 127.0.0.1, gets cookies without it):

    lowcarbon_session   HttpOnly; the session token (the database keeps only its SHA-256)
    lowcarbon_csrf      readable by the page's scripts; the CSRF token (see ``csrf``)

Every refusal is the same 401 ``login_failed`` with one message, whether the email is unknown, the password wrong or
the account locked (see ``logins``), so the answer does not tell whether an email has an account. An email with a
control character, which no account has, is 422 ``validation_error`` naming the field (``lowcarbon.text``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from lowcarbon.errors import InvalidInput
from lowcarbon.platform import logins, members
from lowcarbon.platform.auth import CurrentUser
from lowcarbon.platform.credentials import csrf_token
from lowcarbon.platform.csrf import CSRF_COOKIE, SESSION_COOKIE, csrf_exempt
from lowcarbon.platform.dependencies import NowDep, Platform, SettingsDep, WriteSessionDep
from lowcarbon.platform.errors import CsrfFailed
from lowcarbon.platform.forms import read_fields
from lowcarbon.platform.http_errors import ErrorResponse, error_response
from lowcarbon.platform.passwords import MAX_LENGTH
from lowcarbon.platform.settings import Settings
from lowcarbon.text import SINGLE_LINE_PATTERN, check_text

__all__ = [
    "LOGIN_FAILED",
    "LoginAnswer",
    "Me",
    "OrganisationRef",
    "attempt_login",
    "clear_session_cookies",
    "router",
    "set_session_cookies",
]

router = APIRouter(prefix="/auth", tags=["auth"])

LOGIN_FAILED = (
    "the email or password is wrong, or the account is locked for 15 minutes after 5 failed logins; "
    "check them and try again later"
)
_FIELDS_SCHEMA = {
    "type": "object",
    "required": ["email", "password"],
    "properties": {
        "email": {"type": "string", "minLength": 1, "pattern": SINGLE_LINE_PATTERN},
        "password": {"type": "string", "format": "password"},
    },
}
_LOGIN_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {"schema": _FIELDS_SCHEMA},
            "application/json": {"schema": _FIELDS_SCHEMA},
        },
    }
}


class OrganisationRef(BaseModel):
    """The organisation a user belongs to."""

    id: int
    name: str
    kind: str


class LoginAnswer(BaseModel):
    """Who logged in, until when, and the CSRF token to send with state-changing requests."""

    email: str
    role: str
    organisation: OrganisationRef
    csrf_token: str
    expires_at: datetime


class Me(LoginAnswer):
    """The logged-in user, their organisation and role, and their session's CSRF token."""

    name: str


async def _login_fields(request: Request) -> Mapping[str, str]:
    return await read_fields(request)


@router.post(
    "/login",
    response_model=LoginAnswer,
    openapi_extra=_LOGIN_BODY,
    responses={401: {"model": ErrorResponse, "description": "login_failed"}},
)
@csrf_exempt
def login(
    request: Request,
    fields: Annotated[Mapping[str, str], Depends(_login_fields)],
    session: WriteSessionDep,
    now: NowDep,
    settings: SettingsDep,
) -> Any:
    """Log in with email and password; sets the session cookie and answers the session's CSRF token."""
    opened = attempt_login(request, fields, session, now, settings)
    if opened is None:
        return error_response(401, "login_failed", LOGIN_FAILED)  # returned, not raised: the failure count commits
    user, token, csrf = opened
    answer = LoginAnswer(
        email=user.email,
        role=user.role,
        organisation=_organisation(user),
        csrf_token=csrf,
        expires_at=user.session_expires_at,
    )
    response = JSONResponse(answer.model_dump(mode="json"))
    set_session_cookies(response, request, token, csrf, settings)
    return response


def attempt_login(
    request: Request, fields: Mapping[str, str], session: Session, now: datetime, settings: Settings
) -> tuple[logins.SessionUser, str, str] | None:
    """Log in with the ``email`` and ``password`` fields: the user, the session token and its CSRF token, or None
    when refused (the failed attempt is counted in ``session``, so the caller commits rather than raises)."""
    origin = request.headers.get("origin")
    foreign = origin is not None and urlsplit(origin).netloc != request.headers.get("host")  # "null" too
    if request.headers.get("sec-fetch-site") == "cross-site" or foreign:
        raise CsrfFailed("a login form of another site cannot log you in here; use this site's login page")
    email, password = fields.get("email"), fields.get("password")
    if not email or password is None:
        raise InvalidInput("give the fields email and password")
    check_text(email, "email")  # no account has one; refused before the database is asked, as PostgreSQL would
    if len(password) > MAX_LENGTH or len(email) > 320:
        return None
    lifetime = timedelta(minutes=settings.session_minutes)
    opened = logins.log_in(session, email=email, password=password, now=now, lifetime=lifetime)
    if opened is None:
        return None
    user = logins.find_session(session, opened.token, now)
    assert user is not None, "the session was opened in this transaction"
    return user, opened.token, csrf_token(Platform.of(request.app).secret_key, opened.token)


def set_session_cookies(response: Response, request: Request, token: str, csrf: str, settings: Settings) -> None:
    """Set the session and CSRF cookies of a new login on ``response``."""
    secure = request.url.scheme == "https"
    max_age = settings.session_minutes * 60
    response.set_cookie(SESSION_COOKIE, token, max_age=max_age, httponly=True, samesite="lax", secure=secure)
    response.set_cookie(CSRF_COOKIE, csrf, max_age=max_age, httponly=False, samesite="lax", secure=secure)


def clear_session_cookies(response: Response, request: Request) -> None:
    """Remove both cookies of a session from the browser."""
    secure = request.url.scheme == "https"
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax", secure=secure)
    response.delete_cookie(CSRF_COOKIE, samesite="lax", secure=secure)


@router.post("/logout", status_code=204, responses={401: {"model": ErrorResponse}, 403: {"model": ErrorResponse}})
def logout(user: CurrentUser, session: WriteSessionDep, now: NowDep, request: Request) -> Response:
    """End the session: its cookie opens nothing any more, and both cookies are removed."""
    logins.log_out(session, session_id=user.session_id, now=now)
    response = Response(status_code=204)
    clear_session_cookies(response, request)
    return response


class PasswordChange(BaseModel):
    """A person's new password, with their current one."""

    current_password: str = Field(max_length=MAX_LENGTH, json_schema_extra={"format": "password"})
    new_password: str = Field(  # counted by passwords.check_rules after Unicode normalisation
        description="15 to 1,024 characters", json_schema_extra={"format": "password"}
    )


@router.post(
    "/password",
    status_code=204,
    responses={status: {"model": ErrorResponse} for status in (400, 401, 403)},
)
def change_password(body: PasswordChange, user: CurrentUser, session: WriteSessionDep, now: NowDep) -> Response:
    """Change your own password (400 when the current one is wrong); your other sessions end, this one stays."""
    members.change_own_password(
        session,
        user_id=user.id,
        current=body.current_password,
        new=body.new_password,
        keep_session=user.session_id,
        now=now,
    )
    return Response(status_code=204)


@router.get("/me", responses={401: {"model": ErrorResponse}})
def me(user: CurrentUser, request: Request) -> Me:
    """The logged-in user's email, name, organisation and role, and the session's CSRF token."""
    token = request.cookies.get(SESSION_COOKIE, "")
    return Me(
        email=user.email,
        name=user.name,
        role=user.role,
        organisation=_organisation(user),
        csrf_token=csrf_token(Platform.of(request.app).secret_key, token),
        expires_at=user.session_expires_at,
    )


def _organisation(user: logins.SessionUser) -> OrganisationRef:
    return OrganisationRef(id=user.organisation_id, name=user.organisation_name, kind=user.organisation_kind)
