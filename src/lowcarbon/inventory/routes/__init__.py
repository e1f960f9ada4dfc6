"""The inventory API: an organisation's GHG inventories, their activity data by site and month, the Excel template,
the computed result and the report.

    GET    /api/inventory/template.xlsx                          200 the Excel template    every role     read
    POST   /api/inventory                  {"name", "inventory"} 201 Summary               editor, admin  write
    POST   /api/inventory/upload           multipart file, name  201 Summary               editor, admin  write
    GET    /api/inventory                                        200 [Summary]             every role     read
    GET    /api/inventory/{id}                                   200 InventoryDetail       every role     read
    PUT    /api/inventory/{id}/file        multipart file        200 Summary               editor, admin  write
    GET    /api/inventory/{id}/activities?site=&period=          200 [StoredActivity]      every role     read
    POST   /api/inventory/{id}/activities  an activity record    201 StoredActivity        editor, admin  write
    POST   /api/inventory/{id}/activities/csv multipart file     201 [StoredActivity]      editor, admin  write
    DELETE /api/inventory/{id}/activities/{activity_id}          204                       editor, admin  write
    PUT    /api/inventory/{id}/months/{site}/{month} {"records"} 200 [StoredActivity]      editor, admin  write
    POST   /api/inventory/{id}/compute                           200 the result            editor, admin  write
    GET    /api/inventory/{id}/result                            200 the result            every role     read
    GET    /api/inventory/{id}/report.html?lang=zh-CN|en         200 text/html             every role     read
    GET    /api/inventory/{id}/report.pdf?lang=zh-CN|en          200 application/pdf       every role     read

``inventory`` in a body is what the inventory's YAML file holds (organisation, reporting_year, approach, gwp,
base_year, significance, sites, activities, allocations); an activity record is one item of its ``activities``.
The result is the contract of ``lowcarbon inventory compute --json``: ``total``, ``by_category`` ("1" to "6"),
``by_scope`` ("1", "2-location", "2-market", "3") in t CO2e and the rest beside them. Every change is computed at
once: one the core cannot read or compute is 400 ``invalid_inventory``, each problem in ``details`` with its place,
message id and Chinese, and nothing is stored; a CSV of activity records (the Excel template's activity columns,
English or Chinese headers, UTF-8 or GBK) is refused whole when any row is wrong, each problem placed on its row and
column. An uploaded file (YAML, or the Excel template) is read by the core's
reader through ``lowcarbon.bounded`` within ``max_model_bytes``. People act by session (viewers read), machine
clients by the scopes ``inventory:read`` (read) and ``inventory:write`` (write); another organisation's inventory
is 404. An inventory's verification and the evaluation of a carbon management system, between the organisation
and a certification body, are ``routes.engagements``'s.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Query, Request, Response
from fastapi import Path as PathParam
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from lowcarbon.bounded import exceeded
from lowcarbon.bounded.limits import active
from lowcarbon.errors import InvalidInput
from lowcarbon.inventory import service
from lowcarbon.inventory.excel import template_bytes
from lowcarbon.inventory.reporting import report_html, report_pdf
from lowcarbon.platform.auth import Caller, reader, writer
from lowcarbon.platform.dependencies import SessionDep, WriteSessionDep, ports_for
from lowcarbon.platform.forms import read_multipart
from lowcarbon.platform.http_errors import ErrorResponse
from lowcarbon.platform.pagination import IdPath
from lowcarbon.ports import AuditLog, Clock
from lowcarbon.web.i18n import language_of

__all__ = ["READ_SCOPE", "WRITE_SCOPE", "Uploaded", "read_upload", "router"]

READ_SCOPE = "inventory:read"
WRITE_SCOPE = "inventory:write"
Reader = Annotated[Caller, reader(READ_SCOPE)]
Writer = Annotated[Caller, writer(WRITE_SCOPE)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HTML_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"


def _responses(*rows: tuple[int, str]) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": ErrorResponse, "description": description} for status, description in rows}


router = APIRouter(
    prefix="/api/inventory",
    tags=["inventory"],
    responses=_responses(
        (400, "invalid_input, invalid_inventory (with details)"),
        (401, "not_authenticated, invalid_token"),
        (403, "forbidden (a viewer's change), insufficient_scope, csrf_failed"),
        (404, "not_found: no such inventory or record in your organisation"),
        (409, "conflict: the name is taken, or the inventory is not computed"),
    ),
)


class InventoryIn(BaseModel):
    name: str = Field(min_length=1, max_length=service.MAX_NAME)
    inventory: dict[str, Any] = Field(description="What the inventory's YAML file holds")


class MonthIn(BaseModel):
    records: list[dict[str, Any]] = Field(
        max_length=200, description="The month's activity records, each without site and month"
    )


@dataclass(frozen=True)
class InventoryDetail(service.Summary):
    document: dict[str, Any]  # the inventory file's values without its activities


SitePath = Annotated[str, PathParam(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
MonthPath = Annotated[str, PathParam(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")]
LangQuery = Annotated[
    Literal["zh-CN", "en"] | None, Query(description="The report's language; by default the caller's UI language")
]


@dataclass(frozen=True)
class Uploaded:
    """An uploaded inventory file and the form's ``name`` field."""

    content: bytes
    filename: str
    name: str


