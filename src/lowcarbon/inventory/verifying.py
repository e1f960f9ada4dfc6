"""The verification of a stored GHG inventory by a certification body (ISO 14064-3:2019), on a session.

The organisation asks a body to verify one of its computed inventories; the body accepts, agreeing the level of
assurance and the materiality threshold (``accept``); its verifier samples activity records (each copied as it is,
with the evidence seen: described, and a file when one is attached), records findings (a nonconformity, or a
misstatement with its amount in t CO2e) and the corrections the organisation made (a finding is then ``corrected``;
the corrected records themselves are changed in the inventory, through its own use cases), and concludes with an
opinion that the uncorrected misstatements allow against the materiality (``assurance``). Someone else of the body
reviews and issues the signed verification statement, or returns it. The workflow is ``data/workflow.json``'s
``verification`` machine.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lowcarbon.certify.parties import Actor, text_field
from lowcarbon.certify.service import MAX_DOCUMENT
from lowcarbon.certify.workflow import Party
from lowcarbon.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from lowcarbon.inventory import assurance, engagements, service
from lowcarbon.inventory.engagements import check_body, machine, visible
from lowcarbon.inventory.tables import ActivityRow, EngagementRow, FindingRow, SampleRow
from lowcarbon.ports import Ports
from lowcarbon.storage import canonical_json, serialize, snapshot

__all__ = [
    "KIND",
    "VERIFICATION",
    "add_finding",
    "add_sample",
    "correct_finding",
    "get_sample_document",
    "request_verification",
    "verification_view",
]

KIND = "verification"
WORKING = "verification"  # the state in which samples and findings are recorded


def request_verification(
    session: Session, ports: Ports, actor: Actor, *, inventory_id: int, body_id: int
) -> dict[str, Any]:
    """The organisation asks certification body ``body_id`` to verify its computed inventory ``inventory_id``."""
    check_body(session, actor, body_id)
    service.result_of(session, organisation_id=actor.organisation_id, inventory_id=inventory_id)  # its, computed
    states = machine(KIND)
    serialize(session, f"inventory:verification:{inventory_id}")  # one open verification of an inventory at a time
    open_ones = session.scalars(
        sa.select(EngagementRow.state).where(EngagementRow.kind == KIND, EngagementRow.inventory_id == inventory_id)
    )
    if any(not states.final(state) for state in open_ones):
        raise Conflict(f"inventory {inventory_id} is being verified already: finish or withdraw that verification")
    return engagements.open_engagement(session, ports, actor, VERIFICATION, body_id=body_id, inventory_id=inventory_id)


def verification_view(session: Session, actor: Actor, engagement_id: int) -> dict[str, Any]:
    """What a party sees: the engagement, the inventory's name, year and current total, the samples (without their
    files), the findings and, once the terms are agreed, the assessment of the findings against the materiality."""
    return engagements.view(session, actor, VERIFICATION, engagement_id)


def _shown(session: Session, actor: Actor, row: EngagementRow, party: Party) -> dict[str, Any]:
    summary, _ = service.get_inventory(session, organisation_id=row.organisation_id, inventory_id=_inventory(row))
    samples = session.scalars(sa.select(SampleRow).where(SampleRow.engagement_id == row.id).order_by(SampleRow.id))
    findings = _findings(session, row.id)
    view = engagements.engagement_view(session, actor, row, party)
    view["inventory"] = {"id": summary.id, "name": summary.name, "year": summary.reporting_year, "total": summary.total}
    view["samples"] = [_sample(s) for s in samples]
    view["findings"] = [_finding(f) for f in findings]
    if row.terms is not None and summary.total is not None:
        view["assessment"] = _assessment(row, summary.total, findings).to_dict()
    return view


def _body_at_work(session: Session, actor: Actor, engagement_id: int) -> EngagementRow:
    row, party = visible(session, actor.organisation_id, engagement_id, KIND)
    if party != "body" or not actor.editor:
        raise PermissionDenied("the certification body's editors sample records and record findings")
    if row.state != WORKING:
        raise Conflict(f"samples and findings are recorded during verification; the verification is {row.state}")
    return row


def add_sample(
    session: Session,
    ports: Ports,
    actor: Actor,
    engagement_id: int,
    *,
    activity_id: int,
    evidence: str,
    document: tuple[str, bytes] | None = None,
) -> dict[str, Any]:
    """The verifier samples activity record ``activity_id`` of the inventory, with the evidence seen (``evidence``
    describes it; ``document``, a file's name and bytes, attaches it)."""
    row = _body_at_work(session, actor, engagement_id)
    activity = session.get(ActivityRow, activity_id)
    if activity is None or activity.inventory_id != row.inventory_id:
        raise NotFound(f"the inventory has no activity record {activity_id}")
    name, content = document if document is not None else (None, None)
    if content is not None and len(content) > MAX_DOCUMENT:
        raise InvalidInput(f"an evidence file is at most {MAX_DOCUMENT // (1024 * 1024)} MiB")
    sample = SampleRow(
        engagement_id=row.id,
        activity_id=activity.id,
        site=activity.site,
        period=activity.period,
        record=dict(activity.record),
        evidence=text_field(evidence, "evidence", 2000, multiline=True),
        document_name=text_field(name, "file name", 200) if name is not None else None,
        document=content,
        document_sha256=hashlib.sha256(content).hexdigest() if content is not None else None,
        created_by=actor.user_id,
        created_at=ports.clock(),
    )
    session.add(sample)
    session.flush()
    ports.audit.record("add", "inventory_sample", sample.id, None, snapshot(sample, hidden=("document",)))
    return _sample(sample)


def get_sample_document(session: Session, organisation_id: int, engagement_id: int, sample_id: int) -> SampleRow:
    """A sample with its evidence file, for either party; NotFound when it has none."""
    row, _ = visible(session, organisation_id, engagement_id, KIND)
    sample = session.get(SampleRow, sample_id)
    if sample is None or sample.engagement_id != row.id or sample.document is None:
        raise NotFound(f"verification {engagement_id} has no sample {sample_id} with a file")
    return sample


def add_finding(
    session: Session,
    ports: Ports,
    actor: Actor,
    engagement_id: int,
    *,
    kind: str,
    text: str,
    amount_t: float | None = None,
    sample_id: int | None = None,
) -> dict[str, Any]:
    """The verifier records a finding: a ``nonconformity`` (no amount), or a ``misstatement`` with its amount in
    t CO2e (positive: the inventory overstates; negative: it understates), on a sample when named."""
    row = _body_at_work(session, actor, engagement_id)
    if kind not in assurance.FINDING_KINDS:
        raise InvalidInput(f"a finding is one of {', '.join(assurance.FINDING_KINDS)}")
    if kind == "misstatement":
        number = not isinstance(amount_t, bool) and isinstance(amount_t, int | float) and math.isfinite(amount_t)
        if not number or amount_t == 0:
            raise InvalidInput("a misstatement has its amount in t CO2e (amount_t), a finite number other than 0")
    elif amount_t is not None:
        raise InvalidInput("a nonconformity has no amount: record a misstatement for an amount")
    if sample_id is not None:
        sample = session.get(SampleRow, sample_id)
        if sample is None or sample.engagement_id != row.id:
            raise NotFound(f"verification {engagement_id} has no sample {sample_id}")
    finding = FindingRow(
        engagement_id=row.id,
        kind=kind,
        text=text_field(text, "finding", 2000, multiline=True),
        amount_t=float(amount_t) if amount_t is not None else None,
        sample_id=sample_id,
        status="open",
        created_by=actor.user_id,
        created_at=ports.clock(),
    )
    session.add(finding)
    session.flush()
    ports.audit.record("add", "inventory_finding", finding.id, None, snapshot(finding))
    return _finding(finding)


def correct_finding(
    session: Session, ports: Ports, actor: Actor, engagement_id: int, finding_id: int, *, correction: str
) -> dict[str, Any]:
    """The verifier records that the organisation corrected a finding, and how (the inventory's records are
    corrected through the inventory's own use cases; this says the verifier has checked it)."""
    row = _body_at_work(session, actor, engagement_id)
    finding = session.get(FindingRow, finding_id)
    if finding is None or finding.engagement_id != row.id:
        raise NotFound(f"verification {engagement_id} has no finding {finding_id}")
    if finding.status == "corrected":
        raise Conflict("the finding is corrected already")
    before = snapshot(finding)
    finding.correction = text_field(correction, "correction", 2000, multiline=True)
    finding.status, finding.corrected_by, finding.corrected_at = "corrected", actor.user_id, ports.clock()
    session.flush()
    ports.audit.record("correct", "inventory_finding", finding.id, before, snapshot(finding))
    return _finding(finding)


# --- guards and the statement ------------------------------------------------------------------------------------


def _inventory(row: EngagementRow) -> int:
    assert row.inventory_id is not None, "a verification names its inventory"
    return row.inventory_id


def _findings(session: Session, engagement_id: int) -> list[FindingRow]:
    query = sa.select(FindingRow).where(FindingRow.engagement_id == engagement_id).order_by(FindingRow.id)
    return list(session.scalars(query))


def _assessment(row: EngagementRow, total: float, findings: list[FindingRow]) -> assurance.Assessment:
    return assurance.assess(
        total,
        float(row.terms["materiality_percent"]),
        [assurance.Misstatement(f.kind, f.amount_t, f.status == "corrected") for f in findings],
    )


def _terms_agreed(session: Session, row: EngagementRow, data: Mapping[str, Any]) -> dict[str, Any]:
    row.terms = assurance.check_terms(data)
    return dict(row.terms)


def _opinion_fits(session: Session, row: EngagementRow, data: Mapping[str, Any]) -> dict[str, Any]:
    """The opinion, checked against the findings and the inventory as it is now (corrections included), which the
    conclusion freezes: its total, totals by scope and category, and the SHA-256 of its result."""
    summary, inventory, result = service.result_of(
        session, organisation_id=row.organisation_id, inventory_id=_inventory(row)
    )
    samples = session.scalar(sa.select(sa.func.count()).where(SampleRow.engagement_id == row.id)) or 0
    if not samples:
        raise Conflict("no activity record is sampled: sample the records whose evidence you checked first")
    findings = _findings(session, row.id)
    conclusion = assurance.check_opinion(data, _assessment(row, float(result["total"]), findings))
    row.conclusion = {
        **conclusion,
        "samples": samples,
        "findings": {"total": len(findings), "open": sum(f.status == "open" for f in findings)},
        "inventory": {
            "id": summary.id,
            "name": summary.name,
            "organisation": inventory.organisation.name,  # as the inventory reports it
            "organisation_zh": inventory.organisation.name_zh,
            "reporting_year": summary.reporting_year,
            "approach": summary.approach,
            "gwp": result.get("gwp", summary.gwp),
            "sites": summary.sites,
            "total": result["total"],
            "by_scope": result["by_scope"],
            "by_category": result["by_category"],
            "result_sha256": hashlib.sha256(canonical_json(result).encode()).hexdigest(),
        },
    }
    return {"opinion": conclusion["opinion"], "assessment": conclusion["assessment"]}


def _statement(session: Session, row: EngagementRow) -> dict[str, Any]:
    """What the verification statement says: the standards, the terms, the inventory as concluded and the opinion."""
    conclusion = row.conclusion
    assessed = conclusion["assessment"]
    return {
        "standard": "ISO 14064-1:2018",
        "verification_standard": "ISO 14064-3:2019",
        "assurance": row.terms["assurance"],
        "materiality_percent": row.terms["materiality_percent"],
        "inventory": conclusion["inventory"],
        "unit": "t CO2e",
        "opinion": conclusion["opinion"],
        "basis": conclusion["basis"],
        "uncorrected_misstatements_t": assessed["uncorrected_t"],
        "materiality_t": assessed["threshold_t"],
        "material": assessed["material"],
        "samples": conclusion["samples"],
        "findings": conclusion["findings"],
    }


def _sample(sample: SampleRow) -> dict[str, Any]:
    return {
        "id": sample.id,
        "activity_id": sample.activity_id,
        "site": sample.site,
        "period": sample.period,
        "record": sample.record,
        "evidence": sample.evidence,
        "document_name": sample.document_name,
        "document_sha256": sample.document_sha256,
        "created_at": sample.created_at,
    }


def _finding(finding: FindingRow) -> dict[str, Any]:
    return {
        "id": finding.id,
        "kind": finding.kind,
        "text": finding.text,
        "amount_t": finding.amount_t,
        "sample_id": finding.sample_id,
        "status": finding.status,
        "correction": finding.correction,
        "created_at": finding.created_at,
        "corrected_at": finding.corrected_at,
    }


VERIFICATION = engagements.Kind(
    KIND, {"terms_agreed": _terms_agreed, "opinion_fits": _opinion_fits}, _statement, _shown
)
