"""The browser UI's own pages over HTTP, on SQLite and PostgreSQL: login and its redirects, the language switch,
the headers every page sends, static files and the API's documentation (the pages of products and studies are tested
with the footprint domain, tests/footprint/test_study_pages.py)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from lowcarbon.platform.settings import Settings
from support.study_support import count_rows, seed_organisation
from support.web_support import app_settings, web

__all__ = ["app_settings", "web"]  # the fixtures, shared with the other page tests


def test_pages_send_a_stranger_to_the_login_page_and_back(app_settings: Settings, web: TestClient) -> None:
    organisation = seed_organisation(app_settings, "Sunrise PV")
    with web:
        response = web.get("/products?after=5", follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == "/login?next=/products%3Fafter%3D5"
        login = web.post(
            "/login",
            data={"email": organisation.editor, "password": "correct horse battery staple 光伏", "next": "/products"},
            follow_redirects=False,
        )
        assert login.status_code == 303 and login.headers["location"] == "/products"
        assert "lowcarbon_session" in login.cookies
        assert web.get("/", follow_redirects=False).headers["location"] == "/products"


def test_a_failed_login_says_why_in_the_page_language_and_counts(app_settings: Settings, web: TestClient) -> None:
    organisation = seed_organisation(app_settings, "Sunrise PV")
    with web:
        web.cookies.set("lowcarbon_lang", "zh-CN")
        response = web.post("/login", data={"email": organisation.editor, "password": "wrong password, long enough"})
        assert response.status_code == 401
        assert "电子邮箱或密码错误" in response.text
        web.cookies.set("lowcarbon_lang", "en")
        response = web.post("/login", data={"email": organisation.editor, "password": "wrong password, long enough"})
        assert "The email or password is wrong" in response.text
    assert count_rows(app_settings, "login_sessions") == 0


def test_an_email_with_a_control_character_is_refused_in_the_page_language(web: TestClient) -> None:
    with web:
        for language, reason in (("zh-CN", "电子邮箱不能包含控制字符"), ("en", "The email must not contain control")):
            web.cookies.set("lowcarbon_lang", language)
            response = web.post("/login", data={"email": "x\x00y@sunrise-pv.example", "password": "x" * 20})
            assert response.status_code == 422 and reason in response.text


def test_login_never_redirects_to_another_site(app_settings: Settings, web: TestClient) -> None:
    organisation = seed_organisation(app_settings, "Sunrise PV")
    with web:
        for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
            data = {"email": organisation.editor, "password": "correct horse battery staple 光伏", "next": target}
            response = web.post("/login", data=data, follow_redirects=False)
            assert response.headers["location"] == "/"
        assert web.get("/lang/en?next=//evil.example", follow_redirects=False).headers["location"] == "/"


def test_the_language_switch_and_the_browser_preference(app_settings: Settings, web: TestClient) -> None:
    with web:
        page = web.get("/login", headers={"Accept-Language": "en-GB,en;q=0.8"})
        assert '<html lang="en">' in page.text and page.headers["content-language"] == "en"
        assert '<html lang="zh-CN">' in web.get("/login", headers={"Accept-Language": "de-DE"}).text
        switched = web.get("/lang/en?next=/login", follow_redirects=False)
        assert switched.status_code == 303 and switched.headers["location"] == "/login"
        assert "lowcarbon_lang=en" in switched.headers["set-cookie"]
        web.cookies.set("lowcarbon_lang", "en")
        assert '<html lang="en">' in web.get("/login", headers={"Accept-Language": "zh-CN"}).text
        assert web.get("/lang/fr").status_code == 404


def test_pages_forbid_framing_and_outside_scripts(web: TestClient) -> None:
    with web:
        headers = web.get("/login").headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert "script-src 'self';" in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"


def test_static_files_are_served(web: TestClient) -> None:
    with web:
        for path in (
            "/static/app.css",
            "/static/charts.js",
            "/static/vendor/htmx.min.js",
            "/static/vendor/echarts.min.js",
        ):
            assert web.get(path).status_code == 200, path


def test_the_api_docs_load_nothing_from_another_site(web: TestClient) -> None:
    with web:
        page = web.get("/docs").text
        assert "/static/vendor/swagger-ui-bundle.js" in page and "/openapi.json" in page
        assert "cdn." not in page and "https://" not in page
        assert web.get("/redoc").status_code == 404
