"""Alembic revisions of the inclusive domain, found by lowcarbon.platform.migrate.version_locations()."""
