"""The keyboard alone: a person logs in and adds a product with Tab, typing and Enter, each stop showing its focus.

From the top of a page the first Tab reaches the skip link, which jumps to the main content; Tab then walks the
controls in order. At every stop the focused element must be visibly marked (an outline or a box shadow).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from lowcarbon.platform.app import create_app
from lowcarbon.platform.migrate import upgrade
from lowcarbon.platform.settings import Settings
from support.browser_support import browser
from support.platform_servers import serving
from support.study_support import PASSWORD, seed_organisation

__all__ = ["browser"]  # the fixture, from support.browser_support

MAX_TABS = 40  # more stops than this before the control is reached: the page is a maze for a keyboard user

# What the focused element is, and whether its focus is visible: a drawn outline or a box shadow.
FOCUSED = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  return {
    tag: element.tagName.toLowerCase(),
    name: element.getAttribute("name") || "",
    type: element.getAttribute("type") || "",
    text: (element.textContent || "").trim(),
    href: element.getAttribute("href") || "",
    visible: outline || style.boxShadow !== "none",
  };
}"""


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, str]]:
    settings = Settings(data_dir=tmp_path / "data", job_workers=1)
    upgrade(settings)
    organisation = seed_organisation(settings, "Sunrise PV")
    with serving(create_app(settings)) as base:
        yield base, organisation.editor


def tab_to(page: Page, wanted: str) -> dict[str, str]:
    """Press Tab until the focused element matches ``wanted`` (a key of FOCUSED's answer=value, ...); every stop on
    the way must show its focus."""
    conditions = dict(part.split("=", 1) for part in wanted.split(","))
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["tag"] == "body":  # focus left the document (the browser's own stops): no element to mark
            continue
        assert focused["visible"], f"focus is not visible on {focused}"
        if all(str(focused[key]) == value for key, value in conditions.items()):
            return focused
    raise AssertionError(f"{MAX_TABS} presses of Tab did not reach {wanted}")


@pytest.mark.parametrize("tag", ["zh-CN", "en"])
def test_log_in_and_add_a_product_with_the_keyboard(browser: Browser, site: tuple[str, str], tag: str) -> None:
    base, email = site
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(f"{base}/lang/{tag}?next=/login")
        page.evaluate("document.activeElement.blur()")  # the email field's autofocus: start from the top instead
        assert tab_to(page, "tag=a")["href"] == "#main"  # the skip link comes first
        tab_to(page, "name=email")
        page.keyboard.type(email)
        tab_to(page, "name=password")
        page.keyboard.type(PASSWORD)
        tab_to(page, "tag=button,type=submit")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r".*/products$"))

        tab_to(page, "href=#main")
        page.keyboard.press("Enter")  # past the header: the next Tab is inside the main content
        assert page.evaluate("document.activeElement.id") == "main"
        tab_to(page, "name=name")
        page.keyboard.type(f"Keyboard module ({tag})")
        tab_to(page, "tag=button,type=submit")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r".*/products/\d+$"))
        expect(page.locator("h1")).to_contain_text(f"Keyboard module ({tag})")
    finally:
        context.close()
