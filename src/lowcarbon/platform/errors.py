"""The platform's errors, each knowing its HTTP status (as datasette's do); all are LowcarbonErrors.

LowcarbonError (lowcarbon.errors)          status 400 when it reaches HTTP, with its own code
└── PlatformError                     400  the platform cannot carry out a request or command
    ├── InvalidInput                  400  a value breaks a rule the message names (also ValueError)
    ├── NotFound                      404  a referenced record does not exist (also LookupError)
    ├── Conflict                      409  the record would clash with one that exists (also ValueError)
    └── ConfigurationError            500  a setting or the settings file is wrong (also ValueError)
"""

from __future__ import annotations

from lowcarbon.errors import LowcarbonError

__all__ = ["ConfigurationError", "Conflict", "DatabaseUnavailable", "InvalidInput", "NotFound", "PlatformError"]


class PlatformError(LowcarbonError):
    """The platform cannot carry out a request or command; the message says why and what to do."""

    code = "platform_error"
    status = 400


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
