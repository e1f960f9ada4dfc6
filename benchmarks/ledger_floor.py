"""The floor under benchmarks/ledger.py: the least a batch endpoint can do on this machine, beside lowcarbon's.

    python benchmarks/ledger_floor.py [--events 1000000] [--people 100000] [--batch 1000] [--clients 2]
                                      [--workers 2] [--backend sqlite|postgresql|both] [--postgresql-url URL]
                                      [--without-lowcarbon]

The same signed batches as benchmarks/ledger.py, from the same client, go to an endpoint that does the least any
ingestion must: FastAPI served by ``uvicorn --workers N`` as ``lowcarbon serve`` is, it checks the HMAC signature
over the raw body, parses the JSON and answers a status per event, and stores each batch in one transaction, one at
a time per process, through the project's drivers (PostgreSQL: psycopg's COPY; SQLite: ``executemany`` with the
project's pragmas and background checkpoints). Two floors:

- ``events``: the events only, in a table with a unique key on partner and event id and an index by person;
- ``entries``: also one ledger entry per event, indexed by person (balances summed from the entries when asked);
- ``ledger``: also each person's balance kept (one upsert per person, in key order, so that two processes never
  wait on each other's rows).

Nothing is read: no duplicates answered, no methodology, cap, daily total, burst or overlap rule, no review, no
pseudonyms. Then lowcarbon's own ingestion (benchmarks/ledger.py's run) on the same batches, unless
``--without-lowcarbon``. A target the floor does not reach cannot be reached on this machine by any design that
stores a ledger with each batch.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import sqlite3
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse

from ledger import arguments, backends, bodies_of, describe, free_port, measured, run, serving, stream

LEVELS = ("events", "entries", "ledger")
TABLES = ("events", "entries", "balances")
SCHEMA = """
CREATE TABLE events (id {key}, partner INTEGER NOT NULL, event TEXT NOT NULL, person TEXT NOT NULL,
  behaviour TEXT NOT NULL, occurred_at {moment} NOT NULL, quantities TEXT NOT NULL, kg {real} NOT NULL,
  UNIQUE (partner, event));
CREATE INDEX events_person ON events (person, occurred_at);
CREATE TABLE entries (id {key}, person TEXT NOT NULL, event TEXT NOT NULL, kg {real} NOT NULL);
CREATE INDEX entries_person ON entries (person);
CREATE TABLE balances (person TEXT PRIMARY KEY, kg {real} NOT NULL);
"""
SQLITE_TYPES = {"key": "INTEGER PRIMARY KEY", "moment": "TEXT", "real": "REAL"}
POSTGRESQL_TYPES = {"key": "BIGSERIAL PRIMARY KEY", "moment": "TIMESTAMPTZ", "real": "DOUBLE PRECISION"}
PARTNER = {"id": 1, "secret": "floor-benchmark-secret"}
KG_PER_KM = 0.05  # a stand-in: the floor's arithmetic, not a methodology (nothing here is a reduction)

Row = tuple[int, str, str, str, datetime, str, float]


def _rows(body: bytes) -> list[Row]:
    """The batch's rows: partner, event, person, behaviour, occurred_at, quantities (JSON), kg."""
    rows = []
    for event in json.loads(body)["events"]:
        quantities = event["quantities"]
        kg = KG_PER_KM * float(quantities.get("distance_km", 1.0))
        occurred = datetime.fromisoformat(event["occurred_at"])
        rows.append((1, event["id"], event["person"], event["behaviour"], occurred, json.dumps(quantities), kg))
    return rows


def _balances(rows: list[Row]) -> list[tuple[str, float]]:
    """Each person's credit in the batch, in key order."""
    totals: dict[str, float] = {}
    for row in rows:
        totals[row[2]] = totals.get(row[2], 0.0) + row[6]
    return sorted(totals.items())


class _SQLite:
    def __init__(self, path: str) -> None:
        self.connection = self._connect(path)
        threading.Thread(target=self._checkpoints, args=(path,), daemon=True).start()

    @staticmethod
    def _connect(path: str) -> sqlite3.Connection:
        connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        for pragma in ("journal_mode=WAL", "cache_size=-65536", "wal_autocheckpoint=4000", "busy_timeout=60000"):
            connection.execute(f"PRAGMA {pragma}")  # lowcarbon's (platform/database.py), and its wait for the lock
        return connection

    def _checkpoints(self, path: str) -> None:
        connection = self._connect(path)
        while True:
            time.sleep(0.5)
            connection.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def store(self, rows: list[Row], level: str) -> None:
        connection = self.connection
        connection.execute("BEGIN IMMEDIATE")
        try:
            connection.executemany(
                "INSERT INTO events (partner, event, person, behaviour, occurred_at, quantities, kg)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(*row[:4], row[4].isoformat(), *row[5:]) for row in rows],
            )
            if level != "events":
                connection.executemany(
                    "INSERT INTO entries (person, event, kg) VALUES (?, ?, ?)", [(r[2], r[1], r[6]) for r in rows]
                )
            if level == "ledger":
                connection.executemany(
                    "INSERT INTO balances (person, kg) VALUES (?, ?)"
                    " ON CONFLICT (person) DO UPDATE SET kg = kg + excluded.kg",
                    _balances(rows),
                )
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")


