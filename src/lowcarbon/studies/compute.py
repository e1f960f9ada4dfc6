"""A study's model and factor files, their validation, and the job that computes them: plain values, no database.

The model is kept exactly as given: YAML or JSON text, or an Excel workbook's bytes in base64. So are the factor
files the model names in ``factor_files``: each under the name the model gives it (a relative path), a CSV file as
its text, an Excel file as its bytes in base64. To read or compute a study, the model is written to a temporary
folder as ``model.<format>`` with each factor file at its name beside it, and handed to ``lowcarbon.footprint`` as
the CLI would hand the file, so a study's result equals ``lowcarbon footprint`` on the same files. A study brings
exactly the files its model names, no more and no fewer; a ``pcr`` must be one that ships with lowcarbon.

Validation reads the model and its files and builds its system (every link to a factor or process, every unit), as
``compute`` does before it solves: a model that validates fails later only in the solve. Building costs little next
to reading (about 1.5 ms for examples/pv-module, 60 ms against 400 ms of reading for the 5,000-activity model of
benchmarks/footprint_model.py). No message of validation or of the job names the temporary folder.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any

from lowcarbon.errors import DataFormatError, LowcarbonError
from lowcarbon.factors import default_library, load_set, read_factor_file
from lowcarbon.footprint import ProductModel, compute, load_model
from lowcarbon.footprint.build import build
from lowcarbon.footprint.excel import load_excel_model, translate
from lowcarbon.footprint.pcr import shipped_pcrs

__all__ = [
    "FACTOR_SUFFIXES",
    "MAX_FILES",
    "MAX_FILES_CHARS",
    "MAX_FILE_CHARS",
    "MAX_MODEL_CHARS",
    "MAX_NAME_CHARS",
    "MAX_PART_BYTES",
    "Files",
    "Problem",
    "compute_study",
    "file_bytes",
    "file_sha256",
    "model_file",
    "model_problems",
    "name_problem",
    "named_files",
    "stored_file",
]

MAX_MODEL_CHARS = 5_000_000  # a large Excel model is a few hundred kB in base64
MAX_FILE_CHARS = MAX_MODEL_CHARS  # one factor file as stored: as large as a model may be
MAX_FILES_CHARS = 2 * MAX_MODEL_CHARS  # all of a study's factor files together, as stored
MAX_FILES = 16  # factor files of one study
MAX_NAME_CHARS = 255
MAX_PART_BYTES = 255  # a file or folder name on disk (NAME_MAX of Linux and macOS file systems), in UTF-8 bytes
FACTOR_SUFFIXES = (".csv", ".xlsx")  # CSV kept as text, Excel as its bytes in base64
Files = Mapping[str, str]  # a study's factor files: name as the model gives it -> content as stored
Problem = dict[str, Any]  # {"location": [...], "message": ..., "type": ...}, as the platform's error details
_COUNT = re.compile(r"\d+ problems? in ")
_SOURCE = re.compile(r"^model(\.\w+)?: ")
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


def file_sha256(name: str, content: str) -> str:
    """The SHA-256 digest of the file's bytes, as ``sha256sum`` prints it for the file."""
    return hashlib.sha256(file_bytes(name, content)).hexdigest()


@contextmanager
def model_file(text: str, model_format: str, files: Files | None = None) -> Iterator[Path]:
    """The model written to a temporary ``model.<format>`` file, with each factor file at its name beside it, all
    removed afterwards; DataFormatError if a content is undecodable or a name not one a study keeps."""
    if model_format == "xlsx":
        try:
            content = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise DataFormatError("model: an Excel model is sent as its file's bytes in base64") from None
    else:
        content = text.encode("utf-8")
    written = {name: file_bytes(name, stored) for name, stored in (files or {}).items()}
    for name in written:
        problem = name_problem(name)
        if problem is not None:
            raise DataFormatError(f"{name}: {problem}")
    with tempfile.TemporaryDirectory(prefix="lowcarbon-study-") as folder:
        path = Path(folder) / f"model.{model_format}"
        _write(Path(folder), path.name, content)
        for name, data in written.items():
            _write(Path(folder), name, data)
        yield path


def _write(folder: Path, name: str, data: bytes) -> None:
    """Write the file ``name`` (a relative path) in ``folder``; DataFormatError naming it, never the folder, when the
    file system refuses it (a name too long, a folder that is a file)."""
    target = folder.joinpath(*name.split("/"))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise DataFormatError(f"{name}: the file cannot be written beside the model ({reason}); rename it") from None


def named_files(text: str, model_format: str) -> list[str]:
    """The factor files the model names; none when it cannot be read."""
    try:
        with model_file(text, model_format) as path:
            return list(_read(path, model_format)[0].factor_files)
    except DataFormatError:
        return []


