"""The client's side: an organisation's suppliers, the footprints fetched from them, and those footprints as the
factor set ``pact`` of its product models (primary data).

A supplier is its PACT host's base URL and the client credentials the supplier gave the organisation
(``add_supplier``). Its footprints are read with ``client.PactClient`` (discovery, token, every page, each
validated; outside any transaction, as ``lowcarbon pact fetch`` does) and ``store`` keeps each as it came, by its
id, per organisation (``pact_supplier_footprints``; a footprint seen again is replaced, so a later Deprecated status
is kept); the footprints of a RequestFulfilled event an organisation receives are stored the same way
(``service.receive_event``).

A stored footprint is the factor ``pact/<pfId>`` (``mapping.to_factor``: per one declared unit, kg CO2e carried as
CO2 by origin, and its ``primaryDataShare`` / 100 as the factor's primary data share, which the footprint counts as
primary data). ``factor_file`` writes them all as one factor file in the factor template (``factors.table_format``),
``pact.csv``: beside a model (``factor_files: [pact.csv]``) for ``lowcarbon footprint``, and in the organisation's
factor library (``sync_library``, which replaces the library's ``pact`` set), where every study of the
organisation links it by ``pact/<pfId>`` and keeps a copy of it, as with any library file.

Limits of the factor file: a factor carries one value per gas and origin, so a supplier's biogenic emissions and
its biogenic uptake are written as their sum (``kg_CO2_biogenic``); the totals are unchanged.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.orm import Session

from lowcarbon.errors import Conflict, DataFormatError, InvalidInput, NotFound
from lowcarbon.pact.answers import events_origin
from lowcarbon.pact.mapping import to_factor
from lowcarbon.pact.model import ProductFootprint
from lowcarbon.pact.tables import Supplier, SupplierFootprint
from lowcarbon.ports import AuditLog, Clock

__all__ = [
    "FACTOR_FILE",
    "FACTOR_SET",
    "add_supplier",
    "factor_file",
    "list_footprints",
    "list_suppliers",
    "store",
    "sync_library",
]

FACTOR_SET = "pact"
FACTOR_FILE = "pact.csv"
_COLUMNS = (
    "id",
    "name",
    "unit",
    "geography",
    "year",
    "category",
    "boundary",
    "kg_CO2_fossil",
    "kg_CO2_biogenic",
    "kg_CO2_land_use_change",
    "source",
    "dqr_technological",
    "dqr_temporal",
    "dqr_geographical",
    "primary_data_share",
    "notes",
)


def add_supplier(
    session: Session,
    audit: AuditLog,
    *,
    organisation_id: int,
    name: str,
    base_url: str,
    client_id: str,
    client_secret: str,
    now: datetime,
) -> Supplier:
    """Record a supplier's PACT host and the credentials it gave the organisation."""
    name = name.strip()
    if not name or len(name) > 200 or not client_id.strip() or not client_secret:
        raise InvalidInput("give the supplier a name (1 to 200 characters) and the client id and secret it issued")
    taken = sa.select(Supplier.id).where(Supplier.organisation_id == organisation_id, Supplier.name == name)
    if session.scalar(taken) is not None:
        raise Conflict(f"your organisation has a supplier named {name!r} already")
    supplier = Supplier(
        organisation_id=organisation_id,
        name=name,
        base_url=events_origin(base_url),
        client_id=client_id.strip(),
        client_secret=client_secret,
        created_at=now,
    )
    session.add(supplier)
    session.flush()
    audit.record("create", "pact_supplier", supplier.id, None, {"name": name, "base_url": supplier.base_url})
    return supplier


def list_suppliers(session: Session, organisation_id: int) -> list[Supplier]:
    """The organisation's suppliers, by name."""
    query = sa.select(Supplier).where(Supplier.organisation_id == organisation_id).order_by(Supplier.name)
    return list(session.scalars(query))


def own_supplier(session: Session, organisation_id: int, supplier_id: int) -> Supplier:
    """The organisation's supplier ``supplier_id``; NotFound for another organisation's."""
    supplier = session.get(Supplier, supplier_id)
    if supplier is None or supplier.organisation_id != organisation_id:
        raise NotFound(f"your organisation has no PACT supplier {supplier_id}")
    return supplier


