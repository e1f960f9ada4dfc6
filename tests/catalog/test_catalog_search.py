"""Catalog search against a search done the slow way, on SQLite and PostgreSQL: Chinese partial words, brand plus
model number, mixed scripts and full-width forms find what a person expects; totals and facet counts equal a
brute-force count; pages followed by their cursors give every match once, in order; a text matching more products
than are counted exactly is estimated (and says so) while its pages stay exact; a certificate past its date is
expired."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from lowcarbon.catalog import importer
from lowcarbon.catalog import search as catalog_search
from lowcarbon.catalog.tables import Category, Product
from lowcarbon.platform.database import create_engine, session_factory
from lowcarbon.platform.migrate import downgrade, upgrade
from lowcarbon.platform.settings import Settings
from support.catalog_support import TODAY, Model, brute_force, catalog_rows

NOW = datetime(2026, 12, 6, 4, tzinfo=UTC)
QUERIES: list[dict[str, Any]] = [
    {},
    {"q": "服务"},  # a part of 服务器: two characters, which trigram indexes cannot find
    {"q": "服务器"},
    {"q": "变频空调"},
    {"q": "冰"},
    {"q": "格力 AF"},  # brand and the start of a model number
    {"q": "格力AF-1"},  # mixed scripts without a space
    {"q": "\uff27\uff32\uff25\uff25\u3000\uff53\uff45\uff52\uff56\uff45\uff52"},  # full-width "GREE server"
    {"q": "gree"},
    {"q": "af12"},  # a model number without its punctuation
    {"q": "a"},  # one letter: a whole word
    {"q": "x-1"},  # the start of model numbers written with their punctuation
    {"q": "printer", "sort": "-footprint"},
    {"q": "节能", "sort": "footprint"},
    {"category": ("A02010103",)},
    {"label": ("environmental-label", "low-carbon-product"), "region": ("广东",)},
    {"certification_body": ("Greenmark",), "footprint_max": 30.0},
    {"status": None},
    {"status": ("expired",)},
    {"status": ("suspended", "revoked")},
    {"q": "海尔", "category": ("C9",), "status": None},
    {"q": "nothing-like-this"},
]


@pytest.fixture
def catalog(migrated: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, list[Model]]]:
    monkeypatch.setattr(importer, "ASIDE_FROM", 100)  # the index terms made in a child process, as at scale
    engine = create_engine(migrated)
    try:
        random.seed(20261206)  # the import's shuffle, so that the estimates below are the same every run
        with session_factory(engine, write=True).begin() as session:
            report = importer.import_rows(session, catalog_rows(600), "test.csv", now=NOW)
            assert report.added == 600 and not report.rejected
        yield engine, _models(engine)
    finally:
        engine.dispose()


def _models(engine: Any) -> list[Model]:
    with Session(engine) as session:
        names = {c.code: (c.name_zh or "", c.name_en or "") for c in session.scalars(sa.select(Category))}
        return [Model(p.id, _values(p), names.get(p.category_code, ())) for p in session.scalars(sa.select(Product))]


def _values(product: Product) -> dict[str, Any]:
    return {c.key: getattr(product, c.key) for c in sa.inspect(Product).column_attrs}


def _query(spec: dict[str, Any], **more: Any) -> catalog_search.Query:
    return catalog_search.Query(**{**spec, **more})


def _all_pages(engine: Any, spec: dict[str, Any], limit: int) -> list[str]:
    seen: list[str] = []
    cursor = None
    while True:
        with Session(engine) as session:
            page = catalog_search.search(session, _query(spec, limit=limit, cursor=cursor), TODAY)
        seen += [item["registry_id"] for item in page.items]
        cursor = page.next
        if cursor is None:
            return seen


@pytest.mark.parametrize("spec", QUERIES, ids=[str(q) for q in QUERIES])
def test_search_equals_brute_force(catalog: tuple[Any, list[Model]], spec: dict[str, Any]) -> None:
    engine, models = catalog
    expected = brute_force(models, spec)
    with Session(engine) as session:
        found = catalog_search.search(session, _query(spec, limit=100), TODAY)
    assert not found.estimated
    assert found.total == expected["total"]
    assert found.facets == expected["facets"]
    assert [item["registry_id"] for item in found.items] == expected["ids"][:100]
    assert _all_pages(engine, spec, limit=7) == expected["ids"]


def test_people_find_what_they_expect(catalog: tuple[Any, list[Model]]) -> None:
    engine, models = catalog
    servers = [m for m in models if m.values["category_code"] == "A02010103" and m.status(TODAY) == "valid"]
    server = min(servers, key=lambda m: m.values["registry_id"])  # the same one every run (ids are shuffled)
    brand, model = server.values["brand"], server.values["model"]
    with Session(engine) as session:
        glued = [f"{brand}{model}"] if not brand.isascii() else []  # "格力KFR-35GW", as people type it
        for q in ("服务", "服务器", "server", f"{brand} {model}", *glued, model.replace("-", "").lower()):
            found = catalog_search.search(session, catalog_search.Query(q=q, limit=100), TODAY)
            assert server.values["registry_id"] in [i["registry_id"] for i in found.items] or found.next, q
        exact = catalog_search.search(session, catalog_search.Query(q=f"{brand} {model}", limit=5), TODAY)
        first = exact.items[0]  # the identifiers' match comes first: this model, or one its number starts
        assert first["brand"] == brand and first["model"].replace("-", "").startswith(model.replace("-", ""))
        assert first["certificate_status"] == "valid" and first["category_name"]["zh-CN"] == "服务器"


def test_pages_along_the_catalogs_order_equal_the_matches_sorted(
    catalog: tuple[Any, list[Model]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A text's matches are sorted by themselves up to ``SORT_UP_TO``; above, the page is read along the catalog's
    sorted order: the same pages."""
    engine, models = catalog
    monkeypatch.setattr(catalog_search, "SORT_UP_TO", 0)
    for spec in QUERIES:
        if spec.get("q"):
            assert _all_pages(engine, spec, limit=7) == brute_force(models, spec)["ids"], spec


