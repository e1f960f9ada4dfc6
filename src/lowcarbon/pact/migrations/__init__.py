"""Alembic revisions of the PACT domain, found by lowcarbon.platform.migrate.version_locations()."""
