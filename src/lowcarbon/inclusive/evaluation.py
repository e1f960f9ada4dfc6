"""Where ingestion meets the methodologies and rules: each readable event assessed under the current version of
its behaviour's methodology (``rules.assess``), with what the person was credited that day and month; a purchase of
a labelled product checked in the certificate registry (``certify.service``): the certificate must be valid on the
day of the purchase, of a carbon-footprint or environmental label.

An assessment that credits 0 kg (the cap reached) answers ``rejected`` with its reason: nothing is credited.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from lowcarbon.inclusive import rules
from lowcarbon.inclusive.batches import SentEvent
from lowcarbon.inclusive.ingest import History, Outcome
from lowcarbon.inclusive.methodology import methodology
from lowcarbon.inclusive.reasons import UnknownMethodology

__all__ = ["LABELS", "CertificateLookup", "evaluator"]

LABELS = ("carbon-footprint-label", "environmental-label", "low-carbon-product")  # the labels a purchase counts for
CertificateLookup = Callable[[str, date], dict[str, Any] | None]


def evaluator(partner: str, certificates: CertificateLookup) -> Callable[[SentEvent, History, datetime], Outcome]:
    """The ``evaluate`` of a batch of ``partner``: ``certificates`` answers a certificate number on a day (cached
    for the batch)."""
    seen: dict[tuple[str, date], dict[str, Any] | None] = {}

    def certificate(number: str, day: date) -> dict[str, Any] | None:
        if (number, day) not in seen:
            seen[(number, day)] = certificates(number, day)
        return seen[(number, day)]

    def evaluate(event: SentEvent, history: History, now: datetime) -> Outcome:
        assert event.occurred_at is not None
        try:
            m = methodology(event.behaviour)
        except UnknownMethodology as error:
            return Outcome("rejected", error.reason)
        if "certificate_number" in m.references:
            number = event.references.get("certificate_number", "")
            found = certificate(number, rules.local_day(event.occurred_at)) if number else None
            if number and (found is None or found["status"] != "valid" or found["scheme"] not in LABELS):
                return Outcome("rejected", "invalid_certificate", version=m.version)
        decision = rules.assess(
            m,
            rules.Event(event.occurred_at, event.quantities, partner, event.person, event.references, event.place),
            history.for_rules(),
            now,
        )
        kg = decision.reduction.kg if decision.reduction is not None else 0.0
        if decision.outcome == "reject" or (decision.outcome == "credit" and decision.kg <= 0):
            return Outcome("rejected", decision.reason, version=m.version)
        if decision.outcome == "hold":
            return Outcome(
                "held", decision.reason, kg, rules.points(m, kg), m.version, rules.credit_at(m, event.occurred_at)
            )
        return Outcome("credited", decision.reason, decision.kg, decision.points, m.version, decision.credit_at)

    return evaluate
