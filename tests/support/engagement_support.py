"""Support for the tests of an inventory's verification and a carbon management system's evaluation: certification's
world (``certify_support``: the manufacturer Acme Textiles, the body Greenmark Cert with a verifier, a reviewer and
a decider, viewers, a stranger and another body), with Acme's worked-example inventory stored, and helpers that walk
the two machines of ``lowcarbon/inventory/data/workflow.json`` over HTTP as the certification tests walk theirs."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lowcarbon.certify import workflow
from lowcarbon.certify.parties import Actor
from lowcarbon.inventory import cms, evaluating, verifying
from lowcarbon.platform.database import create_engine, session_factory
from lowcarbon.platform.settings import Settings
from lowcarbon.platform.tables import User
from lowcarbon.ports import Ports
from support.certify_support import World
from support.inventory_support import example_data

PACKAGE = "lowcarbon.inventory"
VERIFICATION = workflow.machine("verification", PACKAGE)
EVALUATION = workflow.machine("evaluation", PACKAGE)
MACHINES = {"verification": VERIFICATION, "evaluation": EVALUATION}
KINDS = {"verification": verifying.VERIFICATION, "evaluation": evaluating.EVALUATION}
URLS = {"verification": "/api/inventory/verifications", "evaluation": "/api/inventory/evaluations"}
# who of the body makes each move along a path: the verifier, unless someone else must (separation of duties)
MAKERS = {"issue": "reviewer", "return_to_verification": "reviewer", "certify": "reviewer"}
MAKERS |= {"return_to_evaluation": "reviewer"}
REQUIREMENTS = cms.load_requirements("lowcarbon-illustrative-1").requirement_ids()
TOP = dict.fromkeys(REQUIREMENTS, 4)  # every requirement at the top of the scale: no gap
_names = itertools.count(1)


def maker(kind: str, move: str) -> str:
    transition = MACHINES[kind].transition(move)
    assert transition is not None, move
    return "applicant" if transition.by == "applicant" else MAKERS.get(move, "verifier")


def move_data(kind: str, move: str, scores: dict[str, int] | None = None) -> dict[str, Any]:
    """What a move's request carries in these tests (its workflow ``needs``)."""
    data: dict[str, Any] = {"move": move}
    transition = MACHINES[kind].transition(move)
    if transition is not None and "note" in transition.needs:
        data["note"] = "理由 reason"
    if kind == "verification" and move == "accept":
        data |= {"assurance": "reasonable", "materiality_percent": 5}
    if move == "conclude":
        data |= {"opinion": "positive", "basis": "Sampled records agree with the bills."}
    if move in ("submit", "evaluate"):
        data["scores"] = scores or TOP
    if move == "evaluate":
        data["evidence"] = {rid: f"evidence for {rid}" for rid in data["scores"]}
    return data


def add_inventory(world: World, name: str = "Acme 2023") -> int:
    """Acme's worked-example inventory, stored and computed; its id."""
    data = json.loads(json.dumps(example_data(), default=str))
    response = world.call("applicant", "POST", "/api/inventory", json={"name": name, "inventory": data})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def first_activity(world: World, inventory_id: int) -> int:
    response = world.call("applicant", "GET", f"/api/inventory/{inventory_id}/activities")
    assert response.status_code == 200, response.text
    return int(response.json()[0]["id"])


def start(world: World, kind: str) -> tuple[int, int]:
    """A new engagement of Acme with Greenmark Cert (a verification: of a new inventory, which one verification at
    a time may verify); its id, and the id of an activity record of its inventory (0 for an evaluation)."""
    body: dict[str, Any] = {"body_id": world.organisations["Greenmark Cert"]}
    activity = 0
    if kind == "verification":
        body["inventory_id"] = add_inventory(world, f"Acme 2023 #{next(_names)}")
        activity = first_activity(world, body["inventory_id"])
    else:
        body["requirement_set"] = "lowcarbon-illustrative-1"
    response = world.call("applicant", "POST", URLS[kind], json=body)
    assert response.status_code == 201, response.text
    return int(response.json()["id"]), activity


def sample(world: World, engagement_id: int, activity_id: int, **extra: Any) -> Any:
    body = {"activity_id": activity_id, "evidence": "国网电费单 State Grid bills, 2023", **extra}
    return world.call("verifier", "POST", f"/api/inventory/verifications/{engagement_id}/samples", json=body)


def move(world: World, kind: str, caller: str, engagement_id: int, name: str, expect: int = 200, **extra: Any) -> Any:
    data = move_data(kind, name) | extra
    response = world.call(caller, "POST", f"{URLS[kind]}/{engagement_id}/moves", json=data)
    assert response.status_code == expect, response.text
    return response.json()


