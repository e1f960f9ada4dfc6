"""The pages of products and footprint studies: list and add products, upload or edit a model, follow the job,
see the result with its charts, and compare a product's versions.

    GET  /products[?after=&archived=1]   the organisation's products (or the archived ones); editors get a form to
                                         add one
    POST /products                       name, csrf_token: 303 to the new product's page
    GET  /products/{id}[?edit=STUDY]     its studies, the comparison of its versions, the form for a new study
                                         (prefilled with study STUDY's model, or the newest YAML/JSON one)
    POST /products/{id}/studies          multipart: file, or model + format; factor_file (repeated), files_from;
                                         csrf_token: 303 to the study's page, or the product page again with every
                                         problem of the model (400)
    GET  /studies/{id}                   the study: its progress, then its result with charts by stage, by gas and
                                         hotspots, the model it was computed from and its factor files
    GET  /studies/{id}/status            the progress fragment that HTMX polls while the job runs

The study page also offers the study's report (PDF and HTML, the report package's API) and its Monte Carlo runs
(``pages.monte_carlo``: the form, the progress bar and the statistics with their histogram).

A new version made from an earlier one (``files_from``, the study the form was prefilled from) keeps that study's
factor files when none are uploaded (``service.create_study`` decides which). Everything goes through
``lowcarbon.footprint.service``, as the API does, so the pages show what the API answers. The templates are in
``templates/`` beside this module; the layout they extend is the web package's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.datastructures import FormData, UploadFile

from lowcarbon.errors import Conflict, InvalidInput, LimitExceeded, NotFound, PayloadTooLarge
from lowcarbon.footprint import charts, runs, service, uploads
from lowcarbon.footprint.bundle import ModelFormat
from lowcarbon.footprint.pages.problems import problems_of
from lowcarbon.footprint.pages.words import page_words, process_stages
from lowcarbon.footprint.schemas import Study
from lowcarbon.footprint.stored import product_name_zh
from lowcarbon.platform.dependencies import JobsDep, SessionDep, WriteSessionDep, ports_for
from lowcarbon.platform.forms import read_fields, read_multipart
from lowcarbon.platform.pagination import IdPath, IdQuery, parse_id
from lowcarbon.ports import JobQueue, JobState
from lowcarbon.web.access import PageEditor, PageUser
from lowcarbon.web.i18n import N_, language_of
from lowcarbon.web.render import gettext_for, page

__all__ = ["monte_carlo_context", "product_page_again", "render_study", "router"]

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50


@router.get("/products")
def products(
    request: Request, user: PageUser, session: SessionDep, after: IdQuery = None, archived: bool = False
) -> HTMLResponse:
    """The organisation's products in use (or the archived ones), newest first, a page at a time."""
    return _products_page(request, user, session, after, archived=archived)


def _products_page(
    request: Request,
    user: Any,
    session: Any,
    after: int | None,
    *,
    error: str | None = None,
    name: str = "",
    status: int = 200,
    archived: bool = False,
) -> HTMLResponse:
    rows = service.list_products(
        session, organisation_id=user.organisation_id, limit=PAGE_SIZE + 1, after=after, archived=archived
    )
    shown = rows[:PAGE_SIZE]
    latest = service.latest_totals(
        session, organisation_id=user.organisation_id, product_ids=[product.id for product in shown]
    )
    next_after = shown[-1].id if len(rows) > PAGE_SIZE else None
    context = {
        "user": user,
        "products": shown,
        "latest": latest,
        "next_after": next_after,
        "words": page_words(request),
        "archived": archived,
    }
    return page(request, "products.html", {**context, "error": error, "name": name}, status=status)


@router.post("/products")
async def add_product(request: Request, user: PageEditor, session: WriteSessionDep) -> Response:
    """Add a product from the form, then show it."""
    fields = await read_fields(request, json_allowed=False)
    try:
        ports = ports_for(request, session, user.actor)
        product = service.create_product(
            session, ports.audit, ports.clock, organisation_id=user.organisation_id, name=fields.get("name", "")
        )
    except (InvalidInput, Conflict) as exc:  # shown on the page, with the name kept to correct
        name = fields.get("name", "")
        return _products_page(request, user, session, None, error=str(exc), name=name, status=exc.status)
    return RedirectResponse(f"/products/{product.id}", status_code=303)


@router.get("/products/{product_id}")
def product_page(
    request: Request,
    product_id: IdPath,
    user: PageUser,
    session: SessionDep,
    jobs: JobsDep,
    edit: IdQuery = None,
    older: IdQuery = None,
) -> HTMLResponse:
    """A product: its studies (a page at a time: ``older`` is the last study of the page before), their comparison,
    and the form for a new version."""
    queue = jobs.queue(session)
    return _product_page(request, product_id, user.organisation_id, session, queue, user=user, edit=edit, older=older)


