"""A model file and its factor files as uploaded: the model's format (named, or told by the file's name), the size
limits, and the contents as a study keeps them (text, or an Excel file's bytes in base64).

The limits follow from what a study stores, ``stored.MAX_MODEL_CHARS`` characters of model and
``stored.MAX_FILE_CHARS`` of each factor file: a YAML, JSON or CSV file of at most that many bytes (UTF-8 text has
no more characters than bytes), an Excel file of at most three quarters of it (base64 writes 3 bytes as 4
characters). A larger file is refused with 413 ``payload_too_large`` before anything is stored, rather than accepted
and then found too long. A whole upload is bounded by ``MAX_UPLOAD``: the largest model, factor files of at most
``stored.MAX_FILES_CHARS`` together, and the form around them. A file for the organisation's factor library comes
alone, within the limits of one factor file (``library_upload``, ``library_sent``).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from pathlib import PurePath, PurePosixPath

from starlette.datastructures import FormData, UploadFile

from lowcarbon.errors import DataFormatError, InvalidInput, PayloadTooLarge
from lowcarbon.footprint.schemas import FactorFileIn, LibraryFileIn, ModelFormat
from lowcarbon.footprint.stored import MAX_FILE_CHARS, MAX_FILES_CHARS, MAX_MODEL_CHARS, name_problem, stored_file

__all__ = [
    "FACTOR_FIELD",
    "MAX_LIBRARY_UPLOAD",
    "MAX_UPLOAD",
    "SUFFIXES",
    "library_sent",
    "library_upload",
    "max_factor_bytes",
    "max_file_bytes",
    "model_format",
    "sent_files",
    "stored_model",
    "uploaded_files",
    "uploaded_model",
]

SUFFIXES: dict[str, ModelFormat] = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".xlsx": "xlsx"}
MAX_UPLOAD = MAX_MODEL_CHARS + MAX_FILES_CHARS + 64 * 1024  # bytes of a request: model, factor files, the form
MAX_LIBRARY_UPLOAD = MAX_FILE_CHARS + 64 * 1024  # bytes of a request adding one file to the factor library
FACTOR_FIELD = "factor_file"  # the multipart field of each factor file, given as often as there are files


def max_file_bytes(model_format: ModelFormat) -> int:
    """The largest model file of ``model_format`` a study can keep, in bytes."""
    return MAX_MODEL_CHARS // 4 * 3 if model_format == "xlsx" else MAX_MODEL_CHARS


def model_format(filename: str | None, chosen: str | None) -> ModelFormat:
    """The model's format: ``chosen`` when given, else the one its file's name ends in; else InvalidInput."""
    if chosen:
        named = SUFFIXES.get(f".{chosen.strip().lower()}")
        if named is None:
            raise InvalidInput(f"format {chosen!r} is not a model format: give yaml, json or xlsx")
        return named
    suffix = PurePath(filename or "").suffix.lower()
    if suffix in SUFFIXES:
        return SUFFIXES[suffix]
    file = f"the file {filename!r}" if filename else "a file without a name"
    raise InvalidInput(
        f"cannot tell the format of {file}: name it .yaml, .yml, .json or .xlsx, or give the format field "
        "(yaml, json or xlsx)"
    )


def stored_model(filename: str | None, content: bytes, model_format: ModelFormat) -> str:
    """The file's content as a study keeps it: text, or for Excel its bytes in base64; 413 or 400 when it cannot be."""
    name = filename or "the model file"
    limit = max_file_bytes(model_format)
    if len(content) > limit:
        raise PayloadTooLarge(f"{name} has more than {limit:,} bytes; a {model_format} model file has at most that")
    if not content:
        raise InvalidInput(f"{name} is empty")
    if model_format == "xlsx":
        return base64.b64encode(content).decode("ascii")
    try:
        return content.decode("utf-8-sig")  # a byte order mark, as some editors write, is not part of the model
    except UnicodeDecodeError:
        raise InvalidInput(f"{name} is not UTF-8 text; save the model as UTF-8") from None


