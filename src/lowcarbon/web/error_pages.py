"""Errors of the browser's pages as pages: the same status and stable code as the API's JSON error, in the page's
language and layout, with the page's security headers.

``install(app)`` wraps the app's JSON error handlers (``platform.http_errors``): a request for a page (one that
reached a route of ``lowcarbon.web``, or reached no route at all and accepts HTML, as a browser's address bar does)
that fails gets ``error.html`` with the status, the code (also in ``data-error-code``, for tests and scripts), the
message and the error's headers (``Allow``...); every other request keeps the one JSON error shape. A crash (500)
stays the API's plain answer, which tells nothing.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException

from lowcarbon.errors import LowcarbonError
from lowcarbon.platform.http_errors import error_headers, status_and_code
from lowcarbon.web.render import page

__all__ = ["install", "is_page"]

Handler = Callable[[Request, Exception], Any]


def is_page(request: Request) -> bool:
    """Whether ``request`` asks for one of the browser's pages: it reached a page's route (of the web package, or a
    domain's ``pages`` module or package), or no route and it accepts HTML (a browser asking for an address that
    does not exist)."""
    endpoint = request.scope.get("endpoint")
    if endpoint is not None:
        module = str(getattr(endpoint, "__module__", ""))
        parts = module.split(".")  # lowcarbon.web.*, or a domain's pages: lowcarbon.<domain>.pages[.<module>]
        return parts[0] == "lowcarbon" and (parts[1:2] == ["web"] or parts[2:3] == ["pages"])
    return "text/html" in request.headers.get("accept", "")


def install(app: FastAPI) -> None:
    """Answer errors of page requests with the error page; leave the others to the JSON handlers."""
    for error in (LowcarbonError, HTTPException, RequestValidationError):
        fallback = app.exception_handlers[error]
        app.add_exception_handler(error, _pages_first(fallback))


def _pages_first(fallback: Handler) -> Handler:
    async def handle(request: Request, exc: Exception) -> Response:
        if is_page(request):
            status, code = status_and_code(exc)
            message = str(exc) if isinstance(exc, LowcarbonError) else ""
            context = {"status": status, "code": code, "message": message}
            response = page(request, "error.html", context, status=status)
            response.headers.update(error_headers(request, exc))
            return response
        answer = fallback(request, exc)
        return await answer if inspect.isawaitable(answer) else answer  # type: ignore[no-any-return]

    return handle
