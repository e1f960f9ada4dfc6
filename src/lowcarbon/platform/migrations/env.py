"""Alembic's environment for the platform: runs the revisions on the connection that ``migrate`` hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from lowcarbon.platform import tables  # noqa: F401  (registers the kernel's tables on Base.metadata)
from lowcarbon.platform.database import Base

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError("run the platform's migrations through lowcarbon.platform.migrate, which passes a connection")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters a table by copying it
)
with context.begin_transaction():
    context.run_migrations()