async def read_upload(request: Request) -> Uploaded:
    """The uploaded inventory file (read no further than one byte past ``max_model_bytes``) and the form's
    ``name``."""
    limit = active().max_model_bytes
    form = await read_multipart(request, max_bytes=limit + 64 * 1024)
    try:
        upload, name = form.get("file"), form.get("name")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise InvalidInput("send the inventory file (.yaml or .xlsx) in the form field `file`")
        content = await upload.read(limit + 1)
        if len(content) > limit:
            raise exceeded("max_model_bytes", upload.filename, "the inventory file is larger")
        return Uploaded(content, upload.filename, name if isinstance(name, str) else "")
    finally:
        await form.close()


UploadDep = Annotated[Uploaded, Depends(read_upload)]


@router.get("/template.xlsx", response_class=Response, responses={200: {"content": {XLSX: {}}}})
def template(caller: Reader) -> Response:
    """The inventory's Excel template: instructions, organisation, sites and activities sheets, Chinese and English
    headers, drop-down lists."""
    headers = {"Content-Disposition": 'attachment; filename="inventory-template.xlsx"'}
    return Response(template_bytes(), media_type=XLSX, headers=headers)


def _acting(request: Request, session: Session, caller: Caller) -> tuple[AuditLog, Clock]:
    """The audit trail and clock a change by ``caller`` in ``session``'s transaction is made with."""
    ports = ports_for(request, session, caller.actor)
    return ports.audit, ports.clock


@router.post("", status_code=201)
def create(request: Request, body: InventoryIn, caller: Writer, session: WriteSessionDep) -> service.Summary:
    """Add an inventory to your organisation from the values of its file."""
    inventory = service.parse(body.inventory)
    audit, clock = _acting(request, session, caller)
    return service.create_inventory(
        session,
        audit,
        clock,
        organisation_id=caller.organisation_id,
        created_by=caller.user_id,
        name=body.name,
        inventory=inventory,
    )


@router.post("/upload", status_code=201, openapi_extra={"requestBody": {"content": {"multipart/form-data": {}}}})
def upload(request: Request, caller: Writer, sent: UploadDep, session: WriteSessionDep) -> service.Summary:
    """Add an inventory from a file: the Excel template filled in, or the YAML file; ``name`` names it (by default
    the organisation and the reporting year)."""
    audit, clock = _acting(request, session, caller)
    return service.create_from_file(
        session,
        audit,
        clock,
        organisation_id=caller.organisation_id,
        created_by=caller.user_id,
        content=sent.content,
        filename=sent.filename,
        name=sent.name,
    )


@router.get("")
def list_all(caller: Reader, session: SessionDep) -> list[service.Summary]:
    """Your organisation's inventories, newest reporting year first."""
    return service.list_inventories(session, organisation_id=caller.organisation_id)


@router.get("/{inventory_id:int}")  # digits only: /api/inventory/upload is not an inventory
def get(inventory_id: IdPath, caller: Reader, session: SessionDep) -> InventoryDetail:
    """The inventory: its summary and its document."""
    summary, document = service.get_inventory(
        session, organisation_id=caller.organisation_id, inventory_id=inventory_id
    )
    return InventoryDetail(**asdict(summary), document=document)


@router.put("/{inventory_id}/file", openapi_extra={"requestBody": {"content": {"multipart/form-data": {}}}})
def replace_file(
    request: Request, inventory_id: IdPath, caller: Writer, sent: UploadDep, session: WriteSessionDep
) -> service.Summary:
    """Replace the inventory's document and all its activity records with an uploaded file's."""
    inventory = service.read_file(sent.content, sent.filename)
    audit, clock = _acting(request, session, caller)
    owner = caller.organisation_id
    return service.replace_from_file(
        session, audit, clock, organisation_id=owner, inventory_id=inventory_id, inventory=inventory
    )


@router.get("/{inventory_id}/activities")
def activities(
    inventory_id: IdPath,
    caller: Reader,
    session: SessionDep,
    site: Annotated[str | None, Query(max_length=100)] = None,
    period: Annotated[str | None, Query(max_length=7, description="YYYY-MM, or YYYY for yearly records")] = None,
) -> list[service.StoredActivity]:
    """The inventory's activity records in the order they were added (of one site and period when given)."""
    return service.list_activities(
        session, organisation_id=caller.organisation_id, inventory_id=inventory_id, site=site, period=period
    )


