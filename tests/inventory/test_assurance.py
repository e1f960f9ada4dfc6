"""The pure core of an inventory's verification (ISO 14064-3): the terms, the misstatements against the
materiality, and the opinions they allow, worked by hand."""

from __future__ import annotations

import pytest

from lowcarbon.errors import InvalidInput
from lowcarbon.inventory.assurance import Misstatement, assess, check_opinion, check_terms


def test_terms_need_the_level_and_the_materiality() -> None:
    assert check_terms({"assurance": "limited", "materiality_percent": 5}) == {
        "assurance": "limited",
        "materiality_percent": 5.0,
    }
    for bad in (
        {"materiality_percent": 5},
        {"assurance": "absolute", "materiality_percent": 5},
        {"assurance": "reasonable"},
        {"assurance": "reasonable", "materiality_percent": 0},
        {"assurance": "reasonable", "materiality_percent": 100.5},
        {"assurance": "reasonable", "materiality_percent": True},
        {"assurance": "reasonable", "materiality_percent": "5"},
    ):
        with pytest.raises(InvalidInput):
            check_terms(bad)


def test_misstatements_add_up_as_absolute_amounts_against_the_threshold() -> None:
    """2,000 t at 5 %: a threshold of 100 t. +60 and -50 uncorrected are 110 t (they do not cancel): material;
    the corrected 30 t and the nonconformity (no amount) add nothing to it."""
    findings = [
        Misstatement("misstatement", 60.0, False),
        Misstatement("misstatement", -50.0, False),
        Misstatement("misstatement", 30.0, True),
        Misstatement("nonconformity", None, False),
    ]
    assessed = assess(2000.0, 5.0, findings)
    assert assessed.threshold_t == pytest.approx(100.0)
    assert assessed.uncorrected_t == pytest.approx(110.0) and assessed.corrected_t == pytest.approx(30.0)
    assert assessed.material is True and assessed.open_nonconformities == 1
    at_threshold = assess(2000.0, 5.0, [Misstatement("misstatement", 100.0, False)])
    assert at_threshold.material is False  # material only above the threshold


def test_the_opinion_the_assessment_allows() -> None:
    material = assess(2000.0, 5.0, [Misstatement("misstatement", 150.0, False)])
    open_nonconformity = assess(2000.0, 5.0, [Misstatement("nonconformity", None, False)])
    clean = assess(2000.0, 5.0, [Misstatement("misstatement", 150.0, True)])
    for refused in (material, open_nonconformity):
        with pytest.raises(InvalidInput):
            check_opinion({"opinion": "positive"}, refused)
        assert check_opinion({"opinion": "qualified"}, refused)["opinion"] == "qualified"
        assert check_opinion({"opinion": "adverse"}, refused)["opinion"] == "adverse"
    concluded = check_opinion({"opinion": "positive", "basis": "all corrected"}, clean)
    assert concluded["opinion"] == "positive" and concluded["assessment"]["material"] is False
    for bad in ({}, {"opinion": "unmodified"}, {"opinion": "positive", "basis": 3}):
        with pytest.raises(InvalidInput):
            check_opinion(bad, clean)
