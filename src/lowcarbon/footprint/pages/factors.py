"""The pages of the factor library: find the factors a study can link to, see one with all it carries, and keep the
organisation's own factor files.

    GET  /factors[?q=&geography=&unit=&set=&page=]   the factors, shipped and the organisation's, best match first,
                                                     a page at a time, with kg CO2e per unit (AR6) and the source
    GET  /factors/{set}/{id}                         one factor: every field, its gases with their origin, its
                                                     data quality, uncertainty and notes
    GET  /factor-files[?after=]                      the organisation's factor files; editors get the forms to add
                                                     and delete one
    POST /factor-files                               multipart: file, factor_set, csrf_token: 303 back to the list,
                                                     or the list again with every problem of the file (400, 409, 413)
    POST /factor-files/{id}/delete                   csrf_token: 303 back to the list

Everything goes through ``footprint.library`` and ``footprint.browse``, as the API does, so the pages find what
``GET /api/factors`` answers.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.datastructures import UploadFile

from lowcarbon.errors import Conflict, InvalidInput, LimitExceeded, NotFound, PayloadTooLarge, UnitError
from lowcarbon.factors import shipped_sets
from lowcarbon.footprint import browse, library, uploads
from lowcarbon.footprint.pages.problems import problems_of
from lowcarbon.platform.dependencies import SessionDep, WriteSessionDep, ports_for
from lowcarbon.platform.forms import read_multipart
from lowcarbon.platform.pagination import IdPath, IdQuery
from lowcarbon.text import SingleLine
from lowcarbon.web.access import PageEditor, PageUser
from lowcarbon.web.render import gettext_for, page

__all__ = ["PAGE_SIZE", "router"]

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
UNITS = ("kg", "t", "kWh", "MJ", "t*km", "km", "m**3", "m**2", "USD_2022")  # the unit filter's suggestions
Words = Annotated[SingleLine, Query(max_length=200)]


@router.get("/factors")
def factors(
    request: Request,
    user: PageUser,
    session: SessionDep,
    q: Words = "",
    geography: Words = "",
    unit: Words = "",
    factor_set: Annotated[SingleLine, Query(alias="set", max_length=200)] = "",
    number: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    """The factors found by the search box and the filters, a page at a time."""
    _ = gettext_for(request)
    everything, own = library.organisation_library(session, organisation_id=user.organisation_id)
    asked = {"q": q.strip(), "geography": geography.strip(), "unit": unit.strip(), "set": factor_set.strip()}
    error, found = None, []
    try:
        found = browse.find(
            everything, asked["q"], geography=asked["geography"], unit=asked["unit"], factor_set=asked["set"]
        )
    except UnitError:
        error = _("The unit %(unit)s is not known; write it as the factors do, e.g. kWh, kg, t*km.") % {
            "unit": asked["unit"]
        }
    except InvalidInput:
        error = _("There is no factor set %(set)s.") % {"set": asked["set"]}
    start = (number - 1) * PAGE_SIZE
    shown = found[start : start + PAGE_SIZE]
    filters = {name: value for name, value in asked.items() if value}
    context = {
        "user": user,
        "asked": asked,
        "error": error,
        "count": len(found),
        "first": start + 1,
        "factors": [(factor, browse.kg_co2e(factor)) for factor in shown],
        "shipped_sets": [name for name in shipped_sets() if name in everything.factor_sets],
        "own_sets": own,
        "units": UNITS,
        "previous": _address(filters, number - 1) if number > 1 else None,
        "next": _address(filters, number + 1) if start + PAGE_SIZE < len(found) else None,
    }
    return page(request, "factors.html", context)


def _address(filters: dict[str, str], number: int) -> str:
    query = {**filters, **({"page": str(number)} if number > 1 else {})}
    return f"/factors?{urlencode(query)}" if query else "/factors"


@router.get("/factors/{key:path}")
def factor(request: Request, key: str, user: PageUser, session: SessionDep) -> HTMLResponse:
    """One factor with everything it carries; 404 when neither the shipped sets nor the library have it."""
    everything, own = library.organisation_library(session, organisation_id=user.organisation_id)
    found = next((item for item in everything if item.key == key), None)
    if found is None:
        raise NotFound(f"no factor {key!r}")
    values = {name: browse.kg_co2e(found, name) for name in ("AR6", "AR5")}
    context = {"user": user, "factor": found, "values": values, "own": found.factor_set in own}
    return page(request, "factor.html", context)


@router.get("/factor-files")
def factor_files(request: Request, user: PageUser, session: SessionDep, after: IdQuery = None) -> HTMLResponse:
    """The organisation's factor files, newest first, a page at a time."""
    return _files_page(request, user, session, after)


@router.post("/factor-files")
async def add_factor_file(request: Request, user: PageEditor, session: WriteSessionDep) -> Response:
    """Add the uploaded factor file to the organisation's library, then show the list; or its problems."""
    form = await read_multipart(request, max_bytes=uploads.MAX_LIBRARY_UPLOAD)
    _ = gettext_for(request)
    factor_set = form.get("factor_set")
    chosen = factor_set.strip() if isinstance(factor_set, str) else ""
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise InvalidInput(_("Choose a factor file (CSV or Excel) to upload."))
        name, data = await uploads.library_upload(upload)
        ports = ports_for(request, session, user.actor)
        added = library.add_file(
            session,
            ports.audit,
            ports.clock,
            organisation_id=user.organisation_id,
            name=name,
            data=data,
            factor_set=chosen or None,
            user_id=user.id,
        )
    except (InvalidInput, Conflict, PayloadTooLarge, LimitExceeded) as exc:
        problems = problems_of(exc, _)
        return _files_page(request, user, session, None, problems=problems, factor_set=chosen, status=exc.status)
    finally:
        await form.close()
    return RedirectResponse(f"/factor-files?added={added.id}", status_code=303)


@router.post("/factor-files/{file_id}/delete")
def delete_factor_file(request: Request, file_id: IdPath, user: PageEditor, session: WriteSessionDep) -> Response:
    """Take the file out of the organisation's library, then show the list."""
    ports = ports_for(request, session, user.actor)
    library.delete_file(session, ports.audit, organisation_id=user.organisation_id, file_id=file_id)
    return RedirectResponse("/factor-files", status_code=303)


def _files_page(
    request: Request,
    user: Any,
    session: Any,
    after: int | None,
    *,
    problems: list[dict[str, Any]] | None = None,
    factor_set: str = "",
    status: int = 200,
) -> HTMLResponse:
    rows = library.list_files(session, organisation_id=user.organisation_id, limit=PAGE_SIZE + 1, after=after)
    shown = rows[:PAGE_SIZE]
    added = request.query_params.get("added")
    context = {
        "user": user,
        "files": shown,
        "added": int(added) if added and added.isdigit() else None,
        "next_after": shown[-1].id if len(rows) > PAGE_SIZE else None,
        "problems": problems,
        "factor_set": factor_set,
        "max_files": library.MAX_LIBRARY_FILES,
    }
    return page(request, "factor_files.html", context, status=status)
