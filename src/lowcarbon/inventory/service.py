"""The inventory's use cases on the database: an organisation's inventories, their activity data by site and month,
an uploaded file (the Excel template or YAML), the result computed and kept.

Every function takes a session (the caller's transaction) and the ports it needs; none commits. The stored document
and records are turned back into the core's ``Inventory`` (``read.parse_inventory``) and computed by the core
(``compute.compute_inventory``) with the shipped factor library, so a stored inventory gives what
``lowcarbon inventory compute`` gives for the same file. Every change is checked as a whole file is, computed at
once (a change the core cannot compute is refused: 400 ``invalid_inventory`` with every problem, nothing stored),
and written to the audit trail. The reduction targets' yearly progress reads the organisation's other inventories of
earlier years as they were last computed: it is brought up to date when the inventory is computed again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lowcarbon.errors import Conflict, DataFormatError, InvalidInput, NotFound, Problem
from lowcarbon.inventory.activity_csv import checked, on_rows, read_activity_csv
from lowcarbon.inventory.compute import InventoryResult, compute_inventory
from lowcarbon.inventory.messages import chinese
from lowcarbon.inventory.model import Activity, Inventory
from lowcarbon.inventory.read import parse_inventory, read_inventory
from lowcarbon.inventory.tables import ActivityRow, InventoryRow
from lowcarbon.inventory.targets import YearFigures, figures_of
from lowcarbon.ports import AuditLog, Clock
from lowcarbon.storage import canonical_json, snapshot

__all__ = [
    "InvalidInventory",
    "StoredActivity",
    "Summary",
    "add_activity",
    "compute",
    "create_from_file",
    "create_inventory",
    "delete_activity",
    "get_inventory",
    "import_csv",
    "inventory_of",
    "list_activities",
    "list_inventories",
    "parse",
    "read_file",
    "replace_from_file",
    "result_of",
    "set_month",
]

SOURCE = "inventory"  # what problems of a stored inventory name as their file
MAX_NAME = 200


class InvalidInventory(InvalidInput):
    """The inventory (or the change to it) cannot be read or computed; ``details`` lists every problem, each with
    its place, its message id and parameters, and its Chinese."""

    code = "invalid_inventory"


@dataclass(frozen=True)
class Summary:
    """An inventory as lists show it."""

    id: int
    name: str
    organisation: str
    reporting_year: int
    approach: str
    gwp: str
    sites: list[str]
    activities: int
    total: float | None  # t CO2e; None before it is computed
    computed_at: datetime | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class StoredActivity:
    """An activity record with its row id."""

    id: int
    site: str
    period: str
    record: dict[str, Any]


def create_inventory(
    session: Session,
    audit: AuditLog,
    clock: Clock,
    *,
    organisation_id: int,
    created_by: int | None,
    name: str,
    inventory: Inventory,
) -> Summary:
    """Store ``inventory`` (its records as rows) under ``name``, unique in the organisation; computed at once."""
    name = _name(name)
    if session.scalar(
        sa.select(InventoryRow.id).where(InventoryRow.organisation_id == organisation_id, InventoryRow.name == name)
    ):
        raise Conflict(f"your organisation has an inventory named {name!r}; choose another name")
    _no_factor_files(inventory)
    now = clock()
    row = InventoryRow(
        organisation_id=organisation_id,
        name=name,
        created_by=created_by,
        created_at=now,
        updated_at=now,
        **_document_fields(inventory),
    )
    session.add(row)
    session.flush()
    _add_records(session, row, inventory.activities, now)
    _store_result(row, _computed(session, row, inventory), now)
    audit.record("create", "inventory", row.id, None, _state(session, row))
    return _summary(session, row)


def parse(data: Any) -> Inventory:
    """An inventory from the values of its file (as a JSON body gives them); every problem as ``InvalidInventory``."""
    try:
        return parse_inventory(data, SOURCE)
    except DataFormatError as exc:
        raise _invalid(exc, "the inventory") from None


def read_file(content: bytes, filename: str) -> Inventory:
    """An inventory from an uploaded file's bytes (YAML or the Excel template, told by its name); every problem as
    ``InvalidInventory``."""
    try:
        return read_inventory(content, filename)
    except DataFormatError as exc:
        raise _invalid(exc, "the file") from None


def create_from_file(
    session: Session,
    audit: AuditLog,
    clock: Clock,
    *,
    organisation_id: int,
    created_by: int | None,
    content: bytes,
    filename: str,
    name: str = "",
) -> Summary:
    """Store the inventory of an uploaded file under ``name``, by default its organisation and reporting year."""
    inventory = read_file(content, filename)
    name = name.strip() or f"{inventory.organisation.name} {inventory.reporting_year}"
    return create_inventory(
        session, audit, clock, organisation_id=organisation_id, created_by=created_by, name=name, inventory=inventory
    )


def replace_from_file(
    session: Session, audit: AuditLog, clock: Clock, *, organisation_id: int, inventory_id: int, inventory: Inventory
) -> Summary:
    """Replace the inventory's document and every record of it with an uploaded file's."""
    row = _own(session, organisation_id, inventory_id)
    _no_factor_files(inventory)
    before = _state(session, row)
    result = _computed(session, row, inventory)
    now = clock()
    for field, value in _document_fields(inventory).items():
        setattr(row, field, value)
    session.execute(sa.delete(ActivityRow).where(ActivityRow.inventory_id == row.id))
    _add_records(session, row, inventory.activities, now)
    _store_result(row, result, now)
    audit.record("replace", "inventory", row.id, before, _state(session, row))
    return _summary(session, row)


def set_month(
    session: Session,
    audit: AuditLog,
    clock: Clock,
    *,
    organisation_id: int,
    inventory_id: int,
    site: str,
    month: str,
    records: list[dict[str, Any]],
) -> list[StoredActivity]:
    """Replace every record of ``site`` in ``month`` (YYYY-MM) with ``records`` (each without site and month, or
    with the same ones); an empty list removes that month's data."""
    row = _own(session, organisation_id, inventory_id)
    if site not in {str(s["id"]) for s in row.document["sites"]}:
        raise NotFound(f"inventory {inventory_id} has no site {site!r}")
    given = [{**record, "site": site, "month": month} for record in records]
    for record in given:
        record.pop("year", None)
    current = _rows(session, row.id)
    kept = [r for r in current if not (r.site == site and r.period == month)]
    before = _state(session, row)
    inventory = _checked(row, [r.record for r in kept] + given, first_new=len(kept))
    result = _computed(session, row, inventory, len(kept))
    now = clock()
    session.execute(
        sa.delete(ActivityRow).where(
            ActivityRow.inventory_id == row.id, ActivityRow.site == site, ActivityRow.period == month
        )
    )
    added = _add_records(session, row, inventory.activities[len(kept) :], now)
    _store_result(row, result, now)
    audit.record("set_month", "inventory", row.id, before, _state(session, row) | {"site": site, "month": month})
    return added


