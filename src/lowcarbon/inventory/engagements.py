"""Engagements between an organisation and a certification body on certification's machinery: the verification of
a GHG inventory (``verifying``) and the evaluation of a carbon management system (``evaluating``).

Both walk a state machine of ``data/workflow.json`` read by ``lowcarbon.certify.workflow`` (its checks, its 409
``illegal_transition``, 403 ``not_your_move`` and ``separation_of_duties``), as certification's applications do; the
parties are told apart by ``lowcarbon.certify.parties``; and each ends with a document the body signs with the
keys certificates are signed with (``lowcarbon.certify.certificates``), verified the same way. Every move is a row of
``inventory_engagement_moves`` and an entry of the audit trail; a use case never commits.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lowcarbon.certify import certificates, signing, workflow
from lowcarbon.certify.parties import Actor, party_of
from lowcarbon.certify.service import note_of, organisation
from lowcarbon.errors import InvalidInput, NotFound, PermissionDenied
from lowcarbon.inventory.tables import EngagementMoveRow, EngagementRow, StatementRow
from lowcarbon.ports import Ports
from lowcarbon.storage import serialize, snapshot

__all__ = [
    "KINDS",
    "PACKAGE",
    "Guard",
    "Kind",
    "Signed",
    "check_body",
    "engagement_view",
    "list_engagements",
    "machine",
    "move",
    "open_engagement",
    "public_statement",
    "view",
    "visible",
]

PACKAGE = "lowcarbon.inventory"  # whose data/workflow.json holds the machines
KINDS = ("verification", "evaluation")
# the move that signs each kind's document, the document, and its number's prefix: VS-2026-00001, CMS-2026-00001
DOCUMENTS = {
    "verification": ("issue", "verification_statement", "VS"),
    "evaluation": ("certify", "cms_evaluation_certificate", "CMS"),
}

# A guard checks what a move carries against the engagement and records it there; what it returns is the move's data.
Guard = Callable[[Session, EngagementRow, Mapping[str, Any]], dict[str, Any] | None]
# What a kind's signed document says beyond the common fields (number, kind, parties, dates, where to check it).
Signed = Callable[[Session, EngagementRow], dict[str, Any]]


def machine(kind: str) -> workflow.Machine:
    return workflow.machine(kind, PACKAGE)


def check_body(session: Session, actor: Actor, body_id: int) -> None:
    """An organisation asks a certification body other than itself; InvalidInput otherwise."""
    if not actor.editor:
        raise PermissionDenied("an editor or admin asks a certification body")
    _, kind = organisation(session, body_id)
    if kind != "certification_body" or body_id == actor.organisation_id:
        raise InvalidInput(f"organisation {body_id} is not a certification body you can ask")


def visible(
    session: Session, organisation_id: int, engagement_id: int, kind: str
) -> tuple[EngagementRow, workflow.Party]:
    """The engagement of ``kind`` and the organisation's side of it; NotFound for anyone not a party."""
    row = session.get(EngagementRow, engagement_id)
    if row is None or row.kind != kind:
        raise NotFound(f"no {kind} {engagement_id} of your organisation")
    return row, party_of(organisation_id, row.organisation_id, row.body_id, kind)


def _moves_by(session: Session, engagement_id: int, user_id: int) -> list[str]:
    query = sa.select(EngagementMoveRow.name).where(
        EngagementMoveRow.engagement_id == engagement_id, EngagementMoveRow.user_id == user_id
    )
    return list(session.scalars(query))


@dataclass(frozen=True)
class Kind:
    """What one kind of engagement adds to the shared machinery: its name (its machine's in ``data/workflow.json``),
    the guards of its moves, what its signed document says beyond the common fields, and what a party sees of it
    (``engagement_view`` and more)."""

    name: str
    guards: Mapping[str, Guard]
    signed: Signed
    shown: Callable[[Session, Actor, EngagementRow, workflow.Party], dict[str, Any]]


def open_engagement(
    session: Session, ports: Ports, actor: Actor, kind: Kind, *, body_id: int, **subject: Any
) -> dict[str, Any]:
    """A new engagement of the actor's organisation with ``body_id``, in its machine's first state, on ``subject``
    (``inventory_id`` or ``requirement_set``, checked by the caller, as is the body): what its party sees of it."""
    now = ports.clock()
    row = EngagementRow(
        kind=kind.name,
        organisation_id=actor.organisation_id,
        body_id=body_id,
        state=machine(kind.name).initial,
        created_by=actor.user_id,
        created_at=now,
        updated_at=now,
        **subject,
    )
    session.add(row)
    session.flush()
    ports.audit.record("create", f"inventory_{kind.name}", row.id, None, snapshot(row))
    return kind.shown(session, actor, row, "applicant")


def view(session: Session, actor: Actor, kind: Kind, engagement_id: int) -> dict[str, Any]:
    """What the actor's party sees of the engagement; NotFound for anyone not a party."""
    row, party = visible(session, actor.organisation_id, engagement_id, kind.name)
    return kind.shown(session, actor, row, party)


