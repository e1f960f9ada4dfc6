"""Fixtures for the browser UI: the platform's backends (SQLite and PostgreSQL), shared from tests/platform."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "platform"))  # backends.py, platform_servers.py
sys.path.insert(0, str(Path(__file__).parents[1] / "studies"))  # study_support.py

from backends import _isolated_environment, migrated, settings

__all__ = ["_isolated_environment", "migrated", "settings"]
