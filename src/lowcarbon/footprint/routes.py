"""The footprint API: products of the caller's organisation, their footprint studies, and their comparison.

    POST /api/products                    {"name"}                 201 Product        editor, admin  studies:write
    GET  /api/products?limit=&cursor=                              200 ProductPage    every role     studies:read
    POST /api/products/{id}/studies       {"model", "format",      202 StudySummary   editor, admin  studies:write
                                          "files"}, or multipart
                                          file, format, factor_file
    GET  /api/products/{id}/studies?limit=&cursor=                 200 StudyPage      every role     studies:read
    GET  /api/studies/{id}                                         200 Study          every role     studies:read
    GET  /api/studies/{id}/model                                   200 the model file every role     studies:read
    GET  /api/studies/{id}/files                                   200 [FactorFile]   every role     studies:read
    GET  /api/studies/{id}/files/{name}                            200 the file       every role     studies:read
    GET  /api/products/{id}/comparison                             200 Comparison     every role     studies:read

Who may call each route (people by role, machine clients by scope) and the refusals (401, 403, 404 for another
organisation's record) are the platform's rules, ``lowcarbon.platform.auth``. A study is accepted with 202 and
computed by a background job: poll ``GET /api/studies/{id}`` (its ``Location``) until ``status`` is ``done`` or
``failed``; an invalid model is 400 ``invalid_model`` with every problem in ``details``, and nothing is stored.

A model comes as JSON (``StudyIn``: the model's text, or an Excel workbook's bytes in base64, its format, and the
factor files it names) or as a ``multipart/form-data`` upload (``file``, ``format`` or the file's name,
``factor_file`` repeated). The limits are those of ``footprint.uploads`` and ``footprint.stored``; the checks of a
study's files are those of ``stored.validate``. Pagination: see ``lowcarbon.platform.pagination``.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from lowcarbon.errors import InvalidInput
from lowcarbon.footprint import service, uploads
from lowcarbon.footprint.bundle import ModelFormat
from lowcarbon.footprint.schemas import (
    Comparison,
    FactorFile,
    Product,
    ProductIn,
    ProductPage,
    Study,
    StudyIn,
    StudyPage,
    StudySummary,
)
from lowcarbon.platform.auth import Caller, reader, writer
from lowcarbon.platform.csrf import CSRF_FIELD, CSRF_HEADER
from lowcarbon.platform.dependencies import JobsDep, SessionDep, WriteSessionDep, ports_for
from lowcarbon.platform.errors import UnsupportedMediaType
from lowcarbon.platform.forms import JSON, MULTIPART, media_type, read_multipart
from lowcarbon.platform.http_errors import ErrorResponse
from lowcarbon.platform.pagination import IdPath, PageDep
from lowcarbon.text import SingleLine

__all__ = ["READ_SCOPE", "WRITE_SCOPE", "Reader", "Writer", "router"]

READ_SCOPE = "studies:read"
WRITE_SCOPE = "studies:write"

Reader = Annotated[Caller, reader(READ_SCOPE)]
Writer = Annotated[Caller, writer(WRITE_SCOPE)]


def _responses(*rows: tuple[int, str]) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": ErrorResponse, "description": description} for status, description in rows}


def _inlined(schema: dict[str, Any]) -> dict[str, Any]:
    """The JSON schema with its ``$defs`` put in place of their references, which the OpenAPI document would not
    resolve from a request body's schema."""
    definitions = schema.pop("$defs", {})

    def place(value: Any) -> Any:
        if isinstance(value, dict):
            reference = value.get("$ref", "")
            if reference.startswith("#/$defs/"):
                return place(definitions[reference.removeprefix("#/$defs/")])
            return {key: place(item) for key, item in value.items()}
        if isinstance(value, list):
            return [place(item) for item in value]
        return value

    return dict(place(schema))


_ERRORS = _responses(
    (400, "invalid_input, invalid_model (with details)"),
    (401, "not_authenticated, invalid_token"),
    (403, "forbidden (a viewer's change), insufficient_scope (a token without the route's scope), csrf_failed"),
    (404, "not_found: no such product or study in your organisation"),
)
_UPLOAD_ERRORS = _responses(
    (413, "payload_too_large: the model file is larger than a study keeps"),
    (415, "unsupported_media_type: neither JSON nor multipart/form-data"),
)
_STUDY_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            JSON: {"schema": _inlined(StudyIn.model_json_schema())},
            MULTIPART: {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "The model file: .yaml, .yml, .json or .xlsx",
                        },
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
                        CSRF_FIELD: {
                            "type": "string",
                            "description": f"With the session cookie: its CSRF token, unless sent as {CSRF_HEADER}",
                        },
                    },
                }
            },
        },
    }
}

router = APIRouter(prefix="/api", tags=["studies"], responses=_ERRORS)


@dataclass(frozen=True)
class _Submission:
    """A new study as a study keeps it: the model, its format, and its factor files (name -> content)."""

    model: str
    format: ModelFormat
    files: dict[str, str]


async def _study_input(request: Request) -> _Submission:
    """The new study's model and factor files, from a JSON body or a multipart upload of the files."""
    kind = media_type(request)
    if kind == MULTIPART:
        return await _uploaded(request)
    if kind not in ("", JSON) and not kind.endswith("+json"):
        raise UnsupportedMediaType(f"send the study as {JSON} or upload the model file as {MULTIPART}, not {kind}")
    body = await request.body()
    if not body:
        raise RequestValidationError([{"type": "missing", "loc": ("body",), "msg": "Field required"}])
    try:
        sent = StudyIn.model_validate_json(body)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False)
        raise RequestValidationError([{**error, "loc": ("body", *error["loc"])} for error in errors]) from None
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


@router.get("/products")
def list_products(caller: Reader, session: SessionDep, page: PageDep) -> ProductPage:
    """Your organisation's products, newest first, a page at a time."""
    rows = service.list_products(session, organisation_id=caller.organisation_id, limit=page.fetch, after=page.after)
    items, next_url = page.page(rows, lambda product: product.id)
    return ProductPage(items=items, next=next_url)


@router.post("/products/{product_id}/studies", status_code=202, openapi_extra=_STUDY_BODY, responses=_UPLOAD_ERRORS)
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
