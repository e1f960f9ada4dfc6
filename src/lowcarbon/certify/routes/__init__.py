"""The certify API: applications and their moves for the two parties, certificates for their holder and body, and
the public registry that anyone may read without an account.

    GET  /.well-known/jwks.json                            public: every body's public keys (JWKS)
    GET  /api/public/certificates?q=&status=&limit=&cursor= public: search the registry (paginated)
    GET  /api/public/certificates/{number}                 public: one certificate, its status and signature
    GET  /api/public/certificates/{number}/certificate.pdf public: the certificate as a PDF (?lang=zh-CN|en)
    GET  /api/public/certificates/{number}/label.svg|.png  public: the label
    GET  /api/certify/schemes                              public: the schemes
    POST /api/certify/applications                         the applicant's editors
    GET  /api/certify/applications[/{id}]                  either party
    POST /api/certify/applications/{id}/moves              the party whose move it is (409 illegal_transition)
    ...  documents, findings, re-computation, frozen study reports; certificates' moves; keys

People act by session; machine clients read with ``certify:read``. Every move is checked by the workflow
(``lowcarbon.certify.workflow``) in the service, so the rules live in one place.
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from lowcarbon.certify import certificates, service
from lowcarbon.certify.parties import Actor
from lowcarbon.certify.routes.schemas import AnswerIn, ApplicationIn, DocumentIn, FindingIn, MoveIn
from lowcarbon.certify.schemes import schemes
from lowcarbon.errors import InvalidInput, PermissionDenied
from lowcarbon.platform.auth import AdminUser, Caller, CurrentUser, reader
from lowcarbon.platform.dependencies import NowDep, Platform, SessionDep, WriteSessionDep, ports_for
from lowcarbon.platform.pagination import IdPath, PageDep
from lowcarbon.storage import json_value

__all__ = [
    "READ_SCOPE",
    "actor_of",
    "base_url",
    "document_bytes",
    "master",
    "public_router",
    "reader_actor",
    "router",
]

READ_SCOPE = "certify:read"
Reader = Annotated[Caller, reader(READ_SCOPE)]
Number = Annotated[str, "certificate number"]

router = APIRouter(prefix="/api/certify", tags=["certification"])
public_router = APIRouter(tags=["certificate registry"])


def master(request: Request) -> bytes:
    """The secret the bodies' keys are sealed with: the platform's secret key (kept out of the database)."""
    return Platform.of(request.app).secret_key.encode("utf-8")


def base_url(request: Request) -> str:
    """Where the public verification pages live: the settings' public URL, else the URL the request came to."""
    configured = Platform.of(request.app).settings.public_url
    return configured or str(request.base_url)


def document_bytes(document: DocumentIn) -> bytes:
    """The bytes of a document sent in base64; InvalidInput when it is not base64."""
    try:
        return base64.b64decode(document.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput("content_base64 is not base64") from None


def actor_of(user: Any) -> Actor:
    return Actor(user.organisation_id, user.id, user.role)


def reader_actor(caller: Caller) -> Actor:
    """A reader as the service sees them; a machine client reads as a viewer that makes no moves."""
    if caller.user is not None:
        return actor_of(caller.user)
    return Actor(caller.organisation_id, 0, "viewer")


def _json(value: Any) -> JSONResponse:
    return JSONResponse(json_value(value))


# --- public ----------------------------------------------------------------------------------------------------


@public_router.get("/.well-known/jwks.json")
def jwks(session: SessionDep) -> JSONResponse:
    """Every certification body's public signing keys (Ed25519, as JWK with kty OKP), retired ones included so
    that what they signed still verifies."""
    return JSONResponse(certificates.jwks(session), headers={"Cache-Control": "public, max-age=300"})


@public_router.get("/api/public/certificates")
def search_certificates(
    session: SessionDep,
    page: PageDep,
    now: NowDep,
    q: Annotated[str | None, Query(max_length=200, description="Text in the number, holder or products")] = None,
    status: Annotated[
        Literal["valid", "suspended", "revoked", "withdrawn", "expired"] | None, Query(description="Status today")
    ] = None,
) -> JSONResponse:
    """Search the public registry of certificates; each item has its number, status, holder, scheme, valid_until
    and jws (the signed certificate). No login."""
    day = certificates.china_day(now)
    found = certificates.search(session, day, q=q or None, status=status, limit=page.fetch, after=page.after)
    rows, next_url = page.page(found, key=lambda row: row[0])
    return _json({"items": [item for _, item in rows], "next": next_url})


@public_router.get("/api/public/certificates/{number}")
def public_certificate(number: str, session: SessionDep, now: NowDep) -> JSONResponse:
    """One certificate as anyone may check it: status today, content, the JWS, and whether it verifies."""
    return _json(certificates.public_certificate(session, number, certificates.china_day(now)))


_FILE = {"Cache-Control": "public, max-age=60"}  # the content is signed; a revision changes it, rarely


@public_router.get(
    "/api/public/certificates/{number}/certificate.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "The certificate"}},
)
def certificate_pdf(
    number: str,
    session: SessionDep,
    lang: Annotated[Literal["zh-CN", "en"], Query(description="The certificate's language")] = "zh-CN",
) -> Response:
    """The certificate as a PDF in Chinese or English, with its QR code; no login."""
    from lowcarbon.certify.document import certificate_pdf as render

    content, _ = certificates.signed_content(session, number)
    headers = {**_FILE, "Content-Disposition": f'inline; filename="{number}-{lang}.pdf"'}
    return Response(render(certificates.document_content(content), lang), media_type="application/pdf", headers=headers)


@public_router.get(
    "/api/public/certificates/{number}/label.svg",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}, "description": "The label"}},
)
def label_svg(number: str, session: SessionDep) -> Response:
    """The certificate's label as SVG (zh-CN and en), with the footprint where the scheme declares one and the QR
    code of its verification page; no login."""
    from lowcarbon.certify.label import label_svg as render

    content, _ = certificates.signed_content(session, number)
    return Response(render(certificates.label_content(content)), media_type="image/svg+xml", headers=_FILE)


