"""The studies API: products of the caller's organisation, their footprint studies, and their comparison.

    POST /api/products                       {"name"}                      201 Product            editor, admin
    GET  /api/products?limit=&cursor=                                      200 ProductPage        every role
    POST /api/products/{id}/studies          {"model", "format"}           202 StudySummary       editor, admin
    GET  /api/products/{id}/studies?limit=&cursor=                         200 StudyPage          every role
    GET  /api/studies/{id}                                                 200 Study              every role
    GET  /api/products/{id}/comparison                                     200 Comparison         every role

Every route needs a logged-in person (the session cookie; changes also the CSRF token). A product or study of
another organisation answers 404, as one that does not exist. A viewer's change is 403 ``forbidden``. An invalid
model is 400 ``invalid_model`` with every problem in ``details``, and nothing is stored. A study is accepted with
202 and computed by a background job: poll ``GET /api/studies/{id}`` (its ``Location``) until ``status`` is
``done`` (with ``result`` and ``total``) or ``failed`` (with ``error``). Models come as JSON (YAML or JSON text, or
an Excel workbook in base64); multipart uploads are not taken, as python-multipart is not a dependency.
Pagination: see ``lowcarbon.platform.pagination``.
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from lowcarbon.platform.auth import CurrentUser, EditorUser
from lowcarbon.platform.dependencies import JobsDep, SessionDep, WriteSessionDep
from lowcarbon.platform.http_errors import ErrorResponse
from lowcarbon.platform.jobs import JobKind
from lowcarbon.platform.pagination import PageDep
from lowcarbon.studies import service
from lowcarbon.studies.compute import compute_study
from lowcarbon.studies.model import (
    Comparison,
    Product,
    ProductIn,
    ProductPage,
    Study,
    StudyIn,
    StudyPage,
    StudySummary,
)

__all__ = ["JOB_KINDS", "router"]

JOB_KINDS = [JobKind(service.JOB_KIND, compute_study, on_finish=service.store_outcome)]

_ERRORS: dict[int | str, dict[str, object]] = {
    status: {"model": ErrorResponse, "description": description}
    for status, description in (
        (400, "invalid_input, invalid_model (with details)"),
        (401, "not_authenticated"),
        (403, "forbidden (a viewer's change), csrf_failed"),
        (404, "not_found: no such product or study in your organisation"),
    )
}

router = APIRouter(prefix="/api", tags=["studies"], responses=_ERRORS)


def _actor(user_id: int) -> str:
    return f"user:{user_id}"


@router.post("/products", status_code=201)
def create_product(body: ProductIn, user: EditorUser, session: WriteSessionDep, response: Response) -> Product:
    """Add a product to your organisation; its name is unique within it (409 conflict otherwise)."""
    product = service.create_product(
        session, organisation_id=user.organisation_id, name=body.name, actor=_actor(user.id)
    )
    response.headers["Location"] = f"/api/products/{product.id}/studies"
    return product


@router.get("/products")
def list_products(user: CurrentUser, session: SessionDep, page: PageDep) -> ProductPage:
    """Your organisation's products, newest first, a page at a time."""
    rows = service.list_products(session, organisation_id=user.organisation_id, limit=page.fetch, after=page.after)
    items, next_url = page.page(rows, lambda product: product.id)
    return ProductPage(items=items, next=next_url)


@router.post("/products/{product_id}/studies", status_code=202)
def create_study(
    product_id: int, body: StudyIn, user: EditorUser, session: WriteSessionDep, jobs: JobsDep, response: Response
) -> StudySummary:
    """Store a model as the product's next version and compute its footprint in the background."""
    study = service.create_study(
        session,
        jobs,
        organisation_id=user.organisation_id,
        product_id=product_id,
        user_id=user.id,
        actor=_actor(user.id),
        model_text=body.model,
        model_format=body.format,
    )
    response.headers["Location"] = f"/api/studies/{study.id}"
    return study


@router.get("/products/{product_id}/studies")
def list_studies(product_id: int, user: CurrentUser, session: SessionDep, page: PageDep) -> StudyPage:
    """The product's studies, newest first, a page at a time, without their results."""
    rows = service.list_studies(
        session, organisation_id=user.organisation_id, product_id=product_id, limit=page.fetch, after=page.after
    )
    items, next_url = page.page(rows, lambda study: study.id)
    return StudyPage(items=items, next=next_url)


@router.get("/studies/{study_id}")
def get_study(study_id: int, user: CurrentUser, session: SessionDep) -> Study:
    """A study: its status, and its result when done or its error when failed."""
    return service.get_study(session, organisation_id=user.organisation_id, study_id=study_id)


@router.get("/products/{product_id}/comparison")
def comparison(product_id: int, user: CurrentUser, session: SessionDep) -> Comparison:
    """The product's computed versions, oldest first: total and by stage, and the change between versions."""
    return service.compare(session, organisation_id=user.organisation_id, product_id=product_id)