def test_many_matches_are_estimated_and_pages_stay_exact(
    catalog: tuple[Any, list[Model]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With SQLite's exact count's threshold lowered under the matches, totals and facets are estimated from a sample
    and say so; the pages still list every match in order (found by walking the sort order). PostgreSQL's index reads
    every match: its counts stay exact and say there is no threshold."""
    engine, models = catalog
    monkeypatch.setattr(catalog_search, "EXACT_UP_TO", 20)
    postgres = engine.dialect.name == "postgresql"
    for spec in ({"q": "gree"}, {"q": "节能", "sort": "footprint"}, {"q": "server", "sort": "-footprint"}):
        expected = brute_force(models, spec)
        assert expected["total"] > 20, spec
        with Session(engine) as session:
            found = catalog_search.search(session, _query(spec, limit=10), TODAY)
        assert found.estimated is not postgres
        if postgres:
            assert found.total == expected["total"] and found.facets == expected["facets"]
        else:
            assert abs(found.total - expected["total"]) <= expected["total"]  # an estimate, of the right size
        assert [item["registry_id"] for item in found.items] == expected["ids"][:10]
        assert _all_pages(engine, spec, limit=25) == expected["ids"]
        assert found.to_dict()["exact_up_to"] == (None if postgres else 20)


def test_validity_ends_with_its_date(catalog: tuple[Any, list[Model]]) -> None:
    engine, models = catalog
    later = TODAY + timedelta(days=400)
    expected = brute_force(models, {}, day=later)
    with Session(engine) as session:
        found = catalog_search.search(session, catalog_search.Query(limit=100), later)
        assert found.total == expected["total"] < brute_force(models, {})["total"]
        expired = catalog_search.search(session, catalog_search.Query(status=("expired",), limit=100), later)
    assert expired.total == brute_force(models, {"status": ("expired",)}, day=later)["total"]
    assert {item["certificate_status"] for item in expired.items} == {"expired"}


def test_the_index_follows_changes_and_migrations(catalog: tuple[Any, list[Model]], migrated: Settings) -> None:
    """Products renamed by a second import are found by their new words and no longer by their old ones; the index
    carried down to the catalog's first revision and up again (PostgreSQL's index changed its form) finds the same."""
    engine, _ = catalog
    rows = catalog_rows(600)
    for row in rows[1:200:7]:
        row[3] = f"{row[1]}学生课桌椅 {row[2]}"  # was "...冰箱", "...服务器", ...
        row[4] = f"{row[1]} student desk {row[2]}"
    with session_factory(engine, write=True).begin() as session:
        report = importer.import_rows(session, rows, "renamed.csv", now=NOW)
    assert report.changed == len(rows[1:200:7]) and report.added == 0
    models = _models(engine)
    specs: list[dict[str, Any]] = [{"q": "课桌"}, {"q": "student desk"}, {"q": "服务"}, {"q": "格力 AF"}, {"q": "冰"}]
    for spec in specs:
        expected = brute_force(models, spec)
        assert _all_pages(engine, spec, limit=50) == expected["ids"], spec
    downgrade(migrated, "catalog_0001")
    upgrade(migrated)
    for spec in specs:
        expected = brute_force(models, spec)
        with Session(engine) as session:
            found = catalog_search.search(session, _query(spec, limit=100), TODAY)
        assert (found.total, found.facets) == (expected["total"], expected["facets"]), spec
        assert _all_pages(engine, spec, limit=50) == expected["ids"], spec
