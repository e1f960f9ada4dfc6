"""Every page of the platform on a phone and under axe-core's rules, in Chinese and English.

The pages are read from ``create_app(settings).routes``: every GET route that is not in the OpenAPI schema (the
browser's pages) outside the API, the documentation, the static files and the PACT host. So a page added later is
checked without editing this test; a path parameter this test cannot fill from the demo data (``FILLERS``) fails it,
and so does a page that no demo person could open. ``NOT_PAGES`` is the short list of routes that are not pages,
each with its reason.

The demo (``lowcarbon serve --demo``'s data) is served once; in each language, a person of each organisation kind and
someone not logged in open every page they can at 390 CSS pixels wide (a phone). On each page the document must not
scroll sideways, and axe-core (``axe-playwright-python`` bundles it) must find no violation of impact serious or
critical.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from fastapi.routing import iter_route_contexts
from playwright.sync_api import Browser, BrowserContext, Page

from lowcarbon import demo
from lowcarbon.platform.app import create_app
from lowcarbon.platform.migrate import upgrade
from lowcarbon.platform.settings import Settings
from support.browser_support import browser
from support.platform_servers import serving

__all__ = ["browser"]  # the fixture, from support.browser_support

PHONE = {"width": 390, "height": 844}
LANGUAGES = ("zh-CN", "en")
# Not the browser's pages: the API, its documentation (Swagger UI's own markup), the static files, the OAuth2 token
# endpoints and the PACT host.
OUTSIDE = ("/api", "/docs", "/static", "/auth", "/2/", "/3/", "/.well-known", "/openapi.json", "/healthz")
NOT_PAGES = {
    "/lang/{tag}": "sets the language and redirects to another page, which is checked itself",
    "/studies/{study_id}/status": "the fragment the study page polls; checked as part of /studies/{study_id}",
    "/studies/{study_id}/monte-carlo": "the fragment the study page polls; checked as part of /studies/{study_id}",
    "/model-template.xlsx": "a download (the Excel model template), not a page",
}
SERIOUS = {"serious", "critical"}


def page_routes() -> list[str]:
    """The path templates of every browser page the app serves, NOT_PAGES left out."""
    app = create_app(Settings(data_dir=Path("/nonexistent-lowcarbon-routes")))
    paths = []
    for route in iter_route_contexts(app.routes):
        inner = getattr(route, "route", route)
        methods = getattr(route, "methods", None) or set()
        if "GET" not in methods or getattr(inner, "include_in_schema", True) or route.path.startswith(OUTSIDE):
            continue
        if route.path not in NOT_PAGES:
            paths.append(route.path)
    return sorted(set(paths))


def _first(context: BrowserContext, base: str, path: str, field: str) -> str | None:
    """``field`` of the first item of the API's page at ``path`` as the context's person sees it; None if none."""
    answer = context.request.get(f"{base}{path}")
    items = answer.json()["items"] if answer.ok else []
    return str(items[0][field]) if items else None


def _product(context: BrowserContext, base: str) -> str | None:
    return _first(context, base, "/api/products", "id")


def _study(context: BrowserContext, base: str) -> str | None:
    product = _product(context, base)
    return _first(context, base, f"/api/products/{product}/studies", "id") if product else None


def _factor(context: BrowserContext, base: str) -> str | None:
    return _first(context, base, "/api/factors?q=electricity", "key")


def _application(context: BrowserContext, base: str) -> str | None:
    return _first(context, base, "/api/certify/applications", "id")


def _certificate(context: BrowserContext, base: str) -> str | None:
    """A certificate the person's organisation holds or issued (a body or manufacturer); None for others."""
    answer = context.request.get(f"{base}/api/certify/certificates")
    items = answer.json() if answer.ok else []
    return str(items[0]["number"]) if items else None


def _catalog_product(context: BrowserContext, base: str) -> str | None:
    """A product of the public catalog (the demo's, and those of the demo's certificates)."""
    return _first(context, base, "/api/catalog/products", "registry_id")


def _inventory(context: BrowserContext, base: str) -> str | None:
    """An inventory of the person's organisation (the demo manufacturer's); None for others."""
    answer = context.request.get(f"{base}/api/inventory")
    items = answer.json() if answer.ok else []
    return str(items[0]["id"]) if items else None


def _engagement(path: str) -> Callable[[BrowserContext, str], str | None]:
    """The first verification or evaluation the person's organisation is a party to (the demo manufacturer's and
    body's); None for others."""

    def first(context: BrowserContext, base: str) -> str | None:
        answer = context.request.get(f"{base}{path}")
        items = answer.json() if answer.ok else []
        return str(items[0]["id"]) if items else None

    return first


