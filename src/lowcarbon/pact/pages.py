"""The PACT pages: publish a computed study as a PACT footprint, see what was published and shared with whom, manage
the organisation's PACT customers and suppliers, fetch and request suppliers' footprints, and see the answers.

GET  /pact                                  everything below, on one page                                person
POST /pact/publish                          a study as a ProductFootprint (a new version: follows one)   editor
                                            (customers with a host are sent a Published event: notices)
POST /pact/customers                        a new customer; its client id and secret shown this once     admin
POST /pact/customers/{customer_id}/revoke   the customer's access ends (its machine client disabled)     admin
POST /pact/suppliers                        a supplier's host and the credentials it gave us             admin
POST /pact/suppliers/{supplier_id}/fetch    its footprints fetched, kept, and put in the library (pact)  editor
POST /pact/suppliers/{supplier_id}/request  a RequestCreated sent to it; its answer comes to /3/events    editor

A form's refusal shows the page again with the reason (400, 409); another organisation's study, customer or supplier
is the error page (404). A supplier's host that fails or refuses is said on the page (200): the request to us was
fine. Calls to a supplier's host happen outside any database transaction (it may be served by this very database).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from lowcarbon.errors import Conflict, InvalidInput, LowcarbonError
from lowcarbon.footprint import service as footprints
from lowcarbon.pact import notices, service, suppliers
from lowcarbon.pact.answers import http_client
from lowcarbon.pact.cli import customer_client_name, customer_scopes
from lowcarbon.pact.client import PactClient
from lowcarbon.pact.mapping import Publication
from lowcarbon.pact.model import DECLARED_UNITS
from lowcarbon.pact.publishing import publish_study
from lowcarbon.pact.routes import pact_settings
from lowcarbon.platform import machine_clients
from lowcarbon.platform.audit import AuditTrail
from lowcarbon.platform.dependencies import Platform, ports_for
from lowcarbon.platform.forms import read_fields
from lowcarbon.platform.logins import SessionUser
from lowcarbon.web.access import PageAdmin, PageEditor, PageUser
from lowcarbon.web.render import page

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
_CREATED = "org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3"


def _lines(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.replace(",", "\n").splitlines() if part.strip())


def _number(fields: Any, name: str) -> float | None:
    text = fields.get(name, "").strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise _Refused(f"{name}: {text!r} is not a number") from None


class _Refused(LowcarbonError, ValueError):
    """A form's value that cannot be used; shown on the page."""

    code = "invalid_input"


def _publication(fields: Any, user: SessionUser, now: datetime) -> Publication:
    try:
        start, end = (
            date.fromisoformat(fields.get("reference_start", "")),
            date.fromisoformat(fields.get("reference_end", "")),
        )
    except ValueError:
        raise _Refused("give the reference period as two dates (YYYY-MM-DD)") from None
    unit = fields.get("pact_unit", "").strip()
    amount = fields.get("pact_amount", "").strip() or "1"
    follows = fields.get("follows", "").strip()
    return Publication(
        id=str(uuid.uuid4()),
        created=now,
        company_name=user.organisation_name,
        company_ids=_lines(fields.get("company_ids", "")),
        product_ids=_lines(fields.get("product_ids", "")),
        product_name=fields.get("product_name", "").strip(),
        product_description=fields.get("product_description", "").strip(),
        classifications=_lines(fields.get("classifications", "")),
        reference_period=(start, end),
        country=fields.get("country", "").strip().upper() or None,
        declared_unit=(unit, amount) if unit else None,
        product_mass_kg=_number(fields, "product_mass_kg"),
        fossil_carbon_content=_number(fields, "fossil_carbon_content"),
        biogenic_carbon_content=_number(fields, "biogenic_carbon_content"),
        preceding_ids=(follows,) if follows else (),
        comment=fields.get("comment", "").strip() or None,
    )


def _studies(session: Session, request: Request, organisation_id: int) -> list[dict[str, Any]]:
    """The organisation's computed studies, newest product first: what can be published."""
    jobs = Platform.of(request.app).jobs.queue(session)
    found = []
    for product in footprints.list_products(session, organisation_id=organisation_id, limit=50):
        studies = footprints.list_studies(
            session, jobs, organisation_id=organisation_id, product_id=product.id, limit=10
        )
        found += [
            {"id": study.id, "product": product.name, "version": study.version, "total": study.total}
            for study in studies
            if study.status == "done"
        ]
    return found


