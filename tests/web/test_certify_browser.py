"""A whole certification in a real browser (Debian's Chromium, headless, driven by Playwright) against the platform
served over loopback, in Chinese: the manufacturer applies from its computed study; the body's verifier accepts,
reviews the documents, records and closes a finding, completes the inspection, re-computes the footprint and gives
its opinion; the reviewer recommends; the decision-maker grants and the certificate is issued. Then, without logging
in, the public page at the URL the label's QR code holds (decoded from the PNG) shows the certificate valid; after the
body revokes it, the same page shows it revoked."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
import zxingcpp
from fastapi.testclient import TestClient
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from lowcarbon.platform.app import create_app
from lowcarbon.platform.migrate import upgrade
from lowcarbon.platform.settings import Settings
from support.browser_support import browser
from support.certify_support import _seed, email
from support.platform_servers import serving
from support.study_support import PASSWORD, TSHIRT_FACTORS, TSHIRT_MODEL

__all__ = ["browser"]  # the fixture, from support.browser_support


@pytest.fixture
def site(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """The platform (jobs inline) on loopback with the applicant's computed T-shirt study."""
    settings = Settings(data_dir=tmp_path / "data", job_runner="inline")
    upgrade(settings)
    _seed(settings)
    with TestClient(create_app(settings)) as api:
        login = api.post("/auth/login", json={"email": email("applicant"), "password": PASSWORD})
        api.headers["X-CSRF-Token"] = login.json()["csrf_token"]
        product = api.post("/api/products", json={"name": "Cotton T-shirt"}).json()
        files = [{"name": "factors.csv", "content": TSHIRT_FACTORS.read_text(encoding="utf-8")}]
        body = {"model": TSHIRT_MODEL.read_text(encoding="utf-8"), "files": files}
        study = api.post(f"/api/products/{product['id']}/studies", json=body).json()
        total = api.get(f"/api/studies/{study['id']}").json()["total"]
    with serving(create_app(settings)) as base:
        yield {"base": base, "total": total}


def _log_in(page: Page, base: str, caller: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/lang/zh-CN?next=/login")
    page.fill("input[name=email]", email(caller))
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/products")


def _move(page: Page, move: str, **fields: str) -> None:
    form = page.locator(f"form.move-form[data-move={move}]")
    for name, value in fields.items():
        field = form.locator(f"[name={name}]")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        elif field.get_attribute("type") == "checkbox":
            field.check()
        else:
            field.fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("#move-error")).to_have_count(0)


def _state(page: Page) -> str:
    return str(page.locator("#application-state").get_attribute("data-state"))


def test_a_whole_certification_in_the_browser(browser: Browser, site: dict[str, Any]) -> None:
    base = site["base"]
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    _log_in(page, base, "applicant")
    page.goto(f"{base}/certify")
    page.click("#apply-link")
    page.select_option("select[name=category]", "carbon-footprint-label/textiles")
    page.select_option("select[name=body_id]", label="Greenmark Cert")
    page.fill("textarea[name=models]", "AT-100, AT-101")
    page.fill("textarea[name=sites]", "苏州工厂")
    page.fill("input[name=scope]", "针织棉质T恤")
    page.click("#apply-form button[type=submit]")
    page.wait_for_url(f"{base}/certify/applications/*")
    application = page.url
    assert _state(page) == "submitted"

    _log_in(page, base, "verifier")
    page.goto(f"{base}/certify")
    page.click(f"#queues a[href='{application.removeprefix(base)}']")
    _move(page, "accept")
    assert _state(page) == "document_review"
    _move(page, "pass_document_review")
    page.fill("#finding-form textarea[name=text]", "电表校准证书过期")
    page.select_option("#finding-form select[name=severity]", "observation")
    page.click("#finding-form button[type=submit]")
    page.locator(".finding[data-status=open] button[type=submit]").click()
    expect(page.locator(".finding[data-status=closed]")).to_have_count(1)
    _move(page, "complete_inspection")
    assert _state(page) == "verification"
    recomputed = page.locator("#recomputed .recomputed-total").first.inner_text()
    assert recomputed.replace(",", "").startswith(f"{site['total']:.5g}"[:5])
    _move(page, "verify", opinion="positive", data_sources_checked="on", pcr_checked="on", findings="与声明值一致")
    assert _state(page) == "technical_review"
    expect(page.locator("form.move-form")).to_have_count(0)  # the verifier may not review its own verification
    expect(page.locator("#waiting")).to_be_visible()

    _log_in(page, base, "reviewer")
    page.goto(application)
    _move(page, "recommend")
    _log_in(page, base, "decider")
    page.goto(application)
    _move(page, "grant")
    assert _state(page) == "certified"
    page.click("#certificate-link")
    number = page.locator("#certificate-number").inner_text()
    expect(page.locator("#certificate-status")).to_have_attribute("data-status", "valid")

    png = httpx2.get(f"{base}/api/public/certificates/{number}/label.png").content
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert [code.text for code in decoded] == [f"{base}/verify/{number}"]
    public = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    public.goto(decoded[0].text)
    expect(public.locator("#certificate-status")).to_have_attribute("data-status", "valid")
    expect(public.locator("#signature")).to_have_attribute("data-valid", "true")
    assert public.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    _log_in(page, base, "verifier")
    page.goto(f"{base}/certify/certificates/{number}")
    _move(page, "revoke", note="持证人未按期整改")
    public.reload()
    expect(public.locator("#certificate-status")).to_have_attribute("data-status", "revoked")
    assert not errors, errors
