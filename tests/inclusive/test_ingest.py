"""Ingestion mechanics on SQLite and PostgreSQL, with a plain evaluator (the methodologies are tested apart):
each event is stored and credited once, within a batch, across batches and when copies of a batch are sent at
once; the ledger reconciles; an unreadable event is rejected with its reason and the rest go on; what the caps see
accumulates per person, behaviour and day."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from lowcarbon.cli import app as cli_app
from lowcarbon.inclusive import ingest as ingest_module
from lowcarbon.inclusive import ledger, partners
from lowcarbon.inclusive.batches import SentEvent, read_batch
from lowcarbon.inclusive.ingest import History, Outcome, Plan, finish, ingest, prepare
from lowcarbon.inclusive.tables import DailyTotal, Event, Link, Partner, Person
from lowcarbon.platform import accounts
from lowcarbon.platform.audit import AuditTrail
from lowcarbon.platform.database import create_engine, one_state, session_factory
from lowcarbon.platform.settings import Settings

NOW = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)
CAP_KG = 1.0  # this test's evaluator: 0.1 kg per km, at most CAP_KG a day per person and behaviour


def evaluate(event: SentEvent, history: History, now: datetime) -> Outcome:
    kg = 0.1 * event.quantities.get("distance_km", 0.0)
    room = CAP_KG - history.day_kg
    if room <= 0:
        return Outcome("rejected", "cap_reached", version="t")
    kg = min(kg, room)
    return Outcome("credited", None, kg, round(kg * 10), "t")


@pytest.fixture
def world(migrated: Settings) -> Iterator[tuple[sessionmaker[Session], int]]:
    engine = create_engine(migrated)
    sessions = session_factory(engine, write=True)
    try:
        with sessions.begin() as session:
            organisation = accounts.create_organisation(session, name="Bike", kind="partner_platform", actor="t")
            partner = partners.create_partner(
                session, AuditTrail(session, "t"), NOW, organisation_id=organisation.id, name="Bike"
            )
        yield sessions, partner.id
    finally:
        engine.dispose()


def _batch(*events: tuple[str, str, float]) -> bytes:
    body = {
        "events": [
            {
                "id": i,
                "person": p,
                "behaviour": "metro_trip",
                "occurred_at": "2026-12-06T09:00:00+08:00",
                "quantities": {"distance_km": km},
            }
            for i, p, km in events
        ]
    }
    return json.dumps(body).encode()


def _send(world: tuple[sessionmaker[Session], int], body: bytes) -> list[tuple[str, str, str | None]]:
    sessions, partner = world
    with sessions.begin() as session:
        return [(r.id, r.status, r.reason) for r in ingest(session, partner, read_batch(body), evaluate, NOW)]


def test_each_event_once_and_the_caps_see_earlier_credits(world: tuple[sessionmaker[Session], int]) -> None:
    first = _send(world, _batch(("a", "ann", 4), ("a", "ann", 4), ("b", "ann", 4), ("c", "bob", 2)))
    assert first == [
        ("a", "credited", None),
        ("a", "duplicate", None),
        ("b", "credited", None),
        ("c", "credited", None),
    ]
    again = _send(world, _batch(("a", "ann", 4), ("d", "ann", 4), ("e", "ann", 4)))
    # ann had 0.8 kg; d brings her to the 1.0 cap (0.2 of its 0.4), e finds the cap reached
    assert again == [("a", "duplicate", None), ("d", "credited", None), ("e", "rejected", "cap_reached")]
    sessions, _ = world
    with sessions.begin() as session:
        assert ledger.reconcile(session) == []
        daily = session.execute(sa.select(DailyTotal.kg, DailyTotal.events).order_by(DailyTotal.kg)).all()
        assert [(round(kg, 12), n) for kg, n in daily] == [(0.2, 1), (1.0, 3)]
        counted = session.execute(sa.select(Event.status, sa.func.count()).group_by(Event.status))
        kinds = {status: count for status, count in counted}
        assert kinds == {"credited": 4, "rejected": 1}


def _second_partner(world: tuple[sessionmaker[Session], int], name: str) -> tuple[sessionmaker[Session], int]:
    """Another partner, ``name``, beside the world's: (sessions, its id)."""
    sessions, _ = world
    with sessions.begin() as session:
        organisation = accounts.create_organisation(session, name=name, kind="partner_platform", actor="t")
        made = partners.create_partner(
            session, AuditTrail(session, "t"), NOW, organisation_id=organisation.id, name=name
        )
    return sessions, made.id


