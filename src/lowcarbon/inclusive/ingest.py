"""Ingestion of a partner's batch: every event counted exactly once, traceable to its methodology.

One transaction per batch, under a lock per partner (PostgreSQL: an advisory lock; SQLite: its one writer), so the
caps see every earlier credit of the partner's people and two copies of a batch sent at once credit once: the events
are stored with ``ON CONFLICT (partner, event id) DO NOTHING`` and only those stored now are credited; the others
answer ``duplicate``. A crash before the commit leaves nothing; the partner's retry then finds nothing and stores
all. The outcome of each event (credited, held, rejected) comes from ``evaluate`` (the methodologies and rules),
given what the person was credited for the behaviour this day and month.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lowcarbon.inclusive import ledger, rules
from lowcarbon.inclusive.batches import SentEvent
from lowcarbon.inclusive.rules import RecentEvent, local_day
from lowcarbon.inclusive.tables import DailyTotal, Event, Link, Person
from lowcarbon.storage import serialize

__all__ = ["History", "Outcome", "Result", "Tally", "add_daily", "credited_before", "ingest", "post", "settle"]

RECENT = timedelta(hours=1)  # how far back a person's earlier events are read for the burst and overlap rules
Status = Literal["credited", "held", "rejected", "duplicate"]


@dataclass
class Tally:
    """Credits of a person for a behaviour over a month: kg and events."""

    kg: float = 0.0
    events: int = 0


@dataclass
class History:
    """What a person was credited for one behaviour before this event: this day (kg, events) and this month (a tally
    that the days of one month in a batch share), and the times of their events of the last hours (for bursts)."""

    day_kg: float = 0.0
    day_events: int = 0
    month: Tally = field(default_factory=Tally)
    recent: list[RecentEvent] = field(default_factory=list)

    @property
    def month_kg(self) -> float:
        return self.month.kg

    @property
    def month_events(self) -> int:
        return self.month.events

    def for_rules(self) -> rules.History:
        """As the rules read it."""
        return rules.History(self.day_events, self.day_kg, self.month_events, self.month_kg, tuple(self.recent))

    def credit(self, kg: float) -> None:
        self.day_kg += kg
        self.day_events += 1
        self.month.kg += kg
        self.month.events += 1


@dataclass(frozen=True)
class Outcome:
    """What becomes of an event: its status, the reason when not credited, the credit, the methodology version."""

    status: Literal["credited", "held", "rejected"]
    reason: str | None = None
    kg: float = 0.0
    points: int = 0
    version: str | None = None
    credit_at: datetime | None = None  # when the credit is due (the methodology's delay); None: now


@dataclass(frozen=True)
class Result:
    """The answer for one event."""

    id: str
    status: Status
    reason: str | None = None


Evaluate = Callable[[SentEvent, History, datetime], Outcome]


def ingest(
    session: Session, partner_id: int, events: Sequence[SentEvent], evaluate: Evaluate, now: datetime
) -> list[Result]:
    """Store and credit a partner's batch; one result per event, in the batch's order."""
    serialize(session, f"inclusive:partner:{partner_id}")
    people = _people(session, partner_id, {e.person for e in events if e.problem is None}, now)
    seen = set(
        session.scalars(
            sa.select(Event.event_id).where(Event.partner_id == partner_id, Event.event_id.in_({e.id for e in events}))
        )
    )
    histories = _histories(session, [e for e in events if e.problem is None], people)
    results: list[Result] = []
    rows: list[dict[str, object]] = []
    outcomes: list[tuple[SentEvent, Outcome]] = []
    for event in events:
        if event.id in seen:
            results.append(Result(event.id, "duplicate"))
            continue
        seen.add(event.id)
        if event.problem is not None or event.person not in people:
            outcome = Outcome("rejected", event.problem or "bad_person")
        else:
            history = histories[(people[event.person], event.behaviour, _day(event))]
            outcome = evaluate(event, history, now)
            if outcome.status == "credited":
                history.credit(outcome.kg)
            if outcome.status != "rejected" and event.occurred_at is not None:
                history.recent.append(_recent(partner_id, event))
        results.append(Result(event.id, outcome.status, outcome.reason))
        if event.person in people:
            outcomes.append((event, outcome))
            rows.append(_row(partner_id, people[event.person], event, outcome, now))
    stored = _store(session, rows)
    credits = [
        ledger.Credit(
            stored[event.id], people[event.person], outcome.kg, outcome.points, f"{event.behaviour}@{outcome.version}"
        )
        for event, outcome in outcomes
        if outcome.status == "credited" and event.id in stored
    ]
    ledger.credit_many(session, credits, now)
    _add_daily(session, [(people[e.person], e, o) for e, o in outcomes if o.status == "credited" and e.id in stored])
    return results


def settle(session: Session, now: datetime, partner_id: int | None = None, limit: int = 10_000) -> int:
    """Post the credits that have come due (their delay past) and are not posted yet; how many. The caller holds the
    partner's lock (ingestion) or runs alone (``lowcarbon ledger settle``), so each is posted once."""
    query = sa.select(Event).where(
        Event.status.in_(("credited", "released")), Event.posted_at.is_(None), Event.credit_at <= now
    )
    if partner_id is not None:
        query = query.where(Event.partner_id == partner_id)
    events = list(session.scalars(query.order_by(Event.id).limit(limit)))
    post(session, events, now)
    return len(events)


