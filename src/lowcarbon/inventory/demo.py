"""The inventory's demo data for ``lowcarbon serve --demo``: a manufacturer's GHG inventories of 2022 and 2023 for
its two sites, from the worked example (``examples/two-site-inventory``), under the demo manufacturer's name.

The 2023 inventory is the example as it is (plant B acquired on 1 July 2023, the base year 2022 restated); the 2022
inventory holds the example's records of 2022 but plant B's, which was not the company's then (its 2022 records
serve the 2023 inventory's restated base year). Seeding again adds nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
import yaml
from sqlalchemy.orm import Session

from lowcarbon.footprint.demo import example_file
from lowcarbon.inventory import service
from lowcarbon.inventory.tables import InventoryRow
from lowcarbon.ports import Ports

__all__ = ["ORGANISATION", "describe", "inventory_names", "seed"]

ORGANISATION = "Sunrise PV Co."  # the demo manufacturer whose inventories these are
AUTHOR = "engineer@sunrise-pv.example"
EXAMPLE = "two-site-inventory"


def _example() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(example_file(EXAMPLE, f"{EXAMPLE}.yaml", "inventory.yaml"))
    data["organisation"] = {**data["organisation"], "name": ORGANISATION, "name_zh": "日升光伏有限公司"}
    return data


def _documents() -> dict[str, dict[str, Any]]:
    """The demo's inventories by name."""
    reported = _example()
    earlier = {**_example(), "reporting_year": 2022, "allocations": []}
    earlier["activities"] = [
        record
        for record in earlier["activities"]
        if str(record.get("year") or record.get("month", ""))[:4] == "2022" and record["site"] != "plant-b"
    ]
    return {f"{ORGANISATION} 2022": earlier, f"{ORGANISATION} 2023": reported}


def inventory_names() -> tuple[str, ...]:
    return tuple(_documents())


def seed(session: Session, ports: Ports, organisations: Mapping[str, int], users: Mapping[str, int]) -> None:
    """Add the demo's inventories that are not there yet."""
    organisation_id = organisations[ORGANISATION]
    for name, data in _documents().items():
        query = sa.select(InventoryRow.id).where(
            InventoryRow.organisation_id == organisation_id, InventoryRow.name == name
        )
        if session.scalar(query) is not None:
            continue
        service.create_inventory(
            session,
            ports.audit,
            ports.clock,
            organisation_id=organisation_id,
            created_by=users.get(AUTHOR),
            name=name,
            inventory=service.parse(data),
        )


def describe(session: Session, organisations: Mapping[str, int | None]) -> list[str]:
    """What ``serve --demo`` prints of the demo's inventories: each with its total."""
    organisation_id = organisations.get(ORGANISATION)
    if organisation_id is None:
        return []
    lines = ["  GHG inventories (open /inventory):"]
    for summary in service.list_inventories(session, organisation_id=organisation_id):
        total = "not computed" if summary.total is None else f"{summary.total:,.1f} t CO2e"
        lines.append(f"    {summary.name} ({ORGANISATION}): {total}")
    return lines