def _linked_at_metro(world: tuple[sessionmaker[Session], int], pseudonym: str = "ann") -> int:
    """This partner's "ann" (or ``pseudonym``) linked to her pseudonym "m-ann" at a second partner, Metro; the row
    of "m-ann"."""
    sessions, partner = world
    _, metro = _second_partner(world, "Metro")
    with sessions.begin() as session:
        elsewhere = Person(partner_id=metro, pseudonym=f"m-{pseudonym}", created_at=NOW)
        here = Person(partner_id=partner, pseudonym=pseudonym, created_at=NOW)
        session.add_all([elsewhere, here])
        session.flush()
        session.add(Link(person_id=here.id, linked_to=elsewhere.id, created_at=NOW))
        return elsewhere.id


def test_the_caps_count_the_pseudonyms_a_person_linked(world: tuple[sessionmaker[Session], int]) -> None:
    """A rider who linked their pseudonym at another partner has one cap: what the other partner credited today
    counts (0.7 of the 1.0 kg), so 0.3 kg is left here."""
    sessions, _ = world
    elsewhere = _linked_at_metro(world)
    with sessions.begin() as session:
        session.add(DailyTotal(person_id=elsewhere, behaviour="metro_trip", day=NOW.date(), kg=0.7, events=2))
    assert _send(world, _batch(("a", "ann", 2), ("b", "ann", 2), ("c", "bob", 2))) == [
        ("a", "credited", None),
        ("b", "credited", None),
        ("c", "credited", None),
    ]
    with sessions.begin() as session:
        credited = dict(session.execute(sa.select(Event.event_id, Event.reduction_kg)).all())
    assert {k: round(v, 12) for k, v in credited.items()} == {"a": 0.2, "b": 0.1, "c": 0.2}


def test_a_months_cap_sees_the_batchs_credits_on_other_days(world: tuple[sessionmaker[Session], int]) -> None:
    """One batch, two days of a month: the second day's event sees the first's credit under a month's cap."""

    def monthly(event: SentEvent, history: History, now: datetime) -> Outcome:
        kg = min(0.1 * event.quantities["distance_km"], CAP_KG - history.month_kg)
        return Outcome("credited", None, kg, round(kg * 10), "t") if kg > 0 else Outcome("rejected", "cap_reached")

    days = ("2026-12-04T09:00:00+08:00", "2026-12-05T09:00:00+08:00", "2026-12-05T10:00:00+08:00")
    events = [
        {
            "id": f"m{n}",
            "person": "ann",
            "behaviour": "metro_trip",
            "occurred_at": day,
            "quantities": {"distance_km": 8},
        }
        for n, day in enumerate(days)
    ]
    sessions, partner = world
    with sessions.begin() as session:
        results = ingest(session, partner, read_batch(json.dumps({"events": events}).encode()), monthly, NOW)
    assert [(r.status, r.reason) for r in results] == [
        ("credited", None),
        ("credited", None),
        ("rejected", "cap_reached"),
    ]
    with sessions.begin() as session:
        credited = dict(session.execute(sa.select(Event.event_id, Event.reduction_kg)).all())
    assert {k: round(v, 12) for k, v in credited.items()} == {"m0": 0.8, "m1": 0.2, "m2": 0.0}


def test_unreadable_events_are_rejected_one_by_one(world: tuple[sessionmaker[Session], int]) -> None:
    body = {
        "events": [
            {"id": "x1", "person": "ann", "behaviour": "metro_trip", "occurred_at": "yesterday", "quantities": {}},
            {
                "id": "x2",
                "person": "ann",
                "behaviour": "metro_trip",
                "occurred_at": "2026-12-06T09:00:00Z",
                "quantities": {"distance_km": "ten"},
            },
            {"id": "x3", "person": "", "behaviour": "metro_trip", "occurred_at": "2026-12-06T09:00:00Z"},
            {
                "id": "x4",
                "person": "ann",
                "behaviour": "metro_trip",
                "occurred_at": "2026-12-06T09:00:00Z",
                "quantities": {"distance_km": 3},
            },
        ]
    }
    results = _send(world, json.dumps(body).encode())
    assert results == [
        ("x1", "rejected", "bad_time"),
        ("x2", "rejected", "bad_quantity"),
        ("x3", "rejected", "bad_person"),
        ("x4", "credited", None),
    ]
    with pytest.raises(Exception, match="events"):
        read_batch(b'{"items": []}')


