"""The platform's Alembic migrations; run them with ``lowcarbon.platform.migrate``, which hands env.py a connection."""