async def uploaded_model(upload: UploadFile, chosen: str | None) -> tuple[str, ModelFormat]:
    """The uploaded model file as a study keeps it, and its format (``chosen``, else told by the file's name); read
    no further than one byte past its format's limit."""
    kind = model_format(upload.filename, chosen)
    content = await upload.read(max_file_bytes(kind) + 1)
    return stored_model(upload.filename, content, kind), kind


def max_factor_bytes(name: str) -> int:
    """The largest factor file named ``name`` a study can keep, in bytes."""
    return MAX_FILE_CHARS // 4 * 3 if PurePosixPath(name).suffix.lower() == ".xlsx" else MAX_FILE_CHARS


async def uploaded_files(form: FormData) -> dict[str, str]:
    """The factor files of the form's ``factor_file`` fields, each under its file's name, as a study keeps them;
    413 for one larger than a study keeps, 400 for one that cannot be kept. A field without a file (a browser's empty
    file input) is no file."""
    files: list[tuple[str, bytes]] = []
    for upload in form.getlist(FACTOR_FIELD):
        if not isinstance(upload, UploadFile):
            raise InvalidInput(f"send each factor file as a file in the form field `{FACTOR_FIELD}`")
        if not upload.filename:
            continue
        limit = max_factor_bytes(upload.filename)
        content = await upload.read(limit + 1)
        if len(content) > limit:
            raise PayloadTooLarge(f"{upload.filename} has more than {limit:,} bytes; a factor file has at most that")
        files.append((upload.filename, content))
    return _stored(files)


async def library_upload(upload: UploadFile) -> tuple[str, bytes]:
    """An uploaded file for the factor library: its name and bytes, read no further than one byte past what one
    factor file may have (413 beyond it)."""
    name = upload.filename or ""
    if not name:
        raise InvalidInput("send the factor file, with its name, in the form field `file`")
    limit = max_factor_bytes(name)
    content = await upload.read(limit + 1)
    if len(content) > limit:
        raise PayloadTooLarge(f"{name} has more than {limit:,} bytes; a factor file has at most that")
    return name, content


def library_sent(file: LibraryFileIn) -> tuple[str, bytes]:
    """A file for the factor library sent in a JSON body: its name and bytes; 400 when they cannot be told."""
    return _decoded(file)


def _decoded(file: FactorFileIn | LibraryFileIn) -> tuple[str, bytes]:
    if file.encoding == "text":
        if PurePosixPath(file.name).suffix.lower() == ".xlsx":
            raise InvalidInput(f"{file.name}: an Excel file is sent as its bytes in base64 (encoding base64)")
        return file.name, file.content.encode("utf-8")
    try:
        return file.name, base64.b64decode(file.content, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput(f"{file.name}: its content is not valid base64") from None


def sent_files(files: Sequence[FactorFileIn]) -> dict[str, str]:
    """The factor files of a JSON body, as a study keeps them; 400 for one that cannot be kept."""
    return _stored([_decoded(file) for file in files])


def _stored(files: Sequence[tuple[str, bytes]]) -> dict[str, str]:
    """Name -> content as kept; InvalidInput listing every file whose name or content a study cannot keep."""
    stored: dict[str, str] = {}
    problems = []
    for name, content in files:
        problem = name_problem(name)
        if problem is None and name in stored:
            problem = "the file is sent twice"
        if problem is None:
            try:
                stored[name] = stored_file(name, content)
            except DataFormatError as exc:
                problem = str(exc)
        if problem is not None:
            problems.append({"location": ["files", name], "message": problem, "type": "invalid_input"})
    if problems:
        count = len(problems)
        listed = "; ".join(f"{p['location'][1]}: {p['message']}" for p in problems)
        raise InvalidInput(f"{count} factor file{'s' * (count > 1)} cannot be kept: {listed}", details=problems)
    return stored
