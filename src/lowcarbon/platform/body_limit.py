"""A bound on every request body, counted as it arrives, whether or not the client declared its length.

``read_multipart`` and ``read_fields`` refuse a body whose declared ``Content-Length`` is too large, but a chunked
body declares none, and would be parsed and spooled to disk to its end before any route could measure it.
``BodyLimit`` is a pure ASGI middleware in front of the app: a declared length over the limit is refused with 413
``payload_too_large`` at once, before the app runs; otherwise it counts the bytes of the ``http.request`` messages,
and the first one that takes the body past the limit raises ``PayloadTooLarge`` from ``receive``, in whichever code
is reading (the CSRF check, a route, a page), so the app's error handlers answer 413 as for any PayloadTooLarge.

Some readers turn what ``receive`` raises into another answer (FastAPI answers 400 "error parsing the body" for a
route with a body parameter), or let it escape as a crash: once the limit is passed, any answer but a 413 the app
begins, and any error that escapes before the app answered, is replaced by the 413 in the one JSON error shape.
The limit is ``forms.MAX_MULTIPART``, above the largest body any route takes; routes keep their own, smaller ones.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lowcarbon.errors import PayloadTooLarge
from lowcarbon.platform.forms import MAX_MULTIPART
from lowcarbon.platform.http_errors import error_response

__all__ = ["BodyLimit"]


class BodyLimit:
    """Refuse, with 413, a request whose body is or turns out to be longer than ``max_bytes``."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_MULTIPART) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(f"the body has {int(declared):,} bytes", scope, receive, send)
            return
        counted, exceeded, started, replaced = 0, False, False, False

        async def limited_receive() -> Message:
            nonlocal counted, exceeded
            message = await receive()
            if message["type"] == "http.request":
                counted += len(message.get("body", b""))
                exceeded = exceeded or counted > self.max_bytes
            if exceeded:
                raise self._error(f"the body has more than {self.max_bytes:,} bytes")
            return message

        async def checked_send(message: Message) -> None:
            nonlocal started, replaced
            if replaced:  # the 413 went instead of the app's answer: the rest of that answer is dropped
                return
            if message["type"] == "http.response.start":
                started = True
                replaced = exceeded and message["status"] != 413
                if replaced:
                    await self._refuse(f"the body has more than {self.max_bytes:,} bytes", scope, receive, send)
                    return
            await send(message)

        try:
            await self.app(scope, limited_receive, checked_send)
        except Exception:
            if not exceeded or started:
                raise
            await self._refuse(f"the body has more than {self.max_bytes:,} bytes", scope, receive, send)

    def _error(self, size: str) -> PayloadTooLarge:
        return PayloadTooLarge(f"{size}; a request body has at most {self.max_bytes:,} bytes")

    async def _refuse(self, size: str, scope: Scope, receive: Receive, send: Send) -> None:
        error = self._error(size)
        await error_response(error.status, error.code, str(error))(scope, receive, send)
