"""The pages of an inventory's verification (ISO 14064-3) and of a carbon management system's evaluation, for the
organisation and the certification body, and the public check of the documents they end with.

    GET  /inventory/verifications                          the verifications the organisation is a party to; the
    POST /inventory/verifications                          organisation's editors ask a body (inventory, body)
    GET  /inventory/verifications/{verification_id}        terms, samples, findings, the assessment, the moves
    POST /inventory/verifications/{verification_id}/moves  a move and what it carries: 303 back, or the refusal
    POST /inventory/verifications/{verification_id}/samples             the body samples a record (evidence, file)
    POST /inventory/verifications/{verification_id}/findings            the body records a finding
    POST /inventory/verifications/{verification_id}/findings/{finding_id}/correct   ...and its correction
    GET  /inventory/evaluations                            the evaluations; the organisation's editors start one
    POST /inventory/evaluations                            (body, requirement set)
    GET  /inventory/evaluations/{evaluation_id}            scores, gaps, corrective actions, the moves
    POST /inventory/evaluations/{evaluation_id}/moves      submit (scores), evaluate (scores, evidence), ...
    POST /inventory/evaluations/{evaluation_id}/actions    the organisation's corrective action for each gap
    GET  /inventory/statements/{statement}                 public: a signed statement or certificate, whether its
                                                           signature verifies, its PDF and HTML (no login)

Everything goes through the service (``verifying``, ``evaluating``, ``engagements``), as the API does, so the
workflow's checks are the same; a refused change is shown on the page in its language, with its status.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from lowcarbon.certify.pages import act
from lowcarbon.certify.parties import Actor
from lowcarbon.certify.routes import actor_of, base_url, master
from lowcarbon.certify.service import MAX_DOCUMENT, certification_bodies
from lowcarbon.errors import LowcarbonError, NotFound
from lowcarbon.inventory import cms, engagements, evaluating, service, verifying
from lowcarbon.platform.dependencies import Platform, SessionDep
from lowcarbon.platform.forms import read_fields, read_multipart
from lowcarbon.platform.logins import SessionUser
from lowcarbon.web.access import MaybeUser, PageUser
from lowcarbon.web.i18n import N_, language_of
from lowcarbon.web.render import gettext_for, page

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
DOCUMENTS = {
    "verification_statement": N_("Greenhouse gas verification statement (ISO 14064-3)"),
    "cms_evaluation_certificate": N_("Carbon management system evaluation certificate"),
}
ASSURANCE = {"limited": N_("Limited"), "reasonable": N_("Reasonable")}
OPINIONS = {"positive": N_("Unmodified (positive)"), "qualified": N_("Qualified"), "adverse": N_("Adverse")}
FINDINGS = {"nonconformity": N_("Nonconformity"), "misstatement": N_("Misstatement")}
STATUSES = {"open": N_("Open"), "corrected": N_("Corrected")}
KINDS = {"verification": verifying.VERIFICATION, "evaluation": evaluating.EVALUATION}
PATHS = {"verification": "/inventory/verifications", "evaluation": "/inventory/evaluations"}


def _words(request: Request) -> dict[str, Any]:
    """The pages' words in the request's language: documents, assurance levels, opinions, finding kinds, states."""
    _ = gettext_for(request)
    lang = "en" if language_of(request).tag == "en" else "zh-CN"
    return {
        "lang": lang,
        "documents": {key: _(text) for key, text in DOCUMENTS.items()},
        "assurance": {key: _(text) for key, text in ASSURANCE.items()},
        "opinions": {key: _(text) for key, text in OPINIONS.items()},
        "finding_kinds": {key: _(text) for key, text in FINDINGS.items()},
        "finding_statuses": {key: _(text) for key, text in STATUSES.items()},
        "machines": {kind: engagements.machine(kind) for kind in KINDS},
    }


def _actor(user: SessionUser) -> Actor:
    return actor_of(user)


# --- lists ---------------------------------------------------------------------------------------------------------


@router.get("/inventory/verifications")
def verifications(request: Request, user: PageUser, session: SessionDep) -> HTMLResponse:
    """The verifications the organisation is a party to; the organisation's editors ask a body for one."""
    return _list(request, user, session, "verification")


@router.get("/inventory/evaluations")
def evaluations(request: Request, user: PageUser, session: SessionDep) -> HTMLResponse:
    """The evaluations the organisation is a party to; the organisation's editors start one."""
    return _list(request, user, session, "evaluation")


def _list(request: Request, user: SessionUser, session: Any, kind: str, **extra: Any) -> HTMLResponse:
    status = extra.pop("status", 200)
    context = {
        "user": user,
        "kind": kind,
        "items": engagements.list_engagements(session, user.organisation_id, kind),
        "inventories": [
            s for s in service.list_inventories(session, organisation_id=user.organisation_id) if s.total is not None
        ],
        "bodies": [b for b in certification_bodies(session) if b["id"] != user.organisation_id],
        "requirement_sets": cms.shipped_requirement_sets(),
        **_words(request),
        **extra,
    }
    return page(request, "inventory_engagements.html", context, status=status)


