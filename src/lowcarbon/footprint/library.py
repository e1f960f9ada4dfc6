"""The organisation's own factor library: factor files uploaded once, each a factor set every study of the
organisation can link (``factor: <set>/<id>``) without naming the file in ``factor_files``.

A file (CSV or Excel, as ``lowcarbon factors template`` writes it) is checked whole when it is added: every problem
of every row at once (400 ``invalid_factor_file``), each gas known to a GWP set. Its factor set is the file's name
without its ending unless given, and is refused (409) when a shipped set or another of the organisation's has it.
The file is kept byte for byte (``stored.kept_content``). A study copies the files whose sets its model links when
it is stored (``linked_files``, called by ``service.create_study``), so deleting or replacing a library file
changes what later studies use, never what a stored one was computed from.

Functions take the caller's session and the ports they need and do not commit, as ``service`` does; a file of
another organisation is reported as not existing (NotFound). ``organisation_library`` is the shipped sets with the
organisation's, for the factor browser and ``GET /api/factors``; a file's factors are parsed once per process and
kept by its digest (``_parsed``).
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lowcarbon.errors import (
    MAX_PROBLEMS,
    Conflict,
    DataFormatError,
    Detail,
    InvalidInput,
    LimitExceeded,
    LowcarbonError,
    NotFound,
    PayloadTooLarge,
)
from lowcarbon.factors import Factor, FactorLibrary, default_library, load_set, shipped_sets
from lowcarbon.factors.table_format import read_factor_bytes
from lowcarbon.footprint import schemas
from lowcarbon.footprint.stored import MAX_FILE_CHARS, Encoding, LibrarySet, kept_bytes, kept_content
from lowcarbon.footprint.tables import LibraryFile, StudyLibraryFile
from lowcarbon.ports import AuditLog, Clock
from lowcarbon.storage import snapshot
from lowcarbon.text import check_text

__all__ = [
    "MAX_LIBRARY_FILES",
    "SUFFIXES",
    "InvalidFactorFile",
    "LinkedFile",
    "add_file",
    "check_file",
    "delete_file",
    "file_state",
    "get_file",
    "get_file_bytes",
    "linked_files",
    "list_files",
    "organisation_library",
    "own_sets",
    "set_problem",
]

MAX_LIBRARY_FILES = 100  # files of one organisation's library
SUFFIXES = (".csv", ".xlsx")
RESERVED_SETS = ("model",)  # a model's own factors (its biogenic carbon uptake) are keyed model/<id>
_SET = re.compile(schemas.FACTOR_SET_PATTERN)


class InvalidFactorFile(InvalidInput):
    """A factor file cannot join the library; ``details`` lists every problem with its row and column."""

    code = "invalid_factor_file"


def set_problem(factor_set: str) -> str | None:
    """Why ``factor_set`` cannot name a factor set of the library, or None."""
    if not _SET.fullmatch(factor_set):
        return (
            f"a factor set's name has 1 to 100 characters without spaces, / or \\ (a factor's key is <set>/<id>), "
            f"not {factor_set!r}"
        )
    return None


def check_file(name: str, data: bytes, factor_set: str) -> list[Factor]:
    """The factors of the file ``name``: every row read and each gas given a GWP (IPCC AR6); else
    InvalidFactorFile listing every problem (the first ``MAX_PROBLEMS``, then how many more)."""
    try:
        factors = read_factor_bytes(data, name, factor_set)
    except LimitExceeded:
        raise
    except DataFormatError as exc:
        found = [_problem(problem.message, problem.place) for problem in exc.problems]
        raise _invalid(name, found or [_problem(str(exc))], max(exc.count, len(found), 1)) from None
    gwp = load_set("AR6")
    problems = []
    for factor in factors:
        try:
            gwp.co2e(factor)
        except LowcarbonError as exc:
            problems.append(_problem(exc.reason, f"factor {factor.id}"))
    if problems:
        raise _invalid(name, problems[:MAX_PROBLEMS], len(problems))
    return factors


def _problem(message: str, place: str = "") -> Detail:
    return {"location": ["file", place] if place else ["file"], "message": message, "type": "invalid_factor_file"}


def _invalid(name: str, problems: list[Detail], count: int) -> InvalidFactorFile:
    if count > len(problems):
        more = count - len(problems)
        message = f"{more:,} more problems are not listed; fix these and upload the file again"
        problems = [*problems, {**_problem(message), "type": "more_problems", "count": more}]
    listed = "; ".join(": ".join([*problem["location"][1:], problem["message"]]) for problem in problems)
    return InvalidFactorFile(f"{name}: {count} problem{'s' * (count > 1)}: {listed}", details=problems)


def add_file(
    session: Session,
    audit: AuditLog,
    clock: Clock,
    *,
    organisation_id: int,
    name: str,
    data: bytes,
    factor_set: str | None = None,
    user_id: int | None = None,
    client: tuple[int, str] | None = None,
) -> schemas.LibraryFile:
    """Check the factor file ``name`` (its bytes ``data``) and add it to the organisation's library as
    ``factor_set`` (when not given, the file's name without its ending, a dash for each run of spaces), and record
    it. Who adds it is a user
    (``user_id``) or a machine client (``client``: its row id and its client_id), exactly one."""
    if (user_id is None) == (client is None):
        raise ValueError("a library file is added by a user or by a machine client: give exactly one of the two")
    name = PurePosixPath(check_text(name, "name").replace("\\", "/")).name.strip()  # a browser may send a path
    if not 5 <= len(name) <= 255 or PurePosixPath(name).suffix.lower() not in SUFFIXES:
        raise InvalidInput(f"{name!r}: a factor file is CSV (.csv) or Excel (.xlsx), its name at most 255 characters")
    if factor_set is None or not factor_set.strip():  # the file's name, its spaces (a key has none) made dashes
        factor_set = re.sub(r"\s+", "-", PurePosixPath(name).stem)
    factor_set = factor_set.strip()
    why = set_problem(factor_set)
    if why is not None:
        raise InvalidInput(f"{why}; give the factor set another name, or rename the file")
    if factor_set in shipped_sets() or factor_set in RESERVED_SETS:
        raise Conflict(f"factor set {factor_set!r} ships with lowcarbon; give yours another name")
    if factor_set in own_sets(session, organisation_id=organisation_id):
        raise Conflict(f"your library has a factor set {factor_set!r} already; delete that file first, or rename")
    held = session.scalar(sa.select(sa.func.count()).where(LibraryFile.organisation_id == organisation_id))
    if (held or 0) >= MAX_LIBRARY_FILES:
        raise Conflict(f"your library holds {MAX_LIBRARY_FILES} factor files, as many as it takes; delete one first")
    content, encoding = kept_content(name, data)
    if len(content) > MAX_FILE_CHARS:
        raise PayloadTooLarge(
            f"{name} takes {len(content):,} characters to keep; a factor file takes at most {MAX_FILE_CHARS:,}"
        )
    factors = check_file(name, data, factor_set)
    row = LibraryFile(
        organisation_id=organisation_id,
        factor_set=factor_set,
        name=name,
        content=content,
        encoding=encoding,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        factors=len(factors),
        created_by=user_id,
        created_by_client=client[0] if client is not None else None,
        client_name=client[1] if client is not None else None,
        created_at=clock(),
    )
    session.add(row)
    try:
        session.flush()
    except IntegrityError:  # added by a concurrent request since the check
        raise Conflict(f"your library has a factor set {factor_set!r} already") from None
    audit.record("create", "library_file", row.id, None, file_state(row))
    return _summary(row)


def file_state(row: LibraryFile) -> dict[str, Any]:
    """What the audit trail records of a library file: its fields but its content, whose digest is one of them."""
    return snapshot(row, hidden=("content",))


def list_files(
    session: Session, *, organisation_id: int, limit: int, after: int | None = None
) -> list[schemas.LibraryFile]:
    """Up to ``limit`` of the organisation's library files, newest first, those older than file ``after``."""
    query = sa.select(LibraryFile).where(LibraryFile.organisation_id == organisation_id)
    if after is not None:
        query = query.where(LibraryFile.id < after)
    return [_summary(row) for row in session.scalars(query.order_by(LibraryFile.id.desc()).limit(limit))]


def get_file(session: Session, *, organisation_id: int, file_id: int) -> schemas.LibraryFile:
    """The organisation's library file ``file_id``; NotFound when it has none by that id."""
    return _summary(_own_file(session, organisation_id, file_id))


def get_file_bytes(session: Session, *, organisation_id: int, file_id: int) -> tuple[str, bytes]:
    """The name and bytes of the organisation's library file ``file_id``, exactly as uploaded."""
    row = _own_file(session, organisation_id, file_id)
    return row.name, kept_bytes(row.content, row.encoding)


def delete_file(session: Session, audit: AuditLog, *, organisation_id: int, file_id: int) -> None:
    """Take the file out of the organisation's library, and record it; the studies that keep a copy keep it."""
    row = _own_file(session, organisation_id, file_id)
    before = file_state(row)
    session.execute(  # as the foreign key's ON DELETE SET NULL does, on SQLite without its pragma too
        sa.update(StudyLibraryFile).where(StudyLibraryFile.library_file_id == row.id).values(library_file_id=None)
    )
    session.delete(row)
    session.flush()
    audit.record("delete", "library_file", file_id, before, None)


def own_sets(session: Session, *, organisation_id: int) -> list[str]:
    """The factor sets of the organisation's library, by name."""
    query = sa.select(LibraryFile.factor_set).where(LibraryFile.organisation_id == organisation_id)
    return sorted(session.scalars(query))


@dataclass(frozen=True)
class LinkedFile:
    """A library file whose set a model links, as a study keeps a copy of it."""

    id: int
    kept: LibrarySet
    sha256: str
    size: int


def linked_files(session: Session, *, organisation_id: int, sets: Sequence[str]) -> list[LinkedFile]:
    """The organisation's library files of ``sets`` (those it has), in the order of ``sets``."""
    if not sets:
        return []
    rows = session.scalars(
        sa.select(LibraryFile).where(LibraryFile.organisation_id == organisation_id, LibraryFile.factor_set.in_(sets))
    )
    found = {row.factor_set: row for row in rows}
    return [
        LinkedFile(
            row.id,
            LibrarySet(factor_set=row.factor_set, name=row.name, content=row.content, encoding=_encoding(row.encoding)),
            row.sha256,
            row.size,
        )
        for name in sets
        if (row := found.get(name)) is not None
    ]


def organisation_library(session: Session, *, organisation_id: int) -> tuple[FactorLibrary, list[str]]:
    """The shipped factor sets and the organisation's, and the names of the organisation's."""
    library = default_library()
    rows = session.execute(
        sa.select(LibraryFile.id, LibraryFile.name, LibraryFile.factor_set, LibraryFile.sha256)
        .where(LibraryFile.organisation_id == organisation_id)
        .order_by(LibraryFile.factor_set)
    ).all()
    for file_id, name, factor_set, digest in rows:
        library.add(_parsed(session, file_id, name, factor_set, digest))
    return library, [factor_set for _, _, factor_set, _ in rows]


_CACHE: OrderedDict[tuple[str, str, str], tuple[Factor, ...]] = OrderedDict()
_CACHE_SIZE = 64  # files' factors kept in memory, the least recently used dropped first
_CACHE_LOCK = threading.Lock()


def _parsed(session: Session, file_id: int, name: str, factor_set: str, digest: str) -> tuple[Factor, ...]:
    """A library file's factors: parsed once per process (it was checked when added), then kept by its digest."""
    key = (digest, name, factor_set)
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    content, encoding = session.execute(
        sa.select(LibraryFile.content, LibraryFile.encoding).where(LibraryFile.id == file_id)
    ).one()
    factors = tuple(read_factor_bytes(kept_bytes(content, encoding), name, factor_set))
    with _CACHE_LOCK:
        _CACHE[key] = factors
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return factors


def _own_file(session: Session, organisation_id: int, file_id: int) -> LibraryFile:
    row = session.get(LibraryFile, file_id)
    if row is None or row.organisation_id != organisation_id:
        raise NotFound(f"your organisation's library has no factor file {file_id}")
    return row


def _encoding(value: str) -> Encoding:
    return cast(Encoding, value)  # the table's check keeps it text or base64


def _summary(row: LibraryFile) -> schemas.LibraryFile:
    return schemas.LibraryFile(
        id=row.id,
        factor_set=row.factor_set,
        name=row.name,
        size=row.size,
        sha256=row.sha256,
        factors=row.factors,
        created_by=row.created_by,
        created_by_client=row.client_name,
        created_at=row.created_at,
    )
