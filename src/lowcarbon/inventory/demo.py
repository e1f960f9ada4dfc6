"""The inventory's demo data for ``lowcarbon serve --demo``: a manufacturer's GHG inventories of 2022 and 2023 for
its two sites, from the worked example (``examples/two-site-inventory``), under the demo manufacturer's name.

The 2023 inventory is the example as it is (plant B acquired on 1 July 2023, the base year 2022 restated); the 2022
inventory holds the example's records of 2022 but plant B's, which was not the company's then (its 2022 records
serve the 2023 inventory's restated base year). The 2023 inventory carries the example's reduction targets and
actions (illustrative), tracked from the restated base year 2022 to 2023; the 2022 inventory sets none. Seeding
again adds nothing.

Once the inventories are there (``seed_engagements``, which signs and so needs the bodies' master secret), the demo
certification body verifies the 2023 inventory (reasonable assurance, two records sampled, one misstatement found and
corrected, an unmodified opinion, the signed statement) and evaluates the manufacturer's carbon management system
against the shipped requirement set (a self-assessment, the body's scores, one gap with its corrective action, the
signed certificate). The materiality (5 %), the misstatement's amount and every score are the demo's
illustrations, not sourced values; the people who make each move are the demo's verifier and reviewer, so the
separation of duties holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
import yaml
from sqlalchemy.orm import Session

from lowcarbon.certify.parties import Actor
from lowcarbon.footprint.demo import example_file
from lowcarbon.inventory import cms, engagements, evaluating, service, verifying
from lowcarbon.inventory.tables import ActivityRow, EngagementRow, InventoryRow
from lowcarbon.ports import Ports

__all__ = ["ORGANISATION", "describe", "inventory_names", "seed", "seed_engagements", "statement_number"]

ORGANISATION = "Sunrise PV Co."  # the demo manufacturer whose inventories these are
AUTHOR = "engineer@sunrise-pv.example"
BODY = "Greenmark Certification Ltd."  # the demo's certification body, its verifier and its reviewer
VERIFIER, REVIEWER = "verifier@greenmark-cert.example", "reviewer@greenmark-cert.example"
VERIFIED = f"{ORGANISATION} 2023"
REQUIREMENTS = "lowcarbon-illustrative-1"
EXAMPLE = "two-site-inventory"


def _example() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(example_file(EXAMPLE, f"{EXAMPLE}.yaml", "inventory.yaml"))
    data["organisation"] = {**data["organisation"], "name": ORGANISATION, "name_zh": "日升光伏有限公司"}
    return data


def _documents() -> dict[str, dict[str, Any]]:
    """The demo's inventories by name."""
    reported = _example()
    earlier = {**_example(), "reporting_year": 2022, "allocations": [], "targets": [], "reduction_actions": []}
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
    """What ``serve --demo`` prints of the demo's inventories: each with its total, and the signed statements."""
    organisation_id = organisations.get(ORGANISATION)
    if organisation_id is None:
        return []
    lines = ["  GHG inventories (open /inventory):"]
    for summary in service.list_inventories(session, organisation_id=organisation_id):
        total = "not computed" if summary.total is None else f"{summary.total:,.1f} t CO2e"
        lines.append(f"    {summary.name} ({ORGANISATION}): {total}")
    for kind in engagements.KINDS:
        for found in engagements.list_engagements(session, organisation_id, kind):
            if found["statement"]:
                lines.append(f"    {kind} by {found['body']['name']}: /inventory/statements/{found['statement']}")
    return lines


def _actors(organisations: Mapping[str, int], users: Mapping[str, int]) -> dict[str, Actor]:
    return {
        "organisation": Actor(organisations[ORGANISATION], users[AUTHOR], "editor"),
        "verifier": Actor(organisations[BODY], users[VERIFIER], "editor"),
        "reviewer": Actor(organisations[BODY], users[REVIEWER], "editor"),
    }


def _started(session: Session, organisation_id: int, kind: str) -> bool:
    query = sa.select(EngagementRow.id).where(
        EngagementRow.organisation_id == organisation_id, EngagementRow.kind == kind
    )
    return session.scalar(query) is not None


