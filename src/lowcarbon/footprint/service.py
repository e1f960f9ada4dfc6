"""The footprint use cases: products and footprint studies of an organisation, computed by a job, compared over time.

Functions take the caller's session and the ports they need (``lowcarbon.ports``: the audit trail, the job queue,
the clock), never the platform, and do not commit: the caller commits the change with its audit entry (and, for a
study, its job, which the runner starts once that commit is made): one transaction and one audit entry to store a
study with its job, one of each when the job's result is stored on it (``store_outcome``). Everything is scoped to
an organisation: a product or study of another organisation is reported as not existing (NotFound), so its
existence does not leak. Pages are newest first, keyed on the id: ``after`` is the last id of the previous page.

A study is stored with the factor files its model names and with a copy of each file of the organisation's factor
library (``footprint.library``) whose set its model links but no named file provides: it is computed, now and when
its job is run again, from those copies, whatever later happens to the library.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple, cast

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lowcarbon.errors import Conflict, InvalidInput, NotFound
from lowcarbon.footprint import library
from lowcarbon.footprint import schemas as model
from lowcarbon.footprint.bundle import ModelFormat
from lowcarbon.footprint.stored import (
    Encoding,
    LibrarySet,
    file_bytes,
    linked_sets,
    named_files,
    product_name_zh,
    validate,
)
from lowcarbon.footprint.tables import Product, Study, StudyFile, StudyLibraryFile
from lowcarbon.ports import AuditLog, Clock, JobQueue, JobState, JobStatus, Ports
from lowcarbon.storage import canonical_json, serialize, snapshot
from lowcarbon.text import check_text

__all__ = [
    "JOB_KIND",
    "MAX_NOTE",
    "InvalidModel",
    "LatestTotal",
    "StoredModel",
    "compare",
    "create_product",
    "create_study",
    "file_contents",
    "get_file",
    "get_model",
    "get_product",
    "get_study",
    "latest_totals",
    "list_files",
    "list_products",
    "list_studies",
    "own_study",
    "product_state",
    "rename_product",
    "set_archived",
    "set_note",
    "store_outcome",
    "stored_inputs",
    "study_state",
]

JOB_KIND = "compute_study"
MAX_NOTE = 2000  # characters of a note on a version


class InvalidModel(InvalidInput):
    """The model cannot be computed; ``details`` lists every problem with its place."""

    code = "invalid_model"


def product_state(product: Product) -> dict[str, Any]:
    """What the audit trail records of a product."""
    return snapshot(product)


def study_state(
    study: Study, files: list[dict[str, str]], library_files: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """What the audit trail records of a study: its fields, of the model and the result only SHA-256 digests, its
    factor files' names and digests (``files``, as ``_file_digests`` gives them), and those of its copies of
    library files (``library_files``, as ``_library_digests`` gives them)."""
    return snapshot(
        study,
        hidden=("model_text", "result"),
        model_sha256=hashlib.sha256(study.model_text.encode()).hexdigest(),
        result_sha256=_digest(study.result) if study.result is not None else None,
        files=files,
        library_files=library_files or [],
    )


def create_product(
    session: Session, audit: AuditLog, clock: Clock, *, organisation_id: int, name: str
) -> model.Product:
    """Add a product to the organisation (names are unique within it) and record it."""
    name = _product_name(session, organisation_id, name)
    product = Product(organisation_id=organisation_id, name=name, created_at=clock())
    session.add(product)
    _flush_named(session, name)
    audit.record("create", "product", product.id, None, product_state(product))
    return _product(product)


def rename_product(
    session: Session, audit: AuditLog, *, organisation_id: int, product_id: int, name: str
) -> model.Product:
    """Give the organisation's product a new name, unique within it (Conflict otherwise), and record it; its
    studies stay its own. An archived product can be renamed too."""
    product = _own_product(session, organisation_id, product_id)
    before = product_state(product)
    if name.strip() != product.name:
        product.name = _product_name(session, organisation_id, name)
        _flush_named(session, product.name)
        audit.record("rename", "product", product.id, before, product_state(product))
    return _product(product)


def set_archived(
    session: Session, audit: AuditLog, clock: Clock, *, organisation_id: int, product_id: int, archived: bool
) -> model.Product:
    """Archive the organisation's product (out of lists, no new versions, its studies kept) or restore it, and
    record the change; archiving an archived product, or restoring one in use, changes nothing."""
    product = _own_product(session, organisation_id, product_id)
    serialize(session, f"studies:product:{product.id}")  # not while a version is being added
    session.refresh(product)
    if (product.archived_at is not None) != archived:
        before = product_state(product)
        product.archived_at = clock() if archived else None
        session.flush()
        audit.record("archive" if archived else "restore", "product", product.id, before, product_state(product))
    return _product(product)


def set_note(
    session: Session, audit: AuditLog, *, organisation_id: int, study_id: int, note: str
) -> model.StudySummary:
    """Say something of a version (up to MAX_NOTE characters; empty removes the note), recorded in the audit trail;
    the note is the only thing of a stored study that changes."""
    note = check_text(note, "note", multiline=True).strip()
    if len(note) > MAX_NOTE:
        raise InvalidInput(f"the note has {len(note)} characters; give at most {MAX_NOTE}")
    study = own_study(session, organisation_id, study_id)
    if (note or None) != study.note:
        files, copies = _file_digests(session, study.id), _library_digests(session, study.id)
        before = study_state(study, files, copies)
        study.note = note or None
        session.flush()
        audit.record("note", "study", study.id, before, study_state(study, files, copies))
    return _summary(study, JobState(study.status))


def _product_name(session: Session, organisation_id: int, name: str) -> str:
    """``name`` checked and stripped; Conflict when another product of the organisation has it."""
    name = check_text(name, "name").strip()
    if not name or len(name) > 200:
        raise InvalidInput("give the product a name of 1 to 200 characters")
    taken = sa.select(Product.id).where(Product.organisation_id == organisation_id, Product.name == name)
    if session.scalar(taken) is not None:
        raise Conflict(f"your organisation has a product named {name!r} already")
    return name


def _flush_named(session: Session, name: str) -> None:
    try:
        session.flush()
    except IntegrityError:  # named so by a concurrent request since the check
        raise Conflict(f"your organisation has a product named {name!r} already") from None


def list_products(
    session: Session, *, organisation_id: int, limit: int, after: int | None = None, archived: bool = False
) -> list[model.Product]:
    """Up to ``limit`` of the organisation's products, newest first, those older than product ``after``: those in
    use, or (``archived``) the archived ones."""
    query = sa.select(Product).where(Product.organisation_id == organisation_id)
    query = query.where(Product.archived_at.is_not(None) if archived else Product.archived_at.is_(None))
    if after is not None:
        query = query.where(Product.id < after)
    return [_product(p) for p in session.scalars(query.order_by(Product.id.desc()).limit(limit))]


def get_product(session: Session, *, organisation_id: int, product_id: int) -> model.Product:
    """The organisation's product ``product_id``; NotFound when it has none by that id."""
    return _product(_own_product(session, organisation_id, product_id))