def model_problems(text: str, model_format: str, files: Files | None = None) -> list[Problem]:
    """Every problem of the model and its factor files, each with its place; an empty list when it can be computed."""
    files = files or {}
    if len(text) > MAX_MODEL_CHARS:
        return [_problem([], f"the model has {len(text):,} characters; at most {MAX_MODEL_CHARS:,} are accepted")]
    problems = _file_problems(files)
    if problems:  # a file with a bad name or content is not written anywhere
        return problems
    try:
        with model_file(text, model_format, files) as path:
            try:
                model, places = _read(path, model_format)
            except DataFormatError as exc:
                return _problems(_hidden(str(exc), path.parent))
            problems = _named_problems(model.factor_files, files)
            for name in files if not problems else ():
                problems += _content_problems(path.parent, name)
            if not problems:
                problems = _build_problems(path, model, places)
    except DataFormatError as exc:
        return _problems(str(exc))
    if model.pcr and model.pcr not in shipped_pcrs():
        shipped = ", ".join(shipped_pcrs())
        problems.append(_problem(["pcr"], f"{model.pcr!r} is not a PCR that ships with lowcarbon ({shipped})"))
    return problems


def compute_study(payload: dict[str, Any]) -> dict[str, Any]:
    """The job: ``{"model_text", "model_format", "files"}`` -> ``{"total", "result"}`` (``Footprint.to_dict()``);
    ``files`` (name -> content as stored) may be absent, as in jobs submitted before studies kept factor files."""
    with model_file(payload["model_text"], payload["model_format"], payload.get("files")) as path:
        try:
            footprint = compute(path)
        except Exception as exc:  # the job keeps its error for the study: name the files, not the server's folder
            shown = _hidden(str(exc), path.parent)
            if shown == str(exc):
                raise
            if isinstance(exc, LowcarbonError):
                exc.args = (shown,)
                raise
            raise LowcarbonError(f"the computation failed unexpectedly ({type(exc).__name__}: {shown})") from exc
    return {"total": footprint.total, "result": footprint.to_dict()}


def _binary(name: str) -> bool:
    return PurePosixPath(name).suffix.lower() == ".xlsx"


def _read(path: Path, model_format: str) -> tuple[ProductModel, dict[str, str]]:
    """The model, and for a workbook the sheet place of each model place."""
    if model_format == "xlsx":
        return load_excel_model(path)
    return load_model(path), {}


def _build_problems(path: Path, model: ProductModel, places: dict[str, str]) -> list[Problem]:
    """What building the model's system finds, as ``compute`` builds it before solving: links to factors and
    processes, units, gases; the factor files are read into the library as ``compute`` reads them."""
    library = default_library()
    try:
        for name in model.factor_files:
            library.import_file(path.parent.joinpath(*name.split("/")))
        build(model, library, load_set(model.gwp), str(path))
    except LowcarbonError as exc:
        return _problems(_hidden(translate(str(exc), places), path.parent))
    return []


def _hidden(message: str, folder: Path) -> str:
    """``message`` without the temporary ``folder``: its files named as the model names them."""
    for shown in dict.fromkeys((str(folder), os.path.realpath(folder))):
        message = message.replace(shown + os.sep, "").replace(shown, ".")
    return message


def _file_problems(files: Files) -> list[Problem]:
    """The factor files' names, count and sizes, and whether their contents decode."""
    problems = []
    if len(files) > MAX_FILES:
        problems.append(_file_problem([], f"{len(files)} factor files were sent; a study keeps at most {MAX_FILES}"))
    total = sum(len(content) for content in files.values())
    if total > MAX_FILES_CHARS:
        problems.append(
            _file_problem([], f"the factor files have {total:,} characters together; at most {MAX_FILES_CHARS:,}")
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
            problems.append(_file_problem([name], problem))
    return problems


def _named_problems(named: list[str], files: Files) -> list[Problem]:
    """The model's factor_files against the files sent: each named one sent, none sent that it does not name."""
    problems = []
    for name in named:
        problem = name_problem(name)
        if problem is not None:
            problems.append(_problem(["factor_files"], f"{name!r}: {problem}"))
    missing = [name for name in dict.fromkeys(named) if name not in files and name_problem(name) is None]
    if missing:
        listed = ", ".join(missing)
        problems.append(
            _problem(
                ["factor_files"],
                f"the model names factor files that were not sent with it: {listed}; send each file with the model "
                "under the name the model gives it",
            )
        )
    for name in files:
        if name not in named:
            problems.append(
                _file_problem([name], "the model does not name this file in factor_files; send only the files it names")
            )
    return problems


def _content_problems(folder: Path, name: str) -> list[Problem]:
    """Whether the factor file reads as a factor table (see ``lowcarbon factors check``)."""
    path = folder.joinpath(*name.split("/"))
    try:
        read_factor_file(path)
    except DataFormatError as exc:
        return [_file_problem([name], _hidden(str(exc), folder))]
    return []


def _problems(message: str) -> list[Problem]:
    """A DataFormatError's problems: one per line after a count line ``N problems in ...``, else the whole message."""
    lines = message.splitlines()
    items = lines[1:] if len(lines) > 1 and _COUNT.match(lines[0]) else [message]
    problems = []
    for item in items:
        rest = _SOURCE.sub("", item, count=1)  # "model.yaml: " or "model: "
        place, sep, text = rest.partition(": ")
        if sep and place and " " not in place:
            problems.append(_problem([place], text))
        else:
            problems.append(_problem([], rest))
    return problems


def _problem(place: list[str], message: str) -> Problem:
    return {"location": ["model", *place], "message": message, "type": "invalid_model"}


def _file_problem(place: list[str], message: str) -> Problem:
    return {"location": ["files", *place], "message": message, "type": "invalid_model"}
