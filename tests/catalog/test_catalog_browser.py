"""The catalog's pages in a real browser (Chromium, headless, Playwright) against the platform served over loopback,
with the demo's products: a buyer searches in Chinese, narrows the results by a facet, ticks three models and
compares them, then downloads the Excel export of the filtered search and finds in it exactly the filtered rows."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from axe_playwright_python.sync_playwright import Axe
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from lowcarbon.catalog import demo
from lowcarbon.platform.app import create_app
from lowcarbon.platform.clock import system_clock
from lowcarbon.platform.database import create_engine, session_factory
from lowcarbon.platform.migrate import upgrade
from lowcarbon.platform.settings import Settings
from lowcarbon.ports import Ports
from support.browser_support import browser
from support.platform_servers import serving

__all__ = ["browser"]  # the fixture, from support.browser_support


@pytest.fixture
def site(tmp_path: Path) -> Iterator[str]:
    settings = Settings(data_dir=tmp_path / "data")
    upgrade(settings)
    engine = create_engine(settings)
    try:
        with session_factory(engine, write=True).begin() as session:
            demo.seed(session, Ports(audit=Any, jobs=Any, clock=system_clock), {}, {})  # type: ignore[arg-type]
    finally:
        engine.dispose()
    with serving(create_app(settings)) as base:
        yield base


def _every_match(base: str, query: str) -> list[str]:
    ids, cursor = [], None
    while True:
        page = httpx2.get(f"{base}/api/catalog/products?{query}&limit=100" + (f"&cursor={cursor}" if cursor else ""))
        ids += [item["registry_id"] for item in page.json()["items"]]
        cursor = page.json()["next"]
        if cursor is None:
            return ids


def _serious(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page shown."""
    found = Axe().run(page).response["violations"]
    return [f"{v['id']}: {v['help']}" for v in found if v["impact"] in ("serious", "critical")]


def test_search_in_chinese_filter_compare_three_and_export_excel(browser: Browser, site: str, tmp_path: Path) -> None:
    page = browser.new_context(viewport={"width": 390, "height": 844}, accept_downloads=True).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{site}/lang/zh-CN?next=/catalog")
    expect(page.locator("h1")).to_have_text("绿色产品目录")

    page.fill("#catalog-q", "光伏")
    page.locator("#search-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"q=%E5%85%89%E4%BC%8F"))
    everything = int(page.locator("#total").get_attribute("data-total") or 0)
    assert everything > 20
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.locator("[data-facet=category] a[data-value=pv-modules]").click()
    expect(page.locator("a.chip[data-remove=category]")).to_be_visible()
    filtered = int(page.locator("#total").get_attribute("data-total") or 0)
    assert 3 <= filtered < everything
    assert not _serious(page)
    expected = _every_match(site, "q=光伏&category=pv-modules")
    assert len(expected) == filtered
    shown = page.locator("li.result").evaluate_all("items => items.map(i => i.dataset.registryId)")
    assert shown == expected[: len(shown)]

    search_url = page.url
    for box in page.locator("li.result input[type=checkbox]").all()[:3]:
        box.check()
    page.locator("#compare-form button[type=submit]").click()
    expect(page.locator("#compare-table thead th[data-registry-id]")).to_have_count(3)
    compared = page.locator("#compare-table thead th[data-registry-id]").evaluate_all(
        "cells => cells.map(c => c.dataset.registryId)"
    )
    assert compared == expected[:3]
    expect(page.locator("#compare-table")).to_contain_text("kg CO2e")
    assert not _serious(page)

    page.goto(search_url)
    with page.expect_download() as download_info:
        page.locator("#export-xlsx").click()
    saved = tmp_path / "export.xlsx"
    download_info.value.save_as(saved)
    assert download_info.value.suggested_filename.endswith(".xlsx")
    rows = list(load_workbook(saved, read_only=True).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("登记号", "品牌", "型号")
    assert [row[0] for row in rows[1:]] == expected
    assert {row[5] for row in rows[1:]} == {"pv-modules"}
    assert not errors, errors
