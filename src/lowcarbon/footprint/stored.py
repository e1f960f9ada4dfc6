"""How a study keeps its model and factor files, their checks, and the job that computes them: plain values.

The model is kept exactly as given: YAML or JSON text, or an Excel workbook's bytes in base64. So are the factor
files the model names in ``factor_files``: each under the name the model gives it (a relative path), a CSV file as
its text, an Excel file as its bytes in base64. ``bundle_of`` turns what a study keeps into the footprint's
``ModelBundle`` in memory, so a study's result equals ``lowcarbon footprint`` on the same files, and nothing is
written to disk. A study brings exactly the files its model names, no more and no fewer; a ``pcr`` must be one that
ships with lowcarbon (``footprint.compute.prepare`` checks both).

A study also keeps a copy of each file of its organisation's factor library whose factor set its model links
(``factor: <set>/<id>``) without naming the file (``LibrarySet``; ``linked_sets`` tells which sets a model links):
those sets join the shipped ones in the factor library the model is built with (``library_with``), so a study
computes with the library as it was when the study was stored.

``validate`` reads the model and its files and builds its system (every link to a factor or process, every unit) as
``compute`` does before it solves, listing every problem in the API's shape; the job (``compute_stored``) rebuilds
the same bundle and library from what was stored. ``monte_carlo_stored`` is the job of a study's Monte Carlo run, on
the same input: it reports the iterations done in a small file named by the run (``progress_file``), which the
pages read while it runs, so a worker needs no database; on another machine (Dask) the file is not seen, and the
run shows no figure until it ends.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any, Literal, TypedDict

from lowcarbon.bounded import parse_json, parse_yaml
from lowcarbon.errors import DataFormatError, Detail, LimitExceeded, Problem
from lowcarbon.factors import FactorLibrary, default_library
from lowcarbon.footprint.bundle import FACTOR_SUFFIXES, ModelBundle, ModelFormat
from lowcarbon.footprint.compute import (
    PreparedModel,
    carried_file_problems,
    compute,
    prepare_read,
    read_bundle_model,
)
from lowcarbon.footprint.montecarlo import footprint_uncertainty

__all__ = [
    "FACTOR_SUFFIXES",
    "MAX_FILES",
    "MAX_FILES_CHARS",
    "MAX_FILE_CHARS",
    "MAX_LIBRARY_SETS",
    "MAX_MODEL_CHARS",
    "MAX_NAME_CHARS",
    "MAX_PART_BYTES",
    "Encoding",
    "Files",
    "LibrarySet",
    "bundle_of",
    "compute_stored",
    "file_bytes",
    "kept_bytes",
    "kept_content",
    "library_with",
    "linked_sets",
    "monte_carlo_stored",
    "name_problem",
    "named_files",
    "product_name_zh",
    "progress_done",
    "progress_file",
    "stored_file",
    "validate",
]

MAX_MODEL_CHARS = 5_000_000  # a large Excel model is a few hundred kB in base64
MAX_FILE_CHARS = MAX_MODEL_CHARS  # one factor file as stored: as large as a model may be
MAX_FILES_CHARS = 2 * MAX_MODEL_CHARS  # all of a study's factor files together, as stored
MAX_FILES = 16  # factor files of one study
MAX_NAME_CHARS = 255
MAX_PART_BYTES = 255  # a file or folder name on disk (NAME_MAX of Linux and macOS file systems), in UTF-8 bytes
MAX_LIBRARY_SETS = MAX_FILES  # sets of the organisation's library one study links
Files = Mapping[str, str]  # a study's factor files: name as the model gives it -> content as stored
Encoding = Literal["text", "base64"]


class LibrarySet(TypedDict):
    """A file of the organisation's factor library as a study keeps it: its factor set, its name (whose ending
    tells CSV or Excel), and its content as ``encoding`` says (a UTF-8 CSV file's text, else its bytes in base64).
    Plain JSON, as a job's input is."""

    factor_set: str
    name: str
    content: str
    encoding: Encoding


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_MODEL_NAME = re.compile(r"model\..*", re.IGNORECASE)  # the model's own file, model.<format>, beside the files


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a study's factor file, or None: a relative path with forward slashes, inside the
    model's folder, ending in .csv or .xlsx, not starting with the model's own file name, each part short enough
    for a file system."""
    if not name or len(name) > MAX_NAME_CHARS:
        return f"a factor file's name has 1 to {MAX_NAME_CHARS} characters"
    if "\\" in name:
        return "a factor file's name separates folders with /, not \\"
    if _CONTROL.search(name):
        return "a factor file's name has no control characters"
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return "a factor file's name is relative to the model, not an absolute path"
    parts = name.split("/")
    if ".." in parts:
        return "a factor file's name stays in the model's folder: no .. in it"
    if any(part in ("", ".") for part in parts):
        return "a factor file's name has no empty or . parts: write it as 'folder/file.csv'"
    if _MODEL_NAME.fullmatch(parts[0]):
        return (
            f"{parts[0]!r} is taken: the model itself is the file model.<format> (model.yaml, model.json, "
            "model.xlsx) beside its factor files, so neither a factor file nor its first folder is named model.*"
        )
    if any(len(part.encode("utf-8")) > MAX_PART_BYTES for part in parts):
        return f"each folder or file name in a factor file's name has at most {MAX_PART_BYTES} bytes in UTF-8"
    if PurePosixPath(name).suffix.lower() not in FACTOR_SUFFIXES:
        return "a factor file the platform keeps is CSV (.csv) or Excel (.xlsx)"
    return None


def stored_file(name: str, content: bytes) -> str:
    """A factor file's content as a study keeps it: an Excel file's bytes in base64, a CSV file's UTF-8 text (a byte
    order mark included, so that the file comes back byte for byte); DataFormatError when it cannot be."""
    if _binary(name):
        return base64.b64encode(content).decode("ascii")
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        raise DataFormatError("the file is not UTF-8 text; save the CSV file as UTF-8") from None
    if "\x00" in text:
        raise DataFormatError("the file has a NUL character, which a CSV file of text has not")
    return text


def file_bytes(name: str, content: str) -> bytes:
    """The file's bytes from its content as stored; DataFormatError when an Excel file's base64 is not valid."""
    if not _binary(name):
        return content.encode("utf-8")
    try:
        return base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError):
        raise DataFormatError(f"{name}: an Excel file is sent as its bytes in base64") from None


def kept_content(name: str, data: bytes) -> tuple[str, Encoding]:
    """A library file's content as kept, and how: a CSV file in UTF-8 as its text, any other (Excel, or a CSV file
    in GB18030 as Chinese Excel saves it) as its bytes in base64; either way it comes back byte for byte."""
    if not _binary(name):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            if "\x00" not in text:  # PostgreSQL's text holds no NUL
                return text, "text"
    return base64.b64encode(data).decode("ascii"), "base64"


def kept_bytes(content: str, encoding: Encoding | str) -> bytes:
    """The bytes of a library file kept as ``content`` in ``encoding``."""
    return base64.b64decode(content, validate=True) if encoding == "base64" else content.encode("utf-8")


def linked_sets(text: str, model_format: ModelFormat) -> list[str]:
    """The factor sets the model links by key (``factor: <set>/<id>``) that no factor file it names provides (a
    file's set is its name without its ending): those a study takes from its organisation's library, in the order
    of their first link; none when the model cannot be read."""
    try:
        model = read_bundle_model(bundle_of(text, model_format))[0]
    except DataFormatError:
        return []
    activities = [a for stage in model.stages for a in stage.activities]
    activities += [a for process in model.processes for a in process.inputs]
    named = {PurePosixPath(name).stem for name in model.factor_files}
    linked = (a.factor.split("/", 1)[0] for a in activities if a.factor is not None and "/" in a.factor)
    return [name for name in dict.fromkeys(linked) if name not in named]


def library_with(sets: Sequence[LibrarySet]) -> tuple[FactorLibrary, list[Detail]]:
    """The shipped factor sets and ``sets`` of the organisation's library, and the problems of those that cannot
    join them (each at ``["factor_library", set]``)."""
    library = default_library()
    problems: list[Detail] = []
    if len(sets) > MAX_LIBRARY_SETS:
        message = f"the model links {len(sets)} sets of your factor library; a study keeps at most {MAX_LIBRARY_SETS}"
        return library, [_detail(["factor_library"], message)]
    total = sum(len(kept["content"]) for kept in sets)
    if total > MAX_FILES_CHARS:
        message = f"the linked library files have {total:,} characters together; at most {MAX_FILES_CHARS:,}"
        return library, [_detail(["factor_library"], message)]
    for kept in sets:
        try:
            library.import_bytes(kept["name"], kept_bytes(kept["content"], kept["encoding"]), kept["factor_set"])
        except LimitExceeded:
            raise
        except (DataFormatError, binascii.Error, ValueError) as exc:
            found = exc.problems if isinstance(exc, DataFormatError) and exc.problems else [Problem(str(exc))]
            for problem in found:
                message = f"{problem.place}: {problem.message}" if problem.place else problem.message
                problems.append(_detail(["factor_library", kept["factor_set"]], f"{kept['name']}, {message}"))
    return library, problems


def bundle_of(text: str, model_format: ModelFormat, files: Files | None = None) -> ModelBundle:
    """The bundle of a model and its factor files as a study keeps them; DataFormatError if a content is
    undecodable."""
    if model_format == "xlsx":
        try:
            content = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise DataFormatError("model: an Excel model is sent as its file's bytes in base64") from None
    else:
        content = text.encode("utf-8")
    decoded = {name: file_bytes(name, stored) for name, stored in (files or {}).items()}
    return ModelBundle(content, model_format, decoded)


def product_name_zh(text: str, model_format: str) -> str | None:
    """The product's Chinese name (``product.name_zh``) in a model as a study keeps it; None when it has none or
    cannot be read. A YAML or JSON model is only parsed, not checked: the pages show the name beside its result."""
    try:
        if model_format in ("yaml", "json"):
            data = parse_json(text, "model") if model_format == "json" else parse_yaml(text, "model")
            product = data.get("product") if isinstance(data, dict) else None
            name = product.get("name_zh") if isinstance(product, dict) else None
            return name if isinstance(name, str) and name else None
        return read_bundle_model(bundle_of(text, "xlsx"))[0].product.name_zh
    except (DataFormatError, ValueError):
        return None


def named_files(text: str, model_format: ModelFormat) -> list[str]:
    """The factor files the model names; none when it cannot be read."""
    try:
        return list(read_bundle_model(bundle_of(text, model_format))[0].factor_files)
    except DataFormatError:
        return []


def validate(
    text: str, model_format: ModelFormat, files: Files | None = None, library: Sequence[LibrarySet] = ()
) -> tuple[PreparedModel | None, list[Detail]]:
    """The model prepared for computing with the shipped factor sets and the ``library`` sets it links, or its
    problems and its files', each with its place in the API's shape (``{"location": ["model", place],
    ["files", name] or ["factor_library", set], "message", "type"}``): the first ``MAX_PROBLEMS``, and after them,
    when there were more, one of type ``more_problems`` whose ``count`` says how many more. LimitExceeded for a
    model or file past a limit of the bounded reader."""
    files = files or {}
    if len(text) > MAX_MODEL_CHARS:
        message = f"the model has {len(text):,} characters; at most {MAX_MODEL_CHARS:,} are accepted"
        return None, [_detail(["model"], message)]
    problems = _file_problems(files)
    if problems:
        return None, problems
    factors = None  # the shipped sets alone, which prepare_read loads itself
    if library:
        factors, problems = library_with(library)
        if problems:
            return None, problems
    try:
        bundle = bundle_of(text, model_format, files)
        model, places = read_bundle_model(bundle)
        badly_named = {name: why for name in model.factor_files if (why := name_problem(name))}
        if badly_named:  # every problem of the files, before any is read
            named = [_detail(["model", "factor_files"], f"{name!r}: {why}") for name, why in badly_named.items()]
            carried = carried_file_problems(bundle, model, ignore=badly_named)
            return None, named + [_located(problem, bundle.source) for problem in carried]
        return prepare_read(bundle, model, places, factors), []
    except LimitExceeded:  # past a limit of the bounded reader: 413, not a problem of the model's content
        raise
    except DataFormatError as exc:
        problems = [_located(problem, f"model.{model_format}") for problem in exc.problems]
        if exc.count > len(exc.problems):
            unlisted = exc.count - len(exc.problems)
            message = f"{unlisted:,} more problems are not listed; fix these and send the model again"
            problems.append({**_detail(["model"], message), "type": "more_problems", "count": unlisted})
        return None, problems


def compute_stored(payload: dict[str, Any]) -> dict[str, Any]:
    """The job: ``{"model_text", "model_format", "files", "library"}`` (as a study keeps them; ``library``: its
    ``LibrarySet`` copies) -> ``{"total", "result"}`` (``Footprint.to_dict()``)."""
    bundle, factors = stored_source(payload)
    footprint = compute(bundle, factors)
    return {"total": footprint.total, "result": footprint.to_dict()}


def stored_source(payload: Mapping[str, Any]) -> tuple[ModelBundle, FactorLibrary | None]:
    """The bundle and factor library of a study's input as the jobs take it (``compute_stored``'s payload);
    DataFormatError when a copy of a library file cannot be read."""
    factors = None
    if payload.get("library"):
        factors, problems = library_with(payload["library"])
        if problems:
            raise DataFormatError("; ".join(f"{p['location'][-1]}: {p['message']}" for p in problems))
    return bundle_of(payload["model_text"], payload["model_format"], payload.get("files")), factors


def monte_carlo_stored(payload: dict[str, Any]) -> dict[str, Any]:
    """The job of a Monte Carlo run: a study's input as ``compute_stored`` takes it, with ``iterations``, ``seed``
    and ``progress`` (the key of its progress file, or none) -> ``FootprintUncertainty.to_dict(samples=True)``."""
    bundle, factors = stored_source(payload)
    key = payload.get("progress")
    report = None
    if key:
        path = progress_file(str(key))
        path.parent.mkdir(parents=True, exist_ok=True)

        def report(done: int) -> None:
            partial = path.with_suffix(".part")
            partial.write_text(json.dumps({"done": done}), encoding="utf-8")
            os.replace(partial, path)  # a reader sees the old count or the new one, never half a file

    result = footprint_uncertainty(bundle, payload["iterations"], payload["seed"], library=factors, progress=report)
    finite: dict[str, Any] = _finite(result.to_dict(samples=True))
    return finite


def _finite(value: Any) -> Any:
    """``value`` with NaN and infinities as None: JSON has no such numbers (a rank correlation of a constant is NaN)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_finite(item) for item in value]
    return value


