"""CSRF: a state-changing request with the session cookie needs the session's token; GET and bearer requests do not."""

from __future__ import annotations

from collections.abc import Iterator

import httpx2
import pytest
from fastapi.testclient import TestClient

from lowcarbon.platform.settings import Settings
from support.auth_support import EMAIL, PASSWORD, FakeClock, Seeded, open_client, seed


@pytest.fixture
def seeded(migrated: Settings) -> Seeded:
    """Acme, its editor and a machine client."""
    return seed(migrated)


@pytest.fixture
def client(migrated: Settings, seeded: Seeded) -> Iterator[TestClient]:
    """A TestClient whose cookie jar holds a fresh session of the editor."""
    with open_client(migrated, FakeClock()) as client:
        assert client.post("/auth/login", json={"email": EMAIL, "password": PASSWORD}).status_code == 200
        yield client


def _csrf(client: TestClient) -> str:
    token: str = client.get("/auth/me").json()["csrf_token"]
    return token


def _refused(response: httpx2.Response) -> bool:
    return response.status_code == 403 and response.json()["error"]["code"] == "csrf_failed"


def test_missing_token_is_refused(client: TestClient) -> None:
    """A POST with the session cookie and no CSRF token answers 403 csrf_failed."""
    response = client.post("/probe/change")
    assert _refused(response)
    assert "X-CSRF-Token" in response.json()["error"]["message"]


def test_wrong_token_is_refused(client: TestClient) -> None:
    """A wrong token, in the header or the form field, answers 403 csrf_failed."""
    assert _refused(client.post("/probe/change", headers={"X-CSRF-Token": "0" * 64}))
    assert _refused(client.post("/probe/change", data={"csrf_token": "0" * 64}))
    assert _refused(client.post("/probe/change", headers={"X-CSRF-Token": ""}))


def test_token_of_another_session_is_refused(client: TestClient, migrated: Settings) -> None:
    """The token is tied to its session: another session's token, even of the same user, is refused."""
    with open_client(migrated, FakeClock()) as other:
        other.post("/auth/login", json={"email": EMAIL, "password": PASSWORD})
        foreign = _csrf(other)
    assert foreign != _csrf(client)
    assert _refused(client.post("/probe/change", headers={"X-CSRF-Token": foreign}))


def test_right_token_passes(client: TestClient) -> None:
    """The session's token in the X-CSRF-Token header, or in the csrf_token field of a form, lets the change through."""
    token = _csrf(client)
    assert client.cookies["lowcarbon_csrf"] == token
    assert client.post("/probe/change", headers={"X-CSRF-Token": token}).json() == {"changed_by": EMAIL}
    assert client.post("/probe/change", data={"csrf_token": token}).json() == {"changed_by": EMAIL}


def test_a_multipart_form_carries_the_token_and_stays_readable(client: TestClient) -> None:
    """The token in the csrf_token field of a multipart form lets the change through, and the route then reads the
    same form (files and fields); without it, or with a wrong one, the upload is refused."""
    token = _csrf(client)
    files = {"file": ("model.yaml", b"#" * 3_000_000)}  # past the 1 MB a file is kept in memory
    answer = client.post("/probe/upload", data={"csrf_token": token, "note": "光伏"}, files=files)
    assert answer.json() == {"note": "光伏", "size": 3_000_000, "uploaded_by": EMAIL}
    assert _refused(client.post("/probe/upload", data={"csrf_token": "0" * 64}, files=files))
    assert _refused(client.post("/probe/upload", files=files))


def test_safe_methods_are_exempt(client: TestClient) -> None:
    """GET needs no CSRF token."""
    assert client.get("/probe/look").json() == {"seen_by": EMAIL}


def test_bearer_requests_are_exempt(client: TestClient, seeded: Seeded) -> None:
    """A request authenticated by a bearer token needs no CSRF token, even if a session cookie rides along."""
    issued = client.post(
        "/auth/token",
        data={"grant_type": "client_credentials"},
        auth=(seeded.client_id, seeded.client_secret),
    ).json()
    headers = {"Authorization": f"Bearer {issued['access_token']}"}
    assert client.post("/probe/machine-write", headers=headers).json() == {"written_by": seeded.client_id}


def test_a_bearer_header_does_not_smuggle_a_cookie_change(client: TestClient) -> None:
    """A change exempted as a bearer request is not then authenticated by the session cookie."""
    response = client.post("/probe/change", headers={"Authorization": "Bearer anything"})
    assert response.status_code == 401 and response.json()["error"]["code"] == "not_authenticated"


def test_without_a_cookie_there_is_nothing_to_forge(migrated: Settings, seeded: Seeded) -> None:
    """Without a session cookie the CSRF check does not apply, and the route answers 401 not_authenticated."""
    with open_client(migrated, FakeClock()) as anonymous:
        response = anonymous.post("/probe/change")
    assert response.status_code == 401 and response.json()["error"]["code"] == "not_authenticated"


def test_logout_needs_the_token(client: TestClient) -> None:
    """Logout without the token is refused and the session stays valid."""
    assert _refused(client.post("/auth/logout"))
    assert client.get("/auth/me").status_code == 200


def test_login_is_exempt(client: TestClient) -> None:
    """Logging in again with a cookie in the jar (perhaps a stale one) needs no token."""
    client.cookies.set("lowcarbon_session", "stale")
    assert client.post("/auth/login", json={"email": EMAIL, "password": PASSWORD}).status_code == 200
