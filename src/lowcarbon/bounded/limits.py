"""The limits on what a file from outside may hold, the ones in force, and reading a file's bytes within them.

Each limit has a name (``max_rows``), the platform's setting of the same name (``LOWCARBON_MAX_ROWS``), a default
that a real product model and a 1,000,000-row catalog import fit in, and an error code that names it
(``max_rows_exceeded``). ``active()`` gives the limits in force in this process: the defaults, or the
``LOWCARBON_<NAME>`` environment variables when set (so the CLI honours them too), or what ``configure`` set (the
platform does, from its settings, in the web process and in each job worker).

    read_path(path, "max_model_bytes")     # bytes of a file, no more than the limit (413 / exit 1 past it)
    exceeded("max_rows", source, "sheet bom has more than 1,100,000 rows")   # the error past a limit
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

from lowcarbon.errors import DataFormatError, LimitExceeded

__all__ = ["LIMITS", "SIZES", "Limits", "active", "configure", "exceeded", "read_path"]

MiB = 1024 * 1024

LIMITS: dict[str, str] = {  # each limit's name -> what it bounds, as the settings table shows it
    "max_file_bytes": "Bytes of a file read from outside (an upload, an import; an archive as packed).",
    "max_model_bytes": "Bytes of a product model file (YAML, JSON or Excel).",
    "max_member_bytes": "Bytes of one member of an archive (a sheet of a workbook, a file of a zip) unpacked.",
    "max_unpacked_bytes": "Bytes of all members of one archive together, unpacked.",
    "max_compression_ratio": "Ratio of unpacked to packed size of an archive member larger than 1 MiB unpacked.",
    "max_archive_members": "Members (files) of one archive.",
    "max_rows": "Rows of one table: a CSV file or a sheet of a workbook (factor files, catalog imports).",
    "max_model_rows": "Rows of one sheet of a product model's workbook.",
    "max_columns": "Columns of one row of a table.",
    "max_cell_chars": "Characters of one cell of a table (Excel's own limit).",
    "max_shared_strings": "Distinct texts of one workbook, which are held in memory while it is read.",
    "max_shared_strings_bytes": "Bytes of those texts as the workbook stores them (`xl/sharedStrings.xml`).",
    "max_nesting_depth": "Levels of nesting of a JSON or YAML document or request body.",
    "max_number_digits": "Digits of a number in a JSON or YAML document.",
    "max_document_nodes": "Values of one YAML document, counted with its aliases expanded.",
}


@dataclass(frozen=True)
class Limits:
    """What a file from outside may hold; see ``LIMITS`` for what each bounds."""

    max_file_bytes: int = 512 * MiB
    max_model_bytes: int = 5_000_000
    max_member_bytes: int = 512 * MiB
    max_unpacked_bytes: int = 2048 * MiB
    max_compression_ratio: int = 100
    max_archive_members: int = 100_000
    max_rows: int = 1_100_000
    max_model_rows: int = 20_000
    max_columns: int = 1_000
    max_cell_chars: int = 32_767
    max_shared_strings: int = 2_000_000
    max_shared_strings_bytes: int = 64 * MiB
    max_nesting_depth: int = 64
    max_number_digits: int = 100
    max_document_nodes: int = 1_000_000

    def __post_init__(self) -> None:
        for field in fields(self):
            if getattr(self, field.name) < 1:
                raise ValueError(f"{field.name} is at least 1")

    @classmethod
    def from_environ(cls) -> Limits:
        """The defaults, each replaced by its ``LOWCARBON_<NAME>`` environment variable when that is set."""
        given: dict[str, int] = {}
        for name in LIMITS:
            text = os.environ.get(f"LOWCARBON_{name.upper()}", "").strip()
            if text:
                if not text.isdigit() or len(text) > 18:
                    raise ValueError(f"LOWCARBON_{name.upper()} is a whole number of at most 18 digits, not {text!r}")
                given[name] = int(text)
        return cls(**given)


SIZES = frozenset(  # the limits on sizes, answered 413 Content Too Large; the rest (counts, depths) 400
    {
        "max_file_bytes",
        "max_model_bytes",
        "max_member_bytes",
        "max_unpacked_bytes",
        "max_compression_ratio",
        "max_shared_strings_bytes",
    }
)
_active: Limits | None = None


def active() -> Limits:
    """The limits in force in this process."""
    global _active
    if _active is None:
        _active = Limits.from_environ()
    return _active


def configure(limits: Limits) -> Limits:
    """Put ``limits`` in force in this process; returns those that were."""
    global _active
    previous, _active = active(), limits
    return previous


def exceeded(limit: str, source: str, what: str, *, place: str = "") -> LimitExceeded:
    """The error of ``source`` past the limit ``limit`` (a name of ``LIMITS``): ``what`` says what it has."""
    value = getattr(active(), limit)
    status = 413 if limit in SIZES else 400
    return LimitExceeded(limit, source, f"{what}: past the limit {limit} ({value:,})", place=place, status=status)


def read_path(path: str | Path, limit: str = "max_file_bytes") -> bytes:
    """The bytes of the file at ``path``, read no further than one byte past the limit ``limit``; LimitExceeded
    past it, DataFormatError when there is no such file or it cannot be read."""
    location = Path(path)
    bound = getattr(active(), limit)
    try:
        with location.open("rb") as file:
            data = file.read(bound + 1)
    except FileNotFoundError:
        raise DataFormatError.at(str(location), "no such file", id="no_file") from None
    except IsADirectoryError:
        raise DataFormatError.at(str(location), "is a directory: give a file in it", id="directory") from None
    except OSError as exc:
        raise DataFormatError.at(str(location), f"cannot be read ({exc.strerror or exc})", id="unreadable") from None
    if len(data) > bound:
        raise exceeded(limit, str(location), f"the file has more than {bound:,} bytes")
    return data
