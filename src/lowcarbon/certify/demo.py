"""The certify domain's demo data: Greenmark Certification Ltd. holds signing keys and has certified the demo's
products in all three schemes; one application stands at each stage of the workflow, one certificate is suspended
and one revoked.

Everything goes through the service, move by move along the workflow's shortest path (``Machine.path_to``), made by
the body's verifier, reviewer and decision-maker in turn, so the demo obeys separation of duties and fills the audit
trail as real work would. ``seed`` runs once the demo's studies are computed; it adds nothing when the demo already
has applications.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lowcarbon.certify import certificates, service, workflow
from lowcarbon.certify.parties import Actor, NoJobs
from lowcarbon.certify.tables import Application, Certificate
from lowcarbon.footprint import service as footprint
from lowcarbon.ports import Ports

__all__ = ["BODY", "describe", "seed"]

BODY = "Greenmark Certification Ltd."
VERIFIER, REVIEWER, DECIDER = (
    "verifier@greenmark-cert.example",
    "reviewer@greenmark-cert.example",
    "decider@greenmark-cert.example",
)
_BY_MOVE = {"recommend": REVIEWER, "return_to_verification": REVIEWER, "grant": DECIDER, "refuse": DECIDER}
_NOTES = {
    "request_documents": "请补充电力消耗的月度计量记录。Please add the monthly metered electricity records.",
    "suspend": "年度监督发现批次数据不符，暂停待整改。Suspended: surveillance found batch data not conforming.",
    "revoke": "持证人未在期限内完成整改，撤销证书。Revoked: corrective actions not completed in time.",
}


@dataclass(frozen=True)
class _Plan:
    applicant: str  # organisation
    editor: str  # the applicant's editor who files it
    product: str
    scheme: str
    category: str
    models: tuple[str, ...]
    stage: str  # the application's state to bring it to
    certificate: str | None = None  # then the certificate's move: suspend or revoke


_PV, _H2, _TEE = "PV module, mono-Si, 1 kWp", "Hydrogen from grid electrolysis", "Cotton T-shirt, knitted, dyed"
_SUNRISE = ("Sunrise PV Co.", "engineer@sunrise-pv.example")
_CLEARWATER = ("Clearwater Hydrogen Co.", "engineer@clearwater-h2.example")
_SILKROAD = ("Silkroad Textile Co.", "engineer@silkroad-textile.example")
_PLANS = (
    _Plan(*_SUNRISE, _PV, "carbon-footprint-label", "photovoltaics", ("SR-M550", "SR-M560"), "certified"),
    _Plan(*_SILKROAD, _TEE, "low-carbon-product", "textile-garments", ("SK-T180",), "certified"),
    _Plan(*_SILKROAD, _TEE, "environmental-label", "textile-products", ("SK-T180", "SK-T200"), "certified"),
    _Plan(*_SILKROAD, _TEE, "carbon-footprint-label", "textiles", ("SK-T160",), "certified", "suspend"),
    _Plan(*_SUNRISE, _PV, "low-carbon-product", "pv-modules", ("SR-M540",), "certified", "revoke"),
    _Plan(*_SUNRISE, _PV, "carbon-footprint-label", "photovoltaics", ("SR-M600",), "submitted"),
    _Plan(*_SILKROAD, _TEE, "carbon-footprint-label", "textiles", ("SK-T220",), "document_review"),
    _Plan(*_CLEARWATER, _H2, "low-carbon-product", "hydrogen", ("CW-H2-P",), "documents_requested"),
    _Plan(*_SILKROAD, _TEE, "carbon-footprint-label", "textiles", ("SK-T240",), "inspection"),
    _Plan(*_SUNRISE, _PV, "carbon-footprint-label", "photovoltaics", ("SR-M610",), "verification"),
    _Plan(*_SILKROAD, _TEE, "low-carbon-product", "textile-garments", ("SK-T260",), "technical_review"),
    _Plan(*_SUNRISE, _PV, "carbon-footprint-label", "photovoltaics", ("SR-M620",), "decision"),
)


def seed(
    session: Session,
    ports: Ports,
    organisations: Mapping[str, int],
    users: Mapping[str, int],
    *,
    master: bytes,
    base_url: str,
) -> None:
    """Add the demo's applications and certificates, unless the demo has some already."""
    body_id = organisations[BODY]
    if session.scalar(sa.select(Application.id).where(Application.body_id == body_id).limit(1)) is not None:
        return
    certificates.active_key(session, ports, body_id, master)
    people = _actors(session, users)
    for plan in _PLANS:
        applicant = people[plan.editor]
        view = service.create_application(
            session,
            ports,
            applicant,
            body_id=body_id,
            scheme=plan.scheme,
            category=plan.category,
            studies=[
                {
                    "study_id": _latest_study(session, applicant.organisation_id, plan.product),
                    "models": list(plan.models),
                }
            ],
            producer=plan.applicant,
            sites=[f"{plan.applicant} 生产基地 / main plant"],
            scope=f"{plan.product}: {', '.join(plan.models)}",
        )
        for move in workflow.machine(workflow.APPLICATION).path_to(plan.stage):
            actor = people[_BY_MOVE.get(move.name, VERIFIER)] if move.by == "body" else applicant
            if move.name == "complete_inspection":
                _inspect(session, ports, people, applicant, view["id"])
            data = _data(move.name, plan.scheme)
            service.move_application(
                session, ports, actor, view["id"], move.name, data, master=master, base_url=base_url
            )
        if plan.certificate is not None:
            number = certificates.number_of_application(session, view["id"])
            assert number is not None
            data = {"note": _NOTES[plan.certificate]}
            certificates.move_certificate(
                session, ports, people[VERIFIER], number, plan.certificate, data, master=master
            )


