"""The PACT v2.3 host API: ``GET /2/footprints``, ``GET /2/footprints/{id}`` and ``POST /2/events``.

As the Technical Specifications v2.3.3 define them (§HTTP REST API): the same footprints, customers, tokens and
HTTPS rule as v3 (``routes``), each footprint served in its v2.3 form (``mapping_v2``; one without such a form is
left out of lists and is NoSuchFootprint). The differences from v3:

- ListFootprints takes ``limit`` (a positive integer: 0 is a BadRequest) and the optional ``$filter`` (the OData
  subset of ``filters_v2``; a statement this host does not process is NotImplemented, 400); a page may hold fewer
  footprints than ``limit`` (§Pagination allows it) when some have no v2.3 form or fail the filter, and the
  ``Link: <...>; rel="next"`` header follows while the footprints the customer may see go on;
- a footprint that does not exist is ``NoSuchFootprint`` (404), as §Error responses names it;
- events are v2's (``model_v2``): a RequestCreated is answered on the customer's host at ``/2/events`` with v2's
  RequestFulfilled (v2.3 footprints) or RequestRejected (``answers``).
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from lowcarbon.errors import InvalidInput, NotFound
from lowcarbon.pact import filters_v2, model_v2, service
from lowcarbon.pact.filters import Filters
from lowcarbon.pact.mapping_v2 import to_v2
from lowcarbon.pact.routes import (
    PACT_ERRORS,
    READ_SCOPE,
    PactRoute,
    Refusal,
    customer_for,
    pact_settings,
    receive,
    receive_body,
    whole_number,
)
from lowcarbon.platform.dependencies import NowDep, SessionDep

__all__ = ["router"]


class PactV2Route(PactRoute):
    """A v2 route: its not-found code is v2's."""

    not_found = "NoSuchFootprint"


router = APIRouter(tags=["pact v2"], route_class=PactV2Route, responses=PACT_ERRORS)


def _predicate(request: Request) -> filters_v2.Predicate | None:
    given = request.query_params.getlist("$filter")
    if not given:
        return None
    try:
        return filters_v2.parse(" and ".join(f"({text})" for text in given))
    except filters_v2.Unsupported as exc:
        raise Refusal(400, "NotImplemented", f"$filter: {exc}") from None


@router.get("/2/footprints", summary="Action ListFootprints (v2.3)")
def list_footprints(request: Request, session: SessionDep, now: NowDep) -> Response:
    """The v2.3 footprints shared with the caller, a page at a time (Link rel="next"), optionally filtered."""
    customer = customer_for(request, session, now, READ_SCOPE)
    limit = whole_number(request.query_params.getlist("limit"), "limit")
    offset = whole_number(request.query_params.getlist("offset"), "offset") or 0
    if limit == 0:
        raise Refusal(400, "BadRequest", "limit is a positive integer")
    keep = _predicate(request)
    settings = pact_settings(request)
    size = min(limit or settings.page_size, settings.max_page_size)
    page = service.list_footprints(session, customer, Filters(), offset=offset, limit=size)
    footprints = []
    for document, deprecated_at in zip(page.footprints, page.deprecated_at, strict=True):
        try:
            v2 = to_v2(document, updated=deprecated_at)
        except InvalidInput:
            continue
        if keep is None or keep(v2):
            footprints.append(v2)
    headers = {}
    if page.more:
        following = request.url.include_query_params(offset=offset + size, limit=size)
        headers["Link"] = f'<{following}>; rel="next"'
    return JSONResponse({"data": footprints}, headers=headers)


@router.get("/2/footprints/{pf_id}", summary="Action GetFootprint (v2.3)")
def get_footprint(pf_id: str, request: Request, session: SessionDep, now: NowDep) -> Response:
    """One footprint in its v2.3 form, if it is shared with the caller."""
    customer = customer_for(request, session, now, READ_SCOPE)
    row = service.get_published(session, customer, pf_id)
    try:
        return JSONResponse({"data": to_v2({**row.document, "status": row.status}, updated=row.deprecated_at)})
    except InvalidInput as exc:
        raise NotFound(f"footprint {pf_id} has no PACT v2.3 form: {exc}") from None


@router.post("/2/events", summary="Action Events (v2.3)")
async def events(request: Request) -> Response:
    """Accept a v2 CloudEvent (request created, fulfilled, rejected; footprint published): 200, empty body."""
    return await run_in_threadpool(receive, request, await receive_body(request), model_v2.parse_event, "2")
