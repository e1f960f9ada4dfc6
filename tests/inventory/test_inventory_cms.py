"""The carbon management system evaluation's pure core: the requirement set as versioned data, scores per clause and
overall, the maturity level, the gap report, a self-assessment beside a body's evaluation, and a replacement set."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from lowcarbon.errors import DataFormatError
from lowcarbon.inventory.cms import compare, evaluate, load_requirements, shipped_requirement_sets


def test_the_shipped_set_says_what_it_is() -> None:
    """Nine clauses in plan-do-check-act order, two requirements each, with Chinese text and evidence; marked
    illustrative, its basis saying it is not a published guideline's text."""
    requirements = load_requirements()
    assert shipped_requirement_sets() == ["lowcarbon-illustrative-1"]
    assert requirements.status == "illustrative" and "NOT the text" in requirements.basis
    assert [c.pdca for c in requirements.clauses] == ["plan"] * 3 + ["do"] * 3 + ["check"] * 2 + ["act"]
    assert all(r.text_zh and r.evidence for c in requirements.clauses for r in c.requirements)


def test_scores_per_clause_overall_and_maturity() -> None:
    """Everything at 3 of 4 is 75 % (level 4, managed, by the set's thresholds) and no gap; one requirement at 1
    lowers its clause to 50 % and is a gap with its evidence to provide."""
    requirements = load_requirements()
    scores = dict.fromkeys(requirements.requirement_ids(), 3)
    result = evaluate(requirements, scores)
    assert result.percent == pytest.approx(75.0)
    assert (result.level, result.level_name) == (4, "managed")
    assert result.gaps == ()
    scores["suppliers.1"] = 1
    result = evaluate(requirements, scores)
    assert {c.clause: c.percent for c in result.clauses}["suppliers"] == pytest.approx(50.0)
    assert result.percent == pytest.approx(100 * (17 * 3 + 1) / (18 * 4))
    assert result.level == 3
    (gap,) = result.gaps
    assert (gap.requirement, gap.clause, gap.score) == ("suppliers.1", "suppliers", 1)
    assert "PACT footprints received" in gap.evidence


def test_a_self_assessment_beside_the_body_s_evaluation() -> None:
    requirements = load_requirements()
    own = evaluate(requirements, dict.fromkeys(requirements.requirement_ids(), 4), "self-assessment")
    body_scores = dict.fromkeys(requirements.requirement_ids(), 4) | {"audit.1": 2, "audit.2": 2}
    body = evaluate(requirements, body_scores, "evaluation")
    differences = compare(own, body)
    assert differences["audit"] == pytest.approx(-50.0)
    assert differences["policy"] == 0


def test_an_assessment_that_does_not_fit_is_refused_whole() -> None:
    requirements = load_requirements()
    scores = dict.fromkeys(requirements.requirement_ids(), 2)
    del scores["policy.1"]
    scores["policy.9"] = 2
    scores["review.1"] = 7
    with pytest.raises(DataFormatError) as caught:
        evaluate(requirements, scores, "self.json")
    assert [(p.place, p.id) for p in caught.value.problems] == [
        ("policy.1", "missing"),
        ("policy.9", "unknown_requirement"),
        ("review.1", "scale"),
    ]


def test_a_published_set_replaces_the_shipped_one_as_data(tmp_path: Path) -> None:
    """A set of the same shape with its own id and version loads from a file and scores as such; a broken one is
    refused with its place."""
    text = resources.files("lowcarbon.inventory.data.cms").joinpath("lowcarbon-illustrative-1.json").read_text("utf-8")
    data = json.loads(text)
    data.update(id="some-guideline", version="2027", status="published", basis="the guideline's text, 2027")
    data["clauses"] = data["clauses"][:1]
    path = tmp_path / "some-guideline-2027.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    requirements = load_requirements(path)
    result = evaluate(requirements, {"policy.1": 4, "policy.2": 2})
    assert result.requirement_set == "some-guideline-2027" and result.percent == pytest.approx(75.0)
    data["maturity"]["levels"].reverse()
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(DataFormatError) as caught:
        load_requirements(path)
    assert caught.value.problems[0].id == "maturity_levels"
