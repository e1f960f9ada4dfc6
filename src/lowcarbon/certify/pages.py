"""The certification pages, for each role, and the public registry.

GET  /certify                                        the organisation's work: applications and certificates
                                                     (a body: its work queues by stage; a buyer: certified products)
GET  /certify/apply, POST /certify/apply             a manufacturer applies, from its computed studies     editor
GET  /certify/applications/{id}                      an application: studies, documents, findings, moves  party
POST /certify/applications/{id}/moves                a move of the workflow (409: the page says why)      party
POST /certify/applications/{id}/documents            a document (multipart)                               party
POST /certify/applications/{id}/findings             the body's finding                                   body
POST /certify/applications/{id}/findings/{f}/answer  the applicant's corrective action                    applicant
POST /certify/applications/{id}/findings/{f}/close   the body closes a finding                            body
GET  /certify/certificates/{number}                  a certificate for its holder and body, with moves    party
POST /certify/certificates/{number}/moves            surveil, suspend, reinstate, revoke, withdraw...     party
GET  /registry?q=&status=                            public: search certificates                          anyone
GET  /verify/{number}                                public: what a label's QR code opens                 anyone

A refused move or form shows the page again with the reason and its status (400, 403, 409); a case of another
organisation is the error page (404).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from lowcarbon.certify import certificates, service, workflow
from lowcarbon.certify.parties import Actor
from lowcarbon.certify.routes import base_url, master
from lowcarbon.certify.schemes import schemes
from lowcarbon.errors import LowcarbonError, NotFound
from lowcarbon.footprint import service as footprints
from lowcarbon.platform.auth import current_user
from lowcarbon.platform.csrf import SESSION_COOKIE
from lowcarbon.platform.dependencies import Platform, ports_for
from lowcarbon.platform.errors import NotAuthenticated
from lowcarbon.platform.forms import read_fields, read_multipart
from lowcarbon.platform.logins import SessionUser
from lowcarbon.web.access import PageEditor, PageUser
from lowcarbon.web.render import page

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
_MAX_FORM = 12 * 1024 * 1024
_REGISTRY_PAGE = 50  # certificates a page of the public registry shows


def _actor(user: SessionUser) -> Actor:
    return Actor(user.organisation_id, user.id, user.role)


def _day(request: Request) -> Any:
    return certificates.today(Platform.of(request.app).clock)


def _optional_user(request: Request) -> SessionUser | None:
    try:
        return current_user(request, request.cookies.get(SESSION_COOKIE), Platform.of(request.app).clock())
    except NotAuthenticated:
        return None


def _common(request: Request) -> dict[str, Any]:
    return {
        "schemes": {s.id: s for s in schemes()},
        "application_states": workflow.machine(workflow.APPLICATION).states,
        "certificate_states": workflow.machine(workflow.CERTIFICATE).states,
        "application_machine": workflow.machine(workflow.APPLICATION),
        "certificate_machine": workflow.machine(workflow.CERTIFICATE),
        "lang": "en" if page_language(request) == "en" else "zh-CN",
    }


def page_language(request: Request) -> str:
    from lowcarbon.web.i18n import language_of

    return language_of(request).tag


# --- the organisation's work -----------------------------------------------------------------------------------


@router.get("/certify")
def dashboard(request: Request, user: PageUser) -> HTMLResponse:
    """Applications and certificates of the organisation; a body's work queues; a buyer's certified products."""
    with Platform.of(request.app).sessions.begin() as session:
        applications = service.list_applications(session, user.organisation_id, limit=200)
        owned = certificates.list_certificates(session, user.organisation_id, _day(request))
        registry: list[dict[str, Any]] = []
        if user.organisation_kind not in ("manufacturer", "certification_body"):
            found = certificates.search(session, _day(request), q=None, status="valid", limit=50, after=None)
            registry = [item for _, item in found]
        queues: dict[str, list[dict[str, Any]]] = {}
        for application in applications:
            queues.setdefault(application["state"], []).append(application)
        context = {
            "user": user,
            "applications": applications,
            "queues": queues,
            "certificates": owned,
            "registry": registry,
            **_common(request),
        }
        return page(request, "certify.html", context)


@router.get("/certify/apply")
def apply_form(request: Request, user: PageEditor) -> HTMLResponse:
    """The application form: scheme and category, the body, the studies and their model numbers."""
    return _apply_page(request, user, {})


def _apply_page(request: Request, user: SessionUser, draft: Mapping[str, str], **extra: Any) -> HTMLResponse:
    status = extra.pop("status", 200)
    with Platform.of(request.app).sessions.begin() as session:
        jobs = Platform.of(request.app).jobs.queue(session)
        studies = []
        for product in footprints.list_products(session, organisation_id=user.organisation_id, limit=100):
            for study in footprints.list_studies(
                session, jobs, organisation_id=user.organisation_id, product_id=product.id, limit=5
            ):
                if study.status == "done":
                    studies.append(
                        {"id": study.id, "product": product.name, "version": study.version, "total": study.total}
                    )
        bodies = service.certification_bodies(session)
    context = {"user": user, "studies": studies, "bodies": bodies, "draft": draft, **_common(request), **extra}
    return page(request, "certify_apply.html", context, status=status)


@router.post("/certify/apply")
async def apply(request: Request, user: PageEditor) -> Response:
    """File the application; its page follows."""
    fields = await read_fields(request, json_allowed=False)
    return await run_in_threadpool(_apply, request, user, fields)


def _apply(request: Request, user: SessionUser, fields: Mapping[str, str]) -> Response:
    platform = Platform.of(request.app)
    scheme, _, category = fields.get("category", "").partition("/")
    try:
        with platform.write_sessions.begin() as session:
            view = service.create_application(
                session,
                ports_for(request, session, user.actor),
                _actor(user),
                body_id=_int(fields.get("body_id")),
                scheme=scheme,
                category=category,
                studies=[{"study_id": _int(fields.get("study_id")), "models": _lines(fields.get("models", ""))}],
                producer=fields.get("producer", ""),
                sites=_lines(fields.get("sites", "")),
                scope=fields.get("scope", ""),
            )
    except LowcarbonError as error:
        if isinstance(error, NotFound) and "scheme" not in str(error):
            raise
        return _apply_page(request, user, fields, error=str(error), error_code=error.code, status=error.status)
    return RedirectResponse(f"/certify/applications/{view['id']}", status_code=303)


def _int(text: str | None) -> int:
    try:
        return int(text or "")
    except ValueError:
        return 0


def _lines(text: str) -> list[str]:
    return [part.strip() for part in text.replace(",", "\n").replace("，", "\n").splitlines() if part.strip()]


# --- an application --------------------------------------------------------------------------------------------


@router.get("/certify/applications/{application_id}")
def application_page(request: Request, application_id: int, user: PageUser) -> HTMLResponse:
    """An application as its parties see it, with the forms of the moves the person may make."""
    return _application_page(request, user, application_id)


def _application_page(request: Request, user: SessionUser, application_id: int, **extra: Any) -> HTMLResponse:
    status = extra.pop("status", 200)
    with Platform.of(request.app).sessions.begin() as session:
        view = service.application_view(session, _actor(user), application_id)
        recomputed = None
        if view["party"] == "body" and view["state"] in ("verification", "technical_review", "decision"):
            recomputed = service.recompute_application(session, _actor(user), application_id)
    context = {"user": user, "application": view, "recomputed": recomputed, **_common(request), **extra}
    return page(request, "certify_application.html", context, status=status)


def act(
    request: Request,
    user: SessionUser,
    work: Callable[[Any, Any, Actor], Any],
    *,
    back: str | Callable[[Any], str],
    refused: Callable[[LowcarbonError], Response],
) -> Response:
    """Run ``work`` (session, ports, actor) in one transaction and answer 303 to ``back`` (or to ``back`` of what
    ``work`` returned); a refusal is ``refused(error)`` (the page again, saying why), but NotFound, which is the
    error page's. What a form of a case's page does."""
    platform = Platform.of(request.app)
    try:
        with platform.write_sessions.begin() as session:
            done = work(session, ports_for(request, session, user.actor), _actor(user))
    except LowcarbonError as error:
        if isinstance(error, NotFound):
            raise
        return refused(error)
    return RedirectResponse(back if isinstance(back, str) else back(done), status_code=303)


def _acting(
    request: Request, user: SessionUser, application_id: int, work: Callable[[Any, Any, Actor], Any]
) -> Response:
    """Run ``work`` (session, ports, actor) in a transaction; back to the application, or its page with the
    refusal."""

    def refused(error: LowcarbonError) -> Response:
        return _application_page(
            request, user, application_id, error=str(error), error_code=error.code, status=error.status
        )

    return act(request, user, work, back=f"/certify/applications/{application_id}", refused=refused)


@router.post("/certify/applications/{application_id}/moves")
async def application_move(request: Request, application_id: int, user: PageUser) -> Response:
    """A move of the workflow from the application's page."""
    fields = await read_fields(request, json_allowed=False)
    data = _move_data(fields)
    move = fields.get("move", "")

    def work(session: Any, ports: Any, actor: Actor) -> None:
        service.move_application(
            session, ports, actor, application_id, move, data, master=master(request), base_url=base_url(request)
        )

    return await run_in_threadpool(_acting, request, user, application_id, work)


