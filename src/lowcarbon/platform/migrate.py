"""Schema migrations run from code: ``upgrade(settings)`` brings the database to the newest revision of every part.

The revisions ship inside the package, so an installed lowcarbon needs no alembic.ini. The kernel's are in
``lowcarbon/platform/migrations/versions``; a domain package ships its own in ``lowcarbon/<domain>/migrations/versions``
as an Alembic branch of its own (``branch_labels = ("<domain>",)``, ``down_revision = None`` for its first revision,
``depends_on`` the kernel revision it needs). ``version_locations()`` finds those folders on disk, so the kernel
migrates every domain without importing one, and a new domain needs no registration anywhere: its folder is enough.
Each branch has its own head, so "newest" means all heads (``upgrade`` goes to ``heads``). Each command runs in one
transaction on one connection, under a lock, so two services starting at once migrate once. A developer adds a
revision with ``alembic.command.revision(alembic_config(), "message", head="studies@head")``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from lowcarbon.platform.database import create_engine, describe_error, serialize, writer
from lowcarbon.platform.errors import DatabaseUnavailable
from lowcarbon.platform.settings import Settings

__all__ = [
    "MIGRATIONS",
    "alembic_config",
    "current_revision",
    "current_revisions",
    "downgrade",
    "head_revision",
    "head_revisions",
    "upgrade",
    "version_locations",
]

MIGRATIONS = "lowcarbon.platform:migrations"
_PACKAGE = Path(__file__).resolve().parents[1]  # lowcarbon/


def version_locations() -> list[Path]:
    """Every ``lowcarbon/*/migrations/versions`` folder: the kernel's and each domain package's, sorted."""
    return sorted(path for path in _PACKAGE.glob("*/migrations/versions") if path.is_dir())


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration for the platform's revisions, running on ``connection`` when one is given."""
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    config.set_main_option("path_separator", "os")
    locations = os.pathsep.join(str(path) for path in version_locations())
    config.set_main_option("version_locations", locations.replace("%", "%%"))  # ConfigParser interpolates %
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(settings: Settings, revision: str = "heads") -> None:
    """Migrate the database of ``settings`` up to ``revision`` (every part's newest by default); a no-op when there."""
    _run(settings, lambda config: command.upgrade(config, revision))


def downgrade(settings: Settings, revision: str) -> None:
    """Migrate the database of ``settings`` down to ``revision`` ("base" removes every table of the platform)."""
    _run(settings, lambda config: command.downgrade(config, revision))


def current_revisions(settings: Settings) -> tuple[str, ...]:
    """The heads the database is at, sorted; empty when never migrated.

    Alembic keeps only heads: a domain's revision that depends on a kernel revision stands for both.
    """
    engine = create_engine(settings)
    try:
        with engine.connect() as connection:
            return tuple(sorted(MigrationContext.configure(connection).get_current_heads()))
    except SQLAlchemyError as exc:
        raise DatabaseUnavailable(f"cannot read the database's revision: {describe_error(exc)}") from None
    finally:
        engine.dispose()


def current_revision(settings: Settings) -> str | None:
    """The kernel's revision the database is at (None when never migrated), whichever branch's head implies it."""
    heads = current_revisions(settings)
    if not heads:
        return None
    scripts = ScriptDirectory.from_config(alembic_config())
    applied = {script.revision for script in scripts.iterate_revisions(heads, "base")}
    return next((revision for revision in _kernel_line(scripts) if revision in applied), None)


def head_revisions() -> tuple[str, ...]:
    """The newest revision of each branch (the kernel's and each domain's) that ships with lowcarbon, sorted."""
    return tuple(sorted(ScriptDirectory.from_config(alembic_config()).get_heads()))


def head_revision() -> str:
    """The newest revision of the kernel that ships with this version of lowcarbon."""
    line = _kernel_line(ScriptDirectory.from_config(alembic_config()))
    assert line, "the package ships at least one revision"
    return line[0]


def _kernel_line(scripts: ScriptDirectory) -> list[str]:
    """The kernel's revisions, newest first."""
    kernel = _PACKAGE / "platform" / "migrations" / "versions"
    return [
        script.revision
        for script in scripts.walk_revisions()
        if script.path is not None and Path(script.path).resolve().parent == kernel
    ]


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
