"""Caps and anti-fraud rules over values: whether one event is credited (and how much), held for review or rejected.

    assess(m, event, history, now) -> Decision     screen(m, event, now), then judge(m, event, reduction, history)
        reject  the event is wrong or late: in_future, too_old (past the claim window), a reason of ``reduction``
                (missing_quantity, not_eligible...), missing_reference, no_reduction (nothing saved)
        hold    it looks like fraud, for a reviewer: impossible_speed (distance_km / duration_min above the
                methodology's max speed, or the places of two events too far apart for the time between them),
                same_trip_other_partner (another partner reported an overlapping trip of the same linked person),
                burst (more than N events within M minutes)
        credit  ``kg`` within the caps: the whole reduction (reason None), a part up to the cap (capped), or
                nothing (cap_reached); ``credit_at`` when it may be credited (occurred_at + the delay)
    apply_caps(m, kg, history) -> (kg, reason)     the caps alone: for a held event a reviewer releases
    credit_at(m, occurred_at) -> datetime          occurred_at + the methodology's delay
    points(m, kg) -> int                           whole points for kg credited
    local_day(occurred_at) -> date                 the scheme's calendar day (China Standard Time, UTC+8)

The caller (the ledger) queries the person's ``History`` of the event's behaviour: events and kg credited on the
event's local day and month (events credited 0 kg not counted), and the recent accepted events (credited or held)
of about the last day with their times, partners, durations and places where sent. ``person`` is the linked person
when the person has linked their pseudonyms (their consent), else the partner's pseudonym: an overlapping trip from
another partner can only be found for a linked person. Rules are checked in the order above; the first that applies
answers. Everything is pure: the clock comes in as ``now``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from types import MappingProxyType
from typing import Literal

from lowcarbon.inclusive.methodology import (
    DECIMALS,
    InvalidEvent,
    Methodology,
    Reduction,
    check_references,
    reduction,
)

__all__ = [
    "FUTURE_SKEW",
    "MAX_TRAVEL_KMH",
    "SCHEME_ZONE",
    "Decision",
    "Event",
    "History",
    "Outcome",
    "Place",
    "RecentEvent",
    "apply_caps",
    "assess",
    "credit_at",
    "judge",
    "local_day",
    "points",
    "screen",
]

Place = tuple[float, float]  # latitude, longitude in degrees (WGS 84)
Outcome = Literal["credit", "hold", "reject"]

SCHEME_ZONE = timezone(timedelta(hours=8), "CST")  # days and months of the caps are China Standard Time's
FUTURE_SKEW = timedelta(minutes=5)  # a partner's clock may run this far ahead (the replay window's span)
MAX_TRAVEL_KMH = 350.0  # between two events' places any mode may have been used: China's fastest trains
_EMPTY: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True)
class Event:
    """One reported behaviour, as the rules see it. ``occurred_at`` (timezone-aware) is when it ended; a trip may
    send ``duration_min`` among its quantities; ``place`` is where it ended, when the partner sends it."""

    occurred_at: datetime
    quantities: Mapping[str, float]
    partner: str
    person: str
    references: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    place: Place | None = None


@dataclass(frozen=True)
class RecentEvent:
    """An already-accepted event of the person (credited or held), as ``History.recent`` lists it."""

    occurred_at: datetime
    partner: str
    duration_min: float | None = None
    place: Place | None = None


@dataclass(frozen=True)
class History:
    """What the person was already credited for the behaviour on the event's local day and month, and their recent
    accepted events (see the module docstring)."""

    events_today: int = 0
    kg_today: float = 0.0
    events_month: int = 0
    kg_month: float = 0.0
    recent: tuple[RecentEvent, ...] = ()


@dataclass(frozen=True)
class Decision:
    """The answer for one event: ``kg`` and ``points`` to credit (0 unless credit), at ``credit_at``."""

    outcome: Outcome
    reason: str | None = None
    kg: float = 0.0
    points: int = 0
    reduction: Reduction | None = None  # None when rejected before it was computed
    credit_at: datetime | None = None


def credit_at(m: Methodology, occurred_at: datetime) -> datetime:
    """When an event may be credited: ``occurred_at`` plus the methodology's delay (0 for walking and cycling)."""
    return occurred_at + m.delay


@lru_cache(maxsize=65536)  # ingestion asks it of every event, several times
def local_day(occurred_at: datetime) -> date:
    """The calendar day of the scheme (China Standard Time) an event falls on; its month is (year, month) of it."""
    return occurred_at.astimezone(SCHEME_ZONE).date()


def points(m: Methodology, kg: float) -> int:
    """The whole points ``kg`` earns (rounded down, to the milligram's precision)."""
    return math.floor(round(kg * m.points_per_kg, DECIMALS)) if kg > 0 else 0


