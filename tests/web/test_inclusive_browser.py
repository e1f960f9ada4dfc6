"""The carbon-inclusive pages in a real browser (Chromium, headless, Playwright) against the platform served over
loopback: a partner's signed batch arrives over HTTP; the person opens the account link the partner asked for, on a
phone, and sees the credited reduction and points and the chart; a burst of trips is held, the operator logs in,
releases one and refuses another on the dashboard; the person's account then shows the released credit, and a
reward redeemed there takes its points."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2
import pytest
from playwright.sync_api import Browser, expect

from lowcarbon.inclusive import partners
from lowcarbon.platform import accounts
from lowcarbon.platform.app import create_app
from lowcarbon.platform.database import create_engine, session_factory
from lowcarbon.platform.migrate import upgrade
from lowcarbon.platform.settings import Settings
from support.browser_support import browser
from support.platform_servers import serving
from support.study_support import PASSWORD

__all__ = ["browser"]  # the fixture, from support.browser_support

OPERATOR = "operator@scheme.example"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[dict[str, Any]]:
    settings = Settings(data_dir=tmp_path / "data")
    upgrade(settings)
    engine = create_engine(settings)
    try:
        with session_factory(engine, write=True).begin() as session:
            operator = accounts.create_organisation(session, name="Scheme Operator", kind="operator", actor="t")
            accounts.create_user(
                session, email=OPERATOR, organisation_id=operator.id, role="admin", password=PASSWORD, actor="t"
            )
            from lowcarbon.inclusive import service
            from lowcarbon.inclusive.pages import register_partner
            from lowcarbon.platform.audit import AuditTrail

            partner = register_partner(session, "t", datetime.now(UTC), name="Metro App", region="Beijing")
            service.add_reward(
                session,
                AuditTrail(session, "t"),
                datetime.now(UTC),
                name_zh="地铁票",
                name_en="Metro ticket",
                points=20,
                stock=10,
            )
    finally:
        engine.dispose()
    with serving(create_app(settings)) as base:
        yield {"base": base, "partner": partner}


def _signed(base: str, partner: partners.NewPartner, path: str, document: dict[str, Any]) -> Any:
    body = json.dumps(document).encode()
    stamp = str(int(time.time()))
    headers = {
        "X-Partner-Id": str(partner.id),
        "X-Timestamp": stamp,
        "X-Signature": partners.signature(partner.secret, stamp, body),
        "Content-Type": "application/json",
    }
    return httpx2.post(f"{base}{path}", content=body, headers=headers)


def test_account_page_and_the_operator_releasing_a_held_event(browser: Browser, site: dict[str, Any]) -> None:
    base, partner = site["base"], site["partner"]
    when = datetime.now(UTC) - timedelta(days=3)  # past the metro's delay: credited at once
    trips = [
        {
            "id": f"t{n}",
            "person": "ann",
            "behaviour": "metro_trip",
            "occurred_at": (when + timedelta(minutes=n)).isoformat(),
            "quantities": {"distance_km": 12.5},
        }
        for n in range(4)
    ]
    answer = _signed(base, partner, "/api/inclusive/events", {"events": trips})
    assert answer.status_code == 200, answer.text
    statuses = [r["status"] for r in answer.json()["results"]]
    assert statuses == ["credited", "credited", "held", "held"]  # more than two within 15 minutes: a burst
    link = _signed(base, partner, "/api/inclusive/account-links", {"person": "ann"}).json()["url"]

    person = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    errors: list[str] = []
    person.on("pageerror", lambda error: errors.append(str(error)))
    person.goto(f"{base}/lang/zh-CN?next={link}")
    expect(person.locator("#balance-points")).to_have_attribute("data-points", "52")
    expect(person.locator("#over-time [data-chart]")).to_have_attribute("data-drawn", "true")
    assert person.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    operator = browser.new_context().new_page()
    operator.on("pageerror", lambda error: errors.append(str(error)))
    operator.goto(f"{base}/lang/zh-CN?next=/login")
    operator.fill("input[name=email]", OPERATOR)
    operator.fill("input[name=password]", PASSWORD)
    operator.click("button[type=submit]")
    operator.wait_for_url(f"{base}/products")
    operator.goto(f"{base}/inclusive")
    expect(operator.locator("[data-held]")).to_have_count(2)
    operator.locator("[data-held=t2] button.primary").click()
    expect(operator.locator("[data-held]")).to_have_count(1)
    operator.locator("[data-held=t3] button.danger").click()
    expect(operator.locator("#none-held")).to_be_visible()

    person.reload()
    expect(person.locator("#balance-points")).to_have_attribute("data-points", "78")
    person.locator("form.reward button[type=submit]").first.click()
    expect(person.locator("#balance-points")).to_have_attribute("data-points", "58")
    assert not errors, errors
