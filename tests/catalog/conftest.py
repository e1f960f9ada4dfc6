"""Fixtures for the catalog domain's tests: the platform's backends (SQLite and PostgreSQL) per test (``settings``,
``migrated``), with the environment isolated."""

from __future__ import annotations

from support.backends import _isolated_environment, migrated, settings

__all__ = ["_isolated_environment", "migrated", "settings"]