def test_copies_of_a_batch_sent_at_once_credit_once(world: tuple[sessionmaker[Session], int]) -> None:
    body = _batch(*[(f"e{n}", f"p{n % 7}", 1.5) for n in range(200)])
    answers: list[list[tuple[str, str, str | None]]] = []
    errors: list[BaseException] = []

    def send() -> None:
        try:
            answers.append(_send(world, body))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    credited = [sum(status == "credited" for _, status, _ in answer) for answer in answers]
    assert sorted(credited) == [0, 0, 0, 49]  # 7 people x 7 events (6 x 0.15 kg + 0.1 kg) reach the 1 kg cap
    sessions, _ = world
    with sessions.begin() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Event)) == 200
        assert ledger.reconcile(session) == []


def test_ids_and_pseudonyms_with_quotes_backslashes_and_braces_are_kept_exactly(
    world: tuple[sessionmaker[Session], int],
) -> None:
    """PostgreSQL reads a batch's keys as one array literal: quotes, backslashes, commas and braces in an event id or
    a pseudonym stay what they are, so a retried batch finds each of its events again."""
    odd = ['a"b', "c\\d", "e,f", "{g}", "NULL", " h ", "中文"]
    body = _batch(*((name, f"p-{name}", 1) for name in odd))
    assert [status for _, status, _ in _send(world, body)] == ["credited"] * len(odd)
    assert [status for _, status, _ in _send(world, body)] == ["duplicate"] * len(odd)
    sessions, _ = world
    with sessions.begin() as session:
        assert sorted(session.scalars(sa.select(Event.event_id))) == sorted(odd)
        assert sorted(session.scalars(sa.select(Person.pseudonym))) == sorted(f"p-{name}" for name in odd)


def test_a_delayed_credit_is_posted_when_due_at_a_later_batch(world: tuple[sessionmaker[Session], int]) -> None:
    """A methodology's delay: the event is credited (the caps count it) but reaches the ledger only when due, at the
    partner's first batch after that, and once."""
    later = NOW + timedelta(hours=48)

    def delayed(event: SentEvent, history: History, now: datetime) -> Outcome:
        return Outcome("credited", None, 0.5, 5, "t", credit_at=later)

    sessions, partner = world

    def send(body: bytes, now: datetime) -> list[str]:
        with sessions.begin() as session:
            return [r.status for r in ingest(session, partner, read_batch(body), delayed, now)]

    def balance() -> tuple[float, float]:
        with sessions.begin() as session:
            assert ledger.reconcile(session) == []
            return ledger.balances(session, session.scalars(sa.select(Person.id)).all()).get(1, (0.0, 0.0))

    assert send(_batch(("a", "ann", 5)), NOW) == ["credited"]
    assert balance() == (0.0, 0.0)
    assert send(_batch(("b", "bob", 5)), later - timedelta(seconds=1)) == ["credited"]
    assert balance() == (0.0, 0.0)
    assert send(_batch(("c", "bob", 5)), later) == ["credited"]
    assert balance() == (0.5, 5.0)
    assert send(_batch(("d", "bob", 5)), later + timedelta(hours=1)) == ["credited"]
    assert balance() == (0.5, 5.0)  # posted once


def test_ledger_settle_posts_what_came_due_for_partners_that_send_no_more(
    world: tuple[sessionmaker[Session], int], migrated: Settings
) -> None:
    """`lowcarbon ledger settle` posts the credits that came due (once: a second run posts nothing)."""

    def delayed(event: SentEvent, history: History, now: datetime) -> Outcome:
        return Outcome("credited", None, 0.25, 2, "t", credit_at=NOW - timedelta(minutes=1) + timedelta(hours=1))

    sessions, partner = world
    with sessions.begin() as session:
        ingest(session, partner, read_batch(_batch(("a", "ann", 5), ("b", "ann", 5))), delayed, NOW)
    environment = {"LOWCARBON_DATABASE_URL": migrated.database_url}
    command = ["ledger", "settle", "--data-dir", str(migrated.data_dir), "--json"]
    first = CliRunner().invoke(cli_app, command, env=environment)  # the clock is now: long after 2026-12-06 09:00
    assert first.exit_code == 0, first.output
    assert json.loads(first.output) == {"posted": 2}
    assert json.loads(CliRunner().invoke(cli_app, command, env=environment).output) == {"posted": 0}
    with sessions.begin() as session:
        assert ledger.reconcile(session) == []
        assert ledger.balances(session, [1]) == {1: (0.5, 4.0)}


