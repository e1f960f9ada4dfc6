"""Ingestion of a partner's batch: every event counted exactly once, traceable to its methodology.

One transaction per batch, under a lock per partner (PostgreSQL: an advisory lock; SQLite: its one writer), so the
caps see every earlier credit of the partner's people and two copies of a batch sent at once credit once: the ids
already stored, known under the lock, answer ``duplicate`` and every other event is stored (the unique key on
partner and event id is the last guard: a row stored meanwhile fails the batch, which the partner sends again). A
crash before the commit leaves nothing; the partner's retry then finds nothing and stores all. The outcome of each
event (credited, held, rejected) comes from ``evaluate`` (the methodologies and rules), given what the person was
credited for the behaviour this day and month and their recent events.

The API keeps the lock short: ``prepare`` reads the batch's ids, people and histories and judges every event before
the lock, in one state of the database; ``finish``, under the lock, reads only the partner's events stored since
(the partner's rows are numbered under its lock, so they are the rows after the largest it had then), adds them to
the histories, judges again the events of the people they name, and stores. ``ingest`` does both under the lock.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Literal, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lowcarbon.inclusive import ledger, rules
from lowcarbon.inclusive.batches import SentEvent
from lowcarbon.inclusive.rules import RecentEvent, local_day
from lowcarbon.inclusive.store import ACCEPTED, Store, for_session
from lowcarbon.inclusive.tables import DUE, Event, Partner
from lowcarbon.storage import serialize

__all__ = [
    "History",
    "Outcome",
    "Plan",
    "Result",
    "Tally",
    "add_daily",
    "credited_before",
    "finish",
    "ingest",
    "post",
    "prepare",
    "settle",
    "settle_all",
]

# the most rows (of every partner) between a batch's reading and its lock that it looks through, one by one, for the
# partner's; beyond (a partner's batches far apart among other partners'), the batch is read again under the lock
CATCH_UP_ROWS = 20_000
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


@dataclass(frozen=True, slots=True)
class Written:
    """What is written of an event: its answer, its row (None: a duplicate, or no person) and, when credited, the
    credit (event id, person, behaviour, day, outcome, due now)."""

    result: Result
    row: tuple[object, ...] | None = None
    credit: tuple[str, int, str, date, Outcome, bool] | None = None


@dataclass
class Plan:
    """A batch judged from what was stored when it was read (``prepare``), finished under the partner's lock
    (``finish``). ``people`` maps each pseudonym of the batch's readable events to its person row (below 0: new to the
    partner when read, stored by ``finish``); ``seen`` holds the batch's ids stored when read; ``mark`` and
    ``reviewed`` are the partner's ``store.state`` then (``locked``: read under its lock); ``totals`` and ``recent``
    the daily totals and recent events read by person and behaviour; ``outcomes`` the outcome of each event (None: a
    duplicate)."""

    partner_id: int
    events: Sequence[SentEvent]
    evaluate: Evaluate
    now: datetime
    people: dict[str, int]
    seen: set[str]
    mark: int
    reviewed: int
    locked: bool = False  # read and judged under the partner's lock, in the transaction that stores it
    totals: defaultdict[tuple[int, str], list[tuple[date, float, int]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    recent: defaultdict[tuple[int, str], list[RecentEvent]] = field(default_factory=lambda: defaultdict(list))
    others: dict[int, set[int]] = field(default_factory=dict)
    outcomes: list[Outcome | None] = field(default_factory=list)
    written: dict[int, Written] = field(default_factory=dict)  # by position: see ``_written``

    @property
    def linked(self) -> bool:
        """Whether some person of the batch linked pseudonyms (their batches at other partners count)."""
        return bool(self.others)

    @cached_property
    def readable(self) -> list[SentEvent]:
        """The events without a problem, in order."""
        return [e for e in self.events if e.problem is None]


def ingest(
    session: Session, partner_id: int, events: Sequence[SentEvent], evaluate: Evaluate, now: datetime
) -> list[Result]:
    """Store and credit a partner's batch, read and judged under the partner's lock; one result per event, in the
    batch's order (see ``finish``)."""
    serialize(session, f"inclusive:partner:{partner_id}")
    return finish(session, prepare(session, partner_id, events, evaluate, now, locked=True))


