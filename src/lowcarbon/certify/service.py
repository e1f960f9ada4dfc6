"""Certification use cases on a database session: applications between a manufacturer and a certification body,
the moves of the workflow (``workflow``), documents, findings and the footprint verification. Certificates, keys and
the public registry are in ``certificates``.

Each use case takes the session and the ports of the caller's transaction, and the ``Actor``; it never commits.
A party sees only its own cases: an application is visible to its applicant and its body, and to no one else (404).
Every change is recorded in the audit trail as the actor, and every move is a row of ``certify_moves``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lowcarbon.certify import certificates, workflow
from lowcarbon.certify.parties import Actor, NoJobs, party_of, text_field
from lowcarbon.certify.schemes import get_scheme
from lowcarbon.certify.tables import Application, Document, Finding, FrozenStudy, Move
from lowcarbon.certify.verification import Recomputed, check_opinion, recompute
from lowcarbon.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from lowcarbon.footprint import service as footprint
from lowcarbon.footprint.stored import product_name_zh
from lowcarbon.ports import Ports
from lowcarbon.storage import canonical_json, snapshot

__all__ = [
    "ORGANISATIONS",
    "add_document",
    "add_finding",
    "answer_finding",
    "application_view",
    "certificate_numbers",
    "certificate_status",
    "certification_bodies",
    "close_finding",
    "create_application",
    "frozen_source",
    "get_document",
    "list_applications",
    "move_application",
    "note_of",
    "recompute_application",
]

# The kernel's directory of organisations, read (never written) by name and kind.
ORGANISATIONS = sa.table("organisations", sa.column("id"), sa.column("name"), sa.column("kind"))
MAX_DOCUMENT = 10 * 1024 * 1024
MAX_STUDIES = 20
FINDING_SEVERITIES = ("major", "minor", "observation")


def organisation(session: Session, organisation_id: int) -> tuple[str, str]:
    """The organisation's name and kind; NotFound when there is none by that id."""
    row = session.execute(
        sa.select(ORGANISATIONS.c.name, ORGANISATIONS.c.kind).where(ORGANISATIONS.c.id == organisation_id)
    ).one_or_none()
    if row is None:
        raise NotFound(f"no organisation {organisation_id}")
    return str(row[0]), str(row[1])


def create_application(
    session: Session,
    ports: Ports,
    actor: Actor,
    *,
    body_id: int,
    scheme: str,
    category: str,
    studies: Sequence[Mapping[str, Any]],
    producer: str,
    sites: Sequence[str],
    scope: str,
    renews: str | None = None,
) -> dict[str, Any]:
    """File an application of the actor's organisation to certification body ``body_id``: for ``scheme`` and its
    ``category``, naming the footprint studies (``{"study_id", "models": [model numbers], "declared_value"?}``)
    whose copies it carries, frozen as they are now."""
    if not actor.editor:
        raise PermissionDenied("an editor or admin files an application")
    chosen = get_scheme(scheme)
    chosen.category(category)
    _, kind = organisation(session, body_id)
    if kind != "certification_body" or body_id == actor.organisation_id:
        raise InvalidInput(f"organisation {body_id} is not a certification body you can apply to")
    if not studies or len(studies) > MAX_STUDIES:
        raise InvalidInput(f"name from 1 to {MAX_STUDIES} footprint studies, each with its product model numbers")
    if renews is not None:
        certificates.check_renewable(session, holder_id=actor.organisation_id, number=renews, scheme=scheme)
    now = ports.clock()
    application = Application(
        scheme=scheme,
        category=category,
        applicant_id=actor.organisation_id,
        body_id=body_id,
        state=workflow.machine(workflow.APPLICATION).initial,
        producer=text_field(producer, "producer", 200),
        sites=[text_field(site, "site", 200) for site in sites][:20],
        scope=text_field(scope, "scope", 1000),
        renews=renews,
        created_by=actor.user_id,
        created_at=now,
        updated_at=now,
    )
    session.add(application)
    session.flush()
    for named in studies:
        session.add(_frozen(session, actor.organisation_id, application.id, named))
    session.flush()
    ports.audit.record("create", "certification_application", application.id, None, _state(session, application))
    return application_view(session, actor, application.id)