@router.post("/inventory/verifications")
async def ask_verification(request: Request, user: PageUser) -> Response:
    """The organisation's editor asks a body to verify one of its inventories: 303 to the new verification."""
    fields = await read_fields(request, json_allowed=False)

    def work(session: Any, ports: Any, actor: Actor) -> str:
        found = verifying.request_verification(
            session, ports, actor, inventory_id=_int(fields.get("inventory_id")), body_id=_int(fields.get("body_id"))
        )
        return f"/inventory/verifications/{found['id']}"

    return await run_in_threadpool(_started, request, user, "verification", work)


@router.post("/inventory/evaluations")
async def start_evaluation(request: Request, user: PageUser) -> Response:
    """The organisation's editor starts an evaluation by a body: 303 to the new evaluation."""
    fields = await read_fields(request, json_allowed=False)

    def work(session: Any, ports: Any, actor: Actor) -> str:
        found = evaluating.start_evaluation(
            session,
            ports,
            actor,
            body_id=_int(fields.get("body_id")),
            requirement_set_name=fields.get("requirement_set", ""),
        )
        return f"/inventory/evaluations/{found['id']}"

    return await run_in_threadpool(_started, request, user, "evaluation", work)


def _started(request: Request, user: SessionUser, kind: str, work: Callable[[Any, Any, Actor], str]) -> Response:
    def refused(error: LowcarbonError) -> Response:
        with Platform.of(request.app).sessions.begin() as session:
            return _list(request, user, session, kind, error=str(error), error_code=error.code, status=error.status)

    return act(request, user, work, back=str, refused=refused)


def _int(text: str | None) -> int:
    try:
        return int(text or "")
    except ValueError:
        return 0  # no such record: the service says so


# --- one engagement ------------------------------------------------------------------------------------------------


@router.get("/inventory/verifications/{verification_id}")
def verification_page(request: Request, verification_id: int, user: PageUser) -> HTMLResponse:
    """A verification as its parties see it, with the forms the person may use."""
    return _engagement_page(request, user, "verification", verification_id)


@router.get("/inventory/evaluations/{evaluation_id}")
def evaluation_page(request: Request, evaluation_id: int, user: PageUser) -> HTMLResponse:
    """An evaluation as its parties see it, with the forms the person may use."""
    return _engagement_page(request, user, "evaluation", evaluation_id)


def _engagement_page(request: Request, user: SessionUser, kind: str, engagement_id: int, **extra: Any) -> HTMLResponse:
    status = extra.pop("status", 200)
    with Platform.of(request.app).sessions.begin() as session:
        view = engagements.view(session, _actor(user), KINDS[kind], engagement_id)
        activities = []
        if kind == "verification" and view["party"] == "body" and view["state"] == verifying.WORKING:
            owner, inventory = view["organisation"]["id"], view["inventory_id"]
            activities = service.list_activities(session, organisation_id=owner, inventory_id=inventory)
    requirements = cms.load_requirements(view["requirement_set"]) if kind == "evaluation" else None
    context = {
        "user": user,
        "kind": kind,
        "engagement": view,
        "activities": activities,
        "requirements": requirements,
        "action": f"{PATHS[kind]}/{engagement_id}",
        **_words(request),
        **extra,
    }
    return page(request, f"inventory_{kind}.html", context, status=status)


def _acting(
    request: Request, user: SessionUser, kind: str, engagement_id: int, work: Callable[[Any, Any, Actor], Any]
) -> Response:
    """Run ``work`` (session, ports, actor) in a transaction; back to the engagement, or its page with the
    refusal."""

    def refused(error: LowcarbonError) -> Response:
        return _engagement_page(
            request, user, kind, engagement_id, error=str(error), error_code=error.code, status=error.status
        )

    return act(request, user, work, back=f"{PATHS[kind]}/{engagement_id}", refused=refused)


def _move_data(fields: Mapping[str, str]) -> dict[str, Any]:
    """A move's fields from its form: texts as given, the materiality as a number, scores and evidence by
    requirement (``score.<id>``, ``evidence.<id>``)."""
    data: dict[str, Any] = {
        name: fields[name].strip() for name in ("note", "assurance", "opinion", "basis") if fields.get(name, "").strip()
    }
    if fields.get("materiality_percent", "").strip():
        try:
            data["materiality_percent"] = float(fields["materiality_percent"])
        except ValueError:
            data["materiality_percent"] = -1.0  # refused by the service with its message
    scores = {name[len("score.") :]: value for name, value in fields.items() if name.startswith("score.")}
    if scores:
        data["scores"] = {rid: int(value) if value.isdigit() else value for rid, value in scores.items()}
    evidence = {name[len("evidence.") :]: value for name, value in fields.items() if name.startswith("evidence.")}
    if evidence:
        data["evidence"] = evidence
    return data


