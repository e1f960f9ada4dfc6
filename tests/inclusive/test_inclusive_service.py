"""Review, rewards and accounts on SQLite and PostgreSQL: releasing a held event credits it as assessed when it
arrived, within the caps as they stand (linked pseudonyms counted); refusing credits nothing; a reward's stock and a
person's points are never overdrawn by concurrent redemptions; a person's account and the statistics read the
ledger."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from lowcarbon.errors import Conflict
from lowcarbon.inclusive import ingest, ledger, partners, service
from lowcarbon.inclusive.tables import DailyTotal, Event, Link, Partner, Person
from lowcarbon.platform import accounts
from lowcarbon.platform.audit import AuditTrail
from lowcarbon.platform.database import create_engine, session_factory
from lowcarbon.platform.settings import Settings

NOW = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)


@pytest.fixture
def sessions(migrated: Settings) -> Iterator[sessionmaker[Session]]:
    engine = create_engine(migrated)
    try:
        yield session_factory(engine, write=True)
    finally:
        engine.dispose()


def _held(session: Session, number: int) -> tuple[int, int]:
    organisation = accounts.create_organisation(session, name=f"P{number}", kind="partner_platform", actor="t")
    partner = partners.create_partner(
        session, AuditTrail(session, "t"), NOW, organisation_id=organisation.id, name=f"P{number}", region="Beijing"
    )
    person = Person(partner_id=partner.id, pseudonym="ann", created_at=NOW)
    session.add(person)
    session.flush()
    return person.id, _hold(session, partner.id, person.id, "e1")


def _hold(session: Session, partner: int, person: int, event_id: str) -> int:
    """A metro trip of 1.25 kg held for review (a burst), as ingestion stores it."""
    event = Event(
        partner_id=partner,
        event_id=event_id,
        person_id=person,
        behaviour="metro_trip",
        version="2024.1",
        occurred_at=NOW,
        quantities={"distance_km": 12.5},
        status="held",
        reason="burst",
        reduction_kg=1.25,
        points=12,
        received_at=NOW,
        credit_at=NOW,  # as ingestion stores a held event: when its credit would be due
    )
    session.add(event)
    session.flush()
    return event.id


def test_release_and_refuse(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        person, event = _held(session, 1)
        other_person, other = _held(session, 2)
        assert [e["id"] for e in service.held_events(session)] == [event, other]
        service.release(session, AuditTrail(session, "t"), event, NOW)
        service.refuse(session, AuditTrail(session, "t"), other, NOW)
        with pytest.raises(Conflict):
            service.release(session, AuditTrail(session, "t"), other, NOW)
    with sessions.begin() as session:
        assert service.held_events(session) == []
        assert ingest.settle(session, NOW) == 0  # a released credit is posted once: settling finds nothing due
        assert ledger.balances(session, [person, other_person]) == {person: (1.25, 12.0)}
        mine = service.account(session, person)
        assert mine["kg"] == 1.25 and mine["points"] == 12 and mine["days"] == [("2026-12-06", 1.25)]
        assert {e["methodology"] for e in mine["entries"]} == {"metro_trip@2024.1"}
        totals = service.totals(session)
        assert totals["behaviour"] == [("metro_trip", 1.25, 1)] and totals["region"] == [("Beijing", 1.25, 1)]
        assert ledger.reconcile(session) == []
        statuses = set(session.scalars(sa.select(Event.status)))
        assert statuses == {"released", "refused"}
        # each review counts on its partner's row: a batch read before it is read again (ingest.finish)
        assert sorted(session.scalars(sa.select(Partner.reviewed))) == [1, 1]


def test_release_credits_within_the_caps_as_they_stand_counting_linked_pseudonyms(
    sessions: sessionmaker[Session],
) -> None:
    """A held event released after the person (here through a pseudonym they linked at another partner) came near
    the month's cap (metro 2024.1: 50 kg) is credited the part up to the cap (1.25 kg → 1.0, "capped"); the next one
    released credits nothing ("cap_reached") and posts nothing, now or when settling."""
    with sessions.begin() as session:
        person, event = _held(session, 1)
        other, _ = _held(session, 2)  # the same rider at another partner
        session.add(Link(person_id=other, linked_to=person, created_at=NOW))
        earlier = NOW.date().replace(day=2)
        session.add(DailyTotal(person_id=other, behaviour="metro_trip", day=earlier, kg=49.0, events=2))
        service.release(session, AuditTrail(session, "t"), event, NOW)
        partner = session.scalars(sa.select(Event.partner_id).where(Event.id == event)).one()
        second = _hold(session, partner, person, "e2")
        service.release(session, AuditTrail(session, "t"), second, NOW)
    with sessions.begin() as session:
        first, last = session.get(Event, event), session.get(Event, second)
        assert first is not None and last is not None
        assert (first.reduction_kg, first.points, first.reason) == (1.0, 10, "capped")
        assert (last.reduction_kg, last.points, last.reason, last.status) == (0.0, 0, "cap_reached", "released")
        assert ingest.settle(session, NOW) == 0
        assert ledger.balances(session, [person]) == {person: (1.0, 10.0)}
        assert ledger.reconcile(session) == []


def test_concurrent_redemptions_respect_stock_and_points(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        person, event = _held(session, 1)
        service.release(session, AuditTrail(session, "t"), event, NOW)  # 12 points
        reward = service.add_reward(
            session, AuditTrail(session, "t"), NOW, name_zh="地铁票", name_en="Metro ticket", points=2, stock=3
        )
    outcomes: list[str] = []

    def redeem() -> None:
        try:
            with sessions.begin() as session:
                service.redeem_reward(session, AuditTrail(session, "t"), person, reward, NOW)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("refused")

    threads = [threading.Thread(target=redeem) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok"] * 3 + ["refused"] * 3  # the stock of 3 runs out before the points
    with sessions.begin() as session:
        assert ledger.balances(session, [person]) == {person: (1.25, 6.0)}
        assert ledger.reconcile(session) == []


def test_bad_rewards_and_partners_are_refused(sessions: sessionmaker[Session]) -> None:
    from lowcarbon.errors import InvalidInput
    from lowcarbon.inclusive.tables import Reward

    with sessions.begin() as session:
        organisation = accounts.create_organisation(session, name="Bus App", kind="partner_platform", actor="t")
        operator = accounts.create_organisation(session, name="Operator", kind="operator", actor="t")
        audit = AuditTrail(session, "t")
        for fields in (
            {"name_zh": "", "name_en": "Ticket", "points": 5, "stock": None},
            {"name_zh": "票", "name_en": "Ticket", "points": 0, "stock": None},
            {"name_zh": "票", "name_en": "Ticket", "points": 5, "stock": -1},
        ):
            with pytest.raises(InvalidInput):
                service.add_reward(session, audit, NOW, **fields)
        for organisation_id, name, secret in (
            (organisation.id, "  ", None),  # no name
            (operator.id, "Operator", None),  # not a partner platform
            (organisation.id, "Bus App", "too short"),  # a secret under 32 characters
        ):
            with pytest.raises(InvalidInput):
                partners.create_partner(session, audit, NOW, organisation_id=organisation_id, name=name, secret=secret)
        assert session.scalar(sa.select(sa.func.count()).select_from(Reward)) == 0
        assert session.scalar(sa.select(sa.func.count()).select_from(Partner)) == 0