def _frozen(session: Session, organisation_id: int, application_id: int, named: Mapping[str, Any]) -> FrozenStudy:
    study_id = named.get("study_id")
    models = named.get("models") or []
    if not isinstance(study_id, int) or isinstance(study_id, bool):
        raise InvalidInput("each study is named by its id: {'study_id': 12, 'models': ['LC-550']}")
    if not isinstance(models, list) or not models or not all(isinstance(m, str) for m in models):
        raise InvalidInput(f"study {study_id}: list the product model numbers it stands for in `models`")
    study = footprint.get_study(session, NoJobs(), organisation_id=organisation_id, study_id=study_id)
    if study.status != "done" or study.result is None or study.total is None:
        raise Conflict(f"study {study_id} is not computed: only a computed study can be certified")
    source = footprint.stored_inputs(session, {"study_id": study_id})
    declared = named.get("declared_value", study.total)
    if isinstance(declared, bool) or not isinstance(declared, int | float) or not declared or declared != declared:
        raise InvalidInput(f"study {study_id}: the declared value is a number other than 0")
    product = footprint.get_product(session, organisation_id=organisation_id, product_id=study.product_id)
    fingerprint = hashlib.sha256(canonical_json({"source": source, "result": study.result}).encode()).hexdigest()
    return FrozenStudy(
        application_id=application_id,
        study_id=study_id,
        product=product.name,
        product_zh=product_name_zh(source["model_text"], source["model_format"]),
        models=[text_field(m, "model number", 100) for m in models][:50],
        version=study.version,
        source=source,
        result=study.result,
        total=float(study.total),
        declared_value=float(declared),
        declared_unit=str(study.result.get("declared_unit") or study.result.get("functional_unit") or ""),
        fingerprint=fingerprint,
    )


def list_applications(
    session: Session, organisation_id: int, *, state: str | None = None, limit: int = 50, after: int | None = None
) -> list[dict[str, Any]]:
    """The applications the organisation is a party to (as applicant or body), newest first."""
    query = sa.select(Application).where(
        sa.or_(Application.applicant_id == organisation_id, Application.body_id == organisation_id)
    )
    if state is not None:
        query = query.where(Application.state == state)
    if after is not None:
        query = query.where(Application.id < after)
    rows = session.scalars(query.order_by(Application.id.desc()).limit(limit))
    return [_summary(session, row, organisation_id) for row in rows]


def _summary(session: Session, application: Application, organisation_id: int) -> dict[str, Any]:
    products = session.execute(
        sa.select(FrozenStudy.product, FrozenStudy.product_zh).where(FrozenStudy.application_id == application.id)
    ).all()
    return {
        "id": application.id,
        "scheme": application.scheme,
        "category": application.category,
        "state": application.state,
        "applicant": {"id": application.applicant_id, "name": organisation(session, application.applicant_id)[0]},
        "body": {"id": application.body_id, "name": organisation(session, application.body_id)[0]},
        "party": party_of(organisation_id, application.applicant_id, application.body_id, "application"),
        "products": [{"name": name, "name_zh": zh} for name, zh in products],
        "created_at": application.created_at,
        "updated_at": application.updated_at,
    }


def _visible(session: Session, organisation_id: int, application_id: int) -> tuple[Application, workflow.Party]:
    application = session.get(Application, application_id)
    if application is None:
        raise NotFound(f"no application {application_id} of your organisation")
    return application, party_of(organisation_id, application.applicant_id, application.body_id, "application")


def application_view(session: Session, actor: Actor, application_id: int) -> dict[str, Any]:
    """Everything a party sees of an application: its summary, the frozen studies (without their sources), the
    documents, findings, moves, the verification opinion, the certificate when granted, and the moves the actor
    may make now."""
    application, party = _visible(session, actor.organisation_id, application_id)
    states = workflow.machine(workflow.APPLICATION)
    frozen = session.scalars(
        sa.select(FrozenStudy).where(FrozenStudy.application_id == application.id).order_by(FrozenStudy.id)
    )
    moves = session.scalars(sa.select(Move).where(Move.application_id == application.id).order_by(Move.id))
    documents = session.scalars(
        sa.select(Document).where(Document.application_id == application.id).order_by(Document.id)
    )
    findings = session.scalars(sa.select(Finding).where(Finding.application_id == application.id).order_by(Finding.id))
    mine = _moves_by(session, application.id, actor.user_id)
    allowed = states.your_moves(application.state, party, editor=actor.editor, earlier_moves_by_caller=mine)
    return {
        **_summary(session, application, actor.organisation_id),
        "producer": application.producer,
        "sites": application.sites,
        "scope": application.scope,
        "renews": application.renews,
        "checklist": application.checklist,
        "opinion": application.opinion,
        "studies": [
            {
                "id": f.id,
                "study_id": f.study_id,
                "product": f.product,
                "product_zh": f.product_zh,
                "models": f.models,
                "version": f.version,
                "total": f.total,
                "declared_value": f.declared_value,
                "declared_unit": f.declared_unit,
                "fingerprint": f.fingerprint,
            }
            for f in frozen
        ],
        "documents": [
            {
                "id": d.id,
                "name": d.name,
                "media_type": d.media_type,
                "size": d.size,
                "sha256": d.sha256,
                "stage": d.stage,
                "uploaded_at": d.uploaded_at,
            }
            for d in documents
        ],
        "findings": [_finding(f) for f in findings],
        "moves": [
            {"name": m.name, "from": m.from_state, "to": m.to_state, "user_id": m.user_id, "note": m.note, "at": m.at}
            for m in moves
        ],
        "certificate": certificates.number_of_application(session, application.id),
        "legal_moves": states.legal_moves(application.state),
        "your_moves": allowed,
    }


