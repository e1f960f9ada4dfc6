"""The verification of an organisation's GHG inventory as ISO 14064-3:2019 describes it, on values: the terms agreed
(level of assurance, limited or reasonable, and the materiality threshold as a percentage of the inventory's total),
the misstatements the verifier found and whether those left uncorrected are material, and the opinion they allow.

ISO 14064-3 leaves the materiality threshold to the engagement (the verifier sets it with the intended user in mind),
so there is no default here: the body states it when it accepts. Misstatements are compared with the threshold in
aggregate, as absolute amounts (an overstatement and an understatement do not cancel); an uncorrected aggregate
above the threshold is material and the opinion cannot then be unmodified ("positive", the word certification's
footprint verification uses): it is qualified or adverse. An open nonconformity bars a positive opinion too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal

from lowcarbon.certify.verification import OPINIONS
from lowcarbon.errors import InvalidInput

__all__ = [
    "ASSURANCE",
    "FINDING_KINDS",
    "OPINIONS",
    "Assessment",
    "Misstatement",
    "assess",
    "check_opinion",
    "check_terms",
]

ASSURANCE = ("limited", "reasonable")
FINDING_KINDS = ("nonconformity", "misstatement")
Assurance = Literal["limited", "reasonable"]


@dataclass(frozen=True)
class Misstatement:
    """A finding as the assessment counts it: its kind, amount (t CO2e; None for a nonconformity) and whether the
    organisation has corrected it."""

    kind: str
    amount_t: float | None
    corrected: bool


@dataclass(frozen=True)
class Assessment:
    """The findings against the materiality threshold: amounts in t CO2e."""

    total_t: float  # the inventory's total as verified
    materiality_percent: float
    threshold_t: float  # materiality_percent of |total_t|
    uncorrected_t: float  # the sum of |amount| of the misstatements not corrected
    corrected_t: float
    open_nonconformities: int
    material: bool  # uncorrected_t > threshold_t

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def check_terms(data: Mapping[str, Any]) -> dict[str, Any]:
    """The engagement's terms from an ``accept`` move: ``assurance`` (limited or reasonable) and
    ``materiality_percent`` (above 0, at most 100). InvalidInput otherwise."""
    assurance = data.get("assurance")
    if assurance not in ASSURANCE:
        raise InvalidInput(f"give the level of assurance agreed: one of {', '.join(ASSURANCE)}")
    materiality = data.get("materiality_percent")
    if isinstance(materiality, bool) or not isinstance(materiality, int | float) or not 0 < materiality <= 100:
        raise InvalidInput("materiality_percent is the threshold agreed, a percentage of the total above 0 and ≤ 100")
    return {"assurance": assurance, "materiality_percent": float(materiality)}


def assess(total_t: float, materiality_percent: float, findings: Iterable[Misstatement]) -> Assessment:
    """The findings against ``materiality_percent`` of ``total_t``."""
    found = list(findings)
    amounts = [(abs(f.amount_t or 0.0), f.corrected) for f in found if f.kind == "misstatement"]
    uncorrected = sum(amount for amount, corrected in amounts if not corrected)
    threshold = abs(total_t) * materiality_percent / 100
    return Assessment(
        total_t=total_t,
        materiality_percent=materiality_percent,
        threshold_t=threshold,
        uncorrected_t=uncorrected,
        corrected_t=sum(amount for amount, corrected in amounts if corrected),
        open_nonconformities=sum(1 for f in found if f.kind == "nonconformity" and not f.corrected),
        material=uncorrected > threshold,
    )


def check_opinion(data: Mapping[str, Any], assessment: Assessment) -> dict[str, Any]:
    """The conclusion a ``conclude`` move records: the ``opinion`` (positive, qualified or adverse) that the
    assessment allows, and the verifier's ``basis`` text. InvalidInput when the opinion is missing or unknown, or
    positive while the uncorrected misstatements are material or a nonconformity is open."""
    opinion = data.get("opinion")
    if opinion not in OPINIONS:
        raise InvalidInput(f"give the verification opinion: one of {', '.join(OPINIONS)}")
    if opinion == "positive" and assessment.material:
        raise InvalidInput(
            f"the uncorrected misstatements, {assessment.uncorrected_t:.6g} t CO2e, exceed the materiality of "
            f"{assessment.materiality_percent:g} % ({assessment.threshold_t:.6g} t CO2e): the opinion is qualified "
            "or adverse"
        )
    if opinion == "positive" and assessment.open_nonconformities:
        count = assessment.open_nonconformities
        raise InvalidInput(
            f"{count} nonconformit{'ies are' if count > 1 else 'y is'} not corrected: the opinion is qualified or"
            " adverse"
        )
    basis = data.get("basis", "")
    if not isinstance(basis, str) or len(basis) > 4000:
        raise InvalidInput("basis is a text of at most 4,000 characters")
    return {"opinion": opinion, "basis": basis, "assessment": assessment.to_dict()}
