"""The database layer: SQLite's pragmas and transactions, foreign keys, UTC timestamps, ping, and bad URLs."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from lowcarbon.platform.database import checkpoints, create_engine, ping, session_factory, write_turn
from lowcarbon.platform.errors import ConfigurationError
from lowcarbon.platform.settings import Settings
from lowcarbon.platform.tables import Organisation, User


def test_sqlite_wal_and_foreign_keys(tmp_path: Path) -> None:
    """SQLite connections run in WAL mode with foreign keys on; the data directory is made on first use."""
    engine = create_engine(Settings(data_dir=tmp_path / "new" / "data"))
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()
    assert (tmp_path / "new" / "data" / "lowcarbon.db").is_file()


def test_sqlite_rolls_back_ddl(tmp_path: Path) -> None:
    """SQLite transactions are real: even a CREATE TABLE is undone by a rollback."""
    engine = create_engine(Settings(data_dir=tmp_path))
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("CREATE TABLE scratch (x INTEGER)")
            connection.rollback()
        assert sa.inspect(engine).get_table_names() == []
    finally:
        engine.dispose()


def test_sqlite_writer_holds_the_write_lock(tmp_path: Path) -> None:
    """A writing session takes SQLite's write lock at BEGIN, before its first statement writes anything."""
    settings = Settings(data_dir=tmp_path)
    engine = create_engine(settings)
    try:
        with session_factory(engine, write=True).begin() as session:
            session.execute(sa.text("SELECT 1"))
            other = sqlite3.connect(tmp_path / "lowcarbon.db", timeout=0)
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("CREATE TABLE scratch (x INTEGER)")
            other.close()
        with session_factory(engine).begin() as session:  # a reader does not lock
            session.execute(sa.text("SELECT 1"))
            other = sqlite3.connect(tmp_path / "lowcarbon.db", timeout=0)
            other.execute("CREATE TABLE scratch (x INTEGER)")
            other.close()
    finally:
        engine.dispose()


def test_foreign_keys_enforced(engine: Engine) -> None:
    """A user of an organisation that does not exist is refused by the database itself."""
    now = datetime.now(UTC)
    with pytest.raises(IntegrityError), session_factory(engine).begin() as session:
        session.add(User(organisation_id=999, email="x@example.com", role="viewer", created_at=now))


def test_check_constraints_enforced(engine: Engine) -> None:
    """An organisation kind outside the list is refused by the database itself."""
    with pytest.raises(IntegrityError), session_factory(engine).begin() as session:
        session.add(Organisation(name="Odd", kind="smuggler", created_at=datetime.now(UTC)))


def test_timestamps_read_back_in_utc(engine: Engine) -> None:
    """An aware datetime in any zone is stored as UTC and read back aware, to the microsecond."""
    beijing = timezone(timedelta(hours=8))
    at = datetime(2026, 11, 27, 9, 30, 15, 123456, tzinfo=beijing)
    with session_factory(engine).begin() as session:
        session.add(Organisation(name="Acme", kind="manufacturer", created_at=at))
    with session_factory(engine)() as session:
        stored = session.scalars(sa.select(Organisation.created_at)).one()
    assert stored == at and stored.tzinfo == UTC and stored.hour == 1


def test_naive_timestamps_refused(engine: Engine) -> None:
    """A datetime without a time zone is refused rather than guessed."""
    with pytest.raises(sa.exc.StatementError, match="no time zone"), session_factory(engine).begin() as session:
        session.add(Organisation(name="Acme", kind="manufacturer", created_at=datetime(2026, 1, 1)))


def test_ping(settings: Settings, tmp_path: Path) -> None:
    """ping is None for a database that answers, and one line naming the driver's error for one that does not."""
    engine = create_engine(settings)
    try:
        assert ping(engine) is None
    finally:
        engine.dispose()
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    bad = create_engine(Settings(data_dir=tmp_path, database_url=f"sqlite:///{blocker}/lowcarbon.db"))
    problem = ping(bad)
    assert problem is not None and problem.startswith("OperationalError: unable to open database file")
    assert "\n" not in problem and "sqlalche.me" not in problem


def test_unsupported_driver_refused(tmp_path: Path) -> None:
    """A settings object built around validation with another PostgreSQL driver is refused by the engine factory."""
    settings = Settings.model_construct(data_dir=tmp_path, database_url="postgresql+pg8000://u@127.0.0.1/db")
    with pytest.raises(ConfigurationError, match=r"postgresql\+psycopg://"):
        create_engine(settings)


def test_sqlite_writers_take_turns_across_processes(tmp_path: Path) -> None:
    """``write_turn`` lets one writer in at a time, across processes (a lock file beside the database) and among a
    process's threads; on PostgreSQL or an in-memory database it waits for nothing."""
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'turns.db'}")
    engine = create_engine(settings)
    holder = (
        "import sys, time; from lowcarbon.platform.database import create_engine, write_turn;"
        "from lowcarbon.platform.settings import Settings;"
        f"engine = create_engine(Settings(data_dir={str(tmp_path)!r}, database_url={settings.database_url!r}));"
        "turn = write_turn(engine); turn.__enter__(); print('holding', flush=True); time.sleep(1.0);"
        "turn.__exit__(None, None, None)"
    )
    other = subprocess.Popen([sys.executable, "-c", holder], stdout=subprocess.PIPE, text=True)
    try:
        assert other.stdout is not None and other.stdout.readline().strip() == "holding"
        started = time.monotonic()
        with write_turn(engine):
            waited = time.monotonic() - started
    finally:
        other.wait(timeout=30)
    assert 0.5 < waited < 5  # the other process's turn ended first, and this one began at once after it
    assert (tmp_path / "turns.db.write-turn").exists()
    inside, most = 0, 0
    guard = threading.Lock()

    def write() -> None:
        nonlocal inside, most
        with write_turn(engine):
            with guard:
                inside += 1
                most = max(most, inside)
            time.sleep(0.01)
            with guard:
                inside -= 1

    threads = [threading.Thread(target=write) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most == 1
    memory = create_engine(Settings(data_dir=tmp_path, database_url="sqlite://"))
    with write_turn(memory), write_turn(memory):  # nothing to wait for: not even itself
        pass


def test_sqlite_checkpoints_run_beside_the_writers(tmp_path: Path) -> None:
    """``checkpoints`` copies the write-ahead log into the database file in its own thread: rows committed into the
    log reach the database file with no commit or checkpoint of the test's own."""
    path = tmp_path / "log.db"
    engine = create_engine(Settings(data_dir=tmp_path, database_url=f"sqlite:///{path}"))
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x TEXT)")
    size = path.stat().st_size
    with engine.begin() as connection:  # 2 MB: fewer pages than a commit would checkpoint itself
        connection.exec_driver_sql(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)"
            " INSERT INTO t SELECT hex(randomblob(500)) FROM n"
        )
    assert path.stat().st_size == size and (tmp_path / "log.db-wal").stat().st_size > 1_000_000
    with checkpoints(engine, every=0.05):
        for _ in range(100):
            if path.stat().st_size > 1_000_000:
                break
            time.sleep(0.05)
    assert path.stat().st_size > 1_000_000
    engine.dispose()