def _finding(f: Finding) -> dict[str, Any]:
    return {
        "id": f.id,
        "severity": f.severity,
        "text": f.text,
        "status": f.status,
        "corrective_action": f.corrective_action,
        "evidence_id": f.evidence_id,
        "created_at": f.created_at,
        "closed_at": f.closed_at,
    }


def _moves_by(session: Session, application_id: int, user_id: int) -> list[str]:
    return list(
        session.scalars(sa.select(Move.name).where(Move.application_id == application_id, Move.user_id == user_id))
    )


def move_application(
    session: Session,
    ports: Ports,
    actor: Actor,
    application_id: int,
    move: str,
    data: Mapping[str, Any],
    *,
    master: bytes,
    base_url: str,
) -> dict[str, Any]:
    """Make ``move`` on the application when the workflow allows it to the actor (``workflow.check``), with what
    it needs in ``data`` (``note``; ``opinion``, ``materiality``...; ``checklist``), its guard satisfied; record it.
    Granting issues the certificate (signed with the body's key, unsealed with ``master``; ``base_url`` is where
    its public verification page lives)."""
    application, party = _visible(session, actor.organisation_id, application_id)
    transition = workflow.check(
        workflow.APPLICATION,
        application.state,
        move,
        party=party,
        editor=actor.editor,
        earlier_moves_by_caller=_moves_by(session, application.id, actor.user_id),
    )
    before = _state(session, application)
    note = note_of(data, required="note" in transition.needs)
    record: dict[str, Any] | None = None
    if transition.guard == "findings_closed":
        record = _inspection(session, application, data)
    elif transition.guard == "opinion_fits":
        record = check_opinion(data, _recomputed(session, application.id))
        application.opinion = record
    elif transition.guard == "criteria_met":
        _criteria_met(session, application)
    session.add(
        Move(
            application_id=application.id,
            name=move,
            from_state=application.state,
            to_state=transition.target,
            user_id=actor.user_id,
            note=note,
            data=record,
            at=ports.clock(),
        )
    )
    application.state = transition.target
    application.updated_at = ports.clock()
    session.flush()
    ports.audit.record(move, "certification_application", application.id, before, _state(session, application))
    if move == "grant":
        certificates.issue(session, ports, application, actor.user_id, master=master, base_url=base_url)
    return application_view(session, actor, application.id)


def note_of(data: Mapping[str, Any], *, required: bool) -> str | None:
    """A move's ``note``: its text checked, or None; InvalidInput when the move needs one and there is none."""
    note = data.get("note")
    if note is None or note == "":
        if required:
            raise InvalidInput("this move needs a note saying why (`note`)")
        return None
    return text_field(str(note), "note", 2000, multiline=True)


def _inspection(session: Session, application: Application, data: Mapping[str, Any]) -> dict[str, Any]:
    """The inspection's end: every non-conformity closed; for a checklist scheme, each item's finding recorded."""
    open_findings = session.scalar(
        sa.select(sa.func.count())
        .select_from(Finding)
        .where(Finding.application_id == application.id, Finding.severity != "observation", Finding.status != "closed")
    )
    if open_findings:
        raise Conflict(f"{open_findings} non-conformit{'ies are' if open_findings > 1 else 'y is'} not closed yet")
    scheme = get_scheme(application.scheme)
    if scheme.criteria_kind != "checklist":
        return {}
    given = data.get("checklist")
    items = [item.id for item in scheme.checklist]
    if not isinstance(given, dict) or set(given) != set(items) or not all(isinstance(v, bool) for v in given.values()):
        raise InvalidInput(f"record each checklist item as true or false in `checklist`: {', '.join(items)}")
    application.checklist = {item: given[item] for item in items}
    return {"checklist": application.checklist}


