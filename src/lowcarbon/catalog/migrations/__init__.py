"""Alembic revisions of the catalog domain, found by lowcarbon.platform.migrate.version_locations()."""
