"""The API of the guided model editor: the preview of a model being written, and saving it as a new version.

    POST /api/model-preview                    {"fields", "files_from"}  200 ModelPreview  every role  studies:read
    POST /api/products/{id}/model-form         {"fields", "files_from"}  202 StudySummary  editor, admin  studies:write

A model in the editor is its fields, ``[[place, text], ...]`` (``footprint.form``). The preview answers 200 with the
model's footprint, or with every problem of the model, each at its field's place and said in the caller's language
(``text``; ``message`` is the English one): a model being written is not a wrong request. Fields that are no
model's are 400 ``invalid_form``; a body that is not the shape below is 422; a body larger than ``MAX_BODY`` is 413
``payload_too_large``, and one nested deeper than the bounded reader allows is refused before it is read (the
platform's ``BodyLimit``). Saving stores the fields' YAML text as ``POST /api/products/{id}/studies`` does (400
``invalid_model`` with every problem, nothing stored).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field

from lowcarbon.errors import PayloadTooLarge
from lowcarbon.footprint import editing
from lowcarbon.footprint.form import MAX_FIELDS, MAX_PLACE_CHARS, MAX_TEXT_CHARS
from lowcarbon.footprint.pages.words import PageWords
from lowcarbon.footprint.routes.bodies import body_of
from lowcarbon.footprint.routes.callers import ERRORS, Reader, Writer, responses
from lowcarbon.footprint.schemas import StudySummary
from lowcarbon.footprint.stored import MAX_MODEL_CHARS
from lowcarbon.platform.dependencies import SessionDep, WriteSessionDep, ports_for
from lowcarbon.platform.pagination import IdPath
from lowcarbon.web.i18n import language_of
from lowcarbon.web.render import figure

__all__ = ["MAX_BODY", "ModelFormIn", "ModelPreview", "router"]

router = APIRouter(prefix="/api", tags=["studies"], responses=ERRORS)
MAX_BODY = 2 * MAX_MODEL_CHARS  # bytes of a form's JSON: a model as large as a study keeps, and its places

Place = Annotated[str, Field(max_length=MAX_PLACE_CHARS)]
Text = Annotated[str, Field(max_length=MAX_TEXT_CHARS)]


class ModelFormIn(BaseModel):
    """A model as the editor's fields, and the study whose factor files it keeps (the one it started from)."""

    fields: list[tuple[Place, Text]] = Field(max_length=MAX_FIELDS, description="[place, text] of each field")
    files_from: int | None = Field(default=None, ge=1, description="The study the model started from")


class StageFigure(BaseModel):
    stage: str
    name: str = Field(description="The stage in the caller's language")
    kg_co2e: float
    text: str = Field(description="The figure as the caller's pages write it")


class ModelPreview(BaseModel):
    """The model's footprint as it stands, or its problems; and the YAML text of the model the fields make."""

    total: float | None
    total_text: str | None
    unit: str | None = Field(description="What the total is per, in the caller's language")
    by_stage: list[StageFigure]
    problems: list[dict[str, Any]] = Field(
        description="Each problem: location, message (English), type, id, params, place (the field's), text"
    )
    model: str


async def _form(request: Request) -> ModelFormIn:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise PayloadTooLarge(f"the form has {declared} bytes; at most {MAX_BODY:,}")
    body = await request.body()
    if len(body) > MAX_BODY:
        raise PayloadTooLarge(f"the form has {len(body):,} bytes; at most {MAX_BODY:,}")
    return await body_of(request, ModelFormIn)


FormBody = Annotated[ModelFormIn, Depends(_form)]
_BODY = {
    "requestBody": {"required": True, "content": {"application/json": {"schema": ModelFormIn.model_json_schema()}}}
}


@router.post(
    "/model-preview",
    openapi_extra=_BODY,
    responses=responses((413, "payload_too_large"), (422, "the body is not {fields, files_from}")),
)
def model_preview(request: Request, sent: FormBody, caller: Reader, session: SessionDep) -> ModelPreview:
    """The footprint of a model given as the editor's fields, or its problems; nothing is stored."""
    found = editing.preview(
        session, organisation_id=caller.organisation_id, fields=list(sent.fields), files_from=sent.files_from
    )
    language = language_of(request)
    words = PageWords(language.tag)  # type: ignore[arg-type]
    problems = [_said(problem, words) for problem in found.problems]
    result = found.footprint
    if result is None:
        return ModelPreview(total=None, total_text=None, unit=None, by_stage=[], problems=problems, model=found.model)
    stages = [
        StageFigure(stage=stage, name=words.code(stage), kg_co2e=value, text=figure(value, language.locale))
        for stage, value in result.by_stage.items()
    ]
    return ModelPreview(
        total=result.total,
        total_text=figure(result.total, language.locale),
        unit=words.unit(f"kg CO2e per {result.declared_unit}"),
        by_stage=stages,
        problems=problems,
        model=found.model,
    )


def _said(problem: dict[str, Any], words: PageWords) -> dict[str, Any]:
    location = [str(part) for part in problem.get("location", [])]
    place = problem.get("place") or (location[1] if len(location) == 2 and location[0] == "model" else "")
    return {**problem, "place": place, "text": words.problem({**problem, "place": place})}


@router.post(
    "/products/{product_id}/model-form",
    status_code=202,
    openapi_extra=_BODY,
    responses=responses((409, "conflict: the product is archived"), (413, "payload_too_large")),
)
def save_model_form(
    request: Request, product_id: IdPath, sent: FormBody, caller: Writer, session: WriteSessionDep, response: Response
) -> StudySummary:
    """Store the model given as the editor's fields as the product's next version, and compute it in the
    background (as ``POST /api/products/{id}/studies``)."""
    study = editing.save(
        session,
        ports_for(request, session, caller.actor),
        organisation_id=caller.organisation_id,
        product_id=product_id,
        user_id=caller.user_id,
        client=caller.machine_client,
        fields=list(sent.fields),
        files_from=sent.files_from,
    )
    response.headers["Location"] = f"/api/studies/{study.id}"
    return study  # type: ignore[no-any-return]