def _recomputed(session: Session, application_id: int) -> list[Recomputed]:
    frozen = session.scalars(
        sa.select(FrozenStudy).where(FrozenStudy.application_id == application_id).order_by(FrozenStudy.id)
    )
    return [recompute(f.id, f.product, f.source, f.declared_value, f.declared_unit) for f in frozen]


def recompute_application(session: Session, actor: Actor, application_id: int) -> list[dict[str, Any]]:
    """The body re-computes each frozen study with the engine, beside the declared value (the verifier's view)."""
    application, party = _visible(session, actor.organisation_id, application_id)
    if party != "body":
        raise PermissionDenied("the certification body re-computes an application's footprints")
    return [r.to_dict() for r in _recomputed(session, application.id)]


def _criteria_met(session: Session, application: Application) -> None:
    scheme = get_scheme(application.scheme)
    opinion = (application.opinion or {}).get("opinion")
    if opinion not in ("positive", "qualified"):
        raise Conflict(f"the verification opinion is {opinion or 'missing'}: only a positive or qualified one")
    if scheme.criteria_kind == "threshold":
        category = scheme.category(application.category)
        for frozen in session.scalars(sa.select(FrozenStudy).where(FrozenStudy.application_id == application.id)):
            if frozen.declared_unit != category.declared_unit:
                raise Conflict(
                    f"{frozen.product}: declared per {frozen.declared_unit!r}, the category's threshold is per "
                    f"{category.declared_unit!r}"
                )
            if category.threshold is not None and frozen.declared_value > category.threshold:
                raise Conflict(
                    f"{frozen.product}: {frozen.declared_value:.6g} kg CO2e per {frozen.declared_unit} is above the "
                    f"category's threshold of {category.threshold:g}"
                )
    if scheme.criteria_kind == "checklist":
        failed = [item for item, met in (application.checklist or {}).items() if not met]
        if not application.checklist or failed:
            raise Conflict(f"checklist items not met: {', '.join(failed) or 'none recorded'}")


def _state(session: Session, application: Application) -> dict[str, Any]:
    return snapshot(application, hidden=("opinion",), opinion=(application.opinion or {}).get("opinion"))


def add_document(
    session: Session, ports: Ports, actor: Actor, application_id: int, *, name: str, media_type: str, content: bytes
) -> dict[str, Any]:
    """Add a file to the application (either party, an editor); at most ``MAX_DOCUMENT`` bytes."""
    application, _ = _visible(session, actor.organisation_id, application_id)
    if not actor.editor:
        raise PermissionDenied("an editor or admin adds documents")
    if workflow.machine(workflow.APPLICATION).final(application.state):
        raise Conflict(f"the application is {application.state}: it takes no more documents")
    if len(content) > MAX_DOCUMENT:
        raise InvalidInput(f"a document is at most {MAX_DOCUMENT // (1024 * 1024)} MiB")
    document = Document(
        application_id=application.id,
        name=text_field(name, "file name", 200),
        media_type=text_field(media_type or "application/octet-stream", "media type", 100),
        content=content,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        stage=application.state,
        uploaded_by=actor.user_id,
        uploaded_at=ports.clock(),
    )
    session.add(document)
    session.flush()
    ports.audit.record("add", "certification_document", document.id, None, snapshot(document, hidden=("content",)))
    return {"id": document.id, "name": document.name, "size": document.size, "sha256": document.sha256}


def get_document(session: Session, organisation_id: int, application_id: int, document_id: int) -> Document:
    """A document of an application the organisation is a party to."""
    application, _ = _visible(session, organisation_id, application_id)
    document = session.get(Document, document_id)
    if document is None or document.application_id != application.id:
        raise NotFound(f"application {application_id} has no document {document_id}")
    return document


def add_finding(
    session: Session, ports: Ports, actor: Actor, application_id: int, *, severity: str, text: str
) -> dict[str, Any]:
    """The body records a finding during document review, inspection or verification."""
    application, party = _visible(session, actor.organisation_id, application_id)
    if party != "body" or not actor.editor:
        raise PermissionDenied("the certification body's editors record findings")
    if application.state not in ("document_review", "inspection", "verification"):
        raise Conflict(
            f"findings are recorded in review, inspection or verification; the application is {application.state}"
        )
    if severity not in FINDING_SEVERITIES:
        raise InvalidInput(f"severity is one of {', '.join(FINDING_SEVERITIES)}")
    finding = Finding(
        application_id=application.id,
        severity=severity,
        text=text_field(text, "finding", 2000, multiline=True),
        status="open",
        created_by=actor.user_id,
        created_at=ports.clock(),
    )
    session.add(finding)
    session.flush()
    ports.audit.record("add", "certification_finding", finding.id, None, snapshot(finding))
    return _finding(finding)


