"""Many rows into a table at once, in the session's transaction, taken as a stream while they are made: COPY on
PostgreSQL (several times faster than INSERT), one executemany on SQLite. The catalog's import and the
carbon-inclusive ledger's ingestion write through here."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlalchemy.orm import Session

__all__ = ["copy_rows", "insert_rows", "raw_connection"]


def raw_connection(session: Session) -> Any:
    """The driver's own connection under the session's (psycopg or sqlite3), in the session's transaction."""
    return cast(Any, session.connection().connection.dbapi_connection)


def copy_rows(
    session: Session,
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    types: Sequence[str] | None = None,
) -> None:
    """COPY ``rows`` (values in the order of ``columns``) into ``table``; PostgreSQL only (psycopg). With the
    columns' ``types``, in binary (bytes go as they are, not spelt in hexadecimal)."""
    raw = raw_connection(session)  # a psycopg connection
    binary = " (FORMAT BINARY)" if types else ""
    names = ", ".join(f'"{c}"' for c in columns)  # quoted: a column may be a keyword ("transaction")
    with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN{binary}") as copy:
        if types:
            copy.set_types(list(types))
        for row in rows:
            copy.write_row(row)


def insert_rows(session: Session, sql: str, rows: Iterable[Sequence[Any]]) -> None:
    """Run the INSERT ``sql`` (``?`` parameters) for each of ``rows``, taken as a stream; SQLite only."""
    raw_connection(session).executemany(sql, rows)
