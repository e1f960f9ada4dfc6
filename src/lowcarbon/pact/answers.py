"""Answering a customer's footprint request (a RequestCreated event) on the customer's own host, as a background job.

PACT v3.0.3 §Action Events > Asynchronous request and retrieval of Product Footprints: the data owner answers with a
RequestFulfilled event (the footprints that meet the request's criteria, never an empty list) or a RequestRejected
event (an ``Error``; NotFound when nothing matches), posted to the data recipient's Action Events endpoint on the
host that the request's ``source`` names, which the data owner MUST validate first; events are sent after
authenticating at that host (§Authentication), and a recipient that does not take the answer SHOULD be tried again
with an exponential backoff.

Here a customer's host is the one the organisation registered for it (``Customer.events_url``, with the client
credentials the customer gave the organisation there). ``check_source`` is the validation: the request's source
(``//host[:port]/path`` as the specification writes it, or an absolute https URL) must name that host and port.
``service.receive_event`` queues ``JOB_KIND`` for a RequestCreated it accepts, or marks it failed (not answered)
when the customer has no registered host or the source names another. Then, as the platform's job runner drives it:

- ``answer_inputs`` (when the job is handed to a worker, with a database session): the answer from what the
  customer may see at that moment, and where to send it;
- ``send_answer`` (in the worker, no database): discover the customer host's token endpoint, authenticate with HTTP
  Basic, post the event over HTTPS (trusting the system's CAs and ``LOWCARBON_PACT_CA_FILE``), up to
  ``ATTEMPTS`` times with a doubling pause;
- ``store_outcome`` (when the job ends): ``sent`` with the event sent, or ``failed`` with the error, audited.
"""

from __future__ import annotations

import ssl
import time
import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx2
import sqlalchemy as sa
from sqlalchemy.orm import Session

from lowcarbon.errors import HostError, InvalidInput, LowcarbonError, NotFound
from lowcarbon.pact import model_v2
from lowcarbon.pact.events import RequestCreatedEvent, parse_event
from lowcarbon.pact.filters import Filters
from lowcarbon.pact.mapping_v2 import to_v2
from lowcarbon.pact.settings import PactSettings
from lowcarbon.pact.tables import Customer, EventReceived
from lowcarbon.ports import AuditLog, JobState, JobStatus

__all__ = [
    "ATTEMPTS",
    "JOB_KIND",
    "MAX_FOOTPRINTS",
    "REQUEST_TYPES",
    "answer_event",
    "answer_inputs",
    "check_source",
    "events_origin",
    "http_client",
    "not_answered",
    "post_event",
    "send_answer",
    "store_outcome",
    "v2_filters",
]

JOB_KIND = "pact_answer_request"
ATTEMPTS = 4  # posts of one answer: waits 1, 2, 4 s between them (the job runner's own retries are for crashes)
MAX_FOOTPRINTS = 1000  # the most footprints one RequestFulfilled carries
_PREFIX = "org.wbcsd.pact.ProductFootprint."
REQUEST_TYPES = (_PREFIX + "RequestCreatedEvent.3", model_v2.CREATED)  # the requests answered, v3 and v2


def events_origin(url: str) -> str:
    """``https://host[:port]`` of a customer host's base URL; InvalidInput unless it is an absolute https URL."""
    parts = urlsplit(url.strip())
    if parts.scheme != "https" or not parts.hostname or parts.query or parts.fragment or parts.username:
        raise InvalidInput(f"a PACT host's URL is https://host[:port][/path], not {url!r}")
    return f"https://{parts.netloc.lower()}{parts.path.rstrip('/')}"


def _netloc(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme in ("https", "") else 80)
    return f"{(parts.hostname or '').lower()}:{port}"


def check_source(source: str, events_url: str) -> None:
    """InvalidInput unless the event's ``source`` names the customer's registered host (same host and port)."""
    if not (source.startswith("//") or source.lower().startswith("https://")):
        raise InvalidInput(f"the request's source {source!r} names no HTTPS host to answer to")
    if _netloc(source) != _netloc(events_url):
        raise InvalidInput(f"the request's source {source!r} is not the customer's registered host {events_url}")


def answer_event(
    footprints: list[dict[str, Any]], request_id: str, source: str, now: datetime, *, v2: bool = False
) -> dict[str, Any]:
    """RequestFulfilled with ``footprints``, or RequestRejected (NotFound) when there are none (v3, or v2's)."""
    base = {"specversion": "1.0", "id": str(uuid.uuid4()), "source": source, "time": _time(now)}
    fulfilled, rejected = (
        (model_v2.FULFILLED, model_v2.REJECTED)
        if v2
        else (_PREFIX + "RequestFulfilledEvent.3", _PREFIX + "RequestRejectedEvent.3")
    )
    if footprints:
        data: dict[str, Any] = {"requestEventId": request_id, "pfs": footprints}
        return {"type": fulfilled, **base, "data": data}
    error = {"code": "NotFound", "message": "No product footprint shared with you meets the request's criteria"}
    return {"type": rejected, **base, "data": {"requestEventId": request_id, "error": error}}


