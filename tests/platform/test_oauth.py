"""Machines: OAuth2 client credentials at /auth/token, bearer tokens with scopes, discovery, create-client."""

from __future__ import annotations

import base64
import json

import httpx2
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from lowcarbon.platform.cli import app as platform_cli
from lowcarbon.platform.credentials import token_digest
from lowcarbon.platform.database import create_engine
from lowcarbon.platform.settings import Settings
from lowcarbon.platform.tables import MachineClient
from support.auth_support import FakeClock, Seeded, audit_entries, audit_verifies, entries_text, open_client

GRANT = {"grant_type": "client_credentials"}


def _basic(client_id: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def _token(client: TestClient, seeded: Seeded, **fields: str) -> str:
    response = client.post(
        "/auth/token", data={**GRANT, **fields}, headers=_basic(seeded.client_id, seeded.client_secret)
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _oauth_error(response: httpx2.Response, status: int, error: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "error_description"} and body["error"] == error
    assert response.headers["cache-control"] == "no-store"


def test_token_with_basic_credentials(client: TestClient, seeded: Seeded) -> None:
    """HTTP Basic credentials get a bearer token with all the client's scopes, not to be cached; it opens routes."""
    response = client.post("/auth/token", data=GRANT, headers=_basic(seeded.client_id, seeded.client_secret))
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "access_token": body["access_token"],
        "token_type": "bearer",
        "expires_in": 3600,
        "scope": "footprints:read footprints:write",
    }
    assert len(body["access_token"]) == 43
    assert response.headers["cache-control"] == "no-store" and response.headers["pragma"] == "no-cache"
    answer = client.get("/probe/machine", headers=_bearer(body["access_token"]))
    assert answer.json() == {
        "client_id": seeded.client_id,
        "organisation_id": seeded.organisation_id,
        "scopes": ["footprints:read", "footprints:write"],
    }


def test_token_with_form_credentials(client: TestClient, seeded: Seeded) -> None:
    """client_id and client_secret as form fields get a token too."""
    fields = {**GRANT, "client_id": seeded.client_id, "client_secret": seeded.client_secret}
    response = client.post("/auth/token", data=fields)
    assert response.status_code == 200
    assert client.get("/probe/machine", headers=_bearer(response.json()["access_token"])).status_code == 200


def test_wrong_secret_and_unknown_client(client: TestClient, seeded: Seeded) -> None:
    """A wrong secret or an unknown client id gets 401 invalid_client, with a Basic challenge when Basic was used."""
    wrong = client.post("/auth/token", data=GRANT, headers=_basic(seeded.client_id, "wrong-secret"))
    _oauth_error(wrong, 401, "invalid_client")
    assert wrong.headers["www-authenticate"] == 'Basic realm="lowcarbon"'
    unknown = client.post("/auth/token", data=GRANT, headers=_basic("lc_nobody", seeded.client_secret))
    _oauth_error(unknown, 401, "invalid_client")
    assert unknown.json() == wrong.json()
    form = client.post("/auth/token", data={**GRANT, "client_id": seeded.client_id, "client_secret": "wrong"})
    _oauth_error(form, 401, "invalid_client")
    assert "www-authenticate" not in form.headers
    _oauth_error(client.post("/auth/token", data=GRANT), 401, "invalid_client")
    malformed = client.post("/auth/token", data=GRANT, headers={"Authorization": "Basic !!!"})
    _oauth_error(malformed, 401, "invalid_client")


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"grant_type": "password", "username": "a", "password": "b"}, "unsupported_grant_type"),
        ({"grant_type": "authorization_code", "code": "x"}, "unsupported_grant_type"),
        ({}, "invalid_request"),
    ],
    ids=["password", "authorization_code", "no-grant"],
)
def test_unsupported_or_missing_grant(client: TestClient, seeded: Seeded, fields: dict[str, str], error: str) -> None:
    """Grants other than client_credentials get unsupported_grant_type, none at all invalid_request, both 400."""
    response = client.post("/auth/token", data=fields, headers=_basic(seeded.client_id, seeded.client_secret))
    _oauth_error(response, 400, error)


def test_malformed_token_requests(client: TestClient, seeded: Seeded) -> None:
    """JSON instead of a form, a field given twice, or credentials given two ways get 400 invalid_request."""
    basic = _basic(seeded.client_id, seeded.client_secret)
    _oauth_error(client.post("/auth/token", json=GRANT, headers=basic), 400, "invalid_request")
    twice = "grant_type=client_credentials&grant_type=client_credentials"
    form = {"content-type": "application/x-www-form-urlencoded", **basic}
    _oauth_error(client.post("/auth/token", content=twice, headers=form), 400, "invalid_request")
    both = {**GRANT, "client_id": seeded.client_id, "client_secret": seeded.client_secret}
    _oauth_error(client.post("/auth/token", data=both, headers=basic), 400, "invalid_request")


