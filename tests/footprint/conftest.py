"""Fixtures for the footprint domain's platform slice: the platform's backends (SQLite and PostgreSQL)."""

from __future__ import annotations

from support.backends import _isolated_environment, migrated, settings

__all__ = ["_isolated_environment", "migrated", "settings"]
