"""People's login through the app: cookies, /auth/me, wrong passwords, lockout, expiry, logout and their audit trail."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from lowcarbon.platform.auth_routes import LOGIN_FAILED
from lowcarbon.platform.credentials import token_digest
from lowcarbon.platform.settings import Settings
from support.auth_support import (
    EMAIL,
    PASSWORD,
    FakeClock,
    Seeded,
    audit_entries,
    audit_verifies,
    entries_text,
    open_client,
)

FAILED = {"error": {"code": "login_failed", "message": LOGIN_FAILED}}


def _login(client: TestClient, password: str = PASSWORD, email: str = EMAIL) -> dict[str, str]:
    response = client.post("/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    body: dict[str, str] = response.json()
    return body


def test_login_sets_the_cookies_and_me_works(client: TestClient, seeded: Seeded) -> None:
    """A login with JSON sets an HttpOnly, SameSite=Lax session cookie and a readable CSRF cookie; /auth/me works."""
    response = client.post("/auth/login", json={"email": " ADA@acme.example ", "password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "email": EMAIL,
        "role": "editor",
        "organisation": {"id": seeded.organisation_id, "name": "Acme 光伏", "kind": "manufacturer"},
        "csrf_token": body["csrf_token"],
        "expires_at": "2026-11-28T17:00:00Z",
    }
    cookies = {line.split("=", 1)[0]: line for line in response.headers.get_list("set-cookie")}
    session_cookie, csrf_cookie = cookies["lowcarbon_session"], cookies["lowcarbon_csrf"]
    for cookie in (session_cookie, csrf_cookie):
        assert "samesite=lax" in cookie.lower() and "Path=/" in cookie and "Max-Age=28800" in cookie
        assert "secure" not in cookie.lower()  # plain HTTP; test_auth_http checks HTTPS
    assert "httponly" in session_cookie.lower() and "httponly" not in csrf_cookie.lower()
    assert csrf_cookie.startswith(f"lowcarbon_csrf={body['csrf_token']};")
    me = client.get("/auth/me")
    assert me.status_code == 200
    assert me.json() == {**body, "name": ""}
    assert client.get("/probe/look").json() == {"seen_by": EMAIL}


def test_login_with_a_form(client: TestClient) -> None:
    """An HTML form (URL-encoded) logs in as JSON does."""
    response = client.post("/auth/login", data={"email": EMAIL, "password": PASSWORD})
    assert response.status_code == 200 and response.json()["email"] == EMAIL
    assert client.get("/auth/me").status_code == 200


def test_me_without_a_session(client: TestClient) -> None:
    """Without a cookie, or with one the server never issued, /auth/me answers 401 not_authenticated."""
    response = client.get("/auth/me")
    assert response.status_code == 401 and response.json()["error"]["code"] == "not_authenticated"
    client.cookies.set("lowcarbon_session", "made-up")
    assert client.get("/auth/me").json()["error"]["code"] == "not_authenticated"


def test_wrong_password_and_unknown_email_look_the_same(client: TestClient, migrated: Settings) -> None:
    """A wrong password and an unknown email get the same 401 login_failed, and no cookie."""
    wrong = client.post("/auth/login", json={"email": EMAIL, "password": "not the password at all"})
    unknown = client.post("/auth/login", json={"email": "nobody@acme.example", "password": PASSWORD})
    for response in (wrong, unknown):
        assert response.status_code == 401 and response.json() == FAILED
        assert "set-cookie" not in response.headers
    entries = audit_entries(migrated)[-2:]
    assert [(e.actor, e.action, e.entity) for e in entries] == [("anonymous", "login_failed", "user")] * 2
    assert entries[0].after["failed_logins"] == 1 and entries[1].after == {"reason": "unknown_email"}
    assert "nobody" not in entries_text(entries) and "not the password" not in entries_text(entries)


@pytest.mark.parametrize(
    ("kwargs", "status", "code"),
    [
        ({"json": {"email": EMAIL}}, 400, "invalid_input"),
        ({"json": ["not", "an", "object"]}, 400, "invalid_input"),
        ({"content": b"email=x", "headers": {"content-type": "text/plain"}}, 415, "unsupported_media_type"),
    ],
    ids=["no-password", "not-an-object", "plain-text"],
)
def test_malformed_login_requests(client: TestClient, kwargs: dict[str, object], status: int, code: str) -> None:
    """A login without both fields, or not a form or JSON object, is refused in the platform's error shape."""
    response = client.post("/auth/login", **kwargs)  # type: ignore[arg-type]
    assert response.status_code == status and response.json()["error"]["code"] == code


