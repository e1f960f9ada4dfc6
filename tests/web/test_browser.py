"""The UI in a real browser: Debian's Chromium, headless, driven by Playwright, against the platform served over
loopback with its background jobs in a process pool. In each language a person logs in, adds a product, uploads
the PV module example, waits for the job, and reads the CLI's figures and the drawn charts on the page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from lowcarbon.footprint import compute, messages
from lowcarbon.platform.app import create_app
from lowcarbon.platform.migrate import upgrade
from lowcarbon.platform.settings import Settings
from lowcarbon.web.render import figure
from support.browser_support import browser
from support.platform_servers import serving
from support.study_support import PASSWORD, PV_MODEL, seed_organisation

__all__ = ["browser"]  # the fixture, from support.browser_support

JOB_TIMEOUT_MS = 120_000  # the pool's first job spawns a worker that imports numpy and scipy


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """The platform on SQLite with the local process pool, served on loopback; its URL and an editor's email."""
    settings = Settings(data_dir=tmp_path / "data", job_workers=1)
    upgrade(settings)
    organisation = seed_organisation(settings, "Sunrise PV")
    with serving(create_app(settings)) as base:
        yield base, organisation.editor


def _log_in(page: Page, base: str, tag: str, email: str) -> None:
    page.goto(f"{base}/lang/{tag}?next=/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/products")


@pytest.mark.parametrize(
    ("tag", "locale", "products", "footprint"),
    [("en", "en", "Products", "Carbon footprint"), ("zh-CN", "zh_CN", "产品", "碳足迹")],
)
def test_upload_a_model_and_read_its_footprint(
    browser: Browser, site: tuple[str, str], tag: str, locale: str, products: str, footprint: str, tmp_path: Path
) -> None:
    base, email = site
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []  # a script error or a refusal by the page's Content-Security-Policy
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        _log_in(page, base, tag, email)
        expect(page.locator("html")).to_have_attribute("lang", tag)
        expect(page.locator("nav.nav a.active")).to_have_text(products)

        page.fill("input[name=name]", f"PV module ({tag})")
        page.click("form[action='/products'] button[type=submit]")
        page.wait_for_url(f"{base}/products/*")
        page.set_input_files("input[name=file]", str(PV_MODEL))
        page.click("#new-study button[type=submit]")
        page.wait_for_url(f"{base}/studies/*")

        expected = compute(PV_MODEL)
        expect(page.locator("#total")).to_have_text(figure(expected.total, locale), timeout=JOB_TIMEOUT_MS)
        expect(page.locator(".total .label")).to_have_text(footprint)
        for stage, value in expected.by_stage.items():
            row = page.locator("#by-stage tr", has_text=messages.code(stage, tag))  # in the page's language
            expect(row.locator("td.num").first).to_have_text(figure(value, locale))
        for chart in ("stage", "gas", "hotspots"):  # ECharts drew each chart as SVG
            expect(page.locator(f"#chart-{chart} svg")).to_have_count(1)
        top = expected.hotspots[0]
        expect(page.locator("#hotspots tbody tr").first).to_contain_text(figure(top.kg_co2e, locale))
        page.screenshot(path=str(tmp_path / f"study-{tag}.png"), full_page=True)

        page.click("form[action='/logout'] button")
        page.wait_for_url(f"{base}/login")
        assert errors == []
    finally:
        context.close()


def test_the_api_docs_render_from_the_sites_own_files(browser: Browser, site: tuple[str, str]) -> None:
    """Swagger UI draws every operation with no network but the site's (this machine has none, as many don't)."""
    base, _ = site
    context = browser.new_context()
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda request: None if request.url.startswith(base) else outside.append(request.url))
    try:
        page.goto(f"{base}/docs")
        expect(page.locator(".opblock-summary-path", has_text="/api/products/{product_id}/studies")).to_have_count(2)
        paths = page.locator(".opblock-summary-path")
        expect(paths.filter(has_text="/api/organisation/users").first).to_be_visible()
        texts = paths.evaluate_all("nodes => nodes.map(node => node.textContent.replace(/\u200b/g, ''))")
        assert texts.count("/api/organisation/users") == 1  # its operations under one path; others under /{user_id}
        assert outside == []
    finally:
        context.close()
