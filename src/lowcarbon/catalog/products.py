"""One product model as a person looks it up: its values, its certificate's status today, where it stands in its
category (percentile, best 10 %), and the category's average and best footprint on the same declared unit."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import Session

from lowcarbon.catalog import index
from lowcarbon.catalog.search import category_figures, item, standing
from lowcarbon.catalog.tables import Category, Product
from lowcarbon.errors import NotFound

__all__ = ["product_detail", "products_detail"]


def products_detail(session: Session, registry_ids: list[str], day: date) -> list[dict[str, Any]]:
    """The products ``registry_ids`` in that order; NotFound naming those the catalog lacks."""
    rows = {p.registry_id: p for p in session.scalars(sa.select(Product).where(Product.registry_id.in_(registry_ids)))}
    missing = [r for r in registry_ids if r not in rows]
    if missing:
        raise NotFound(f"no product in the catalog has the registry id {', '.join(missing)}")
    snapshot = index.current(session)
    codes = {row.category_code for row in rows.values()}
    categories = {c.code: c for c in session.scalars(sa.select(Category).where(Category.code.in_(codes)))}
    found = []
    for registry_id in registry_ids:
        row = rows[registry_id]
        found_at = snapshot.positions(np.array([row.id], dtype=np.int64))
        at = int(found_at[0]) if found_at.size else None  # None: added since the snapshot was read
        status = snapshot.effective_status(at, day) if at is not None else row.certificate_status
        detail = item(
            row, categories.get(row.category_code), status, standing(snapshot, at, day) if at is not None else None
        )
        detail["category_footprint"] = category_figures(snapshot, row.category_code, row.declared_unit, day)
        found.append(detail)
    return found


def product_detail(session: Session, registry_id: str, day: date) -> dict[str, Any]:
    """The product ``registry_id``; NotFound when the catalog lacks it."""
    return products_detail(session, [registry_id], day)[0]
