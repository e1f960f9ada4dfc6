"""The admin's people page, on SQLite and PostgreSQL: only an admin sees it (and its link), adds a person through
its form, and gets the reason back in the page when the person cannot be added."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from lowcarbon.platform.app import create_app
from lowcarbon.platform.settings import Settings
from support.study_support import count_rows, seed_organisation
from support.web_support import csrf_of, form_login


@pytest.fixture
def web(migrated: Settings) -> TestClient:
    return TestClient(create_app(migrated))


def test_only_an_admin_sees_the_people_page_and_its_link(migrated: Settings, web: TestClient) -> None:
    organisation = seed_organisation(migrated, "Sunrise PV")
    with web:
        for email, allowed in ((organisation.admin, True), (organisation.editor, False), (organisation.viewer, False)):
            form_login(web, email)
            assert ('href="/organisation"' in web.get("/products").text) is allowed
            assert web.get("/organisation").status_code == (200 if allowed else 403)


def test_an_admin_adds_a_person_with_the_form(migrated: Settings, web: TestClient) -> None:
    organisation = seed_organisation(migrated, "Sunrise PV")
    with web:
        form_login(web, organisation.admin)
        web.cookies.set("lowcarbon_lang", "zh-CN")
        page = web.get("/organisation").text
        assert organisation.viewer in page and "管理员" in page and "制造商" in page
        person = {"email": "new@sunrise-pv.example", "name": "New", "role": "editor", "password": "x" * 20}
        response = web.post("/organisation/users", data={**person, "csrf_token": csrf_of(web)}, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/organisation"
        assert "new@sunrise-pv.example" in web.get("/organisation").text
        taken = web.post("/organisation/users", data={**person, "csrf_token": csrf_of(web)})
        assert taken.status_code == 409 and "already has an account" in taken.text
        short = {**person, "email": "other@sunrise-pv.example", "password": "short"}
        refused = web.post("/organisation/users", data={**short, "csrf_token": csrf_of(web)})
        assert refused.status_code == 400 and 'value="other@sunrise-pv.example"' in refused.text
        form_login(web, "new@sunrise-pv.example", "x" * 20)
    assert count_rows(migrated, "users") == 4


def test_an_admin_adds_a_machine_client_sees_its_secret_once_and_disables_it(
    migrated: Settings, web: TestClient
) -> None:
    organisation = seed_organisation(migrated, "Sunrise PV")
    with web:
        form_login(web, organisation.admin)
        fields = {"name": "ERP", "scope.studies:read": "on", "scope.studies:write": "on", "csrf_token": csrf_of(web)}
        created = web.post("/organisation/clients", data=fields)
        assert created.status_code == 201
        client_id = re.search(r'<code id="new-client-id">([^<]+)</code>', created.text)
        secret = re.search(r'<code id="new-client-secret">([^<]+)</code>', created.text)
        assert client_id and secret
        page = web.get("/organisation").text
        assert client_id.group(1) in page and secret.group(1) not in page and "studies:read studies:write" in page
        token = web.post(
            "/auth/token", data={"grant_type": "client_credentials"}, auth=(client_id.group(1), secret.group(1))
        )
        assert token.status_code == 200 and token.json()["scope"] == "studies:read studies:write"
        disable = f"/organisation/clients/{client_id.group(1)}/disable"
        assert web.post(disable, data={"csrf_token": csrf_of(web)}, follow_redirects=False).status_code == 303
        web.cookies.set("lowcarbon_lang", "en")
        page = web.get("/organisation").text
        assert 'status-failed">Disabled</span>' in page
        assert "<title>People · lowcarbon</title>" in page and page.count('id="clients"') == 1
        none = web.post("/organisation/clients", data={"name": "x", "csrf_token": csrf_of(web)})
        assert none.status_code == 400
    assert count_rows(migrated, "machine_clients") == 1


def test_control_characters_in_the_forms_are_shown_refused(migrated: Settings, web: TestClient) -> None:
    """NUL or BEL in a person's email or name, or a client's name, is 422 with the reason naming the field."""
    organisation = seed_organisation(migrated, "Sunrise PV")
    person = {"email": "new@sunrise-pv.example", "name": "New", "role": "editor", "password": "x" * 20}
    with web:
        form_login(web, organisation.admin)
        for control in "\x00\x07":
            for field in ("email", "name"):
                sent = {**person, field: f"{control}{person[field]}", "csrf_token": csrf_of(web, "/organisation")}
                refused = web.post("/organisation/users", data=sent)
                assert refused.status_code == 422 and f"{field}: must not contain control characters" in refused.text
            sent = {"name": f"ERP{control}", "scope.studies:read": "on", "csrf_token": csrf_of(web, "/organisation")}
            refused = web.post("/organisation/clients", data=sent)
            assert refused.status_code == 422 and "name: must not contain control characters" in refused.text
    assert count_rows(migrated, "users") == 3 and count_rows(migrated, "machine_clients") == 0
