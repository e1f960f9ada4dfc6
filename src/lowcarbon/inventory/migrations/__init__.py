"""Alembic revisions of the inventory domain, found by lowcarbon.platform.migrate.version_locations()."""
