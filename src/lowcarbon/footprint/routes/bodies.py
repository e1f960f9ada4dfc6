"""Request bodies that come as JSON or as a ``multipart/form-data`` upload: which one a request sends, the JSON one
read into its pydantic model, and both described in the OpenAPI document."""

from __future__ import annotations

from typing import Any, TypeVar

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from lowcarbon.platform.csrf import CSRF_FIELD, CSRF_HEADER
from lowcarbon.platform.errors import UnsupportedMediaType
from lowcarbon.platform.forms import JSON, MULTIPART, media_type

__all__ = ["body_of", "inlined", "is_upload", "request_body"]

M = TypeVar("M", bound=BaseModel)


def is_upload(request: Request, what: str) -> bool:
    """Whether the request uploads files (multipart) rather than sending JSON; 415 for any other body, telling
    that ``what`` (e.g. "the study") is sent as either."""
    kind = media_type(request)
    if kind == MULTIPART:
        return True
    if kind not in ("", JSON) and not kind.endswith("+json"):
        raise UnsupportedMediaType(f"send {what} as {JSON} or upload its file as {MULTIPART}, not {kind}")
    return False


async def body_of(request: Request, model: type[M]) -> M:
    """The JSON body read into ``model``; 422 as FastAPI answers for a body it reads itself."""
    body = await request.body()
    if not body:
        raise RequestValidationError([{"type": "missing", "loc": ("body",), "msg": "Field required"}])
    try:
        return model.model_validate_json(body)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False)
        raise RequestValidationError([{**error, "loc": ("body", *error["loc"])} for error in errors]) from None


def inlined(schema: dict[str, Any]) -> dict[str, Any]:
    """The JSON schema with its ``$defs`` put in place of their references, which the OpenAPI document would not
    resolve from a request body's schema."""
    definitions = schema.pop("$defs", {})

    def place(value: Any) -> Any:
        if isinstance(value, dict):
            reference = value.get("$ref", "")
            if reference.startswith("#/$defs/"):
                return place(definitions[reference.removeprefix("#/$defs/")])
            return {key: place(item) for key, item in value.items()}
        if isinstance(value, list):
            return [place(item) for item in value]
        return value

    return dict(place(schema))


def request_body(model: type[BaseModel], fields: dict[str, Any], required: list[str]) -> dict[str, Any]:
    """The ``openapi_extra`` of a route taking ``model`` as JSON or the form ``fields`` (``required`` of them) as
    multipart; a form sent with the session cookie carries its CSRF token too."""
    csrf = {"type": "string", "description": f"With the session cookie: its CSRF token, unless sent as {CSRF_HEADER}"}
    form = {"type": "object", "required": required, "properties": {**fields, CSRF_FIELD: csrf}}
    content = {JSON: {"schema": inlined(model.model_json_schema())}, MULTIPART: {"schema": form}}
    return {"requestBody": {"required": True, "content": content}}
