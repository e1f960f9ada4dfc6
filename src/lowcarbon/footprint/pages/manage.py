"""The pages' forms that manage products and versions: rename, archive and restore a product, and a note on a
version. Each goes through ``lowcarbon.footprint.service`` as the API does, then shows the page again.

    POST /products/{id}/rename           name, csrf_token: 303 to the product, or its page with the reason (400, 409)
    POST /products/{id}/archive          csrf_token: 303 to the product (archived: out of the list, no new version)
    POST /products/{id}/restore          csrf_token: 303 to the product
    POST /studies/{id}/note              note, csrf_token: 303 to the study
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from lowcarbon.errors import Conflict, InvalidInput
from lowcarbon.footprint import service
from lowcarbon.footprint.pages.studies import product_page_again
from lowcarbon.platform.dependencies import JobsDep, WriteSessionDep, ports_for
from lowcarbon.platform.forms import read_fields
from lowcarbon.platform.pagination import IdPath
from lowcarbon.web.access import PageEditor

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.post("/products/{product_id}/rename")
async def rename_product(
    request: Request, product_id: IdPath, user: PageEditor, session: WriteSessionDep, jobs: JobsDep
) -> Response:
    """Give the product the name typed in the form."""
    fields = await read_fields(request, json_allowed=False)
    ports = ports_for(request, session, user.actor)
    try:
        service.rename_product(
            session,
            ports.audit,
            organisation_id=user.organisation_id,
            product_id=product_id,
            name=fields.get("name", ""),
        )
    except (InvalidInput, Conflict) as exc:  # shown on the product's page
        return product_page_again(request, product_id, user, session, jobs, manage_error=str(exc), status=exc.status)
    return RedirectResponse(f"/products/{product_id}", status_code=303)


@router.post("/products/{product_id}/archive")
def archive_product(request: Request, product_id: IdPath, user: PageEditor, session: WriteSessionDep) -> Response:
    """Archive the product: it leaves the list and takes no new version until restored."""
    return _set_archived(request, product_id, user, session, archived=True)


@router.post("/products/{product_id}/restore")
def restore_product(request: Request, product_id: IdPath, user: PageEditor, session: WriteSessionDep) -> Response:
    """Restore the archived product to use."""
    return _set_archived(request, product_id, user, session, archived=False)


def _set_archived(
    request: Request, product_id: int, user: PageEditor, session: WriteSessionDep, *, archived: bool
) -> Response:
    ports = ports_for(request, session, user.actor)
    service.set_archived(
        session,
        ports.audit,
        ports.clock,
        organisation_id=user.organisation_id,
        product_id=product_id,
        archived=archived,
    )
    return RedirectResponse(f"/products/{product_id}", status_code=303)


@router.post("/studies/{study_id}/note")
async def set_note(request: Request, study_id: IdPath, user: PageEditor, session: WriteSessionDep) -> Response:
    """Save the note on the version (empty: remove it)."""
    fields = await read_fields(request, json_allowed=False)
    ports = ports_for(request, session, user.actor)
    service.set_note(
        session, ports.audit, organisation_id=user.organisation_id, study_id=study_id, note=fields.get("note", "")
    )
    return RedirectResponse(f"/studies/{study_id}", status_code=303)
