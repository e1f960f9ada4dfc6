"""Support for the certification tests: a world of a manufacturer, a certification body with separate verifier,
reviewer and decision-maker, a viewer on each side and a stranger, a computed T-shirt study, and a TestClient that
calls as any of them (each caller's session cookie and CSRF token, sent per request)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient

from lowcarbon.certify import workflow
from lowcarbon.platform import accounts
from lowcarbon.platform.app import create_app
from lowcarbon.platform.csrf import CSRF_HEADER, SESSION_COOKIE
from lowcarbon.platform.database import create_engine, session_factory
from lowcarbon.platform.migrate import upgrade
from lowcarbon.platform.settings import Settings
from support.auth_support import FakeClock
from support.backends import BACKENDS, postgresql_schema
from support.study_support import PASSWORD, TSHIRT_FACTORS, TSHIRT_MODEL

# caller -> (organisation, role)
CALLERS: Mapping[str, tuple[str, str]] = {
    "applicant": ("Acme Textiles", "editor"),
    "applicant_viewer": ("Acme Textiles", "viewer"),
    "verifier": ("Greenmark Cert", "editor"),
    "reviewer": ("Greenmark Cert", "editor"),
    "decider": ("Greenmark Cert", "admin"),
    "body_viewer": ("Greenmark Cert", "viewer"),
    "stranger": ("Rival Textiles", "editor"),
    "other_body": ("Bluesky Cert", "admin"),  # another certification body, a stranger to the applications here
}
KINDS = {
    "Acme Textiles": "manufacturer",
    "Greenmark Cert": "certification_body",
    "Rival Textiles": "manufacturer",
    "Bluesky Cert": "certification_body",
}
SIDE = {"Acme Textiles": "applicant", "Greenmark Cert": "body", "Rival Textiles": None, "Bluesky Cert": None}
# who makes each move on the way along a path: the body's verifier unless the move is a reviewer's or decider's
MAKERS = {"recommend": "reviewer", "return_to_verification": "reviewer", "grant": "decider", "refuse": "decider"}
CHECKLIST = {"energy": True, "substances": True, "recycling": True, "packaging": True, "samples": True}


def email(caller: str) -> str:
    return f"{caller}@{CALLERS[caller][0].lower().replace(' ', '-')}.example"


def expected_answer(
    machine: workflow.Machine, state: str, move: str, caller: str, made: Mapping[str, str]
) -> tuple[int, str | None]:
    """What ``caller`` is answered when making ``move`` in ``state`` of ``machine``, after the moves ``made`` (move
    -> who made it): 404 for a stranger, 409 when the move does not leave the state, 403 when it is the other
    party's or the caller a viewer, 403 when an earlier move of the caller bars it; else 200."""
    side = SIDE[CALLERS[caller][0]]
    if side is None:
        return 404, "not_found"
    transition = machine.transition(move)
    assert transition is not None
    if state not in transition.sources:
        return 409, "illegal_transition"
    if transition.by != side or CALLERS[caller][1] == "viewer":
        return 403, "not_your_move"
    if any(made.get(earlier) == caller for earlier in transition.not_by):
        return 403, "separation_of_duties"
    return 200, None


def move_data(move: str) -> dict[str, Any]:
    """What a move's request carries in these tests (its workflow ``needs``)."""
    data: dict[str, Any] = {"move": move}
    if move == "verify":
        data |= {"opinion": "positive", "materiality": 0.05, "data_sources_checked": True, "pcr_checked": True}
    if move == "complete_inspection":
        data["checklist"] = CHECKLIST
    if move == "surveil":
        data["outcome"] = "conforming"
    if move == "change_models":
        data["models"] = [["AT-100", "AT-101"]]
    for kind in (workflow.APPLICATION, workflow.CERTIFICATE):
        transition = workflow.machine(kind).transition(move)
        if transition is not None and "note" in transition.needs:
            data["note"] = "理由 reason"
    return data


