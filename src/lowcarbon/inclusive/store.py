"""The statements of ingestion's hot path, on the driver's own connection (psycopg or sqlite3) in the session's
transaction: a batch of 1,000 events is a handful of statements, each over whole columns, without the ORM's or
Core's per-row processing.

    store = for_session(session)
    store.seen(partner, ids)                   the partner's event ids already stored, of ``ids``
    store.people(partner, pseudonyms, now)     pseudonym -> person row id, those new to the partner added
    store.links(persons)                       (person, linked_to) rows naming any of ``persons`` on either side
    store.daily(persons, first, behaviour)     (person, behaviour, day, kg, events) from ``first`` on
    store.recent(persons, start, end)          (person, behaviour, partner, occurred_at, duration_min) accepted
    store.insert_events(rows)                  event id -> row id of the rows (``EVENT_COLUMNS``, no id) inserted
    store.insert_entries(rows)                 ledger entries (``ENTRY_COLUMNS``)
    store.add_balances(rows) / add_daily(rows) (key..., kg, points|events) added to the rows, created when missing

PostgreSQL takes a statement's values as arrays (``unnest``); SQLite an ``executemany``, and a list of keys as one
JSON parameter (``json_each``). SQLite stores datetimes as text in SQLAlchemy's form (``sqlite_time``), which is
what the tables' other readers expect. The caller holds the locks that make these reads current (ingestion: the
partner's lock; SQLite: the one writer).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy.orm import Session

__all__ = ["ENTRY_COLUMNS", "EVENT_COLUMNS", "Store", "for_session", "sqlite_time"]

EVENT_COLUMNS = (
    "partner_id",
    "event_id",
    "person_id",
    "behaviour",
    "version",
    "occurred_at",
    "quantities",  # JSON text
    "status",
    "reason",
    "reduction_kg",
    "points",
    "received_at",
    "decided_at",
    "credit_at",
    "posted_at",
)
ENTRY_COLUMNS = ("transaction", "account", "unit", "amount", "kind", "event_row", "methodology", "at")
_ACCEPTED = "('credited', 'held', 'released')"  # the statuses of events the fraud rules look back on
_PG_TYPES = {
    "partner_id": "int",
    "event_id": "text",
    "person_id": "int",
    "behaviour": "text",
    "version": "text",
    "occurred_at": "timestamptz",
    "quantities": "json",
    "status": "text",
    "reason": "text",
    "reduction_kg": "float8",
    "points": "bigint",
    "received_at": "timestamptz",
    "decided_at": "timestamptz",
    "credit_at": "timestamptz",
    "posted_at": "timestamptz",
    "transaction": "text",
    "account": "text",
    "unit": "text",
    "amount": "float8",
    "kind": "text",
    "event_row": "int",
    "methodology": "text",
    "at": "timestamptz",
}


def sqlite_time(moment: datetime | None) -> str | None:
    """A datetime as SQLAlchemy stores it in SQLite (UTC, microseconds always written), so comparisons of the text
    order as the times do."""
    if moment is None:
        return None
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M:%S.%f}"


def _sqlite_datetime(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


class Store:
    """The hot path's statements for one transaction (see the module docstring); made by ``for_session``."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.raw: Any = session.connection().connection.dbapi_connection

    def seen(self, partner_id: int, ids: Sequence[str]) -> set[str]:
        raise NotImplementedError

    def people(self, partner_id: int, pseudonyms: Sequence[str], now: datetime) -> dict[str, int]:
        raise NotImplementedError

    def links(self, persons: Iterable[int]) -> list[tuple[int, int]]:
        raise NotImplementedError

    def daily(
        self, persons: Iterable[int], first: date, behaviour: str | None = None
    ) -> list[tuple[int, str, date, float, int]]:
        raise NotImplementedError

    def recent(
        self, persons: Iterable[int], start: datetime, end: datetime
    ) -> list[tuple[int, str, int, datetime, float | None]]:
        raise NotImplementedError

    def insert_events(self, rows: Sequence[Sequence[Any]]) -> dict[str, int]:
        raise NotImplementedError

    def insert_entries(self, rows: Sequence[Sequence[Any]]) -> None:
        raise NotImplementedError

    def add_balances(self, rows: Sequence[tuple[int, float, float]], at: datetime) -> None:
        raise NotImplementedError

    def add_daily(self, rows: Sequence[tuple[int, str, date, float, int]]) -> None:
        raise NotImplementedError


