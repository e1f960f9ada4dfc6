"""Alembic revisions of the certify domain, found by lowcarbon.platform.migrate.version_locations()."""