@public_router.get(
    "/api/public/certificates/{number}/label.png",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}, "description": "The label"}},
)
def label_png(number: str, session: SessionDep) -> Response:
    """The certificate's label as PNG; no login."""
    from lowcarbon.certify.label import label_png as render

    content, _ = certificates.signed_content(session, number)
    return Response(render(certificates.label_content(content)), media_type="image/png", headers=_FILE)


@router.get("/schemes")
def list_schemes() -> JSONResponse:
    """The certification schemes: standard, categories, criteria, evidence per stage, validity, surveillance."""
    return JSONResponse([scheme.to_dict() for scheme in schemes()])


# --- applications ----------------------------------------------------------------------------------------------


@router.post("/applications", status_code=201)
def create_application(request: Request, body: ApplicationIn, user: CurrentUser, session: WriteSessionDep) -> Any:
    """Apply to a certification body for a scheme and category, with frozen copies of the named studies."""
    ports = ports_for(request, session, user.actor)
    view = service.create_application(
        session,
        ports,
        actor_of(user),
        body_id=body.body_id,
        scheme=body.scheme,
        category=body.category,
        studies=[study.model_dump(exclude_none=True) for study in body.studies],
        producer=body.producer,
        sites=body.sites,
        scope=body.scope,
        renews=body.renews,
    )
    response = _json(view)
    response.status_code = 201
    response.headers["Location"] = f"/api/certify/applications/{view['id']}"
    return response


@router.get("/applications")
def list_applications(
    caller: Reader,
    session: SessionDep,
    page: PageDep,
    state: Annotated[str | None, Query(max_length=32, description="Only those in this state")] = None,
) -> JSONResponse:
    """The applications your organisation made or, for a body, received; newest first."""
    rows = service.list_applications(session, caller.organisation_id, state=state, limit=page.fetch, after=page.after)
    items, next_url = page.page(rows, key=lambda row: int(row["id"]))
    return _json({"items": items, "next": next_url})


@router.get("/applications/{application_id}")
def get_application(application_id: IdPath, caller: Reader, session: SessionDep) -> JSONResponse:
    """An application your organisation is a party to, with the moves you may make now."""
    return _json(service.application_view(session, reader_actor(caller), application_id))


@router.post("/applications/{application_id}/moves")
def move_application(
    request: Request, application_id: IdPath, body: MoveIn, user: CurrentUser, session: WriteSessionDep
) -> JSONResponse:
    """Make a move of the workflow; 409 ``illegal_transition`` (with the state and legal moves) when it does not
    leave the current state, 403 when it is the other party's or separation of duties bars you."""
    ports = ports_for(request, session, user.actor)
    data = body.model_dump(exclude_none=True, exclude={"move"})
    view = service.move_application(
        session,
        ports,
        actor_of(user),
        application_id,
        body.move,
        data,
        master=master(request),
        base_url=base_url(request),
    )
    return _json(view)


@router.get("/applications/{application_id}/recomputed")
def recomputed(application_id: IdPath, caller: Reader, session: SessionDep) -> JSONResponse:
    """The body re-computes each frozen study with the engine, beside the value declared."""
    return _json(service.recompute_application(session, reader_actor(caller), application_id))


@router.post("/applications/{application_id}/documents", status_code=201)
def add_document(
    request: Request, application_id: IdPath, body: DocumentIn, user: CurrentUser, session: WriteSessionDep
) -> JSONResponse:
    """Add a document (base64) to the application."""
    content = document_bytes(body)
    ports = ports_for(request, session, user.actor)
    added = service.add_document(
        session, ports, actor_of(user), application_id, name=body.name, media_type=body.media_type, content=content
    )
    response = _json(added)
    response.status_code = 201
    return response


