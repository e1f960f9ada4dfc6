"""The API of products and their footprint studies (the table of routes is the package's, ``footprint.routes``).

A study is accepted with 202 and computed by a background job: poll ``GET /api/studies/{id}`` (its ``Location``)
until ``status`` is ``done`` or ``failed``; an invalid model is 400 ``invalid_model`` with every problem in
``details``, and nothing is stored.

A model comes as JSON (``StudyIn``: the model's text, or an Excel workbook's bytes in base64, its format, and the
factor files it names) or as a ``multipart/form-data`` upload (``file``, ``format`` or the file's name,
``factor_file`` repeated). The limits are those of ``footprint.uploads`` and ``footprint.stored``; the checks of a
study's files are those of ``stored.validate``. The organisation's factor sets that the model links are copied
into the study when it is stored (``service.create_study``). Pagination: see ``lowcarbon.platform.pagination``.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.datastructures import UploadFile

from lowcarbon.errors import InvalidInput
from lowcarbon.footprint import service, uploads
from lowcarbon.footprint.bundle import ModelFormat
from lowcarbon.footprint.routes.bodies import body_of, is_upload, request_body
from lowcarbon.footprint.routes.callers import ERRORS, Reader, Writer, responses
from lowcarbon.footprint.schemas import (
    Comparison,
    FactorFile,
    NoteIn,
    Product,
    ProductIn,
    ProductPage,
    ProductRename,
    Study,
    StudyIn,
    StudyPage,
    StudySummary,
)
from lowcarbon.platform.dependencies import JobsDep, SessionDep, WriteSessionDep, ports_for
from lowcarbon.platform.forms import read_multipart
from lowcarbon.platform.pagination import IdPath, PageDep
from lowcarbon.text import SingleLine

__all__ = ["router"]

_UPLOAD_ERRORS = responses(
    (413, "payload_too_large: the model file is larger than a study keeps"),
    (415, "unsupported_media_type: neither JSON nor multipart/form-data"),
)
_STUDY_BODY = request_body(
    StudyIn,
    {
        "file": {"type": "string", "format": "binary", "description": "The model file: .yaml, .yml, .json or .xlsx"},
        "format": {
            "type": "string",
            "enum": ["yaml", "json", "xlsx"],
            "description": "The model's format; by default told by the file's name",
        },
        uploads.FACTOR_FIELD: {
            "type": "array",
            "items": {"type": "string", "format": "binary"},
            "description": "Each factor file the model names (CSV or Excel), under that name",
        },
    },
    ["file"],
)

router = APIRouter(prefix="/api", tags=["studies"], responses=ERRORS)


@dataclass(frozen=True)
class _Submission:
    """A new study as a study keeps it: the model, its format, and its factor files (name -> content)."""

    model: str
    format: ModelFormat
    files: dict[str, str]


async def _study_input(request: Request) -> _Submission:
    """The new study's model and factor files, from a JSON body or a multipart upload of the files."""
    if is_upload(request, "the study"):
        return await _uploaded(request)
    sent = await body_of(request, StudyIn)
    return _Submission(sent.model, sent.format, uploads.sent_files(sent.files))


async def _uploaded(request: Request) -> _Submission:
    form = await read_multipart(request, max_bytes=uploads.MAX_UPLOAD)
    try:
        upload, chosen = form.get("file"), form.get("format")
        if not isinstance(upload, UploadFile):
            raise InvalidInput("send the model file in the form field `file`")
        if chosen is not None and not isinstance(chosen, str):
            raise InvalidInput("send the format as a text field: yaml, json or xlsx")
        model, model_format = await uploads.uploaded_model(upload, chosen)
        return _Submission(model, model_format, await uploads.uploaded_files(form))
    finally:
        await form.close()


StudyInput = Annotated[_Submission, Depends(_study_input)]


@router.post("/products", status_code=201)
def create_product(
    request: Request, body: ProductIn, caller: Writer, session: WriteSessionDep, response: Response
) -> Product:
    """Add a product to your organisation; its name is unique within it (409 conflict otherwise)."""
    ports = ports_for(request, session, caller.actor)
    product = service.create_product(
        session, ports.audit, ports.clock, organisation_id=caller.organisation_id, name=body.name
    )
    response.headers["Location"] = f"/api/products/{product.id}/studies"
    return product


ArchivedQuery = Annotated[bool, Query(description="List the archived products instead of those in use")]


@router.get("/products")
def list_products(caller: Reader, session: SessionDep, page: PageDep, archived: ArchivedQuery = False) -> ProductPage:
    """Your organisation's products in use (or, ``archived=true``, the archived ones), newest first, a page at a
    time, each with its newest computed version, the total and its declared unit (null before a version is
    computed)."""
    rows = service.list_products(
        session, organisation_id=caller.organisation_id, limit=page.fetch, after=page.after, archived=archived
    )
    items, next_url = page.page(rows, lambda product: product.id)
    latest = service.latest_totals(
        session, organisation_id=caller.organisation_id, product_ids=[product.id for product in items]
    )
    listed = [
        Product.model_validate(product, from_attributes=True).model_copy(update=_latest_fields(latest.get(product.id)))
        for product in items
    ]
    return ProductPage(items=listed, next=next_url)


@router.patch("/products/{product_id}", responses=responses((409, "conflict: another product has that name")))
def rename_product(
    request: Request, product_id: IdPath, body: ProductRename, caller: Writer, session: WriteSessionDep
) -> Product:
    """Rename a product; the new name is unique within your organisation (409 conflict otherwise)."""
    ports = ports_for(request, session, caller.actor)
    return service.rename_product(
        session, ports.audit, organisation_id=caller.organisation_id, product_id=product_id, name=body.name
    )


