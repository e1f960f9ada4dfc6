"""Fixtures for the browser UI: the platform's backends (SQLite and PostgreSQL), shared from tests/platform."""

from __future__ import annotations

from support.backends import _isolated_environment, migrated, settings

__all__ = ["_isolated_environment", "migrated", "settings"]
