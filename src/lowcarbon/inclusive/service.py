"""Use cases of the carbon-inclusive domain beyond ingestion: the operator's review of held events (release credits
them, refuse closes them), the reward catalogue and redemptions, statistics, and a person's account.

A held event is credited when a reviewer releases it, with the methodology version and reduction decided when it
arrived (a new methodology version never changes it). A redemption locks the person's balance and the reward's stock
for its transaction, so concurrent redemptions never overdraw either.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lowcarbon.errors import Conflict, InvalidInput, NotFound
from lowcarbon.inclusive import ingest, ledger, rules
from lowcarbon.inclusive.methodology import methodology
from lowcarbon.inclusive.rules import local_day
from lowcarbon.inclusive.tables import (
    HELD,
    Balance,
    DailyTotal,
    Entry,
    Event,
    Link,
    Partner,
    Person,
    Redemption,
    Reward,
)
from lowcarbon.ports import AuditLog
from lowcarbon.storage import serialize, snapshot

__all__ = [
    "account",
    "add_reward",
    "held_events",
    "link_accounts",
    "linked_count",
    "partners_list",
    "person",
    "redeem_reward",
    "refuse",
    "release",
    "rewards",
    "totals",
]


def person(session: Session, partner_id: int, pseudonym: str, now: datetime) -> int:
    """The row of the partner's pseudonym, made when the partner has not sent it before."""
    found = session.scalar(sa.select(Person.id).where(Person.partner_id == partner_id, Person.pseudonym == pseudonym))
    if found is not None:
        return found
    made = Person(partner_id=partner_id, pseudonym=pseudonym, created_at=now)
    session.add(made)
    session.flush()
    return made.id


def partners_list(session: Session) -> list[dict[str, Any]]:
    """The partners (never their secrets) with how many events each sent."""
    counted = dict(
        (partner, n)
        for partner, n in session.execute(sa.select(Event.partner_id, sa.func.count()).group_by(Event.partner_id))
    )
    rows = session.scalars(sa.select(Partner).order_by(Partner.id))
    return [
        {"id": p.id, "name": p.name, "region": p.region, "created_at": p.created_at, "events": counted.get(p.id, 0)}
        for p in rows
    ]


def link_accounts(session: Session, audit: AuditLog, person: int, other: int, now: datetime) -> int:
    """The person links two of their pseudonyms (they hold both account links): from now on the rules see them as
    one person. Both join the group of the lower root; how many pseudonyms the group has."""
    roots = {
        p: r
        for p, r in session.execute(
            sa.select(Link.person_id, Link.linked_to).where(Link.person_id.in_((person, other)))
        )
    }
    mine, theirs = roots.get(person, person), roots.get(other, other)
    if mine == theirs:
        raise Conflict("these accounts are linked already")
    keep, merged = min(mine, theirs), max(mine, theirs)
    session.execute(sa.update(Link).where(Link.linked_to == merged).values(linked_to=keep))
    session.add(Link(person_id=merged, linked_to=keep, created_at=now))
    session.flush()
    audit.record("link", "inclusive_person", merged, None, {"linked_to": keep})
    return 1 + int(session.scalar(sa.select(sa.func.count()).select_from(Link).where(Link.linked_to == keep)) or 0)


def linked_count(session: Session, person: int) -> int:
    """How many pseudonyms the person's group has (1: none linked)."""
    root = session.scalar(sa.select(Link.linked_to).where(Link.person_id == person)) or person
    return 1 + int(session.scalar(sa.select(sa.func.count()).select_from(Link).where(Link.linked_to == root)) or 0)


def held_events(session: Session, limit: int = 200) -> list[dict[str, Any]]:
    """The events held for review, oldest first."""
    rows = session.execute(
        sa.select(Event, Partner.name, Person.pseudonym)
        .join(Partner, Partner.id == Event.partner_id)
        .join(Person, Person.id == Event.person_id)
        .where(sa.text(HELD))
        .order_by(Event.id)
        .limit(limit)
    ).all()
    return [
        {
            "id": event.id,
            "partner": partner,
            "event_id": event.event_id,
            "person": pseudonym,
            "behaviour": event.behaviour,
            "version": event.version,
            "occurred_at": event.occurred_at,
            "quantities": event.quantities,
            "reason": event.reason,
            "reduction_kg": event.reduction_kg,
            "points": event.points,
        }
        for event, partner, pseudonym in rows
    ]


def _held(session: Session, event_row: int) -> Event:
    event = session.scalar(sa.select(Event).where(Event.id == event_row).with_for_update())
    if event is None:
        raise NotFound(f"no event {event_row}")
    if event.status != "held":
        raise Conflict(f"event {event_row} is {event.status}, not held for review")
    return event


def _reviewed(session: Session, partner_id: int) -> None:
    """Take the partner's lock, as ingestion does (the caps see every credit before), and count a review: a batch
    read before it is read again (``ingest.finish``)."""
    serialize(session, f"inclusive:partner:{partner_id}")
    session.execute(sa.update(Partner).where(Partner.id == partner_id).values(reviewed=Partner.reviewed + 1))


