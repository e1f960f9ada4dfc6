"""The PACT v3 host API: ``GET /3/footprints``, ``GET /3/footprints/{id}`` and ``POST /3/events``.

As the PACT Technical Specifications v3.0.3 define them (OpenAPI ``paths``, §HTTP REST API, §Error Handling). The
token endpoint and its discovery document are the platform's (``platform.oauth``: ``POST /auth/token`` with HTTP
Basic, ``GET /.well-known/openid-configuration``); a PACT customer is a machine client of the publishing
organisation with the scopes ``pact:read`` and ``pact:events`` (``lowcarbon pact grant``).

Every failure answers the specification's ``Error`` object ``{"code", "message"}``, never the platform's shape:
BadRequest 400 (a malformed request, a missing or unknown token, plain HTTP), TokenExpired 401, AccessDenied 403 (a
client that is no PACT customer, a footprint not shared with it), NotFound 404, InternalError 500. Unknown or
expired tokens answer 401 with ``WWW-Authenticate: Bearer`` (RFC 6750 §3), as §Using the Access Token asks. The
actions answer over HTTPS only ("A host system MUST offer its actions over HTTPS only"): a request that reached the
app over plain HTTP is refused, so the PACT port (TLS) serves them and the platform's plain port does not.

ListFootprints pages with ``offset`` and ``limit``: a page holds at most ``limit`` footprints (and at most the
settings' ``max_page_size``), and a ``Link: <...>; rel="next"`` header, absolute and on the request's own host,
follows while more remain. Filter names are matched case-insensitively, as the specification's own example writes
``productid``; parameters prefixed ``x-`` are extensions of other hosts, ignored here. A filter value no footprint
can have (a productId, companyId or classification that is no URN, a status other than Active and Deprecated) is
not an error: it matches nothing, so an answer lists what the other values of its criterion match, or nothing (as
the official conformance suite's cases 29 and 37 expect). A malformed date, offset or limit is a BadRequest.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Coroutine, Mapping
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from lowcarbon.errors import InvalidInput, NotFound, PermissionDenied
from lowcarbon.pact import service
from lowcarbon.pact.events import CLOUDEVENTS_MEDIA_TYPE, parse_event
from lowcarbon.pact.filters import STATUSES, Filters
from lowcarbon.pact.settings import PactSettings
from lowcarbon.pact.tables import Customer
from lowcarbon.pact.types import is_urn
from lowcarbon.platform import machine_clients
from lowcarbon.platform.credentials import token_digest
from lowcarbon.platform.dependencies import NowDep, SessionDep, ports_for
from lowcarbon.platform.tables import AccessToken

__all__ = [
    "EVENTS_SCOPE",
    "READ_SCOPE",
    "PactRoute",
    "Refusal",
    "customer_for",
    "pact_settings",
    "receive",
    "receive_body",
    "router",
    "whole_number",
]

READ_SCOPE = "pact:read"
EVENTS_SCOPE = "pact:events"
_LIST_PARAMETERS = ("productId", "companyId", "geography", "classification")
_URN_PARAMETERS = frozenset({"productId", "companyId", "classification"})
_ONE_PARAMETERS = ("validOn", "validAfter", "validBefore", "status")
_MAX_EVENT_BYTES = 8 * 1024 * 1024
_log = logging.getLogger(__name__)


class Refusal(Exception):
    """A PACT action refused with an HTTP status and one of the specification's error codes."""

    def __init__(self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, dict(headers or {})


def _error(status: int, code: str, message: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"code": code, "message": message}, status_code=status, headers=dict(headers or {}))


class PactRoute(APIRoute):
    """A route whose every failure answers PACT's Error object."""

    not_found = "NotFound"  # v2 says NoSuchFootprint

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except Refusal as refusal:
                return _error(refusal.status, refusal.code, refusal.message, refusal.headers)
            except NotFound as exc:
                return _error(404, self.not_found, str(exc))
            except PermissionDenied as exc:
                return _error(403, "AccessDenied", str(exc))
            except InvalidInput as exc:
                return _error(400, "BadRequest", str(exc))
            except Exception:
                _log.exception("PACT action %s %s failed", request.method, request.url.path)
                return _error(500, "InternalError", "An internal or unexpected error has occurred")

        return route


class PactErrorBody(BaseModel):
    """What a PACT action answers when it fails: the spec's ``Error`` (v3's codes, and v2's such as
    NoSuchFootprint), not the platform's error shape."""

    code: str
    message: str


# PACT's own error shape replaces the platform's default error response in the OpenAPI document
PACT_ERRORS: dict[int | str, dict[str, Any]] = {
    "default": {"model": PactErrorBody, "description": "An error, in PACT's shape: {code, message}"}
}

router = APIRouter(tags=["pact"], route_class=PactRoute, responses=PACT_ERRORS)


def pact_settings(request: Request) -> PactSettings:
    found = getattr(request.app.state, "pact_settings", None)
    if found is None:
        found = request.app.state.pact_settings = PactSettings()
    return found


def customer_for(request: Request, session: Session, now: Any, scope: str) -> Customer:
    """The PACT customer behind the request's bearer token, over HTTPS; Refusal otherwise."""
    if request.url.scheme != "https" and pact_settings(request).https_only:
        raise Refusal(400, "BadRequest", "PACT actions are served over HTTPS only")
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    challenge = {"WWW-Authenticate": 'Bearer realm="pact", error="invalid_token"'}
    if scheme.lower() != "bearer" or not token:
        raise Refusal(401, "BadRequest", "authenticate with a bearer token from the token endpoint", challenge)
    client = machine_clients.find_token(session, token, now)
    if client is None:
        expired = sa.select(AccessToken.id).where(
            AccessToken.token_hash == token_digest(token), AccessToken.expires_at <= now
        )
        if session.scalar(expired) is not None:
            raise Refusal(401, "TokenExpired", "The specified access token has expired", challenge)
        raise Refusal(401, "BadRequest", "Invalid token provided", challenge)
    customer = service.customer_of_client(session, client.id)
    if customer is None or customer.revoked_at is not None or scope not in client.scopes:
        raise Refusal(403, "AccessDenied", f"Access denied: this client is no PACT customer with scope {scope}")
    return customer