def _prepared(world: tuple[sessionmaker[Session], int], body: bytes) -> Plan:
    """A batch read and judged outside the partner's lock, as the API does before it takes the lock."""
    sessions, partner = world
    with sessions.begin() as reading:
        one_state(reading)
        return prepare(reading, partner, read_batch(body), evaluate, NOW)


def _finish(world: tuple[sessionmaker[Session], int], plan: Plan) -> list[tuple[str, str, str | None]]:
    sessions, _ = world
    with sessions.begin() as session:
        return [(r.id, r.status, r.reason) for r in finish(session, plan)]


def test_a_batch_read_before_another_sees_its_credits_and_ids(world: tuple[sessionmaker[Session], int]) -> None:
    """Batch A is read and judged, then batch B of the same partner is stored, then A: under the lock A takes in
    what B stored, as if it had been read after it: ann's and dan's caps count B's credits (dan was new to the
    partner when A was read), the id B stored is a duplicate, and the people B did not name keep their outcomes."""
    a = _batch(("x1", "ann", 4), ("x2", "ann", 4), ("shared", "bob", 3), ("d1", "dan", 8), ("y", "cy", 1))
    _send(world, _batch(("old", "ann", 1)))
    plan = _prepared(world, a)
    assert _send(world, _batch(("b1", "ann", 4), ("b2", "ann", 4), ("shared", "bob", 3), ("bd", "dan", 8))) == [
        ("b1", "credited", None),
        ("b2", "credited", None),
        ("shared", "credited", None),
        ("bd", "credited", None),
    ]
    # ann had 0.1 + 0.8: x1 gets the 0.1 left; dan had 0.8: d1 gets 0.2
    assert _finish(world, plan) == [
        ("x1", "credited", None),
        ("x2", "rejected", "cap_reached"),
        ("shared", "duplicate", None),
        ("d1", "credited", None),
        ("y", "credited", None),
    ]
    sessions, _ = world
    with sessions.begin() as session:
        credited = dict(session.execute(sa.select(Event.event_id, Event.reduction_kg)).all())
        assert {k: round(v, 12) for k, v in credited.items() if k in {"x1", "d1", "y"}} == {
            "x1": 0.1,
            "d1": 0.2,
            "y": 0.1,
        }
        people = session.execute(sa.select(Person.pseudonym, sa.func.count()).group_by(Person.pseudonym)).all()
        assert dict(people) == {"ann": 1, "bob": 1, "cy": 1, "dan": 1}
        assert ledger.reconcile(session) == []


def test_a_pseudonym_made_and_linked_after_the_reading_is_judged_with_its_links(
    world: tuple[sessionmaker[Session], int],
) -> None:
    """ "zed" is new to the partner when the batch is read; before its lock the account-link route makes the row and
    the person links it to their pseudonym at Metro, credited 0.7 kg today: under the lock the batch is judged again
    with it (0.3 kg left of the 1.0 cap, not the 0.4 judged before)."""
    sessions, _ = world
    plan = _prepared(world, _batch(("z1", "zed", 4)))
    elsewhere = _linked_at_metro(world, "zed")
    with sessions.begin() as session:
        session.add(DailyTotal(person_id=elsewhere, behaviour="metro_trip", day=NOW.date(), kg=0.7, events=2))
    assert _finish(world, plan) == [("z1", "credited", None)]
    with sessions.begin() as session:
        kg = session.scalar(sa.select(Event.reduction_kg).where(Event.event_id == "z1"))
    assert kg is not None and round(kg, 12) == 0.3


