"""What a reviewer tried against the pages and the API, kept as tests: odd ids, a fragment polled after the session
ended, the language switch on a page answered to a form, form errors shown as pages, caching, and a login posted by
another site."""

from __future__ import annotations

import base64
import re

import pytest
from fastapi.testclient import TestClient

from lowcarbon.platform.app import create_app
from lowcarbon.platform.settings import Settings
from support.study_support import PASSWORD, seed_organisation
from support.web_support import csrf_of, form_login

HUGE = "9" * 30


@pytest.fixture
def web(migrated: Settings) -> TestClient:
    return TestClient(create_app(migrated))


@pytest.mark.parametrize(
    "path", [f"/products/{HUGE}", f"/studies/{HUGE}", f"/products?after={HUGE}", "/products/1?edit=0"]
)
def test_odd_ids_in_pages_are_refused_not_crashed(migrated: Settings, web: TestClient, path: str) -> None:
    organisation = seed_organisation(migrated, "Sunrise PV")
    with web:
        form_login(web, organisation.viewer)
        response = web.get(path)
        assert response.status_code == 422 and 'data-error-code="validation_error"' in response.text


@pytest.mark.parametrize(
    "path",
    [
        f"/api/studies/{HUGE}",
        f"/api/studies/{2**31}",  # past PostgreSQL's INTEGER, which the id columns are
        f"/api/products/{HUGE}/studies",
        "/api/products?cursor=",
        "/api/products?cursor=" + base64.urlsafe_b64encode("id:²".encode()).decode(),
        "/api/products?cursor=" + base64.urlsafe_b64encode(f"id:{'9' * 5000}".encode()).decode(),
    ],
)
def test_odd_ids_in_the_api_are_refused_not_crashed(migrated: Settings, web: TestClient, path: str) -> None:
    organisation = seed_organisation(migrated, "Sunrise PV")
    with web:
        form_login(web, organisation.viewer)
        response = web.get(path)
        assert response.status_code in (400, 422)
        assert response.json()["error"]["code"] in ("invalid_input", "validation_error")


def test_a_fragment_polled_after_the_session_ended_leads_back_to_its_page(web: TestClient) -> None:
    with web:
        response = web.get(
            "/studies/7/status",
            headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/studies/7"},
            follow_redirects=False,
        )
        assert response.status_code == 204 and response.headers["hx-redirect"] == "/login?next=/studies/7"
        foreign = web.get(
            "/studies/7/status",
            headers={"HX-Request": "true", "HX-Current-URL": "https://evil.example/x"},
            follow_redirects=False,
        )
        assert foreign.headers["hx-redirect"] == "/login?next=/"


def test_a_form_error_is_a_page_with_the_switch_back_to_the_form(migrated: Settings, web: TestClient) -> None:
    organisation = seed_organisation(migrated, "Sunrise PV")
    with web:
        form_login(web, organisation.editor)
        web.cookies.set("lowcarbon_lang", "en")
        fields = {"name": "PV module", "csrf_token": csrf_of(web)}
        assert web.post("/products", data=fields, follow_redirects=False).status_code == 303
        again = web.post("/products", data=fields, headers={"Referer": "http://testserver/products?after=5"})
        assert again.status_code == 409 and "already" in again.text and 'value="PV module"' in again.text
        assert 'href="/lang/zh-CN?next=/products%3Fafter%3D5"' in again.text
        assert "no-store" in again.headers["cache-control"] and "Accept-Language" in again.headers["vary"]


def test_a_login_posted_by_another_site_is_refused(migrated: Settings, web: TestClient) -> None:
    organisation = seed_organisation(migrated, "Sunrise PV")
    with web:
        for origin in ("https://evil.example", "null"):
            response = web.post(
                "/login",
                data={"email": organisation.editor, "password": PASSWORD},
                headers={"Origin": origin},
                follow_redirects=False,
            )
            assert response.status_code == 403 and 'data-error-code="csrf_failed"' in response.text
        ours = web.post(
            "/login",
            data={"email": organisation.editor, "password": PASSWORD},
            headers={"Origin": "http://testserver"},
            follow_redirects=False,
        )
        assert ours.status_code == 303
        assert re.match(r"lowcarbon_session=", ours.headers["set-cookie"])


def test_an_unknown_address_is_a_page_for_a_browser_and_json_for_a_program(web: TestClient) -> None:
    with web:
        browser = web.get("/no/such/page", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
        assert browser.status_code == 404 and 'data-error-code="not_found"' in browser.text
        program = web.get("/no/such/page", headers={"Accept": "application/json"})
        assert program.status_code == 404 and program.json()["error"]["code"] == "not_found"
        api = web.get("/api/studies/1", headers={"Accept": "text/html"})
        assert api.status_code == 401 and api.json()["error"]["code"] == "not_authenticated"
