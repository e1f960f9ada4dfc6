"""The HTTP app: the one JSON error shape with stable codes, the request session, and the OpenAPI document."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient

from lowcarbon.errors import Conflict, NotFound, UnitError
from lowcarbon.platform import audit
from lowcarbon.platform.app import create_app
from lowcarbon.platform.dependencies import SessionDep, SettingsDep
from lowcarbon.platform.migrate import upgrade
from lowcarbon.platform.settings import Settings
from lowcarbon.platform.tables import AuditEntry

router = APIRouter()


@router.get("/probe/number")
def number(n: int, settings: SettingsDep) -> dict[str, int]:
    """Echo an integer query parameter, to provoke validation errors."""
    return {"n": n, "port": settings.port}


@router.get("/probe/lowcarbon-error")
def lowcarbon_error() -> None:
    """Raise one of lowcarbon's own errors, which has no HTTP status of its own."""
    raise UnitError("line 3: 'kWhh' is not a unit; did you mean 'kWh'?")


@router.get("/probe/missing")
def missing() -> None:
    """Raise a platform error that knows its status."""
    raise NotFound("there is no organisation 42")


@router.get("/probe/crash")
def crash() -> None:
    """Fail the way a bug does."""
    raise RuntimeError("secret internals")


@router.post("/probe/audit")
def write(session: SessionDep, fail: bool = False) -> dict[str, int]:
    """Record an audit entry in the request's session, then fail if asked."""
    entry = audit.record(session, "user:1", "create", "probe", 1, None, {"ok": True})
    if fail:
        raise Conflict("the probe already exists")
    return {"id": entry.id}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    """A test client of an app on a migrated SQLite database, with the probe routes mounted."""
    settings = Settings(data_dir=tmp_path, port=8123)
    upgrade(settings)
    app = create_app(settings)
    app.include_router(router)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_unknown_path_is_not_found(client: TestClient) -> None:
    """An unknown path answers 404 with code not_found."""
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "GET /no/such/page: not found"}}


def test_wrong_method(client: TestClient) -> None:
    """A known path with the wrong method answers 405 method_not_allowed and keeps the Allow header."""
    response = client.delete("/healthz")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert response.headers["allow"] == "GET"


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", "/api/products", "GET, POST"),  # two routes of one router
        ("OPTIONS", "/api/products/1/studies", "GET, POST"),  # with a path parameter
        ("DELETE", "/api/organisation/clients", "GET, POST"),
        ("PUT", "/products", "GET, POST"),  # a page, answered with the error page
    ],
)
def test_wrong_method_lists_every_method_of_the_path(client: TestClient, method: str, path: str, allow: str) -> None:
    """A path that several routes serve, one per method, lists all their methods in Allow, not the first one's."""
    response = client.request(method, path, headers={"Accept": "text/html"})
    assert (response.status_code, response.headers["allow"]) == (405, allow)


def test_validation_error(client: TestClient) -> None:
    """A request that fails validation answers 422 validation_error with where and what, not the input."""
    response = client.get("/probe/number", params={"n": "twelve-secret"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["message"].startswith("query.n: ")
    assert error["details"] == [{"location": ["query", "n"], "message": error["message"][9:], "type": "int_parsing"}]
    assert "twelve-secret" not in response.text
    assert client.get("/probe/number").json()["error"]["details"][0]["type"] == "missing"
    assert client.get("/probe/number", params={"n": 3}).json() == {"n": 3, "port": 8123}


def test_lowcarbon_error_is_400_with_its_code(client: TestClient) -> None:
    """lowcarbon's errors answer 400 with their own code and message."""
    response = client.get("/probe/lowcarbon-error")
    assert response.status_code == 400
    assert response.json() == {
        "error": {"code": "unit_error", "message": "line 3: 'kWhh' is not a unit; did you mean 'kWh'?"}
    }


def test_platform_error_has_its_status(client: TestClient) -> None:
    """A platform error answers with its own status and code."""
    response = client.get("/probe/missing")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "there is no organisation 42"}}


def test_unexpected_error_gives_nothing_away(client: TestClient) -> None:
    """A bug answers 500 internal_error without its details."""
    response = client.get("/probe/crash")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert "secret" not in response.text


def test_request_session_is_one_transaction(client: TestClient, tmp_path: Path) -> None:
    """The request's session commits when the route returns and rolls back, audit entry included, when it raises."""
    assert client.post("/probe/audit").json() == {"id": 1}
    response = client.post("/probe/audit", params={"fail": True})
    assert response.status_code == 409 and response.json()["error"]["code"] == "conflict"
    engine = sa.create_engine(f"sqlite:///{tmp_path}/lowcarbon.db")
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(AuditEntry)).scalar() == 1
    engine.dispose()


def test_openapi_documents_healthz_and_errors(client: TestClient) -> None:
    """The OpenAPI document lists /healthz, its 503 answer, and the error shape."""
    document = client.get("/openapi.json").json()
    assert set(document["paths"]["/healthz"]["get"]["responses"]) >= {"200", "503", "default"}
    assert "ErrorResponse" in document["components"]["schemas"]


def test_create_app_builds_independent_apps(tmp_path: Path) -> None:
    """Each call builds a new app with its own settings and engine; nothing is shared through the module."""
    first = create_app(Settings(data_dir=tmp_path / "a"))
    second = create_app(Settings(data_dir=tmp_path / "b"))
    assert isinstance(first, FastAPI) and first is not second
    assert first.state.platform.engine is not second.state.platform.engine
    assert not (tmp_path / "a" / "lowcarbon.db").exists()  # building the app does not connect
