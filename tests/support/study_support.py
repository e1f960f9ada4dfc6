"""Support for the studies tests: organisations with users of each role and machine clients, logged-in TestClients,
models to compute."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient

from lowcarbon.platform import accounts, machine_clients
from lowcarbon.platform.app import create_app
from lowcarbon.platform.clock import Clock, system_clock
from lowcarbon.platform.database import create_engine, session_factory
from lowcarbon.platform.settings import Settings

PASSWORD = "correct horse battery staple 光伏"
PV_MODEL = Path(__file__).parents[2] / "examples" / "pv-module" / "model.yaml"
TSHIRT_MODEL = Path(__file__).parents[2] / "examples" / "cotton-tshirt" / "model.yaml"  # names factors.csv
TSHIRT_FACTORS = TSHIRT_MODEL.with_name("factors.csv")
FAILING_MODEL = """
product: {name: Loop}
declared_unit: {amount: 1, unit: kg}
boundary: cradle-to-gate
stages:
  - name: production
    activities: [{name: a, amount: 1, unit: kg, process: a}]
processes:
  - id: a
    outputs: [{product: a, amount: 1, unit: kg}]
    inputs:
      - {name: b, amount: 1, unit: kg, process: b}
      - {name: power, amount: 1, unit: kWh, factor: cn-grid-electricity/cn-national-2023}
  - id: b
    outputs: [{product: b, amount: 1, unit: kg}]
    inputs: [{name: a, amount: 1, unit: kg, process: a}]
"""  # a and b make only each other: the model validates (its system builds), and only the solve finds it singular
STUDIES_SCOPES = "studies:read studies:write"  # a machine client that adds studies and reads them
POLL_SECONDS = 120.0  # bound on waiting for a pooled job: spawning workers and importing numpy/scipy takes seconds


@dataclass(frozen=True)
class Organisation:
    """A seeded organisation and the emails of its admin, editor and viewer."""

    id: int
    admin: str
    editor: str
    viewer: str


def seed_organisation(settings: Settings, name: str) -> Organisation:
    """A manufacturer ``name`` with an admin, an editor and a viewer, all with PASSWORD."""
    engine = create_engine(settings)
    slug = name.lower().replace(" ", "-")
    try:
        with session_factory(engine, write=True).begin() as session:
            organisation = accounts.create_organisation(session, name=name, kind="manufacturer", actor="test")
            emails = {}
            for role in ("admin", "editor", "viewer"):
                emails[role] = f"{role}@{slug}.example"
                accounts.create_user(
                    session,
                    email=emails[role],
                    organisation_id=organisation.id,
                    role=role,
                    password=PASSWORD,
                    actor="test",
                )
            return Organisation(organisation.id, emails["admin"], emails["editor"], emails["viewer"])
    finally:
        engine.dispose()


def seed_client(settings: Settings, organisation_id: int, scopes: str) -> tuple[str, str]:
    """A machine client of the organisation with ``scopes``: its client_id and secret."""
    engine = create_engine(settings)
    try:
        with session_factory(engine, write=True).begin() as session:
            made = machine_clients.create_client(
                session, organisation_id=organisation_id, scopes=scopes, actor="test", now=system_clock()
            )
            return made.client_id, made.secret
    finally:
        engine.dispose()


@contextmanager
def client_for(settings: Settings, email: str | None = None, *, clock: Clock = system_clock) -> Iterator[TestClient]:
    """A TestClient of the platform's app, logged in as ``email`` (with the CSRF header set) when one is given."""
    with TestClient(create_app(settings, clock=clock)) as client:
        if email is not None:
            log_in(client, email)
        yield client


def use_token(client: TestClient, credentials: tuple[str, str], scope: str | None = None) -> str:
    """Get a token for the machine client (``credentials``: id and secret) and send it with every later request."""
    fields = {"grant_type": "client_credentials"} | ({"scope": scope} if scope is not None else {})
    response = client.post("/auth/token", data=fields, auth=credentials)
    assert response.status_code == 200, response.text
    token = str(response.json()["access_token"])
    client.headers["Authorization"] = f"Bearer {token}"
    return token


def log_in(client: TestClient, email: str) -> None:
    """Log ``client`` in as ``email`` and send the session's CSRF token with every later request."""
    client.cookies.clear()
    response = client.post("/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    client.headers["X-CSRF-Token"] = response.json()["csrf_token"]


def inline(settings: Settings) -> Settings:
    """``settings`` with jobs run inline, before the response."""
    return settings.model_copy(update={"job_runner": "inline"})


def create_product(client: TestClient, name: str = "PV module") -> int:
    """Create a product through the API; its id."""
    response = client.post("/api/products", json={"name": name})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def submit(
    client: TestClient, product_id: int, model: str, model_format: str = "yaml", files: dict[str, str] | None = None
) -> dict[str, Any]:
    """Submit a study through the API (202), with its factor ``files`` (name -> text); its summary."""
    sent = [{"name": name, "content": content} for name, content in (files or {}).items()]
    body = {"model": model, "format": model_format, "files": sent}
    return accepted(client.post(f"/api/products/{product_id}/studies", json=body))


def upload(
    client: TestClient, product_id: int, filename: str, content: bytes, fields: dict[str, str] | None = None
) -> Any:
    """Upload a model file as multipart/form-data (with further form ``fields``); the response."""
    return client.post(f"/api/products/{product_id}/studies", files={"file": (filename, content)}, data=fields)


def accepted(response: Any) -> dict[str, Any]:
    """The summary of a study the API accepted (202, with its Location)."""
    assert response.status_code == 202, response.text
    assert response.headers["location"] == f"/api/studies/{response.json()['id']}"
    return dict(response.json())


def wait_for(client: TestClient, study_id: int, timeout: float = POLL_SECONDS) -> dict[str, Any]:
    """The study once its job has ended, polling for at most ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        study = client.get(f"/api/studies/{study_id}").json()
        if study["status"] in ("done", "failed") or time.monotonic() > deadline:
            return dict(study)
        time.sleep(0.2)


def refusal(response: Any) -> tuple[int, str]:
    """An error response's status and code."""
    return response.status_code, response.json()["error"]["code"]


def count_rows(settings: Settings, table: str) -> int:
    """How many rows ``table`` has."""
    engine = create_engine(settings)
    try:
        with engine.connect() as connection:
            return int(connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one())
    finally:
        engine.dispose()