def _move_data(fields: Mapping[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in ("note", "opinion", "findings", "outcome"):
        if fields.get(name, "").strip():
            data[name] = fields[name].strip()
    if fields.get("materiality", "").strip():
        try:
            data["materiality"] = float(fields["materiality"]) / 100
        except ValueError:
            data["materiality"] = -1.0  # refused by the service with its message
    for flag in ("data_sources_checked", "pcr_checked"):
        data[flag] = fields.get(flag) == "on"
    checklist = {
        name[len("checklist_") :]: value == "yes" for name, value in fields.items() if name.startswith("checklist_")
    }
    if checklist:
        data["checklist"] = checklist
    if "models_0" in fields:
        data["models"] = [_lines(fields[f"models_{i}"]) for i in range(20) if f"models_{i}" in fields]
    return data


@router.post("/certify/applications/{application_id}/documents")
async def application_document(request: Request, application_id: int, user: PageUser) -> Response:
    """A document uploaded to the application (multipart, field ``file``)."""
    form = await read_multipart(request, max_bytes=_MAX_FORM)
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            content, name, media_type = b"", "", ""
        else:
            content = await upload.read(service.MAX_DOCUMENT + 1)
            name, media_type = upload.filename or "document", upload.content_type or "application/octet-stream"
    finally:
        await form.close()

    def work(session: Any, ports: Any, actor: Actor) -> None:
        service.add_document(session, ports, actor, application_id, name=name, media_type=media_type, content=content)

    return await run_in_threadpool(_acting, request, user, application_id, work)


@router.post("/certify/applications/{application_id}/findings")
async def application_finding(request: Request, application_id: int, user: PageUser) -> Response:
    """The body's finding."""
    fields = await read_fields(request, json_allowed=False)

    def work(session: Any, ports: Any, actor: Actor) -> None:
        service.add_finding(
            session, ports, actor, application_id, severity=fields.get("severity", ""), text=fields.get("text", "")
        )

    return await run_in_threadpool(_acting, request, user, application_id, work)


@router.post("/certify/applications/{application_id}/findings/{finding_id}/answer")
async def finding_answer(request: Request, application_id: int, finding_id: int, user: PageUser) -> Response:
    """The applicant's corrective action."""
    fields = await read_fields(request, json_allowed=False)
    evidence = _int(fields.get("evidence_id")) or None

    def work(session: Any, ports: Any, actor: Actor) -> None:
        service.answer_finding(
            session,
            ports,
            actor,
            application_id,
            finding_id,
            corrective_action=fields.get("corrective_action", ""),
            evidence_id=evidence,
        )

    return await run_in_threadpool(_acting, request, user, application_id, work)


@router.post("/certify/applications/{application_id}/findings/{finding_id}/close")
async def finding_close(request: Request, application_id: int, finding_id: int, user: PageUser) -> Response:
    """The body closes a finding."""
    await read_fields(request, json_allowed=False)

    def work(session: Any, ports: Any, actor: Actor) -> None:
        service.close_finding(session, ports, actor, application_id, finding_id)

    return await run_in_threadpool(_acting, request, user, application_id, work)


# --- certificates -----------------------------------------------------------------------------------------------


@router.get("/certify/certificates/{number}")
def certificate_page(request: Request, number: str, user: PageUser) -> HTMLResponse:
    """A certificate for its holder and its body: content, history, and the moves the person may make."""
    return _certificate_page(request, user, number)


def _certificate_page(request: Request, user: SessionUser, number: str, **extra: Any) -> HTMLResponse:
    status = extra.pop("status", 200)
    with Platform.of(request.app).sessions.begin() as session:
        view = certificates.get_certificate(session, _actor(user), number, _day(request))
    context = {"user": user, "certificate": view, **_common(request), **extra}
    return page(request, "certify_certificate.html", context, status=status)


@router.post("/certify/certificates/{number}/moves")
async def certificate_move(request: Request, number: str, user: PageUser) -> Response:
    """A move of the certificate."""
    fields = await read_fields(request, json_allowed=False)
    return await run_in_threadpool(_certificate_move, request, user, number, fields)


def _certificate_move(request: Request, user: SessionUser, number: str, fields: Mapping[str, str]) -> Response:
    def work(session: Any, ports: Any, actor: Actor) -> None:
        move, data = fields.get("move", ""), _move_data(fields)
        certificates.move_certificate(session, ports, actor, number, move, data, master=master(request))

    def refused(error: LowcarbonError) -> Response:
        return _certificate_page(request, user, number, error=str(error), error_code=error.code, status=error.status)

    return act(request, user, work, back=f"/certify/certificates/{number}", refused=refused)


# --- public -----------------------------------------------------------------------------------------------------


@router.get("/registry")
def registry(request: Request, q: str | None = None, status: str | None = None, after: int | None = None) -> Response:
    """Search the certificate registry; no login."""
    status_error: str | None = None
    with Platform.of(request.app).sessions.begin() as session:
        try:
            found = certificates.search(
                session,
                _day(request),
                q=(q or "").strip()[:200] or None,
                status=status or None,
                limit=_REGISTRY_PAGE + 1,  # one more than shown: whether a page follows
                after=after,
            )
            items = [item for _, item in found[:_REGISTRY_PAGE]]
            last = found[_REGISTRY_PAGE - 1][0] if len(found) > _REGISTRY_PAGE else None
        except LowcarbonError as error:
            items, last = [], None
            status_error = str(error)
    context = {
        "user": _optional_user(request),
        "items": items,
        "last": last,
        "q": q or "",
        "status": status or "",
        "error": status_error,
        **_common(request),
    }
    return page(request, "certify_registry.html", context, status=400 if status_error else 200)


@router.get("/verify/{number}")
def verify_page(request: Request, number: str) -> Response:
    """What a label's QR code opens: the certificate's status today, its content and whether its signature
    verifies; no login. An unknown number is said on the page (404)."""
    with Platform.of(request.app).sessions.begin() as session:
        try:
            view: dict[str, Any] | None = certificates.public_certificate(session, number, _day(request))
        except NotFound:
            view = None
    context = {"user": _optional_user(request), "certificate": view, "number": number, **_common(request)}
    return page(request, "certify_verify.html", context, status=200 if view else 404)
