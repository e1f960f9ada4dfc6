"""The inventory's tests: a fresh copy of the worked example's data for each test to change, and the platform's
backends (SQLite and PostgreSQL) for its platform slice."""

from __future__ import annotations

from typing import Any

import pytest

from support.backends import _isolated_environment, migrated, settings  # noqa: F401
from support.inventory_support import example_data as fresh_example


@pytest.fixture
def example_data() -> dict[str, Any]:
    return fresh_example()
