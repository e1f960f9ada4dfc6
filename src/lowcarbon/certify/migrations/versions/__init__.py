"""Alembic revisions of the certify domain, branch "certify", oldest first (Alembic ignores this file)."""
