"""The PACT domain's demo data: every demo study published as a PACT footprint, each product's later version
deprecating the earlier (precedingPfIds), as its organisation states it in ``data/demo.yaml``.

``seed`` runs once the demo's studies are computed (``lowcarbon.demo`` calls it in a transaction after the one that
computes them) and publishes the computed studies not published yet, oldest first; running it again publishes
nothing. ``describe`` is what ``serve --demo`` prints of them.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any

import sqlalchemy as sa
import yaml
from sqlalchemy.orm import Session

from lowcarbon.footprint import service as footprints
from lowcarbon.pact.mapping import Publication
from lowcarbon.pact.publishing import publish_study, published_from
from lowcarbon.pact.tables import PublishedFootprint
from lowcarbon.ports import Ports

__all__ = ["DemoPublication", "describe", "plans", "seed"]

_MAX_STUDIES = 100  # a demo product has a few versions


@dataclass(frozen=True)
class DemoPublication:
    """What a demo organisation states when it publishes a demo product's studies (``data/demo.yaml``)."""

    organisation: str
    product: str
    company_ids: tuple[str, ...]
    product_ids: tuple[str, ...]
    description: str
    reference_period: tuple[date, date]
    fossil_carbon_content: float
    biogenic_carbon_content: float | None
    country: str | None = None
    classifications: tuple[str, ...] = ()
    declared_unit: tuple[str, str] | None = None
    product_mass_kg: float | None = None


def plans() -> tuple[DemoPublication, ...]:
    """The demo's publications, as ``data/demo.yaml`` gives them."""
    text = resources.files("lowcarbon.pact").joinpath("data", "demo.yaml").read_text(encoding="utf-8")
    return tuple(_plan(entry) for entry in yaml.safe_load(text)["publications"])


def _plan(entry: Mapping[str, Any]) -> DemoPublication:
    start, end = entry["reference_period"]
    unit = entry.get("declared_unit")
    return DemoPublication(
        organisation=entry["organisation"],
        product=entry["product"],
        company_ids=tuple(entry["company_ids"]),
        product_ids=tuple(entry["product_ids"]),
        description=entry["description"],
        reference_period=(start, end),
        fossil_carbon_content=float(entry["fossil_carbon_content"]),
        biogenic_carbon_content=(
            float(entry["biogenic_carbon_content"]) if entry.get("biogenic_carbon_content") is not None else None
        ),
        country=entry.get("country"),
        classifications=tuple(entry.get("classifications", ())),
        declared_unit=(str(unit[0]), str(unit[1])) if unit else None,
        product_mass_kg=entry.get("product_mass_kg"),
    )


def seed(session: Session, ports: Ports, organisations: Mapping[str, int]) -> None:
    """Publish the demo products' computed studies that are not published yet, each version after the one before."""
    for plan in plans():
        organisation_id = organisations[plan.organisation]
        products = footprints.list_products(session, organisation_id=organisation_id, limit=_MAX_STUDIES)
        for product in (product for product in products if product.name == plan.product):
            studies = footprints.list_studies(
                session, ports.jobs, organisation_id=organisation_id, product_id=product.id, limit=_MAX_STUDIES
            )
            preceding: str | None = None
            for study in sorted(studies, key=lambda study: study.version):
                published = published_from(session, study.id)
                if published is None and study.status == "done":
                    publication = _publication(plan, preceding, ports)
                    published = publish_study(
                        session,
                        ports.audit,
                        ports.jobs,
                        organisation_id=organisation_id,
                        study_id=study.id,
                        publication=publication,
                        now=ports.clock(),
                    )
                preceding = published.pf_id if published is not None else preceding


def _publication(plan: DemoPublication, preceding: str | None, ports: Ports) -> Publication:
    return Publication(
        id=str(uuid.uuid4()),
        created=ports.clock(),
        company_name=plan.organisation,
        company_ids=plan.company_ids,
        product_ids=plan.product_ids,
        product_name=plan.product,
        reference_period=plan.reference_period,
        product_description=plan.description,
        classifications=plan.classifications,
        country=plan.country,
        declared_unit=plan.declared_unit,
        product_mass_kg=plan.product_mass_kg,
        preceding_ids=(preceding,) if preceding else (),
        fossil_carbon_content=plan.fossil_carbon_content,
        biogenic_carbon_content=plan.biogenic_carbon_content,
        comment="lowcarbon demo data: an illustrative footprint, not a supplier's declaration",
    )


def describe(session: Session, organisations: Mapping[str, int | None]) -> list[str]:
    """What ``serve --demo`` prints of the demo's PACT footprints: each organisation's, oldest first, by status."""
    lines = ["  PACT footprints published (GET /3/footprints on the PACT host, for each organisation's customers):"]
    for name, organisation_id in organisations.items():
        query = sa.select(PublishedFootprint).where(PublishedFootprint.organisation_id == organisation_id)
        rows = list(session.scalars(query.order_by(PublishedFootprint.id)))
        if rows:
            product = rows[-1].document.get("productNameCompany", "")
            footprints_text = ", ".join(f"{row.pf_id} {row.status}" for row in rows)
            lines.append(f"    {product} ({name}): {footprints_text}")
    return lines