def _page(request: Request, user: SessionUser, **extra: Any) -> HTMLResponse:
    status = extra.pop("status", 200)
    with Platform.of(request.app).sessions.begin() as session:
        published = service.list_published(session, user.organisation_id)
        shared = service.shared_with(session, user.organisation_id)
        customers = service.list_customers(session, user.organisation_id)
        clients = {row.id: row.client_id for row in machine_clients.list_clients(session, user.organisation_id)}
        context = {
            "user": user,
            "studies": _studies(session, request, user.organisation_id),
            "published": [
                {"row": row, "document": {**row.document, "status": row.status}, "shared": shared.get(row.id, [])}
                for row in published
            ],
            "customers": [{"row": row, "client_id": clients.get(row.machine_client_id, "")} for row in customers],
            "suppliers": suppliers.list_suppliers(session, user.organisation_id),
            "supplier_footprints": suppliers.list_footprints(session, user.organisation_id),
            "answers": service.answers_received(session, user.organisation_id),
            "units": DECLARED_UNITS,
            "factor_set": suppliers.FACTOR_SET,
            **extra,
        }
        return page(request, "pact.html", context, status=status)


@router.get("/pact")
def pact_page(request: Request, user: PageUser) -> HTMLResponse:
    """What the organisation published and to whom, its customers and suppliers, and the forms."""
    return _page(request, user)


@router.post("/pact/publish")
async def publish(request: Request, user: PageEditor) -> Response:
    """Publish the chosen computed study as a PACT footprint (following an earlier one when chosen)."""
    fields = await read_fields(request, json_allowed=False)
    return await run_in_threadpool(_publish, request, user, fields)


def _publish(request: Request, user: SessionUser, fields: Any) -> Response:
    platform = Platform.of(request.app)
    now = platform.clock().astimezone(UTC).replace(microsecond=0)
    try:
        study_id = int(fields.get("study_id", "0") or 0)
        public = pact_settings(request).public_url
        with platform.write_sessions.begin() as session:
            ports = ports_for(request, session, user.actor)
            row = publish_study(
                session,
                ports.audit,
                ports.jobs,
                organisation_id=user.organisation_id,
                study_id=study_id,
                publication=_publication(fields, user, now),
                now=now,
                events_source=notices.events_source(public) if public else None,  # customers told (Published)
            )
            pf_id = row.pf_id
    except (InvalidInput, Conflict, ValueError) as exc:  # NotFound (another organisation's study) is the error page
        status = getattr(exc, "status", 400)
        return _page(request, user, publish_error=str(exc), draft=dict(fields), status=status)
    return RedirectResponse(f"/pact?published={pf_id}#published", status_code=303)


@router.post("/pact/customers")
async def add_customer(request: Request, user: PageAdmin) -> Response:
    """A new PACT customer (and its machine client): the page shows its client id and secret this once."""
    fields = await read_fields(request, json_allowed=False)
    return await run_in_threadpool(_add_customer, request, user, fields)


def _add_customer(request: Request, user: SessionUser, fields: Any) -> Response:
    platform = Platform.of(request.app)
    now = platform.clock()
    name = fields.get("name", "").strip()
    try:
        with platform.write_sessions.begin() as session:
            audit = AuditTrail(session, user.actor)
            made = machine_clients.create_client(
                session,
                organisation_id=user.organisation_id,
                scopes=customer_scopes(),
                actor=user.actor,
                now=now,
                name=customer_client_name(name),
            )
            customer = service.add_customer(
                session, audit, organisation_id=user.organisation_id, name=name, machine_client_id=made.id, now=now
            )
            url = fields.get("events_url", "").strip()
            if url:
                service.set_events_endpoint(
                    session,
                    audit,
                    organisation_id=user.organisation_id,
                    customer_id=customer.id,
                    url=url,
                    client_id=fields.get("events_client_id", ""),
                    client_secret=fields.get("events_client_secret", ""),
                )
    except (InvalidInput, Conflict) as exc:
        return _page(request, user, customer_error=str(exc), status=exc.status)
    return _page(request, user, new_customer=made, status=201)


@router.post("/pact/customers/{customer_id}/revoke")
def revoke_customer(customer_id: int, request: Request, user: PageAdmin) -> Response:
    """End a customer's access: it is marked revoked and its machine client disabled."""
    platform = Platform.of(request.app)
    with platform.write_sessions.begin() as session:
        client_row = service.revoke_customer(
            session,
            AuditTrail(session, user.actor),
            organisation_id=user.organisation_id,
            customer_id=customer_id,
            now=platform.clock(),
        )
        clients = {row.id: row.client_id for row in machine_clients.list_clients(session, user.organisation_id)}
        if client_row in clients:  # disabling is idempotent
            machine_clients.disable_client(
                session, organisation_id=user.organisation_id, client_id=clients[client_row], actor=user.actor
            )
    return RedirectResponse("/pact#customers", status_code=303)