def create_study(
    session: Session,
    ports: Ports,
    *,
    organisation_id: int,
    product_id: int,
    model_text: str,
    model_format: ModelFormat,
    files: Mapping[str, str] | None = None,
    files_from: int | None = None,
    user_id: int | None = None,
    client: tuple[int, str] | None = None,
) -> model.StudySummary:
    """Validate the model and its factor files (InvalidModel listing every problem), store them as the product's
    next version, and queue its computation, which starts when the caller commits. ``files`` are the factor files
    the model names, name -> content as a study keeps it (``stored.stored_file``); when none are sent and
    ``files_from`` names an earlier study of the organisation, the new version keeps that study's files that its
    model still names. The library files whose sets the model links (``factor: <set>/<id>``) and no named file
    provides are copied into the study, as they are now. Who submits it is a user (``user_id``) or a machine
    client (``client``: its row id and its client_id), exactly one."""
    if (user_id is None) == (client is None):
        raise ValueError("a study is submitted by a user or by a machine client: give exactly one of the two")
    product = _own_product(session, organisation_id, product_id)
    if product.archived_at is not None:
        raise Conflict(f"product {product.id} is archived: restore it before adding a version")
    files = dict(files or {})
    if not files and files_from is not None:
        named = named_files(model_text, model_format)
        kept = file_contents(session, organisation_id=organisation_id, study_id=files_from)
        files = {name: content for name, content in kept.items() if name in named}
    sets = linked_sets(model_text, model_format)
    linked = library.linked_files(session, organisation_id=organisation_id, sets=sets)
    _, problems = validate(model_text, model_format, files, [file.kept for file in linked])
    if problems:
        count = sum(problem.get("count", 1) for problem in problems)
        listed = "; ".join(f"{'.'.join(p['location'])}: {p['message']}" for p in problems)
        raise InvalidModel(f"{count} problem{'s' * (count > 1)} in the model: {listed}", details=problems)
    serialize(session, f"studies:product:{product.id}")  # versions are numbered one at a time
    if session.scalar(sa.select(Product.archived_at).where(Product.id == product.id)) is not None:
        raise Conflict(f"product {product.id} is archived: restore it before adding a version")  # since the check
    latest = session.scalar(sa.select(sa.func.max(Study.version)).where(Study.product_id == product.id))
    study = Study(
        product_id=product.id,
        version=(latest or 0) + 1,
        model_text=model_text,
        model_format=model_format,
        status=JobState.QUEUED,
        created_by=user_id,
        created_by_client=client[0] if client is not None else None,
        client_name=client[1] if client is not None else None,
        created_at=ports.clock(),
    )
    session.add(study)
    session.flush()
    for name, content in files.items():
        data = file_bytes(name, content)
        digest = hashlib.sha256(data).hexdigest()
        session.add(StudyFile(study_id=study.id, name=name, content=content, sha256=digest, size=len(data)))
    for file in linked:
        session.add(
            StudyLibraryFile(
                study_id=study.id,
                library_file_id=file.id,
                factor_set=file.kept["factor_set"],
                name=file.kept["name"],
                content=file.kept["content"],
                encoding=file.kept["encoding"],
                sha256=file.sha256,
                size=file.size,
            )
        )
    study.job_id = ports.jobs.submit(JOB_KIND, {"study_id": study.id}, organisation_id=organisation_id)
    session.flush()
    state = study_state(study, _file_digests(session, study.id), _library_digests(session, study.id))
    ports.audit.record("create", "study", study.id, None, state)
    return _summary(study, JobState(study.status))


