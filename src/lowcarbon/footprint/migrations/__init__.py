"""Alembic revisions of the studies domain, found by lowcarbon.platform.migrate.version_locations()."""