@router.post("/{inventory_id}/activities", status_code=201)
def add_activity(
    request: Request,
    inventory_id: IdPath,
    record: Annotated[dict[str, Any], Body(description="One activity record, as an item of the file's activities")],
    caller: Writer,
    session: WriteSessionDep,
) -> service.StoredActivity:
    """Add one activity record (a site's month or year of one datum)."""
    audit, clock = _acting(request, session, caller)
    owner = caller.organisation_id
    return service.add_activity(session, audit, clock, organisation_id=owner, inventory_id=inventory_id, record=record)


@router.post(
    "/{inventory_id}/activities/csv",
    status_code=201,
    openapi_extra={"requestBody": {"content": {"multipart/form-data": {}}}},
)
def import_csv(
    request: Request, inventory_id: IdPath, caller: Writer, sent: UploadDep, session: WriteSessionDep
) -> list[service.StoredActivity]:
    """Add the activity records of a CSV file (the template's activity columns, English or Chinese headers, UTF-8 or
    GBK); any bad row refuses the whole file (400 ``invalid_inventory``, each problem with its row and column)."""
    audit, clock = _acting(request, session, caller)
    owner, content, name = caller.organisation_id, sent.content, sent.filename
    return service.import_csv(
        session, audit, clock, organisation_id=owner, inventory_id=inventory_id, content=content, filename=name
    )


@router.delete("/{inventory_id}/activities/{activity_id:int}", status_code=204)  # digits: not .../activities/csv
def delete_activity(
    request: Request, inventory_id: IdPath, activity_id: IdPath, caller: Writer, session: WriteSessionDep
) -> Response:
    """Remove one activity record."""
    audit, clock = _acting(request, session, caller)
    owner, inventory = caller.organisation_id, inventory_id
    service.delete_activity(
        session, audit, clock, organisation_id=owner, inventory_id=inventory, activity_id=activity_id
    )
    return Response(status_code=204)


@router.put("/{inventory_id}/months/{site}/{month}")
def set_month(
    request: Request,
    inventory_id: IdPath,
    site: SitePath,
    month: MonthPath,
    body: MonthIn,
    caller: Writer,
    session: WriteSessionDep,
) -> list[service.StoredActivity]:
    """Replace every activity record of the site in the month with ``records`` (an empty list removes them)."""
    audit, clock = _acting(request, session, caller)
    return service.set_month(
        session,
        audit,
        clock,
        organisation_id=caller.organisation_id,
        inventory_id=inventory_id,
        site=site,
        month=month,
        records=body.records,
    )


@router.post("/{inventory_id}/compute")
def compute(request: Request, inventory_id: IdPath, caller: Writer, session: WriteSessionDep) -> dict[str, Any]:
    """Compute the inventory again with the factor library as it is now; the result, kept."""
    audit, clock = _acting(request, session, caller)
    return service.compute(session, audit, clock, organisation_id=caller.organisation_id, inventory_id=inventory_id)


@router.get("/{inventory_id}/result")
def result(inventory_id: IdPath, caller: Reader, session: SessionDep) -> dict[str, Any]:
    """The inventory's kept result: total, by_category, by_scope (t CO2e) and the rest, as the command line's."""
    _, _, found = service.result_of(session, organisation_id=caller.organisation_id, inventory_id=inventory_id)
    return found


def _report(request: Request, inventory_id: int, caller: Caller, session: Any, lang: str | None) -> Any:
    summary, inventory, found = service.result_of(
        session, organisation_id=caller.organisation_id, inventory_id=inventory_id
    )
    chosen: Literal["zh-CN", "en"] = "en" if (lang or language_of(request).tag) == "en" else "zh-CN"
    return inventory, found, chosen, f"inventory-{summary.id}-{summary.reporting_year}-report-{chosen}"


@router.get("/{inventory_id}/report.html", response_class=Response, responses={200: {"content": {"text/html": {}}}})
def report_as_html(
    request: Request, inventory_id: IdPath, caller: Reader, session: SessionDep, lang: LangQuery = None
) -> Response:
    """The inventory report (ISO 14064-1 clause 9) as one self-contained HTML page, in Chinese or English."""
    inventory, found, chosen, name = _report(request, inventory_id, caller, session, lang)
    headers = {
        "Content-Disposition": f'inline; filename="{name}.html"',
        "Content-Language": chosen,
        "Content-Security-Policy": HTML_POLICY,
    }
    return Response(report_html(inventory, found, chosen), media_type="text/html", headers=headers)


@router.get(
    "/{inventory_id}/report.pdf", response_class=Response, responses={200: {"content": {"application/pdf": {}}}}
)
def report_as_pdf(
    request: Request, inventory_id: IdPath, caller: Reader, session: SessionDep, lang: LangQuery = None
) -> Response:
    """The inventory report (ISO 14064-1 clause 9) as a PDF, in Chinese or English."""
    inventory, found, chosen, name = _report(request, inventory_id, caller, session, lang)
    headers = {"Content-Disposition": f'attachment; filename="{name}.pdf"', "Content-Language": chosen}
    return Response(report_pdf(inventory, found, chosen), media_type="application/pdf", headers=headers)
