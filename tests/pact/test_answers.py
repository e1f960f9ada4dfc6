"""Answering footprint requests: a customer (a second host of ours, over real HTTPS on 127.0.0.1) posts
RequestCreated to the supplier's host, which answers on the customer's host through the job runner: RequestFulfilled
with the footprints the customer may see, RequestRejected (NotFound) when none match, nothing when the request's
source names another host; a customer host that refuses the credentials leaves the request failed, saying why."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from lowcarbon.errors import InvalidInput
from lowcarbon.pact import answers, model_v2, notices, service
from lowcarbon.pact.cli import grant_access
from lowcarbon.pact.client import PactClient
from lowcarbon.pact.events import parse_event
from lowcarbon.pact.model import ProductFootprint
from lowcarbon.pact.tables import Customer, EventReceived
from lowcarbon.platform import accounts, tls
from lowcarbon.platform.app import create_app
from lowcarbon.platform.audit import AuditTrail
from lowcarbon.platform.database import create_engine, session_factory
from lowcarbon.platform.dependencies import Platform
from lowcarbon.platform.migrate import upgrade
from lowcarbon.platform.settings import Settings
from support.pact_documents import document
from support.pact_servers import in_transaction, serving_https, trusting

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
CREATED = "org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3"


@dataclass
class Host:
    base: str
    settings: Settings
    organisation_id: int = 0

    def events(self) -> list[EventReceived]:
        engine = create_engine(self.settings)
        try:
            with session_factory(engine).begin() as session:
                rows = list(session.scalars(sa.select(EventReceived).order_by(EventReceived.id)))
                session.expunge_all()
                return rows
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
def hosts(tmp_path_factory: pytest.TempPathFactory, databases: Callable[..., Settings]) -> Iterator[dict[str, Any]]:
    """The supplier's host (answers inline) and the customer's, both over TLS, each knowing the other, on each
    backend."""
    root = tmp_path_factory.mktemp("pact-answers")
    cert, key = tls.self_signed_pair(root / "tls")
    supplier = databases(root / "supplier", job_runner="inline")
    buyer = databases(root / "buyer", job_runner="inline")
    for settings in (supplier, buyer):
        upgrade(settings)
    ids = [str(uuid.UUID(int=number + 1)) for number in range(3)]

    def supply(session: Any) -> tuple[int, Any]:
        owner = accounts.create_organisation(session, name="Sunrise PV Co.", kind="manufacturer", actor="test")
        for number, pf_id in enumerate(ids):
            footprint = document(id=pf_id, productIds=[f"urn:gtin:{number % 2:014d}"])
            audit = AuditTrail(session, "test")
            service.publish(
                session, audit, organisation_id=owner.id, footprint=ProductFootprint.model_validate(footprint), now=NOW
            )
        client = grant_access(session, organisation_id=owner.id, customer="Buyer Co.", actor="test", now=NOW)
        return owner.id, client

    def buy(session: Any) -> Any:
        owner = accounts.create_organisation(session, name="Buyer Co.", kind="manufacturer", actor="test")
        return grant_access(session, organisation_id=owner.id, customer="Sunrise PV Co.", actor="test", now=NOW)

    supplier_org, to_supplier = in_transaction(supplier, supply)
    to_buyer = in_transaction(buyer, buy)
    with serving_https(supplier, cert, key) as supplier_base, serving_https(buyer, cert, key) as buyer_base:

        def register(session: Any) -> None:
            customer = service.customer_of_client(session, to_supplier.id)
            assert customer is not None
            service.set_events_endpoint(
                session,
                AuditTrail(session, "test"),
                organisation_id=supplier_org,
                customer_id=customer.id,
                url=buyer_base,
                client_id=to_buyer.client_id,
                client_secret=to_buyer.secret,
            )

        in_transaction(supplier, register)
        yield {
            "supplier": Host(supplier_base, supplier, supplier_org),
            "buyer": Host(buyer_base, buyer),
            "credentials": (to_supplier.client_id, to_supplier.secret),
            "cert": cert,
            "ids": ids,
        }


@pytest.fixture(autouse=True)
def _trusted(hosts: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """The supplier's job trusts the customer's self-signed host (the environment is emptied for every test)."""
    monkeypatch.setenv("LOWCARBON_PACT_CA_FILE", str(hosts["cert"]))


def _request(hosts: dict[str, Any], data: dict[str, Any], source: str | None = None) -> str:
    """Post a RequestCreated from the buyer to the supplier; its id."""
    buyer = hosts["buyer"].base
    event_id = str(uuid.uuid4())
    event = {
        "type": CREATED,
        "specversion": "1.0",
        "id": event_id,
        "source": source or f"//{buyer.removeprefix('https://')}/3/events",
        "time": "2026-03-01T09:00:00Z",
        "data": data,
    }
    http = trusting(hosts["cert"])
    with http, PactClient(hosts["supplier"].base, *hosts["credentials"], http=http) as client:
        client.send_event(event)
    return event_id


def _answer_to(hosts: dict[str, Any], request_id: str) -> dict[str, Any]:
    found = [row.body for row in hosts["buyer"].events() if row.body["data"].get("requestEventId") == request_id]
    assert len(found) == 1, found
    return dict(found[0])


def _request_row(hosts: dict[str, Any], request_id: str) -> EventReceived:
    (row,) = [row for row in hosts["supplier"].events() if row.event_id == request_id]
    return row


def test_a_request_is_fulfilled_on_the_customers_host(hosts: dict[str, Any]) -> None:
    request_id = _request(hosts, {"productId": ["urn:gtin:00000000000000"], "comment": "this year's, please"})
    answer = _answer_to(hosts, request_id)
    assert answer["type"] == "org.wbcsd.pact.ProductFootprint.RequestFulfilledEvent.3"
    assert [pf["id"] for pf in answer["data"]["pfs"]] == [hosts["ids"][0], hosts["ids"][2]]
    assert answer["source"] == f"//{hosts['supplier'].base.removeprefix('https://')}/3/events"
    row = _request_row(hosts, request_id)
    assert (row.answer_state, row.answer_error) == ("sent", None)
    assert row.answer["id"] == answer["id"]


def test_a_request_nothing_matches_is_rejected(hosts: dict[str, Any]) -> None:
    request_id = _request(hosts, {"productId": ["urn:pact:null"]})
    answer = _answer_to(hosts, request_id)
    assert answer["type"] == "org.wbcsd.pact.ProductFootprint.RequestRejectedEvent.3"
    assert answer["data"]["error"]["code"] == "NotFound"
    assert _request_row(hosts, request_id).answer_state == "sent"


def test_a_source_naming_another_host_is_not_answered(hosts: dict[str, Any]) -> None:
    request_id = _request(hosts, {"productId": ["urn:gtin:00000000000000"]}, source="//evil.example/3/events")
    row = _request_row(hosts, request_id)
    assert row.answer_state == "failed"
    assert "not answered" in (row.answer_error or "") and "evil.example" in (row.answer_error or "")
    assert row.answer_job_id is None


def test_refused_credentials_leave_the_request_failed(hosts: dict[str, Any]) -> None:
    supplier: Host = hosts["supplier"]

    def set_secret(secret: str) -> Any:
        def change(session: Any) -> str:
            (customer,) = session.scalars(sa.select(Customer))
            before, customer.events_client_secret = customer.events_client_secret, secret
            return str(before)

        return change

    kept = in_transaction(supplier.settings, set_secret("wrong"))
    try:
        request_id = _request(hosts, {"productId": ["urn:gtin:00000000000001"]})
    finally:
        in_transaction(supplier.settings, set_secret(kept))
    row = _request_row(hosts, request_id)
    assert row.answer_state == "failed"
    assert "refused the client's credentials" in (row.answer_error or "")


@pytest.mark.parametrize(
    ("source", "registered", "fine"),
    [
        ("//host.example/3/events", "https://host.example", True),
        ("https://host.example:443/x", "https://host.example", True),
        ("//host.example:8443/3/events", "https://host.example:8443/base", True),
        ("//host.example:8443/3/events", "https://host.example", False),
        ("http://host.example/3/events", "https://host.example", False),
        ("//other.example/3/events", "https://host.example", False),
    ],
)
def test_check_source(source: str, registered: str, fine: bool) -> None:
    if fine:
        answers.check_source(source, registered)
    else:
        with pytest.raises(InvalidInput):
            answers.check_source(source, registered)


def test_events_origin() -> None:
    assert answers.events_origin("https://Host.example:8443/pact/") == "https://host.example:8443/pact"
    for bad in ("http://host.example", "https://host.example/?q=1", "//host.example", "https://u:p@host.example"):
        with pytest.raises(InvalidInput):
            answers.events_origin(bad)


def test_a_v2_request_is_fulfilled_with_v2_footprints(hosts: dict[str, Any]) -> None:
    buyer = hosts["buyer"].base.removeprefix("https://")
    event_id = str(uuid.uuid4())
    event = {
        "type": model_v2.CREATED,
        "specversion": "1.0",
        "id": event_id,
        "source": f"//{buyer}/2/events",
        "time": "2026-03-01T09:00:00Z",
        "data": {"pf": {"productIds": ["urn:gtin:00000000000001"]}, "comment": "2.3, please"},
    }
    http = trusting(hosts["cert"])
    with http, PactClient(hosts["supplier"].base, *hosts["credentials"], http=http) as client:
        client.send_event(event, path="/2/events")
    answer = _answer_to(hosts, event_id)
    assert answer["type"] == model_v2.FULFILLED
    assert [pf["id"] for pf in answer["data"]["pfs"]] == [hosts["ids"][1]]
    assert answer["data"]["pfs"][0]["specVersion"] == "2.3.0"
    assert answer["source"].endswith("/2/events")


def test_publishing_sends_published_to_customers_with_a_host(hosts: dict[str, Any]) -> None:
    """A customer with a registered host is told of a new footprint and of the version it deprecated; one without
    a host, or revoked, is not; the event comes from our events endpoint, through the job runner."""
    supplier: Host = hosts["supplier"]
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    source = notices.events_source(supplier.base)
    app = create_app(supplier.settings)
    with TestClient(app):
        platform = Platform.of(app)
        for pf_id, preceding in ((first, None), (second, [first])):
            with platform.write_sessions.begin() as session:
                audit = AuditTrail(session, "test")
                for name in ("No host Co.", "Revoked Co."):
                    client = grant_access(
                        session, organisation_id=supplier.organisation_id, customer=name, actor="test", now=NOW
                    )
                    customer = service.customer_of_client(session, client.id)
                    assert customer is not None
                    if name == "Revoked Co.":
                        service.set_events_endpoint(
                            session,
                            audit,
                            organisation_id=supplier.organisation_id,
                            customer_id=customer.id,
                            url=hosts["buyer"].base,
                            client_id="x",
                            client_secret="y",
                        )
                        customer.revoked_at = NOW
                footprint = document(id=pf_id, productIds=["urn:gtin:00000000000009"])
                if preceding:
                    footprint["precedingPfIds"] = preceding
                row = service.publish(
                    session,
                    audit,
                    organisation_id=supplier.organisation_id,
                    footprint=ProductFootprint.model_validate(footprint),
                    now=NOW,
                )
                queued = notices.notify_published(
                    session, audit, platform.jobs.queue(session), footprint=row, source=source
                )
                assert len(queued) == 1  # Buyer Co. only
            status = platform.jobs.status(queued[0])
            assert status is not None and status.error is None and status.result is not None
            assert status.result["sent_to"] == hosts["buyer"].base + "/3/events"
    published = [row.body for row in hosts["buyer"].events() if row.type == notices.PUBLISHED]
    told = [event["data"]["pfIds"] for event in published if first in event["data"]["pfIds"]]
    assert told == [[first], [second, first]]
    assert {event["source"] for event in published} == {source}
    assert parse_event(published[-1]).type == notices.PUBLISHED


def test_events_source_is_our_events_endpoint() -> None:
    assert notices.events_source("https://pact.example:8443/") == "//pact.example:8443/3/events"
    with pytest.raises(InvalidInput):
        notices.events_source("http://pact.example")
