"""The statements of ingestion's hot path, on the driver's own connection (psycopg or sqlite3) in the session's
transaction: a batch of 1,000 events is a handful of statements, each over whole columns, without the ORM's or
Core's per-row processing.

    store = for_session(session)
    store.seen(partner, ids)                   the partner's event ids already stored, of ``ids``
    store.known(partner, pseudonyms)           pseudonym -> person row id, of those the partner has sent before
    store.people(partner, pseudonyms, now)     the same, those new to the partner added
    store.state(partner)                       (the partner's largest event row id, its ``reviewed`` count)
    store.advance(partner, row)                that largest row id, kept on the partner's row
    store.since(partner, row, upto, persons, ids)
                                               the partner's events stored after row ``row`` naming one of
                                               ``persons`` or ``ids``: (event id, person, behaviour, occurred_at,
                                               status, kg, duration_min)
    store.links(persons)                       (person, linked_to) rows naming any of ``persons`` on either side
    store.daily(keys, first)                   (person, behaviour, day, kg, events) of the (person, behaviour) keys,
                                               from ``first`` on
    store.recent(windows)                      (person, behaviour, partner, occurred_at, duration_min) accepted,
                                               within each person's window (from, to)
    store.any_due(partner, now)                whether a credit of the partner's came due and is not posted
    store.insert_events(rows)                  event id -> row id of the rows (``EVENT_COLUMNS``, no id) inserted
    store.insert_entries(rows)                 ledger entries (``ENTRY_COLUMNS``)
    store.add_balances(rows) / add_daily(rows) (key..., kg, points|events) added to the rows, created when missing

PostgreSQL takes a statement's values as arrays (``unnest``) and new rows by binary COPY (``lowcarbon.bulk``);
SQLite an ``executemany``, and a list of keys as one JSON parameter (``json_each``). SQLite stores datetimes as text
in SQLAlchemy's form (``sqlite_time``), which is what the tables' other readers expect. The caller holds the locks
that make these reads current (ingestion: the partner's lock; SQLite: the one writer).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from contextlib import closing
from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy.orm import Session

from lowcarbon.bulk import copy_rows, insert_rows, raw_connection
from lowcarbon.inclusive.tables import DUE

__all__ = ["ACCEPTED", "ENTRY_COLUMNS", "EVENT_COLUMNS", "Store", "for_session", "sqlite_time"]

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
ENTRY_COLUMNS = ("transaction", "account", "kg", "points", "kind", "event_row", "methodology", "at")
ACCEPTED = ("credited", "held", "released")  # the statuses of events the fraud rules look back on
_ACCEPTED = "(" + ", ".join(f"'{status}'" for status in ACCEPTED) + ")"
# A subquery run once for each key (OFFSET 0 keeps the planner from joining it otherwise): an index lookup per key,
# where PostgreSQL would rather scan a whole table for a thousand keys it cannot tell are few
_EACH = "OFFSET 0"
_EVENT_TYPES = {  # PostgreSQL's types of the columns, for binary COPY
    "id": "int4",
    "partner_id": "int4",
    "event_id": "text",
    "person_id": "int4",
    "behaviour": "text",
    "version": "text",
    "occurred_at": "timestamptz",
    "quantities": "text",  # a json column: its binary form is the text
    "status": "text",
    "reason": "text",
    "reduction_kg": "float8",
    "points": "int8",
    "received_at": "timestamptz",
    "decided_at": "timestamptz",
    "credit_at": "timestamptz",
    "posted_at": "timestamptz",
}
_ENTRY_TYPES = {
    "transaction": "text",
    "account": "text",
    "kg": "float8",
    "points": "float8",
    "kind": "text",
    "event_row": "int4",
    "methodology": "text",
    "at": "timestamptz",
}


def sqlite_time(moment: datetime | None) -> str | None:
    """A datetime as SQLAlchemy stores it in SQLite (UTC, microseconds always written), so comparisons of the text
    order as the times do."""
    if moment is None:
        return None
    if moment.tzinfo is not UTC:  # ingestion's times are UTC already: the conversion cost more than the writing
        moment = moment.astimezone(UTC)
    return moment.replace(tzinfo=None).isoformat(" ", "microseconds")


def _times(values: Iterable[datetime | None]) -> list[str | None]:
    """``sqlite_time`` of each value, each distinct value written once (a batch's times are mostly its "now")."""
    written: dict[datetime | None, str | None] = {}
    return [written[v] if v in written else written.setdefault(v, sqlite_time(v)) for v in values]


class Store:
    """The hot path's statements for one transaction (see the module docstring); made by ``for_session``."""

    mark = ""  # the driver's parameter mark
    duration = ""  # SQL: an event's duration_min, a number or NULL
    each_int = each_text = ""  # SQL: the values of a list given as one parameter (``keys``), as rows

    def keys(self, values: Collection[Any]) -> str:
        """A list of numbers or texts as the one parameter that ``each_int`` or ``each_text`` reads."""
        raise NotImplementedError

    def between(self, row: int, upto: int) -> str:
        """SQL: the events after row ``row`` up to row ``upto``, read by the primary key, as a FROM item ``e``."""
        return f"(SELECT * FROM inclusive_events WHERE id > {int(row)} AND id <= {int(upto)}) AS e"

    def __init__(self, session: Session) -> None:
        self.session = session
        self.raw: Any = raw_connection(session)

    def stamp(self, moment: datetime) -> Any:
        """``moment`` as the driver binds it to a stored datetime."""
        return moment

    def moment(self, stored: Any) -> datetime:
        """A stored datetime as the driver reads it, as a datetime."""
        return cast(datetime, stored)

    def _rows(self, sql: str, *params: Any) -> list[Any]:
        raise NotImplementedError

    def _run(self, sql: str, *params: Any) -> None:
        raise NotImplementedError

    def seen(self, partner_id: int, ids: Sequence[str]) -> set[str]:
        raise NotImplementedError

    def known(self, partner_id: int, pseudonyms: Sequence[str]) -> dict[str, int]:
        raise NotImplementedError

    def people(self, partner_id: int, pseudonyms: Sequence[str], now: datetime) -> dict[str, int]:
        raise NotImplementedError

    def state(self, partner_id: int) -> tuple[int, int]:
        """The partner's largest event row id (0: none) and its ``reviewed`` count, as kept on its row. Rows are
        numbered under the partner's lock, so every row of the partner stored later has a larger id."""
        ((largest, reviewed),) = self._rows(
            f"SELECT last_event, reviewed FROM inclusive_partners WHERE id = {self.mark}", partner_id
        )
        return int(largest), int(reviewed)

    def advance(self, partner_id: int, largest: int) -> None:
        """Keep ``largest`` as the partner's largest event row id (under the partner's lock)."""
        self._run(f"UPDATE inclusive_partners SET last_event = {self.mark} WHERE id = {self.mark}", largest, partner_id)

    def since(
        self, partner_id: int, row: int, upto: int, persons: Collection[int], ids: Collection[str]
    ) -> list[tuple[str, int, str, datetime, str, float, float | None]]:
        """The partner's events stored after row ``row``, up to row ``upto`` (each id by the primary key),
        that name one of ``persons`` or have one of ``ids`` (each list looked up in a hash, so the rows of others
        cost a probe)."""
        found = self._rows(
            f"SELECT event_id, person_id, behaviour, occurred_at, status, reduction_kg, {self.duration}"
            f" FROM {self.between(row, upto)} WHERE partner_id + 0 = {self.mark}"
            f" AND (person_id IN (SELECT {self.each_int}) OR event_id IN (SELECT {self.each_text}))",
            partner_id,
            self.keys(persons),
            self.keys(ids),
        )
        return [(e, p, b, self.moment(t), s, kg, d) for e, p, b, t, s, kg, d in found]

    def any_due(self, partner_id: int, now: datetime) -> bool:
        """Whether a credit of the partner's has come due and is not posted yet."""
        sql = (
            f"SELECT 1 FROM inclusive_events WHERE {DUE} AND credit_at <= {self.mark} AND partner_id + 0 = {self.mark}"
        )
        with closing(self.raw.cursor()) as cursor:
            cursor.execute(sql + " LIMIT 1", (self.stamp(now), partner_id))
            return cursor.fetchone() is not None

    def links(self, persons: Iterable[int]) -> list[tuple[int, int]]:
        raise NotImplementedError

    def daily(self, keys: Iterable[tuple[int, str]], first: date) -> list[tuple[int, str, date, float, int]]:
        """The daily totals of each (person, behaviour) from ``first`` on: an index range each."""
        raise NotImplementedError

    def recent(
        self, windows: Mapping[int, tuple[datetime, datetime]]
    ) -> list[tuple[int, str, int, datetime, float | None]]:
        """Each person's accepted events within the person's window (from, to): an index range each."""
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
    mark = "%s"
    duration = "(quantities ->> 'duration_min')::float8"
    each_int, each_text = "unnest(%s::int[])", "unnest(%s::text[])"

    def keys(self, values: Collection[Any]) -> str:
        return _array(values)

    def between(self, row: int, upto: int) -> str:
        # each id looked up by the primary key: for ``id > row`` the planner, with statistics from before the last
        # rows came, expects a part of the table and reads all of it (35 ms at 200,000 events)
        return (
            f"generate_series({int(row) + 1}, {int(upto)}) AS g(i) CROSS JOIN LATERAL"
            f" (SELECT * FROM inclusive_events WHERE id = g.i {_EACH}) AS e"
        )

    def _rows(self, sql: str, *params: Any) -> list[Any]:
        with self.raw.cursor() as cursor:
            cursor.execute(sql, params)
            return cast(list[Any], cursor.fetchall())

    def _run(self, sql: str, *params: Any) -> None:
        with self.raw.cursor() as cursor:
            cursor.execute(sql, params)

    def seen(self, partner_id: int, ids: Sequence[str]) -> set[str]:
        found = self._rows(
            "SELECT k FROM unnest(%s::text[]) AS k CROSS JOIN LATERAL (SELECT 1 FROM inclusive_events"
            f" WHERE partner_id = %s AND event_id = k {_EACH}) AS e",
            _array(ids),
            partner_id,
        )
        return {event_id for (event_id,) in found}

    def known(self, partner_id: int, pseudonyms: Sequence[str]) -> dict[str, int]:
        return dict(
            self._rows(
                "SELECT k, p.id FROM unnest(%s::text[]) AS k CROSS JOIN LATERAL (SELECT id FROM inclusive_people"
                f" WHERE partner_id = %s AND pseudonym = k {_EACH}) AS p",
                _array(pseudonyms),
                partner_id,
            )
        )

    def people(self, partner_id: int, pseudonyms: Sequence[str], now: datetime) -> dict[str, int]:
        found = self.known(partner_id, pseudonyms)
        missing = sorted(set(pseudonyms) - found.keys())
        if missing:
            found.update(
                self._rows(
                    "INSERT INTO inclusive_people (partner_id, pseudonym, created_at)"
                    " SELECT %s, p, %s FROM unnest(%s::text[]) AS p RETURNING pseudonym, id",
                    partner_id,
                    now,
                    _array(missing),
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
                _array(wanted),
                _array(wanted),
            )
        ]

    def daily(self, keys: Iterable[tuple[int, str]], first: date) -> list[tuple[int, str, date, float, int]]:
        pairs = list(keys)
        if not pairs:
            return []
        persons, behaviours = zip(*pairs, strict=True)
        sql = (
            "SELECT k.p, k.b, d.day, d.kg, d.events FROM unnest(%s::int[], %s::text[]) AS k(p, b) CROSS JOIN LATERAL"
            " (SELECT day, kg, events FROM inclusive_daily WHERE person_id = k.p AND behaviour = k.b AND day >= %s"
            f" {_EACH}) AS d"
        )
        return [tuple(row) for row in self._rows(sql, _array(persons), _array(behaviours), first)]

    def recent(
        self, windows: Mapping[int, tuple[datetime, datetime]]
    ) -> list[tuple[int, str, int, datetime, float | None]]:
        return [
            tuple(row)
            for row in self._rows(  # the windows as Unix times: numbers are read much faster than timestamps' text
                "SELECT k, e.behaviour, e.partner_id, e.occurred_at, e.duration"
                " FROM unnest(%s::int[], %s::float8[], %s::float8[]) AS w(k, a, b)"
                f" CROSS JOIN LATERAL (SELECT behaviour, partner_id, occurred_at, {self.duration} AS duration"
                " FROM inclusive_events"
                " WHERE person_id = k AND occurred_at BETWEEN to_timestamp(a) AND to_timestamp(b)"
                f" AND status IN {_ACCEPTED} {_EACH}) AS e",
                _array(windows),
                _array(a.timestamp() for a, _ in windows.values()),
                _array(b.timestamp() for _, b in windows.values()),
            )
        ]

    def _copy(self, table: str, types: dict[str, str], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        copy_rows(self.session, table, columns, rows, [types[c] for c in columns])  # binary: psycopg formats in C

    def insert_events(self, rows: Sequence[Sequence[Any]]) -> dict[str, int]:
        """The caller read ``seen`` under the partner's lock, so none of the rows is stored yet (one stored meanwhile
        would fail the unique constraint and roll the batch back): their ids are taken from the sequence first."""
        if not rows:
            return {}
        ids = [
            row
            for (row,) in self._rows(
                "SELECT nextval(pg_get_serial_sequence('inclusive_events', 'id')) FROM generate_series(1, %b)",
                len(rows),
            )
        ]
        self._copy(
            "inclusive_events",
            _EVENT_TYPES,
            ("id", *EVENT_COLUMNS),
            ((i, *row) for i, row in zip(ids, rows, strict=True)),
        )
        return {row[1]: i for i, row in zip(ids, rows, strict=True)}

    def insert_entries(self, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self._copy("inclusive_entries", _ENTRY_TYPES, ENTRY_COLUMNS, rows)

    def add_balances(self, rows: Sequence[tuple[int, float, float]], at: datetime) -> None:
        if not rows:
            return
        persons, kgs, points = zip(*rows, strict=True)
        self._run(
            "INSERT INTO inclusive_balances (person_id, kg, points, updated_at)"
            " SELECT p, k, n, %s FROM unnest(%s::int[], %s::float8[], %s::float8[]) AS t(p, k, n)"
            " ON CONFLICT (person_id) DO UPDATE SET kg = inclusive_balances.kg + excluded.kg,"
            " points = inclusive_balances.points + excluded.points, updated_at = excluded.updated_at",
            at,
            _array(persons),
            _array(kgs),
            _array(points),
        )

    def add_daily(self, rows: Sequence[tuple[int, str, date, float, int]]) -> None:
        if not rows:
            return
        self._run(
            "INSERT INTO inclusive_daily (person_id, behaviour, day, kg, events)"
            " SELECT * FROM unnest(%s::int[], %s::text[], %s::date[], %s::float8[], %s::int[])"
            " ON CONFLICT (person_id, behaviour, day) DO UPDATE SET kg = inclusive_daily.kg + excluded.kg,"
            " events = inclusive_daily.events + excluded.events",
            *(_array(column) for column in zip(*rows, strict=True)),
        )


def _array(values: Iterable[Any]) -> str:
    """A PostgreSQL array literal of numbers or dates, or of texts (quoted), for a ``%s::type[]`` parameter: written
    by ``str.join``, far faster than a driver's adaptation of each element. The values are of one type."""
    items = values if isinstance(values, list | tuple) else list(values)
    if not items or not isinstance(items[0], str):
        return "{" + ",".join(map(str, items)) + "}"
    text = '","'.join(items)
    if '"' in text or "\\" in text:  # escaped one by one only when some text needs it
        text = '","'.join(map(_quoted, items))
    return '{"' + text + '"}'


def _quoted(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


class _Sqlite(Store):
    mark = "?"
    duration = "json_extract(quantities, '$.duration_min')"
    each_int = each_text = "value FROM json_each(?)"

    def keys(self, values: Collection[Any]) -> str:
        return json.dumps(values if isinstance(values, list | tuple) else list(values))

    def stamp(self, moment: datetime) -> Any:
        return sqlite_time(moment)

    def moment(self, stored: Any) -> datetime:
        return datetime.fromisoformat(stored).replace(tzinfo=UTC)

    def _rows(self, sql: str, *params: Any) -> list[Any]:
        return cast(list[Any], self.raw.execute(sql, params).fetchall())

    def _run(self, sql: str, *params: Any) -> None:
        self.raw.execute(sql, params)

    def seen(self, partner_id: int, ids: Sequence[str]) -> set[str]:
        found = self._rows(
            "SELECT event_id FROM inclusive_events WHERE partner_id = ?"
            " AND event_id IN (SELECT value FROM json_each(?))",
            partner_id,
            json.dumps(list(ids)),
        )
        return {event_id for (event_id,) in found}

    def known(self, partner_id: int, pseudonyms: Sequence[str]) -> dict[str, int]:
        return dict(
            self._rows(
                "SELECT pseudonym, id FROM inclusive_people WHERE partner_id = ?"
                " AND pseudonym IN (SELECT value FROM json_each(?))",
                partner_id,
                json.dumps(list(pseudonyms)),
            )
        )

    def people(self, partner_id: int, pseudonyms: Sequence[str], now: datetime) -> dict[str, int]:
        found = self.known(partner_id, pseudonyms)
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

    def daily(self, keys: Iterable[tuple[int, str]], first: date) -> list[tuple[int, str, date, float, int]]:
        found = self._rows(  # CROSS JOIN: SQLite keeps the order, a key then its index range
            "SELECT d.person_id, d.behaviour, d.day, d.kg, d.events FROM json_each(?) AS k CROSS JOIN inclusive_daily"
            " AS d ON d.person_id = json_extract(k.value, '$[0]') AND d.behaviour = json_extract(k.value, '$[1]')"
            " AND d.day >= ?",
            json.dumps(list(keys)),
            first.isoformat(),
        )
        return [(p, b, date.fromisoformat(d), kg, n) for p, b, d, kg, n in found]

    def recent(
        self, windows: Mapping[int, tuple[datetime, datetime]]
    ) -> list[tuple[int, str, int, datetime, float | None]]:
        found = self._rows(  # CROSS JOIN: SQLite keeps the order, a person's window then the index range
            f"SELECT e.person_id, e.behaviour, e.partner_id, e.occurred_at, {self.duration}"
            " FROM json_each(?) AS w CROSS JOIN inclusive_events AS e"
            " ON e.person_id = json_extract(w.value, '$[0]')"
            " AND e.occurred_at BETWEEN json_extract(w.value, '$[1]') AND json_extract(w.value, '$[2]')"
            f" WHERE e.status IN {_ACCEPTED}",
            json.dumps([(p, sqlite_time(a), sqlite_time(b)) for p, (a, b) in windows.items()]),
        )
        return [(p, b, partner, self.moment(t), d) for p, b, partner, t, d in found]

    def insert_events(self, rows: Sequence[Sequence[Any]]) -> dict[str, int]:
        """The caller read ``seen`` under the one writer, so none of the rows is stored yet: their ids are the next
        ones (a row stored meanwhile would fail the unique constraint and roll the batch back)."""
        if not rows:
            return {}
        (largest,) = self.raw.execute("SELECT coalesce(max(id), 0) FROM inclusive_events").fetchone()
        columns = [list(column) for column in zip(*rows, strict=True)]
        for name in ("occurred_at", "received_at", "decided_at", "credit_at", "posted_at"):
            position = EVENT_COLUMNS.index(name)
            columns[position] = _times(columns[position])
        ids = range(largest + 1, largest + 1 + len(rows))
        self._insert("inclusive_events", ("id", *EVENT_COLUMNS), [list(ids), *columns])
        return dict(zip(columns[EVENT_COLUMNS.index("event_id")], ids, strict=True))

    def insert_entries(self, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        columns = [list(column) for column in zip(*rows, strict=True)]
        at = ENTRY_COLUMNS.index("at")
        columns[at] = _times(columns[at])
        self._insert("inclusive_entries", ENTRY_COLUMNS, columns)

    def _insert(self, table: str, names: Sequence[str], columns: Sequence[Sequence[Any]]) -> None:
        """Insert the rows given as ``columns`` (one list of values per name)."""
        marks = ", ".join("?" * len(names))
        quoted = ", ".join(f'"{name}"' for name in names)
        insert_rows(self.session, f"INSERT INTO {table} ({quoted}) VALUES ({marks})", zip(*columns, strict=True))

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
