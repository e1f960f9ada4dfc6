"""The evaluation of an organisation's carbon management system by a certification body, on a session.

The organisation starts an evaluation against one of the shipped requirement sets (``cms``) and submits its
self-assessment (a score for every requirement: ``submit``); the body accepts, and its evaluator scores every
requirement with the evidence seen (``evaluate``): per clause and overall, the maturity level, the gap report, and
the comparison with the self-assessment. The organisation answers each gap with a corrective action; someone of the
body other than the evaluator issues the signed evaluation certificate (``certify``, once every gap has its action)
or returns the evaluation. The workflow is ``data/workflow.json``'s ``evaluation`` machine.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from sqlalchemy.orm import Session

from lowcarbon.certify.parties import Actor, text_field
from lowcarbon.errors import Conflict, InvalidInput, PermissionDenied
from lowcarbon.inventory import cms, engagements
from lowcarbon.inventory.engagements import check_body, visible
from lowcarbon.inventory.tables import EngagementRow
from lowcarbon.ports import Ports
from lowcarbon.storage import snapshot

__all__ = ["EVALUATION", "KIND", "evaluation_view", "requirement_set", "set_actions", "start_evaluation"]

KIND = "evaluation"
MAX_TEXT = 2000


def requirement_set(name: str) -> cms.RequirementSet:
    """A shipped requirement set by ``<id>-<version>``; InvalidInput for any other name (a stored evaluation never
    reads a file from the server's disk)."""
    shipped = cms.shipped_requirement_sets()
    if name not in shipped:
        raise InvalidInput(f"requirement_set is one of the shipped sets: {', '.join(shipped)}")
    return cms.load_requirements(name)


def start_evaluation(
    session: Session, ports: Ports, actor: Actor, *, body_id: int, requirement_set_name: str
) -> dict[str, Any]:
    """The organisation starts the evaluation of its carbon management system by ``body_id`` against a shipped
    requirement set; it is in self-assessment until the organisation submits its own scores."""
    check_body(session, actor, body_id)
    requirement_set(requirement_set_name)
    return engagements.open_engagement(
        session, ports, actor, EVALUATION, body_id=body_id, requirement_set=requirement_set_name
    )


def evaluation_view(session: Session, actor: Actor, engagement_id: int) -> dict[str, Any]:
    """What a party sees: the engagement, the requirement set's name, the self-assessment and the body's scores with
    their evaluations, the corrective actions, the moves."""
    return engagements.view(session, actor, EVALUATION, engagement_id)


def set_actions(
    session: Session, ports: Ports, actor: Actor, engagement_id: int, actions: Mapping[str, Any]
) -> dict[str, Any]:
    """The organisation's corrective action for each gap of the body's evaluation (requirement id -> text), while the
    evaluation is in review; replaces those given before."""
    row, party = visible(session, actor.organisation_id, engagement_id, KIND)
    if party != "applicant" or not actor.editor:
        raise PermissionDenied("the evaluated organisation's editors plan the corrective actions")
    if row.state != "review":
        raise Conflict(f"corrective actions answer the body's scores in review; the evaluation is {row.state}")
    gaps = {gap["requirement"] for gap in row.conclusion["evaluation"]["gaps"]}
    unknown = sorted(set(actions) - gaps)
    if unknown:
        raise InvalidInput(f"not gaps of this evaluation: {', '.join(unknown)}; the gaps are {', '.join(sorted(gaps))}")
    before = snapshot(row, hidden=("self_assessment", "conclusion"))
    row.actions = {
        **(row.actions or {}),
        **{rid: text_field(text, f"action for {rid}", MAX_TEXT, multiline=True) for rid, text in actions.items()},
    }
    row.updated_at = ports.clock()
    session.flush()
    ports.audit.record("plan_actions", "inventory_evaluation", row.id, before, snapshot(row, hidden=("conclusion",)))
    return evaluation_view(session, actor, row.id)


# --- guards and the certificate ----------------------------------------------------------------------------------


def _scores(data: Mapping[str, Any]) -> dict[str, int]:
    scores = data.get("scores")
    if not isinstance(scores, Mapping) or not scores:
        raise InvalidInput("give `scores`: a score for every requirement of the set (requirement id -> score)")
    return dict(scores)


def _requirements(row: EngagementRow) -> cms.RequirementSet:
    assert row.requirement_set is not None, "an evaluation names its requirement set"
    return requirement_set(row.requirement_set)


def _self_assessed(session: Session, row: EngagementRow, data: Mapping[str, Any]) -> dict[str, Any]:
    scores = _scores(data)
    own = cms.evaluate(_requirements(row), scores, "self-assessment")
    row.self_assessment = {"scores": scores, "evaluation": asdict(own)}
    return {"percent": own.percent}


def _body_scored(session: Session, row: EngagementRow, data: Mapping[str, Any]) -> dict[str, Any]:
    """The body's scores with the evidence seen for each requirement, their evaluation, and the difference from the
    self-assessment clause by clause (``cms.compare``)."""
    scores = _scores(data)
    evidence = data.get("evidence")
    if not isinstance(evidence, Mapping) or set(evidence) != set(scores):
        raise InvalidInput("give `evidence`: for each requirement scored, the evidence seen (requirement id -> text)")
    requirements = _requirements(row)
    body = cms.evaluate(requirements, scores, "evaluation")
    own = cms.evaluate(requirements, row.self_assessment["scores"], "self-assessment")
    row.conclusion = {
        "scores": scores,
        "evidence": {
            rid: text_field(text, f"evidence for {rid}", MAX_TEXT, multiline=True) for rid, text in evidence.items()
        },
        "evaluation": asdict(body),
        "difference": cms.compare(own, body),
    }
    return {"percent": body.percent, "level": body.level}


def _actions_planned(session: Session, row: EngagementRow, data: Mapping[str, Any]) -> None:
    gaps = [gap["requirement"] for gap in row.conclusion["evaluation"]["gaps"]]
    missing = [rid for rid in gaps if rid not in (row.actions or {})]
    if missing:
        raise Conflict(f"the organisation has planned no corrective action for the gaps {', '.join(missing)}")


def _certificate(session: Session, row: EngagementRow) -> dict[str, Any]:
    """What the evaluation certificate says: the requirement set, the scores per clause and overall, the maturity
    level, and the gaps with their corrective actions."""
    requirements = _requirements(row)
    evaluation = row.conclusion["evaluation"]
    actions = row.actions or {}
    return {
        "requirement_set": {
            "id": requirements.id,
            "version": requirements.version,
            "status": requirements.status,
            "title": requirements.title,
            "title_zh": requirements.title_zh,
        },
        "percent": evaluation["percent"],
        "level": evaluation["level"],
        "level_name": evaluation["level_name"],
        "level_name_zh": evaluation["level_name_zh"],
        "clauses": evaluation["clauses"],
        "gaps": [
            {
                "requirement": gap["requirement"],
                "clause": gap["clause"],
                "score": gap["score"],
                "action": actions[gap["requirement"]],
            }
            for gap in evaluation["gaps"]
        ],
        "self_assessment_percent": row.self_assessment["evaluation"]["percent"],
    }


EVALUATION = engagements.Kind(
    KIND,
    {"self_assessed": _self_assessed, "scored": _body_scored, "actions_planned": _actions_planned},
    _certificate,
    engagements.engagement_view,
)