def add_activity(
    session: Session, audit: AuditLog, clock: Clock, *, organisation_id: int, inventory_id: int, record: dict[str, Any]
) -> StoredActivity:
    """Add one activity record (a month's or a year's) to the inventory."""
    row = _own(session, organisation_id, inventory_id)
    current = _rows(session, row.id)
    before = _state(session, row)
    inventory = _checked(row, [r.record for r in current] + [record], first_new=len(current))
    result = _computed(session, row, inventory, len(current))
    now = clock()
    (added,) = _add_records(session, row, inventory.activities[-1:], now)
    _store_result(row, result, now)
    audit.record("add_activity", "inventory", row.id, before, _state(session, row) | {"activity": added.id})
    return added


def import_csv(
    session: Session,
    audit: AuditLog,
    clock: Clock,
    *,
    organisation_id: int,
    inventory_id: int,
    content: bytes,
    filename: str,
) -> list[StoredActivity]:
    """Add the activity records of a CSV file (the template's activity columns, UTF-8 or GBK) to the inventory; a
    file with any bad row is refused whole (every problem on its row and column), nothing stored."""
    row = _own(session, organisation_id, inventory_id)
    try:
        records = read_activity_csv(content, filename)
    except DataFormatError as exc:
        raise _invalid(exc, "the file") from None
    current = _rows(session, row.id)
    before = _state(session, row)
    try:
        checked(records, [str(site["id"]) for site in row.document["sites"]])
        inventory = parse_inventory(
            {**row.document, "activities": [r.record for r in current] + list(records.records)}, SOURCE
        )
        result = compute_inventory(inventory, source=SOURCE, past=_past(session, row, inventory))
    except DataFormatError as exc:
        raise _invalid(on_rows(exc, len(current), records), "the file") from None
    now = clock()
    added = _add_records(session, row, inventory.activities[len(current) :], now)
    _store_result(row, result, now)
    audit.record(
        "import_csv", "inventory", row.id, before, _state(session, row) | {"file": filename, "added": len(added)}
    )
    return added


