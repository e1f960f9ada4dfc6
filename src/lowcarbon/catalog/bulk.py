"""Many rows into a PostgreSQL table at once, with COPY (several times faster than INSERT for a bulk import), in the
session's transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlalchemy.orm import Session

__all__ = ["copy_rows"]


def copy_rows(session: Session, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """COPY ``rows`` (values in the order of ``columns``) into ``table``; PostgreSQL only (psycopg)."""
    raw = cast(Any, session.connection().connection.dbapi_connection)  # a psycopg connection
    with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
