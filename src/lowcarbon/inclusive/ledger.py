"""The personal carbon ledger: append-only, double-entry, balances derived from entries.

An entry holds an amount of each unit, kg CO2e and points; a transaction is a set of entries whose amounts sum to
zero for each unit: a credit moves kg CO2e and points from the scheme's ``issued`` account to ``person:<id>`` (the
credits of a batch are one compound transaction: an entry per credit naming its event and methodology version, and
one on ``issued`` against them all); a redemption moves points from
the person to ``redeemed``; a reversal is the opposite entries of what it corrects. Entries are never changed or
deleted. A person's ``inclusive_balances`` row is the sum of their entries, kept in the same transaction as the
entries (so a crash leaves both or neither); ``reconcile`` recomputes every balance from the entries and lists any
difference.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lowcarbon.errors import Conflict, InvalidInput
from lowcarbon.inclusive.store import for_session
from lowcarbon.inclusive.tables import Balance, Entry, Event, Partner, Person

__all__ = [
    "ISSUED",
    "REDEEMED",
    "Credit",
    "Difference",
    "credit_many",
    "person_account",
    "reconcile",
    "redeem",
]

ISSUED, REDEEMED = "issued", "redeemed"
_TOLERANCE = 1e-9  # kg and points are sums of floats: a difference below this is rounding, not a loss


def person_account(person_id: int) -> str:
    return f"person:{person_id}"


@dataclass(frozen=True)
class Credit:
    """A credit of an event: whose, how much, under which methodology version."""

    event_row: int
    person_id: int
    kg: float
    points: int
    methodology: str  # behaviour@version


def credit_many(session: Session, credits: Sequence[Credit], at: datetime) -> None:
    """Post the credits as one compound transaction: for each credit, its kg and points on the person's account
    (naming its event and methodology version), and against them one entry per unit on ``issued``; the balances
    follow in the same statement set."""
    if not credits:
        return
    transaction = f"credit:{uuid.uuid4().hex}"
    rows: list[tuple[object, ...]] = []
    issued_kg = issued_points = 0.0
    totals: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for credit in credits:
        points = float(credit.points)
        rows.append(
            (
                transaction,
                person_account(credit.person_id),
                credit.kg,
                points,
                "credit",
                credit.event_row,
                credit.methodology,
                at,
            )
        )
        issued_kg += credit.kg
        issued_points += points
        total = totals[credit.person_id]
        total[0] += credit.kg
        total[1] += points
    rows.append((transaction, ISSUED, -issued_kg, -issued_points, "credit", None, None, at))
    store = for_session(session)
    store.insert_entries(rows)
    store.add_balances([(person, kg, points) for person, (kg, points) in sorted(totals.items())], at)


def redeem(session: Session, person_id: int, points: int, transaction: str, at: datetime) -> float:
    """Move ``points`` from the person to ``redeemed`` if their balance holds them; the balance left. The balance
    row is locked for the transaction (PostgreSQL: FOR UPDATE; SQLite has one writer), so concurrent redemptions
    never overdraw; Conflict when the points are not there."""
    if points <= 0:
        raise InvalidInput("redeem a positive number of points")
    balance = session.scalar(sa.select(Balance).where(Balance.person_id == person_id).with_for_update())
    if balance is None or balance.points + _TOLERANCE < points:
        held = 0 if balance is None else balance.points
        raise Conflict(f"the balance holds {held:g} points, fewer than {points}")
    account = person_account(person_id)
    common = {
        "transaction": transaction,
        "kg": 0.0,
        "kind": "redemption",
        "event_row": None,
        "methodology": None,
        "at": at,
    }
    session.execute(
        sa.insert(Entry),
        [
            {**common, "account": account, "points": -float(points)},
            {**common, "account": REDEEMED, "points": float(points)},
        ],
    )
    balance.points -= points
    balance.updated_at = at
    session.flush()
    return float(balance.points)


@dataclass(frozen=True)
class Difference:
    """A balance that is not the sum of its entries, a transaction that does not sum to zero, or a reference that
    points nowhere (unit ``missing``: ``from_entries`` counts the rows naming it)."""

    what: str  # "person:<id>", "transaction:<id>"; missing: "event:<id>", "person:<id>", "partner:<id>"
    unit: str
    stored: float
    from_entries: float


def reconcile(session: Session) -> list[Difference]:
    """Every difference between the stored balances and the sums of the entries, and every transaction whose entries
    do not sum to zero per unit, and every reference that points nowhere; empty when the ledger is whole."""
    sums = session.execute(
        sa.select(Entry.account, sa.func.sum(Entry.kg), sa.func.sum(Entry.points))
        .where(Entry.account.like("person:%"))
        .group_by(Entry.account)
    )
    from_entries: dict[tuple[int, str], float] = {}
    for account, kg, points in sums:
        person = int(account.split(":", 1)[1])
        from_entries[(person, "kg")], from_entries[(person, "points")] = float(kg or 0), float(points or 0)
    stored: dict[tuple[int, str], float] = {}
    for person_id, kg, points in session.execute(sa.select(Balance.person_id, Balance.kg, Balance.points)):
        stored[(person_id, "kg")] = float(kg)
        stored[(person_id, "points")] = float(points)
    differences = [
        Difference(person_account(person), unit, stored.get((person, unit), 0.0), from_entries.get((person, unit), 0.0))
        for person, unit in sorted(set(stored) | set(from_entries))
        if abs(stored.get((person, unit), 0.0) - from_entries.get((person, unit), 0.0)) > _TOLERANCE
    ]
    unbalanced = session.execute(
        sa.select(Entry.transaction, sa.func.sum(Entry.kg), sa.func.sum(Entry.points))
        .group_by(Entry.transaction)
        .having(
            sa.or_(sa.func.abs(sa.func.sum(Entry.kg)) > _TOLERANCE, sa.func.abs(sa.func.sum(Entry.points)) > _TOLERANCE)
        )
    )
    for transaction, kg, points in unbalanced:
        differences += [
            Difference(f"transaction:{transaction}", unit, 0.0, float(total))
            for unit, total in (("kg", kg), ("points", points))
            if abs(total) > _TOLERANCE
        ]
    return differences + _missing(session)


def _missing(session: Session) -> list[Difference]:
    """The references that point nowhere (they are no foreign keys, see ``tables.Event``): an event named by entries
    (``from_entries``: how many) or a person or partner named by events (how many), that is not stored."""
    named = [
        ("event", Entry.event_row, Event.id, Entry),
        ("person", Event.person_id, Person.id, Event),
        ("partner", Event.partner_id, Partner.id, Event),
        ("person", Balance.person_id, Person.id, Balance),
    ]
    found: list[Difference] = []
    for what, reference, key, table in named:
        rows = session.execute(
            sa.select(reference, sa.func.count())
            .select_from(table)
            .outerjoin(key.class_, key == reference)
            .where(reference.is_not(None), key.is_(None))
            .group_by(reference)
        )
        found += [Difference(f"{what}:{row}", "missing", 0.0, float(count)) for row, count in rows]
    return found


def balances(session: Session, person_ids: Iterable[int]) -> dict[int, tuple[float, float]]:
    """The stored (kg, points) of each person."""
    rows = session.execute(
        sa.select(Balance.person_id, Balance.kg, Balance.points).where(Balance.person_id.in_(list(person_ids)))
    )
    return {person: (float(kg), float(points)) for person, kg, points in rows}