def test_a_client_id_with_a_control_character_is_a_malformed_request(client: TestClient, seeded: Seeded) -> None:
    """No client has such an id: 400 invalid_request naming client_id (OAuth2's shape, not the platform's 422),
    before the database is asked (PostgreSQL could not be), from the form or HTTP Basic."""
    for control in "\x00\x07":
        form = {**GRANT, "client_id": f"lc_{control}", "client_secret": seeded.client_secret}
        for response in (
            client.post("/auth/token", data=form),
            client.post("/auth/token", data=GRANT, headers=_basic(f"lc_{control}", seeded.client_secret)),
        ):
            _oauth_error(response, 400, "invalid_request")
            assert response.json()["error_description"].startswith("client_id: must not contain control characters")


def test_scopes(client: TestClient, seeded: Seeded) -> None:
    """A token gets the scopes asked for if the client has them; others get invalid_scope; routes check them."""
    response = client.post(
        "/auth/token",
        data={**GRANT, "scope": "footprints:read"},
        headers=_basic(seeded.client_id, seeded.client_secret),
    )
    assert response.json()["scope"] == "footprints:read"
    read_only = response.json()["access_token"]
    assert client.get("/probe/machine", headers=_bearer(read_only)).json()["scopes"] == ["footprints:read"]
    refused = client.post("/probe/machine-write", headers=_bearer(read_only))
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "insufficient_scope"
    assert refused.headers["www-authenticate"] == (
        'Bearer realm="lowcarbon", error="insufficient_scope", scope="footprints:write"'
    )
    writer = _token(client, seeded, scope="footprints:write")
    assert client.post("/probe/machine-write", headers=_bearer(writer)).status_code == 200
    for scope in ("certificates:issue", "footprints:read admin", "", 'bad"quote'):
        response = client.post(
            "/auth/token", data={**GRANT, "scope": scope}, headers=_basic(seeded.client_id, seeded.client_secret)
        )
        _oauth_error(response, 400, "invalid_scope")


def test_bearer_errors(client: TestClient) -> None:
    """No token answers 401 not_authenticated; an unknown one 401 invalid_token; both with a Bearer challenge."""
    missing = client.get("/probe/machine")
    assert missing.status_code == 401 and missing.json()["error"]["code"] == "not_authenticated"
    assert missing.headers["www-authenticate"] == 'Bearer realm="lowcarbon"'
    unknown = client.get("/probe/machine", headers=_bearer("not-a-token"))
    assert unknown.status_code == 401 and unknown.json()["error"]["code"] == "invalid_token"
    assert unknown.headers["www-authenticate"] == 'Bearer realm="lowcarbon", error="invalid_token"'
    basic = client.get("/probe/machine", headers={"Authorization": "Basic abc"})
    assert basic.json()["error"]["code"] == "not_authenticated"


def test_token_expires(client: TestClient, seeded: Seeded, clock: FakeClock) -> None:
    """A token works until token_seconds have passed since it was issued, then answers 401 invalid_token."""
    token = _token(client, seeded)
    clock.advance(seconds=3599)
    assert client.get("/probe/machine", headers=_bearer(token)).status_code == 200
    clock.advance(seconds=1)
    expired = client.get("/probe/machine", headers=_bearer(token))
    assert expired.status_code == 401 and expired.json()["error"]["code"] == "invalid_token"


def test_token_lifetime_is_a_setting(migrated: Settings, seeded: Seeded, clock: FakeClock) -> None:
    """token_seconds sets expires_in and the expiry."""
    with open_client(migrated.model_copy(update={"token_seconds": 120}), clock) as client:
        response = client.post("/auth/token", data=GRANT, headers=_basic(seeded.client_id, seeded.client_secret))
        assert response.json()["expires_in"] == 120
        clock.advance(seconds=120)
        assert client.get("/probe/machine", headers=_bearer(response.json()["access_token"])).status_code == 401


def test_disabled_client(client: TestClient, seeded: Seeded, migrated: Settings) -> None:
    """A disabled client gets no token, and the tokens it has stop working at once."""
    token = _token(client, seeded)
    engine = create_engine(migrated)
    try:
        with engine.begin() as connection:
            connection.execute(sa.update(MachineClient).values(disabled=True))
    finally:
        engine.dispose()
    response = client.post("/auth/token", data=GRANT, headers=_basic(seeded.client_id, seeded.client_secret))
    _oauth_error(response, 401, "invalid_client")
    assert client.get("/probe/machine", headers=_bearer(token)).json()["error"]["code"] == "invalid_token"


