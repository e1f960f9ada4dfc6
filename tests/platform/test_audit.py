"""The audit trail: the hash chain verifies, any edit is named by verify, and entries share their change's fate."""

from __future__ import annotations

import hashlib
import math
import threading
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from lowcarbon.platform import accounts, audit, logins, machine_clients, tables
from lowcarbon.platform.database import session_factory
from lowcarbon.platform.tables import AuditEntry, Organisation, User
from support.auth_support import audited_keys


def _entries(engine: Engine) -> list[AuditEntry]:
    with session_factory(engine)() as session:
        return list(session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)))


def _verify(engine: Engine) -> int | None:
    with session_factory(engine)() as session:
        return audit.verify(session)


THREE_CHANGES = [
    ("create", None, {"name": "Acme", "kind": "manufacturer"}),
    ("update", {"name": "Acme"}, {"name": "ACME"}),
    ("delete", {"name": "ACME"}, None),
]


def _record_three(engine: Engine) -> None:
    for number, (action, before, after) in enumerate(THREE_CHANGES):
        with session_factory(engine, write=True).begin() as session:
            audit.record(session, f"user:{number}", action, "organisation", 7, before, after)


@pytest.fixture
def tamper(engine: Engine) -> Engine:
    """The engine, with the append-only triggers out of the way, as someone with the database's keys could do."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER USER")
        else:
            connection.exec_driver_sql("DROP TRIGGER audit_log_no_update")
            connection.exec_driver_sql("DROP TRIGGER audit_log_no_delete")
    return engine


def test_empty_trail_verifies(engine: Engine) -> None:
    """An empty audit trail verifies and has no head."""
    with session_factory(engine)() as session:
        assert audit.verify(session) is None
        assert audit.head(session) is None


def test_chain_verifies(engine: Engine) -> None:
    """Entries link each to the hash of the one before, their hashes recompute, and verify finds nothing wrong."""
    _record_three(engine)
    entries = _entries(engine)
    assert [e.action for e in entries] == ["create", "update", "delete"]
    assert entries[0].previous_hash == audit.GENESIS_HASH
    assert [e.previous_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]
    assert entries[1].before == {"name": "Acme"} and entries[2].after is None and entries[0].entity_id == "7"
    for entry in entries:
        fields = {name: getattr(entry, name) for name in ("at", "actor", "action", "entity", "entity_id")}
        assert entry.hash == audit.entry_hash(
            **fields, before=entry.before, after=entry.after, previous_hash=entry.previous_hash
        )
    assert _verify(engine) is None
    with session_factory(engine)() as session:
        assert audit.head(session) == entries[-1].hash


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("before", {"name": "Evil Corp"}),
        ("after", {"name": "ACME", "kind": "buyer"}),
        ("hash", "f" * 64),
        ("actor", "user:99"),
        ("action", "read"),
        ("entity_id", "8"),
        ("at", datetime(2020, 1, 1, tzinfo=UTC)),
        ("previous_hash", "e" * 64),
    ],
)
def test_edited_entry_is_named(tamper: Engine, column: str, value: object) -> None:
    """Editing any stored field of the second of three entries makes verify name the second entry."""
    _record_three(tamper)
    with tamper.begin() as connection:
        connection.execute(sa.update(AuditEntry).where(AuditEntry.id == 2).values({column: value}))
    assert _verify(tamper) == 2


def test_edited_json_text_is_named(tamper: Engine) -> None:
    """An edit of the stored JSON text, bypassing the ORM, is named too."""
    _record_three(tamper)
    with tamper.begin() as connection:
        cast = "CAST(:v AS JSON)" if connection.dialect.name == "postgresql" else ":v"
        connection.execute(sa.text(f"UPDATE audit_log SET after = {cast} WHERE id = 3"), {"v": '{"name": "x"}'})
    assert _verify(tamper) == 3


def test_removed_entry_breaks_the_next_link(tamper: Engine) -> None:
    """Removing an entry makes verify name the entry after it, whose link no longer matches."""
    _record_three(tamper)
    with tamper.begin() as connection:
        connection.execute(sa.delete(AuditEntry).where(AuditEntry.id == 2))
    assert _verify(tamper) == 3


def test_database_refuses_update_and_delete(engine: Engine) -> None:
    """The audit log is append-only in the database itself: UPDATE, DELETE (and TRUNCATE) are refused."""
    _record_three(engine)
    statements: list[sa.Executable] = [sa.update(AuditEntry).values(actor="x"), sa.delete(AuditEntry)]
    if engine.dialect.name == "postgresql":
        statements.append(sa.text("TRUNCATE audit_log"))
    for statement in statements:
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(statement)
    assert len(_entries(engine)) == 3 and _verify(engine) is None


def test_entry_and_change_share_one_transaction(engine: Engine) -> None:
    """When the state change fails, the audit entry recorded for it in the same transaction is gone too."""
    _record_three(engine)
    with pytest.raises(IntegrityError), session_factory(engine, write=True).begin() as session:
        organisation = accounts.create_organisation(session, name="Acme", kind="manufacturer", actor="user:1")
        assert session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 4  # recorded, not committed
        now = datetime.now(UTC)
        session.add(User(organisation_id=organisation.id + 1, email="x@example.com", role="admin", created_at=now))
    with session_factory(engine)() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 3
        assert session.scalar(sa.select(sa.func.count()).select_from(Organisation)) == 0
        assert audit.verify(session) is None


def test_record_after_a_failed_change_continues_the_chain(engine: Engine) -> None:
    """After a rolled-back entry the next one links to the last committed entry, and the chain verifies."""
    _record_three(engine)
    session: Session
    with session_factory(engine, write=True)() as session:
        audit.record(session, "user:1", "create", "organisation", 8, None, {"name": "Gone"})
        session.rollback()
    with session_factory(engine, write=True).begin() as session:
        kept = audit.record(session, "user:1", "create", "organisation", 9, None, {"name": "Kept"})
    assert kept.previous_hash == _entries(engine)[2].hash and _verify(engine) is None


def test_values_are_stored_as_hashed(engine: Engine) -> None:
    """Tuples, dates, decimals and non-string keys are turned into the JSON that reads back, so the hash holds."""
    state = {"sizes": (1, 2), "at": datetime(2026, 11, 27, tzinfo=UTC), "price": Decimal("1.10"), 3: "three"}
    with session_factory(engine, write=True).begin() as session:
        audit.record(session, "user:1", "update", "product", "p-1", None, state)
    (entry,) = _entries(engine)
    assert entry.after == {"sizes": [1, 2], "at": "2026-11-27T00:00:00+00:00", "price": "1.10", "3": "three"}
    assert _verify(engine) is None


def test_values_that_are_not_json_are_refused(engine: Engine) -> None:
    """An object with no JSON form, or NaN, is refused before anything is written."""
    with session_factory(engine, write=True).begin() as session:
        with pytest.raises(TypeError, match="cannot be recorded"):
            audit.record(session, "user:1", "update", "product", 1, None, {"x": object()})
        with pytest.raises(ValueError, match="JSON"):
            audit.record(session, "user:1", "update", "product", 1, None, {"x": math.nan})
    assert _entries(engine) == []


def test_hash_known_answer() -> None:
    """The hash is SHA-256 over this exact canonical JSON; changing the form would break every stored chain."""
    at = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    canonical = (
        '{"action":"create","actor":"cli:root","after":{"kind":"manufacturer","name":"光伏"},"at":'
        '"2026-11-27T08:00:00.000000+00:00","before":null,"entity":"organisation","entity_id":"1","previous_hash":"'
        + "0" * 64
        + '"}'
    )
    expected = hashlib.sha256(canonical.encode()).hexdigest()
    after = {"name": "光伏", "kind": "manufacturer"}
    assert (
        audit.entry_hash(
            at=at,
            actor="cli:root",
            action="create",
            entity="organisation",
            entity_id="1",
            before=None,
            after=after,
            previous_hash=audit.GENESIS_HASH,
        )
        == expected
    )


def test_concurrent_writers_keep_one_chain(engine: Engine) -> None:
    """Writers in parallel threads are serialised: every entry is kept and the chain does not fork."""
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            for number in range(5):
                with session_factory(engine, write=True).begin() as session:
                    audit.record(session, f"worker:{worker}", "update", "counter", number, None, {"n": number})
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    entries = _entries(engine)
    assert len(entries) == 20 and len({e.previous_hash for e in entries}) == 20
    assert _verify(engine) is None


def test_what_the_trail_records_of_each_table_is_pinned() -> None:
    """Snapshots take every column but the hidden ones (storage.snapshot): a column added to an audited table enters
    the append-only trail only when this list says so, so that no secret slips in unnoticed."""
    assert audited_keys(accounts.organisation_state, tables.Organisation) == ["created_at", "id", "kind", "name"]
    assert audited_keys(accounts.user_state, tables.User) == [
        "created_at",
        "email",
        "failed_logins",
        "has_password",
        "id",
        "locked_until",
        "name",
        "organisation_id",
        "removed_at",  # when an admin removed the person: their history stays, they no longer log in
        "role",
        "time_zone",  # the zone the person chose for their pages' times: no secret
    ]
    assert audited_keys(logins.session_state, tables.LoginSession) == [
        "created_at",
        "expires_at",
        "id",
        "revoked_at",
        "user_id",
    ]
    assert audited_keys(machine_clients.client_state, tables.MachineClient) == [
        "client_id",
        "created_at",
        "disabled",
        "id",
        "name",
        "organisation_id",
        "scopes",
    ]
