"""A partner's batch of events, read and checked as plain values before anything is stored.

The body is ``{"events": [{"id", "person", "behaviour", "occurred_at", "quantities": {name: number}}]}`` (an event
may add ``references``, texts such as ``certificate_number``, and ``place``, ``[latitude, longitude]``), at most
``MAX_EVENTS`` events. Reading it is the hot path of ingestion (25,000 events a second), so it is plain code over the
parsed JSON rather than a model per event; every problem of an event is a reason on that event (``rejected``), and
only a body that is not such a document at all is refused whole (400).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from lowcarbon.errors import InvalidInput

__all__ = ["MAX_EVENTS", "SentEvent", "read_batch"]

MAX_EVENTS = 5000
MAX_ID = 128
MAX_QUANTITIES = 16


@dataclass(frozen=True, slots=True)
class SentEvent:
    """An event as the partner sent it; ``problem`` is the reason it is rejected before any rule (None: readable)."""

    id: str
    person: str
    behaviour: str
    occurred_at: datetime | None
    quantities: dict[str, float]
    problem: str | None = None
    references: dict[str, str] = field(default_factory=dict)  # e.g. the certificate number of a labelled purchase
    place: tuple[float, float] | None = None  # where the behaviour ended, (latitude, longitude), when sent


def read_batch(body: bytes) -> list[SentEvent]:
    """The events of a batch body; InvalidInput when the body is not a batch (not JSON, no ``events`` list, too
    many events, an event without a usable ``id``)."""
    try:
        document = json.loads(body, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        raise InvalidInput('the body is not JSON: send {"events": [...]}') from None
    events = document.get("events") if isinstance(document, dict) else None
    if not isinstance(events, list):
        raise InvalidInput('send {"events": [...]}: a JSON object with a list of events')
    if len(events) > MAX_EVENTS:
        raise InvalidInput(f"a batch has at most {MAX_EVENTS} events; this one has {len(events)}")
    read = []
    for position, raw in enumerate(events):
        if not isinstance(raw, dict) or not _text(raw.get("id")):
            raise InvalidInput(f"events[{position}]: every event needs an `id` (a text of 1 to {MAX_ID} characters)")
        read.append(_event(raw))
    return read


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _text(value: object) -> bool:
    return isinstance(value, str) and 0 < len(value) <= MAX_ID and value.isprintable()


def _event(raw: dict[str, Any]) -> SentEvent:
    event_id, person, behaviour = raw["id"], raw.get("person"), raw.get("behaviour")
    problem = None
    if not _text(person):
        problem = "bad_person"
    elif not _text(behaviour):
        problem = "unknown_behaviour"
    occurred = _moment(raw.get("occurred_at"))
    if problem is None and occurred is None:
        problem = "bad_time"
    quantities: dict[str, float] = {}
    sent = raw.get("quantities", {})
    if not isinstance(sent, dict) or len(sent) > MAX_QUANTITIES:
        problem = problem or "bad_quantity"
    else:
        for name, value in sent.items():
            if (
                not isinstance(name, str)
                or isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
                or abs(value) > 1e12
            ):
                problem = problem or "bad_quantity"
                break
            quantities[name] = float(value)
    references = raw.get("references", {})
    if (
        not isinstance(references, dict)
        or len(references) > MAX_QUANTITIES
        or not all(isinstance(k, str) and _text(v) for k, v in references.items())
    ):
        problem, references = problem or "bad_reference", {}
    place = _place(raw.get("place"))
    if raw.get("place") is not None and place is None:
        problem = problem or "bad_place"
    return SentEvent(
        event_id,
        person if isinstance(person, str) else "",
        behaviour if isinstance(behaviour, str) else "",
        occurred,
        quantities,
        problem,
        references,
        place,
    )


def _place(value: object) -> tuple[float, float] | None:
    """``[latitude, longitude]`` in degrees; None when it is not one."""
    if not isinstance(value, list) or len(value) != 2:
        return None
    latitude, longitude = value
    if any(isinstance(v, bool) or not isinstance(v, int | float) for v in value):
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return float(latitude), float(longitude)


def _moment(value: object) -> datetime | None:
    """An RFC 3339 date-time with its offset, as UTC; None when it is not one."""
    if not isinstance(value, str) or not 19 <= len(value) <= 40:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return moment.astimezone(UTC)