def _filters(request: Request) -> tuple[Filters | None, int, int | None]:
    """The filters, offset and limit of a ListFootprints request (filters None when no footprint can match them);
    Refusal for malformed ones."""
    by_name: dict[str, list[str]] = {}
    for name, value in request.query_params.multi_items():
        by_name.setdefault(name.lower(), []).append(value)
    values: dict[str, Any] = {}
    impossible = False
    for name in _LIST_PARAMETERS:
        if name.lower() in by_name:
            given = by_name[name.lower()]
            values[name] = [value for value in given if is_urn(value)] if name in _URN_PARAMETERS else given
            impossible = impossible or not values[name]  # every value of the criterion names nothing
    for name in (*_ONE_PARAMETERS, "offset", "limit"):
        given = by_name.get(name.lower(), [])
        if len(given) > 1:
            raise Refusal(400, "BadRequest", f"give {name} once")
        if given and name in _ONE_PARAMETERS:
            values[name] = given[0]
    if "status" in values and values["status"].lower() not in {status.lower() for status in STATUSES}:
        impossible = True
        del values["status"]
    try:
        filters = Filters.model_validate(values)
    except ValidationError as exc:
        raise Refusal(400, "BadRequest", _problems(exc)) from None
    offset, limit = whole_number(by_name.get("offset"), "offset") or 0, whole_number(by_name.get("limit"), "limit")
    return (None if impossible else filters), offset, limit


def whole_number(given: list[str] | None, name: str) -> int | None:
    if not given:
        return None
    if not given[0].isascii() or not given[0].isdigit() or len(given[0]) > 9:
        raise Refusal(400, "BadRequest", f"{name} is a whole number of at least 0, not {given[0]!r}")
    return int(given[0])


def _problems(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in error['loc']) or 'body'}: {error['msg']}" for error in exc.errors()
    )


@router.get("/3/footprints", summary="Action ListFootprints")
def list_footprints(request: Request, session: SessionDep, now: NowDep) -> Response:
    """The footprints shared with the caller that meet the filters, a page at a time (Link rel="next")."""
    customer = customer_for(request, session, now, READ_SCOPE)
    filters, offset, limit = _filters(request)
    settings = pact_settings(request)
    size = min(limit if limit is not None else settings.page_size, settings.max_page_size)
    page = (
        service.list_footprints(session, customer, filters, offset=offset, limit=size)
        if filters is not None
        else service.Page([], more=False)
    )
    headers = {}
    if page.more or size == 0:
        following = request.url.include_query_params(offset=offset + size, limit=limit or settings.page_size)
        headers["Link"] = f'<{following}>; rel="next"'
    return JSONResponse({"data": page.footprints}, headers=headers)


@router.get("/3/footprints/{pf_id}", summary="Action GetFootprint")
def get_footprint(pf_id: str, request: Request, session: SessionDep, now: NowDep) -> Response:
    """One footprint by its id, if it is shared with the caller (deprecated ones too)."""
    customer = customer_for(request, session, now, READ_SCOPE)
    return JSONResponse({"data": service.get_footprint(session, customer, pf_id)})


@router.post("/3/events", summary="Action Events")
async def events(request: Request) -> Response:
    """Accept a PACT CloudEvent (RequestCreated, RequestFulfilled, RequestRejected, Published): 200, empty body."""
    return await run_in_threadpool(receive, request, await receive_body(request))


async def receive_body(request: Request) -> bytes:
    """The body of an event, within the size an event may have."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > _MAX_EVENT_BYTES:
        raise Refusal(400, "BadRequest", f"an event has at most {_MAX_EVENT_BYTES} bytes")
    return await request.body()


def receive(request: Request, body: bytes, parse: Callable[[Any], Any] = parse_event, version: str = "3") -> Response:
    """Keep the event of ``body`` (parsed by ``parse``) for the caller, a PACT customer; the answer to a request
    goes out as a job."""
    platform = request.app.state.platform
    now = platform.clock()
    with platform.write_sessions.begin() as session:
        customer = customer_for(request, session, now, EVENTS_SCOPE)
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media not in (CLOUDEVENTS_MEDIA_TYPE, "application/json"):
            raise Refusal(400, "BadRequest", f"send the event as {CLOUDEVENTS_MEDIA_TYPE} (structured mode)")
        if len(body) > _MAX_EVENT_BYTES:
            raise Refusal(400, "BadRequest", f"an event has at most {_MAX_EVENT_BYTES} bytes")
        try:
            data = json.loads(body)
            event = parse(data)
        except ValueError as exc:  # JSONDecodeError and pydantic's ValidationError are ValueErrors
            message = _problems(exc) if isinstance(exc, ValidationError) else f"the body is not JSON ({exc})"
            raise Refusal(400, "BadRequest", message) from None
        ports = ports_for(request, session, f"client:{customer.machine_client_id}")
        service.receive_event(
            session,
            ports.audit,
            customer=customer,
            event=event,
            now=now,
            jobs=ports.jobs,
            answer_source=f"//{request.url.netloc}/{version}/events",
        )
    return Response(status_code=200)