def bring(world: World, kind: str, engagement_id: int, target: str, activity_id: int) -> dict[str, str]:
    """Move the engagement along the shortest path to ``target`` (a verification sampled before it concludes);
    who made each move."""
    made: dict[str, str] = {}
    for transition in MACHINES[kind].path_to(target):
        if transition.name == "conclude":
            assert sample(world, engagement_id, activity_id).status_code == 201
        caller = maker(kind, transition.name)
        move(world, kind, caller, engagement_id, transition.name)
        made[transition.name] = caller
    return made


# --- through the service, for the access rules' world ------------------------------------------------------------


@contextmanager
def _service(settings: Settings) -> Iterator[tuple[Session, Ports]]:
    from lowcarbon.certify.parties import NoJobs
    from lowcarbon.platform.audit import AuditTrail
    from lowcarbon.platform.clock import system_clock

    engine = create_engine(settings)
    try:
        with session_factory(engine, write=True).begin() as session:
            yield session, Ports(AuditTrail(session, "test"), NoJobs(), system_clock)
    finally:
        engine.dispose()


def _staff(session: Session, body_id: int, email: str) -> Actor:
    user = session.scalar(sa.select(User).where(User.email == email, User.organisation_id == body_id))
    assert user is not None, email
    return Actor(body_id, user.id, user.role)


def disposable_engagement(settings: Settings, kind: str, owner_id: int, editor_id: int, body_id: int) -> int:
    """A new engagement of the owner with the body, just started (a verification: of a new inventory); its id."""
    from lowcarbon.inventory import service
    from lowcarbon.platform.clock import system_clock

    owner = Actor(owner_id, editor_id, "editor")
    with _service(settings) as (session, ports):
        if kind == "evaluation":
            view = evaluating.start_evaluation(
                session, ports, owner, body_id=body_id, requirement_set_name="lowcarbon-illustrative-1"
            )
            return int(view["id"])
        inventory = service.create_inventory(
            session,
            ports.audit,
            system_clock,
            organisation_id=owner_id,
            created_by=editor_id,
            name=f"Verified {next(_names)}",
            inventory=service.parse(json.loads(json.dumps(example_data(), default=str))),
        )
        view = verifying.request_verification(session, ports, owner, inventory_id=inventory.id, body_id=body_id)
        return int(view["id"])


def seed_engagements(settings: Settings, owner_id: int, editor_id: int, body_id: int) -> dict[str, Any]:
    """Through the service, with certification's body (``seed_cases``: its verifier and reviewer): a verification
    at work (a sample with a file, an open finding), an issued one (its statement's number), and an evaluation in
    review with gaps; their ids."""
    from lowcarbon.inventory import engagements, verifying
    from lowcarbon.inventory.tables import ActivityRow, EngagementRow

    master = settings.ensure_secret_key().encode("utf-8")
    owner = Actor(owner_id, editor_id, "editor")
    at_work = disposable_engagement(settings, "verification", owner_id, editor_id, body_id)
    issued = disposable_engagement(settings, "verification", owner_id, editor_id, body_id)
    evaluation = disposable_engagement(settings, "evaluation", owner_id, editor_id, body_id)
    made: dict[str, Any] = {"verification_id": at_work, "evaluation_id": evaluation}
    with _service(settings) as (session, ports):
        staff = {role: _staff(session, body_id, f"{role}@greenmark.example") for role in ("verifier", "reviewer")}
        signing = {"master": master, "base_url": "http://testserver"}

        def walk(engagement: int, kind: str, target: str, scores: dict[str, int] | None = None) -> None:
            for transition in MACHINES[kind].path_to(target):
                who = owner if transition.by == "applicant" else staff[MAKERS.get(transition.name, "verifier")]
                data = move_data(kind, transition.name, scores)
                if transition.name == "conclude":  # on a record sampled
                    row = session.get(EngagementRow, engagement)
                    assert row is not None
                    activity = session.scalar(
                        sa.select(ActivityRow.id).where(ActivityRow.inventory_id == row.inventory_id).limit(1)
                    )
                    assert activity is not None
                    verifying.add_sample(
                        session, ports, staff["verifier"], engagement, activity_id=activity, evidence="bills"
                    )
                engagements.move(session, ports, who, KINDS[kind], engagement, transition.name, data, **signing)

        walk(at_work, "verification", "verification")
        row = session.get(EngagementRow, at_work)
        assert row is not None and row.inventory_id is not None
        activity = session.scalar(sa.select(ActivityRow.id).where(ActivityRow.inventory_id == row.inventory_id))
        assert activity is not None
        made["sample_id"] = verifying.add_sample(
            session,
            ports,
            staff["verifier"],
            at_work,
            activity_id=activity,
            evidence="bills",
            document=("bills.pdf", b"%PDF-1.4"),
        )["id"]
        made["verification_finding_id"] = verifying.add_finding(
            session, ports, staff["verifier"], at_work, kind="misstatement", text="double counted", amount_t=1.5
        )["id"]
        walk(issued, "verification", "issued")
        made["statement"] = verifying.verification_view(session, owner, issued)["statement"]
        walk(evaluation, "evaluation", "review", {**TOP, "audit.1": 1})  # one gap
    return made