@router.get("/applications/{application_id}/documents/{document_id}")
def get_document(application_id: IdPath, document_id: IdPath, caller: Reader, session: SessionDep) -> Response:
    """A document's bytes, as a download."""
    document = service.get_document(session, caller.organisation_id, application_id, document_id)
    return Response(
        document.content,
        media_type="application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="document-{document.id}"'},
    )


@router.post("/applications/{application_id}/findings", status_code=201)
def add_finding(
    request: Request, application_id: IdPath, body: FindingIn, user: CurrentUser, session: WriteSessionDep
) -> JSONResponse:
    """The body records a finding (non-conformity or observation)."""
    ports = ports_for(request, session, user.actor)
    found = service.add_finding(session, ports, actor_of(user), application_id, severity=body.severity, text=body.text)
    response = _json(found)
    response.status_code = 201
    return response


@router.post("/applications/{application_id}/findings/{finding_id}/answer")
def answer_finding(
    request: Request,
    application_id: IdPath,
    finding_id: IdPath,
    body: AnswerIn,
    user: CurrentUser,
    session: WriteSessionDep,
) -> JSONResponse:
    """The applicant answers a finding with its corrective action (and a document as evidence)."""
    ports = ports_for(request, session, user.actor)
    answered = service.answer_finding(
        session,
        ports,
        actor_of(user),
        application_id,
        finding_id,
        corrective_action=body.corrective_action,
        evidence_id=body.evidence_id,
    )
    return _json(answered)


@router.post("/applications/{application_id}/findings/{finding_id}/close")
def close_finding(
    request: Request, application_id: IdPath, finding_id: IdPath, user: CurrentUser, session: WriteSessionDep
) -> JSONResponse:
    """The body closes a finding."""
    ports = ports_for(request, session, user.actor)
    return _json(service.close_finding(session, ports, actor_of(user), application_id, finding_id))


@router.get(
    "/applications/{application_id}/studies/{frozen_id}/report.html",
    response_class=Response,
    responses={200: {"content": {"text/html": {}}, "description": "The CFP study report of the frozen study"}},
)
def frozen_report(
    application_id: IdPath,
    frozen_id: IdPath,
    caller: Reader,
    session: SessionDep,
    lang: Annotated[Literal["zh-CN", "en"], Query(description="The report's language")] = "zh-CN",
) -> Response:
    """The CFP study report of a study as the application froze it: what the verifier reviews."""
    from lowcarbon.footprint.stored import stored_source
    from lowcarbon.report.build import build_report
    from lowcarbon.report.html import render_html

    source = service.frozen_source(session, caller.organisation_id, application_id, frozen_id)
    bundle, library = stored_source(source)
    html = render_html(build_report(bundle, library=library), lang)
    policy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
    return Response(html, media_type="text/html", headers={"Content-Security-Policy": policy})


# --- certificates and keys -------------------------------------------------------------------------------------


@router.get("/certificates")
def own_certificates(caller: Reader, session: SessionDep, now: NowDep) -> JSONResponse:
    """The certificates your organisation holds or, for a body, issued."""
    day = certificates.china_day(now)
    return _json(certificates.list_certificates(session, caller.organisation_id, day))


@router.get("/certificates/{number}")
def own_certificate(number: str, caller: Reader, session: SessionDep, now: NowDep) -> JSONResponse:
    """A certificate your organisation holds or issued, with the moves you may make now."""
    day = certificates.china_day(now)
    return _json(certificates.get_certificate(session, reader_actor(caller), number, day))


@router.post("/certificates/{number}/moves")
def move_certificate(
    request: Request, number: str, body: MoveIn, user: CurrentUser, session: WriteSessionDep
) -> JSONResponse:
    """Surveil, change the models of, suspend, reinstate, revoke or withdraw a certificate."""
    ports = ports_for(request, session, user.actor)
    data = body.model_dump(exclude_none=True, exclude={"move"})
    return _json(
        certificates.move_certificate(session, ports, actor_of(user), number, body.move, data, master=master(request))
    )


@router.get("/keys")
def keys(user: CurrentUser, session: SessionDep) -> JSONResponse:
    """Your body's signing keys (public facts only: kid, made, retired)."""
    return _json(certificates.list_keys(session, user.organisation_id))


@router.post("/keys/rotate")
def rotate(request: Request, user: AdminUser, session: WriteSessionDep) -> JSONResponse:
    """Retire your body's signing key and make a new one; certificates signed before still verify."""
    if user.organisation_kind != "certification_body":
        raise PermissionDenied("only a certification body has signing keys")
    ports = ports_for(request, session, user.actor)
    return _json({"kid": certificates.rotate_key(session, ports, user.organisation_id, master(request))})
