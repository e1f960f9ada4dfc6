"""Alembic revisions of the catalog domain, branch "catalog", oldest first (Alembic ignores this file)."""
