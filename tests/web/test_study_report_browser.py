"""The study page's report and Monte Carlo run in a real browser (Debian's Chromium, headless, Playwright), against
the platform served over loopback with its jobs in a process pool: a person logs in, opens a computed study,
downloads its PDF report (whose text holds the total the CLI prints), starts a Monte Carlo run, watches its progress
bar until the run ends, and sees the statistics and the histogram drawn."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from test_browser import JOB_TIMEOUT_MS, _log_in, browser

from lowcarbon.footprint import compute
from lowcarbon.footprint.montecarlo import footprint_uncertainty
from lowcarbon.platform.app import create_app
from lowcarbon.platform.migrate import upgrade
from lowcarbon.platform.settings import Settings
from lowcarbon.web.render import figure
from support.platform_servers import serving
from support.report_support import pdftotext
from support.study_support import PV_MODEL, client_for, create_product, inline, seed_organisation, submit

__all__ = ["browser"]  # the Chromium of test_browser, shared

ITERATIONS, SEED = 3000, 11


@pytest.fixture
def computed(tmp_path: Path) -> Iterator[tuple[str, str, int]]:
    """The platform on SQLite with the local process pool, served on loopback, holding a computed study of the PV
    module (computed inline beforehand); its URL, the editor's email and the study's id."""
    settings = Settings(data_dir=tmp_path / "data", job_workers=1)
    upgrade(settings)
    organisation = seed_organisation(settings, "Sunrise PV")
    with client_for(inline(settings), organisation.editor) as client:
        study_id = int(submit(client, create_product(client), PV_MODEL.read_text(encoding="utf-8"))["id"])
    with serving(create_app(settings)) as base:
        yield base, organisation.editor, study_id


def test_download_the_report_and_run_monte_carlo(
    browser: Browser, computed: tuple[str, str, int], tmp_path: Path
) -> None:
    base, email, study_id = computed
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []  # a script error or a refusal by the page's Content-Security-Policy
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        _log_in(page, base, "zh-CN", email)
        page.goto(f"{base}/studies/{study_id}")
        total = figure(compute(PV_MODEL).total, "zh_CN")
        expect(page.locator("#total")).to_have_text(total)

        expect(page.locator("#report-pdf")).to_have_text("报告 (PDF)")
        expect(page.locator("#report-html")).to_have_text("报告 (HTML)")
        with page.expect_download() as downloading:
            page.click("#report-pdf")
        download = downloading.value
        assert download.suggested_filename == f"study-{study_id}-v1-report-zh-CN.pdf"
        pdf = tmp_path / download.suggested_filename
        download.save_as(pdf)
        assert pdf.read_bytes().startswith(b"%PDF")
        assert f"{compute(PV_MODEL).total:.6g}" in pdftotext(pdf)  # as `lowcarbon footprint` prints it

        page.fill("#monte-carlo-form input[name=iterations]", str(ITERATIONS))
        page.fill("#monte-carlo-form input[name=seed]", str(SEED))
        page.click("#monte-carlo-form button[type=submit]")
        page.wait_for_url(f"{base}/studies/{study_id}#monte-carlo")
        expect(page.locator("#monte-carlo-progress")).to_be_visible()  # the pool's worker is still starting
        expect(page.locator("#monte-carlo-statistics")).to_be_visible(timeout=JOB_TIMEOUT_MS)
        expect(page.locator("#monte-carlo-progress")).to_have_count(0)
        expected = footprint_uncertainty(PV_MODEL, ITERATIONS, SEED)
        expect(page.locator("#monte-carlo-mean")).to_have_text(figure(expected.mean, "zh_CN"))
        expect(page.locator("#chart-monte-carlo svg")).to_have_count(1)  # ECharts drew the histogram
        expect(page.locator("#monte-carlo-contributors tbody tr").first).to_be_visible()
        page.screenshot(path=str(tmp_path / "monte-carlo.png"), full_page=True)
        assert errors == []
    finally:
        context.close()
