"""The guided editor's use cases: the fields a new version starts from, the preview of a model being written, and
saving it as the product's next version.

A model in the editor is its fields (``footprint.form``); it is checked, computed and stored as the YAML text they
make, exactly as a model written in the YAML box: ``preview`` runs ``stored.validate`` and ``compute`` on it with the
factor files of the version it started from (``files_from``) and the organisation's library sets it links, and
``save`` hands it to ``service.create_study``. A new version starts from a study's model (this product's, or
another product's newest, as a copy), or from the starter model (``footprint.starter``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from lowcarbon.errors import DataFormatError, Detail, InvalidInput, NotFound
from lowcarbon.footprint import library, service
from lowcarbon.footprint.bundle import ModelFormat
from lowcarbon.footprint.compute import compute, read_bundle_model
from lowcarbon.footprint.form import Field, form_of, form_of_data, model_data, model_yaml
from lowcarbon.footprint.result import Footprint
from lowcarbon.footprint.starter import TEMPLATE
from lowcarbon.footprint.stored import bundle_of, linked_sets, named_files, validate

__all__ = ["Preview", "Start", "blank_fields", "fields_of_text", "preview", "save", "start", "starter_fields"]


@dataclass(frozen=True)
class Preview:
    """What the editor shows of the model as it stands: its footprint, else every problem; and its YAML text."""

    model: str
    footprint: Footprint | None = None
    problems: list[Detail] = field(default_factory=list)


@dataclass(frozen=True)
class Start:
    """The fields a new version starts from, and the study whose factor files it keeps (None for the starter)."""

    fields: list[Field]
    files_from: int | None
    source: str  # "study", "copy", "starter", "blank" or "text" (the YAML box's)
    files: list[str] = field(default_factory=list)


def starter_fields(name: str) -> list[Field]:
    """The starter model's fields, for a product of ``name``."""
    text = TEMPLATE.format(name=name or "product", file="model.yaml")
    return fields_of_text(text, "yaml")


def blank_fields(name: str) -> list[Field]:
    """The fields of a model written from nothing: the product's name, one item, cradle to gate."""
    return [("product.name", name), ("declared_unit.unit", "item"), ("boundary", "cradle-to-gate")]


def fields_of_text(text: str, model_format: ModelFormat) -> list[Field]:
    """The fields of a model as a study keeps it: of the model read and checked, else, while it cannot be checked,
    of its data as written (a YAML or JSON mapping). InvalidInput when it is no mapping at all."""
    bundle = bundle_of(text, model_format)
    try:
        return form_of(read_bundle_model(bundle)[0])
    except DataFormatError as exc:
        if model_format == "xlsx":
            raise InvalidInput(str(exc), details=[{"location": ["model"], "message": str(exc)}]) from None
        from lowcarbon.bounded import parse_json, parse_yaml

        try:
            data = parse_json(text, "model") if model_format == "json" else parse_yaml(text, "model")
        except DataFormatError as unreadable:
            raise InvalidInput(str(unreadable)) from None
        if not isinstance(data, dict):
            raise InvalidInput("a product model is a mapping with product, declared_unit, boundary, stages") from None
        return form_of_data(data)


def start(
    session: Session,
    jobs: Any,
    *,
    organisation_id: int,
    product_id: int,
    study_id: int | None = None,
    copy_of: int | None = None,
    starter: bool = False,
    blank: bool = False,
) -> Start:
    """Where a new version of the product starts: study ``study_id``'s model (a study of the organisation), the
    newest model of product ``copy_of`` (a copy), the starter model, or by default this product's newest model
    (the starter when it has none); ``blank``: nothing but the product's name."""
    product = service.get_product(session, organisation_id=organisation_id, product_id=product_id)
    if blank:
        return Start(blank_fields(product.name), None, "blank")
    if starter:
        return Start(starter_fields(product.name), None, "starter")
    if study_id is None:
        source_product = copy_of if copy_of is not None else product_id
        service.get_product(session, organisation_id=organisation_id, product_id=source_product)  # 404 if not ours
        studies = service.list_studies(
            session, jobs, organisation_id=organisation_id, product_id=source_product, limit=1
        )
        if not studies:
            if copy_of is not None:
                raise NotFound(f"product {copy_of} has no version to copy")
            return Start(starter_fields(product.name), None, "starter")
        study_id = studies[0].id
    stored = service.get_model(session, organisation_id=organisation_id, study_id=study_id)
    fields = fields_of_text(stored.text, stored.format)
    files = [file.name for file in service.list_files(session, organisation_id=organisation_id, study_id=study_id)]
    return Start(fields, study_id, "copy" if copy_of is not None else "study", files)


def _model_text(fields: list[Field]) -> str:
    return model_yaml(model_data(fields))


def _files(session: Session, organisation_id: int, text: str, files_from: int | None) -> dict[str, str]:
    """The factor files of study ``files_from`` that the model names, as ``create_study`` keeps them."""
    if files_from is None:
        return {}
    service.own_study(session, organisation_id, files_from)  # 404 when it is not the organisation's
    named = named_files(text, "yaml")
    kept = service.file_contents(session, organisation_id=organisation_id, study_id=files_from)
    return {name: content for name, content in kept.items() if name in named}


def preview(session: Session, *, organisation_id: int, fields: list[Field], files_from: int | None) -> Preview:
    """The model of ``fields`` checked and computed as it would be stored: its footprint, else its problems (each
    at the place of its field). InvalidForm (400) when the fields are no model's."""
    text = _model_text(fields)
    files = _files(session, organisation_id, text, files_from)
    linked = library.linked_files(session, organisation_id=organisation_id, sets=linked_sets(text, "yaml"))
    prepared, problems = validate(text, "yaml", files, [file.kept for file in linked])
    if prepared is None:
        return Preview(text, problems=problems)
    return Preview(text, footprint=compute(prepared))


def save(
    session: Session,
    ports: Any,
    *,
    organisation_id: int,
    product_id: int,
    user_id: int | None,
    client: tuple[int, str] | None,
    fields: list[Field],
    files_from: int | None,
) -> Any:
    """Store the model of ``fields`` as the product's next version (``service.create_study``, with the factor files
    of ``files_from`` that it names): its StudySummary. InvalidModel listing every problem, nothing stored."""
    text = _model_text(fields)
    if files_from is not None:
        service.own_study(session, organisation_id, files_from)  # 404 when it is not the organisation's
    return service.create_study(
        session,
        ports,
        organisation_id=organisation_id,
        product_id=product_id,
        model_text=text,
        model_format="yaml",
        files_from=files_from,
        user_id=user_id,
        client=client,
    )
