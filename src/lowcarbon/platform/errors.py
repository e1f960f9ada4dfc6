"""The platform's errors, each knowing its HTTP status (as datasette's do); all are LowcarbonErrors.

LowcarbonError (lowcarbon.errors)          status 400 when it reaches HTTP, with its own code
└── PlatformError                     400  the platform cannot carry out a request or command
    ├── InvalidInput                  400  a value breaks a rule the message names (also ValueError)
    ├── NotFound                      404  a referenced record does not exist (also LookupError)
    ├── Conflict                      409  the record would clash with one that exists (also ValueError)
    ├── ConfigurationError            500  a setting or the settings file is wrong (also ValueError)
    ├── NotAuthenticated              401  no valid session cookie or bearer token came with the request
    │   └── InvalidToken              401  a bearer token came, but it is unknown, expired or its client disabled
    ├── Forbidden                     403  the caller is known but may not do this
    │   ├── CsrfFailed                403  a cookie-authenticated change came without the session's CSRF token
    │   └── InsufficientScope         403  the bearer token lacks a scope the endpoint needs
    ├── PayloadTooLarge               413  the request body, or a file in it, is larger than the endpoint takes
    └── UnsupportedMediaType          415  the request body has a media type the endpoint does not read

An error may carry ``headers`` for its response (``WWW-Authenticate`` on 401 and 403 of bearer tokens, RFC 6750),
and ``details``: its problems one by one, each ``{"location": [...], "message": ..., "type": ...}``, which the JSON
error shows as validation errors show theirs.
"""

from __future__ import annotations

from typing import Any

from lowcarbon.errors import LowcarbonError

__all__ = [
    "ConfigurationError",
    "Conflict",
    "CsrfFailed",
    "DatabaseUnavailable",
    "Forbidden",
    "InsufficientScope",
    "InvalidInput",
    "InvalidToken",
    "NotAuthenticated",
    "NotFound",
    "PayloadTooLarge",
    "PlatformError",
    "UnsupportedMediaType",
]


class PlatformError(LowcarbonError):
    """The platform cannot carry out a request or command; the message says why and what to do."""

    code = "platform_error"
    status = 400
    headers: dict[str, str] | None = None
    details: list[dict[str, Any]] | None = None

    def __init__(
        self, *args: object, headers: dict[str, str] | None = None, details: list[dict[str, Any]] | None = None
    ) -> None:
        super().__init__(*args)
        if headers is not None:
            self.headers = headers
        if details is not None:
            self.details = details


class InvalidInput(PlatformError, ValueError):
    """A value breaks a rule (a length, a choice, a format); the message names the value and the rule."""

    code = "invalid_input"
    status = 400


class NotFound(PlatformError, LookupError):
    """A referenced record (an organisation, a user) does not exist."""

    code = "not_found"
    status = 404

    def __str__(self) -> str:  # LookupError subclasses like KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class Conflict(PlatformError, ValueError):
    """The record would clash with one that exists, e.g. an email address already taken."""

    code = "conflict"
    status = 409


class DatabaseUnavailable(PlatformError):
    """The database cannot be reached, or refused a migration; the message carries the driver's reason."""

    code = "database_unavailable"
    status = 503


class ConfigurationError(PlatformError, ValueError):
    """A setting or the settings file is wrong; the message names the setting or file and the fix."""

    code = "configuration_error"
    status = 500


class NotAuthenticated(PlatformError):
    """The request carries no valid session cookie or bearer token: log in, or ask /auth/token for a token."""

    code = "not_authenticated"
    status = 401


class InvalidToken(NotAuthenticated):
    """A bearer token came, but it is unknown, expired, or its client has been disabled."""

    code = "invalid_token"


class Forbidden(PlatformError):
    """The caller is known but may not do this."""

    code = "forbidden"
    status = 403


class CsrfFailed(Forbidden):
    """A state-changing request authenticated by the session cookie came without the session's CSRF token."""

    code = "csrf_failed"


class InsufficientScope(Forbidden):
    """The bearer token was not granted a scope the endpoint needs."""

    code = "insufficient_scope"


class PayloadTooLarge(PlatformError):
    """The request body, or a file in it, is larger than the endpoint takes; the message gives the limit."""

    code = "payload_too_large"
    status = 413


class UnsupportedMediaType(PlatformError):
    """The request body has a media type the endpoint does not read."""

    code = "unsupported_media_type"
    status = 415
