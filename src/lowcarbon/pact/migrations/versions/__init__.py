"""Alembic revisions of the PACT domain, branch "pact", oldest first (Alembic ignores this file)."""
