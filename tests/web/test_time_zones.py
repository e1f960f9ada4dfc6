"""Times in the person's time zone: Asia/Shanghai for a Chinese page and UTC for an English one by default, the zone a
person chose on their account page otherwise; in the locale's date format, with the zone named."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from lowcarbon.platform.settings import Settings
from lowcarbon.web.i18n import LANGUAGES
from lowcarbon.web.render import time_zone, when
from support.web_support import app_settings, chinese_editor, csrf_of, web

__all__ = ["app_settings", "web"]

NOON_UTC = datetime(2026, 12, 6, 12, 0, 5, tzinfo=UTC)


def test_a_time_is_shown_in_the_zone_and_the_locales_format() -> None:
    assert when(NOON_UTC, "zh_CN", "Asia/Shanghai") == "2026年12月6日 20:00:05（中国时间）"
    assert when(NOON_UTC, "en", "UTC") == "Dec 6, 2026, 12:00:05\u202fPM UTC"
    assert when(NOON_UTC, "en", "Europe/Berlin") == "Dec 6, 2026, 1:00:05\u202fPM (Central European Time)"
    assert when(None, "en") == "\u2013"


def test_the_zone_is_the_persons_else_the_languages() -> None:
    class Person:
        time_zone: str | None = None

    person = Person()
    assert time_zone(LANGUAGES["zh-CN"], person) == "Asia/Shanghai"
    assert time_zone(LANGUAGES["en"], person) == "UTC" == time_zone(LANGUAGES["en"])
    person.time_zone = "Europe/Berlin"
    assert time_zone(LANGUAGES["zh-CN"], person) == "Europe/Berlin"


def _added(page: str) -> str:
    """The time the products list shows a product was added at."""
    found = re.findall(r"<td>([^<]*\d{1,2}:\d{2}:\d{2}[^<]*)</td>", page)
    assert found, page
    return found[0]


@pytest.fixture
def person(app_settings: Settings, web: TestClient) -> TestClient:
    """An editor with a product, logged in, reading Chinese pages."""
    chinese_editor(app_settings, web)
    response = web.post("/products", data={"name": "PV", "csrf_token": csrf_of(web)}, follow_redirects=False)
    assert response.status_code == 303
    return web


def _hour(shown: str) -> int:
    match = re.search(r"(\d{1,2}):\d{2}:\d{2}", shown)
    assert match, shown
    return int(match.group(1))


def test_a_chinese_page_shows_china_time_and_an_english_one_utc_by_default(person: TestClient) -> None:
    chinese = _added(person.get("/products").text)
    assert chinese.endswith("（中国时间）")
    person.cookies.set("lowcarbon_lang", "en")
    english = _added(person.get("/products").text)
    assert english.endswith(" UTC")
    utc_hour = _hour(english) % 12 + (12 if "PM" in english else 0)
    assert _hour(chinese) == (utc_hour + 8) % 24


def test_a_person_chooses_their_time_zone_on_their_account_page(person: TestClient) -> None:
    account = person.get("/account").text
    assert "时区" in account and 'value="Asia/Shanghai"' in account
    chosen = person.post(
        "/account/time-zone",
        data={"time_zone": "Europe/Berlin", "csrf_token": csrf_of(person, "/account")},
        follow_redirects=False,
    )
    assert chosen.status_code == 303
    assert _added(person.get("/products").text).endswith("（中欧时间）")
    person.cookies.set("lowcarbon_lang", "en")
    assert _added(person.get("/products").text).endswith("(Central European Time)")
    refused = person.post(
        "/account/time-zone", data={"time_zone": "Mars/Olympus", "csrf_token": csrf_of(person, "/account")}
    )
    assert refused.status_code == 400 and "This is not a time zone" in refused.text
    back = person.post("/account/time-zone", data={"time_zone": "", "csrf_token": csrf_of(person, "/account")})
    assert back.status_code == 200 and _added(person.get("/products").text).endswith(" UTC")
