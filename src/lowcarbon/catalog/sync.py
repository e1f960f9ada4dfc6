"""Certificates this platform issues, in the catalog at once: issuing, changing the models of, suspending,
reinstating, revoking or withdrawing a certificate updates its products in the catalog in the same transaction
(``certify.certificates.on_change``); expiry needs no write, as the catalog reads it from the validity date.

Each model a certificate names is one product, registry id ``NUMBER/MODEL``, brand the holder's name, label the
scheme, category the application's, footprint and declared unit as the certificate declares them (for schemes that
declare one). A model no longer named (after a change of models) leaves the catalog.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lowcarbon.catalog import categories, fulltext
from lowcarbon.catalog.tables import Change, Product
from lowcarbon.certify import certificates
from lowcarbon.certify.tables import Certificate
from lowcarbon.storage import serialize

__all__ = ["from_certificate", "listen", "record_changes"]


def listen() -> None:
    """Keep the catalog current with the certificates this platform issues."""
    certificates.on_change(from_certificate)


def record_changes(session: Session, product_ids: list[int]) -> None:
    """Tell every server's search columns that ``product_ids`` changed (under the catalog's lock: commit order)."""
    session.add_all(Change(product_id=product) for product in product_ids)
    session.flush()


def _wanted(certificate: Certificate, content: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    wanted: dict[str, dict[str, Any]] = {}
    for product in content.get("products", []):
        footprint = product.get("footprint") or {}
        for model in product.get("models", []):
            wanted[f"{certificate.number}/{model}"[:128]] = {
                "brand": str(content.get("holder") or certificate.holder)[:200],
                "model": str(model)[:200],
                "name_zh": product.get("name_zh"),
                "name_en": product.get("name"),
                "category_code": str(content["category"]["code"])[:64],
                "label": certificate.scheme,
                "certificate_number": certificate.number,
                "certificate_status": certificate.status,
                "valid_until": certificate.valid_until,
                "certification_body": str(content.get("body", {}).get("name") or "")[:200] or None,
                "region": None,
                "footprint": footprint.get("value"),
                "declared_unit": footprint.get("declared_unit"),
                "specs": {},
                "source": "platform",
                "fingerprint": "",
            }
    return wanted


def from_certificate(session: Session, certificate: Certificate, content: Mapping[str, Any]) -> None:
    """Bring the catalog's products of ``certificate`` to what it now says."""
    serialize(session, "catalog:changes")
    wanted = _wanted(certificate, content)
    existing = {
        p.registry_id: p
        for p in session.scalars(
            sa.select(Product).where(Product.certificate_number == certificate.number, Product.source == "platform")
        )
    }
    categories.add_missing(session, {v["category_code"] for v in wanted.values()})
    names = categories.search_names(session)
    now = datetime.now(UTC)
    touched: list[int] = []
    for registry_id, gone in existing.items():
        if registry_id not in wanted:
            touched.append(gone.id)
            session.delete(gone)
    kept: list[Product] = []
    # New products take the ids after the largest, as the importer gives them (it writes ids itself, so on
    # PostgreSQL the table's sequence lags behind them); under the catalog's lock, no one else takes them meanwhile.
    following = int(session.scalar(sa.select(sa.func.max(Product.id))) or 0) + 1
    for registry_id, values in wanted.items():
        product = existing.get(registry_id)
        if product is None:
            product = Product(id=following, registry_id=registry_id)
            following += 1
        for name, value in values.items():
            setattr(product, name, value)
        product.updated_at = now
        session.add(product)
        kept.append(product)
    session.flush()
    touched += [product.id for product in kept]
    fulltext.remove(session, touched)
    fulltext.write(session, [fulltext.document(product.id, product, names) for product in kept])
    record_changes(session, touched)