def post(session: Session, events: Sequence[Event], now: datetime) -> None:
    """Post the credits of stored events to the ledger and mark them posted, so that nothing posts them again."""
    ledger.credit_many(
        session,
        [ledger.Credit(e.id, e.person_id, e.reduction_kg, e.points, f"{e.behaviour}@{e.version}") for e in events],
        now,
    )
    for event in events:
        event.posted_at = now
    session.flush()


def _recent(partner_id: int, event: SentEvent) -> RecentEvent:
    assert event.occurred_at is not None
    return RecentEvent(event.occurred_at, str(partner_id), event.quantities.get("duration_min"), event.place)


def _day(event: SentEvent) -> date:
    assert event.occurred_at is not None
    return local_day(event.occurred_at)


def _people(session: Session, partner_id: int, pseudonyms: set[str], now: datetime) -> dict[str, int]:
    """The rows of the batch's pseudonyms, those new to the partner added."""
    if not pseudonyms:
        return {}
    query = sa.select(Person.pseudonym, Person.id).where(
        Person.partner_id == partner_id, Person.pseudonym.in_(pseudonyms)
    )
    found = {pseudonym: person for pseudonym, person in session.execute(query)}
    missing = sorted(pseudonyms - found.keys())
    if missing:
        inserted = session.execute(
            sa.insert(ledger.core(Person)).returning(Person.pseudonym, Person.id, sort_by_parameter_order=True),
            [{"partner_id": partner_id, "pseudonym": p, "created_at": now} for p in missing],
        )
        found.update({pseudonym: person for pseudonym, person in inserted})
    return found


def _histories(
    session: Session, events: Sequence[SentEvent], people: dict[str, int]
) -> defaultdict[tuple[int, str, date], History]:
    """Each (person, behaviour, day) of the batch's events with what was credited that day and month before."""
    histories: defaultdict[tuple[int, str, date], History] = defaultdict(History)
    if not events:
        return histories
    persons = {people[e.person] for e in events}
    first = min(_day(e) for e in events).replace(day=1)
    others = _linked(session, persons)
    if others:  # a linked person's batches from other partners: one at a time, so their caps see each other's credits
        serialize(session, "inclusive:linked")
    everyone = persons | {o for group in others.values() for o in group}
    totals = _daily_totals(session, everyone, first)
    moments = [e.occurred_at for e in events if e.occurred_at is not None]
    earliest, latest = min(moments) - RECENT, max(moments) + RECENT
    recent: defaultdict[tuple[int, str], list[RecentEvent]] = defaultdict(list)
    duration_min = Event.quantities["duration_min"].as_float()
    for person, behaviour, partner, occurred, duration in session.execute(
        sa.select(Event.person_id, Event.behaviour, Event.partner_id, Event.occurred_at, duration_min).where(
            Event.person_id.in_(everyone),
            Event.occurred_at >= earliest,
            Event.occurred_at <= latest,
            Event.status.in_(("credited", "held", "released")),
        )
    ):
        recent[(cast(int, person), cast(str, behaviour))].append(
            RecentEvent(cast(datetime, occurred), str(partner), cast(float | None, duration))
        )
    months: dict[tuple[int, str, int, int], Tally] = {}
    for event in events:
        key = (people[event.person], event.behaviour, _day(event))
        if key in histories:
            continue
        same = (key[0], *others.get(key[0], ()))  # with the same person's pseudonyms linked by them
        month = months.get((*key[:2], key[2].year, key[2].month))
        if month is None:
            month = months[(*key[:2], key[2].year, key[2].month)] = Tally()
            for person in same:
                _add_month(month, totals[(person, key[1])], key[2])
        history = histories[key] = History(month=month)
        for person in same:
            history.recent.extend(recent[(person, key[1])])
            _add_day(history, totals[(person, key[1])], key[2])
    return histories


def credited_before(session: Session, person_id: int, behaviour: str, day: date) -> History:
    """What the person (with the pseudonyms they linked) was credited for ``behaviour`` on ``day`` and its month; the
    caller holds the partner's lock, and a linked person's lock is taken here, as ingestion takes them."""
    persons = {person_id, *_linked(session, {person_id}).get(person_id, ())}
    if len(persons) > 1:
        serialize(session, "inclusive:linked")
    totals = _daily_totals(session, persons, day.replace(day=1), behaviour)
    history = History()
    for person in persons:
        _add_month(history.month, totals[(person, behaviour)], day)
        _add_day(history, totals[(person, behaviour)], day)
    return history