@dataclass
class World:
    """The app, its clock, the organisations' ids, each caller's session, and the T-shirt study."""

    settings: Settings
    client: TestClient
    clock: FakeClock
    organisations: dict[str, int]
    sessions: dict[str, tuple[str, str]] = field(default_factory=dict)
    study_id: int = 0

    def log_in(self, caller: str) -> None:
        self.client.cookies.clear()
        response = self.client.post("/auth/login", json={"email": email(caller), "password": PASSWORD})
        assert response.status_code == 200, response.text
        self.sessions[caller] = (response.cookies[SESSION_COOKIE], response.json()["csrf_token"])
        self.client.cookies.clear()

    def call(self, caller: str | None, method: str, url: str, **kwargs: Any) -> Any:
        """A request as ``caller`` (None: no login)."""
        headers = dict(kwargs.pop("headers", {}))
        if caller is not None:
            token, csrf = self.sessions[caller]
            headers |= {"Cookie": f"{SESSION_COOKIE}={token}", CSRF_HEADER: csrf}
        self.client.cookies.clear()
        return self.client.request(method, url, headers=headers, **kwargs)

    def apply(self, scheme: str = "environmental-label", category: str = "textile-products") -> int:
        """A new application of the applicant for the T-shirt study; its id."""
        body = {
            "body_id": self.organisations["Greenmark Cert"],
            "scheme": scheme,
            "category": category,
            "studies": [{"study_id": self.study_id, "models": ["AT-100"]}],
            "producer": "Acme Textiles 工厂",
            "sites": ["Suzhou"],
            "scope": "Cotton T-shirts",
        }
        response = self.call("applicant", "POST", "/api/certify/applications", json=body)
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    def move(self, caller: str, application_id: int, move: str, expect: int = 200) -> Any:
        response = self.call(caller, "POST", f"/api/certify/applications/{application_id}/moves", json=move_data(move))
        assert response.status_code == expect, response.text
        return response.json()

    def bring(self, application_id: int, target: str) -> dict[str, str]:
        """Move the application along the shortest path to ``target``; who made each move."""
        made: dict[str, str] = {}
        for transition in workflow.machine(workflow.APPLICATION).path_to(target):
            caller = "applicant" if transition.by == "applicant" else MAKERS.get(transition.name, "verifier")
            self.move(caller, application_id, transition.name)
            made[transition.name] = caller
        return made

    def certificate(self, scheme: str = "environmental-label", category: str = "textile-products") -> str:
        """A new certificate (an application granted); its number."""
        application_id = self.apply(scheme, category)
        self.bring(application_id, "certified")
        view = self.call("applicant", "GET", f"/api/certify/applications/{application_id}").json()
        return str(view["certificate"])


def _seed(settings: Settings) -> dict[str, int]:
    engine = create_engine(settings)
    try:
        with session_factory(engine, write=True).begin() as session:
            ids = {
                name: accounts.create_organisation(session, name=name, kind=kind, actor="test").id
                for name, kind in KINDS.items()
            }
            for caller, (organisation, role) in CALLERS.items():
                accounts.create_user(
                    session,
                    email=email(caller),
                    organisation_id=ids[organisation],
                    role=role,
                    password=PASSWORD,
                    actor="test",
                )
            return ids
    finally:
        engine.dispose()


@contextmanager
def certify_world(settings: Settings) -> Iterator[World]:
    """The world on a migrated database of ``settings`` (jobs inline), every caller logged in."""
    organisations = _seed(settings)
    clock = FakeClock()
    with TestClient(create_app(settings.model_copy(update={"job_runner": "inline"}), clock=clock)) as client:
        world = World(settings, client, clock, organisations)
        for caller in CALLERS:
            world.log_in(caller)
        product = world.call("applicant", "POST", "/api/products", json={"name": "Cotton T-shirt"})
        assert product.status_code == 201, product.text
        files = [{"name": "factors.csv", "content": TSHIRT_FACTORS.read_text(encoding="utf-8")}]
        body = {"model": TSHIRT_MODEL.read_text(encoding="utf-8"), "files": files}
        study = world.call("applicant", "POST", f"/api/products/{product.json()['id']}/studies", json=body)
        assert study.status_code == 202, study.text
        world.study_id = int(study.json()["id"])
        yield world


@pytest.fixture(scope="module", params=BACKENDS)
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    data_dir = tmp_path_factory.mktemp(f"certify-{request.param}")
    with pytest.MonkeyPatch.context() as environment:
        environment.setenv("XDG_DATA_HOME", str(data_dir / "xdg"))
        if request.param == "sqlite":
            settings = Settings(data_dir=data_dir)
            upgrade(settings)
            with certify_world(settings) as made:
                yield made
        else:
            with postgresql_schema() as url:
                settings = Settings(data_dir=data_dir, database_url=url)
                upgrade(settings)
                with certify_world(settings) as made:
                    yield made