@router.post("/pact/suppliers")
async def add_supplier(request: Request, user: PageAdmin) -> Response:
    """Record a supplier's PACT host and the credentials it gave the organisation."""
    fields = await read_fields(request, json_allowed=False)
    return await run_in_threadpool(_add_supplier, request, user, fields)


def _add_supplier(request: Request, user: SessionUser, fields: Any) -> Response:
    platform = Platform.of(request.app)
    try:
        with platform.write_sessions.begin() as session:
            suppliers.add_supplier(
                session,
                AuditTrail(session, user.actor),
                organisation_id=user.organisation_id,
                name=fields.get("name", ""),
                base_url=fields.get("url", ""),
                client_id=fields.get("client_id", ""),
                client_secret=fields.get("client_secret", ""),
                now=platform.clock(),
            )
    except (InvalidInput, Conflict) as exc:
        return _page(request, user, supplier_error=str(exc), status=exc.status)
    return RedirectResponse("/pact#suppliers", status_code=303)


def _connection(request: Request, user: SessionUser, supplier_id: int) -> tuple[str, str, str, str]:
    with Platform.of(request.app).sessions.begin() as session:
        found = suppliers.own_supplier(session, user.organisation_id, supplier_id)
        return found.name, found.base_url, found.client_id, found.client_secret


@router.post("/pact/suppliers/{supplier_id}/fetch")
def fetch(supplier_id: int, request: Request, user: PageEditor) -> Response:
    """Fetch the supplier's footprints, keep them, and make them the library's factor set ``pact``."""
    platform = Platform.of(request.app)
    _, base_url, client_id, secret = _connection(request, user, supplier_id)  # NotFound: the error page
    try:
        with http_client() as http, PactClient(base_url, client_id, secret, http=http) as client:
            fetched = list(client.footprints())
        with platform.write_sessions.begin() as session:
            audit = AuditTrail(session, user.actor)
            kept = suppliers.store(
                session,
                audit,
                organisation_id=user.organisation_id,
                footprints=fetched,
                now=platform.clock(),
                supplier_id=supplier_id,
            )
            suppliers.sync_library(
                session, audit, platform.clock, organisation_id=user.organisation_id, user_id=user.id
            )
    except LowcarbonError as exc:  # the supplier's host failed or refused: our page is fine, and says so
        return _page(request, user, supplier_error=str(exc))
    return _page(request, user, fetched=len(kept))


@router.post("/pact/suppliers/{supplier_id}/request")
async def request_footprint(supplier_id: int, request: Request, user: PageEditor) -> Response:
    """Ask the supplier for footprints of a product (RequestCreated); the answer comes to our ``/3/events``."""
    fields = await read_fields(request, json_allowed=False)
    return await run_in_threadpool(_request, request, user, supplier_id, fields)


def _request(request: Request, user: SessionUser, supplier_id: int, fields: Any) -> Response:
    public = pact_settings(request).public_url
    name, base_url, client_id, secret = _connection(request, user, supplier_id)  # NotFound: the error page
    try:
        if not public:
            raise _Refused("set LOWCARBON_PACT_PUBLIC_URL to the PACT host's https URL: suppliers answer there")
        product = fields.get("product_id", "").strip()
        data = {"productId": [product]} | (
            {"comment": comment} if (comment := fields.get("comment", "").strip()) else {}
        )
        event: dict[str, Any] = {
            "type": _CREATED,
            "specversion": "1.0",
            "id": str(uuid.uuid4()),
            "source": notices.events_source(public),
            "time": datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
            "data": data,
        }
        with http_client() as http, PactClient(base_url, client_id, secret, http=http) as client:
            client.send_event(event)
        with Platform.of(request.app).write_sessions.begin() as session:
            AuditTrail(session, user.actor).record(
                "request", "pact_supplier", supplier_id, None, {"event_id": event["id"], "productId": product}
            )
    except LowcarbonError as exc:  # not set up, or the supplier's host failed or refused: said on the page
        return _page(request, user, supplier_error=str(exc))
    return _page(request, user, requested={"supplier": name, "id": event["id"]})