def v2_filters(fragment: dict[str, Any]) -> Filters:
    """The criteria of a v2 request's ProductFootprint fragment that a host can look up: productIds, companyIds,
    productClassifications and the country (v2.3.3 §PF Request Event lets a host ignore the other properties)."""
    found = fragment.get("pcf")
    pcf: dict[str, Any] = found if isinstance(found, dict) else {}
    given = {
        "productId": fragment.get("productIds"),
        "companyId": fragment.get("companyIds"),
        "classification": fragment.get("productClassifications"),
        "geography": [pcf["geographyCountry"]] if isinstance(pcf.get("geographyCountry"), str) else None,
    }
    return Filters.model_validate({key: value for key, value in given.items() if isinstance(value, list) and value})


def _time(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def answer_inputs(session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    """The job's input: the answer to the stored request ``payload["event"]`` and the customer host to send it to."""
    from lowcarbon.pact import service  # service queues this job: imported here, once both are loaded

    row = session.get(EventReceived, payload["event"])
    if row is None:
        raise NotFound(f"no PACT event {payload['event']} to answer")
    customer = session.get(Customer, row.customer_id)
    assert customer is not None
    if not customer.events_url or not customer.events_client_id or not customer.events_client_secret:
        raise InvalidInput(f"the PACT customer {customer.name!r} has no host registered to take answers")
    now = datetime.now(UTC)
    if row.type == model_v2.CREATED:
        request_v2 = model_v2.parse_event(row.body)
        assert isinstance(request_v2, model_v2.RequestCreatedEvent)
        found = service.list_footprints(
            session, customer, v2_filters(request_v2.data.pf), offset=0, limit=MAX_FOOTPRINTS
        )
        documents = []
        for document, deprecated_at in zip(found.footprints, found.deprecated_at, strict=True):
            try:
                documents.append(to_v2(document, updated=deprecated_at))
            except InvalidInput:
                continue  # no v2.3 form (mapping_v2): not something a v2 partner can be sent
        answer = answer_event(documents, request_v2.id, payload["source"].replace("/3/", "/2/"), now, v2=True)
        path = "/2/events"
    else:
        request = parse_event(row.body)
        assert isinstance(request, RequestCreatedEvent)
        page = service.list_footprints(session, customer, request.data, offset=0, limit=MAX_FOOTPRINTS)
        answer, path = answer_event(page.footprints, request.id, payload["source"], now), "/3/events"
    return {
        "events_url": customer.events_url,
        "client_id": customer.events_client_id,
        "client_secret": customer.events_client_secret,
        "path": path,
        "answer": answer,
    }


def http_client() -> httpx2.Client:
    """An HTTP client for other PACT hosts: the system's CAs and ``LOWCARBON_PACT_CA_FILE`` trusted."""
    context = ssl.create_default_context()
    ca_file = PactSettings().ca_file
    if ca_file is not None:
        context.load_verify_locations(cafile=ca_file)
    return httpx2.Client(verify=context, timeout=30.0, trust_env=False)


def send_answer(inputs: dict[str, Any]) -> dict[str, Any]:
    """Post the answer to the customer's host (the job's function, run by a worker): ``{"answer": event}``."""
    sent_to = post_event(inputs, inputs["answer"], path=inputs.get("path", "/3/events"))
    return {"answer": inputs["answer"], "sent_to": sent_to}


def post_event(host: dict[str, Any], event: dict[str, Any], *, path: str = "/3/events") -> str:
    """Post ``event`` to a customer's host (``host``: its ``events_url``, ``client_id``, ``client_secret``) after
    authenticating there, up to ``ATTEMPTS`` times with a doubling pause; the URL it was posted to."""
    from lowcarbon.pact.client import PactClient

    with http_client() as http:
        client = PactClient(host["events_url"], host["client_id"], host["client_secret"], http=http)
        for attempt in range(ATTEMPTS):
            try:
                client.send_event(event, path=path)
                break
            except HostError:
                if attempt == ATTEMPTS - 1:
                    raise
                time.sleep(2**attempt)
    return str(host["events_url"]) + path


def store_outcome(session: Session, status: JobStatus, audit: AuditLog) -> None:
    """Record on the request how its answer went: sent (and what), or failed (and why)."""
    row = session.scalar(sa.select(EventReceived).where(EventReceived.answer_job_id == status.id))
    if row is None:
        return
    before = {"answer_state": row.answer_state}
    if status.status is JobState.DONE and status.result is not None:
        row.answer_state, row.answer, row.answer_error = "sent", status.result["answer"], None
    else:
        row.answer_state, row.answer_error = "failed", status.error or "the answer could not be sent"
    row.answered_at = status.finished_at
    after = {"answer_state": row.answer_state, "type": (row.answer or {}).get("type"), "error": row.answer_error}
    audit.record("answer", "pact_event", row.id, before, after)


def not_answered(row: EventReceived, error: LowcarbonError, now: datetime) -> None:
    """Mark a request the host will not answer (no registered host, a source naming another), saying why."""
    row.answer_state, row.answer_error, row.answered_at = "failed", f"not answered: {error}", now