def prepare(
    session: Session,
    partner_id: int,
    events: Sequence[SentEvent],
    evaluate: Evaluate,
    now: datetime,
    *,
    locked: bool = False,
) -> Plan:
    """Judge a batch from what ``session`` reads: a transaction that sees one state of the database throughout
    (PostgreSQL: REPEATABLE READ; SQLite: any), outside the partner's lock (``locked``: under it)."""
    store = for_session(session)
    mark, reviewed = store.state(partner_id)
    seen = store.seen(partner_id, [e.id for e in events])
    plan = Plan(partner_id, events, evaluate, now, {}, seen, mark, reviewed, locked)
    pseudonyms = sorted({e.person for e in plan.readable})
    plan.people = store.known(partner_id, pseudonyms) if pseudonyms else {}
    for n, pseudonym in enumerate(p for p in pseudonyms if p not in plan.people):
        plan.people[pseudonym] = -1 - n  # new to the partner: stored under the lock
    persons = {plan.people[e.person] for e in plan.readable}
    plan.others = _linked(store, {p for p in persons if p > 0})
    if plan.linked and not locked:
        return plan  # a linked person's batches at other partners: read and judged under the lock
    if plan.linked:  # one at a time, so that their caps see each other's credits
        serialize(session, "inclusive:linked")
    if plan.readable:
        first = min(_day(e) for e in plan.readable).replace(day=1)
        keys = {(plan.people[e.person], e.behaviour) for e in plan.readable}
        keys |= {(other, behaviour) for person, behaviour in keys for other in plan.others.get(person, ())}
        plan.totals = _daily_totals(store, keys, first)
        for person, behaviour, partner, occurred, duration in store.recent(_windows(plan)):
            plan.recent[(person, behaviour)].append(RecentEvent(occurred, str(partner), duration))
    plan.outcomes = [None] * len(events)
    _decide(plan, None)
    if not locked:  # the rows made now, outside the lock (made again for the events judged again under it); those
        # of people new to the partner under it, once their rows are numbered
        for position, event in enumerate(events):
            if plan.people.get(event.person, 0) >= 0:
                _written(plan, position)
    return plan


def finish(session: Session, plan: Plan) -> list[Result]:
    """Store and credit a prepared batch under the partner's lock; one result per event, in the batch's order.

    The lock makes the partner's batches one at a time: what the partner stored since the batch was read (rows after
    ``plan.mark``) is read and added to its history, and the events of the people it names (and of ids it stored) are
    judged again. A batch of a linked person, or one read before a reviewer's release or refusal, is read and judged
    again whole. Credits due now are posted to the ledger at once; a credit whose methodology delays it is posted
    when due (``settle``, run first here)."""
    partner_id, now = plan.partner_id, plan.now
    serialize(session, f"inclusive:partner:{partner_id}")
    settle(session, now, partner_id)
    store = for_session(session)
    mark = plan.mark
    if not plan.locked:
        mark, reviewed = store.state(partner_id)
        again = plan.linked or reviewed != plan.reviewed or mark - plan.mark > CATCH_UP_ROWS
        if not again:  # a pseudonym new when read may have been made and linked since: links asked of all
            _add_people(store, plan)
            again = bool(plan.people) and bool(store.links(set(plan.people.values())))
        if again:
            plan = prepare(session, partner_id, plan.events, plan.evaluate, now, locked=True)
    _add_people(store, plan)
    if mark != plan.mark:
        _catch_up(store, plan, mark)
    return _store(session, plan)


def _add_people(store: Store, plan: Plan) -> None:
    """Give the batch's pseudonyms new to the partner when read their rows (found, if made since, or made now)."""
    new = sorted(p for p, row in plan.people.items() if row < 0)
    if new:
        plan.people.update(store.people(plan.partner_id, new, plan.now))


def _catch_up(store: Store, plan: Plan, mark: int) -> None:
    """Add what the partner stored after ``plan.mark`` (up to ``mark``, its largest row now) to the plan's history,
    and judge again the events of the people it names and of the ids it stored."""
    ids = {e.id for e in plan.events}
    persons = {plan.people[e.person] for e in plan.readable}
    windows = _windows(plan)
    named: set[int] = set()
    stored: set[str] = set()
    for event_id, person, behaviour, occurred, status, kg, duration in store.since(
        plan.partner_id, plan.mark, mark, sorted(persons), sorted(ids)
    ):
        if event_id in ids and event_id not in plan.seen:
            stored.add(event_id)
        if person not in persons:
            continue
        named.add(person)
        if status == "credited":
            plan.totals[(person, behaviour)].append((local_day(occurred), kg, 1))
        window = windows.get(person)
        if status in ACCEPTED and window is not None and window[0] <= occurred <= window[1]:
            plan.recent[(person, behaviour)].append(RecentEvent(occurred, str(plan.partner_id), duration))
    plan.seen |= stored
    named |= {plan.people[e.person] for e in plan.readable if e.id in stored}
    if named or stored:
        _decide(plan, named, stored)


