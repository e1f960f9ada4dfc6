"""The GHG inventory in a real browser (Debian's Chromium, headless, Playwright), against the platform served over
loopback: an editor downloads the Excel template, uploads it filled in (the worked example), sees the inventory by
ISO 14064-1 category and by scope with its charts, enters a month of a site's activity data and sees the totals
move by it, imports another month from a CSV file (GBK, Chinese headers), and downloads the report."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, expect
from test_browser import _log_in, browser

from lowcarbon.inventory.compute import compute_inventory
from lowcarbon.inventory.excel import ACTIVITIES
from lowcarbon.inventory.model import Activity
from lowcarbon.inventory.read import load_inventory
from lowcarbon.platform.app import create_app
from lowcarbon.platform.migrate import upgrade
from lowcarbon.platform.settings import Settings
from lowcarbon.web.render import figure
from support.browser_support import watched_page
from support.inventory_support import EXAMPLE, example_data, filled_template
from support.platform_servers import serving
from support.report_support import pdftotext
from support.study_support import seed_organisation

__all__ = ["browser"]  # the Chromium of test_browser, shared


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """The platform on SQLite served on loopback, with a manufacturer; its URL and the editor's email."""
    settings = Settings(data_dir=tmp_path / "data")
    upgrade(settings)
    organisation = seed_organisation(settings, "Example Motors")
    with serving(create_app(settings)) as base:
        yield base, organisation.editor


def test_enter_a_month_upload_the_template_import_a_csv_and_download_the_report(
    browser: Browser, site: tuple[str, str], tmp_path: Path
) -> None:
    base, email = site
    context = browser.new_context(accept_downloads=True)
    page, errors = watched_page(context)
    try:
        _log_in(page, base, "en", email)
        page.goto(f"{base}/inventory")
        with page.expect_download() as downloading:
            page.click("#template")
        template = tmp_path / "template.xlsx"
        downloading.value.save_as(template)
        assert ACTIVITIES in load_workbook(template).sheetnames

        workbook = tmp_path / "inventory.xlsx"  # the worked example typed into the template
        workbook.write_bytes(filled_template(example_data()))
        page.set_input_files("#upload-new input[name=file]", str(workbook))
        page.click("#upload-new button[type=submit]")
        page.wait_for_url(f"{base}/inventory/*")
        inventory, library = load_inventory(EXAMPLE)
        expected = compute_inventory(inventory, library)
        expect(page.locator("#total strong")).to_have_text(figure(expected.total, "en"))
        expect(page.locator("#by-category tbody tr")).to_have_count(6)
        expect(page.locator("#by-scope tr[data-scope='2-market'] td.num")).to_have_text(
            figure(expected.totals.by_scope["2-market"], "en")
        )
        expect(page.locator("#result .chart svg")).to_have_count(2)  # ECharts drew both charts

        # December at plant A: 20 MWh of grid electricity and 2,000 Nm3 of natural gas
        page.select_option("#month-choice select[name=site]", "plant-a")
        page.fill("#month-choice input[name=month]", "2023-12")
        page.click("#month-choice button[type=submit]")
        page.fill("#month-form input[name=electricity_kwh]", "20000")
        page.fill("#month-form input[name=natural_gas_nm3]", "2000")
        page.click("#save-month")
        page.wait_for_url("**/inventory/*?site=plant-a&month=2023-12#month")
        expect(page.locator("#month-form input[name=electricity_kwh]")).to_have_value("20000")
        month = [
            Activity(site="plant-a", month="2023-12", kind="electricity", amount=20000, unit="kWh"),
            Activity(site="plant-a", month="2023-12", kind="fuel", fuel="natural-gas", amount=2000, unit="Nm3"),
        ]
        more = compute_inventory(inventory.model_copy(update={"activities": [*inventory.activities, *month]}), library)
        expect(page.locator("#total strong")).to_have_text(figure(more.total, "en"))
        for scope in ("1", "2-location", "3"):
            cell = page.locator(f"#by-scope tr[data-scope='{scope}'] td.num")
            expect(cell).to_have_text(figure(more.totals.by_scope[scope], "en"))
        expect(page.locator("#by-category tr[data-category='2'] td.num").first).to_have_text(
            figure(more.totals.by_category["2"], "en")
        )

        # December at plant B from a CSV saved by Excel in Chinese (GBK, Chinese headers)
        december = tmp_path / "december.csv"
        december.write_bytes("场所,月份,类型,数量,单位\nplant-b,2023-12,electricity,10000,kWh\n".encode("gbk"))
        page.set_input_files("#csv-form input[name=file]", str(december))
        page.click("#import-csv")
        page.wait_for_url("**/inventory/*#records")
        month.append(Activity(site="plant-b", month="2023-12", kind="electricity", amount=10000, unit="kWh"))
        more = compute_inventory(inventory.model_copy(update={"activities": [*inventory.activities, *month]}), library)
        expect(page.locator("#total strong")).to_have_text(figure(more.total, "en"))

        with page.expect_download() as downloading:
            page.click("#report-pdf")
        download = downloading.value
        assert download.suggested_filename.endswith("-2023-report-en.pdf")
        pdf = tmp_path / download.suggested_filename
        download.save_as(pdf)
        text = pdftotext(pdf)
        assert "Greenhouse gas inventory report" in text and f"{more.total:,.3f}" in text
        page.screenshot(path=str(tmp_path / "inventory.png"), full_page=True)
    finally:
        context.close()
    assert not errors, errors
