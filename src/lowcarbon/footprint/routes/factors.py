"""The API of the factor library: the organisation's own factor files, and the factors a study can link to (the
shipped sets and the organisation's; see the package's table of routes).

A factor file comes as JSON (``LibraryFileIn``: its name, its text or its bytes in base64, and its factor set) or
as a ``multipart/form-data`` upload (``file``, and ``factor_set``); it is checked whole before it is kept, 400
``invalid_factor_file`` listing every problem, 409 ``conflict`` when its set is taken. The checks are those of
``footprint.library``, the search that of ``footprint.browse``.
"""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.datastructures import UploadFile

from lowcarbon.errors import InvalidInput
from lowcarbon.footprint import browse, library, uploads
from lowcarbon.footprint.routes.bodies import body_of, is_upload, request_body
from lowcarbon.footprint.routes.callers import ERRORS, Reader, Writer, responses
from lowcarbon.footprint.schemas import (
    FACTOR_SET_PATTERN,
    FactorPage,
    LibraryFile,
    LibraryFileIn,
    LibraryFilePage,
)
from lowcarbon.platform.dependencies import SessionDep, WriteSessionDep, ports_for
from lowcarbon.platform.forms import read_multipart
from lowcarbon.platform.pagination import IdPath, PageDep
from lowcarbon.text import SingleLine

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["factors"], responses=ERRORS)

_FILE_BODY = request_body(
    LibraryFileIn,
    {
        "file": {"type": "string", "format": "binary", "description": "The factor file: .csv or .xlsx"},
        "factor_set": {
            "type": "string",
            "pattern": FACTOR_SET_PATTERN,
            "description": "The factor set studies link its factors by; by default the file's name without its ending",
        },
    },
    ["file"],
)
_ADD_ERRORS = responses(
    (409, "conflict: the factor set ships with lowcarbon or is in your library already; the library is full"),
    (413, "payload_too_large: the file is larger than a factor file may be"),
    (415, "unsupported_media_type: neither JSON nor multipart/form-data"),
)
_MEDIA_TYPES = {".csv": "text/csv", ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


async def _sent_file(request: Request) -> tuple[str, bytes, str | None]:
    """The file for the library, its bytes and the factor set asked for: from a JSON body or an upload."""
    if not is_upload(request, "the factor file"):
        sent = await body_of(request, LibraryFileIn)
        return (*uploads.library_sent(sent), sent.factor_set)
    form = await read_multipart(request, max_bytes=uploads.MAX_LIBRARY_UPLOAD)
    try:
        upload, factor_set = form.get("file"), form.get("factor_set")
        if not isinstance(upload, UploadFile):
            raise InvalidInput("send the factor file in the form field `file`")
        if factor_set is not None and not (
            isinstance(factor_set, str) and re.fullmatch(FACTOR_SET_PATTERN, factor_set)
        ):
            raise InvalidInput("factor_set: 1 to 100 characters without spaces, / or \\; or leave the field out")
        return (*await uploads.library_upload(upload), factor_set)
    finally:
        await form.close()


SentFile = Annotated[tuple[str, bytes, str | None], Depends(_sent_file)]


@router.post("/factor-files", status_code=201, openapi_extra=_FILE_BODY, responses=_ADD_ERRORS)
def add_file(
    request: Request, body: SentFile, caller: Writer, session: WriteSessionDep, response: Response
) -> LibraryFile:
    """Add a factor file (CSV or Excel) to your organisation's library: its factors are linked by every study of
    the organisation as ``factor: <factor_set>/<id>``. The whole file is checked first."""
    name, data, factor_set = body
    ports = ports_for(request, session, caller.actor)
    added = library.add_file(
        session,
        ports.audit,
        ports.clock,
        organisation_id=caller.organisation_id,
        name=name,
        data=data,
        factor_set=factor_set,
        user_id=caller.user_id,
        client=caller.machine_client,
    )
    response.headers["Location"] = f"/api/factor-files/{added.id}"
    return added


@router.get("/factor-files")
def list_files(caller: Reader, session: SessionDep, page: PageDep) -> LibraryFilePage:
    """Your organisation's library files, newest first, a page at a time."""
    rows = library.list_files(session, organisation_id=caller.organisation_id, limit=page.fetch, after=page.after)
    items, next_url = page.page(rows, lambda file: file.id)
    return LibraryFilePage(items=items, next=next_url)


@router.get("/factor-files/{file_id}")
def get_file(file_id: IdPath, caller: Reader, session: SessionDep) -> LibraryFile:
    """One file of your organisation's library: its factor set, its file's name, size and digest, who added it."""
    return library.get_file(session, organisation_id=caller.organisation_id, file_id=file_id)


@router.get(
    "/factor-files/{file_id}/content",
    response_class=Response,
    responses={200: {"content": {media: {} for media in _MEDIA_TYPES.values()}, "description": "The factor file"}},
)
def get_content(file_id: IdPath, caller: Reader, session: SessionDep) -> Response:
    """The library file, byte for byte as uploaded."""
    name, content = library.get_file_bytes(session, organisation_id=caller.organisation_id, file_id=file_id)
    plain = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name)
    suffix = name[name.rfind(".") :].lower()
    return Response(
        content,
        media_type=_MEDIA_TYPES.get(suffix, "application/octet-stream"),
        headers={"Content-Disposition": f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name)}"},
    )


@router.delete("/factor-files/{file_id}", status_code=204, response_class=Response)
def delete_file(request: Request, file_id: IdPath, caller: Writer, session: WriteSessionDep) -> Response:
    """Take a file out of your organisation's library. Studies stored with its factors keep their copy of it."""
    ports = ports_for(request, session, caller.actor)
    library.delete_file(session, ports.audit, organisation_id=caller.organisation_id, file_id=file_id)
    return Response(status_code=204)


Text = Annotated[SingleLine | None, Query(max_length=200, description="Words to find, in Chinese or English")]
Geography = Annotated[SingleLine | None, Query(max_length=100, description="A geography's start, e.g. CN or CN-East")]
Unit = Annotated[SingleLine | None, Query(max_length=100, description="Factors per a unit of this dimension, e.g. kWh")]
FactorSet = Annotated[str | None, Query(alias="set", pattern=FACTOR_SET_PATTERN, description="Only this factor set")]


@router.get("/factors")
def factors(
    caller: Reader,
    session: SessionDep,
    page: PageDep,
    q: Text = None,
    geography: Geography = None,
    unit: Unit = None,
    factor_set: FactorSet = None,
) -> FactorPage:
    """The factors a study of your organisation can link to, shipped with lowcarbon or of your library, best match
    first: kg CO2e per unit under IPCC AR6 GWP100, with each one's source. A page's cursor counts the factors
    before it."""
    found_in, own = library.organisation_library(session, organisation_id=caller.organisation_id)
    found = browse.find(found_in, q or "", geography=geography, unit=unit, factor_set=factor_set)
    start = page.after or 0
    rows = list(enumerate(found[start : start + page.fetch], start=start + 1))
    items, next_url = page.page(rows, lambda row: row[0])
    return FactorPage(items=[browse.summary(factor, own) for _, factor in items], next=next_url)