def apply_caps(m: Methodology, kg: float, history: History) -> tuple[float, str | None]:
    """``kg`` within the person's daily and monthly caps: (kg, None), a part up to the cap (part, "capped"), or
    (0.0, "cap_reached")."""
    caps = m.caps
    if (caps.day_events is not None and history.events_today >= caps.day_events) or (
        caps.month_events is not None and history.events_month >= caps.month_events
    ):
        return 0.0, "cap_reached"
    room = kg
    if caps.day_kg is not None:
        room = min(room, caps.day_kg - history.kg_today)
    if caps.month_kg is not None:
        room = min(room, caps.month_kg - history.kg_month)
    room = round(room, DECIMALS)
    if room <= 0:
        return 0.0, "cap_reached"
    return (room, "capped") if room < kg else (kg, None)


def assess(m: Methodology, event: Event, history: History, now: datetime) -> Decision:
    """Credit, hold or reject ``event`` under ``m`` (see the module docstring for the reasons and their order)."""
    screened = screen(m, event, now)
    return screened if isinstance(screened, Decision) else judge(m, event, screened, history)


def screen(m: Methodology, event: Event, now: datetime) -> Decision | Reduction:
    """What ``assess`` decides before it looks at the person's history: the rejection (a Decision), or the
    reduction the history then judges. Ingestion screens a batch before it takes the partner's lock."""
    if event.occurred_at.tzinfo is None or now.tzinfo is None:
        raise ValueError("occurred_at and now must be timezone-aware")
    if event.occurred_at > now + FUTURE_SKEW:
        return Decision("reject", "in_future")
    if now - event.occurred_at > m.claim_window:
        return Decision("reject", "too_old")
    try:
        check_references(m, event.references)
        found = reduction(m, event.quantities)
    except InvalidEvent as exc:
        return Decision("reject", exc.reason)
    if found.kg <= 0:
        return Decision("reject", "no_reduction", reduction=found)
    return found


def judge(m: Methodology, event: Event, found: Reduction, history: History) -> Decision:
    """The rest of ``assess`` for a screened event: held when it looks like fraud, else credited within the caps."""
    suspicion = _suspicion(m, event, history)
    if suspicion is not None:
        return Decision("hold", suspicion, reduction=found)
    kg, reason = apply_caps(m, found.kg, history)
    return Decision("credit", reason, kg, points(m, kg), found, credit_at(m, event.occurred_at))


def _suspicion(m: Methodology, event: Event, history: History) -> str | None:
    if _impossible_speed(m, event, history):
        return "impossible_speed"
    if _same_trip_other_partner(m, event, history):
        return "same_trip_other_partner"
    if _burst(m, event, history):
        return "burst"
    return None


def _impossible_speed(m: Methodology, event: Event, history: History) -> bool:
    limit = m.fraud.max_speed_kmh
    distance, duration = event.quantities.get("distance_km"), event.quantities.get("duration_min")
    if (
        limit is not None
        and distance is not None
        and duration is not None
        and distance > 0
        and (duration <= 0 or distance / (duration / 60) > limit)
    ):
        return True
    if event.place is None or not history.recent:
        return False
    for other in history.recent:
        if other.place is None:
            continue
        hours = abs((event.occurred_at - other.occurred_at).total_seconds()) / 3600  # end to end, trip included
        km = _great_circle_km(event.place, other.place)
        if km > 1 and (hours <= 0 or km / hours > MAX_TRAVEL_KMH):
            return True
    return False


def _same_trip_other_partner(m: Methodology, event: Event, history: History) -> bool:
    if m.fraud.same_trip_minutes is None or not history.recent:
        return False
    slack = timedelta(minutes=m.fraud.same_trip_minutes)
    end = event.occurred_at
    start = end - timedelta(minutes=event.quantities.get("duration_min", 0.0))
    for other in history.recent:
        if other.partner == event.partner:
            continue
        other_start = other.occurred_at - timedelta(minutes=other.duration_min or 0.0)
        if start - slack <= other.occurred_at and other_start <= end + slack:
            return True
    return False


def _burst(m: Methodology, event: Event, history: History) -> bool:
    """More than ``burst.events`` events (this one included) in some span of ``burst.minutes`` holding it."""
    burst = m.fraud.burst
    if burst is None or len(history.recent) < burst.events:
        return False
    span = timedelta(minutes=burst.minutes)
    t = event.occurred_at
    times_with_event = sorted([t, *(o.occurred_at for o in history.recent if abs(o.occurred_at - t) <= span)])
    for begin in (time for time in times_with_event if time <= t):
        if begin + span < t:
            continue
        inside = sum(1 for time in times_with_event if begin <= time <= begin + span)
        if inside > burst.events:
            return True
    return False


def _great_circle_km(a: Place, b: Place) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))
