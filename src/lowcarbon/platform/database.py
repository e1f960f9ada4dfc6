"""The database: an engine and session factory built from Settings, SQLite or PostgreSQL.

Nothing connects at import time: ``create_engine(settings)`` builds an engine (connecting lazily), and
``session_factory(engine)`` the sessions over it. SQLite runs in WAL mode with foreign keys on, and with real
transactions: Python's sqlite3 driver (before 3.12's ``autocommit``) does not BEGIN before a SELECT or DDL, so this
module turns that off and emits BEGIN itself, as SQLAlchemy's SQLite documentation recommends. PostgreSQL goes
through psycopg 3. The declarative ``Base``, ``UTCDateTime`` and ``serialize``, which domains' tables and services use
too, live in ``lowcarbon.storage``; they are imported here for the kernel.
"""

from __future__ import annotations

import fcntl
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from lowcarbon.platform.errors import ConfigurationError
from lowcarbon.platform.settings import Settings
from lowcarbon.storage import NAMING_CONVENTION, Base, UTCDateTime, serialize

__all__ = [
    "NAMING_CONVENTION",
    "Base",
    "UTCDateTime",
    "checkpoints",
    "create_engine",
    "describe_error",
    "one_state",
    "ping",
    "serialize",
    "session_factory",
    "write_turn",
    "writer",
]

_AUTOCHECKPOINT_PAGES = 4000
logger = logging.getLogger(__name__)
POSTGRESQL_CONNECT_TIMEOUT = 10  # seconds; without one a health check of an unroutable host would hang
_BEGIN_OPTION = "lowcarbon_sqlite_begin"


def create_engine(settings: Settings) -> Engine:
    """An engine for ``settings.database_url``; it connects on first use, not here."""
    try:
        url = make_url(settings.database_url)
    except ArgumentError as exc:
        raise ConfigurationError(f"database_url: {exc}") from None
    backend = url.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(settings, url)
    if backend == "postgresql":
        return _postgresql_engine(url)
    raise ConfigurationError(f"database_url: {backend} is not supported; use SQLite or PostgreSQL")


def _sqlite_engine(settings: Settings, url: URL) -> Engine:
    if url.database and url.database != ":memory:" and Path(url.database).absolute().parent == settings.data_dir:
        settings.data_dir.mkdir(parents=True, exist_ok=True)  # the default place; any other must exist already
    engine = sa.create_engine(url)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, connection_record: Any) -> None:
        dbapi_connection.isolation_level = None  # the driver stops issuing BEGIN; _begin below does it for all SQL
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer, nor it them
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB of pages (the default 2 MiB thrashes at a million rows)
        # a commit that finds the log past this many pages copies them into the database first, with an fsync: a
        # server's checkpoints run beside its writers instead (``checkpoints``), so this is the stop for a log that
        # they cannot keep up with (4,000 pages, 16 MiB)
        cursor.execute(f"PRAGMA wal_autocheckpoint={_AUTOCHECKPOINT_PAGES}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def _postgresql_engine(url: URL) -> Engine:
    if url.drivername != "postgresql+psycopg":
        raise ConfigurationError(f"database_url: use postgresql+psycopg:// (psycopg 3), not {url.drivername}://")
    connect_args = {} if "connect_timeout" in url.query else {"connect_timeout": POSTGRESQL_CONNECT_TIMEOUT}
    return sa.create_engine(url, pool_pre_ping=True, connect_args=connect_args)


def writer(engine: Engine) -> Engine:
    """``engine`` whose SQLite transactions take the write lock at BEGIN, so that writers queue instead of failing.

    In WAL mode a deferred transaction that reads, then writes after another writer committed, fails with
    SQLITE_BUSY at once; one that begins IMMEDIATE waits its turn (up to the driver's 5 s timeout) instead.
    PostgreSQL ignores the option.
    """
    return engine.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})


@contextmanager
def checkpoints(engine: Engine, every: float = 0.5) -> Iterator[None]:
    """While in the block, a thread copies SQLite's write-ahead log into the database every ``every`` seconds
    (a PASSIVE checkpoint: it never makes a writer or reader wait), so that commits do not (nothing on PostgreSQL).
    Without it the commit that passes ``wal_autocheckpoint`` pages does the copy and its fsync: at a million ledger
    events, most of a batch's time."""
    if _sqlite_file(engine) is None:
        yield
        return
    stop = threading.Event()

    def run() -> None:
        while not stop.wait(every):
            try:
                with engine.connect() as connection:
                    connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
            except SQLAlchemyError:  # a database being replaced or closed: the next round tries again
                logger.debug("checkpoint failed", exc_info=True)

    thread = threading.Thread(target=run, name="sqlite checkpoints", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)


def _sqlite_file(engine: Engine) -> str | None:
    """The path of ``engine``'s SQLite database file; None on PostgreSQL or for an in-memory database."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    return database if database and database != ":memory:" else None


_turns: dict[str, tuple[threading.Lock, Any]] = {}
_turns_lock = threading.Lock()


@contextmanager
def write_turn(engine: Engine) -> Iterator[None]:
    """Wait for a turn to write, in a queue, then write within the block (a busy writer's transaction).

    SQLite has one writer; a transaction begun IMMEDIATE while another writes polls for the lock, sleeping up to
    100 ms between tries, so a queue of busy writers wastes much of each hand-over. Here the writers of a process
    wait on one lock and the processes on one lock file beside the database (``flock``: the next is woken the moment
    it is free). Nothing is waited for on PostgreSQL, or for an in-memory database."""
    database = _sqlite_file(engine)
    if database is None:
        yield
        return
    with _turns_lock:
        if database not in _turns:
            _turns[database] = (threading.Lock(), open(f"{database}.write-turn", "a+b"))  # noqa: SIM115
        lock, file = _turns[database]
    with lock:
        fcntl.flock(file.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(file.fileno(), fcntl.LOCK_UN)


def one_state(session: Session) -> None:
    """Make the transaction ``session`` begins now see one state of the database throughout: PostgreSQL's REPEATABLE
    READ (its default, READ COMMITTED, lets each statement see what committed before it); SQLite's transactions do
    already. Call it before the transaction's first statement."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def session_factory(engine: Engine, *, write: bool = False) -> sessionmaker[Session]:
    """Sessions over ``engine``; ``write=True`` for sessions that write (see ``writer``)."""
    return sessionmaker(writer(engine) if write else engine, expire_on_commit=False)


def ping(engine: Engine) -> str | None:
    """None when the database answers a query, else why it does not, in one line."""
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except SQLAlchemyError as exc:
        return describe_error(exc)
    return None


def describe_error(exc: SQLAlchemyError) -> str:
    """The driver's own message, first line only, without SQLAlchemy's background link (it holds no password)."""
    origin: BaseException = getattr(exc, "orig", None) or exc
    lines = str(origin).strip().splitlines() or [""]
    return f"{type(origin).__name__}: {lines[0].strip()}"
