"""Fixtures for the platform, defined in backends.py to be shared with the domains' tests: SQLite and PostgreSQL.

PostgreSQL is the server at ``LOWCARBON_TEST_POSTGRESQL_URL`` (default: the one CI runs on 127.0.0.1:5432, database
``test``, trust authentication). Each test gets a schema of its own, named after this process and a random suffix,
reached through the URL's ``search_path``; the schema is dropped after the test, so runs neither collide nor leave
anything behind.
"""

from __future__ import annotations

from support.auth_support import client, clock, seeded
from support.backends import POSTGRESQL_URL, _isolated_environment, engine, migrated, postgresql_schema, settings

__all__ = [
    "POSTGRESQL_URL",
    "_isolated_environment",
    "client",
    "clock",
    "engine",
    "migrated",
    "postgresql_schema",
    "seeded",
    "settings",
]