async def _move(request: Request, user: SessionUser, kind: str, engagement_id: int) -> Response:
    fields = await read_fields(request, json_allowed=False)
    data, name = _move_data(fields), fields.get("move", "")

    def work(session: Any, ports: Any, actor: Actor) -> None:
        engagements.move(
            session,
            ports,
            actor,
            KINDS[kind],
            engagement_id,
            name,
            data,
            master=master(request),
            base_url=base_url(request),
        )

    return await run_in_threadpool(_acting, request, user, kind, engagement_id, work)


@router.post("/inventory/verifications/{verification_id}/moves")
async def verification_move(request: Request, verification_id: int, user: PageUser) -> Response:
    """A move of the verification from its page."""
    return await _move(request, user, "verification", verification_id)


@router.post("/inventory/evaluations/{evaluation_id}/moves")
async def evaluation_move(request: Request, evaluation_id: int, user: PageUser) -> Response:
    """A move of the evaluation from its page."""
    return await _move(request, user, "evaluation", evaluation_id)


@router.post("/inventory/verifications/{verification_id}/samples")
async def add_sample(request: Request, verification_id: int, user: PageUser) -> Response:
    """The verifier samples an activity record, with the evidence seen described and, when chosen, its file
    (multipart: ``activity_id``, ``evidence``, ``file``)."""
    form = await read_multipart(request, max_bytes=MAX_DOCUMENT + 64 * 1024)
    try:
        activity, evidence, upload = form.get("activity_id"), form.get("evidence"), form.get("file")
        document = None
        if isinstance(upload, UploadFile) and upload.filename:
            document = (upload.filename, await upload.read(MAX_DOCUMENT + 1))  # one byte past: the service refuses
    finally:
        await form.close()

    def work(session: Any, ports: Any, actor: Actor) -> None:
        verifying.add_sample(
            session,
            ports,
            actor,
            verification_id,
            activity_id=_int(activity if isinstance(activity, str) else None),
            evidence=evidence if isinstance(evidence, str) else "",
            document=document,
        )

    return await run_in_threadpool(_acting, request, user, "verification", verification_id, work)


@router.post("/inventory/verifications/{verification_id}/findings")
async def add_finding(request: Request, verification_id: int, user: PageUser) -> Response:
    """The verifier records a nonconformity, or a misstatement with its amount (t CO2e)."""
    fields = await read_fields(request, json_allowed=False)
    given = fields.get("amount_t", "").strip()
    try:
        amount = float(given) if given else None
    except ValueError:
        amount = float("nan")  # refused by the service with its message

    def work(session: Any, ports: Any, actor: Actor) -> None:
        verifying.add_finding(
            session,
            ports,
            actor,
            verification_id,
            kind=fields.get("kind", ""),
            text=fields.get("text", ""),
            amount_t=amount,
        )

    return await run_in_threadpool(_acting, request, user, "verification", verification_id, work)


@router.post("/inventory/verifications/{verification_id}/findings/{finding_id}/correct")
async def correct_finding(request: Request, verification_id: int, finding_id: int, user: PageUser) -> Response:
    """The verifier records the organisation's correction of a finding."""
    fields = await read_fields(request, json_allowed=False)

    def work(session: Any, ports: Any, actor: Actor) -> None:
        correction = fields.get("correction", "")
        verifying.correct_finding(session, ports, actor, verification_id, finding_id, correction=correction)

    return await run_in_threadpool(_acting, request, user, "verification", verification_id, work)


@router.post("/inventory/evaluations/{evaluation_id}/actions")
async def plan_actions(request: Request, evaluation_id: int, user: PageUser) -> Response:
    """The organisation's corrective action for each gap (``action.<requirement id>``; empty ones are left out)."""
    fields = await read_fields(request, json_allowed=False)
    actions = {
        name[len("action.") :]: value.strip()
        for name, value in fields.items()
        if name.startswith("action.") and value.strip()
    }

    def work(session: Any, ports: Any, actor: Actor) -> None:
        evaluating.set_actions(session, ports, actor, evaluation_id, actions)

    return await run_in_threadpool(_acting, request, user, "evaluation", evaluation_id, work)


# --- the public check ------------------------------------------------------------------------------------------------


@router.get("/inventory/statements/{statement}")
def statement_page(request: Request, statement: str, user: MaybeUser, session: SessionDep) -> HTMLResponse:
    """A signed statement or certificate as anyone checks it (what its ``verify_url`` opens); no login. An unknown
    number is said on the page (404)."""
    try:
        view: dict[str, Any] | None = engagements.public_statement(session, statement[:32])
    except NotFound:
        view = None
    context = {"user": user, "statement": view, "number": statement[:32], **_words(request)}
    return page(request, "inventory_statement.html", context, status=200 if view else 404)
