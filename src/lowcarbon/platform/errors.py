"""The platform's own errors, each knowing its HTTP status (as datasette's do); all are LowcarbonErrors.

The errors every layer raises (``InvalidInput`` 400, ``NotFound`` 404, ``PermissionDenied`` 403, ``Conflict`` 409,
``PayloadTooLarge`` 413) live in ``lowcarbon.errors``; these are the ones only the kernel raises:

LowcarbonError (lowcarbon.errors)          status 400 when it reaches HTTP, with its own code
└── PlatformError                     400  the platform cannot carry out a request or command
    ├── ConfigurationError            500  a setting or the settings file is wrong (also ValueError)
    ├── DatabaseUnavailable           503  the database cannot be reached, or refused a migration
    ├── NotAuthenticated              401  no valid session cookie or bearer token came with the request
    │   └── InvalidToken              401  a bearer token came, but it is unknown, expired or its client disabled
    ├── CsrfFailed                    403  a cookie-authenticated change came without the session's CSRF token
    │                                      (also PermissionDenied)
    ├── InsufficientScope             403  the bearer token lacks a scope the endpoint needs (also PermissionDenied)
    └── UnsupportedMediaType          415  the request body has a media type the endpoint does not read

An error may carry ``headers`` for its response (``WWW-Authenticate`` on 401 and 403 of bearer tokens, RFC 6750).
"""

from __future__ import annotations

from typing import Any

from lowcarbon.errors import LowcarbonError, PermissionDenied

__all__ = [
    "ConfigurationError",
    "CsrfFailed",
    "DatabaseUnavailable",
    "InsufficientScope",
    "InvalidToken",
    "NotAuthenticated",
    "PlatformError",
    "UnsupportedMediaType",
]


class PlatformError(LowcarbonError):
    """The platform cannot carry out a request or command; the message says why and what to do."""

    code = "platform_error"
    status = 400
    headers: dict[str, str] | None = None

    def __init__(
        self, *args: object, headers: dict[str, str] | None = None, details: list[dict[str, Any]] | None = None
    ) -> None:
        super().__init__(*args, details=details)
        if headers is not None:
            self.headers = headers


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


class CsrfFailed(PlatformError, PermissionDenied):
    """A state-changing request authenticated by the session cookie came without the session's CSRF token."""

    code = "csrf_failed"
    status = 403


class InsufficientScope(PlatformError, PermissionDenied):
    """The bearer token was not granted a scope the endpoint needs."""

    code = "insufficient_scope"
    status = 403


class UnsupportedMediaType(PlatformError):
    """The request body has a media type the endpoint does not read."""

    code = "unsupported_media_type"
    status = 415
