"""The carbon-inclusive demo: a partner platform (Metro Go) with a published secret, a reward catalogue, and a
batch of its riders' behaviours ingested as a partner sends them (metro and bus trips, shared bicycles, walking, a
food order without cutlery, a purchase of a product with the demo's carbon-footprint label), one rider's burst of
trips held for the operator's review. ``seed`` runs once the demo's certificates exist; it adds nothing when the
partner is there already."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lowcarbon.certify import service as certify
from lowcarbon.inclusive import evaluation, links, service
from lowcarbon.inclusive.batches import SentEvent
from lowcarbon.inclusive.ingest import ingest
from lowcarbon.inclusive.tables import Event, Partner, Person
from lowcarbon.ports import AuditLog

__all__ = ["PARTNER", "PERSON", "describe", "events", "seed"]

PARTNER = "Metro Go (demo)"
PERSON = "rider-0001"  # the demo person whose account link serve --demo prints


def events(now: datetime, certificate: str | None) -> list[SentEvent]:
    """The demo's batch: three riders over the last days (rider-0003's five metro trips in ten minutes are a burst)."""
    day = timedelta(days=1)
    made: list[SentEvent] = []

    def add(person: str, behaviour: str, when: datetime, quantities: dict[str, float], **extra: Any) -> None:
        made.append(SentEvent(f"demo-{len(made) + 1:04d}", person, behaviour, when, quantities, **extra))

    for offset in range(5, 0, -1):  # five working days, there and back
        start = now - offset * day
        add(PERSON, "metro_trip", start - timedelta(hours=2), {"distance_km": 12.5, "duration_min": 32})
        add(PERSON, "shared_bicycle", start - timedelta(hours=1), {"distance_km": 2.1, "duration_min": 11})
    add("rider-0002", "bus_trip", now - 3 * day, {"distance_km": 8.0, "duration_min": 30})
    add("rider-0002", "walking", now - 2 * day, {"distance_km": 3.2, "duration_min": 40})
    add("rider-0002", "food_order_no_cutlery", now - 2 * day, {})
    if certificate is not None:
        add(
            PERSON,
            "labelled_product_purchase",
            now - 2 * day,
            {"declared_footprint_kg": 6.38, "units": 2},
            references={"certificate_number": certificate},
        )
    for minute in range(5):
        add("rider-0003", "metro_trip", now - 3 * day + timedelta(minutes=2 * minute), {"distance_km": 6.0})
    return made


def seed(session: Session, audit: AuditLog, partner_id: int, now: datetime) -> None:
    """Ingest the demo's batch for the partner and publish the rewards, unless done before."""
    if session.scalar(sa.select(Event.id).where(Event.partner_id == partner_id).limit(1)) is not None:
        return
    certificate = certify.certificate_status
    listed = session.execute(
        sa.text(
            "SELECT number FROM certify_certificates WHERE number LIKE 'CFL-%' AND status = 'valid' ORDER BY id LIMIT 1"
        )
    ).scalar()
    evaluate = evaluation.evaluator(str(partner_id), lambda number, day: certificate(session, number, day))
    ingest(session, partner_id, events(now, listed), evaluate, now)
    service.add_reward(session, audit, now, name_zh="地铁单程票", name_en="Single metro ticket", points=30, stock=500)
    service.add_reward(
        session, audit, now, name_zh="共享单车月卡", name_en="Bike-share month pass", points=120, stock=None
    )


def describe(session: Session, organisations: Mapping[str, int | None]) -> list[str]:
    """What ``serve --demo`` prints of the scheme: the partner, what was credited and held."""
    partner = session.scalar(sa.select(Partner).where(Partner.name == PARTNER))
    if partner is None:
        return []
    counted = dict(
        (status, n)
        for status, n in session.execute(
            sa.select(Event.status, sa.func.count()).where(Event.partner_id == partner.id).group_by(Event.status)
        )
    )
    return [
        f"  Carbon-inclusive partner {partner.name}: id {partner.id}; events "
        + ", ".join(f"{status} {count}" for status, count in sorted(counted.items())),
    ]


def account_path(session: Session, key: bytes) -> str | None:
    """The demo person's account link (a path), when the demo has them."""
    person = session.scalar(
        sa.select(Person.id)
        .join(Partner, Partner.id == Person.partner_id)
        .where(Partner.name == PARTNER, Person.pseudonym == PERSON)
    )
    return f"/carbon-account/{links.account_token(person, key)}" if person is not None else None
