"""The personal carbon ledger on SQLite and PostgreSQL: credits are balanced double entries whose sums are the
balances; reconciliation finds a balance that differs from its entries and a transaction that does not sum to zero;
concurrent redemptions never overdraw; a partner's batch signature is checked before anything is read."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from lowcarbon.errors import Conflict
from lowcarbon.inclusive import ledger, partners
from lowcarbon.inclusive.tables import Balance, Entry, Event, Partner, Person
from lowcarbon.platform import accounts
from lowcarbon.platform.audit import AuditTrail
from lowcarbon.platform.database import create_engine, session_factory
from lowcarbon.platform.migrate import downgrade, upgrade
from lowcarbon.platform.settings import Settings

NOW = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)


@pytest.fixture
def sessions(migrated: Settings) -> Iterator[sa.orm.sessionmaker[Session]]:
    engine = create_engine(migrated)
    try:
        yield session_factory(engine, write=True)
    finally:
        engine.dispose()


def _partner(session: Session) -> partners.NewPartner:
    organisation = accounts.create_organisation(session, name="Metro App", kind="partner_platform", actor="test")
    return partners.create_partner(
        session, AuditTrail(session, "test"), NOW, organisation_id=organisation.id, name="Metro App"
    )


def _people_with_events(session: Session, partner_id: int, count: int) -> list[tuple[int, int]]:
    made = []
    for number in range(count):
        person = Person(partner_id=partner_id, pseudonym=f"p{number}", created_at=NOW)
        session.add(person)
        session.flush()
        event = Event(
            partner_id=partner_id,
            event_id=f"e{number}",
            person_id=person.id,
            behaviour="metro_trip",
            version="1",
            occurred_at=NOW,
            quantities={"distance_km": 10},
            status="credited",
            reduction_kg=0.5,
            points=5,
            received_at=NOW,
        )
        session.add(event)
        session.flush()
        made.append((person.id, event.id))
    return made


def test_credits_are_balanced_entries_whose_sums_are_the_balances(sessions: sa.orm.sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        partner = _partner(session)
        made = _people_with_events(session, partner.id, 3)
        credits = [
            ledger.Credit(event, person, 0.25 * (i + 1), 3 * (i + 1), "metro_trip@1")
            for i, (person, event) in enumerate(made)
        ]
        ledger.credit_many(session, credits, NOW)
        ledger.credit_many(session, credits[:1], NOW)  # a second credit to the first person adds up
    with sessions.begin() as session:
        assert ledger.reconcile(session) == []
        person = made[0][0]
        assert ledger.balances(session, [person]) == {person: (0.5, 6.0)}
        # per credit, an entry of kg and points on the person; per transaction (a call), one on issued
        assert session.scalar(sa.select(sa.func.count()).select_from(Entry)) == (3 + 1) + (1 + 1)
        assert session.scalar(sa.select(sa.func.sum(Entry.kg))) == 0
        assert session.scalar(sa.select(sa.func.sum(Entry.points))) == 0
        # a balance changed behind the ledger's back, and an entry without its counterpart, are both found
        session.execute(sa.update(Balance).where(Balance.person_id == person).values(points=99))
        session.add(
            Entry(transaction="stray", account=ledger.person_account(person), kg=1.0, points=0.0, kind="credit", at=NOW)
        )
        session.flush()
        found = {(d.what, d.unit): (d.stored, d.from_entries) for d in ledger.reconcile(session)}
        assert found[(f"person:{person}", "points")] == (99.0, 6.0)
        assert found[(f"person:{person}", "kg")] == (0.5, 1.5)
        assert found[("transaction:stray", "kg")] == (0.0, 1.0)


def test_references_that_point_nowhere_are_reported(sessions: sa.orm.sessionmaker[Session]) -> None:
    """An entry's event and an event's person and partner are kept by ingestion, not by foreign keys: reconciling
    reports each that is not stored, with how many rows name it."""
    with sessions.begin() as session:
        partner = _partner(session)
        ((person, event),) = _people_with_events(session, partner.id, 1)
        ledger.credit_many(session, [ledger.Credit(event, person, 0.5, 5, "metro_trip@1")], NOW)
        assert ledger.reconcile(session) == []
        ghost = ledger.Credit(event + 1000, person, 0.5, 5, "metro_trip@1")
        ledger.credit_many(session, [ghost, ghost], NOW)
        session.execute(sa.update(Event).where(Event.id == event).values(person_id=person + 77, partner_id=9999))
        found = {(d.what, d.unit): d.from_entries for d in ledger.reconcile(session)}
        assert found == {
            (f"event:{event + 1000}", "missing"): 2.0,  # two credits
            (f"person:{person + 77}", "missing"): 1.0,
            ("partner:9999", "missing"): 1.0,
        }


def test_concurrent_redemptions_never_overdraw(sessions: sa.orm.sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        partner = _partner(session)
        ((person, event),) = _people_with_events(session, partner.id, 1)
        ledger.credit_many(session, [ledger.Credit(event, person, 1.0, 10, "metro_trip@1")], NOW)
    outcomes: list[str] = []

    def redeem(number: int) -> None:
        try:
            with sessions.begin() as session:
                ledger.redeem(session, person, 3, f"redeem:{number}", NOW)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("refused")

    threads = [threading.Thread(target=redeem, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok"] * 3 + ["refused"] * 5  # 10 points hold three redemptions of 3
    with sessions.begin() as session:
        assert ledger.balances(session, [person]) == {person: (1.0, 1.0)}
        assert ledger.reconcile(session) == []


def test_batch_signatures(sessions: sa.orm.sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        partner = _partner(session)
    body = b'{"events": []}'
    stamp = str(int(NOW.timestamp()))
    good = partners.signature(partner.secret, stamp, body)
    with sessions.begin() as session:
        found = partners.verified_partner(
            session, partner_id=str(partner.id), timestamp=stamp, signed=good, body=body, now=NOW
        )
        assert found.id == partner.id
        bad = [
            (str(partner.id), stamp, good, body + b" "),  # the body changed
            (str(partner.id), str(int(stamp) + 1), good, body),  # the timestamp changed
            (
                str(partner.id),
                str(int(stamp) - 301),
                partners.signature(partner.secret, str(int(stamp) - 301), body),
                body,
            ),  # signed, but outside the replay window
            (str(partner.id + 1), stamp, good, body),  # another partner
            (str(partner.id), stamp, partners.signature("not the secret", stamp, body), body),
            (None, stamp, good, body),
            (str(partner.id), stamp, "sha256=00", body),
        ]
        for partner_id, timestamp, signed, sent in bad:
            with pytest.raises(partners.BadSignature):
                partners.verified_partner(
                    session, partner_id=partner_id, timestamp=timestamp, signed=signed, body=sent, now=NOW
                )


def test_entries_keep_their_sums_down_to_one_unit_each_and_back(migrated: Settings) -> None:
    """inclusive_0002 turned an entry into one of both units: down to inclusive_0001 an entry of both becomes two,
    back up each keeps its one unit; every balance still equals its entries, and each account's sums are unchanged."""
    engine = create_engine(migrated)
    try:
        with session_factory(engine, write=True).begin() as session:
            partner = _partner(session)
            made = _people_with_events(session, partner.id, 2)
            ledger.credit_many(session, [ledger.Credit(e, p, 0.75, 7, "metro_trip@1") for p, e in made], NOW)
            ledger.redeem(session, made[0][0], 3, "redemption:1", NOW)
    finally:
        engine.dispose()

    def sums() -> dict[str, tuple[float, float]]:
        engine = create_engine(migrated)
        try:
            with session_factory(engine).begin() as session:
                assert ledger.reconcile(session) == []
                rows = session.execute(
                    sa.select(Entry.account, sa.func.sum(Entry.kg), sa.func.sum(Entry.points)).group_by(Entry.account)
                )
                return {account: (round(kg, 9), round(points, 9)) for account, kg, points in rows}
        finally:
            engine.dispose()

    before = sums()
    assert before[ledger.person_account(made[0][0])] == (0.75, 4.0)
    downgrade(migrated, "inclusive_0001")
    engine = create_engine(migrated)
    try:
        with engine.connect() as connection:
            units = connection.execute(sa.text("SELECT unit, count(*) FROM inclusive_entries GROUP BY unit")).all()
    finally:
        engine.dispose()
    assert dict(units) == {"kg": 3, "points": 5}  # 2 credits and issued, each in two; the redemption's 2 in points
    upgrade(migrated)
    assert sums() == before


def test_a_partners_largest_event_row_is_found_when_kept_on_its_row_first(migrated: Settings) -> None:
    """inclusive_0004 keeps a partner's largest event row on its row: going up, the partners that sent events before
    get theirs from the events, the others 0."""
    engine = create_engine(migrated)
    try:
        with session_factory(engine, write=True).begin() as session:
            sent = _partner(session)
            made = _people_with_events(session, sent.id, 3)
            organisation = accounts.create_organisation(session, name="Quiet", kind="partner_platform", actor="test")
            quiet = partners.create_partner(
                session, AuditTrail(session, "test"), NOW, organisation_id=organisation.id, name="Quiet"
            )
    finally:
        engine.dispose()
    downgrade(migrated, "inclusive_0003")
    upgrade(migrated)
    engine = create_engine(migrated)
    try:
        with session_factory(engine).begin() as session:
            kept = {p: row for p, row in session.execute(sa.select(Partner.id, Partner.last_event))}
    finally:
        engine.dispose()
    assert kept == {sent.id: max(event for _, event in made), quiet.id: 0}