def _decide(plan: Plan, persons: set[int] | None, ids: Collection[str] = ()) -> None:
    """Judge the events in the batch's order (those of ``persons`` and with ``ids`` only, when ``persons`` is given)
    from the plan's history: an id stored already or earlier in the batch is a duplicate; each credit and accepted
    event counts for the next."""
    people, partner_id = plan.people, plan.partner_id
    chosen = [
        i
        for i, e in enumerate(plan.events)
        if persons is None or e.id in ids or (e.problem is None and people.get(e.person) in persons)
    ]
    duplicate = _duplicates(plan)
    histories = _histories(
        plan, [plan.events[i] for i in chosen if not duplicate[i] and plan.events[i].problem is None]
    )
    for i in chosen:
        plan.written.pop(i, None)
        event = plan.events[i]
        if duplicate[i]:
            plan.outcomes[i] = None
            continue
        person = people.get(event.person)
        if event.problem is not None or person is None:
            plan.outcomes[i] = Outcome("rejected", event.problem or "bad_person")
            continue
        history = histories[(person, event.behaviour, _day(event))]
        outcome = plan.evaluate(event, history, plan.now)
        if outcome.status == "credited":
            history.credit(outcome.kg)
        if outcome.status != "rejected" and event.occurred_at is not None:
            history.recent.append(_recent(partner_id, event))
        plan.outcomes[i] = outcome


def _duplicates(plan: Plan) -> list[bool]:
    """Whether each event's id was stored already or came earlier in the batch."""
    seen = set(plan.seen)
    flags = []
    for event in plan.events:
        flags.append(event.id in seen)
        seen.add(event.id)
    return flags


def _written(plan: Plan, position: int) -> Written:
    """What ``_store`` writes of the event at ``position``, from its outcome and its person's row (numbered: never
    asked of a person new to the partner before ``_add_people``), kept in ``plan.written`` until the outcome is judged
    again, so that a batch's rows are made before the partner's lock."""
    made = plan.written.get(position)
    if made is not None:
        return made
    event, outcome = plan.events[position], plan.outcomes[position]
    person = plan.people.get(event.person)
    if outcome is None:
        made = Written(Result(event.id, "duplicate"))
    elif person is None:
        made = Written(Result(event.id, outcome.status, outcome.reason))
    else:
        now = plan.now
        credit_at = outcome.credit_at or now if outcome.status == "credited" else outcome.credit_at
        due = outcome.status == "credited" and cast(datetime, credit_at) <= now
        made = Written(
            Result(event.id, outcome.status, outcome.reason),
            _row(plan.partner_id, person, event, outcome, now, credit_at, due),
            (event.id, person, event.behaviour, _day(event), outcome, due) if outcome.status == "credited" else None,
        )
    plan.written[position] = made
    return made


def _store(session: Session, plan: Plan) -> list[Result]:
    """Store the plan's events with their outcomes, post the credits due now, add the credits to the daily totals."""
    now = plan.now
    written = [_written(plan, i) for i in range(len(plan.events))]
    rows = [w.row for w in written if w.row is not None]
    credited = [w.credit for w in written if w.credit is not None]
    results = [w.result for w in written]
    store = for_session(session)
    stored = store.insert_events(rows)
    if stored:
        store.advance(plan.partner_id, max(stored.values()))
    ledger.credit_many(
        session,
        [
            ledger.Credit(stored[event_id], person, outcome.kg, outcome.points, f"{behaviour}@{outcome.version}")
            for event_id, person, behaviour, _, outcome, due in credited
            if due
        ],
        now,
    )
    add_daily(
        session,
        [(person, behaviour, day, outcome.kg) for _, person, behaviour, day, outcome, _ in credited],
    )
    return results


def settle(session: Session, now: datetime, partner_id: int | None = None, limit: int = 10_000) -> int:
    """Post the credits that have come due (their delay past) and are not posted yet; how many. The caller holds the
    partner's lock (ingestion) or runs alone (``lowcarbon ledger settle``), so each is posted once."""
    if partner_id is not None and not for_session(session).any_due(partner_id, now):
        return 0  # the usual case, asked of every batch: one index lookup
    query = sa.select(Event).where(sa.text(DUE), Event.credit_at <= now)
    if partner_id is not None:
        query = query.where(Event.partner_id + 0 == partner_id)  # + 0: SQLite looks for due credits by time first
    events = list(session.scalars(query.order_by(Event.credit_at, Event.id).limit(limit)))  # by the index on credit_at
    post(session, events, now)
    return len(events)


def settle_all(session: Session, now: datetime) -> int:
    """Settle every partner's due credits, each under the partner's lock as ingestion takes it (so this may run
    beside the server); how many were posted. For credits whose partner sends no more batches."""
    posted = 0
    for partner_id in session.scalars(sa.select(Partner.id).order_by(Partner.id)):
        serialize(session, f"inclusive:partner:{partner_id}")
        while settled := settle(session, now, partner_id):
            posted += settled
    return posted


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