def store(
    session: Session,
    audit: AuditLog,
    *,
    organisation_id: int,
    footprints: Iterable[ProductFootprint],
    now: datetime,
    supplier_id: int | None = None,
) -> list[SupplierFootprint]:
    """Keep each footprint as the organisation's supplier footprint (replacing the one with its id)."""
    kept = []
    for footprint in footprints:
        pf_id = footprint.id.lower()
        row = session.scalar(
            sa.select(SupplierFootprint).where(
                SupplierFootprint.organisation_id == organisation_id, SupplierFootprint.pf_id == pf_id
            )
        )
        before = {"status": row.status} if row is not None else None
        if row is None:
            row = SupplierFootprint(organisation_id=organisation_id, pf_id=pf_id)
            session.add(row)
        row.supplier_id = supplier_id if supplier_id is not None else row.supplier_id
        row.status, row.document, row.fetched_at = footprint.status, footprint.to_json(), now
        session.flush()
        audit.record("store", "pact_supplier_footprint", row.id, before, {"pf_id": pf_id, "status": row.status})
        kept.append(row)
    return kept


def list_footprints(session: Session, organisation_id: int) -> list[SupplierFootprint]:
    """The organisation's supplier footprints, newest first."""
    query = (
        sa.select(SupplierFootprint)
        .where(SupplierFootprint.organisation_id == organisation_id)
        .order_by(SupplierFootprint.fetched_at.desc(), SupplierFootprint.id.desc())
    )
    return list(session.scalars(query))


def _number(value: float | None) -> str:
    return "" if value is None else repr(float(value))


def _row(document: dict[str, Any]) -> dict[str, str]:
    try:
        factor = to_factor(ProductFootprint.model_validate(document), factor_set=FACTOR_SET)
    except ValidationError as exc:
        raise DataFormatError(f"stored supplier footprint {document.get('id')} is not valid: {exc}") from None
    by_origin: dict[str, float] = {}
    for emission in factor.emissions:
        by_origin[emission.origin] = by_origin.get(emission.origin, 0.0) + emission.amount
    quality = factor.data_quality
    share = factor.primary_data_share
    return {
        "id": factor.id,
        "name": factor.name,
        "unit": factor.unit,
        "geography": factor.geography,
        "year": str(factor.year or ""),
        "category": factor.category,
        "boundary": factor.boundary,
        "kg_CO2_fossil": _number(by_origin.get("fossil")),
        "kg_CO2_biogenic": _number(by_origin.get("biogenic")),
        "kg_CO2_land_use_change": _number(by_origin.get("land_use_change")),
        "source": factor.source,
        "dqr_technological": _number(quality.technological),
        "dqr_temporal": _number(quality.temporal),
        "dqr_geographical": _number(quality.geographical),
        "primary_data_share": _number(share * 100 if share is not None else None),
        "notes": factor.notes,
    }


def factor_file(documents: Iterable[dict[str, Any]]) -> bytes:
    """The supplier footprints as one factor file (CSV, UTF-8) of the set ``pact``: one factor per footprint."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for document in documents:
        writer.writerow(_row(document))
    return out.getvalue().encode("utf-8")


def sync_library(
    session: Session,
    audit: AuditLog,
    clock: Clock,
    *,
    organisation_id: int,
    user_id: int | None = None,
    client: tuple[int, str] | None = None,
) -> int:
    """Put the organisation's supplier footprints in its factor library as the set ``pact`` (replacing the one
    there): the factors ``pact/<pfId>`` of its studies. The number of factors; 0 leaves no set."""
    from lowcarbon.footprint import library
    from lowcarbon.footprint.tables import LibraryFile

    documents = [row.document for row in list_footprints(session, organisation_id)]
    old = session.scalar(
        sa.select(LibraryFile.id).where(
            LibraryFile.organisation_id == organisation_id, LibraryFile.factor_set == FACTOR_SET
        )
    )
    if old is not None:
        library.delete_file(session, audit, organisation_id=organisation_id, file_id=old)
    if documents:
        library.add_file(
            session,
            audit,
            clock,
            organisation_id=organisation_id,
            name=FACTOR_FILE,
            data=factor_file(documents),
            factor_set=FACTOR_SET,
            user_id=user_id,
            client=client,
        )
    return len(documents)
