"""Fixtures for the studies domain: the platform's backends (SQLite and PostgreSQL), shared from tests/platform."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "platform"))  # backends.py and auth_support.py live there

from backends import _isolated_environment, migrated, settings

__all__ = ["_isolated_environment", "migrated", "settings"]
