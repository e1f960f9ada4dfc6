"""Alembic revisions of the inventory domain, branch "inventory", oldest first (Alembic ignores this file)."""
