"""Support for the UI tests: the app with jobs run inline (fixtures ``app_settings`` and ``web``, imported by the
test modules that use them), logging in through the login form, and the CSRF token a page's forms carry."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from lowcarbon.platform.app import create_app
from lowcarbon.platform.settings import Settings
from support.study_support import PASSWORD, inline, seed_organisation

_CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def app_settings(migrated: Settings) -> Settings:
    """The test's database, with jobs run inline (before the response)."""
    return inline(migrated)


@pytest.fixture
def web(app_settings: Settings) -> Any:
    """A client of the platform's app on ``app_settings``."""
    return TestClient(create_app(app_settings))


def form_login(client: TestClient, email: str, password: str = PASSWORD) -> None:
    """Log ``client`` in through the login form (no CSRF header: the pages' forms carry the token)."""
    client.cookies.clear()
    response = client.post("/login", data={"email": email, "password": password}, follow_redirects=False)
    assert response.status_code == 303, response.text


def csrf_of(client: TestClient, path: str = "/products") -> str:
    """The CSRF token in the forms of the page at ``path``."""
    match = _CSRF_FIELD.search(client.get(path).text)
    assert match, f"{path} has no form with a CSRF token"
    return match.group(1)


def chinese_editor(settings: Settings, client: TestClient, organisation: str = "Sunrise PV") -> TestClient:
    """``client`` opened and logged in as the editor of a new ``organisation``, reading the pages in Chinese."""
    editor = seed_organisation(settings, organisation).editor
    client.__enter__()
    form_login(client, editor)
    client.cookies.set("lowcarbon_lang", "zh-CN")
    return client
