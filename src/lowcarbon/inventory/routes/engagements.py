"""The API of an inventory's verification (ISO 14064-3) and of a carbon management system's evaluation, between an
organisation and a certification body, and the public check of what they end with.

    POST /api/inventory/verifications              {"inventory_id", "body_id"}  201  the organisation's editors
    GET  /api/inventory/verifications[/{id}]                                     200  either party
    POST /api/inventory/verifications/{id}/moves   {"move", ...what it needs}   200  the party whose move it is
    POST /api/inventory/verifications/{id}/samples {"activity_id", "evidence", "document"?}  201  the body's editors
    GET  /api/inventory/verifications/{id}/samples/{sample_id}/document         200  either party
    POST /api/inventory/verifications/{id}/findings {"kind", "text", "amount_t"?, "sample_id"?}  201  the body's
    POST /api/inventory/verifications/{id}/findings/{finding_id}/correct {"correction"}  200  the body's editors
    POST /api/inventory/evaluations                {"body_id", "requirement_set"}  201  the organisation's editors
    GET  /api/inventory/evaluations[/{id}]                                       200  either party
    POST /api/inventory/evaluations/{id}/moves     {"move", ...}                200  the party whose move it is
    PUT  /api/inventory/evaluations/{id}/actions   {"actions": {requirement: text}}  200  the organisation's editors
    GET  /api/inventory/statements/{statement}                                      200  public: content, jws, signature
    GET  /api/inventory/statements/{statement}/statement.html|.pdf?lang=zh-CN|en    200  public

Every move is checked by certification's workflow machinery: a move that does not leave the state is 409
``illegal_transition`` (with the state and the legal moves), the other party's or a viewer's 403 ``not_your_move``,
one an earlier move of the caller bars (who concluded or scored does not issue) 403 ``separation_of_duties``; a
stranger's 404. People act by session; machine clients read with ``inventory:read``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from lowcarbon.certify.routes import actor_of, base_url, document_bytes, master, reader_actor
from lowcarbon.certify.routes.schemas import DocumentIn
from lowcarbon.inventory import engagements, evaluating, verifying
from lowcarbon.inventory.routes import HTML_POLICY, READ_SCOPE, LangQuery
from lowcarbon.inventory.statements import statement_html, statement_pdf
from lowcarbon.platform.auth import Caller, CurrentUser, reader
from lowcarbon.platform.dependencies import SessionDep, WriteSessionDep, ports_for
from lowcarbon.platform.pagination import IdPath
from lowcarbon.storage import json_value
from lowcarbon.web.i18n import language_of

__all__ = ["public_router", "router"]

Reader = Annotated[Caller, reader(READ_SCOPE)]
Id = Annotated[int, Field(ge=1, le=2**53 - 1)]
Text = Annotated[str, Field(min_length=1, max_length=2000)]
Key = Annotated[str, Field(min_length=1, max_length=64)]

router = APIRouter(prefix="/api/inventory", tags=["inventory verification and evaluation"])
public_router = APIRouter(prefix="/api/inventory", tags=["inventory verification and evaluation"])


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class VerificationIn(_In):
    inventory_id: Id = Field(description="Your computed inventory to verify")
    body_id: Id = Field(description="The certification body (an organisation) asked")


class EvaluationIn(_In):
    body_id: Id
    requirement_set: Annotated[str, Field(min_length=1, max_length=100)] = Field(
        description="A shipped requirement set, <id>-<version>: lowcarbon-illustrative-1"
    )


class MoveIn(_In):
    """A move and what it carries (the workflow's ``needs``)."""

    move: Key
    note: Annotated[str, Field(max_length=2000)] | None = None
    assurance: Literal["limited", "reasonable"] | None = None
    materiality_percent: float | None = Field(None, description="The materiality threshold, % of the total")
    opinion: Literal["positive", "qualified", "adverse"] | None = None
    basis: Annotated[str, Field(max_length=4000)] | None = None
    scores: dict[Key, int] | None = Field(None, max_length=500, description="requirement id -> score")
    evidence: dict[Key, Text] | None = Field(None, max_length=500, description="requirement id -> evidence seen")


class SampleIn(_In):
    activity_id: Id
    evidence: Text = Field(description="The evidence seen, described: 'State Grid bills, Jan to Mar 2023'")
    document: DocumentIn | None = Field(None, description="The evidence as a file, when one is attached")


class FindingIn(_In):
    kind: Literal["nonconformity", "misstatement"]
    text: Text
    amount_t: float | None = Field(None, description="A misstatement's amount, t CO2e (+ overstated)")
    sample_id: Id | None = None


class CorrectionIn(_In):
    correction: Text


class ActionsIn(_In):
    actions: dict[Key, Text] = Field(max_length=500, description="requirement id -> corrective action")


def _json(value: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(json_value(value), status_code=status)


# --- verification ------------------------------------------------------------------------------------------------


@router.post("/verifications", status_code=201)
def request_verification(
    request: Request, body: VerificationIn, user: CurrentUser, session: WriteSessionDep
) -> JSONResponse:
    """Ask a certification body to verify one of your computed inventories (ISO 14064-3)."""
    ports = ports_for(request, session, user.actor)
    found = verifying.request_verification(
        session, ports, actor_of(user), inventory_id=body.inventory_id, body_id=body.body_id
    )
    return _json(found, 201)


@router.get("/verifications")
def list_verifications(caller: Reader, session: SessionDep) -> JSONResponse:
    """The verifications your organisation is a party to, as the verified organisation or as the body."""
    return _json(engagements.list_engagements(session, caller.organisation_id, verifying.KIND))


@router.get("/verifications/{engagement_id}")
def get_verification(engagement_id: IdPath, caller: Reader, session: SessionDep) -> JSONResponse:
    """A verification: terms, samples, findings, the assessment against materiality, moves, the statement."""
    return _json(verifying.verification_view(session, reader_actor(caller), engagement_id))


def _moved(
    request: Request, kind: engagements.Kind, engagement_id: int, body: MoveIn, user: Any, session: Any
) -> JSONResponse:
    ports = ports_for(request, session, user.actor)
    found = engagements.move(
        session,
        ports,
        actor_of(user),
        kind,
        engagement_id,
        body.move,
        body.model_dump(exclude_none=True),
        master=master(request),
        base_url=base_url(request),
    )
    return _json(found)


@router.post("/verifications/{engagement_id}/moves")
def move_verification(
    request: Request, engagement_id: IdPath, body: MoveIn, user: CurrentUser, session: WriteSessionDep
) -> JSONResponse:
    """Make a move: accept (assurance, materiality_percent), decline (note), conclude (opinion, basis),
    return_to_verification (note), issue, withdraw."""
    return _moved(request, verifying.VERIFICATION, engagement_id, body, user, session)


@router.post("/verifications/{engagement_id}/samples", status_code=201)
def add_sample(
    request: Request, engagement_id: IdPath, body: SampleIn, user: CurrentUser, session: WriteSessionDep
) -> JSONResponse:
    """The verifier samples an activity record of the inventory, with the evidence seen."""
    document = (body.document.name, document_bytes(body.document)) if body.document is not None else None
    ports = ports_for(request, session, user.actor)
    found = verifying.add_sample(
        session,
        ports,
        actor_of(user),
        engagement_id,
        activity_id=body.activity_id,
        evidence=body.evidence,
        document=document,
    )
    return _json(found, 201)


@router.get("/verifications/{engagement_id}/samples/{sample_id}/document")
def sample_document(engagement_id: IdPath, sample_id: IdPath, caller: Reader, session: SessionDep) -> Response:
    """A sample's evidence file, as a download."""
    sample = verifying.get_sample_document(session, caller.organisation_id, engagement_id, sample_id)
    return Response(
        sample.document,
        media_type="application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="evidence-{sample.id}"'},
    )


@router.post("/verifications/{engagement_id}/findings", status_code=201)
def add_finding(
    request: Request, engagement_id: IdPath, body: FindingIn, user: CurrentUser, session: WriteSessionDep
) -> JSONResponse:
    """The verifier records a nonconformity, or a misstatement with its amount (t CO2e)."""
    ports = ports_for(request, session, user.actor)
    found = verifying.add_finding(
        session,
        ports,
        actor_of(user),
        engagement_id,
        kind=body.kind,
        text=body.text,
        amount_t=body.amount_t,
        sample_id=body.sample_id,
    )
    return _json(found, 201)


@router.post("/verifications/{engagement_id}/findings/{finding_id}/correct")
def correct_finding(
    request: Request,
    engagement_id: IdPath,
    finding_id: IdPath,
    body: CorrectionIn,
    user: CurrentUser,
    session: WriteSessionDep,
) -> JSONResponse:
    """The verifier records the organisation's correction of a finding."""
    ports = ports_for(request, session, user.actor)
    actor = actor_of(user)
    return _json(
        verifying.correct_finding(session, ports, actor, engagement_id, finding_id, correction=body.correction)
    )


# --- evaluation --------------------------------------------------------------------------------------------------


@router.post("/evaluations", status_code=201)
def start_evaluation(request: Request, body: EvaluationIn, user: CurrentUser, session: WriteSessionDep) -> JSONResponse:
    """Start the evaluation of your carbon management system by a certification body; self-assess, then submit."""
    ports = ports_for(request, session, user.actor)
    found = evaluating.start_evaluation(
        session, ports, actor_of(user), body_id=body.body_id, requirement_set_name=body.requirement_set
    )
    return _json(found, 201)


@router.get("/evaluations")
def list_evaluations(caller: Reader, session: SessionDep) -> JSONResponse:
    """The evaluations your organisation is a party to."""
    return _json(engagements.list_engagements(session, caller.organisation_id, evaluating.KIND))


@router.get("/evaluations/{engagement_id}")
def get_evaluation(engagement_id: IdPath, caller: Reader, session: SessionDep) -> JSONResponse:
    """An evaluation: the self-assessment, the body's scores, the gaps, corrective actions, moves, the certificate."""
    return _json(evaluating.evaluation_view(session, reader_actor(caller), engagement_id))


@router.post("/evaluations/{engagement_id}/moves")
def move_evaluation(
    request: Request, engagement_id: IdPath, body: MoveIn, user: CurrentUser, session: WriteSessionDep
) -> JSONResponse:
    """Make a move: submit (scores), accept, decline (note), evaluate (scores, evidence), return_to_evaluation
    (note), certify, withdraw."""
    return _moved(request, evaluating.EVALUATION, engagement_id, body, user, session)


@router.put("/evaluations/{engagement_id}/actions")
def set_actions(
    request: Request, engagement_id: IdPath, body: ActionsIn, user: CurrentUser, session: WriteSessionDep
) -> JSONResponse:
    """The organisation's corrective action for gaps of the body's evaluation."""
    ports = ports_for(request, session, user.actor)
    return _json(evaluating.set_actions(session, ports, actor_of(user), engagement_id, body.actions))


# --- the public check --------------------------------------------------------------------------------------------


@public_router.get("/statements/{statement}")
def public_statement(statement: str, session: SessionDep) -> JSONResponse:
    """A verification statement or evaluation certificate: its content, JWS, and whether the signature verifies."""
    return _json(engagements.public_statement(session, statement[:32]))


def _lang(request: Request, lang: str | None) -> Literal["zh-CN", "en"]:
    return "en" if (lang or language_of(request).tag) == "en" else "zh-CN"


@public_router.get(
    "/statements/{statement}/statement.html", response_class=Response, responses={200: {"content": {"text/html": {}}}}
)
def statement_as_html(request: Request, statement: str, session: SessionDep, lang: LangQuery = None) -> Response:
    """The statement or certificate as one HTML page, in Chinese or English."""
    chosen = _lang(request, lang)
    view = engagements.public_statement(session, statement[:32])
    headers = {"Content-Language": chosen, "Content-Security-Policy": HTML_POLICY}
    return Response(statement_html(view, chosen), media_type="text/html", headers=headers)


@public_router.get(
    "/statements/{statement}/statement.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
def statement_as_pdf(request: Request, statement: str, session: SessionDep, lang: LangQuery = None) -> Response:
    """The statement or certificate as a PDF, in Chinese or English."""
    chosen = _lang(request, lang)
    view = engagements.public_statement(session, statement[:32])
    headers = {
        "Content-Disposition": f'attachment; filename="{view["number"]}-{chosen}.pdf"',
        "Content-Language": chosen,
    }
    return Response(statement_pdf(view, chosen), media_type="application/pdf", headers=headers)