def test_cross_site_login_is_refused(client: TestClient) -> None:
    """A login a browser labels as sent from another site is refused with 403 csrf_failed."""
    response = client.post(
        "/auth/login", json={"email": EMAIL, "password": PASSWORD}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert response.status_code == 403 and response.json()["error"]["code"] == "csrf_failed"


def test_lockout_after_five_failures_and_release(client: TestClient, migrated: Settings, clock: FakeClock) -> None:
    """Five wrong passwords lock the account for 15 minutes, refusing even the right one alike; then it lifts."""
    for _ in range(5):
        response = client.post("/auth/login", json={"email": EMAIL, "password": "wrong password, again"})
        assert response.json() == FAILED
    locked = client.post("/auth/login", json={"email": EMAIL, "password": PASSWORD})
    assert locked.status_code == 401 and locked.json() == FAILED
    clock.advance(minutes=14, seconds=59)
    assert client.post("/auth/login", json={"email": EMAIL, "password": PASSWORD}).json() == FAILED
    clock.advance(seconds=1)
    _login(client)
    actions = [(e.action, e.after and e.after.get("failed_logins")) for e in audit_entries(migrated)[3:]]
    assert actions == [
        ("login_failed", 1),
        ("login_failed", 2),
        ("login_failed", 3),
        ("login_failed", 4),
        ("lockout", 0),
        ("login_failed", None),  # the right password, while locked
        ("login_failed", None),
        ("login_reset_failures", 0),  # the lock lifted: cleared with the successful login
        ("login", None),
    ]
    lockout = audit_entries(migrated)[7]
    assert lockout.after["locked_until"] == "2026-11-28T09:15:00+00:00"
    assert audit_verifies(migrated)


def test_failures_must_be_consecutive(client: TestClient) -> None:
    """A successful login resets the count: four failures, a success, four failures do not lock the account."""
    for attempt in range(9):
        if attempt == 4:
            _login(client)
        else:
            client.post("/auth/login", json={"email": EMAIL, "password": "wrong password, again"})
    _login(client)


def test_session_expires(migrated: Settings, seeded: Seeded, clock: FakeClock) -> None:
    """A session lasts session_minutes from login (8 hours by default, here 30 minutes), then answers 401."""
    with open_client(migrated, clock) as client:
        _login(client)
        clock.advance(hours=7, minutes=59, seconds=59)
        assert client.get("/auth/me").status_code == 200
        clock.advance(seconds=1)
        expired = client.get("/auth/me")
        assert expired.status_code == 401 and expired.json()["error"]["code"] == "not_authenticated"
    short, later = migrated.model_copy(update={"session_minutes": 30}), FakeClock()
    with open_client(short, later) as client:
        assert _login(client)["expires_at"] == "2026-11-28T09:30:00Z"
        later.advance(minutes=29)
        assert client.get("/auth/me").status_code == 200
        later.advance(minutes=1)
        assert client.get("/auth/me").status_code == 401


def test_logout_revokes_the_session(client: TestClient, migrated: Settings) -> None:
    """Logout (with the CSRF token) answers 204, removes the cookies, and the old cookie opens nothing after."""
    csrf = _login(client)["csrf_token"]
    token = client.cookies["lowcarbon_session"]
    response = client.post("/auth/logout", headers={"X-CSRF-Token": csrf})
    assert response.status_code == 204
    assert all("Max-Age=0" in line for line in response.headers.get_list("set-cookie"))
    assert "lowcarbon_session" not in client.cookies
    client.cookies.set("lowcarbon_session", token)
    assert client.get("/auth/me").status_code == 401
    assert client.post("/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 401
    entries = audit_entries(migrated)
    assert [(e.actor.split(":")[0], e.action, e.entity) for e in entries[-2:]] == [
        ("user", "login", "login_session"),
        ("user", "logout", "login_session"),
    ]
    assert entries[-1].after["revoked_at"] == "2026-11-28T09:00:00+00:00" and entries[-1].before["revoked_at"] is None


def test_audit_holds_no_secrets_and_verifies(client: TestClient, migrated: Settings) -> None:
    """Login, failure, lockout and logout entries hold no password, token, token hash or CSRF token; the chain holds."""
    csrf = _login(client)["csrf_token"]
    token = client.cookies["lowcarbon_session"]
    client.post("/auth/logout", headers={"X-CSRF-Token": csrf})
    for _ in range(5):
        client.post("/auth/login", json={"email": EMAIL, "password": "a wrong password here"})
    text = entries_text(audit_entries(migrated))
    for secret in (PASSWORD, "a wrong password here", token, token_digest(token), csrf, "$argon2"):
        assert secret not in text
    assert {"login", "logout", "login_failed", "lockout"} <= {e.action for e in audit_entries(migrated)}
    assert audit_verifies(migrated)


@pytest.mark.parametrize("control", ["\x00", "\x07"], ids=["NUL", "BEL"])
def test_an_email_with_a_control_character_is_422_naming_it(client: TestClient, control: str) -> None:
    """No account has such an email: the login is refused as invalid before the database is asked (PostgreSQL could
    not be), the same on both databases, as JSON and as a form."""
    for sent in (
        {"json": {"email": f"x{control}y", "password": PASSWORD}},
        {"data": {"email": f"x{control}y", "password": PASSWORD}},
    ):
        response = client.post("/auth/login", **sent)  # type: ignore[arg-type]
        assert response.status_code == 422 and response.json()["error"]["code"] == "validation_error"
        assert response.json()["error"]["details"][0]["location"] == ["email"]