def move(
    session: Session,
    ports: Ports,
    actor: Actor,
    kind: Kind,
    engagement_id: int,
    name: str,
    data: Mapping[str, Any],
    *,
    master: bytes,
    base_url: str,
) -> dict[str, Any]:
    """Make move ``name`` on the engagement when its machine allows it to the actor (``workflow.check``), with what
    it needs in ``data``, its guard satisfied; record it. The kind's last move (``issue``, ``certify``) signs its
    document with the body's key (unsealed with ``master``; ``base_url`` is where its public page lives)."""
    row, party = visible(session, actor.organisation_id, engagement_id, kind.name)
    transition = workflow.check(
        row.kind,
        row.state,
        name,
        party=party,
        editor=actor.editor,
        earlier_moves_by_caller=_moves_by(session, row.id, actor.user_id),
        package=PACKAGE,
    )
    note = note_of(data, required="note" in transition.needs)
    before = snapshot(row, hidden=_HIDDEN)
    record = kind.guards[transition.guard](session, row, data) if transition.guard else None
    session.add(
        EngagementMoveRow(
            engagement_id=row.id,
            name=name,
            from_state=row.state,
            to_state=transition.target,
            user_id=actor.user_id,
            note=note,
            data=record,
            at=ports.clock(),
        )
    )
    row.state = transition.target
    row.updated_at = ports.clock()
    session.flush()
    ports.audit.record(name, f"inventory_{row.kind}", row.id, before, snapshot(row, hidden=_HIDDEN))
    if name == DOCUMENTS[row.kind][0]:
        _sign(session, ports, row, kind.signed(session, row), master=master, base_url=base_url)
    return kind.shown(session, actor, row, party)


_HIDDEN = ("terms", "self_assessment", "conclusion", "actions")


def _sign(
    session: Session, ports: Ports, row: EngagementRow, content: dict[str, Any], *, master: bytes, base_url: str
) -> StatementRow:
    _, document, prefix = DOCUMENTS[row.kind]
    issued = certificates.today(ports.clock)
    serialize(session, f"inventory:statement:{prefix}:{issued.year}")
    pattern = f"{prefix}-{issued.year}-%"
    taken = session.scalar(sa.select(sa.func.count()).where(StatementRow.number.like(pattern))) or 0
    number = f"{prefix}-{issued.year}-{taken + 1:05d}"
    content = {
        "number": number,
        "document": document,
        **content,
        "organisation": {"id": row.organisation_id, "name": organisation(session, row.organisation_id)[0]},
        "issued": issued.isoformat(),
        "body": {"id": row.body_id, "name": organisation(session, row.body_id)[0]},
        "verify_url": f"{base_url.rstrip('/')}/inventory/statements/{number}",
    }
    private, kid = certificates.active_key(session, ports, row.body_id, master)
    statement = StatementRow(
        engagement_id=row.id,
        number=number,
        content=content,
        jws=signing.sign(content, private, kid),
        kid=kid,
        issued_on=issued,
        created_at=ports.clock(),
    )
    session.add(statement)
    session.flush()
    ports.audit.record("issue", document, statement.id, None, snapshot(statement, hidden=("content", "jws")))
    return statement


def engagement_view(session: Session, actor: Actor, row: EngagementRow, party: workflow.Party) -> dict[str, Any]:
    """What a party sees of an engagement: its fields, moves, the statement once signed, and the moves the actor
    may make now."""
    states = machine(row.kind)
    moves = session.scalars(
        sa.select(EngagementMoveRow).where(EngagementMoveRow.engagement_id == row.id).order_by(EngagementMoveRow.id)
    )
    mine = _moves_by(session, row.id, actor.user_id)
    return {
        **_summary(session, row, party),
        "terms": row.terms,
        "self_assessment": row.self_assessment,
        "conclusion": row.conclusion,
        "actions": row.actions,
        "moves": [
            {"name": m.name, "from": m.from_state, "to": m.to_state, "user_id": m.user_id, "note": m.note, "at": m.at}
            for m in moves
        ],
        "legal_moves": states.legal_moves(row.state),
        "your_moves": states.your_moves(row.state, party, editor=actor.editor, earlier_moves_by_caller=mine),
    }


def _summary(session: Session, row: EngagementRow, party: str) -> dict[str, Any]:
    return {
        "id": row.id,
        "kind": row.kind,
        "state": row.state,
        "organisation": {"id": row.organisation_id, "name": organisation(session, row.organisation_id)[0]},
        "body": {"id": row.body_id, "name": organisation(session, row.body_id)[0]},
        "party": party,
        "inventory_id": row.inventory_id,
        "requirement_set": row.requirement_set,
        "statement": session.scalar(sa.select(StatementRow.number).where(StatementRow.engagement_id == row.id)),
        "created_at": row.created_at,
        "updated_at": row.updated_at,
    }


def list_engagements(session: Session, organisation_id: int, kind: str) -> list[dict[str, Any]]:
    """The engagements of ``kind`` the organisation is a party to (as the organisation or the body), newest first."""
    rows = session.scalars(
        sa.select(EngagementRow)
        .where(
            EngagementRow.kind == kind,
            sa.or_(EngagementRow.organisation_id == organisation_id, EngagementRow.body_id == organisation_id),
        )
        .order_by(EngagementRow.id.desc())
        .limit(500)
    )
    return [_summary(session, row, party_of(organisation_id, row.organisation_id, row.body_id, kind)) for row in rows]


def public_statement(session: Session, number: str) -> dict[str, Any]:
    """A signed statement or evaluation certificate as anyone may read it: its number, content, JWS and whether its
    signature verifies with the bodies' keys (``signature``: valid, kid, reason); NotFound when there is none."""
    statement = session.scalar(sa.select(StatementRow).where(StatementRow.number == number))
    if statement is None:
        raise NotFound(f"no verification statement or evaluation certificate {number}")
    return {
        "number": statement.number,
        "document": statement.content.get("document"),
        "issued": statement.issued_on.isoformat(),
        "content": statement.content,
        "jws": statement.jws,
        "signature": certificates.signature_of(session, statement.jws, statement.content, statement.kid),
    }