def _histories(plan: Plan, events: Sequence[SentEvent]) -> defaultdict[tuple[int, str, date], History]:
    """Each (person, behaviour, day) of ``events`` with what was credited that day and month before, from the plan's
    daily totals and recent events (with those of the pseudonyms each person linked)."""
    histories: defaultdict[tuple[int, str, date], History] = defaultdict(History)
    people, others, totals, recent = plan.people, plan.others, plan.totals, plan.recent
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
                _add_month(month, totals.get((person, key[1]), ()), key[2])
        history = histories[key] = History(month=month)
        for person in same:
            history.recent.extend(recent.get((person, key[1]), ()))
            _add_day(history, totals.get((person, key[1]), ()), key[2])
    return histories


def _windows(plan: Plan) -> dict[int, tuple[datetime, datetime]]:
    """For each person of the batch (and each pseudonym they linked), the span whose earlier events the rules look
    at: from ``RECENT`` before their first event in the batch to ``RECENT`` after their last (a batch may span days;
    a person's events in it seldom do)."""
    windows: dict[int, tuple[datetime, datetime]] = {}
    for event in plan.readable:
        assert event.occurred_at is not None
        person = plan.people[event.person]
        for one in (person, *plan.others.get(person, ())):
            start, end = windows.get(one, (event.occurred_at, event.occurred_at))
            windows[one] = (min(start, event.occurred_at), max(end, event.occurred_at))
    return {person: (start - RECENT, end + RECENT) for person, (start, end) in windows.items()}


def credited_before(session: Session, person_id: int, behaviour: str, day: date) -> History:
    """What the person (with the pseudonyms they linked) was credited for ``behaviour`` on ``day`` and its month; the
    caller holds the partner's lock, and a linked person's lock is taken here, as ingestion takes them."""
    store = for_session(session)
    persons = {person_id, *_linked(store, {person_id}).get(person_id, ())}
    if len(persons) > 1:
        serialize(session, "inclusive:linked")
    totals = _daily_totals(store, {(person, behaviour) for person in persons}, day.replace(day=1))
    history = History()
    for person in persons:
        _add_month(history.month, totals[(person, behaviour)], day)
        _add_day(history, totals[(person, behaviour)], day)
    return history


def _daily_totals(
    store: Store, keys: set[tuple[int, str]], first: date
) -> defaultdict[tuple[int, str], list[tuple[date, float, int]]]:
    """The daily totals of each (person, behaviour) of ``keys`` from ``first`` on."""
    totals: defaultdict[tuple[int, str], list[tuple[date, float, int]]] = defaultdict(list)
    for person, name, day, kg, count in store.daily(sorted(keys), first):
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


def _linked(store: Store, persons: set[int]) -> dict[int, set[int]]:
    """For each of ``persons`` that linked pseudonyms, the other pseudonyms of the same person: a link names the
    pseudonym and the one it joined (the root), so a person's group is its root and every pseudonym linked to it;
    links are rare, so a batch without linked people costs one read."""
    rows = store.links(persons)
    if not rows:
        return {}
    roots = {person: root for person, root in rows}
    wanted = {roots.get(p, p) for p in persons}
    rows = sorted(set(rows) | set(store.links(wanted)))  # with the other pseudonyms linked to the same root
    members: defaultdict[int, set[int]] = defaultdict(set)
    for person, root in rows:
        members[root].update((person, root))
    return {p: members[roots.get(p, p)] - {p} for p in persons if members.get(roots.get(p, p))}


def _row(
    partner_id: int,
    person_id: int,
    event: SentEvent,
    outcome: Outcome,
    now: datetime,
    credit_at: datetime | None,
    posted: bool,
) -> tuple[object, ...]:
    """The event's row, in the order of ``store.EVENT_COLUMNS``."""
    return (
        partner_id,
        event.id,
        person_id,
        event.behaviour[:64],
        outcome.version,
        event.occurred_at or now,
        json.dumps(event.quantities),
        outcome.status,
        outcome.reason,
        outcome.kg,
        outcome.points,
        now,
        now if outcome.status != "held" else None,
        credit_at,
        now if posted else None,
    )


def add_daily(session: Session, credits: Sequence[tuple[int, str, date, float]]) -> None:
    """Add credits (person, behaviour, day, kg) to the daily totals the caps read, one upsert for them all."""
    if not credits:
        return
    sums: dict[tuple[int, str, date], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for person, behaviour, day, kg in credits:
        total = sums[(person, behaviour, day)]
        total[0] += kg
        total[1] += 1
    for_session(session).add_daily([(p, b, d, kg, int(n)) for (p, b, d), (kg, n) in sorted(sums.items())])
