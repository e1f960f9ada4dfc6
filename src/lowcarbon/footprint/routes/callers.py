"""Who may call the footprint API: people by role, machine clients by the domain's scopes; and the refusals every
route of it documents."""

from __future__ import annotations

from typing import Annotated, Any

from lowcarbon.platform.auth import Caller, reader, writer
from lowcarbon.platform.http_errors import ErrorResponse

__all__ = ["ERRORS", "READ_SCOPE", "WRITE_SCOPE", "Reader", "Writer", "responses"]

READ_SCOPE = "studies:read"
WRITE_SCOPE = "studies:write"

Reader = Annotated[Caller, reader(READ_SCOPE)]  # a person of any role, or a client with studies:read
Writer = Annotated[Caller, writer(WRITE_SCOPE)]  # an editor or admin, or a client with studies:write


def responses(*rows: tuple[int, str]) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI responses of refusals: status -> the error codes it carries."""
    return {status: {"model": ErrorResponse, "description": description} for status, description in rows}


ERRORS = responses(
    (400, "invalid_input, invalid_model, invalid_factor_file (with details)"),
    (401, "not_authenticated, invalid_token"),
    (403, "forbidden (a viewer's change), insufficient_scope (a token without the route's scope), csrf_failed"),
    (404, "not_found: no such product, study or factor file in your organisation"),
)
