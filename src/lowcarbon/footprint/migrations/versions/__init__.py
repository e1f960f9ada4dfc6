"""Alembic revisions of the studies domain, branch "studies", oldest first (Alembic ignores this file)."""