def seed_cases(settings: Settings, applicant_id: int, editor_id: int, study_id: int) -> dict[str, Any]:
    """Through the service: a certification body "Greenmark" (verifier, reviewer, decider), an application of the
    applicant in document review with a document and an open finding, and one granted; their ids and the
    certificate's number."""
    import sqlalchemy as sa

    from lowcarbon.certify import certificates, service
    from lowcarbon.certify.parties import Actor, NoJobs
    from lowcarbon.certify.tables import FrozenStudy
    from lowcarbon.platform.audit import AuditTrail
    from lowcarbon.platform.clock import system_clock
    from lowcarbon.ports import Ports

    master = settings.ensure_secret_key().encode("utf-8")
    engine = create_engine(settings)
    try:
        with session_factory(engine, write=True).begin() as session:
            ports = Ports(AuditTrail(session, "test"), NoJobs(), system_clock)
            body = accounts.create_organisation(session, name="Greenmark", kind="certification_body", actor="test")
            staff = {
                role: Actor(
                    body.id,
                    accounts.create_user(
                        session,
                        email=f"{role}@greenmark.example",
                        organisation_id=body.id,
                        role="admin" if role == "decider" else "editor",
                        password=PASSWORD,
                        actor="test",
                    ).id,
                    "admin" if role == "decider" else "editor",
                )
                for role in ("verifier", "reviewer", "decider")
            }
            applicant = Actor(applicant_id, editor_id, "editor")
            made: dict[str, Any] = {"body_id": body.id, "master": master}
            for key, target in (("application_id", "document_review"), ("granted_id", "certified")):
                view = service.create_application(
                    session,
                    ports,
                    applicant,
                    body_id=body.id,
                    scheme="carbon-footprint-label",
                    category="textiles",
                    studies=[{"study_id": study_id, "models": ["T-1"]}],
                    producer="Acme",
                    sites=["Suzhou"],
                    scope="T-shirts",
                )
                for move in workflow.machine(workflow.APPLICATION).path_to(target):
                    actor = applicant if move.by == "applicant" else staff[MAKERS.get(move.name, "verifier")]
                    service.move_application(
                        session,
                        ports,
                        actor,
                        view["id"],
                        move.name,
                        move_data(move.name),
                        master=master,
                        base_url="http://testserver",
                    )
                made[key] = view["id"]
            case = made["application_id"]
            made["document_id"] = service.add_document(
                session, ports, applicant, case, name="licence.pdf", media_type="application/pdf", content=b"%PDF"
            )["id"]
            made["finding_id"] = service.add_finding(
                session, ports, staff["verifier"], case, severity="minor", text="calibration"
            )["id"]
            made["frozen_id"] = session.scalar(sa.select(FrozenStudy.id).where(FrozenStudy.application_id == case))
            made["number"] = certificates.number_of_application(session, made["granted_id"])
            return made
    finally:
        engine.dispose()


def disposable_application(settings: Settings, applicant_id: int, editor_id: int, study_id: int, body_id: int) -> int:
    """A new submitted application of the applicant (for a request that withdraws it): its id."""
    from lowcarbon.certify import service
    from lowcarbon.certify.parties import Actor, NoJobs
    from lowcarbon.platform.audit import AuditTrail
    from lowcarbon.platform.clock import system_clock
    from lowcarbon.ports import Ports

    engine = create_engine(settings)
    try:
        with session_factory(engine, write=True).begin() as session:
            ports = Ports(AuditTrail(session, "test"), NoJobs(), system_clock)
            view = service.create_application(
                session,
                ports,
                Actor(applicant_id, editor_id, "editor"),
                body_id=body_id,
                scheme="carbon-footprint-label",
                category="textiles",
                studies=[{"study_id": study_id, "models": ["T-2"]}],
                producer="Acme",
                scope="T-shirts",
                sites=[],
            )
            return int(view["id"])
    finally:
        engine.dispose()


def seed_account(settings: Settings) -> dict[str, Any]:
    """A carbon-inclusive partner's person with 1,000 points and a reward of 1 point: the person's account link
    token and the reward's id."""
    from lowcarbon.inclusive import ledger, links, service
    from lowcarbon.inclusive.pages import register_partner
    from lowcarbon.inclusive.tables import Event
    from lowcarbon.platform.audit import AuditTrail
    from lowcarbon.platform.clock import system_clock

    engine = create_engine(settings)
    now = system_clock()
    try:
        with session_factory(engine, write=True).begin() as session:
            partner = register_partner(session, "test", now, name="Bike Co")
            person = service.person(session, partner.id, "ann", now)
            event = Event(
                partner_id=partner.id,
                event_id="e",
                person_id=person,
                behaviour="walking",
                version="t",
                occurred_at=now,
                quantities={},
                status="credited",
                reduction_kg=1.0,
                points=1000,
                received_at=now,
                posted_at=now,
            )
            session.add(event)
            session.flush()
            ledger.credit_many(session, [ledger.Credit(event.id, person, 1.0, 1000, "walking@t")], now)
            reward = service.add_reward(
                session, AuditTrail(session, "test"), now, name_zh="票", name_en="Ticket", points=1, stock=None
            )
            return {"token": links.account_token(person, settings.ensure_secret_key().encode()), "reward_id": reward}
    finally:
        engine.dispose()
