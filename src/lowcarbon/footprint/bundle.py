"""A model bundle: a product model's file and the factor files it names, as values in memory.

    bundle = ModelBundle(content=b"product: ...", format="yaml", files={"factors.csv": b"id,name,..."})
    bundle = ModelBundle.from_path("examples/cotton-tshirt/model.yaml")   # the file; its factor files stay on disk

What a footprint is computed from, wherever the model came from: a file on disk (the CLI), an upload or a database
row (the platform). A bundle read from a path keeps the path's ``folder``, from which the factor files and a PCR
file it names are read; a bundle made from values has no folder and carries its factor files itself, each under the
name the model gives it (CSV or Excel).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Literal, get_args

from lowcarbon.bounded import read_path
from lowcarbon.errors import DataFormatError

__all__ = ["FACTOR_SUFFIXES", "FORMATS", "ModelBundle", "ModelFormat", "model_format_of"]

ModelFormat = Literal["yaml", "json", "xlsx"]
FORMATS: tuple[ModelFormat, ...] = get_args(ModelFormat)
FACTOR_SUFFIXES = (".csv", ".xlsx")  # the factor files a bundle carries in memory
_SUFFIXES: dict[str, ModelFormat] = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".xlsx": "xlsx", ".xlsm": "xlsx"}


def model_format_of(name: str) -> ModelFormat | None:
    """The model format a file's name tells (``.yaml``, ``.yml``, ``.json``, ``.xlsx``), or None."""
    return _SUFFIXES.get(PurePosixPath(name).suffix.lower())


@dataclass(frozen=True)
class ModelBundle:
    """A model file's bytes, its format, and the factor files it names (name -> bytes)."""

    content: bytes
    format: ModelFormat
    files: Mapping[str, bytes] = field(default_factory=dict)
    name: str = ""  # how messages name the model file; "model.<format>" when not given
    folder: Path | None = None  # where named files not in ``files`` are read from (a model read from disk)

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise DataFormatError(f"{self.source}: a model is YAML, JSON or Excel, not {self.format!r}")

    @property
    def source(self) -> str:
        """The model file's name in messages."""
        return self.name or f"model.{self.format}"

    @classmethod
    def from_path(cls, path: str | Path) -> ModelBundle:
        """The model file at ``path`` (at most ``max_model_bytes``); the factor files it names are read from its
        folder when computed."""
        location = Path(path)
        content = read_path(location, "max_model_bytes")
        model_format = model_format_of(location.name) or "yaml"
        return cls(content, model_format, name=str(location), folder=location.parent)