def test_openid_configuration(client: TestClient) -> None:
    """The discovery document names the token endpoint and how clients authenticate to it."""
    document = client.get("/.well-known/openid-configuration").json()
    assert document["token_endpoint"] == "http://testserver/auth/token"
    assert document["issuer"] == "http://testserver"
    assert document["grant_types_supported"] == ["client_credentials"]
    assert set(document["token_endpoint_auth_methods_supported"]) == {"client_secret_basic", "client_secret_post"}


def test_token_issue_is_audited_without_secrets(client: TestClient, seeded: Seeded, migrated: Settings) -> None:
    """Client creation and token issue write audit entries holding neither secret, token nor their hashes."""
    token = _token(client, seeded, scope="footprints:read")
    entries = audit_entries(migrated)
    created, issued = entries[2], entries[-1]
    assert (created.action, created.entity, created.after["scopes"]) == (
        "create",
        "machine_client",
        ["footprints:read", "footprints:write"],
    )
    assert (issued.actor, issued.action, issued.entity) == (f"client:{seeded.client_id}", "issue_token", "access_token")
    assert issued.after["scopes"] == ["footprints:read"] and issued.after["expires_at"] == "2026-11-28T10:00:00+00:00"
    text = entries_text(entries)
    for secret in (seeded.client_secret, token, token_digest(token), "$argon2"):
        assert secret not in text
    assert audit_verifies(migrated)


def test_create_client_command(settings: Settings, clock: FakeClock) -> None:
    """`admin create-client` prints the client id and secret once, audits it without the secret; the secret works."""
    runner = CliRunner()
    environment = {"LOWCARBON_DATABASE_URL": settings.database_url}
    common = ["--data-dir", str(settings.data_dir)]
    made = runner.invoke(
        platform_cli,
        ["admin", "create-organisation", "PACT Partner", "--kind", "partner_platform", *common],
        env=environment,
    )
    assert made.exit_code == 0, made.output
    result = runner.invoke(
        platform_cli,
        ["admin", "create-client", "--organisation", "1", "--scopes", "pact:read  pact:read pact:events", *common],
        env=environment,
    )
    assert result.exit_code == 0, result.output
    lines = dict(
        line.split(": ", 1) for line in result.stdout.splitlines() if ": " in line and line.startswith("client_")
    )
    client_id, secret = lines["client_id"], lines["client_secret"]
    assert client_id.startswith("lc_") and len(secret) == 43
    as_json = runner.invoke(
        platform_cli,
        ["admin", "create-client", "--organisation", "1", "--scopes", "pact:events", "--json", *common],
        env=environment,
    )
    assert json.loads(as_json.stdout)["scopes"] == ["pact:events"]
    entries = audit_entries(settings)
    assert [(e.action, e.entity, e.actor.split(":")[0]) for e in entries[1:]] == [
        ("create", "machine_client", "cli")
    ] * 2
    assert entries[1].after["scopes"] == ["pact:read", "pact:events"] and entries[1].after["client_id"] == client_id
    assert secret not in entries_text(entries)
    with open_client(settings, clock) as client:
        response = client.post("/auth/token", data=GRANT, auth=(client_id, secret))
        assert response.status_code == 200 and response.json()["scope"] == "pact:read pact:events"
    verify = runner.invoke(platform_cli, ["audit", "verify", *common], env=environment)
    assert verify.exit_code == 0 and verify.output.startswith("OK: 4 entries")


@pytest.mark.parametrize(
    ("organisation", "scopes", "message"),
    [
        ("7", "pact:read", "there is no organisation 7"),
        ("1", " ", "at least one scope"),
        ("1", 'a"b', "is not a scope"),
        ("1", "studies:read studies:delete", "no route asks for the scope 'studies:delete'"),
    ],
    ids=["unknown-organisation", "no-scopes", "bad-scope", "unknown-scope"],
)
def test_create_client_refusals(settings: Settings, organisation: str, scopes: str, message: str) -> None:
    """An unknown organisation or bad scopes end create-client with status 1 and one error line; nothing is created."""
    runner = CliRunner()
    environment = {"LOWCARBON_DATABASE_URL": settings.database_url}
    common = ["--data-dir", str(settings.data_dir)]
    runner.invoke(platform_cli, ["admin", "create-organisation", "Acme", "--kind", "buyer", *common], env=environment)
    result = runner.invoke(
        platform_cli,
        ["admin", "create-client", "--organisation", organisation, "--scopes", scopes, *common],
        env=environment,
    )
    assert result.exit_code == 1 and result.output.startswith("error: ") and message in result.output
    assert len(audit_entries(settings)) == 1
