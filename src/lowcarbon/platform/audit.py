"""The audit trail: an append-only log of state changes, each entry chained to the one before it by its hash.

An entry's hash is the SHA-256 of the canonical JSON (keys sorted, no spaces, UTF-8, no NaN) of its fields ``at``
(UTC, ISO 8601 to the microsecond), ``actor``, ``action``, ``entity``, ``entity_id``, ``before``, ``after`` and
``previous_hash``, the hash of the entry before it (64 zeros for the first). Editing any stored field of an entry
breaks its hash; removing or reordering entries breaks the next entry's link; ``verify`` names the first entry where
either happens. The database itself refuses UPDATE and DELETE on audit_log (triggers of the first migration), so the
chain is there for whoever gets around them. Cutting entries off the end is found only by comparing ``head`` with a
copy kept elsewhere.

``record`` adds its entry to the caller's session and flushes it; the caller commits the entry together with the
change it describes, so both are kept or neither. Writers are serialised (an advisory lock on PostgreSQL, the
database lock on SQLite; open writing sessions with ``session_factory(engine, write=True)``), and a unique
``previous_hash`` makes a fork of the chain impossible even so.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lowcarbon.platform.database import serialize
from lowcarbon.platform.tables import AuditEntry
from lowcarbon.storage import canonical_json, json_value

__all__ = ["GENESIS_HASH", "AuditTrail", "canonical_json", "entry_hash", "head", "record", "verify"]

GENESIS_HASH = "0" * 64


def _timestamp(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def entry_hash(
    *,
    at: datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: str,
    before: Any,
    after: Any,
    previous_hash: str,
) -> str:
    """The SHA-256 hex digest that chains an entry with these fields to the entry whose hash is ``previous_hash``."""
    payload = {
        "at": _timestamp(at),
        "actor": actor,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "before": before,
        "after": after,
        "previous_hash": previous_hash,
    }
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


def record(
    session: Session,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | int,
    before: object,
    after: object,
) -> AuditEntry:
    """Append an entry to the audit trail in ``session``'s transaction: ``actor`` did ``action`` to a record.

    ``before`` and ``after`` are the record's state as JSON-able values (None when it did not or no longer exists);
    they are stored exactly as they were hashed. Commit the session to keep the entry along with the change.
    """
    before, after = json_value(before), json_value(after)
    serialize(session, "audit_log")
    previous = session.scalar(sa.select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    fields: dict[str, Any] = {
        "at": datetime.now(UTC),
        "actor": actor,
        "action": action,
        "entity": entity,
        "entity_id": str(entity_id),
        "before": before,
        "after": after,
        "previous_hash": previous or GENESIS_HASH,
    }
    entry = AuditEntry(**fields, hash=entry_hash(**fields))
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class AuditTrail:
    """The audit trail of one transaction, as who acts in it: the ``lowcarbon.ports.AuditLog`` a service is handed."""

    session: Session
    actor: str

    def record(
        self,
        action: str,
        entity: str,
        entity_id: int | str,
        before: Mapping[str, Any] | None,
        after: Mapping[str, Any] | None,
    ) -> None:
        record(self.session, self.actor, action, entity, entity_id, before, after)


def verify(session: Session) -> int | None:
    """The id of the first entry whose hash or link to the entry before it does not match; None if all do."""
    columns = (
        AuditEntry.id,
        AuditEntry.at,
        AuditEntry.actor,
        AuditEntry.action,
        AuditEntry.entity,
        AuditEntry.entity_id,
        AuditEntry.before,
        AuditEntry.after,
        AuditEntry.previous_hash,
        AuditEntry.hash,
    )
    rows = session.execute(sa.select(*columns).order_by(AuditEntry.id).execution_options(yield_per=1000))
    expected_previous = GENESIS_HASH
    with rows:  # closes the streaming cursor when a break ends the walk early
        for row in rows:
            recomputed = entry_hash(
                at=row.at,
                actor=row.actor,
                action=row.action,
                entity=row.entity,
                entity_id=row.entity_id,
                before=row.before,
                after=row.after,
                previous_hash=row.previous_hash,
            )
            if row.previous_hash != expected_previous or row.hash != recomputed:
                return int(row.id)
            expected_previous = row.hash
    return None


def head(session: Session) -> str | None:
    """The hash of the newest entry (None for an empty trail): publish it to detect entries cut off the end."""
    return session.scalar(sa.select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
