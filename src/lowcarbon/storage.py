"""What every part's tables share: the declarative Base, UTC timestamps, a named lock for a transaction, and the
canonical JSON by which records are snapshotted, hashed and digested (the audit trail, a study's result digest).

The kernel's tables and each domain's are declared on one ``Base`` (one metadata, one naming convention), so that
migrations see one schema; a domain declares its tables with this module and never imports the platform.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable
from dataclasses import asdict, is_dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import PurePath
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.types import TypeDecorator

__all__ = ["NAMING_CONVENTION", "Base", "UTCDateTime", "canonical_json", "json_value", "serialize", "snapshot"]

# Named constraints, so that migrations can refer to them by the same name on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every table of lowcarbon; its metadata names constraints by ``NAMING_CONVENTION``."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored as UTC: SQLite keeps no zone, so naive values read back are UTC."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"{value!r} has no time zone: store aware datetimes, e.g. datetime.now(UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def serialize(executor: Session | Connection, name: str) -> None:
    """Hold a lock called ``name`` until the transaction ends, so that transactions taking it run one at a time.

    On PostgreSQL this is a transaction-level advisory lock; SQLite has one writer at a time already.
    """
    dialect = executor.get_bind().dialect if isinstance(executor, Session) else executor.dialect
    if dialect.name == "postgresql":
        executor.execute(sa.select(sa.func.pg_advisory_xact_lock(_lock_key(name))))


def _lock_key(name: str) -> int:
    return zlib.crc32(f"lowcarbon:{name}".encode())


def snapshot(row: Base, *, hidden: Iterable[str] = (), **derived: Any) -> dict[str, Any]:
    """What the audit trail records of ``row``: its columns but the ``hidden`` ones (secrets, large texts), and
    values ``derived`` from them (a digest, whether a secret is set)."""
    left_out = set(hidden)
    columns = sa.inspect(row).mapper.column_attrs
    return {**{c.key: getattr(row, c.key) for c in columns if c.key not in left_out}, **derived}


def canonical_json(value: object) -> str:
    """``value`` as canonical JSON; dates, decimals, UUIDs, enums, paths, sets and dataclasses become plain JSON."""
    return json.dumps(json_value(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def json_value(value: object) -> Any:
    """``value`` as it reads back from a JSON column: tuples become lists, keys strings, dates ISO strings."""
    return json.loads(json.dumps(value, ensure_ascii=False, allow_nan=False, default=_plain))


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal | UUID | PurePath):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value, key=canonical_json)
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    name = type(value).__name__
    raise TypeError(f"{name} cannot be recorded as canonical JSON (in the audit trail, a digest); give plain JSON")
