"""Support for the authentication tests: a clock to move by hand, seeded accounts, and an app with probe routes."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import pytest
import sqlalchemy as sa
from fastapi import APIRouter, FastAPI, Request
from fastapi.testclient import TestClient

from lowcarbon.platform import accounts, audit, machine_clients
from lowcarbon.platform.app import create_app
from lowcarbon.platform.auth import AuthenticatedClient, CurrentClient, CurrentUser, requires_scopes
from lowcarbon.platform.database import create_engine, session_factory
from lowcarbon.platform.forms import read_multipart
from lowcarbon.platform.settings import Settings
from lowcarbon.platform.tables import AuditEntry

PASSWORD = "correct horse battery staple 光伏"
EMAIL = "ada@acme.example"
START = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


class FakeClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        """Move the clock forward by ``timedelta(**delta)``."""
        self.now += timedelta(**delta)


@dataclass(frozen=True)
class Seeded:
    """What ``seed`` created: an organisation, a user with PASSWORD, and a machine client."""

    organisation_id: int
    user_id: int
    client_id: str
    client_secret: str


def seed(settings: Settings, *, scopes: str = "footprints:read footprints:write") -> Seeded:
    """Create Acme (a manufacturer), its editor EMAIL with PASSWORD, and a client with ``scopes``, all audited."""
    engine = create_engine(settings)
    try:
        with session_factory(engine, write=True).begin() as session:
            organisation = accounts.create_organisation(session, name="Acme 光伏", kind="manufacturer", actor="test")
            user = accounts.create_user(
                session, email=EMAIL, organisation_id=organisation.id, role="editor", password=PASSWORD, actor="test"
            )
            client = machine_clients.create_client(
                session, organisation_id=organisation.id, scopes=scopes, actor="test", now=START
            )
            return Seeded(organisation.id, user.id, client.client_id, client.secret)
    finally:
        engine.dispose()


probes = APIRouter()


@probes.post("/probe/change")
def change(user: CurrentUser) -> dict[str, Any]:
    """A state-changing route for people, to test CSRF."""
    return {"changed_by": user.email}


@probes.post("/probe/upload")
async def upload(request: Request, user: CurrentUser) -> dict[str, Any]:
    """A state-changing route for people that reads a multipart form, as the CSRF check may have before it."""
    form = await read_multipart(request)
    file = form["file"]
    assert not isinstance(file, str)
    return {"note": form.get("note"), "size": len(await file.read()), "uploaded_by": user.email}


@probes.get("/probe/look")
def look(user: CurrentUser) -> dict[str, Any]:
    """A reading route for people."""
    return {"seen_by": user.email}


@probes.get("/probe/machine")
def machine(client: CurrentClient) -> dict[str, Any]:
    """A route for any authenticated machine client."""
    return {"client_id": client.client_id, "organisation_id": client.organisation_id, "scopes": sorted(client.scopes)}


@probes.post("/probe/machine-write")
def machine_write(client: Annotated[AuthenticatedClient, requires_scopes("footprints:write")]) -> dict[str, str]:
    """A state-changing route for machine clients with the footprints:write scope."""
    return {"written_by": client.client_id}


def probe_app(settings: Settings, clock: FakeClock) -> FastAPI:
    """The platform's app on ``settings`` with the probe routes mounted."""
    app = create_app(settings, clock=clock)
    app.include_router(probes)
    return app


@contextmanager
def open_client(settings: Settings, clock: FakeClock) -> Iterator[TestClient]:
    """A TestClient (plain HTTP, so cookies come without Secure) of the probe app."""
    with TestClient(probe_app(settings, clock), raise_server_exceptions=True) as client:
        yield client


def audit_entries(settings: Settings) -> list[AuditEntry]:
    """Every audit entry, in order."""
    engine = create_engine(settings)
    try:
        with session_factory(engine)() as session:
            return list(session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)))
    finally:
        engine.dispose()


def audit_verifies(settings: Settings) -> bool:
    """Whether the audit chain verifies."""
    engine = create_engine(settings)
    try:
        with session_factory(engine)() as session:
            return audit.verify(session) is None
    finally:
        engine.dispose()


def entries_text(entries: list[AuditEntry]) -> str:
    """All entries' recorded states as one string, to search for secrets that must not be there."""
    return json.dumps([[e.actor, e.action, e.entity, e.entity_id, e.before, e.after] for e in entries], default=str)


# Fixtures of the login and token tests (re-exported by conftest.py; a module may define its own instead).


@pytest.fixture
def clock() -> FakeClock:
    """The app's clock, moved by the tests."""
    return FakeClock()


@pytest.fixture
def seeded(migrated: Settings) -> Seeded:
    """Acme, its editor and a machine client with footprints:read and footprints:write."""
    return seed(migrated)


@pytest.fixture
def client(migrated: Settings, seeded: Seeded, clock: FakeClock) -> Iterator[TestClient]:
    """A TestClient of the app on the seeded database."""
    with open_client(migrated, clock) as client:
        yield client


def audited_keys(state: Callable[..., dict[str, Any]], table: type[Any], *args: Any) -> list[str]:
    """The keys ``state`` records of a row of ``table`` whose every column holds a string."""
    row = table(**{column.key: "x" for column in sa.inspect(table).column_attrs})
    return sorted(state(row, *args))
