"""The guided model editor in a real browser (Debian's Chromium, headless, driven by Playwright), in Chinese.

A person uploads the cotton T-shirt's factor file to the organisation's library, builds the T-shirt's model from an
empty form row by row (each factor chosen from the chooser's search by its Chinese name), watches the preview reach
the CLI's total, and saves it as a version whose computed total is the CLI's too. Then the PV module's YAML, pasted
into the new-version box, is opened in the editor; an amount changed there changes the preview before anything is
saved, and the saved version has the changed total."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import Browser, Locator, Page, expect

from lowcarbon.factors import default_library
from lowcarbon.footprint import ModelBundle, compute, load_model
from lowcarbon.footprint.model import Activity
from lowcarbon.platform.app import create_app
from lowcarbon.platform.migrate import upgrade
from lowcarbon.platform.settings import Settings
from lowcarbon.web.render import figure
from support.browser_support import browser
from support.platform_servers import serving
from support.study_support import PASSWORD, PV_MODEL, TSHIRT_FACTORS, TSHIRT_MODEL, seed_organisation

__all__ = ["browser"]  # the fixture, from support.browser_support

LOCALE = "zh_CN"
WAIT_MS = 30_000


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """The platform on SQLite, jobs run inline, served on loopback; its URL and an editor's email."""
    settings = Settings(data_dir=tmp_path / "data", job_runner="inline")
    upgrade(settings)
    organisation = seed_organisation(settings, "Cotton Sun")
    with serving(create_app(settings)) as base:
        yield base, organisation.editor


@pytest.fixture
def page(browser: Browser, site: tuple[str, str]) -> Iterator[Page]:
    """A page logged in as the editor, in Chinese; no script error and no refusal by the page's policy allowed."""
    base, email = site
    context = browser.new_context()
    opened = context.new_page()
    errors: list[str] = []
    opened.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.goto(f"{base}/lang/zh-CN?next=/login")
    opened.fill("input[name=email]", email)
    opened.fill("input[name=password]", PASSWORD)
    opened.click("button[type=submit]")
    opened.wait_for_url(f"{base}/products")
    try:
        yield opened
        assert errors == []
    finally:
        context.close()


def _add_product(page: Page, base: str, name: str) -> str:
    page.goto(f"{base}/products")
    page.fill("form[action='/products'] input[name=name]", name)
    page.click("form[action='/products'] button[type=submit]")
    page.wait_for_url(f"{base}/products/*")
    return page.url.rsplit("/", 1)[1]


def _field(page: Page, place: str) -> Locator:
    return page.locator(f'[data-key="{place}"]')


def _choose_factor(row: Locator, key: str, words: str) -> None:
    """Type ``words`` into the row's factor field and take ``key`` from the chooser's list."""
    row.locator("[data-link-kind]").select_option("factor")
    chooser = row.locator("[data-link]")
    chooser.fill("")
    chooser.press_sequentially(words, delay=5)
    option = row.locator(f'.choices [role=option][data-factor="{key}"]')
    expect(option).to_be_visible(timeout=WAIT_MS)
    option.click()
    expect(chooser).to_have_value(key)


def _fill_line(row: Locator, line: Activity, words: dict[str, str]) -> None:
    row.locator('[data-key="name"]').fill(line.name)
    row.locator('[data-key="amount"]').fill(repr(line.amount))
    row.locator('[data-key="unit"]').fill(line.unit)
    if line.factor is not None:
        _choose_factor(row, line.factor, words[line.factor])
    else:
        row.locator("[data-link-kind]").select_option("process")
        row.locator("[data-link]").fill(line.process or "")


def _rows(block: Locator, list_name: str) -> Locator:
    return block.locator(f'[data-list="{list_name}"] > tr')


def _fill_lines(block: Locator, list_name: str, lines: list[Activity], words: dict[str, str]) -> None:
    """Fill the block's rows with ``lines``, pressing its add-row button for each row beyond those it has."""
    for number, line in enumerate(lines):
        if _rows(block, list_name).count() <= number:
            block.locator(f'button[data-add="{list_name}"]').click()
        _fill_line(_rows(block, list_name).nth(number), line, words)


def _search_words() -> dict[str, str]:
    """Each factor of the T-shirt by the words a Chinese user would type: its Chinese name."""
    library = default_library()
    library.import_file(TSHIRT_FACTORS, "factors")
    model = load_model(TSHIRT_MODEL)
    keys = {activity.factor for _, activity in model.activities() if activity.factor is not None}
    found = {key: library.get(key) for key in keys}
    return {key: factor.name_zh or factor.name for key, factor in found.items()}


