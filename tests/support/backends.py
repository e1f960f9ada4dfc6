"""The database backends every platform and domain test runs on: SQLite (a temporary file) and PostgreSQL.

The fixtures live here, not in conftest.py, so that the domains' tests (tests/studies) can import them too.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.pool import NullPool

from lowcarbon.platform.database import create_engine
from lowcarbon.platform.migrate import upgrade
from lowcarbon.platform.settings import Settings

POSTGRESQL_URL = os.environ.get("LOWCARBON_TEST_POSTGRESQL_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No LOWCARBON_* variable of the developer's shell leaks in, and default data directories are temporary."""
    for name in list(os.environ):
        if name.startswith("LOWCARBON_") and name != "LOWCARBON_TEST_POSTGRESQL_URL":
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))


@contextmanager
def postgresql_schema() -> Iterator[str]:
    """A new, empty schema on the test server, as a database URL; dropped with everything in it afterwards."""
    name = f"lowcarbon_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(POSTGRESQL_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{name}"')
    try:
        url = sa.make_url(POSTGRESQL_URL).update_query_dict({"options": f"-csearch_path={name}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{name}" CASCADE')
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings of an empty database, on each backend; data_dir is a temporary directory."""
    data_dir = tmp_path / "data"
    if request.param == "sqlite":
        yield Settings(data_dir=data_dir)
    else:
        with postgresql_schema() as url:
            yield Settings(data_dir=data_dir, database_url=url)


@pytest.fixture
def migrated(settings: Settings) -> Settings:
    """Settings of a database migrated to the newest revision."""
    upgrade(settings)
    return settings


@pytest.fixture
def engine(migrated: Settings) -> Iterator[Engine]:
    """An engine on the migrated database, disposed after the test (before its schema is dropped)."""
    engine = create_engine(migrated)
    yield engine
    engine.dispose()