@router.post("/products/{product_id}/studies")
async def add_study(
    request: Request, product_id: IdPath, user: PageEditor, session: WriteSessionDep, jobs: JobsDep
) -> Response:
    """Store the uploaded or edited model as the product's next version and start its computation."""
    form = await read_multipart(request, max_bytes=uploads.MAX_UPLOAD)
    model_text, model_format = "", "yaml"
    files_from = _files_from(form)
    _ = gettext_for(request)
    try:  # a model that cannot be read or computed stores nothing: create_study checks it before writing
        model_text, model_format = await _model_from(form, _)
        study = service.create_study(
            session,
            ports_for(request, session, user.actor),
            organisation_id=user.organisation_id,
            product_id=product_id,
            user_id=user.id,
            model_text=model_text,
            model_format=model_format,
            files=await uploads.uploaded_files(form),
            files_from=files_from,
        )
    except (InvalidInput, PayloadTooLarge, LimitExceeded) as exc:
        draft = {
            "model": model_text if model_format != "xlsx" else "",
            "format": model_format,
            **_kept(session, user.organisation_id, files_from),
        }
        problems = problems_of(exc, _)
        return _product_page(
            request,
            product_id,
            user.organisation_id,
            session,
            jobs.queue(session),
            user=user,
            draft=draft,
            problems=problems,
            status=exc.status,
        )
    finally:
        await form.close()
    return RedirectResponse(f"/studies/{study.id}", status_code=303)


@router.get("/studies/{study_id}")
def study_page(request: Request, study_id: IdPath, user: PageUser, session: SessionDep, jobs: JobsDep) -> HTMLResponse:
    """A study: its progress, then its result with charts, its report, its Monte Carlo run, and its model."""
    return render_study(request, study_id, user, session, jobs.queue(session))


