"""Alembic revisions of the platform's schema, oldest first (Alembic ignores this file)."""
