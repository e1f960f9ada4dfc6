"""Request bodies of the auth endpoints: an HTML form (``application/x-www-form-urlencoded``) or a JSON object.

Read here rather than by FastAPI's ``Form``, which needs python-multipart for even the simplest form. Both give a
flat mapping of text fields; a field given twice is refused, as OAuth2 (RFC 6749 §3.2) asks of token requests.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from urllib.parse import parse_qsl

from fastapi import Request

from lowcarbon.platform.errors import InvalidInput, PlatformError, UnsupportedMediaType

__all__ = ["FORM", "MAX_BODY", "BodyTooLarge", "media_type", "read_fields"]

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
MAX_BODY = 64 * 1024  # bytes; a login or token request is a few hundred


class BodyTooLarge(PlatformError):
    """The request body is larger than an auth request can be."""

    code = "payload_too_large"
    status = 413


def media_type(request: Request) -> str:
    """The request's media type, lower-case, without parameters such as ``charset``."""
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def read_fields(request: Request, *, json_allowed: bool = True) -> Mapping[str, str]:
    """The fields of the request's form or JSON body; InvalidInput, UnsupportedMediaType or 413 when it has none."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise BodyTooLarge(f"the body has {declared} bytes; an auth request has at most {MAX_BODY}")
    body = await request.body()
    if len(body) > MAX_BODY:
        raise BodyTooLarge(f"the body has {len(body)} bytes; an auth request has at most {MAX_BODY}")
    kind = media_type(request)
    if kind == FORM:
        return _form_fields(body)
    if kind == JSON and json_allowed:
        return _json_fields(body)
    accepted = f"{FORM} or {JSON}" if json_allowed else FORM
    raise UnsupportedMediaType(f"send the fields as {accepted}, not {kind or 'a body without a content type'}")


def _form_fields(body: bytes) -> dict[str, str]:
    try:
        pairs = parse_qsl(body.decode(), keep_blank_values=True, strict_parsing=False, max_num_fields=50)
    except (UnicodeDecodeError, ValueError):
        raise InvalidInput("the form is not valid UTF-8 URL-encoded text") from None
    fields: dict[str, str] = {}
    for name, value in pairs:
        if name in fields:
            raise InvalidInput(f"the form gives {name!r} more than once")
        fields[name] = value
    return fields


def _json_fields(body: bytes) -> dict[str, str]:
    try:
        value = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise InvalidInput("the body is not valid JSON") from None
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise InvalidInput("send a JSON object whose values are strings")
    return value