def stored_inputs(session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    """The job's input from its stored payload ``{"study_id"}``: the study's model, factor files and copies of
    library files as it keeps them, read when the job starts (so a job survives a restart: it is stored by
    reference)."""
    study = session.get(Study, payload["study_id"])
    if study is None:
        raise NotFound(f"study {payload['study_id']} is gone")
    files = _kept_files(session, study.id)
    kept = _kept_library(session, study.id)
    return {"model_text": study.model_text, "model_format": study.model_format, "files": files, "library": kept}


def list_studies(
    session: Session, jobs: JobQueue, *, organisation_id: int, product_id: int, limit: int, after: int | None = None
) -> list[model.StudySummary]:
    """Up to ``limit`` of the product's studies, newest first, those older than study ``after``; ``jobs`` tells
    which of those queued are running now."""
    product = _own_product(session, organisation_id, product_id)
    query = sa.select(Study).where(Study.product_id == product.id)
    if after is not None:
        query = query.where(Study.id < after)
    studies = list(session.scalars(query.order_by(Study.id.desc()).limit(limit)))
    states = _live_states(jobs, studies)
    return [_summary(study, states[study.id]) for study in studies]


def get_study(session: Session, jobs: JobQueue, *, organisation_id: int, study_id: int) -> model.Study:
    """The organisation's study ``study_id`` with its result or error; NotFound when it has none by that id."""
    study = session.scalar(
        sa.select(Study)
        .join(Product, Product.id == Study.product_id)
        .where(Study.id == study_id, Product.organisation_id == organisation_id)
    )
    if study is None:
        raise NotFound(f"your organisation has no study {study_id}")
    summary = _summary(study, _live_states(jobs, [study])[study.id])
    copies = session.scalars(
        sa.select(StudyLibraryFile).where(StudyLibraryFile.study_id == study.id).order_by(StudyLibraryFile.factor_set)
    )
    library_files = [model.LibraryCopy.model_validate(copy, from_attributes=True) for copy in copies]
    return model.Study(**summary.model_dump(), result=study.result, error=study.error, library_files=library_files)


@dataclass(frozen=True)
class StoredModel:
    """The exact model a study was computed from: its text (``xlsx``: the workbook's bytes in base64) and format."""

    id: int
    version: int
    text: str
    format: ModelFormat


def get_model(session: Session, *, organisation_id: int, study_id: int) -> StoredModel:
    """The exact model study ``study_id`` was computed from; NotFound when the organisation has no such study."""
    row = session.execute(
        sa.select(Study.version, Study.model_text, Study.model_format)
        .join(Product, Product.id == Study.product_id)
        .where(Study.id == study_id, Product.organisation_id == organisation_id)
    ).one_or_none()
    if row is None:
        raise NotFound(f"your organisation has no study {study_id}")
    version, text, model_format = row
    return StoredModel(study_id, version, text, cast(ModelFormat, model_format))  # the table's check: one of FORMATS


def list_files(session: Session, *, organisation_id: int, study_id: int) -> list[model.FactorFile]:
    """The factor files a study keeps, by name: name, size and SHA-256 digest of each."""
    own_study(session, organisation_id, study_id)
    rows = session.execute(
        sa.select(StudyFile.name, StudyFile.size, StudyFile.sha256)
        .where(StudyFile.study_id == study_id)
        .order_by(StudyFile.name)
    )
    return [model.FactorFile(name=name, size=size, sha256=digest) for name, size, digest in rows]


def file_contents(session: Session, *, organisation_id: int, study_id: int) -> dict[str, str]:
    """The factor files a study keeps, name -> content as kept: what a new version of its model takes over."""
    own_study(session, organisation_id, study_id)
    return _kept_files(session, study_id)


def get_file(session: Session, *, organisation_id: int, study_id: int, name: str) -> bytes:
    """The bytes of the study's factor file ``name``, exactly as sent; NotFound when the study has no such file."""
    own_study(session, organisation_id, study_id)
    content = session.scalar(sa.select(StudyFile.content).where(StudyFile.study_id == study_id, StudyFile.name == name))
    if content is None:
        raise NotFound(f"study {study_id} has no factor file {name!r}")
    return file_bytes(name, content)


class LatestTotal(NamedTuple):
    """A product's newest computed version: its number, total, the declared unit the total is per, and the Chinese
    name its model gives the product."""

    version: int
    total: float
    declared_unit: str
    name_zh: str | None = None  # the product's Chinese name in that version's model, for the pages


def latest_totals(session: Session, *, organisation_id: int, product_ids: list[int]) -> dict[int, LatestTotal]:
    """The newest computed version of each of the organisation's ``product_ids`` that has one."""
    newest = (
        sa.select(Study.product_id, sa.func.max(Study.version).label("version"))
        .join(Product, Product.id == Study.product_id)
        .where(Study.product_id.in_(product_ids), Product.organisation_id == organisation_id)
        .where(Study.status == JobState.DONE)
        .group_by(Study.product_id)
        .subquery()
    )
    columns = (Study.product_id, Study.version, Study.total, Study.result, Study.model_text, Study.model_format)
    rows = session.execute(
        sa.select(*columns).join(
            newest, sa.and_(Study.product_id == newest.c.product_id, Study.version == newest.c.version)
        )
    )
    latest: dict[int, LatestTotal] = {}
    for row in rows:
        result: dict[str, Any] = row.result or {}
        unit = str(result.get("declared_unit", ""))
        name_zh = product_name_zh(row.model_text, row.model_format)
        latest[row.product_id] = LatestTotal(row.version, float(row.total or 0.0), unit, name_zh)
    return latest


def compare(session: Session, *, organisation_id: int, product_id: int) -> model.Comparison:
    """The product's computed versions, oldest first, with total, by-stage figures and the change between them."""
    product = _own_product(session, organisation_id, product_id)
    studies = session.scalars(
        sa.select(Study).where(Study.product_id == product.id, Study.status == JobState.DONE).order_by(Study.version)
    )
    versions: list[model.ComparisonVersion] = []
    stages: list[str] = []
    previous: float | None = None
    results: dict[int, dict[str, Any]] = {}
    for study in studies:
        result, total = study.result or {}, float(study.total or 0.0)
        results[study.version] = result
        by_stage = {str(name): float(value) for name, value in result.get("by_stage", {}).items()}
        stages.extend(name for name in by_stage if name not in stages)
        change = total - previous if previous is not None else None
        percent = 100 * change / abs(previous) if change is not None and previous else None
        versions.append(
            model.ComparisonVersion(
                version=study.version,
                study_id=study.id,
                created_at=study.created_at,
                unit=str(result.get("unit", "")),
                total=total,
                by_stage=by_stage,
                change=change,
                change_percent=percent,
            )
        )
        previous = total
    comparable = len({version.unit for version in versions}) <= 1
    return model.Comparison(
        product=_product(product),
        stages=stages,
        comparable=comparable,
        versions=versions,
        differences=differences(results),
    )


_ASPECTS: dict[model.Aspect, str] = {  # a result's field -> what it is, in messages
    "boundary": "boundary",
    "characterization": "GWP set",
    "pcr": "PCR",
    "declared_unit": "declared unit",
}


def differences(results: dict[int, dict[str, Any]]) -> list[model.Difference]:
    """What differs between the results of a product's versions (version -> result) besides the product itself:
    boundary, GWP set, PCR, declared unit, and the value per unit of a factor that several versions use."""
    found = []
    for aspect, name in _ASPECTS.items():
        values = {version: str(result.get(aspect) or "none") for version, result in results.items()}
        if len(set(values.values())) > 1:
            listed = ", ".join(f"v{version} {value}" for version, value in values.items())
            message = f"the versions have different {name}s ({listed}): compare footprints of one {name} only"
            found.append(model.Difference(aspect=aspect, values=values, message=message))
    changed: dict[str, dict[int, float]] = {}
    for group in _by_characterization(results):  # a CO2e value changes with the GWP set, which is named above
        factors: dict[str, dict[int, float]] = {}
        for version in group:
            for key, value in _factor_values(results[version]).items():
                factors.setdefault(key, {})[version] = value
        for key, used in factors.items():
            if len(used) > 1 and _differ(used.values()):
                changed.setdefault(key, {}).update(used)
    if changed:
        values = {
            version: "; ".join(
                f"{key} {by_version[version]:.6g}" for key, by_version in changed.items() if version in by_version
            )
            for version in results
        }
        message = (
            f"factors have other values in other versions ({', '.join(changed)}): part of the change is the data, "
            "not the product"
        )
        found.append(
            model.Difference(aspect="factors", values={v: text for v, text in values.items() if text}, message=message)
        )
    return found


def _by_characterization(results: dict[int, dict[str, Any]]) -> list[list[int]]:
    groups: dict[str, list[int]] = {}
    for version, result in results.items():
        groups.setdefault(str(result.get("characterization")), []).append(version)
    return list(groups.values())


def _factor_values(result: dict[str, Any]) -> dict[str, float]:
    """kg CO2e per unit of each factor a version's stage lines use, from its lines."""
    values = {}
    for line in result.get("lines", []):
        link, amount = str(line.get("link", "")), float(line.get("link_amount") or 0.0)
        if line.get("process") is None and amount and not link.startswith("process "):
            values[link] = abs(float(line.get("kg_co2e", 0.0)) / amount)
    return values


def _differ(values: Iterable[float]) -> bool:
    listed = list(values)
    return max(listed) - min(listed) > 1e-9 * max(abs(value) for value in listed)


def store_outcome(session: Session, job: JobStatus, audit: AuditLog) -> None:
    """The job runner's hook: keep a finished computation's result and total, or its error, on the study."""
    study = session.scalar(sa.select(Study).where(Study.job_id == job.id))
    if study is None:
        return
    files, copies = _file_digests(session, study.id), _library_digests(session, study.id)
    before = study_state(study, files, copies)
    if job.status == JobState.DONE and job.result is not None:
        study.status, study.result, study.total, study.error = (
            JobState.DONE,
            job.result["result"],
            job.result["total"],
            None,
        )
    else:
        study.status, study.error = JobState.FAILED, job.error or "the computation failed"
    session.flush()
    audit.record(job.status, "study", study.id, before, study_state(study, files, copies))


def _own_product(session: Session, organisation_id: int, product_id: int) -> Product:
    product = session.get(Product, product_id)
    if product is None or product.organisation_id != organisation_id:
        raise NotFound(f"your organisation has no product {product_id}")
    return product


def own_study(session: Session, organisation_id: int, study_id: int) -> Study:
    """The organisation's study ``study_id`` as its row; NotFound when it has none by that id."""
    found = session.scalar(
        sa.select(Study)
        .join(Product, Product.id == Study.product_id)
        .where(Study.id == study_id, Product.organisation_id == organisation_id)
    )
    if found is None:
        raise NotFound(f"your organisation has no study {study_id}")
    return found


def _kept_files(session: Session, study_id: int) -> dict[str, str]:
    """The study's factor files, name -> content as kept, in the order they were sent."""
    rows = session.execute(
        sa.select(StudyFile.name, StudyFile.content).where(StudyFile.study_id == study_id).order_by(StudyFile.id)
    )
    return {name: content for name, content in rows}


def _kept_library(session: Session, study_id: int) -> list[LibrarySet]:
    """The study's copies of library files, as the job takes them, by factor set."""
    rows = session.execute(
        sa.select(
            StudyLibraryFile.factor_set, StudyLibraryFile.name, StudyLibraryFile.content, StudyLibraryFile.encoding
        )
        .where(StudyLibraryFile.study_id == study_id)
        .order_by(StudyLibraryFile.factor_set)
    )
    return [
        LibrarySet(factor_set=factor_set, name=name, content=content, encoding=cast(Encoding, encoding))
        for factor_set, name, content, encoding in rows
    ]


def _library_digests(session: Session, study_id: int) -> list[dict[str, Any]]:
    """The study's copies of library files for the audit trail: set, name, digest and origin of each, by set."""
    rows = session.execute(
        sa.select(
            StudyLibraryFile.factor_set,
            StudyLibraryFile.name,
            StudyLibraryFile.sha256,
            StudyLibraryFile.library_file_id,
        )
        .where(StudyLibraryFile.study_id == study_id)
        .order_by(StudyLibraryFile.factor_set)
    )
    return [
        {"factor_set": factor_set, "name": name, "sha256": digest, "library_file_id": origin}
        for factor_set, name, digest, origin in rows
    ]


def _file_digests(session: Session, study_id: int) -> list[dict[str, str]]:
    """The study's factor files for the audit trail: name and SHA-256 digest of each, by name."""
    rows = session.execute(
        sa.select(StudyFile.name, StudyFile.sha256).where(StudyFile.study_id == study_id).order_by(StudyFile.name)
    )
    return [{"name": name, "sha256": digest} for name, digest in rows]


def _live_states(jobs: JobQueue, studies: list[Study]) -> dict[int, JobState]:
    """Each study's status; while it is unfinished, its job's (which moves from queued to running)."""
    unfinished = [s.job_id for s in studies if s.job_id is not None and not JobState(s.status).finished]
    running = jobs.states(unfinished)
    states = {}
    for study in studies:
        own = JobState(study.status)
        job = running.get(study.job_id) if study.job_id is not None else None
        states[study.id] = job if not own.finished and job is not None and not job.finished else own
    return states


def _product(product: Product) -> model.Product:
    return model.Product.model_validate(product, from_attributes=True)


def _summary(study: Study, status: JobState) -> model.StudySummary:
    return model.StudySummary(
        id=study.id,
        product_id=study.product_id,
        version=study.version,
        status=status.value,
        model_format=study.model_format,  # type: ignore[arg-type]  # the table's check keeps it one of FORMATS
        total=study.total,
        created_by=study.created_by,
        created_by_client=study.client_name,
        created_at=study.created_at,
        job_id=study.job_id,
        note=study.note,
    )


def _digest(value: object) -> str:
    return hashlib.sha256(canonical_json(value).encode()).hexdigest()