def _daily_totals(
    session: Session, persons: set[int], first: date, behaviour: str | None = None
) -> defaultdict[tuple[int, str], list[tuple[date, float, int]]]:
    """The daily totals of ``persons`` from ``first`` on, by person and behaviour."""
    query = sa.select(
        DailyTotal.person_id, DailyTotal.behaviour, DailyTotal.day, DailyTotal.kg, DailyTotal.events
    ).where(DailyTotal.person_id.in_(persons), DailyTotal.day >= first)
    if behaviour is not None:
        query = query.where(DailyTotal.behaviour == behaviour)
    totals: defaultdict[tuple[int, str], list[tuple[date, float, int]]] = defaultdict(list)
    for person, name, day, kg, count in session.execute(query):
        totals[(person, name)].append((day, kg, count))
    return totals


def _add_month(month: Tally, totals: Sequence[tuple[date, float, int]], day: date) -> None:
    for when, kg, count in totals:
        if (when.year, when.month) == (day.year, day.month):
            month.kg += kg
            month.events += count


def _add_day(history: History, totals: Sequence[tuple[date, float, int]], day: date) -> None:
    for when, kg, count in totals:
        if when == day:
            history.day_kg += kg
            history.day_events += count


def _linked(session: Session, persons: set[int]) -> dict[int, set[int]]:
    """For each of ``persons`` that linked pseudonyms, the other pseudonyms of the same person."""
    roots = dict(session.execute(sa.select(Link.person_id, Link.linked_to).where(Link.person_id.in_(persons))).all())
    wanted = {roots.get(p, p) for p in persons}
    members: defaultdict[int, set[int]] = defaultdict(set)
    for person, root in session.execute(sa.select(Link.person_id, Link.linked_to).where(Link.linked_to.in_(wanted))):
        members[root].update((person, root))
    return {p: members[roots.get(p, p)] - {p} for p in persons if members.get(roots.get(p, p))}


def _row(partner_id: int, person_id: int, event: SentEvent, outcome: Outcome, now: datetime) -> dict[str, object]:
    return {
        "partner_id": partner_id,
        "event_id": event.id,
        "person_id": person_id,
        "behaviour": event.behaviour[:64],
        "version": outcome.version,
        "occurred_at": event.occurred_at or now,
        "quantities": event.quantities,
        "status": outcome.status,
        "reason": outcome.reason,
        "reduction_kg": outcome.kg,
        "points": outcome.points,
        "received_at": now,
        "decided_at": now if outcome.status != "held" else None,
        "credit_at": outcome.credit_at or now if outcome.status == "credited" else outcome.credit_at,
        "posted_at": None,
    }


def _store(session: Session, rows: list[dict[str, object]]) -> dict[str, int]:
    """Insert the events not stored yet; the row ids of those stored now, by the partner's event id."""
    if not rows:
        return {}
    statement = ledger.dialect_insert(session, ledger.core(Event)).on_conflict_do_nothing(
        index_elements=[Event.partner_id, Event.event_id]
    )
    before = session.scalar(sa.select(sa.func.max(Event.id))) or 0
    session.execute(statement, rows)  # no RETURNING: a plain multi-row insert, much faster on PostgreSQL
    partner = rows[0]["partner_id"]
    stored = session.execute(sa.select(Event.event_id, Event.id).where(Event.partner_id == partner, Event.id > before))
    return {event_id: row for event_id, row in stored}


def _add_daily(session: Session, credited: list[tuple[int, SentEvent, Outcome]]) -> None:
    add_daily(session, [(person, event.behaviour, _day(event), outcome.kg) for person, event, outcome in credited])


def add_daily(session: Session, credits: Sequence[tuple[int, str, date, float]]) -> None:
    """Add credits (person, behaviour, day, kg) to the daily totals the caps read, one upsert for them all."""
    if not credits:
        return
    sums: dict[tuple[int, str, date], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for person, behaviour, day, kg in credits:
        total = sums[(person, behaviour, day)]
        total[0] += kg
        total[1] += 1
    statement = ledger.dialect_insert(session, ledger.core(DailyTotal))
    statement = statement.on_conflict_do_update(
        index_elements=[DailyTotal.person_id, DailyTotal.behaviour, DailyTotal.day],
        set_={"kg": DailyTotal.kg + statement.excluded.kg, "events": DailyTotal.events + statement.excluded.events},
    )
    rows = [
        {"person_id": p, "behaviour": b, "day": d, "kg": kg, "events": int(n)}
        for (p, b, d), (kg, n) in sorted(sums.items())
    ]
    session.execute(statement, rows)
