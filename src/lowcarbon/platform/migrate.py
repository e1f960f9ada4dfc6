"""Schema migrations run from code: ``upgrade(settings)`` brings the database to the newest revision.

The revisions ship inside the package (``migrations/versions``), so an installed lowcarbon needs no alembic.ini. Each
command runs in one transaction on one connection, under a lock, so two services starting at once migrate once.
A developer adds a revision with ``alembic.command.revision(alembic_config(), "message")``.
"""

from __future__ import annotations

from collections.abc import Callable

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from lowcarbon.platform.database import create_engine, describe_error, serialize, writer
from lowcarbon.platform.errors import DatabaseUnavailable
from lowcarbon.platform.settings import Settings

__all__ = ["MIGRATIONS", "alembic_config", "current_revision", "downgrade", "head_revision", "upgrade"]

MIGRATIONS = "lowcarbon.platform:migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration for the platform's revisions, running on ``connection`` when one is given."""
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(settings: Settings, revision: str = "head") -> None:
    """Migrate the database of ``settings`` up to ``revision`` (the newest by default); a no-op when it is there."""
    _run(settings, lambda config: command.upgrade(config, revision))


def downgrade(settings: Settings, revision: str) -> None:
    """Migrate the database of ``settings`` down to ``revision`` ("base" removes every table of the platform)."""
    _run(settings, lambda config: command.downgrade(config, revision))


def current_revision(settings: Settings) -> str | None:
    """The revision the database is at; None when it has never been migrated."""
    engine = create_engine(settings)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except SQLAlchemyError as exc:
        raise DatabaseUnavailable(f"cannot read the database's revision: {describe_error(exc)}") from None
    finally:
        engine.dispose()


def head_revision() -> str:
    """The newest revision that ships with this version of lowcarbon."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the package ships at least one revision"
    return head


def _run(settings: Settings, step: Callable[[Config], None]) -> None:
    engine = create_engine(settings)
    try:
        with writer(engine).begin() as connection:
            serialize(connection, "migrations")
            step(alembic_config(connection))
    except SQLAlchemyError as exc:
        raise DatabaseUnavailable(f"cannot migrate the database: {describe_error(exc)}") from None
    finally:
        engine.dispose()
