"""The organisation's people over HTTP, on SQLite and PostgreSQL: every role reads them, an admin adds one who can
then log in, nobody sees another organisation's people, and a bad or taken email stores nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient

from lowcarbon.platform.settings import Settings
from support.study_support import client_for, count_rows, seed_organisation

NEW = {
    "email": "Analyst@Sunrise-PV.example",
    "name": "Li Analyst",
    "role": "editor",
    "password": "a long new password 2026",
}


def _emails(client: TestClient) -> list[str]:
    return [person["email"] for person in client.get("/api/organisation").json()["users"]]


def test_every_role_reads_its_organisations_people_only(migrated: Settings) -> None:
    ours, theirs = seed_organisation(migrated, "Sunrise PV"), seed_organisation(migrated, "Other Co")
    with client_for(migrated, ours.viewer) as client:
        body = client.get("/api/organisation").json()
        assert (body["id"], body["name"], body["kind"]) == (ours.id, "Sunrise PV", "manufacturer")
        assert _emails(client) == sorted([ours.admin, ours.editor, ours.viewer])
        assert theirs.admin not in _emails(client)
        assert all(set(person) == {"id", "email", "name", "role", "locked", "created_at"} for person in body["users"])


def test_an_admin_adds_a_person_who_can_log_in(migrated: Settings) -> None:
    ours = seed_organisation(migrated, "Sunrise PV")
    audit_before = count_rows(migrated, "audit_log")
    with client_for(migrated, ours.admin) as client:
        response = client.post("/api/organisation/users", json=NEW)
        assert response.status_code == 201, response.text
        assert response.json()["email"] == "analyst@sunrise-pv.example" and response.json()["role"] == "editor"
        login = client.post("/auth/login", json={"email": NEW["email"], "password": NEW["password"]})
        assert login.status_code == 200 and login.json()["organisation"]["id"] == ours.id
    assert count_rows(migrated, "audit_log") == audit_before + 3  # the admin's login, the new user, their login


def test_only_an_admin_adds_people(migrated: Settings) -> None:
    ours = seed_organisation(migrated, "Sunrise PV")
    with client_for(migrated, ours.editor) as client:
        response = client.post("/api/organisation/users", json=NEW)
        assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    assert count_rows(migrated, "users") == 3


def test_bad_people_are_refused_and_nothing_is_stored(migrated: Settings) -> None:
    ours = seed_organisation(migrated, "Sunrise PV")
    with client_for(migrated, ours.admin) as client:
        cases = [
            ({**NEW, "email": "not an email"}, 400, "invalid_input"),
            ({**NEW, "password": "short"}, 400, "invalid_input"),
            ({**NEW, "role": "owner"}, 422, "validation_error"),
            ({**NEW, "email": ours.viewer.upper()}, 409, "conflict"),
        ]
        for body, status, code in cases:
            response = client.post("/api/organisation/users", json=body)
            assert (response.status_code, response.json()["error"]["code"]) == (status, code), body
    assert count_rows(migrated, "users") == 3


def test_an_admin_adds_a_client_whose_secret_works_once_shown_and_disables_it(migrated: Settings) -> None:
    ours, theirs = seed_organisation(migrated, "Sunrise PV"), seed_organisation(migrated, "Other Co")
    with client_for(migrated, ours.admin) as admin:
        made = admin.post("/api/organisation/clients", json={"name": "ERP", "scopes": "studies:read"})
        assert made.status_code == 201, made.text
        body = made.json()
        assert body["scopes"] == ["studies:read"] and not body["disabled"] and len(body["client_secret"]) >= 32
        listed = admin.get("/api/organisation/clients").json()
        assert [item["client_id"] for item in listed] == [body["client_id"]]
        assert (
            "client_secret" not in listed[0]
            and body["client_secret"] not in admin.get("/api/organisation/clients").text
        )
        credentials = {"grant_type": "client_credentials"}
        token = admin.post("/auth/token", data=credentials, auth=(body["client_id"], body["client_secret"]))
        bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
        assert admin.get("/api/products", headers=bearer).status_code == 200
        disabled = admin.post(f"/api/organisation/clients/{body['client_id']}/disable")
        assert disabled.status_code == 200 and disabled.json()["disabled"] is True
        assert admin.get("/api/products", headers=bearer).status_code == 401
        again = admin.post("/auth/token", data=credentials, auth=(body["client_id"], body["client_secret"]))
        assert again.status_code in (400, 401)
    with client_for(migrated, theirs.admin) as other:
        assert other.post(f"/api/organisation/clients/{body['client_id']}/disable").status_code == 404
        assert other.get("/api/organisation/clients").json() == []


def test_a_client_needs_a_valid_scope(migrated: Settings) -> None:
    ours = seed_organisation(migrated, "Sunrise PV")
    with client_for(migrated, ours.admin) as admin:
        for scopes in (" ", 'studies:"read"'):
            response = admin.post("/api/organisation/clients", json={"scopes": scopes})
            assert response.status_code in (400, 422), response.text
    assert count_rows(migrated, "machine_clients") == 0


def test_control_characters_are_refused_naming_the_field(migrated: Settings) -> None:
    """NUL and BEL in a new person's email or name, a new client's name or scopes, or a client id in the path are
    422 at that field, on both databases, and nothing is stored."""
    ours = seed_organisation(migrated, "Sunrise PV")
    client_body = {"name": "ERP", "scopes": "studies:read"}
    with client_for(migrated, ours.admin) as admin:
        refused = [
            (admin.post("/api/organisation/users", json={**NEW, field: f"x{c}y@sunrise.example"}), ["body", field])
            for field in ("email", "name")
            for c in "\x00\x07"
        ] + [
            (admin.post("/api/organisation/clients", json={**client_body, field: f"x{c}y"}), ["body", field])
            for field in ("name", "scopes")
            for c in "\x00\x07"
        ]
        refused.append((admin.post("/api/organisation/clients/lc_%00/disable"), ["path", "client_id"]))
    for response, location in refused:
        assert response.status_code == 422, response.text
        detail = response.json()["error"]["details"][0]
        assert (detail["location"], detail["type"]) == (location, "control_character"), detail
    assert count_rows(migrated, "users") == 3 and count_rows(migrated, "machine_clients") == 0