def render_study(
    request: Request,
    study_id: int,
    user: Any,
    session: Any,
    jobs: JobQueue,
    *,
    run_form: dict[str, Any] | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The study page; ``run_form`` is a Monte Carlo form sent back with its error."""
    study = service.get_study(session, jobs, organisation_id=user.organisation_id, study_id=study_id)
    product = service.get_product(session, organisation_id=user.organisation_id, product_id=study.product_id)
    stored = service.get_model(session, organisation_id=user.organisation_id, study_id=study_id)
    context = {
        "user": user,
        "product": product,
        "study": study,
        "model_text": stored.text if stored.format != "xlsx" else None,
        "files": service.list_files(session, organisation_id=user.organisation_id, study_id=study_id),
        "report_lang": language_of(request).tag,
        "monte_carlo": monte_carlo_context(request, session, jobs, user.organisation_id, study, run_form),
        **_result_context(request, study, product_name_zh(stored.text, stored.format)),
    }
    return page(request, "study.html", context, status=status)


def monte_carlo_context(
    request: Request,
    session: Any,
    jobs: JobQueue,
    organisation_id: int,
    study: Study,
    run_form: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """What the study page's Monte Carlo section shows: the newest run, its histogram when done, and the form."""
    try:
        run = runs.latest_run(session, jobs, organisation_id=organisation_id, study_id=study.id)
    except NotFound:
        run = None
    chart = None
    if run is not None and run.statistics is not None:
        uncertainty = runs.latest_uncertainty(session, organisation_id=organisation_id, study_id=study.id)
        unit = f"kg CO2e / {(study.result or {}).get('declared_unit', '')}"
        if uncertainty is not None and uncertainty.samples:
            chart = charts.distribution(uncertainty.samples, unit, gettext_for(request))
    form = {"iterations": str(runs.DEFAULT_ITERATIONS), "seed": "", "error": None, **(run_form or {})}
    return {"run": run, "chart": chart, "form": form, "min": runs.MIN_ITERATIONS, "max": runs.MAX_ITERATIONS}


@router.get("/studies/{study_id}/status")
def study_status(
    request: Request, study_id: IdPath, user: PageUser, session: SessionDep, jobs: JobsDep
) -> HTMLResponse:
    """The study's progress, or its result once done: the fragment the study page polls."""
    queue = jobs.queue(session)
    study = service.get_study(session, queue, organisation_id=user.organisation_id, study_id=study_id)
    monte_carlo = monte_carlo_context(request, session, queue, user.organisation_id, study)
    stored = service.get_model(session, organisation_id=user.organisation_id, study_id=study_id)
    result = _result_context(request, study, product_name_zh(stored.text, stored.format))
    context = {"user": user, "study": study, "monte_carlo": monte_carlo, **result}
    return page(request, "study_status.html", context)


def _result_context(request: Request, study: Study, product_zh: str | None = None) -> dict[str, Any]:
    words = page_words(request)
    if study.status != JobState.DONE.value or study.result is None:
        return {"charts": None, "words": words}
    _ = gettext_for(request)
    result = study.result
    return {
        "result": result,
        "words": words,
        "product_zh": product_zh,
        "process_stages": process_stages(result.get("lines", [])),
        "charts": {
            "stage": charts.by_stage(result, _, words),
            "gas": charts.by_gas(result, _, words),
            "hotspots": charts.hotspots(result, _, words),
        },
    }


ASPECTS = {  # what a comparison's difference is in, as the page names it
    "boundary": N_("system boundary"),
    "characterization": N_("GWP set"),
    "pcr": N_("PCR"),
    "declared_unit": N_("declared unit"),
    "factors": N_("emission factor values"),
}


def product_page_again(
    request: Request, product_id: int, user: Any, session: Any, jobs: Any, *, manage_error: str, status: int
) -> HTMLResponse:
    """The product page with the reason a change to the product (a rename) was refused."""
    queue = jobs.queue(session)
    return _product_page(
        request, product_id, user.organisation_id, session, queue, user=user, manage_error=manage_error, status=status
    )


def _product_page(
    request: Request,
    product_id: int,
    organisation_id: int,
    session: Any,
    jobs: JobQueue,
    *,
    user: Any,
    edit: int | None = None,
    older: int | None = None,
    draft: dict[str, Any] | None = None,
    problems: list[dict[str, Any]] | None = None,
    manage_error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    product = service.get_product(session, organisation_id=organisation_id, product_id=product_id)
    listed = service.list_studies(
        session, jobs, organisation_id=organisation_id, product_id=product_id, limit=PAGE_SIZE + 1, after=older
    )
    studies = listed[:PAGE_SIZE]
    compared = service.compare(session, organisation_id=organisation_id, product_id=product_id)
    if draft is None:  # from the newest studies, whichever page is shown
        newest = (
            studies
            if older is None
            else service.list_studies(
                session, jobs, organisation_id=organisation_id, product_id=product_id, limit=PAGE_SIZE
            )
        )
        draft = _draft(session, organisation_id, newest, edit)
    _ = gettext_for(request)
    words = page_words(request)
    context = {
        "user": user,
        "product": product,
        "studies": studies,
        "older": older,
        "older_after": studies[-1].id if len(listed) > PAGE_SIZE else None,
        "comparison": compared,
        "comparison_chart": charts.comparison(compared, _, words) if compared.versions else None,
        "words": words,
        "aspects": {aspect: _(name) for aspect, name in ASPECTS.items()},
        "draft": draft,
        "edit": edit,
        "problems": problems,
        "manage_error": manage_error,
    }
    return page(request, "product.html", context, status=status)


def _draft(session: Any, organisation_id: int, studies: list[Any], edit: int | None) -> dict[str, Any]:
    """The model the new-study form starts from: study ``edit``'s, else the newest text model, else empty; with the
    factor files of the study it starts from."""
    candidates = [edit] if edit is not None else [study.id for study in studies if study.model_format != "xlsx"][:1]
    for study_id in candidates:
        stored = service.get_model(session, organisation_id=organisation_id, study_id=study_id)
        if stored.format != "xlsx":
            return {"model": stored.text, "format": stored.format, **_kept(session, organisation_id, study_id)}
    return {"model": "", "format": "yaml", **_kept(session, organisation_id, None)}


def _kept(session: Any, organisation_id: int, study_id: int | None) -> dict[str, Any]:
    """The study a new version starts from and the names of its factor files, which it keeps unless others come."""
    if study_id is None:
        return {"files_from": None, "files": []}
    files = service.list_files(session, organisation_id=organisation_id, study_id=study_id)
    return {"files_from": study_id, "files": [file.name for file in files]}


def _files_from(form: FormData) -> int | None:
    """The study whose factor files the form's new version keeps, when it names one."""
    value = form.get("files_from")
    return parse_id(value) if isinstance(value, str) else None


async def _model_from(form: FormData, _: Callable[[str], str]) -> tuple[str, ModelFormat]:
    """The model as a study keeps it, and its format: from the uploaded file (as the API takes it), else the text."""
    file = form.get("file")
    if isinstance(file, UploadFile) and file.filename:
        return await uploads.uploaded_model(file, None)
    text, chosen = form.get("model"), form.get("format")
    if not isinstance(text, str) or not text.strip():
        raise InvalidInput(_("Choose a model file, or write the model in the text box."))
    model_format = uploads.model_format(None, chosen if isinstance(chosen, str) and chosen else "yaml")
    if model_format == "xlsx":
        raise InvalidInput(_("An Excel model is uploaded as a file, not written in the text box."))
    return text, model_format
