"""A model file as uploaded: its format (named, or told by the file's name), its size limit, and its content as a
study keeps it (YAML or JSON text, or an Excel workbook's bytes in base64).

The limits follow from what a study stores, ``compute.MAX_MODEL_CHARS`` characters: a YAML or JSON file of at most
that many bytes (UTF-8 text has no more characters than bytes), an Excel workbook of at most three quarters of it
(base64 writes 3 bytes as 4 characters). A larger file is refused with 413 ``payload_too_large`` before anything is
stored, rather than accepted and then found too long.
"""

from __future__ import annotations

import base64
from pathlib import PurePath

from lowcarbon.platform.errors import InvalidInput, PayloadTooLarge
from lowcarbon.studies.compute import MAX_MODEL_CHARS
from lowcarbon.studies.model import ModelFormat

__all__ = ["MAX_UPLOAD", "SUFFIXES", "max_file_bytes", "model_format", "stored_model"]

SUFFIXES: dict[str, ModelFormat] = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".xlsx": "xlsx"}
MAX_UPLOAD = MAX_MODEL_CHARS + 64 * 1024  # bytes of a request: the largest model file and the form around it


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