class _PostgreSQL:
    def __init__(self, url: str) -> None:
        self.connection = psycopg.connect(url)

    def store(self, rows: list[Row], level: str) -> None:
        with self.connection.transaction(), self.connection.cursor() as cursor:
            with cursor.copy(
                "COPY events (partner, event, person, behaviour, occurred_at, quantities, kg) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row(row)
            if level != "events":
                with cursor.copy("COPY entries (person, event, kg) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row((row[2], row[1], row[6]))
            if level == "ledger":
                people, kgs = zip(*_balances(rows), strict=True)
                cursor.execute(
                    "INSERT INTO balances (person, kg) SELECT * FROM unnest(%s::text[], %s::float8[])"
                    " ON CONFLICT (person) DO UPDATE SET kg = balances.kg + excluded.kg",
                    (list(people), list(kgs)),
                )


def create_app() -> FastAPI:
    """The floor's endpoint, on the database of ``FLOOR_DATABASE`` (``sqlite:PATH`` or a libpq URL), storing
    ``FLOOR_LEVEL`` (events, entries or ledger)."""
    database, level = os.environ["FLOOR_DATABASE"], os.environ["FLOOR_LEVEL"]
    secret = str(PARTNER["secret"]).encode()
    store = _SQLite(database[7:]) if database.startswith("sqlite:") else _PostgreSQL(database)
    one_batch = threading.Lock()  # one batch at a time in a process, as lowcarbon's endpoint
    app = FastAPI()

    @app.get("/healthz")
    def healthz() -> PlainTextResponse:
        return PlainTextResponse("ok")

    @app.post("/events")
    async def events(request: Request) -> JSONResponse:
        body = await request.body()
        stamp = request.headers.get("x-timestamp", "")
        expected = "sha256=" + hmac.new(secret, f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, request.headers.get("x-signature", "")):
            return JSONResponse({"error": "invalid_signature"}, status_code=401)
        rows = _rows(body)
        with one_batch:
            store.store(rows, level)
        return JSONResponse({"results": [{"id": row[1], "status": "credited", "reason": None} for row in rows]})

    return app


@contextmanager
def floor_database(backend: str, postgresql_url: str) -> Iterator[str]:
    """A new database with the floor's tables: ``sqlite:PATH`` or a libpq URL whose search path is a new schema."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="lowcarbon-floor-") as folder:
            path = str(Path(folder) / "floor.db")
            with closing(sqlite3.connect(path)) as connection:
                connection.execute("PRAGMA journal_mode=WAL")
                connection.executescript(SCHEMA.format(**SQLITE_TYPES))
            yield f"sqlite:{path}"
        return
    url = postgresql_url.replace("postgresql+psycopg://", "postgresql://")
    name = f"lowcarbon_floor_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{name}"')
        admin.execute(f'SET search_path TO "{name}"')
        admin.execute(SCHEMA.format(**POSTGRESQL_TYPES))
    try:
        yield psycopg.conninfo.make_conninfo(url, options=f"-csearch_path={name}")
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'DROP SCHEMA "{name}" CASCADE')


@contextmanager
def serving_floor(database: str, level: str, workers: int) -> Iterator[int]:
    """The floor ``level`` served on ``database`` by ``workers`` processes; its port."""
    port = free_port()
    environment = {**os.environ, "FLOOR_DATABASE": database, "FLOOR_LEVEL": level}
    command = [sys.executable, "-m", "uvicorn", "ledger_floor:create_app", "--factory", "--port", str(port)]
    command += ["--workers", str(workers), "--log-level", "warning", "--no-access-log"]
    with serving(command, environment, port, cwd=Path(__file__).parent):
        yield port


def floor(backend: str, level: str, bodies: list[bytes], args: Any) -> dict[str, Any]:
    """The floor ``level`` on a new database of ``backend``: its figures and the rows of each of its tables."""
    with floor_database(backend, args.postgresql_url) as database:
        with serving_floor(database, level, args.workers) as port:
            streamed = stream(port, "/events", bodies, PARTNER, args.clients)
        return {**streamed.summary(args.events), **_stored(database)}


def _stored(database: str) -> dict[str, int]:
    """The rows of each of the floor's tables."""
    counts = "SELECT " + ", ".join(f"(SELECT count(*) FROM {table})" for table in TABLES)
    if database.startswith("sqlite:"):
        with closing(sqlite3.connect(database[7:])) as connection:
            row = connection.execute(counts).fetchone()
    else:
        with psycopg.connect(database) as server:
            row = server.execute(counts).fetchone()
    return {table: int(count) for table, count in zip(TABLES, row or (), strict=True)}


def main() -> None:
    parser = arguments(__doc__.split("\n\n")[0])
    parser.add_argument("--without-lowcarbon", action="store_true", help="measure the floors only")
    args = parser.parse_args()
    print(describe(args))
    bodies = bodies_of(args)
    for backend in backends(args):
        for level in LEVELS:
            found = floor(backend, level, bodies, args)
            print(f"{backend:<10} floor: {level:<9} {measured(found)}  stored {found['events']:,}")
        if not args.without_lowcarbon:
            found = run(backend, args, bodies)
            reconciles = "reconciles" if found["reconciled"] else "DOES NOT reconcile"
            print(f"{backend:<10} lowcarbon:       {measured(found)}  ledger {reconciles}")


if __name__ == "__main__":
    main()