def seed_engagements(
    session: Session,
    ports: Ports,
    organisations: Mapping[str, int],
    users: Mapping[str, int],
    *,
    master: bytes,
    base_url: str,
) -> None:
    """The 2023 inventory verified and the CMS evaluated by the demo body, each with its signed document, once."""
    people = _actors(organisations, users)
    signing = {"master": master, "base_url": base_url}
    if not _started(session, organisations[ORGANISATION], verifying.KIND):
        _verify(session, ports, people, organisations, signing)
    if not _started(session, organisations[ORGANISATION], evaluating.KIND):
        _evaluate(session, ports, people, organisations, signing)


def _verify(
    session: Session, ports: Ports, people: Mapping[str, Actor], organisations: Mapping[str, int], signing: Any
) -> None:
    owner, verifier, reviewer = people["organisation"], people["verifier"], people["reviewer"]
    inventory = session.scalar(
        sa.select(InventoryRow.id).where(
            InventoryRow.organisation_id == owner.organisation_id, InventoryRow.name == VERIFIED
        )
    )
    assert inventory is not None, "seed adds the inventories first"
    case = verifying.request_verification(session, ports, owner, inventory_id=inventory, body_id=organisations[BODY])
    kind, case_id = verifying.VERIFICATION, case["id"]
    terms = {"assurance": "reasonable", "materiality_percent": 5}  # the demo's choice (illustrative)
    engagements.move(session, ports, verifier, kind, case_id, "accept", terms, **signing)
    records = session.scalars(
        sa.select(ActivityRow).where(ActivityRow.inventory_id == inventory).order_by(ActivityRow.id).limit(2)
    )
    for record in records:
        verifying.add_sample(
            session,
            ports,
            verifier,
            case_id,
            activity_id=record.id,
            evidence=f"{record.site} {record.period}: invoices and meter readings seen on site (demo)",
        )
    finding = verifying.add_finding(
        session,
        ports,
        verifier,
        case_id,
        kind="misstatement",
        text="A diesel delivery note was entered twice (demo illustration)",
        amount_t=0.5,  # illustrative
    )
    verifying.correct_finding(
        session, ports, verifier, case_id, finding["id"], correction="The duplicate entry was removed (demo)"
    )
    conclusion = {
        "opinion": "positive",
        "basis": "Sampled records agree with their evidence; the one misstatement "
        "found was corrected (demo illustration).",
    }
    engagements.move(session, ports, verifier, kind, case_id, "conclude", conclusion, **signing)
    engagements.move(session, ports, reviewer, kind, case_id, "issue", {}, **signing)


def _evaluate(
    session: Session, ports: Ports, people: Mapping[str, Actor], organisations: Mapping[str, int], signing: Any
) -> None:
    owner, verifier, reviewer = people["organisation"], people["verifier"], people["reviewer"]
    ids = cms.load_requirements(REQUIREMENTS).requirement_ids()
    own = {rid: 3 for rid in ids} | {"suppliers.1": 2}  # illustrative scores
    scored = {rid: 3 for rid in ids} | {"suppliers.1": 1, "audit.2": 4}  # illustrative scores
    case = evaluating.start_evaluation(
        session, ports, owner, body_id=organisations[BODY], requirement_set_name=REQUIREMENTS
    )
    kind, case_id = evaluating.EVALUATION, case["id"]
    engagements.move(session, ports, owner, kind, case_id, "submit", {"scores": own}, **signing)
    engagements.move(session, ports, verifier, kind, case_id, "accept", {}, **signing)
    evidence = {rid: "Documents and records seen on site (demo)" for rid in ids}
    engagements.move(
        session, ports, verifier, kind, case_id, "evaluate", {"scores": scored, "evidence": evidence}, **signing
    )
    action = "Ask the ten largest suppliers for their product footprints by the next evaluation (demo)"
    evaluating.set_actions(session, ports, owner, case_id, {"suppliers.1": action})
    engagements.move(session, ports, reviewer, kind, case_id, "certify", {}, **signing)


def statement_number(session: Session, organisations: Mapping[str, int | None]) -> str | None:
    """The number of the demo's signed verification statement, once seeded."""
    organisation_id = organisations.get(ORGANISATION)
    if organisation_id is None:
        return None
    found = engagements.list_engagements(session, organisation_id, verifying.KIND)
    return next((str(item["statement"]) for item in found if item["statement"]), None)