def _data(move: str, scheme: str) -> dict[str, Any]:
    if move == "verify":
        return {
            "opinion": "positive",
            "materiality": 0.05,
            "data_sources_checked": True,
            "pcr_checked": True,
            "findings": "重新计算结果与声明值一致。The re-computed footprint equals the declared value.",
        }
    if move == "complete_inspection" and scheme == "environmental-label":
        return {
            "checklist": {"energy": True, "substances": True, "recycling": True, "packaging": True, "samples": True}
        }
    note = _NOTES.get(move)
    return {"note": note} if note else {}


def _inspect(session: Session, ports: Ports, people: Mapping[str, Actor], applicant: Actor, application: int) -> None:
    """A minor non-conformity found on site, answered by the applicant and closed by the body."""
    finding = service.add_finding(
        session,
        ports,
        people[VERIFIER],
        application,
        severity="minor",
        text="电表校准证书过期。The electricity meter's calibration certificate has expired.",
    )
    service.answer_finding(
        session,
        ports,
        applicant,
        application,
        finding["id"],
        corrective_action="已重新校准并提交新证书。Meter recalibrated; the new certificate is attached.",
    )
    service.close_finding(session, ports, people[VERIFIER], application, finding["id"])


def _latest_study(session: Session, organisation_id: int, product: str) -> int:
    products = footprint.list_products(session, organisation_id=organisation_id, limit=100)
    found = next(p for p in products if p.name == product)
    studies = footprint.list_studies(session, NoJobs(), organisation_id=organisation_id, product_id=found.id, limit=1)
    return studies[0].id


_USERS = sa.table(  # the kernel's, read
    "users", sa.column("id", sa.Integer), sa.column("organisation_id", sa.Integer), sa.column("role", sa.String)
)


def _actors(session: Session, users: Mapping[str, int]) -> dict[str, Actor]:
    """The demo's people as the service sees them: organisation and role as the kernel stores them."""
    emails = {user_id: email for email, user_id in users.items()}
    rows = session.execute(
        sa.select(_USERS.c.id, _USERS.c.organisation_id, _USERS.c.role).where(_USERS.c.id.in_(emails))
    )
    return {
        emails[cast(int, user_id)]: Actor(cast(int, organisation_id), cast(int, user_id), cast(str, role))
        for user_id, organisation_id, role in rows
    }


def describe(session: Session, organisations: Mapping[str, int | None], day: date | None = None) -> list[str]:
    """What ``serve --demo`` prints of the certificates: number, scheme, holder and status of each."""
    body_id = organisations.get(BODY)
    if body_id is None:
        return []
    rows = session.scalars(sa.select(Certificate).where(Certificate.body_id == body_id).order_by(Certificate.id))
    today = day or date.today()
    lines = [f"  Certificates issued by {BODY} (verify any at /verify/NUMBER, no login):"]
    lines += [f"    {c.number}  {certificates.status_on(c, today):<9}  {c.holder}  ({c.scheme})" for c in rows]
    states = session.execute(
        sa.select(Application.state, sa.func.count()).where(Application.body_id == body_id).group_by(Application.state)
    ).all()
    lines.append("  Applications by stage: " + ", ".join(f"{state} {count}" for state, count in sorted(states)))
    return lines
