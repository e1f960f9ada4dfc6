"""The one JSON error shape of the HTTP API, ``{"error": {"code": ..., "message": ...}}``, and its handlers.

Codes are stable, for programs to branch on: HTTP errors by status (404 ``not_found``, 405 ``method_not_allowed``
with ``Allow`` listing every method of the path, where Starlette lists only those of its first route, ...), request
validation ``validation_error`` (422, with ``details``: where and what, never the input itself, which may be a
password), lowcarbon's errors their own ``code`` with their ``status`` (400 unless they say otherwise; a
``PlatformError`` with ``details`` lists its problems there in the same shape as validation errors), and
anything unexpected ``internal_error`` (500) with a message that gives nothing away.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException
from starlette.routing import Match

from lowcarbon.errors import LowcarbonError

__all__ = [
    "CODES",
    "ErrorBody",
    "ErrorDetail",
    "ErrorResponse",
    "error_headers",
    "error_response",
    "install_error_handlers",
    "status_and_code",
]

_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
    500: "internal_error",
    503: "service_unavailable",
}


class ErrorDetail(BaseModel):
    """One problem of a request that failed validation: where, what (in English) and its kind; where a domain
    names the problem, also its stable ``id`` with the ``params`` its text is made from and the text in Chinese
    (``message_zh``), and for a summary of problems left out, their ``count``."""

    location: list[str | int]
    message: str
    type: str
    id: str | None = None
    params: dict[str, str] | None = None
    message_zh: str | None = None
    count: int | None = None


class ErrorBody(BaseModel):
    """What went wrong: a stable ``code`` and a ``message`` for people."""

    code: str
    message: str
    details: list[ErrorDetail] | None = None
    context: dict[str, Any] | None = None  # facts to act on, e.g. an illegal move's current state and legal moves


class ErrorResponse(BaseModel):
    """The body of every error response."""

    error: ErrorBody


def error_response(
    status: int,
    code: str,
    message: str,
    *,
    details: list[ErrorDetail] | None = None,
    headers: Mapping[str, str] | None = None,
    context: dict[str, Any] | None = None,
) -> JSONResponse:
    """A JSON response in the one error shape."""
    body = ErrorResponse(error=ErrorBody(code=code, message=message, details=details, context=context))
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    """Make every error ``app`` returns take the one shape."""
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(LowcarbonError, _lowcarbon_error)
    app.add_exception_handler(Exception, _unexpected_error)


def status_and_code(exc: Exception) -> tuple[int, str]:
    """The HTTP status and the stable code an error is answered with (the JSON error's, and a page's)."""
    if isinstance(exc, LowcarbonError):
        return int(getattr(exc, "status", 400)), exc.code
    if isinstance(exc, RequestValidationError):
        return 422, "validation_error"
    if isinstance(exc, HTTPException):
        return exc.status_code, CODES.get(exc.status_code, f"http_{exc.status_code}")
    return 500, "internal_error"


def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    status, code = status_and_code(exc)
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:  # a status Python does not name
        phrase = "Error"
    message = exc.detail if isinstance(exc.detail, str) and exc.detail != phrase else None
    if message is None:
        message = f"{request.method} {request.url.path}: {phrase.lower()}"
    return error_response(status, code, message, headers=error_headers(request, exc))


def error_headers(request: Request, exc: Exception) -> dict[str, str]:
    """The headers an error's response carries (the JSON error's, and a page's): those the error brings
    (``WWW-Authenticate``...), and on 405 ``Allow`` with every method of the path."""
    headers = dict(getattr(exc, "headers", None) or {})
    allowed = _allowed_methods(request) if status_and_code(exc)[0] == 405 else set()
    if allowed:
        headers["Allow"] = ", ".join(sorted(allowed))
    return headers


def _allowed_methods(request: Request) -> set[str]:
    """The methods some route of the app answers at the request's path: each method is tried against the routes
    (``BaseRoute.matches``, which every router of Starlette and FastAPI implements), on a copy of the scope."""
    allowed = set()
    for method in _METHODS:
        scope = {key: dict(value) if isinstance(value, dict) else value for key, value in request.scope.items()}
        scope["method"] = method
        if any(route.matches(scope)[0] is Match.FULL for route in request.app.router.routes):
            allowed.add(method)
    return allowed


def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = [
        ErrorDetail(location=list(error.get("loc", ())), message=str(error.get("msg", "")), type=str(error.get("type")))
        for error in exc.errors()
    ]
    message = "; ".join(f"{'.'.join(map(str, detail.location))}: {detail.message}" for detail in details)
    status, code = status_and_code(exc)
    return error_response(status, code, message or "the request is not valid", details=details)


def _lowcarbon_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, LowcarbonError)
    problems = getattr(exc, "details", None)  # a PlatformError may list its problems one by one
    details = [ErrorDetail.model_validate(problem) for problem in problems] if problems else None
    status, code = status_and_code(exc)
    headers = error_headers(request, exc)
    return error_response(status, code, str(exc), details=details, headers=headers, context=exc.context)


def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    # The traceback goes to the server's log (Starlette re-raises after this handler), not to the client.
    status, code = status_and_code(exc)
    return error_response(status, code, "the server failed to handle this request; it has been logged")
