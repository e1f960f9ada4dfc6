"""Where ingestion meets the methodologies and rules: each readable event assessed under the current version of
its behaviour's methodology (``rules.assess``), with what the person was credited that day and month; a purchase of
a labelled product checked in the certificate registry (``certify.service``): the certificate must be valid on the
day of the purchase, of a carbon-footprint or environmental label.

An assessment that credits 0 kg (the cap reached) answers ``rejected`` with its reason: nothing is credited.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from lowcarbon.inclusive import rules
from lowcarbon.inclusive.batches import SentEvent
from lowcarbon.inclusive.ingest import History, Outcome
from lowcarbon.inclusive.methodology import Methodology, Reduction, methodology
from lowcarbon.inclusive.reasons import UnknownMethodology

__all__ = ["LABELS", "CertificateLookup", "Evaluator", "evaluator"]

LABELS = ("carbon-footprint-label", "environmental-label", "low-carbon-product")  # the labels a purchase counts for
CertificateLookup = Callable[[str, date], dict[str, Any] | None]
_Screened = tuple[Methodology, rules.Event, Reduction]  # a readable event's methodology, as the rules see it, reduction


def evaluator(partner: str, certificates: CertificateLookup) -> Evaluator:
    """The ``evaluate`` of a batch of ``partner``: ``certificates`` answers a certificate number on a day (cached
    for the batch)."""
    return Evaluator(partner, certificates)


class Evaluator:
    """``evaluate(event, history, now) -> Outcome`` for ingestion. ``screen(events, now)`` does beforehand, outside
    the partner's lock, what needs no history: the methodology, the certificate, the time window and the reduction;
    the call under the lock then only judges the fraud rules and the caps."""

    def __init__(self, partner: str, certificates: CertificateLookup) -> None:
        self.partner = partner
        self._certificates = certificates
        self._seen: dict[tuple[str, date], dict[str, Any] | None] = {}
        self._screened: dict[int, tuple[SentEvent, Outcome | _Screened]] = {}

    def screen(self, events: Sequence[SentEvent], now: datetime) -> None:
        """Screen the readable ``events`` at ``now`` (the time the evaluation is then called with)."""
        for event in events:
            if event.problem is None:
                self._screened[id(event)] = (event, self._screen(event, now))

    def __call__(self, event: SentEvent, history: History, now: datetime) -> Outcome:
        held = self._screened.get(id(event))  # asked again when the batch is judged again under the lock
        screened = held[1] if held is not None and held[0] is event else self._screen(event, now)
        if isinstance(screened, Outcome):
            return screened
        m, sent, found = screened
        decision = rules.judge(m, sent, found, history.for_rules())
        if decision.outcome == "credit" and decision.kg <= 0:
            return Outcome("rejected", decision.reason, version=m.version)
        if decision.outcome == "hold":
            kg = found.kg
            return Outcome(
                "held", decision.reason, kg, rules.points(m, kg), m.version, rules.credit_at(m, sent.occurred_at)
            )
        return Outcome("credited", decision.reason, decision.kg, decision.points, m.version, decision.credit_at)

    def _certificate(self, number: str, day: date) -> dict[str, Any] | None:
        if (number, day) not in self._seen:
            self._seen[(number, day)] = self._certificates(number, day)
        return self._seen[(number, day)]

    def _screen(self, event: SentEvent, now: datetime) -> Outcome | _Screened:
        assert event.occurred_at is not None
        try:
            m = methodology(event.behaviour)
        except UnknownMethodology as error:
            return Outcome("rejected", error.reason)
        if "certificate_number" in m.references:
            number = event.references.get("certificate_number", "")
            found = self._certificate(number, rules.local_day(event.occurred_at)) if number else None
            if number and (found is None or found["status"] != "valid" or found["scheme"] not in LABELS):
                return Outcome("rejected", "invalid_certificate", version=m.version)
        sent = rules.Event(
            event.occurred_at, event.quantities, self.partner, event.person, event.references, event.place
        )
        screened = rules.screen(m, sent, now)
        if isinstance(screened, rules.Decision):
            return Outcome("rejected", screened.reason, version=m.version)
        return m, sent, screened