def answer_finding(
    session: Session,
    ports: Ports,
    actor: Actor,
    application_id: int,
    finding_id: int,
    *,
    corrective_action: str,
    evidence_id: int | None = None,
) -> dict[str, Any]:
    """The applicant answers an open finding with its corrective action and, optionally, a document as evidence."""
    finding, party = _own_finding(session, actor, application_id, finding_id)
    if party != "applicant" or not actor.editor:
        raise PermissionDenied("the applicant's editors answer findings")
    if finding.status == "closed":
        raise Conflict("the finding is closed")
    if evidence_id is not None:
        get_document(session, actor.organisation_id, application_id, evidence_id)
    before = snapshot(finding)
    finding.corrective_action = text_field(corrective_action, "corrective action", 2000, multiline=True)
    finding.evidence_id = evidence_id
    finding.status = "answered"
    session.flush()
    ports.audit.record("answer", "certification_finding", finding.id, before, snapshot(finding))
    return _finding(finding)


def close_finding(session: Session, ports: Ports, actor: Actor, application_id: int, finding_id: int) -> dict[str, Any]:
    """The body closes a finding (a non-conformity once its corrective action is answered)."""
    finding, party = _own_finding(session, actor, application_id, finding_id)
    if party != "body" or not actor.editor:
        raise PermissionDenied("the certification body's editors close findings")
    if finding.status == "closed":
        raise Conflict("the finding is closed already")
    if finding.severity != "observation" and finding.status != "answered":
        raise Conflict("a non-conformity is closed once the applicant has answered it with a corrective action")
    before = snapshot(finding)
    finding.status, finding.closed_by, finding.closed_at = "closed", actor.user_id, ports.clock()
    session.flush()
    ports.audit.record("close", "certification_finding", finding.id, before, snapshot(finding))
    return _finding(finding)


def _own_finding(
    session: Session, actor: Actor, application_id: int, finding_id: int
) -> tuple[Finding, workflow.Party]:
    application, party = _visible(session, actor.organisation_id, application_id)
    finding = session.get(Finding, finding_id)
    if finding is None or finding.application_id != application.id:
        raise NotFound(f"application {application_id} has no finding {finding_id}")
    return finding, party


def certification_bodies(session: Session) -> list[dict[str, Any]]:
    """The certification bodies one may apply to: id and name."""
    rows = session.execute(
        sa.select(ORGANISATIONS.c.id, ORGANISATIONS.c.name)
        .where(ORGANISATIONS.c.kind == "certification_body")
        .order_by(ORGANISATIONS.c.name)
    )
    return [{"id": row[0], "name": row[1]} for row in rows]


def frozen_source(session: Session, organisation_id: int, application_id: int, frozen_id: int) -> dict[str, Any]:
    """What a frozen study keeps (model, factor files, library copies), for either party to read or report on."""
    application, _ = _visible(session, organisation_id, application_id)
    frozen = session.get(FrozenStudy, frozen_id)
    if frozen is None or frozen.application_id != application.id:
        raise NotFound(f"application {application_id} has no study {frozen_id}")
    return dict(frozen.source)


def certificate_status(session: Session, number: str, day: Any) -> dict[str, Any] | None:
    """What the registry says of certificate ``number`` on ``day`` (its status, scheme, products with their declared
    footprints), or None when there is none: the question other domains ask (the carbon-inclusive purchase)."""
    from lowcarbon.certify.tables import Certificate

    found = session.scalar(sa.select(Certificate).where(Certificate.number == number))
    if found is None:
        return None
    view = certificates.certificate_view(session, found, day)
    return {
        "number": number,
        "status": view["status"],
        "scheme": view["scheme"],
        "products": view["content"].get("products", []),
    }


def certificate_numbers(session: Session, scheme: str, limit: int = 10) -> list[str]:
    """Numbers of certificates of ``scheme`` whose stored status is valid, oldest first."""
    from lowcarbon.certify.tables import Certificate

    query = sa.select(Certificate.number).where(Certificate.scheme == scheme, Certificate.status == "valid")
    return list(session.scalars(query.order_by(Certificate.id).limit(limit)))
