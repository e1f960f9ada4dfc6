"""The guided model editor: a product's new version written in a form instead of YAML, and where it starts from.

    GET  /products/{id}/editor[?study=&copy=&start=]          the editor, filled with study STUDY's model, the newest
                                                              model of product COPY, the starter model (start=starter),
                                                              an empty form (start=blank), or by default the
                                                              product's newest model
    POST /products/{id}/editor                                multipart, as the new-study form: the model of its
                                                              text box or file, opened in the editor
    GET  /model-template.xlsx                                 the Excel template: Chinese headers, instructions,
                                                              drop-down lists of stages, units and factor keys

The form's sections are the model's (``footprint.form``): each input is named by the model's place of its value, so
the checker's problems land on their fields. ``static/editor.js`` adds and removes rows, finds factors as the user
types (``GET /api/factors``), asks for the preview (``POST /api/model-preview``) a moment after each change, and saves
(``POST /api/products/{id}/model-form``); the page shows the same model's YAML on its second tab. What the form does
not show (parameters, scenarios, uncertainties, ratings, sources) it keeps, in hidden fields, as it came.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from starlette.datastructures import UploadFile

from lowcarbon.errors import InvalidInput, LimitExceeded, PayloadTooLarge
from lowcarbon.footprint import editing, library, service, uploads
from lowcarbon.footprint.excel_writer import UNITS, excel_template
from lowcarbon.footprint.form import Field, form_of_data, model_data
from lowcarbon.footprint.model import STAGES
from lowcarbon.footprint.pages.problems import problems_of
from lowcarbon.footprint.pages.words import page_words
from lowcarbon.platform.dependencies import JobsDep, SessionDep
from lowcarbon.platform.forms import read_multipart
from lowcarbon.platform.pagination import IdPath, IdQuery
from lowcarbon.web.access import PageEditor
from lowcarbon.web.render import gettext_for, page

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

# The fields the form shows at the top, in its order; the model's others at the top are kept as they are
SHOWN = (
    "product.name",
    "product.name_zh",
    "declared_unit.amount",
    "declared_unit.unit",
    "declared_unit.description",
    "functional_unit",
    "reference_flow.amount",
    "reference_flow.unit",
    "boundary",
    "gwp",
    "pcr",
    "reference_period.start",
    "reference_period.end",
    "cut_off.max_exempted_percent",
)
ROW = ("name", "amount", "unit", "factor", "process", "avoided", "aircraft", "exempted")
OUTPUT = ("product", "amount", "unit", "mass_kg", "energy_mj", "value")
LISTED = ("stages", "processes", "omitted_stages")
BOUNDARIES = ("cradle-to-gate", "cradle-to-grave", "gate-to-gate")


@router.get("/products/{product_id}/editor")
def editor_page(
    request: Request,
    product_id: IdPath,
    user: PageEditor,
    session: SessionDep,
    jobs: JobsDep,
    study: IdQuery = None,
    copy: IdQuery = None,
    start: str = "",
) -> HTMLResponse:
    """The editor, filled with the model the new version starts from."""
    begun = editing.start(
        session,
        jobs.queue(session),
        organisation_id=user.organisation_id,
        product_id=product_id,
        study_id=study,
        copy_of=copy,
        starter=start == "starter",
        blank=start == "blank",
    )
    return _editor(request, product_id, user, session, begun)


@router.post("/products/{product_id}/editor")
async def open_in_editor(request: Request, product_id: IdPath, user: PageEditor, session: SessionDep) -> Response:
    """The model of the new-study form (its text box, or its file) in the editor."""
    form = await read_multipart(request, max_bytes=uploads.MAX_UPLOAD)
    _ = gettext_for(request)
    files_from = form.get("files_from")
    try:
        file = form.get("file")
        if isinstance(file, UploadFile) and file.filename:
            text, model_format = await uploads.uploaded_model(file, None)
        else:
            written, chosen = form.get("model"), form.get("format")
            if not isinstance(written, str) or not written.strip():
                raise InvalidInput(_("Choose a model file, or write the model in the text box."))
            text = written
            model_format = uploads.model_format(None, chosen if isinstance(chosen, str) and chosen else "yaml")
        fields = editing.fields_of_text(text, model_format)
    except (InvalidInput, PayloadTooLarge, LimitExceeded) as exc:
        return _editor(
            request,
            product_id,
            user,
            session,
            editing.Start(editing.starter_fields(""), None, "starter"),
            problems=problems_of(exc, _),
            status=exc.status,
        )
    finally:
        await form.close()
    kept = int(files_from) if isinstance(files_from, str) and files_from.isdigit() else None
    if kept is not None:
        service.own_study(session, user.organisation_id, kept)
    return _editor(request, product_id, user, session, editing.Start(fields, kept, "text"))


@router.get("/model-template.xlsx")
def model_template(user: PageEditor, session: SessionDep) -> Response:
    """The Excel template of a model, its factor keys those the organisation can link (shipped and its own)."""
    everything, _ = library.organisation_library(session, organisation_id=user.organisation_id)
    keys = sorted(factor.key for factor in everything)
    return Response(
        excel_template(keys),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": 'attachment; filename="model-template.xlsx"'},
    )


def _editor(
    request: Request,
    product_id: int,
    user: Any,
    session: Any,
    begun: editing.Start,
    *,
    problems: list[dict[str, Any]] | None = None,
    status: int = 200,
) -> HTMLResponse:
    product = service.get_product(session, organisation_id=user.organisation_id, product_id=product_id)
    others = service.list_products(session, organisation_id=user.organisation_id, limit=200)
    context = {
        "user": user,
        "product": product,
        "begun": begun,
        "view": form_view(begun.fields),
        "others": [other for other in others if other.id != product_id],
        "stages": STAGES,
        "units": UNITS,
        "boundaries": BOUNDARIES,
        "words": page_words(request),
        "problems": problems,
    }
    return page(request, "editor.html", context, status=status)


def form_view(fields: list[Field]) -> dict[str, Any]:
    """The fields as the form's sections show them: the top fields by place, the others kept; stages and processes
    with their rows, each row's own fields and those it keeps; omitted stages as (stage, why) rows."""
    data = model_data(fields)
    top = dict(fields)
    kept = [(place, text) for place, text in fields if place not in SHOWN and not place.startswith(LISTED)]
    stages = [
        {"name": _text(stage.get("name")), "rows": [_row(activity) for activity in _list(stage.get("activities"))]}
        for stage in _list(data.get("stages"))
    ]
    processes = []
    for process in _list(data.get("processes")):
        outputs = [{key: _text(output.get(key)) for key in OUTPUT} for output in _list(process.get("outputs"))]
        rest = {k: v for k, v in process.items() if k not in ("id", "name", "allocation", "outputs", "inputs")}
        processes.append(
            {
                "id": _text(process.get("id")),
                "name": _text(process.get("name")),
                "allocation": _text(process.get("allocation")),
                "outputs": outputs,
                "inputs": [_row(activity) for activity in _list(process.get("inputs"))],
                "kept": form_of_data(rest),
            }
        )
    omitted = data.get("omitted_stages")
    omitted_rows = list(omitted.items()) if isinstance(omitted, dict) else []
    return {"top": top, "kept": kept, "stages": stages, "processes": processes, "omitted": omitted_rows}


def _row(activity: Any) -> dict[str, Any]:
    if not isinstance(activity, dict):
        return {"kept": [], "link": "factor", "target": ""}
    shown = {key: _text(activity.get(key)) for key in ROW}
    link = "process" if activity.get("process") is not None and activity.get("factor") is None else "factor"
    rest = {key: value for key, value in activity.items() if key not in ROW}
    return {**shown, "link": link, "target": shown[link], "kept": form_of_data(rest)}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else ""
    return repr(value) if isinstance(value, float) else str(value)
