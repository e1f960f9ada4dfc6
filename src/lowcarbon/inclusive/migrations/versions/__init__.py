"""Alembic revisions of the inclusive domain, branch "inclusive", oldest first (Alembic ignores this file)."""
