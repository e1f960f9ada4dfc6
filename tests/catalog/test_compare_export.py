"""Compare and export through the HTTP API, on SQLite and PostgreSQL: 2 to 5 products side by side with warnings
where declared units or labels differ; every match of a search exported as CSV (UTF-8 with BOM, the import's
columns, streamed in chunks) and Excel, in the search's order, and re-imported without a change."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from lowcarbon.catalog import export
from lowcarbon.catalog.compare import comparison_of
from lowcarbon.catalog.importer import ImportReport, import_bytes, import_rows
from lowcarbon.catalog.rows import COLUMNS
from lowcarbon.platform.app import create_app
from lowcarbon.platform.database import create_engine, session_factory
from lowcarbon.platform.settings import Settings

NOW = datetime.now(UTC)
SPECS = ("Rated power (W)", "接口")


def registry(count: int, today: date) -> list[list[Any]]:
    """A registry of ``count`` products: servers and printers, four labels' worth of variety, a few odd values."""
    rows: list[list[Any]] = [[*COLUMNS, *SPECS]]
    for n in range(count):
        category = "A02010103" if n % 3 else "A02021000"
        rows.append(
            [
                f"R{n:06d}",
                ("Huaxi", "蓝云", "=Formula")[n % 3],
                f"-M{n}" if n % 97 == 0 else f"M{n}",
                f"服务器 {n}" if category == "A02010103" else f'打印机, "彩色" {n}',
                f"Server {n}" if n % 5 else None,
                category,
                "environmental-label" if n % 7 else "carbon-footprint-label",
                f"CEL-{n:06d}",
                ("valid", "valid", "valid", "suspended")[n % 4],
                (today + timedelta(days=30 + n % 400)).isoformat(),
                "华信认证" if n % 2 else "Greenmark",
                ("广东", "北京", None)[(n // 2) % 3],
                None if n % 11 == 0 else round((100 + n * 0.137) / 3, 6),
                None if n % 11 == 0 else ("1 unit" if n % 13 else "1 kg"),
                str(100 + n % 50) if n % 2 else None,
                "PCIe 5.0" if n % 3 == 0 else None,
            ]
        )
    return rows


def reimport(settings: Settings, content: bytes, name: str) -> ImportReport:
    """``content`` imported again, as ``lowcarbon catalog import`` would."""
    engine = create_engine(settings)
    try:
        with session_factory(engine, write=True).begin() as session:
            return import_bytes(session, content, name, now=NOW)
    finally:
        engine.dispose()


@pytest.fixture
def client(migrated: Settings) -> Any:
    engine = create_engine(migrated)
    try:
        with session_factory(engine, write=True).begin() as session:
            report = import_rows(session, registry(2_500, NOW.date()), "registry.csv", now=NOW)
            assert not report.rejected and report.added == 2_500
    finally:
        engine.dispose()
    with TestClient(create_app(migrated)) as client:
        yield client


def test_compare_two_to_five_products_with_warnings(client: TestClient) -> None:
    answer = client.get("/api/catalog/compare?id=R000001&id=R000002&id=R000013")
    assert answer.status_code == 200, answer.text
    found = answer.json()
    assert [p["registry_id"] for p in found["products"]] == ["R000001", "R000002", "R000013"]
    assert list(found["specifications"]) == ["Rated power (W)"]
    assert found["specifications"]["Rated power (W)"] == ["101", None, "113"]
    assert found["certificates"][0] == {
        "number": "CEL-000001",
        "label": "environmental-label",
        "status": "valid",
        "valid_until": (NOW.date() + timedelta(days=31)).isoformat(),
        "certification_body": "华信认证",
        "verify_url": None,
    }
    codes = [w["code"] for w in found["warnings"]]
    assert codes == ["units_differ"]  # R000013 declares per kg
    message = found["warnings"][0]["message"]
    assert "1 kg" in message["en"] and "不可直接比较" in message["zh-CN"]
    assert found["footprints"]["comparable"] is False

    same = client.get("/api/catalog/compare?id=R000001&id=R000002").json()
    assert same["warnings"] == [] and same["footprints"] == {**same["footprints"], "declared_unit": "1 unit"}
    assert same["footprints"]["comparable"] is True
    labels = client.get("/api/catalog/compare?id=R000001&id=R000007").json()
    assert [w["code"] for w in labels["warnings"]] == ["labels_differ"]
    categories = client.get("/api/catalog/compare?id=R000001&id=R000003").json()  # a server, a printer
    assert [w["code"] for w in categories["warnings"]] == ["categories_differ"]
    assert categories["footprints"]["comparable"] is False

    for query in ("", "?id=R000001", "?id=R000001&id=R000001", "?" + "&".join(f"id=R00000{n}" for n in range(1, 7))):
        refused = client.get(f"/api/catalog/compare{query}")
        assert refused.status_code == 400 and refused.json()["error"]["code"] == "invalid_input", query
    missing = client.get("/api/catalog/compare?id=R000001&id=NOPE")
    assert missing.status_code == 404 and "NOPE" in missing.json()["error"]["message"]


def _search_ids(client: TestClient, query: str) -> list[str]:
    ids, cursor = [], None
    while True:
        page = client.get(f"/api/catalog/products?{query}&limit=100" + (f"&cursor={cursor}" if cursor else "")).json()
        ids += [item["registry_id"] for item in page["items"]]
        cursor = page["next"]
        if cursor is None:
            return ids


def test_csv_export_holds_every_match_in_order_and_reimports_without_change(
    client: TestClient, migrated: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    chunks: list[int] = []
    written = export.table_rows

    def counted(*args: Any) -> Any:
        for rows in written(*args):
            chunks.append(len(rows))
            yield rows

    monkeypatch.setattr(export, "table_rows", counted)
    query = "status=any&sort=-footprint"
    answer = client.get(f"/api/catalog/export.csv?{query}")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    assert answer.content.startswith(b"\xef\xbb\xbf")
    assert chunks == [1_000, 1_000, 500]  # read a thousand products at a time
    table = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert table[0] == [*COLUMNS, *SPECS]
    assert [row[0] for row in table[1:]] == _search_ids(client, query)

    again = reimport(migrated, answer.content, "export.csv")
    assert (again.rows, again.added, again.changed, again.unchanged, again.rejected) == (2_500, 0, 0, 2_500, [])


def test_exports_follow_the_filters(client: TestClient, migrated: Settings) -> None:
    query = "q=服务器&region=广东&footprint_max=100"
    expected = _search_ids(client, query)
    assert 0 < len(expected) < 2_500
    table = list(csv.reader(io.StringIO(client.get(f"/api/catalog/export.csv?{query}").content.decode("utf-8-sig"))))
    assert [row[0] for row in table[1:]] == expected

    client.cookies.set("lowcarbon_lang", "zh-CN")
    answer = client.get(f"/api/catalog/export.xlsx?{query}")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/vnd.openxml")
    sheet = load_workbook(io.BytesIO(answer.content), read_only=True).active
    cells = list(sheet.iter_rows(values_only=True))
    assert cells[0][:3] == ("登记号", "品牌", "型号")
    assert [row[0] for row in cells[1:]] == expected
    assert all(isinstance(row[COLUMNS.index("footprint_kg_co2e")], float) for row in cells[1:])

    again = reimport(migrated, answer.content, "export.xlsx")
    assert (again.added, again.changed, again.unchanged, again.rejected) == (0, 0, len(expected), [])


def test_an_empty_search_exports_the_header_alone(client: TestClient) -> None:
    answer = client.get("/api/catalog/export.csv?q=nothing-matches-this")
    assert answer.content.decode("utf-8-sig").splitlines() == [",".join(COLUMNS)]
    assert client.get("/api/catalog/export.csv?sort=sideways").status_code == 422


def test_a_footprint_without_its_unit_is_not_comparable() -> None:
    def product(registry_id: str, unit: str | None, footprint: float | None = 1.0) -> dict[str, Any]:
        return {
            "registry_id": registry_id,
            "brand": "B",
            "model": registry_id,
            "specs": {},
            "footprint_kg_co2e": footprint,
            "declared_unit": unit,
            "label": "l",
            "category_code": "c",
            "certificate_number": "n",
            "certificate_status": "valid",
            "valid_until": None,
            "certification_body": None,
            "verify_url": None,
            "standing": None,
        }

    found = comparison_of([product("A", "1 kg"), product("B", None)])
    assert [w["code"] for w in found["warnings"]] == ["unit_missing"] and not found["footprints"]["comparable"]
    assert "B B" in found["warnings"][0]["message"]["en"]
    silent = comparison_of([product("A", "1 kg"), product("C", None, None)])
    assert [w["code"] for w in silent["warnings"]] == ["no_footprint"]
    assert comparison_of([product("A", "1 kg"), product("D", "1 kg")])["footprints"]["comparable"] is True