def delete_activity(
    session: Session, audit: AuditLog, clock: Clock, *, organisation_id: int, inventory_id: int, activity_id: int
) -> None:
    """Remove one activity record from the inventory."""
    row = _own(session, organisation_id, inventory_id)
    current = _rows(session, row.id)
    if activity_id not in {r.id for r in current}:
        raise NotFound(f"inventory {inventory_id} has no activity record {activity_id}")
    before = _state(session, row)
    inventory = _checked(row, [r.record for r in current if r.id != activity_id])
    result = _computed(session, row, inventory)
    session.execute(sa.delete(ActivityRow).where(ActivityRow.id == activity_id))
    _store_result(row, result, clock())
    audit.record("delete_activity", "inventory", row.id, before, _state(session, row) | {"activity": activity_id})


def compute(
    session: Session, audit: AuditLog, clock: Clock, *, organisation_id: int, inventory_id: int
) -> dict[str, Any]:
    """Compute the inventory again (with the factor library as it is now), keep and return the result."""
    row = _own(session, organisation_id, inventory_id)
    before = _state(session, row)
    inventory = inventory_of(session, organisation_id=organisation_id, inventory_id=row.id)
    _store_result(row, _computed(session, row, inventory), clock())
    audit.record("compute", "inventory", row.id, before, _state(session, row))
    return dict(row.result)


def list_inventories(session: Session, *, organisation_id: int) -> list[Summary]:
    """The organisation's inventories, newest reporting year first."""
    rows = session.scalars(
        sa.select(InventoryRow)
        .where(InventoryRow.organisation_id == organisation_id)
        .order_by(InventoryRow.reporting_year.desc(), InventoryRow.id.desc())
    )
    return [_summary(session, row) for row in rows]


def get_inventory(session: Session, *, organisation_id: int, inventory_id: int) -> tuple[Summary, dict[str, Any]]:
    """The inventory's summary and its document (the file's values without the activities)."""
    row = _own(session, organisation_id, inventory_id)
    return _summary(session, row), dict(row.document)


def list_activities(
    session: Session, *, organisation_id: int, inventory_id: int, site: str | None = None, period: str | None = None
) -> list[StoredActivity]:
    """The inventory's activity records in the order they were added, of one site and period when given."""
    row = _own(session, organisation_id, inventory_id)
    return [
        StoredActivity(r.id, r.site, r.period, dict(r.record))
        for r in _rows(session, row.id)
        if (site is None or r.site == site) and (period is None or r.period == period)
    ]


def inventory_of(session: Session, *, organisation_id: int, inventory_id: int) -> Inventory:
    """The stored inventory as the core's value: its document with its records."""
    row = _own(session, organisation_id, inventory_id)
    return _checked(row, [r.record for r in _rows(session, row.id)])


def result_of(
    session: Session, *, organisation_id: int, inventory_id: int
) -> tuple[Summary, Inventory, dict[str, Any]]:
    """The inventory's summary, its value and its kept result (``InventoryResult.to_dict()``); Conflict before it
    is computed."""
    row = _own(session, organisation_id, inventory_id)
    if row.result is None:
        raise Conflict(f"inventory {inventory_id} is not computed: POST /api/inventory/{inventory_id}/compute")
    inventory = _checked(row, [r.record for r in _rows(session, row.id)])
    return _summary(session, row), inventory, dict(row.result)


# --- the rows and the core's values ------------------------------------------------------------------------------


def _name(name: str) -> str:
    name = " ".join(name.split())
    if not name or len(name) > MAX_NAME:
        raise InvalidInput(f"an inventory's name has 1 to {MAX_NAME} characters")
    return name


def _no_factor_files(inventory: Inventory) -> None:
    if inventory.factor_files:
        raise InvalidInput(
            "a stored inventory links the shipped factor library only; remove factor_files "
            f"({', '.join(inventory.factor_files)}) and use factors of the library (`lowcarbon factors search`)"
        )


def _document_fields(inventory: Inventory) -> dict[str, Any]:
    document = inventory.model_dump(mode="json", exclude_none=True, exclude={"activities"})
    return {
        "document": document,
        "reporting_year": inventory.reporting_year,
        "approach": inventory.approach,
        "gwp": inventory.gwp,
    }


def _record(activity: Activity) -> dict[str, Any]:
    return activity.model_dump(mode="json", exclude_defaults=True)


def _add_records(session: Session, row: InventoryRow, records: list[Activity], now: datetime) -> list[StoredActivity]:
    added = [
        ActivityRow(inventory_id=row.id, site=a.site, period=a.month or str(a.year), record=_record(a), created_at=now)
        for a in records
    ]
    session.add_all(added)
    session.flush()
    return [StoredActivity(a.id, a.site, a.period, dict(a.record)) for a in added]


