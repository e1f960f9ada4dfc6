"""The catalog's public API, on SQLite and PostgreSQL: ``GET /api/catalog/products`` as the contract writes it (items,
total, facets, next as a cursor), its filters and sorts; bad parameters are 400 with a stable code; a product and
the categories; and certificates this platform issues, suspends, reinstates and revokes show in the catalog at
once, through the same server, with their public verification page."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lowcarbon.catalog import importer
from lowcarbon.platform.app import create_app
from lowcarbon.platform.database import create_engine, session_factory
from lowcarbon.platform.settings import Settings
from support.auth_support import FakeClock
from support.catalog_support import catalog_rows
from support.certify_support import World, move_data

NOW = datetime(2026, 12, 6, 4, tzinfo=UTC)
FIELDS = {
    "registry_id", "brand", "model", "name_zh", "name_en", "category_code", "label", "certificate_number",
    "certificate_status", "footprint_kg_co2e", "declared_unit",
}  # fmt: skip


@pytest.fixture
def client(migrated: Settings) -> Any:
    engine = create_engine(migrated)
    try:
        with session_factory(engine, write=True).begin() as session:
            importer.import_rows(session, catalog_rows(200), "test.csv", now=NOW)
    finally:
        engine.dispose()
    with TestClient(create_app(migrated, clock=FakeClock(NOW))) as made:
        yield made


def test_the_contract(client: TestClient) -> None:
    response = client.get("/api/catalog/products", params={"q": "服务", "limit": 5})
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {"items", "total", "facets", "next"}
    assert set(body["facets"]) == {"category_code", "label", "region", "certification_body"}
    assert body["total"] > 5 and len(body["items"]) == 5 and isinstance(body["next"], str)
    assert all(set(item) >= FIELDS for item in body["items"])
    assert all(item["certificate_status"] == "valid" for item in body["items"])
    assert body["facets"]["category_code"] == {"A02010103": body["total"]}
    seen = [item["registry_id"] for item in body["items"]]
    cursor = body["next"]
    while cursor:
        page = client.get("/api/catalog/products", params={"q": "服务", "limit": 5, "cursor": cursor}).json()
        seen += [item["registry_id"] for item in page["items"]]
        cursor = page["next"]
    assert len(seen) == len(set(seen)) == body["total"]


def test_filters_and_sorts(client: TestClient) -> None:
    everything = client.get("/api/catalog/products", params={"status": "any", "limit": 100}).json()
    valid = client.get("/api/catalog/products", params={"limit": 100}).json()
    assert everything["total"] == 200 > valid["total"]
    label = next(iter(valid["facets"]["label"]))
    region = next(iter(valid["facets"]["region"]))
    both = client.get("/api/catalog/products", params=[("label", label), ("region", region)]).json()
    assert both["total"] == both["facets"]["label"][label] == both["facets"]["region"][region]
    assert all(i["label"] == label and i["region"] == region for i in both["items"])
    cheap = client.get("/api/catalog/products", params={"footprint_max": 20, "sort": "-footprint"}).json()
    values = [i["footprint_kg_co2e"] for i in cheap["items"]]
    assert values == sorted(values, reverse=True) and all(v <= 20 for v in values)
    suspended = client.get("/api/catalog/products", params={"status": "suspended,revoked"}).json()
    assert {i["certificate_status"] for i in suspended["items"]} <= {"suspended", "revoked"}
    assert suspended["total"] > 0


@pytest.mark.parametrize(
    "params",
    [{"sort": "price"}, {"status": "lost"}, {"cursor": "not-a-cursor"}, {"limit": 0}, {"footprint_max": -1}],
)
def test_bad_parameters(client: TestClient, params: dict[str, Any]) -> None:
    response = client.get("/api/catalog/products", params=params)
    code = {400: "invalid_input", 422: "validation_error"}.get(response.status_code)
    assert response.json()["error"]["code"] == code, response.text


def test_a_cursor_of_another_sort_is_refused(client: TestClient) -> None:
    cursor = client.get("/api/catalog/products", params={"limit": 2}).json()["next"]
    response = client.get("/api/catalog/products", params={"limit": 2, "cursor": cursor, "sort": "-footprint"})
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_input"


def test_a_product_and_the_categories(client: TestClient) -> None:
    item = client.get("/api/catalog/products", params={"category": "A02010103", "limit": 1}).json()["items"][0]
    product = client.get(f"/api/catalog/products/{item['registry_id']}").json()
    assert product["registry_id"] == item["registry_id"] and product["specs"]["功率"]
    assert product["category_footprint"]["count"] >= 1 and product["standing"]["of"] >= 1
    assert client.get("/api/catalog/products/NO-SUCH").status_code == 404
    categories = {c["code"]: c for c in client.get("/api/catalog/categories").json()["items"]}
    assert categories["A02010103"]["name"] == {"zh-CN": "服务器", "en": "Servers"}
    assert categories["A02010103"]["standard"] == "HJ 2507"
    assert "C9" in categories  # created from an import's code


def _catalog(world: World, number: str) -> list[dict[str, Any]]:
    response = world.call(None, "GET", "/api/catalog/products", params={"q": number, "status": "any"})
    assert response.status_code == 200, response.text
    return [i for i in response.json()["items"] if i["certificate_number"] == number]


def test_certificates_show_at_once(world: World) -> None:
    number = world.certificate()
    [item] = _catalog(world, number)
    assert item["model"] == "AT-100" and item["certificate_status"] == "valid" and item["source"] == "platform"
    assert item["verify_url"] == f"/verify/{number}" and item["label"] == "environmental-label"
    assert item["category_code"] == "textile-products"
    listed = world.call(None, "GET", "/api/catalog/products", params={"q": "AT-100"}).json()["items"]
    assert number in [i["certificate_number"] for i in listed]
    url = f"/api/certify/certificates/{number}/moves"
    for move, status in (("suspend", "suspended"), ("reinstate", "valid"), ("revoke", "revoked")):
        response = world.call("verifier", "POST", url, json={**move_data(move), "move": move})
        assert response.status_code == 200, response.text
        [item] = _catalog(world, number)
        assert item["certificate_status"] == status, move
        valid_only = world.call(None, "GET", "/api/catalog/products", params={"q": number}).json()["items"]
        assert (number in [i["certificate_number"] for i in valid_only]) == (status == "valid")


def test_a_change_of_models_replaces_the_products(world: World) -> None:
    number = world.certificate()
    url = f"/api/certify/certificates/{number}/moves"
    response = world.call("verifier", "POST", url, json={**move_data("change_models"), "move": "change_models"})
    assert response.status_code == 200, response.text
    assert sorted(i["model"] for i in _catalog(world, number)) == ["AT-100", "AT-101"]


def test_session_and_sync_agree(world: World) -> None:
    """The catalog rows the sync wrote are what a fresh server reads (nothing lives only in one process)."""
    number = world.certificate()
    engine = create_engine(world.settings)
    try:
        with Session(engine) as session:
            from lowcarbon.catalog.search import Query, search

            found = search(session, Query(q=number, status=None), NOW.date())
            assert [i["certificate_number"] for i in found.items] == [number]
    finally:
        engine.dispose()
