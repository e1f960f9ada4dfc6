"""The carbon-inclusive API.

    POST /api/inclusive/events          a partner's signed batch (X-Partner-Id, X-Timestamp, X-Signature)
    POST /api/inclusive/account-links   signed as a batch: a person's link to their carbon account
    GET  /api/inclusive/methodologies   public: the behaviours, their quantities with units, versions and sources

A batch is checked before it is read: a bad signature or a timestamp outside the replay window is 401
``invalid_signature`` and changes nothing. The answer has one result per event, in order:
``{"results": [{"id", "status": "credited|held|duplicate|rejected", "reason"}]}``.
"""

from __future__ import annotations

import json
import threading
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from lowcarbon.certify import service as certify
from lowcarbon.errors import InvalidInput, PayloadTooLarge
from lowcarbon.inclusive import evaluation, links, partners, service
from lowcarbon.inclusive.batches import read_batch
from lowcarbon.inclusive.ingest import finish, prepare
from lowcarbon.inclusive.methodology import methodologies
from lowcarbon.platform.database import one_state, write_turn
from lowcarbon.platform.dependencies import NowDep, Platform, WriteSessionDep

__all__ = ["router"]

router = APIRouter(prefix="/api/inclusive", tags=["carbon-inclusive"])
MAX_BATCH_BYTES = 4 * 1024 * 1024
# one batch at a time in a process, in either phase: its threads would only fight over the GIL, slowing the batch that
# holds the write lock (more processes, ``serve --workers``, use more cores)
_ONE_BATCH = threading.Lock()


async def _raw_body(request: Request) -> bytes:
    """The batch's bytes as sent (the signature is over them), at most MAX_BATCH_BYTES."""
    body = await request.body()
    if len(body) > MAX_BATCH_BYTES:
        raise PayloadTooLarge(f"a batch is at most {MAX_BATCH_BYTES:,} bytes")
    return body


def _signed_by(request: Request, body: bytes, session: Any, now: Any) -> Any:
    """The partner whose headers sign ``body`` (401 invalid_signature otherwise)."""
    headers = request.headers
    return partners.verified_partner(
        session,
        partner_id=headers.get("x-partner-id"),
        timestamp=headers.get("x-timestamp"),
        signed=headers.get("x-signature"),
        body=body,
        now=now,
    )


@router.post(
    "/events",
    responses={401: {"description": "invalid_signature: the partner, timestamp or signature does not check out"}},
)
def receive_events(request: Request, body: Annotated[bytes, Depends(_raw_body)], now: NowDep) -> JSONResponse:
    """Ingest a partner's signed batch of behaviour events; each is credited, held, a duplicate or rejected."""
    platform = Platform.of(request.app)
    with _ONE_BATCH, platform.sessions.begin() as reading:  # needs no lock: the signature, the body, the screening,
        one_state(reading)  # and the judging, from one state of the database (under the lock: only what came since)
        partner = _signed_by(request, body, reading, now)
        events = read_batch(body)

        def certificate(number: str, day: date) -> dict[str, Any] | None:
            return certify.certificate_status(reading, number, day)

        evaluate = evaluation.evaluator(str(partner.id), certificate)
        evaluate.screen(events, now)
        plan = prepare(reading, partner.id, events, evaluate, now)
    with _ONE_BATCH, write_turn(platform.engine), platform.write_sessions.begin() as session:
        results = finish(session, plan)  # SQLite's write lock; PostgreSQL: the partner's
    return JSONResponse({"results": [{"id": r.id, "status": r.status, "reason": r.reason} for r in results]})


@router.post(
    "/account-links",
    responses={401: {"description": "invalid_signature: the partner, timestamp or signature does not check out"}},
)
def account_link(
    request: Request, body: Annotated[bytes, Depends(_raw_body)], session: WriteSessionDep, now: NowDep
) -> JSONResponse:
    """A person's link to their carbon account, for the partner to hand them: a signed ``{"person": pseudonym}``
    answered ``{"url": "/carbon-account/<token>"}``."""
    partner = _signed_by(request, body, session, now)
    try:
        pseudonym = json.loads(body).get("person")
    except (ValueError, AttributeError):
        pseudonym = None
    if not isinstance(pseudonym, str) or not 0 < len(pseudonym) <= 128:
        raise InvalidInput('send {"person": "<the pseudonym your events name>"}')
    person = service.person(session, partner.id, pseudonym, now)
    token = links.account_token(person, Platform.of(request.app).secret_key.encode())
    return JSONResponse({"url": f"/carbon-account/{token}"})


@router.get("/methodologies")
def list_methodologies() -> JSONResponse:
    """The current methodologies: behaviour, version, names, quantities (name and unit), parameters with their
    sources, caps, delay and claim window."""
    return JSONResponse([m.to_dict() for m in methodologies()])
