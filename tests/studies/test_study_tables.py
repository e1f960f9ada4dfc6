"""The studies branch of the migrations: from empty to head on both databases, and down on its own."""

from __future__ import annotations

import sqlalchemy as sa

from lowcarbon.platform.database import create_engine
from lowcarbon.platform.migrate import current_revisions, downgrade, upgrade
from lowcarbon.platform.settings import Settings


def _inspect(settings: Settings) -> dict[str, list[str]]:
    engine = create_engine(settings)
    try:
        inspector = sa.inspect(engine)
        return {table: [c["name"] for c in inspector.get_columns(table)] for table in inspector.get_table_names()}
    finally:
        engine.dispose()


def test_empty_to_head_creates_the_studies_tables(settings: Settings) -> None:
    """Migrating an empty database to head creates products and studies with their columns."""
    upgrade(settings)
    columns = _inspect(settings)
    assert columns["products"] == ["id", "organisation_id", "name", "created_at"]
    assert columns["studies"] == [
        "id",
        "product_id",
        "version",
        "model_text",
        "model_format",
        "status",
        "result",
        "total",
        "error",
        "created_by",
        "created_at",
        "job_id",
    ]


def test_the_studies_branch_goes_down_alone(settings: Settings) -> None:
    """studies@base removes only the studies tables; the kernel stays at its head."""
    upgrade(settings)
    downgrade(settings, "studies@base")
    assert current_revisions(settings) == ("0003",)
    assert not {"products", "studies"} & set(_inspect(settings)) and "jobs" in _inspect(settings)
    upgrade(settings)
    assert current_revisions(settings) == ("studies_0001",)