def _rows(session: Session, inventory_id: int) -> list[ActivityRow]:
    return list(session.scalars(sa.select(ActivityRow).where(ActivityRow.inventory_id == inventory_id).order_by("id")))


def _own(session: Session, organisation_id: int, inventory_id: int) -> InventoryRow:
    row = session.get(InventoryRow, inventory_id)
    if row is None or row.organisation_id != organisation_id:
        raise NotFound(f"your organisation has no inventory {inventory_id}")
    return row


def _checked(row: InventoryRow, records: list[dict[str, Any]], first_new: int | None = None) -> Inventory:
    """The document with ``records`` as the core's Inventory; a problem of a new record (from ``first_new`` on) is
    placed on it (``activities[0]`` of the change), of the stored ones as in a file."""
    try:
        return parse_inventory({**row.document, "activities": records}, SOURCE)
    except DataFormatError as exc:
        raise _invalid(exc, "the inventory", first_new) from None


def _computed(
    session: Session, row: InventoryRow, inventory: Inventory, first_new: int | None = None
) -> InventoryResult:
    try:
        return compute_inventory(inventory, source=SOURCE, past=_past(session, row, inventory))
    except DataFormatError as exc:
        raise _invalid(exc, "the inventory", first_new) from None


def _past(session: Session, row: InventoryRow, inventory: Inventory) -> list[YearFigures]:
    """Earlier years' figures for the targets' progress: the organisation's other computed inventories of years
    before this one's (of two of one year, the last changed)."""
    if not inventory.targets:
        return []
    query = (
        sa.select(InventoryRow.name, InventoryRow.reporting_year, InventoryRow.result)
        .where(
            InventoryRow.organisation_id == row.organisation_id,
            InventoryRow.id != row.id,
            InventoryRow.reporting_year < inventory.reporting_year,
            InventoryRow.total.is_not(None),
        )
        .order_by(InventoryRow.updated_at, InventoryRow.id)
    )
    found: dict[int, YearFigures] = {}
    for stored in session.execute(query):
        year = stored.reporting_year
        found[year] = figures_of(year, stored.result, stored.name)
    return list(found.values())


def _store_result(row: InventoryRow, result: InventoryResult, now: datetime) -> None:
    row.result = result.to_dict()
    row.total = result.total
    row.computed_at = now
    row.updated_at = now


def _invalid(error: DataFormatError, what: str, first_new: int | None = None) -> InvalidInventory:
    details = [_detail(problem, first_new) for problem in error.problems]
    listed = "; ".join(str(problem) for problem in error.problems)
    return InvalidInventory(f"{error.count} problem{'s' * (error.count > 1)} in {what}: {listed}", details=details)


def _detail(problem: Problem, first_new: int | None) -> dict[str, Any]:
    place = problem.place
    if first_new is not None and place.startswith("activities["):
        index = int(place[len("activities[") : place.index("]")])
        if index >= first_new:  # the caller's own record: numbered within the change
            place = f"records[{index - first_new}]{place[place.index(']') + 1 :]}"
    if place.startswith("row ") and problem.source not in ("", SOURCE):  # a row of an uploaded table: its file too
        place = f"{problem.source}, {place}"
    return {
        "location": ["inventory", *([place] if place else [])],
        "message": problem.message,
        "type": "invalid_inventory",
        "id": problem.id,
        "params": {str(k): str(v) for k, v in problem.params.items()},
        "message_zh": chinese(Problem(problem.message, "", "", problem.id, problem.params)),
    }


def _state(session: Session, row: InventoryRow) -> dict[str, Any]:
    """What the audit trail records of an inventory: its fields, of the document, records and result digests."""
    records = [r.record for r in _rows(session, row.id)]
    return snapshot(
        row,
        hidden=("document", "result"),
        document_sha256=_digest(row.document),
        records_sha256=_digest(records),
        records=len(records),
        result_sha256=_digest(row.result) if row.result is not None else None,
    )


def _digest(value: object) -> str:
    return hashlib.sha256(canonical_json(value).encode()).hexdigest()


def _summary(session: Session, row: InventoryRow) -> Summary:
    count = session.scalar(sa.select(sa.func.count()).where(ActivityRow.inventory_id == row.id)) or 0
    document = row.document
    return Summary(
        id=row.id,
        name=row.name,
        organisation=str(document["organisation"]["name"]),
        reporting_year=row.reporting_year,
        approach=row.approach,
        gwp=row.gwp,
        sites=[str(site["id"]) for site in document["sites"]],
        activities=count,
        total=row.total,
        computed_at=row.computed_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
