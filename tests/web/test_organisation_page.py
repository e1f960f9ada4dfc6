"""The admin's people page, on SQLite and PostgreSQL: only an admin sees it (and its link), adds a person through
its form, and gets the reason back in the page when the person cannot be added."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from study_support import count_rows, seed_organisation
from web_support import csrf_of, form_login

from lowcarbon.platform.app import create_app
from lowcarbon.platform.settings import Settings


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
