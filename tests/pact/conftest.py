"""Fixtures for the PACT domain's tests: the platform's backends (SQLite and PostgreSQL)."""

from __future__ import annotations

from support.backends import _isolated_environment, migrated, settings

__all__ = ["_isolated_environment", "migrated", "settings"]
