"""Managing an organisation's people over the API, on SQLite and PostgreSQL: an admin changes a role, removes a
person (who keeps their history), resets a password and unlocks an account, but never leaves the organisation without
an admin; a person changes their own password. Every change is audited, without a password."""

from __future__ import annotations

from fastapi.testclient import TestClient

from lowcarbon.platform.settings import Settings
from support.auth_support import audit_entries, audit_verifies, entries_text
from support.study_support import PASSWORD, client_for, create_product, log_in, refusal, seed_organisation

NEW_PASSWORD = "a brand new passphrase 2027"


def _ids(client: TestClient) -> dict[str, int]:
    return {person["email"]: person["id"] for person in client.get("/api/organisation").json()["users"]}


def _login(client: TestClient, email: str, password: str = PASSWORD) -> int:
    client.cookies.clear()
    return client.post("/auth/login", json={"email": email, "password": password}).status_code


def test_an_admin_changes_a_role_but_keeps_an_admin(migrated: Settings) -> None:
    ours, theirs = seed_organisation(migrated, "Sunrise PV"), seed_organisation(migrated, "Other Co")
    with client_for(migrated, ours.admin) as admin:
        ids = _ids(admin)
        promoted = admin.patch(f"/api/organisation/users/{ids[ours.editor]}", json={"role": "admin"})
        assert promoted.status_code == 200 and promoted.json()["role"] == "admin", promoted.text
        demoted = admin.patch(f"/api/organisation/users/{ids[ours.admin]}", json={"role": "viewer"})  # not the last
        assert demoted.json()["role"] == "viewer"
    with client_for(migrated, ours.editor) as new_admin:  # an admin now: the role counts at once
        last = new_admin.patch(f"/api/organisation/users/{ids[ours.editor]}", json={"role": "editor"})
        assert refusal(last) == (409, "conflict") and "last admin" in last.json()["error"]["message"]
        assert refusal(new_admin.delete(f"/api/organisation/users/{ids[ours.editor]}")) == (409, "conflict")
        assert refusal(new_admin.patch(f"/api/organisation/users/{ids[ours.viewer]}", json={"role": "owner"}))[0] == 422
        assert theirs.admin not in _ids(new_admin)
    with client_for(migrated, theirs.admin) as other:
        assert refusal(other.patch(f"/api/organisation/users/{ids[ours.viewer]}", json={"role": "admin"})) == (
            404,
            "not_found",
        )
    with client_for(migrated, ours.viewer) as viewer:
        assert refusal(viewer.delete(f"/api/organisation/users/{ids[ours.admin]}")) == (403, "forbidden")
    changes = [(e.before["role"], e.after["role"]) for e in audit_entries(migrated) if e.action == "change_role"]
    assert changes == [("editor", "admin"), ("admin", "viewer")]


def test_a_removed_person_cannot_log_in_and_keeps_their_history(migrated: Settings) -> None:
    ours = seed_organisation(migrated, "Sunrise PV")
    with client_for(migrated, ours.editor) as editor:
        product = create_product(editor, "PV module")
        assert editor.get("/api/organisation").status_code == 200
        with client_for(migrated, ours.admin) as admin:
            ids = _ids(admin)
            assert admin.delete(f"/api/organisation/users/{ids[ours.editor]}").status_code == 204
            assert ours.editor not in _ids(admin)
            assert refusal(admin.delete(f"/api/organisation/users/{ids[ours.editor]}")) == (404, "not_found")
            assert admin.get(f"/api/products/{product}/studies").status_code == 200
        assert refusal(editor.get("/api/organisation")) == (401, "not_authenticated")  # the session ended
        assert _login(editor, ours.editor) == 401
    entries = audit_entries(migrated)
    removal = next(e for e in entries if e.action == "remove")
    assert removal.after["removed_at"] is not None and not removal.after["has_password"]
    assert any(e.actor == f"user:{ids[ours.editor]}" and e.entity == "product" for e in entries)  # history stays
    assert audit_verifies(migrated)


def test_an_admin_resets_a_password_and_unlocks_an_account(migrated: Settings) -> None:
    ours = seed_organisation(migrated, "Sunrise PV")
    with client_for(migrated) as stranger:
        for _ in range(5):
            assert _login(stranger, ours.viewer, "wrong password, wrong password") == 401
        assert _login(stranger, ours.viewer) == 401  # locked
    with client_for(migrated, ours.admin) as admin:
        ids = _ids(admin)
        locked = next(p for p in admin.get("/api/organisation").json()["users"] if p["email"] == ours.viewer)
        assert locked["locked"]
        unlocked = admin.post(f"/api/organisation/users/{ids[ours.viewer]}/unlock")
        assert unlocked.status_code == 200 and not unlocked.json()["locked"], unlocked.text
        assert _login(admin, ours.viewer) == 200
        log_in(admin, ours.admin)
        short = admin.post(f"/api/organisation/users/{ids[ours.viewer]}/password", json={"password": "short"})
        assert refusal(short) == (400, "invalid_input")
        reset = admin.post(f"/api/organisation/users/{ids[ours.viewer]}/password", json={"password": NEW_PASSWORD})
        assert reset.status_code == 200, reset.text
        assert _login(admin, ours.viewer) == 401 and _login(admin, ours.viewer, NEW_PASSWORD) == 200
    actions = [e.action for e in audit_entries(migrated) if e.entity == "user"]
    assert "unlock" in actions and "reset_password" in actions
    assert NEW_PASSWORD not in entries_text(audit_entries(migrated))


def test_a_person_changes_their_own_password(migrated: Settings) -> None:
    ours = seed_organisation(migrated, "Sunrise PV")
    with client_for(migrated, ours.viewer) as other_session, client_for(migrated, ours.viewer) as client:
        wrong = client.post("/auth/password", json={"current_password": "not it at all", "new_password": NEW_PASSWORD})
        assert refusal(wrong) == (400, "invalid_input")
        short = client.post("/auth/password", json={"current_password": PASSWORD, "new_password": "short"})
        assert refusal(short) == (400, "invalid_input")
        changed = client.post("/auth/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD})
        assert changed.status_code == 204, changed.text
        assert client.get("/auth/me").status_code == 200  # this session stays
        assert other_session.get("/auth/me").status_code == 401  # the other one ended
        assert _login(client, ours.viewer) == 401 and _login(client, ours.viewer, NEW_PASSWORD) == 200
    entries = audit_entries(migrated)
    (change,) = [e for e in entries if e.action == "change_password"]
    assert change.actor == f"user:{change.entity_id}"
    assert NEW_PASSWORD not in entries_text(entries) and PASSWORD not in entries_text(entries)
