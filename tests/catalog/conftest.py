"""Fixtures for the catalog's tests: the platform's backends (SQLite and PostgreSQL) per test (``settings``,
``migrated``), with the environment isolated, and the certification world (``world``) whose certificates reach the
catalog."""

from __future__ import annotations

from support.backends import _isolated_environment, migrated, settings
from support.certify_support import world

__all__ = ["_isolated_environment", "migrated", "settings", "world"]
