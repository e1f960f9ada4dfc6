"""Compute a product's carbon footprint from its model: read it, load its factors, build the system, solve it.

``prepare`` does everything but the solve and reports every problem it finds at once, as one DataFormatError whose
``problems`` are values (file, place, message id, message): of the model, of its factor files, of the links and
units the build finds, and of its PCR. ``compute`` solves what was prepared (or prepares first), so validating a
model and computing it share one build.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from lowcarbon.errors import DataFormatError, LimitExceeded, Problem
from lowcarbon.factors import FactorLibrary, default_library, load_set
from lowcarbon.footprint.build import PARTS, BuiltModel, build
from lowcarbon.footprint.bundle import ModelBundle
from lowcarbon.footprint.excel import on_sheets, read_excel_model
from lowcarbon.footprint.figures import footprint_figures
from lowcarbon.footprint.model import ProductModel, read_model
from lowcarbon.footprint.pcr import Pcr, deviations, load_pcr, shipped_pcrs
from lowcarbon.footprint.result import Footprint

__all__ = ["PARTS", "PreparedModel", "carried_file_problems", "compute", "prepare", "prepare_read", "read_bundle_model"]


@dataclass(frozen=True)
class PreparedModel:
    """A model read, its factor files loaded and its system built, with its PCR: all that ``compute`` solves."""

    model: ProductModel
    built: BuiltModel
    pcr: Pcr | None


def read_bundle_model(bundle: ModelBundle) -> tuple[ProductModel, dict[str, str]]:
    """The bundle's model, and for a workbook the sheet place of each model place; DataFormatError when unreadable."""
    if bundle.format == "xlsx":
        return read_excel_model(bundle.content, bundle.source)
    return read_model(bundle.content, bundle.format, bundle.source), {}


def prepare(source: ModelBundle | ProductModel | str | Path, library: FactorLibrary | None = None) -> PreparedModel:
    """Read, load and build ``source`` (a bundle, a model, or a model file's path); DataFormatError listing every
    problem. A ``ProductModel`` given as such reads the factor files it names from the working directory."""
    if isinstance(source, ProductModel):
        places: dict[str, str] = {}
        bundle, model = ModelBundle(b"", "yaml", name="model", folder=Path.cwd()), source
    else:
        bundle = source if isinstance(source, ModelBundle) else ModelBundle.from_path(source)
        model, places = read_bundle_model(bundle)
    return prepare_read(bundle, model, places, library)


def prepare_read(
    bundle: ModelBundle, model: ProductModel, places: dict[str, str], library: FactorLibrary | None = None
) -> PreparedModel:
    """``prepare`` for a model read from ``bundle`` already (``read_bundle_model``), so that a caller who looked at
    the model first does not read it twice."""
    library = FactorLibrary(library) if library is not None else default_library()  # the caller's stays as it was
    problems, unlisted = _load_factor_files(bundle, model, library)
    if problems:
        count = len(problems) + unlisted
        raise DataFormatError(problems=problems, what="model and its factor files", count=count)
    pcr, pcr_problems = _pcr(bundle, model)
    try:
        built = build(model, library, load_set(model.gwp), bundle.source)
    except DataFormatError as exc:
        problems = [*on_sheets(exc, places).problems, *pcr_problems]
        raise DataFormatError(problems=problems, what="model", count=exc.count + len(pcr_problems)) from None
    if pcr_problems:
        raise DataFormatError(problems=pcr_problems, what="model")
    return PreparedModel(model, built, pcr)


def compute(
    model: PreparedModel | ModelBundle | ProductModel | str | Path, library: FactorLibrary | None = None
) -> Footprint:
    """The footprint of ``model``: prepared already, or a bundle, a ProductModel, or the path of a model file."""
    prepared = model if isinstance(model, PreparedModel) else prepare(model, library)
    result = footprint_figures(prepared.model, prepared.built)
    if prepared.pcr is not None:
        result = replace(result, pcr_deviations=deviations(prepared.model, result, prepared.pcr))
    return result


def _load_factor_files(bundle: ModelBundle, model: ProductModel, library: FactorLibrary) -> tuple[list[Problem], int]:
    """Read the factor files the model names into ``library``: from the bundle, else from its folder; the problems
    listed, and how many more there were. A file past a limit of the bounded reader stops it (LimitExceeded)."""
    problems = carried_file_problems(bundle, model)
    unlisted = 0
    for name in dict.fromkeys(model.factor_files):
        try:
            if name in bundle.files:
                library.import_bytes(name, bundle.files[name], PurePosixPath(name).stem)
            elif bundle.folder is not None and (bundle.folder / name).exists():
                library.import_file(bundle.folder / name)
            elif bundle.folder is not None:
                message = f"{name} does not exist (paths are relative to the model)"
                problems.append(Problem(message, "factor_files", bundle.source, "missing_file", {"file": name}))
        except LimitExceeded:
            raise
        except DataFormatError as exc:
            problems.extend(exc.problems)
            unlisted += exc.count - len(exc.problems)
    return problems, unlisted


def carried_file_problems(bundle: ModelBundle, model: ProductModel, ignore: Collection[str] = ()) -> list[Problem]:
    """Whether a bundle without a folder carries exactly the factor files its model names (but those in ``ignore``):
    each file it carries is named, and each named one is carried."""
    problems = [
        Problem(
            "the model does not name this file in factor_files; send only the files it names",
            source=name,
            id="file_not_named",
        )
        for name in bundle.files
        if name not in model.factor_files
    ]
    missing = [name for name in dict.fromkeys(model.factor_files) if name not in bundle.files and name not in ignore]
    if missing and bundle.folder is None:
        problems.append(
            Problem(
                f"the model names factor files that were not sent with it: {', '.join(missing)}; send each file "
                "with the model under the name the model gives it",
                "factor_files",
                bundle.source,
                "missing_file",
                {"files": ", ".join(missing)},
            )
        )
    return problems


def _pcr(bundle: ModelBundle, model: ProductModel) -> tuple[Pcr | None, list[Problem]]:
    """The model's PCR, shipped or (from a model on disk) a file beside it; else the problem."""
    if not model.pcr:
        return None, []
    if bundle.folder is None and model.pcr not in shipped_pcrs():
        shipped = ", ".join(shipped_pcrs())
        message = f"{model.pcr!r} is not a PCR that ships with lowcarbon ({shipped})"
        return None, [Problem(message, "pcr", bundle.source, "unknown_pcr", {"pcr": model.pcr})]
    try:
        return load_pcr(model.pcr, bundle.folder), []
    except DataFormatError as exc:
        return None, list(exc.problems)