def release(session: Session, audit: AuditLog, event_row: int, now: datetime) -> None:
    """Credit a held event: its reduction as assessed when it arrived, within the caps as they stand now (the person
    may have been credited since: the part up to the cap, reason ``capped``; nothing when it is reached,
    ``cap_reached``)."""
    event = _held(session, event_row)
    before = snapshot(event)
    day = local_day(event.occurred_at)
    _reviewed(session, event.partner_id)
    m = methodology(event.behaviour, event.version)
    history = ingest.credited_before(session, event.person_id, event.behaviour, day)
    kg, reason = rules.apply_caps(m, event.reduction_kg, history.for_rules())
    event.status, event.decided_at = "released", now
    event.reduction_kg, event.points, event.reason = kg, rules.points(m, kg), reason or event.reason
    if kg <= 0:
        event.posted_at = now  # nothing to post, ever
    else:
        if event.credit_at is None or event.credit_at <= now:  # else posted when due (ingest.settle)
            ingest.post(session, [event], now)
        ingest.add_daily(session, [(event.person_id, event.behaviour, day, kg)])
    session.flush()
    audit.record("release", "inclusive_event", event.id, before, snapshot(event))


def refuse(session: Session, audit: AuditLog, event_row: int, now: datetime) -> None:
    """Close a held event without credit."""
    event = _held(session, event_row)
    before = snapshot(event)
    _reviewed(session, event.partner_id)
    event.status, event.decided_at = "refused", now
    session.flush()
    audit.record("refuse", "inclusive_event", event.id, before, snapshot(event))


def add_reward(
    session: Session, audit: AuditLog, now: datetime, *, name_zh: str, name_en: str, points: int, stock: int | None
) -> int:
    """Publish a reward in the catalogue; its id."""
    if not name_zh.strip() or not name_en.strip() or len(name_zh) > 200 or len(name_en) > 200:
        raise InvalidInput("a reward has a name in Chinese and in English, each 1 to 200 characters")
    if points <= 0 or (stock is not None and stock < 0):
        raise InvalidInput("a reward costs a positive number of points; its stock is not negative")
    reward = Reward(
        name_zh=name_zh.strip(), name_en=name_en.strip(), points=points, stock=stock, active=True, created_at=now
    )
    session.add(reward)
    session.flush()
    audit.record("create", "inclusive_reward", reward.id, None, snapshot(reward))
    return reward.id


def rewards(session: Session) -> list[Reward]:
    return list(session.scalars(sa.select(Reward).where(Reward.active).order_by(Reward.points, Reward.id)))


def redeem_reward(session: Session, audit: AuditLog, person_id: int, reward_id: int, now: datetime) -> float:
    """Redeem a reward for the person: its stock and the person's points both locked; the points left."""
    reward = session.scalar(sa.select(Reward).where(Reward.id == reward_id, Reward.active).with_for_update())
    if reward is None:
        raise NotFound(f"no reward {reward_id}")
    if reward.stock is not None and reward.stock <= 0:
        raise Conflict(f"reward {reward_id} is out of stock")
    redemption = Redemption(person_id=person_id, reward_id=reward.id, points=reward.points, at=now)
    session.add(redemption)
    session.flush()
    left = ledger.redeem(session, person_id, reward.points, f"redemption:{redemption.id}", now)
    if reward.stock is not None:
        reward.stock -= 1
    audit.record("redeem", "inclusive_redemption", redemption.id, None, snapshot(redemption))
    return left


def account(session: Session, person_id: int) -> dict[str, Any]:
    """A person's balance, their reductions by day (for the chart) and their latest entries."""
    balance = session.get(Balance, person_id)
    days = session.execute(
        sa.select(DailyTotal.day, sa.func.sum(DailyTotal.kg))
        .where(DailyTotal.person_id == person_id)
        .group_by(DailyTotal.day)
        .order_by(DailyTotal.day)
    ).all()
    entries = session.execute(
        sa.select(Entry.at, Entry.kind, Entry.kg, Entry.points, Entry.methodology)
        .where(Entry.account == ledger.person_account(person_id))
        .order_by(Entry.id.desc())
        .limit(50)
    ).all()
    return {
        "kg": balance.kg if balance else 0.0,
        "points": balance.points if balance else 0.0,
        "days": [(day.isoformat() if isinstance(day, date) else str(day), float(kg)) for day, kg in days],
        "entries": [
            {"at": at, "kind": kind, "kg": kg, "points": points, "methodology": methodology}
            for at, kind, kg, points, methodology in entries
        ],
    }


def totals(session: Session) -> dict[str, list[tuple[str, float, int]]]:
    """Credited reductions (kg CO2e, events) by behaviour, partner, region and day."""
    credited = Event.status.in_(("credited", "released"))
    by = {
        "behaviour": Event.behaviour,
        "partner": Partner.name,
        "region": sa.func.coalesce(Partner.region, ""),
    }
    found: dict[str, list[tuple[str, float, int]]] = {}
    for name, column in by.items():
        rows = session.execute(
            sa.select(column, sa.func.sum(Event.reduction_kg), sa.func.count())
            .join(Partner, Partner.id == Event.partner_id)
            .where(credited)
            .group_by(column)
            .order_by(column)
        ).all()
        found[name] = [(str(key), float(kg or 0), int(n)) for key, kg, n in rows]
    days = session.execute(
        sa.select(DailyTotal.day, sa.func.sum(DailyTotal.kg), sa.func.sum(DailyTotal.events))
        .group_by(DailyTotal.day)
        .order_by(DailyTotal.day)
    ).all()
    found["day"] = [(day.isoformat() if isinstance(day, date) else str(day), float(kg), int(n)) for day, kg, n in days]
    return found
