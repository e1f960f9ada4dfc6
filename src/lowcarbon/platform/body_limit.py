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

A JSON body (``application/json``, ``*/*+json``, or a body without a type, which FastAPI reads as JSON) is read
whole first, within the same limit, and refused with 400 ``max_nesting_depth_exceeded`` when it nests deeper than
the bounded reader's ``max_nesting_depth`` (``lowcarbon.bounded``): Python's JSON decoder recurses, and a body
nested a thousand levels would crash whichever reader parses it. The app then receives the body as it came.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lowcarbon.bounded import check_json_depth
from lowcarbon.errors import LimitExceeded, PayloadTooLarge
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
        headers = Headers(scope=scope)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(f"the body has {int(declared):,} bytes", scope, receive, send)
            return
        has_body = declared not in ("", "0") or "transfer-encoding" in headers
        if has_body and _is_json(headers.get("content-type", "")):
            await self._json(scope, receive, send)
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

    async def _json(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Read the JSON body whole (within the limit), check its nesting, then hand it to the app as it came."""
        chunks: list[bytes] = []
        counted, more = 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client left: nothing to answer
                return
            chunks.append(message.get("body", b""))
            counted += len(chunks[-1])
            more = message.get("more_body", False)
            if counted > self.max_bytes:
                await self._refuse(f"the body has more than {self.max_bytes:,} bytes", scope, receive, send)
                return
        body = b"".join(chunks)
        try:
            check_json_depth(body, "the request body")
        except LimitExceeded as exc:
            await error_response(exc.status, exc.code, str(exc))(scope, receive, send)
            return
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if delivered:
                return await receive()  # after the body: a disconnect, as the server reports it
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    def _error(self, size: str) -> PayloadTooLarge:
        return PayloadTooLarge(f"{size}; a request body has at most {self.max_bytes:,} bytes")

    async def _refuse(self, size: str, scope: Scope, receive: Receive, send: Send) -> None:
        error = self._error(size)
        await error_response(error.status, error.code, str(error))(scope, receive, send)


def _is_json(content_type: str) -> bool:
    """Whether a body of this content type is read as JSON: none given, ``application/json`` or ``*/*+json``."""
    media = content_type.split(";", 1)[0].strip().lower()
    return not media or media == "application/json" or media.endswith("+json")