def _statement(context: BrowserContext, base: str) -> str | None:
    """The demo's signed verification statement (a public page: every person, and nobody, may open it)."""
    return DEMO.get("statement")


DEMO: dict[str, str] = {}  # what the demo_site fixture read of the seeded demo: the rider's account link


def _token(context: BrowserContext, base: str) -> str | None:
    """The demo rider's account link token (a public page: every person, and nobody, may open it)."""
    return DEMO["account_path"].rsplit("/", 1)[1] if DEMO.get("account_path") else None


# How each path parameter is filled for a person, from what the demo shows them; None: they have nothing to show.
FILLERS: dict[str, Callable[[BrowserContext, str], str | None]] = {
    "product_id": _product,
    "study_id": _study,
    "key": _factor,
    "application_id": _application,
    "number": _certificate,
    "token": _token,
    "registry_id": _catalog_product,
    "inventory_id": _inventory,
    "statement": _statement,
    "verification_id": _engagement("/api/inventory/verifications"),
    "evaluation_id": _engagement("/api/inventory/evaluations"),
}


def fill(template: str, context: BrowserContext, base: str) -> str | None:
    """``template`` with its parameters filled for the context's person; None when one of them has no value."""
    names = re.findall(r"{(\w+)(?::\w+)?}", template)
    unknown = [name for name in names if name not in FILLERS]
    assert not unknown, f"{template}: no way to fill {unknown} from the demo; add it to FILLERS (or to NOT_PAGES)"
    path = template
    for name in names:
        value = FILLERS[name](context, base)
        if value is None:
            return None
        path = re.sub(rf"{{{name}(?::\w+)?}}", value, path)
    return path


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str | None]]]:
    """The demo served on loopback; its URL and one email per organisation kind (None: not logged in)."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("demo") / "data", job_workers=1)
    upgrade(settings)
    seeded = demo.seed(settings)
    if seeded.account_path:
        DEMO["account_path"] = seeded.account_path
    if seeded.statement:
        DEMO["statement"] = seeded.statement
    people: dict[str, str] = {}
    for login in seeded.logins:  # the admin where there is one: they see every control of their organisation
        if login.organisation_kind not in people or login.role == "admin":
            people[login.organisation_kind] = login.email
    with serving(create_app(settings)) as base:
        yield base, [None, *sorted(people.values())]


def log_in(page: Page, base: str, tag: str, email: str | None) -> None:
    page.goto(f"{base}/lang/{tag}?next=/login")
    if email is not None:
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", demo.DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r".*/products$"))


def problems_of(page: Page, axe: Axe) -> list[str]:
    """What is wrong with the page shown: sideways scrolling and axe's serious or critical violations."""
    found = []
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if width[0] > width[1]:
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
                .filter(e => !e.closest('.table-wrap, .chart') || getComputedStyle(e).position === 'absolute')
                .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
                    + (e.id ? '#' + e.id : ''))"""
        )
        found.append(f"scrolls sideways: {width[0]} px wide in {width[1]} px ({', '.join(wide)})")
    results = axe.run(page)
    for violation in results.response["violations"]:
        if violation["impact"] in SERIOUS:
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:4]]
            found.append(f"axe {violation['id']} ({violation['impact']}): {violation['help']} at {targets}")
    return found


@pytest.mark.parametrize("tag", LANGUAGES)
def test_every_page_fits_a_phone_and_passes_axe(
    browser: Browser, demo_site: tuple[str, list[str | None]], tag: str
) -> None:
    base, people = demo_site
    routes = page_routes()
    assert "/products" in routes and "/studies/{study_id}" in routes  # the enumeration finds the pages
    axe = Axe()
    opened: set[str] = set()
    failures: list[str] = []
    for email in people:
        context = browser.new_context(viewport=PHONE, locale=tag)
        page = context.new_page()
        checked: set[str] = set()
        try:
            log_in(page, base, tag, email)
            for template in routes:
                path = fill(template, context, base)
                if path is None:
                    continue
                answer = page.goto(f"{base}{path}")
                assert answer is not None
                landed = page.url.removeprefix(base)
                if answer.status >= 400 or (landed != path and landed.split("?")[0] == "/login"):
                    continue  # this person may not open it: someone else must
                opened.add(template)
                if landed in checked:
                    continue
                checked.add(landed)
                failures += [f"{email or 'anonymous'} {tag} {path}: {problem}" for problem in problems_of(page, axe)]
        finally:
            context.close()
    unopened = sorted(set(routes) - opened)
    assert not unopened, f"no demo person could open {unopened}: fill them from the demo or list them in NOT_PAGES"
    assert not failures, "\n".join(failures)
