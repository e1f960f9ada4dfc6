"""Revisions 0006 (removed people) and studies_0007 (archived products, notes on versions): up and down on SQLite
and PostgreSQL, and going down refuses while a removed person, an archived product or a note would be lost."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lowcarbon.platform.database import create_engine
from lowcarbon.platform.migrate import current_revisions, downgrade, upgrade
from lowcarbon.platform.settings import Settings
from support.study_support import client_for, create_product, seed_organisation


def _columns(settings: Settings, table: str) -> list[str]:
    engine = create_engine(settings)
    try:
        return [column["name"] for column in sa.inspect(engine).get_columns(table)]
    finally:
        engine.dispose()


def test_up_and_down(settings: Settings) -> None:
    upgrade(settings)
    assert "removed_at" in _columns(settings, "users") and "archived_at" in _columns(settings, "products")
    assert "note" in _columns(settings, "studies")
    downgrade(settings, "studies@studies_0006")
    assert "archived_at" not in _columns(settings, "products") and "note" not in _columns(settings, "studies")
    downgrade(settings, "0005")
    assert "removed_at" not in _columns(settings, "users")
    upgrade(settings)
    assert {"0006", "studies_0007"} <= set(current_revisions(settings))


def test_down_refuses_to_lose_an_archived_product_or_a_removed_person(migrated: Settings) -> None:
    ours = seed_organisation(migrated, "Sunrise PV")
    with client_for(migrated, ours.admin) as admin:
        product = create_product(admin)
        assert admin.post(f"/api/products/{product}/archive").status_code == 200
        viewer = next(p["id"] for p in admin.get("/api/organisation").json()["users"] if p["email"] == ours.viewer)
        assert admin.delete(f"/api/organisation/users/{viewer}").status_code == 204
    with pytest.raises(RuntimeError, match="1 archived products"):
        downgrade(migrated, "studies@studies_0006")
    with client_for(migrated, ours.admin) as admin:
        assert admin.post(f"/api/products/{product}/restore").status_code == 200
    downgrade(migrated, "studies@studies_0006")
    with pytest.raises(RuntimeError, match="1 removed people"):
        downgrade(migrated, "0005")
