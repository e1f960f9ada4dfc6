"""The PACT v3 host API through the app, on SQLite and PostgreSQL: token, list with filters and pages, get, events,
and every error code."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from lowcarbon.pact import service
from lowcarbon.pact.model import ProductFootprint
from lowcarbon.platform import accounts, machine_clients
from lowcarbon.platform.app import create_app
from lowcarbon.platform.audit import AuditTrail
from lowcarbon.platform.database import create_engine, session_factory
from lowcarbon.platform.settings import Settings
from support.auth_support import FakeClock
from support.pact_documents import document

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
SCOPES = "pact:read pact:events"
EVENT = "application/cloudevents+json; charset=UTF-8"


@dataclass(frozen=True)
class Host:
    client: TestClient
    settings: Settings
    ids: list[str]  # published footprint ids, oldest first
    credentials: dict[str, tuple[str, str]]  # customer -> (client_id, secret)

    def token(self, customer: str = "buyer") -> str:
        client_id, secret = self.credentials[customer]
        basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
        answer = self.client.post(
            "/auth/token", data={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {basic}"}
        )
        assert answer.status_code == 200, answer.text
        return str(answer.json()["access_token"])

    def get(self, path: str, customer: str = "buyer", **params: Any) -> Any:
        return self.client.get(path, params=params, headers={"Authorization": f"Bearer {self.token(customer)}"})


def _setup(settings: Settings) -> tuple[list[str], dict[str, tuple[str, str]]]:
    engine = create_engine(settings)
    ids: list[str] = []
    credentials: dict[str, tuple[str, str]] = {}
    try:
        with session_factory(engine, write=True).begin() as session:
            audit = AuditTrail(session, "test")
            owner = accounts.create_organisation(session, name="Sunrise PV Co.", kind="manufacturer", actor="test")
            other = accounts.create_organisation(session, name="Other Co.", kind="manufacturer", actor="test")
            for name, organisation, everything in (("buyer", owner, True), ("picky", owner, False), ("x", other, True)):
                made = machine_clients.create_client(
                    session, organisation_id=organisation.id, scopes=SCOPES, actor="test", now=NOW
                )
                customer = service.add_customer(
                    session,
                    audit,
                    organisation_id=organisation.id,
                    name=name,
                    machine_client_id=made.id,
                    now=NOW,
                    all_footprints=everything,
                )
                credentials[name] = (made.client_id, made.secret)
                if name == "picky":
                    picky = customer
            plain = machine_clients.create_client(
                session, organisation_id=owner.id, scopes="footprints:read", actor="test", now=NOW
            )
            credentials["no-customer"] = (plain.client_id, plain.secret)
            for number in range(7):  # 7 footprints: countries alternate, the last follows the first
                pf_id = str(uuid.UUID(int=number + 1))
                changes: dict[str, Any] = {
                    "id": pf_id,
                    "productIds": [f"urn:gtin:{number:014d}"],
                    "pcf__geographyCountry": "CN" if number % 2 == 0 else "DE",
                }
                if number == 6:
                    changes["precedingPfIds"] = [ids[0]]
                footprint = ProductFootprint.model_validate(document(**changes))
                service.publish(session, audit, organisation_id=owner.id, footprint=footprint, now=NOW)
                ids.append(pf_id)
            service.share(session, audit, organisation_id=owner.id, customer_id=picky.id, pf_id=ids[1])
    finally:
        engine.dispose()
    return ids, credentials


@pytest.fixture
def host(migrated: Settings) -> Iterator[Host]:
    ids, credentials = _setup(migrated)
    clock = FakeClock(NOW)
    with TestClient(create_app(migrated, clock=clock), base_url="https://pact.example") as client:
        client.app.state.clock = clock  # type: ignore[attr-defined]
        yield Host(client, migrated, ids, credentials)


def test_token_and_discovery(host: Host) -> None:
    discovery = host.client.get("/.well-known/openid-configuration").json()
    assert discovery["token_endpoint"] == "https://pact.example/auth/token"
    bad = base64.b64encode(b"lc_nobody:wrong").decode()
    refused = host.client.post(
        "/auth/token", data={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {bad}"}
    )
    assert refused.status_code == 401 and refused.json()["error"] == "invalid_client"


def test_list_pages_through_every_footprint(host: Host) -> None:
    token = host.token()
    seen: list[str] = []
    url: str | None = "/3/footprints?limit=2"
    pages = 0
    while url is not None:
        answer = host.client.get(url, headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200, answer.text
        data = answer.json()["data"]
        assert len(data) <= 2
        seen += [item["id"] for item in data]
        link = answer.headers.get("link")
        url = link.split(">")[0].removeprefix("<") if link else None
        if url is not None:
            assert url.startswith("https://pact.example/3/footprints?") and link.endswith('rel="next"')
        pages += 1
    assert seen == host.ids and pages == 4
    for item in host.get("/3/footprints").json()["data"]:
        ProductFootprint.model_validate(item)


def test_publishing_a_new_version_deprecates_the_old(host: Host) -> None:
    old = host.get(f"/3/footprints/{host.ids[0]}").json()["data"]
    assert old["status"] == "Deprecated"
    assert host.get(f"/3/footprints/{host.ids[6]}").json()["data"]["precedingPfIds"] == [host.ids[0]]
    active = host.get("/3/footprints", status="active").json()["data"]
    assert [item["id"] for item in active] == host.ids[1:]
    deprecated = host.get("/3/footprints", status="Deprecated").json()["data"]
    assert [item["id"] for item in deprecated] == host.ids[:1]


def test_filters_combine(host: Host) -> None:
    token = host.token()
    query = "productid=URN:GTIN:00000000000000&productId=urn:gtin:00000000000001&productId=urn:gtin:00000000000002"
    answer = host.client.get(f"/3/footprints?{query}&geography=cn", headers={"Authorization": f"Bearer {token}"})
    assert [item["id"] for item in answer.json()["data"]] == [host.ids[0], host.ids[2]]
    assert host.get("/3/footprints", companyId="urn:lowcarbon:organisation:nobody").json()["data"] == []
    classified = host.get("/3/footprints", classification="urn:pact:productclassification:un-cpc:46410")
    assert len(classified.json()["data"]) == 7
    assert len(host.get("/3/footprints", validOn="2027-01-01T00:00:00Z").json()["data"]) == 7
    assert host.get("/3/footprints", validOn="2029-06-01T00:00:00Z").json()["data"] == []
    assert host.get("/3/footprints", validBefore="2029-01-01T00:00:00Z").json()["data"] == []
    assert len(host.get("/3/footprints", validAfter="2025-12-31T00:00:00Z").json()["data"]) == 7
    junk = host.get("/3/footprints", classification=["junk", "urn:pact:productclassification:un-cpc:46410"])
    assert len(junk.json()["data"]) == 7  # a value that is no URN matches nothing; the others still match


def test_access_follows_what_was_shared(host: Host) -> None:
    assert [item["id"] for item in host.get("/3/footprints", "picky").json()["data"]] == [host.ids[1]]
    denied = host.get(f"/3/footprints/{host.ids[2]}", "picky")
    assert denied.status_code == 403 and denied.json()["code"] == "AccessDenied"
    other = host.get(f"/3/footprints/{host.ids[2]}", "x")  # another organisation's customer
    assert other.status_code == 404 and other.json()["code"] == "NotFound"
    assert host.get("/3/footprints", "x").json()["data"] == []
    stranger = host.get("/3/footprints", "no-customer")
    assert stranger.status_code == 403 and stranger.json()["code"] == "AccessDenied"


ERRORS = [
    ("missing-token", None, "/3/footprints", 401, "BadRequest"),
    ("invalid-token", "invalid-access-token", "/3/footprints", 401, "BadRequest"),
    ("invalid-token-get", "invalid-access-token", "/3/footprints/x", 401, "BadRequest"),
    ("unknown-id", "good", "/3/footprints/non-existent-id", 404, "NotFound"),
    ("bad-limit", "good", "/3/footprints?limit=-1", 400, "BadRequest"),
    ("bad-date", "good", "/3/footprints?validOn=tomorrow", 400, "BadRequest"),
    ("twice", "good", "/3/footprints?limit=1&limit=2", 400, "BadRequest"),
]


@pytest.mark.parametrize(("case", "token", "path", "status", "code"), ERRORS, ids=[e[0] for e in ERRORS])
def test_error_codes(host: Host, case: str, token: str | None, path: str, status: int, code: str) -> None:
    headers = {} if token is None else {"Authorization": f"Bearer {host.token() if token == 'good' else token}"}
    answer = host.client.get(path, headers=headers)
    assert (answer.status_code, answer.json()["code"]) == (status, code), answer.text
    assert set(answer.json()) == {"code", "message"}


@pytest.mark.parametrize(
    "query",
    ["productId=gtin", "status=gone", "companyId=x&companyId=y", "classification=nothing&status=Active"],
)
def test_values_no_footprint_has_find_nothing(host: Host, query: str) -> None:
    """A filter value that is no URN, or an unknown status, matches nothing: 200 with no data, not BadRequest (the
    official conformance suite's cases 29 and 37)."""
    answer = host.client.get(f"/3/footprints?{query}", headers={"Authorization": f"Bearer {host.token()}"})
    assert answer.status_code == 200 and answer.json() == {"data": []}, answer.text
    assert "link" not in answer.headers


def test_an_expired_token(host: Host) -> None:
    token = host.token()
    host.client.app.state.clock.advance(days=2)  # type: ignore[attr-defined]
    answer = host.client.get("/3/footprints", headers={"Authorization": f"Bearer {token}"})
    assert (answer.status_code, answer.json()["code"]) == (401, "TokenExpired")
    assert answer.headers["www-authenticate"].startswith("Bearer")


def test_plain_http_is_refused(host: Host) -> None:
    token = host.token()
    with TestClient(host.client.app, base_url="http://pact.example") as plain:
        answer = plain.get("/3/footprints", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 400 and "data" not in answer.json()


def _event(kind: str, data: dict[str, Any], event_id: str = "e-1") -> dict[str, Any]:
    return {
        "type": f"org.wbcsd.pact.ProductFootprint.{kind}.3",
        "specversion": "1.0",
        "id": event_id,
        "source": "//buyer.example/3/events",
        "time": "2026-03-01T09:00:00Z",
        "data": data,
    }


def test_events_are_accepted_and_kept_once(host: Host) -> None:
    headers = {"Authorization": f"Bearer {host.token()}", "Content-Type": EVENT}
    events = [
        _event("RequestCreatedEvent", {"productId": ["urn:gtin:00000000000001"], "comment": "2025, please"}, "e-1"),
        _event("RequestFulfilledEvent", {"requestEventId": "r-1", "pfs": [document()]}, "e-2"),
        _event(
            "RequestRejectedEvent", {"requestEventId": "r-2", "error": {"code": "NotFound", "message": "no"}}, "e-3"
        ),
        _event("PublishedEvent", {"pfIds": [host.ids[1]]}, "e-4"),
        _event("PublishedEvent", {"pfIds": [host.ids[1]]}, "e-4"),  # the same event again
    ]
    for event in events:
        answer = host.client.post("/3/events", json=event, headers=headers)
        assert answer.status_code == 200 and answer.content == b"", answer.text
    engine = create_engine(host.settings)
    try:
        with session_factory(engine)() as session:
            import sqlalchemy as sa

            from lowcarbon.pact.tables import EventReceived

            kept = session.scalars(sa.select(EventReceived.event_id).order_by(EventReceived.id)).all()
    finally:
        engine.dispose()
    assert kept == ["e-1", "e-2", "e-3", "e-4"]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"{not json", EVENT),
        (b'{"type": "org.wbcsd.pact.ProductFootprint.PublishedEvent.3"}', EVENT),
        (
            b'{"specversion": "1.0", "id": "e", "source": "s", "time": "2026-03-01T09:00:00Z", "type": "x"}',
            EVENT,
        ),
        (b"{}", "text/plain"),
    ],
    ids=["not-json", "incomplete", "unknown-type", "media-type"],
)
def test_bad_events_are_refused(host: Host, body: bytes, content_type: str) -> None:
    headers = {"Authorization": f"Bearer {host.token()}", "Content-Type": content_type}
    answer = host.client.post("/3/events", content=body, headers=headers)
    assert (answer.status_code, answer.json()["code"]) == (400, "BadRequest"), answer.text


def test_events_need_a_customer_token(host: Host) -> None:
    answer = host.client.post("/3/events", json=_event("PublishedEvent", {"pfIds": [host.ids[1]]}))
    assert answer.status_code == 401
    stranger = host.client.post(
        "/3/events",
        json=_event("PublishedEvent", {"pfIds": [host.ids[1]]}),
        headers={"Authorization": f"Bearer {host.token('no-customer')}", "Content-Type": EVENT},
    )
    assert (stranger.status_code, stranger.json()["code"]) == (403, "AccessDenied")
