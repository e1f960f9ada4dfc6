"""Fixtures for the PACT domain's tests: the platform's backends (SQLite and PostgreSQL), per test (``settings``,
``migrated``) and per module (``databases``: the hosts a module serves over HTTPS once for all its tests)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from lowcarbon.platform.settings import Settings
from support.backends import BACKENDS, _isolated_environment, migrated, postgresql_schema, settings

__all__ = ["_isolated_environment", "databases", "migrated", "settings"]

Databases = Callable[..., Settings]


@pytest.fixture(scope="module", params=BACKENDS)
def databases(request: pytest.FixtureRequest) -> Iterator[Databases]:
    """Makes the settings of a new, empty database on the module's backend, once per call: ``make(data_dir,
    **settings)`` (SQLite: a file in data_dir; PostgreSQL: a schema of its own, dropped after the module)."""
    with ExitStack() as schemas:

        def make(data_dir: Path, **fields: Any) -> Settings:
            if request.param == "sqlite":
                return Settings(data_dir=data_dir, **fields)
            return Settings(data_dir=data_dir, database_url=schemas.enter_context(postgresql_schema()), **fields)

        yield make
