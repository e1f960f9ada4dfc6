"""The carbon-inclusive contract over HTTP and the command line, on SQLite and PostgreSQL: a partner registered with
``lowcarbon admin create-partner --json`` signs batches to ``POST /api/inclusive/events``; a metro trip is credited
with the methodology's hand-computed reduction, a retried batch changes nothing, a bad signature or an old timestamp
is 401 and changes nothing, a purchase needs a valid certificate, a burst is held; ``GET
/api/inclusive/methodologies`` lists the behaviours; ``lowcarbon ledger reconcile`` exits 0, then 1 naming a
balance changed behind the ledger's back."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from lowcarbon.cli import app as lowcarbon
from lowcarbon.inclusive import partners
from lowcarbon.platform.app import create_app
from lowcarbon.platform.database import create_engine
from lowcarbon.platform.settings import Settings
from support.auth_support import FakeClock
from support.study_support import count_rows

NOW = datetime(2026, 12, 6, 4, 0, tzinfo=UTC)  # 12:00 in China
METRO_KG = round(12.5 * (5.98 / 22 - 1.35 / 22), 6)  # Beijing MaaS: 22 km by car 5.98 kg, by metro 1.35 kg


def _cli(settings: Settings, *arguments: str) -> tuple[int, str]:
    environment = {"LOWCARBON_DATABASE_URL": settings.database_url}
    result = CliRunner().invoke(lowcarbon, [*arguments, "--data-dir", str(settings.data_dir)], env=environment)
    return result.exit_code, result.output


def _post(client: TestClient, partner: dict[str, Any], events: list[dict[str, Any]], **override: str) -> Any:
    body = json.dumps({"events": events}).encode()
    stamp = override.pop("timestamp", str(int(NOW.timestamp())))
    headers = {
        "X-Partner-Id": str(partner["id"]),
        "X-Timestamp": stamp,
        "X-Signature": override.pop("signature", partners.signature(partner["secret"], stamp, body)),
        "Content-Type": "application/json",
    }
    return client.post("/api/inclusive/events", content=body, headers=headers)


def _trip(event_id: str, person: str, km: float, at: datetime) -> dict[str, Any]:
    return {
        "id": event_id,
        "person": person,
        "behaviour": "metro_trip",
        "occurred_at": at.isoformat(),
        "quantities": {"distance_km": km},
    }


def test_partner_batches_end_to_end(migrated: Settings) -> None:
    code, output = _cli(migrated, "admin", "create-partner", "Metro App 地铁", "--json")
    assert code == 0, output
    partner = json.loads(output)
    assert set(partner) >= {"id", "secret"} and len(partner["secret"]) >= 32
    code, output = _cli(migrated, "admin", "create-partner", "Bike App")
    assert code == 0 and "secret" in output
    with TestClient(create_app(migrated, clock=FakeClock(NOW))) as client:
        listed = client.get("/api/inclusive/methodologies").json()
        metro = next(m for m in listed if m["behaviour"] == "metro_trip")
        assert metro["quantities"]["distance_km"] == "km"

        three_days_ago = NOW - timedelta(days=3)  # past the metro's 48-hour delay: credited now
        first = _post(client, partner, [_trip("t1", "ann", 12.5, three_days_ago)])
        assert first.status_code == 200, first.text
        assert first.json() == {"results": [{"id": "t1", "status": "credited", "reason": None}]}
        again = _post(client, partner, [_trip("t1", "ann", 12.5, three_days_ago)])
        assert again.json()["results"] == [{"id": "t1", "status": "duplicate", "reason": None}]

        events_before = count_rows(migrated, "inclusive_events")
        trip = [_trip("t2", "ann", 5, three_days_ago)]
        assert _post(client, partner, trip, signature="sha256=" + "0" * 64).status_code == 401
        old = str(int((NOW - timedelta(minutes=6)).timestamp()))
        refused = _post(client, partner, trip, timestamp=old)
        assert refused.status_code == 401 and refused.json()["error"]["code"] == "invalid_signature"
        assert count_rows(migrated, "inclusive_events") == events_before

        purchase = {
            "id": "p1",
            "person": "ann",
            "behaviour": "labelled_product_purchase",
            "occurred_at": three_days_ago.isoformat(),
            "quantities": {"declared_footprint_kg": 6.38, "units": 1},
            "references": {"certificate_number": "CFL-1999-00001"},
        }
        assert _post(client, partner, [purchase]).json()["results"][0] == {
            "id": "p1",
            "status": "rejected",
            "reason": "invalid_certificate",
        }
        burst = [_trip(f"b{n}", "bob", 6, three_days_ago + timedelta(minutes=n)) for n in range(3)]
        statuses = [r["status"] for r in _post(client, partner, burst).json()["results"]]
        assert statuses[0] == "credited" and "held" in statuses[1:]

        link = client.post(
            "/api/inclusive/account-links",
            content=b'{"person": "ann"}',
            headers={
                "X-Partner-Id": str(partner["id"]),
                "X-Timestamp": str(int(NOW.timestamp())),
                "X-Signature": partners.signature(partner["secret"], str(int(NOW.timestamp())), b'{"person": "ann"}'),
            },
        )
        assert link.status_code == 200, link.text
        page = client.get(link.json()["url"])
        assert page.status_code == 200 and f'data-kg="{METRO_KG}"' in page.text
        assert client.get("/carbon-account/1-0000").status_code == 404

    code, output = _cli(migrated, "ledger", "reconcile")
    assert code == 0 and output.startswith("OK")
    engine = create_engine(migrated)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("UPDATE inclusive_balances SET kg = kg + 1"))
    finally:
        engine.dispose()
    code, output = _cli(migrated, "ledger", "reconcile")
    assert code == 1 and "DIFFERENCE person:" in output


def test_a_person_links_pseudonyms_and_the_same_trip_is_held(migrated: Settings) -> None:
    """Ann has an account at two partners; she links them on her account page (holding both links), and the same
    metro trip then reported by the second partner is held as the same trip, not credited twice."""
    made = [json.loads(_cli(migrated, "admin", "create-partner", name, "--json")[1]) for name in ("Metro A", "MaaS B")]
    with TestClient(create_app(migrated, clock=FakeClock(NOW))) as client:
        at = NOW - timedelta(days=3)
        first = _post(client, made[0], [_trip("m1", "ann-a", 12.5, at)]).json()["results"]
        assert first[0]["status"] == "credited"
        urls = [_link(client, partner, person) for partner, person in zip(made, ("ann-a", "ann-b"), strict=True)]
        refused = client.post(f"{urls[0]}/link", data={"link": "/carbon-account/1-00"})
        assert refused.status_code == 404
        linked = client.post(f"{urls[0]}/link", data={"link": f"http://example.test{urls[1]}"}, follow_redirects=False)
        assert linked.status_code == 303, linked.text
        assert 'data-linked="2"' in client.get(urls[1]).text
        again = client.post(f"{urls[1]}/link", data={"link": urls[0]})
        assert again.status_code == 409
        second = _post(client, made[1], [_trip("x1", "ann-b", 12.5, at + timedelta(minutes=2))]).json()["results"]
        assert second == [{"id": "x1", "status": "held", "reason": "same_trip_other_partner"}]


def _link(client: TestClient, partner: dict[str, Any], person: str) -> str:
    body = json.dumps({"person": person}).encode()
    stamp = str(int(NOW.timestamp()))
    headers = {
        "X-Partner-Id": str(partner["id"]),
        "X-Timestamp": stamp,
        "X-Signature": partners.signature(partner["secret"], stamp, body),
    }
    return str(client.post("/api/inclusive/account-links", content=body, headers=headers).json()["url"])