class _Postgres(Store):
    def _rows(self, sql: str, *params: Any) -> list[Any]:
        with self.raw.cursor() as cursor:
            cursor.execute(sql, params)
            return cast(list[Any], cursor.fetchall())

    def _run(self, sql: str, *params: Any) -> None:
        with self.raw.cursor() as cursor:
            cursor.execute(sql, params)

    def seen(self, partner_id: int, ids: Sequence[str]) -> set[str]:
        found = self._rows(
            "SELECT event_id FROM inclusive_events WHERE partner_id = %s AND event_id = ANY(%s::text[])",
            partner_id,
            list(ids),
        )
        return {event_id for (event_id,) in found}

    def people(self, partner_id: int, pseudonyms: Sequence[str], now: datetime) -> dict[str, int]:
        found = dict(
            self._rows(
                "SELECT pseudonym, id FROM inclusive_people WHERE partner_id = %s AND pseudonym = ANY(%s::text[])",
                partner_id,
                list(pseudonyms),
            )
        )
        missing = sorted(set(pseudonyms) - found.keys())
        if missing:
            found.update(
                self._rows(
                    "INSERT INTO inclusive_people (partner_id, pseudonym, created_at)"
                    " SELECT %s, p, %s FROM unnest(%s::text[]) AS p RETURNING pseudonym, id",
                    partner_id,
                    now,
                    missing,
                )
            )
        return found

    def links(self, persons: Iterable[int]) -> list[tuple[int, int]]:
        wanted = list(persons)
        return [
            (int(a), int(b))
            for a, b in self._rows(
                "SELECT person_id, linked_to FROM inclusive_links"
                " WHERE person_id = ANY(%s::int[]) OR linked_to = ANY(%s::int[])",
                wanted,
                wanted,
            )
        ]

    def daily(
        self, persons: Iterable[int], first: date, behaviour: str | None = None
    ) -> list[tuple[int, str, date, float, int]]:
        sql = "SELECT person_id, behaviour, day, kg, events FROM inclusive_daily WHERE person_id = ANY(%s::int[])"
        sql += " AND day >= %s" + (" AND behaviour = %s" if behaviour is not None else "")
        params = (list(persons), first) + ((behaviour,) if behaviour is not None else ())
        return [tuple(row) for row in self._rows(sql, *params)]

    def recent(
        self, persons: Iterable[int], start: datetime, end: datetime
    ) -> list[tuple[int, str, int, datetime, float | None]]:
        return [
            tuple(row)
            for row in self._rows(
                "SELECT person_id, behaviour, partner_id, occurred_at, (quantities ->> 'duration_min')::float8"
                " FROM inclusive_events WHERE person_id = ANY(%s::int[]) AND occurred_at BETWEEN %s AND %s"
                f" AND status IN {_ACCEPTED}",
                list(persons),
                start,
                end,
            )
        ]

    def _unnest(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], tail: str = "") -> str:
        names = ", ".join(f'"{c}"' for c in columns)
        arrays = ", ".join(f"%s::{_PG_TYPES.get(c, 'text')}[]" for c in columns)
        return f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays}) {tail}"

    def insert_events(self, rows: Sequence[Sequence[Any]]) -> dict[str, int]:
        if not rows:
            return {}
        tail = "ON CONFLICT (partner_id, event_id) DO NOTHING RETURNING event_id, id"
        sql = self._unnest("inclusive_events", EVENT_COLUMNS, rows, tail)
        return dict(self._rows(sql, *(list(column) for column in zip(*rows, strict=True))))

    def insert_entries(self, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self._run(
                self._unnest("inclusive_entries", ENTRY_COLUMNS, rows),
                *(list(column) for column in zip(*rows, strict=True)),
            )

    def add_balances(self, rows: Sequence[tuple[int, float, float]], at: datetime) -> None:
        if not rows:
            return
        persons, kgs, points = (list(column) for column in zip(*rows, strict=True))
        self._run(
            "INSERT INTO inclusive_balances (person_id, kg, points, updated_at)"
            " SELECT p, k, n, %s FROM unnest(%s::int[], %s::float8[], %s::float8[]) AS t(p, k, n)"
            " ON CONFLICT (person_id) DO UPDATE SET kg = inclusive_balances.kg + excluded.kg,"
            " points = inclusive_balances.points + excluded.points, updated_at = excluded.updated_at",
            at,
            persons,
            kgs,
            points,
        )

    def add_daily(self, rows: Sequence[tuple[int, str, date, float, int]]) -> None:
        if not rows:
            return
        self._run(
            "INSERT INTO inclusive_daily (person_id, behaviour, day, kg, events)"
            " SELECT * FROM unnest(%s::int[], %s::text[], %s::date[], %s::float8[], %s::int[])"
            " ON CONFLICT (person_id, behaviour, day) DO UPDATE SET kg = inclusive_daily.kg + excluded.kg,"
            " events = inclusive_daily.events + excluded.events",
            *(list(column) for column in zip(*rows, strict=True)),
        )


class _Sqlite(Store):
    def _rows(self, sql: str, *params: Any) -> list[Any]:
        return cast(list[Any], self.raw.execute(sql, params).fetchall())

    def seen(self, partner_id: int, ids: Sequence[str]) -> set[str]:
        found = self._rows(
            "SELECT event_id FROM inclusive_events WHERE partner_id = ?"
            " AND event_id IN (SELECT value FROM json_each(?))",
            partner_id,
            json.dumps(list(ids)),
        )
        return {event_id for (event_id,) in found}

    def people(self, partner_id: int, pseudonyms: Sequence[str], now: datetime) -> dict[str, int]:
        found = dict(
            self._rows(
                "SELECT pseudonym, id FROM inclusive_people WHERE partner_id = ?"
                " AND pseudonym IN (SELECT value FROM json_each(?))",
                partner_id,
                json.dumps(list(pseudonyms)),
            )
        )
        missing = sorted(set(pseudonyms) - found.keys())
        if missing:  # the one writer holds the database: the ids after the largest are free
            (largest,) = self.raw.execute("SELECT coalesce(max(id), 0) FROM inclusive_people").fetchone()
            made = {pseudonym: largest + 1 + n for n, pseudonym in enumerate(missing)}
            stamp = sqlite_time(now)
            self.raw.executemany(
                "INSERT INTO inclusive_people (id, partner_id, pseudonym, created_at) VALUES (?, ?, ?, ?)",
                [(row, partner_id, pseudonym, stamp) for pseudonym, row in made.items()],
            )
            found.update(made)
        return found

    def links(self, persons: Iterable[int]) -> list[tuple[int, int]]:
        wanted = json.dumps(list(persons))
        return [
            (int(a), int(b))
            for a, b in self._rows(
                "SELECT person_id, linked_to FROM inclusive_links WHERE person_id IN (SELECT value FROM json_each(?))"
                " OR linked_to IN (SELECT value FROM json_each(?))",
                wanted,
                wanted,
            )
        ]

    def daily(
        self, persons: Iterable[int], first: date, behaviour: str | None = None
    ) -> list[tuple[int, str, date, float, int]]:
        sql = "SELECT person_id, behaviour, day, kg, events FROM inclusive_daily"
        sql += " WHERE person_id IN (SELECT value FROM json_each(?)) AND day >= ?"
        sql += " AND behaviour = ?" if behaviour is not None else ""
        params = (json.dumps(list(persons)), first.isoformat()) + ((behaviour,) if behaviour is not None else ())
        return [(p, b, date.fromisoformat(d), kg, n) for p, b, d, kg, n in self._rows(sql, *params)]

    def recent(
        self, persons: Iterable[int], start: datetime, end: datetime
    ) -> list[tuple[int, str, int, datetime, float | None]]:
        found = self._rows(
            "SELECT person_id, behaviour, partner_id, occurred_at, json_extract(quantities, '$.duration_min')"
            " FROM inclusive_events WHERE person_id IN (SELECT value FROM json_each(?))"
            f" AND occurred_at BETWEEN ? AND ? AND status IN {_ACCEPTED}",
            json.dumps(list(persons)),
            sqlite_time(start),
            sqlite_time(end),
        )
        return [(p, b, partner, _sqlite_datetime(t), d) for p, b, partner, t, d in found]

    def insert_events(self, rows: Sequence[Sequence[Any]]) -> dict[str, int]:
        """The caller read ``seen`` under the one writer, so none of the rows is stored yet: their ids are the next
        ones (a row stored meanwhile would fail the unique constraint and roll the batch back)."""
        if not rows:
            return {}
        (largest,) = self.raw.execute("SELECT coalesce(max(id), 0) FROM inclusive_events").fetchone()
        times = {EVENT_COLUMNS.index(c) for c in ("occurred_at", "received_at", "decided_at", "credit_at", "posted_at")}
        stored = [
            (largest + 1 + n, *(sqlite_time(v) if i in times else v for i, v in enumerate(row)))
            for n, row in enumerate(rows)
        ]
        names = ", ".join(f'"{c}"' for c in ("id", *EVENT_COLUMNS))
        marks = ", ".join("?" * (len(EVENT_COLUMNS) + 1))
        self.raw.executemany(f"INSERT INTO inclusive_events ({names}) VALUES ({marks})", stored)
        return {row[2]: row[0] for row in stored}

    def insert_entries(self, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        at = ENTRY_COLUMNS.index("at")
        names = ", ".join(f'"{c}"' for c in ENTRY_COLUMNS)
        self.raw.executemany(
            f"INSERT INTO inclusive_entries ({names}) VALUES ({', '.join('?' * len(ENTRY_COLUMNS))})",
            [(*row[:at], sqlite_time(row[at]), *row[at + 1 :]) for row in rows],
        )

    def add_balances(self, rows: Sequence[tuple[int, float, float]], at: datetime) -> None:
        stamp = sqlite_time(at)
        self.raw.executemany(
            "INSERT INTO inclusive_balances (person_id, kg, points, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (person_id) DO UPDATE SET kg = kg + excluded.kg, points = points + excluded.points,"
            " updated_at = excluded.updated_at",
            [(*row, stamp) for row in rows],
        )

    def add_daily(self, rows: Sequence[tuple[int, str, date, float, int]]) -> None:
        self.raw.executemany(
            "INSERT INTO inclusive_daily (person_id, behaviour, day, kg, events) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (person_id, behaviour, day) DO UPDATE SET kg = kg + excluded.kg,"
            " events = events + excluded.events",
            [(p, b, d.isoformat(), kg, n) for p, b, d, kg, n in rows],
        )


def for_session(session: Session) -> Store:
    """The store of ``session``'s transaction (its driver's connection)."""
    return _Postgres(session) if session.get_bind().dialect.name == "postgresql" else _Sqlite(session)
