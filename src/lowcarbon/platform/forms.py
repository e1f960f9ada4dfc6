"""Request bodies read by hand: HTML forms (``application/x-www-form-urlencoded``), JSON objects, multipart forms.

``read_fields`` gives the auth endpoints a flat mapping of text fields from a form or a JSON object, read here rather
than by FastAPI's ``Form`` so that one function serves both; a field given twice is refused, as OAuth2 (RFC 6749
§3.2) asks of token requests. ``read_multipart`` parses a ``multipart/form-data`` body (files and fields) once per
request: Starlette keeps the parsed form on the request, so the CSRF check (which looks for the ``csrf_token`` field)
and the route read the same form, and the body is not read twice.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from urllib.parse import parse_qsl

from fastapi import Request
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException

from lowcarbon.errors import InvalidInput, PayloadTooLarge
from lowcarbon.platform.errors import UnsupportedMediaType

__all__ = [
    "FORM",
    "JSON",
    "MAX_BODY",
    "MAX_MULTIPART",
    "MULTIPART",
    "BodyTooLarge",
    "media_type",
    "read_fields",
    "read_multipart",
]

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
MULTIPART = "multipart/form-data"
MAX_BODY = 64 * 1024  # bytes; a login or token request is a few hundred
MAX_MULTIPART = 16 * 1024 * 1024  # bytes; above any upload a route takes (a model file: 5 MB), which routes bound
_MAX_FILES, _MAX_FIELDS = 20, 32  # a form has a model file, its factor files (16 at most) and a few fields


class BodyTooLarge(PayloadTooLarge):
    """The request body is larger than an auth request can be."""


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


async def read_multipart(request: Request, *, max_bytes: int = MAX_MULTIPART) -> FormData:
    """The request's ``multipart/form-data`` form, parsed on first call and kept on the request for later ones.

    413 when the declared Content-Length exceeds ``max_bytes`` (at most ``MAX_MULTIPART``); 400 ``invalid_input``
    for a body that is not a well-formed multipart form, or has more files or fields than a form of the platform.
    Files are spooled to disk past 1 MB; routes bound their files' sizes themselves and close the form.
    """
    declared, limit = request.headers.get("content-length", ""), min(max_bytes, MAX_MULTIPART)
    if declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"the body has {int(declared):,} bytes; this endpoint takes at most {limit:,}")
    try:
        return await request.form(max_files=_MAX_FILES, max_fields=_MAX_FIELDS, max_part_size=MAX_MULTIPART)
    except HTTPException as exc:  # Starlette's answer to a malformed form
        raise InvalidInput(f"the multipart form cannot be read: {exc.detail}") from None


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
