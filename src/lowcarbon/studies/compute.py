"""A study's model as a file, its validation, and the job that computes it: plain values in and out, no database.

The model is kept exactly as given: YAML or JSON text, or an Excel workbook's bytes in base64. To read or compute it,
it is written to a temporary file of the format's suffix and handed to ``lowcarbon.footprint`` as the CLI would hand
a file, so a study's result equals ``lowcarbon footprint`` on the same file. A stored model cannot bring files along,
so ``factor_files`` are refused, and a ``pcr`` must be one that ships with lowcarbon.
"""

from __future__ import annotations

import base64
import binascii
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from lowcarbon.errors import DataFormatError
from lowcarbon.footprint import ProductModel, compute, load_model
from lowcarbon.footprint.excel import load_excel_model
from lowcarbon.footprint.pcr import shipped_pcrs

__all__ = ["MAX_MODEL_CHARS", "Problem", "compute_study", "model_file", "model_problems"]

MAX_MODEL_CHARS = 5_000_000  # a large Excel model is a few hundred kB in base64
Problem = dict[str, Any]  # {"location": [...], "message": ..., "type": ...}, as the platform's error details
_COUNT = re.compile(r"\d+ problems? in ")
_SOURCE = re.compile(r"^model(\.\w+)?: ")


@contextmanager
def model_file(text: str, model_format: str) -> Iterator[Path]:
    """The model written to a temporary ``model.<format>`` file, removed afterwards; DataFormatError if undecodable."""
    if model_format == "xlsx":
        try:
            content = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise DataFormatError("model: an Excel model is sent as its file's bytes in base64") from None
    else:
        content = text.encode("utf-8")
    with tempfile.TemporaryDirectory(prefix="lowcarbon-study-") as folder:
        path = Path(folder) / f"model.{model_format}"
        path.write_bytes(content)
        yield path


def model_problems(text: str, model_format: str) -> list[Problem]:
    """Every problem of the model, each with its place; an empty list when it can be computed."""
    if len(text) > MAX_MODEL_CHARS:
        return [_problem([], f"the model has {len(text):,} characters; at most {MAX_MODEL_CHARS:,} are accepted")]
    try:
        with model_file(text, model_format) as path:
            try:
                model = _read(path, model_format)
            except DataFormatError as exc:
                return _problems(str(exc).replace(str(path), path.name))
    except DataFormatError as exc:
        return _problems(str(exc))
    problems = [
        _problem(["factor_files"], "a model sent to the platform cannot refer to files; put its factors in the model")
        for _ in model.factor_files[:1]
    ]
    if model.pcr and model.pcr not in shipped_pcrs():
        shipped = ", ".join(shipped_pcrs())
        problems.append(_problem(["pcr"], f"{model.pcr!r} is not a PCR that ships with lowcarbon ({shipped})"))
    return problems


def compute_study(payload: dict[str, Any]) -> dict[str, Any]:
    """The job: ``{"model_text", "model_format"}`` -> ``{"total", "result"}`` (``Footprint.to_dict()``)."""
    with model_file(payload["model_text"], payload["model_format"]) as path:
        footprint = compute(path)
    return {"total": footprint.total, "result": footprint.to_dict()}


def _read(path: Path, model_format: str) -> ProductModel:
    if model_format == "xlsx":
        return load_excel_model(path)[0]
    return load_model(path)


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
