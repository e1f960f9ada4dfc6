"""The catalog's pages over the demo's products, on SQLite and PostgreSQL: the demo seeds once and again changes
nothing; the search page shows the API's counts as filters to click, in Chinese and English; bad input is the page
again with the reason; a product's page shows its certificate and where it stands; compare refuses a wrong number
of products and warns where the footprints are not comparable."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html import unescape
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from lowcarbon.catalog import demo
from lowcarbon.catalog.categories import shipped
from lowcarbon.catalog.tables import Product
from lowcarbon.platform.app import create_app
from lowcarbon.platform.clock import system_clock
from lowcarbon.platform.database import create_engine, session_factory
from lowcarbon.platform.settings import Settings
from lowcarbon.ports import Ports


def _seed(settings: Settings) -> dict[str, Any]:
    engine = create_engine(settings)
    try:
        with session_factory(engine, write=True).begin() as session:
            demo.seed(session, Ports(audit=Any, jobs=Any, clock=system_clock), {}, {})  # type: ignore[arg-type]
        with session_factory(engine)() as session:
            found = session.scalars(sa.select(Product)).all()
            return {
                p.registry_id: (p.updated_at, p.category_code, p.declared_unit, p.certificate_status) for p in found
            }
    finally:
        engine.dispose()


@pytest.fixture
def client(migrated: Settings) -> Iterator[TestClient]:
    first = _seed(migrated)
    assert _seed(migrated) == first  # seeding again changes nothing
    assert len(first) >= 300 and all(demo.is_demo(r) for r in first)
    assert {category for _, category, _, _ in first.values()} == {c.code for c in shipped()}
    assert {status for *_, status in first.values()} >= {"valid", "suspended", "revoked"}
    assert {unit for _, category, unit, _ in first.values() if category == "lithium-batteries"} == {
        "1 kWh",
        "1 battery pack",
    }
    with TestClient(create_app(migrated)) as client:
        yield client


def test_the_demo_data_says_its_footprints_are_illustrative() -> None:
    data = json.loads(demo.DATA.read_text(encoding="utf-8"))
    assert data["footprints_illustrative"] is True and "ILLUSTRATIVE" in data["about"]


def _text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


def test_search_page_facets_are_the_apis_counts_and_filter_when_clicked(client: TestClient) -> None:
    client.cookies.set("lowcarbon_lang", "zh-CN")
    page = client.get("/catalog?q=服务器")
    assert page.status_code == 200 and "绿色产品目录" in page.text and 'href="/catalog"' in page.text
    api = client.get("/api/catalog/products?q=服务器&limit=20").json()
    assert f'data-total="{api["total"]}"' in page.text
    for region, count in api["facets"]["region"].items():
        assert re.search(rf'data-value="{region}">{region}</a> <span class="count">{count}</span>', page.text)
    region = next(iter(api["facets"]["region"]))
    link = re.search(rf'href="([^"]+)"[^>]*data-value="{region}"', page.text)
    assert link is not None
    narrowed = client.get(unescape(link.group(1)))
    expected = client.get(f"/api/catalog/products?q=服务器&region={region}").json()["total"]
    assert f'data-total="{expected}"' in narrowed.text and expected < api["total"]
    assert 'data-remove="region"' in narrowed.text
    shown = re.findall(r'data-registry-id="([^"]+)"', page.text)
    assert shown == [item["registry_id"] for item in api["items"]]
    assert 'href="/api/catalog/export.xlsx?q=' in page.text

    client.cookies.set("lowcarbon_lang", "en")
    english = client.get("/catalog?q=server")
    assert "Green product catalog" in english.text and "Compare selected" in english.text


def test_the_next_page_follows_the_cursor(client: TestClient) -> None:
    first = client.get("/catalog?status=any&sort=footprint")
    following = re.search(r'href="([^"]+)" id="next-page"', first.text)
    assert following is not None
    second = client.get(unescape(following.group(1)))
    api = client.get("/api/catalog/products?status=any&sort=footprint&limit=40").json()["items"]
    assert re.findall(r'data-registry-id="([^"]+)"', second.text) == [i["registry_id"] for i in api[20:40]]


def test_bad_search_input_is_the_page_again_with_the_reason(client: TestClient) -> None:
    client.cookies.set("lowcarbon_lang", "zh-CN")
    for query in ("footprint_max=abc", "footprint_max=-1", "cursor=nonsense", "sort=sideways"):
        answer = client.get(f"/catalog?{query}")
        assert answer.status_code == 400 and 'id="search-error"' in answer.text, query
    assert "碳足迹上限须为不小于 0 的数字" in client.get("/catalog?footprint_max=abc").text
    assert client.get("/catalog?footprint_max=").status_code == 200  # an empty box is no filter


def test_product_page_shows_certificate_and_standing(client: TestClient) -> None:
    client.cookies.set("lowcarbon_lang", "en")
    item = client.get("/api/catalog/products?q=battery&limit=1").json()["items"][0]
    page = client.get(f"/catalog/products/{item['registry_id']}")
    assert page.status_code == 200
    text = _text(page.text)
    assert item["certificate_number"] in text and "Valid" in text
    assert 'id="illustrative"' in page.text and 'id="category-average"' in page.text
    assert f'data-value="{item["footprint_kg_co2e"]}"' in page.text
    missing = client.get("/catalog/products/NOT-THERE/ABC")
    assert missing.status_code == 404 and "NOT-THERE/ABC" in missing.text


def test_compare_page(client: TestClient) -> None:
    client.cookies.set("lowcarbon_lang", "zh-CN")
    batteries = client.get("/api/catalog/products?category=lithium-batteries&status=any&limit=100").json()["items"]
    by_unit = {item["declared_unit"]: item["registry_id"] for item in batteries}
    ids = [by_unit["1 kWh"], by_unit["1 battery pack"]]
    page = client.get(f"/catalog/compare?id={ids[0]}&id={ids[1]}")
    assert page.status_code == 200 and 'data-code="units_differ"' in page.text and "不可直接比较" in page.text
    assert re.findall(r'<th scope="col" data-registry-id="([^"]+)"', page.text) == ids
    assert client.get("/catalog/compare").status_code == 200  # how to choose
    assert client.get(f"/catalog/compare?id={ids[0]}").status_code == 400
    six = "&".join(f"id=DEMO-0000{n}" for n in range(1, 7))
    assert client.get(f"/catalog/compare?{six}").status_code == 400
    assert client.get(f"/catalog/compare?id={ids[0]}&id=NOPE").status_code == 404