def test_a_batch_catches_up_across_other_partners_rows(
    world: tuple[sessionmaker[Session], int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between a batch's reading and its lock another partner's batches and one of this partner's are stored: the
    batch takes in this partner's (ann's cap, the id stored), whether it looks through the rows between one by one
    or, when they are more than ``CATCH_UP_ROWS``, reads the batch again under the lock. Each partner's largest
    event row is kept on its row."""
    other = _second_partner(world, "Bus")
    for limit in (20_000, 1):
        monkeypatch.setattr(ingest_module, "CATCH_UP_ROWS", limit)
        plan = _prepared(world, _batch((f"x{limit}", "ann", 4), (f"same{limit}", "bob", 3)))
        _send(other, _batch((f"o{limit}", "ann", 9), (f"p{limit}", "cy", 1)))
        _send(world, _batch((f"b{limit}", "ann", 8), (f"same{limit}", "bob", 3)))
        _send(other, _batch((f"q{limit}", "dan", 1)))
        assert _finish(world, plan) == [(f"x{limit}", "credited", None), (f"same{limit}", "duplicate", None)]
        sessions, _ = world
        with sessions.begin() as session:
            kg = session.scalar(sa.select(Event.reduction_kg).where(Event.event_id == f"x{limit}"))
            assert kg is not None and round(kg, 12) == 0.2  # 1.0 - 0.8 the other batch credited ann here
            session.execute(sa.delete(DailyTotal))  # the next round's caps start afresh
    with sessions.begin() as session:
        rows = session.execute(sa.select(Event.partner_id, sa.func.max(Event.id)).group_by(Event.partner_id))
        largest = {partner: row for partner, row in rows}
        kept = {partner: row for partner, row in session.execute(sa.select(Partner.id, Partner.last_event))}
    assert kept == largest and len(kept) == 2


def test_a_batch_read_before_a_review_is_read_again(world: tuple[sessionmaker[Session], int]) -> None:
    """A reviewer's release adds to the daily totals outside the partner's batches: a batch read before it is read
    and judged again under the lock (here the release is written as ``service.release`` writes it)."""
    sessions, partner = world
    _send(world, _batch(("old", "ann", 1)))
    plan = _prepared(world, _batch(("x1", "ann", 4)))
    with sessions.begin() as session:
        (person,) = session.scalars(sa.select(Person.id).where(Person.pseudonym == "ann"))
        daily = session.scalar(sa.select(DailyTotal).where(DailyTotal.person_id == person))
        assert daily is not None
        daily.kg += 0.8
        session.execute(sa.update(Partner).where(Partner.id == partner).values(reviewed=Partner.reviewed + 1))
    assert _finish(world, plan) == [("x1", "credited", None)]
    with sessions.begin() as session:
        kg = session.scalar(sa.select(Event.reduction_kg).where(Event.event_id == "x1"))
    assert kg is not None and round(kg, 12) == 0.1  # 1.0 - (0.1 + 0.8): judged again, not the 0.4 read before


def test_a_linked_persons_batch_read_before_the_lock_is_judged_under_it(
    world: tuple[sessionmaker[Session], int],
) -> None:
    """A batch holding a person who linked a pseudonym at another partner is not judged before the lock (the other
    partner's batches are not among what this partner stored since): it is read and judged under both locks, and the
    other partner's credit of the day counts (0.7 of the 1.0 kg cap)."""
    sessions, _ = world
    elsewhere = _linked_at_metro(world)
    plan = _prepared(world, _batch(("a", "ann", 4), ("c", "bob", 2)))
    assert plan.linked and plan.outcomes == []
    with sessions.begin() as session:
        session.add(DailyTotal(person_id=elsewhere, behaviour="metro_trip", day=NOW.date(), kg=0.7, events=2))
    assert _finish(world, plan) == [("a", "credited", None), ("c", "credited", None)]
    with sessions.begin() as session:
        credited = dict(session.execute(sa.select(Event.event_id, Event.reduction_kg)).all())
    assert {k: round(v, 12) for k, v in credited.items()} == {"a": 0.3, "c": 0.2}


def test_an_unreadable_event_whose_id_was_stored_meanwhile_is_a_duplicate(
    world: tuple[sessionmaker[Session], int],
) -> None:
    """Batch A holds an unreadable copy of an event that batch B stores between A's reading and storing: under the
    lock it is a duplicate (storing it again would break the unique key and fail the batch). B's copy names a person
    A does not: the catch-up finds it by its id."""
    body = json.loads(_batch(("x1", "ann", 4)))
    body["events"].append({"id": "dup", "person": "ann", "behaviour": "metro_trip", "occurred_at": "yesterday"})
    plan = _prepared(world, json.dumps(body).encode())
    assert _send(world, _batch(("dup", "bob", 2))) == [("dup", "credited", None)]
    assert _finish(world, plan) == [("x1", "credited", None), ("dup", "duplicate", None)]