@router.post("/products/{product_id}/archive")
def archive_product(request: Request, product_id: IdPath, caller: Writer, session: WriteSessionDep) -> Product:
    """Archive a product: it leaves the list (see ``archived=true``) and takes no new version until restored; its
    studies stay."""
    return _set_archived(request, product_id, caller, session, archived=True)


@router.post("/products/{product_id}/restore")
def restore_product(request: Request, product_id: IdPath, caller: Writer, session: WriteSessionDep) -> Product:
    """Restore an archived product to use."""
    return _set_archived(request, product_id, caller, session, archived=False)


def _set_archived(
    request: Request, product_id: int, caller: Writer, session: WriteSessionDep, *, archived: bool
) -> Product:
    ports = ports_for(request, session, caller.actor)
    return service.set_archived(
        session,
        ports.audit,
        ports.clock,
        organisation_id=caller.organisation_id,
        product_id=product_id,
        archived=archived,
    )


@router.put("/studies/{study_id}/note")
def set_note(
    request: Request, study_id: IdPath, body: NoteIn, caller: Writer, session: WriteSessionDep
) -> StudySummary:
    """Say something of a version (empty: remove the note)."""
    ports = ports_for(request, session, caller.actor)
    return service.set_note(
        session, ports.audit, organisation_id=caller.organisation_id, study_id=study_id, note=body.note
    )


def _latest_fields(latest: service.LatestTotal | None) -> dict[str, object]:
    if latest is None:
        return {}
    return {"latest_version": latest.version, "latest_total": latest.total, "declared_unit": latest.declared_unit}


@router.post(
    "/products/{product_id}/studies",
    status_code=202,
    openapi_extra=_STUDY_BODY,
    responses={**_UPLOAD_ERRORS, **responses((409, "conflict: the product is archived"))},
)
def create_study(
    request: Request, product_id: IdPath, caller: Writer, body: StudyInput, session: WriteSessionDep, response: Response
) -> StudySummary:
    """Store a model (JSON, or an uploaded file) as the product's next version and compute its footprint in the
    background."""
    study = service.create_study(
        session,
        ports_for(request, session, caller.actor),
        organisation_id=caller.organisation_id,
        product_id=product_id,
        user_id=caller.user_id,
        client=caller.machine_client,
        model_text=body.model,
        model_format=body.format,
        files=body.files,
    )
    response.headers["Location"] = f"/api/studies/{study.id}"
    return study


@router.get("/products/{product_id}/studies")
def list_studies(product_id: IdPath, caller: Reader, session: SessionDep, jobs: JobsDep, page: PageDep) -> StudyPage:
    """The product's studies, newest first, a page at a time, without their results."""
    rows = service.list_studies(
        session,
        jobs.queue(session),
        organisation_id=caller.organisation_id,
        product_id=product_id,
        limit=page.fetch,
        after=page.after,
    )
    items, next_url = page.page(rows, lambda study: study.id)
    return StudyPage(items=items, next=next_url)


@router.get("/studies/{study_id}")
def get_study(study_id: IdPath, caller: Reader, session: SessionDep, jobs: JobsDep) -> Study:
    """A study: its status, and its result when done or its error when failed."""
    return service.get_study(session, jobs.queue(session), organisation_id=caller.organisation_id, study_id=study_id)


_MEDIA_TYPES = {
    "yaml": "application/yaml",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@router.get(
    "/studies/{study_id}/model",
    response_class=Response,
    responses={200: {"content": {media: {} for media in _MEDIA_TYPES.values()}, "description": "The model file"}},
)
def get_model(study_id: IdPath, caller: Reader, session: SessionDep) -> Response:
    """The exact model file the study was computed from."""
    study = service.get_model(session, organisation_id=caller.organisation_id, study_id=study_id)
    content = base64.b64decode(study.text) if study.format == "xlsx" else study.text.encode("utf-8")
    name = f"study-{study.id}-v{study.version}.{study.format}"
    return Response(
        content,
        media_type=_MEDIA_TYPES[study.format],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/studies/{study_id}/files")
def list_files(study_id: IdPath, caller: Reader, session: SessionDep) -> list[FactorFile]:
    """The factor files the study keeps, by name: each one's name as the model gives it, size and SHA-256."""
    return service.list_files(session, organisation_id=caller.organisation_id, study_id=study_id)


_FILE_TYPES = {".csv": "text/csv", ".xlsx": _MEDIA_TYPES["xlsx"]}


@router.get(
    "/studies/{study_id}/files/{name:path}",
    response_class=Response,
    responses={200: {"content": {media: {} for media in _FILE_TYPES.values()}, "description": "The factor file"}},
)
def get_file(study_id: IdPath, name: SingleLine, caller: Reader, session: SessionDep) -> Response:
    """One factor file of the study, byte for byte as sent."""
    content = service.get_file(session, organisation_id=caller.organisation_id, study_id=study_id, name=name)
    base = PurePosixPath(name).name
    plain = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in base)
    return Response(
        content,
        media_type=_FILE_TYPES.get(PurePosixPath(name).suffix.lower(), "application/octet-stream"),
        headers={"Content-Disposition": f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(base)}"},
    )


@router.get("/products/{product_id}/comparison")
def comparison(product_id: IdPath, caller: Reader, session: SessionDep) -> Comparison:
    """The product's computed versions, oldest first: total and by stage, and the change between versions."""
    return service.compare(session, organisation_id=caller.organisation_id, product_id=product_id)