def test_build_the_tshirt_in_the_editor_then_change_the_pv_module_before_saving(
    page: Page, site: tuple[str, str], tmp_path: Path
) -> None:
    base, _ = site
    tshirt = load_model(TSHIRT_MODEL)
    expected = compute(TSHIRT_MODEL)

    # the T-shirt's own factors, in the organisation's library as the set "factors" its keys name
    page.goto(f"{base}/factor-files")
    page.set_input_files("input[name=file]", str(TSHIRT_FACTORS))
    page.fill("input[name=factor_set]", "factors")
    page.click("form[action='/factor-files'] button[type=submit]")
    expect(page.locator("body")).to_contain_text("factors.csv")

    product = _add_product(page, base, "纯棉T恤")
    page.click("#open-editor")
    page.wait_for_url(f"{base}/products/{product}/editor")
    page.click("#start-blank")
    page.wait_for_url(f"{base}/products/{product}/editor?start=blank")
    expect(page.locator("h1")).to_have_text("模型编辑器")

    _field(page, "product.name").fill(tshirt.product.name)
    _field(page, "product.name_zh").fill(tshirt.product.name_zh or "")
    _field(page, "declared_unit.amount").fill("1")
    _field(page, "declared_unit.unit").fill(tshirt.declared_unit.unit)
    _field(page, "declared_unit.description").fill(tshirt.declared_unit.description)
    _field(page, "functional_unit").fill(tshirt.functional_unit or "")
    _field(page, "boundary").select_option(tshirt.boundary)
    _field(page, "gwp").select_option(tshirt.gwp)
    _field(page, "pcr").fill(tshirt.pcr or "")
    assert tshirt.reference_period is not None
    _field(page, "reference_period.start").fill(tshirt.reference_period.start.isoformat())
    _field(page, "reference_period.end").fill(tshirt.reference_period.end.isoformat())

    words = _search_words()
    for process in tshirt.processes:  # the road freight the distribution stage uses
        page.click("#add-process")
        block = page.locator("#processes > fieldset.process").last
        block.locator('[data-key="id"]').fill(process.id)
        block.locator('[data-key="name"]').fill(process.name)
        output = _rows(block, "outputs").first
        output.locator('[data-key="product"]').fill(process.outputs[0].product)
        output.locator('[data-key="amount"]').fill(repr(process.outputs[0].amount))
        output.locator('[data-key="unit"]').fill(process.outputs[0].unit)
        _fill_lines(block, "inputs", process.inputs, words)
    for stage in tshirt.stages:
        page.click("#add-stage")
        block = page.locator("#stages > fieldset.stage").last
        block.locator('legend [data-key="name"]').select_option(stage.name)
        _fill_lines(block, "activities", stage.activities, words)

    # the preview reaches the CLI's total as the last field is filled, before anything is saved
    expect(page.locator("#preview-total")).to_have_text(figure(expected.total, LOCALE), timeout=WAIT_MS)
    expect(page.locator("#preview-problems li")).to_have_count(0)
    expect(page.locator("#preview-stages tr")).to_have_count(len(expected.by_stage))
    page.screenshot(path=str(tmp_path / "editor-tshirt.png"), full_page=True)
    page.click("#save")
    page.wait_for_url(f"{base}/studies/*")
    expect(page.locator("#total")).to_have_text(figure(expected.total, LOCALE), timeout=WAIT_MS)

    # the PV module's YAML, in the new-version box, opened in the editor; an amount changed changes the preview
    pv = _add_product(page, base, "光伏组件")
    page.fill("#new-study textarea[name=model]", PV_MODEL.read_text(encoding="utf-8"))
    page.click("#text-to-editor")
    page.wait_for_url(f"{base}/products/{pv}/editor")
    pv_total = compute(PV_MODEL).total
    expect(page.locator("#preview-total")).to_have_text(figure(pv_total, LOCALE), timeout=WAIT_MS)
    amount = page.locator('[data-place="stages[0].activities[0].amount"]')
    changed = _changed_pv_total(amount.input_value())
    assert figure(changed, LOCALE) != figure(pv_total, LOCALE)
    first = amount.input_value()
    amount.fill("两公斤")  # no number: the field says so, in Chinese, and the preview has no total
    expect(amount).to_have_attribute("aria-invalid", "true", timeout=WAIT_MS)
    expect(amount.locator("xpath=..").locator(".field-problem")).to_have_text(re.compile(r"[\u4e00-\u9fff]"))
    expect(page.locator("#preview-total")).to_have_text("\u2013")  # an en dash: no figure
    amount.fill(repr(2 * float(first)))
    expect(amount).not_to_have_attribute("aria-invalid", "true", timeout=WAIT_MS)
    expect(page.locator("#preview-total")).to_have_text(figure(changed, LOCALE), timeout=WAIT_MS)
    assert f"/products/{pv}/editor" in page.url  # nothing saved yet
    page.click("#tab-yaml")
    expect(page.locator("#yaml-text")).to_be_visible()
    assert repr(2 * load_model(PV_MODEL).stages[0].activities[0].amount) in page.locator("#yaml-text").input_value()
    page.click("#tab-form")
    page.click("#save")
    page.wait_for_url(f"{base}/studies/*")
    expect(page.locator("#total")).to_have_text(figure(changed, LOCALE), timeout=WAIT_MS)


def _changed_pv_total(shown: str) -> float:
    """The PV module's total with its first line's amount doubled, computed by the library."""
    text = PV_MODEL.read_text(encoding="utf-8")
    first = load_model(PV_MODEL).stages[0].activities[0]
    assert float(shown) == first.amount
    data: Any = yaml.safe_load(text)
    data["stages"][0]["activities"][0]["amount"] = 2 * first.amount
    changed = yaml.safe_dump(data, allow_unicode=True).encode()
    return compute(ModelBundle(changed, "yaml", {}, folder=PV_MODEL.parent)).total