def progress_file(key: str) -> Path:
    """Where the worker of a Monte Carlo run keyed ``key`` (hex) reports the iterations it has done."""
    if not re.fullmatch(r"[0-9a-f]{1,32}", key):
        raise ValueError(f"a progress key is hex: {key!r}")
    return Path(tempfile.gettempdir()) / "lowcarbon-progress" / f"{key}.json"


def progress_done(key: str) -> int | None:
    """The iterations a run's worker has reported done, or None before its first report (or on another machine)."""
    try:
        return int(json.loads(progress_file(key).read_text(encoding="utf-8"))["done"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _binary(name: str) -> bool:
    return PurePosixPath(name).suffix.lower() == ".xlsx"


def _located(problem: Problem, model: str) -> Detail:
    """A footprint problem in the API's shape: the model's at its place, a factor file's under its name."""
    # the problem's message id and parameters go along, so that a page can say it in its language
    said = {"id": problem.id, "params": {str(k): str(v) for k, v in problem.params.items()}}
    if problem.source in (model, "", "model"):
        if " " in problem.place:  # a workbook's sheet and row, for people: in the message, as the file's problems
            return {**_detail(["model"], f"{problem.place}: {problem.message}"), **said, "place": problem.place}
        return {**_detail(["model", *([problem.place] if problem.place else [])], problem.message), **said}
    message = f"{problem.place}: {problem.message}" if problem.place else problem.message
    return {**_detail(["files", problem.source], message), **said, "place": problem.place}


def _detail(location: list[str], message: str) -> Detail:
    return {"location": location, "message": message, "type": "invalid_model"}


def _file_problems(files: Files) -> list[Detail]:
    """The factor files' names, count and sizes, and whether their contents decode."""
    problems: list[Detail] = []
    if len(files) > MAX_FILES:
        problems.append(_detail(["files"], f"{len(files)} factor files were sent; a study keeps at most {MAX_FILES}"))
    total = sum(len(content) for content in files.values())
    if total > MAX_FILES_CHARS:
        problems.append(
            _detail(["files"], f"the factor files have {total:,} characters together; at most {MAX_FILES_CHARS:,}")
        )
    folded: dict[str, str] = {}
    for name, content in files.items():
        problem = name_problem(name)
        if problem is None and name.casefold() in folded:
            problem = f"{folded[name.casefold()]!r} is sent too: names that differ only in case are one file"
        elif problem is None and any("/".join(name.split("/")[:n]) in files for n in range(1, name.count("/") + 1)):
            problem = "a folder of this name's path is sent as a file too"
        elif problem is None and len(content) > MAX_FILE_CHARS:
            problem = f"the file has {len(content):,} characters as stored; at most {MAX_FILE_CHARS:,}"
        elif problem is None:
            try:
                file_bytes(name, content)
            except DataFormatError as exc:
                problem = str(exc).removeprefix(f"{name}: ")
        folded.setdefault(name.casefold(), name)
        if problem is not None:
            problems.append(_detail(["files", name], problem))
    return problems
