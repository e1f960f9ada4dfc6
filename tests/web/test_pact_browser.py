"""PACT in a real browser: Debian's Chromium, headless, driven by Playwright, against the platform served over
loopback. An admin grants a customer on the PACT page (reading its client id and secret off the page), publishes a
computed study as a PACT footprint with the page's form; the customer then reads that footprint back through
``PactClient`` from the PACT host over HTTPS (the same database, served with TLS on another loopback port)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, expect

from lowcarbon.pact.client import PactClient
from lowcarbon.platform import tls
from lowcarbon.platform.app import create_app
from lowcarbon.platform.migrate import upgrade
from lowcarbon.platform.settings import Settings
from support.browser_support import browser
from support.pact_servers import serving_https, trusting
from support.platform_servers import serving
from support.study_support import PASSWORD, PV_MODEL, create_product, log_in, seed_organisation, submit

__all__ = ["browser"]  # the fixture, from support.browser_support

PRODUCT_ID = "urn:pact:sunrise-pv.example:product:pv-mono-si-1kwp"


@pytest.fixture
def sites(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """The platform (jobs inline) on loopback, its PACT host over TLS on another port, an admin and a computed
    study of the PV module example."""
    settings = Settings(data_dir=tmp_path / "data", job_runner="inline")
    upgrade(settings)
    organisation = seed_organisation(settings, "Sunrise PV")
    with TestClient(create_app(settings)) as api:
        log_in(api, organisation.editor)
        study = submit(api, create_product(api), PV_MODEL.read_text(encoding="utf-8"))
    cert, key = tls.self_signed_pair(tmp_path / "tls")
    with serving(create_app(settings)) as base, serving_https(settings, cert, key) as pact:
        yield {"base": base, "pact": pact, "cert": cert, "admin": organisation.admin, "study": study["id"]}


def test_publish_a_study_in_the_browser_and_read_it_through_the_client(browser: Browser, sites: dict[str, Any]) -> None:
    base = sites["base"]
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(f"{base}/lang/en?next=/login")
        page.fill("input[name=email]", sites["admin"])
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/products")

        page.goto(f"{base}/pact")
        expect(page.locator("h1")).to_have_text("PACT data exchange")
        page.fill("#customers input[name=name]", "Buyer Co.")
        page.click("#customers button.primary")
        expect(page.locator("#new-customer")).to_be_visible()
        client_id = page.locator("#new-customer-id").inner_text()
        secret = page.locator("#new-customer-secret").inner_text()

        form = page.locator("#publish form")
        form.locator("select[name=study_id]").select_option(str(sites["study"]))
        form.locator("textarea[name=product_ids]").fill(PRODUCT_ID)
        form.locator("textarea[name=company_ids]").fill("urn:pact:sunrise-pv.example:company:sunrise-pv")
        form.locator("textarea[name=classifications]").fill("urn:cpc:47260")
        form.locator("input[name=reference_start]").fill("2023-01-01")
        form.locator("input[name=reference_end]").fill("2024-01-01")
        form.locator("input[name=country]").fill("CN")
        form.locator("select[name=pact_unit]").select_option("piece")
        form.locator("input[name=product_mass_kg]").fill("57.917")
        form.locator("input[name=fossil_carbon_content]").fill("3.883")
        form.locator("button[type=submit]").click()
        page.wait_for_url(f"{base}/pact?published=*")
        row = page.locator("#published-list tbody tr").first
        expect(row).to_contain_text("Buyer Co.")
        pf_id = row.get_attribute("data-pf-id")
        assert pf_id and not errors, errors
    finally:
        context.close()

    with trusting(sites["cert"]) as http, PactClient(sites["pact"], client_id, secret, http=http) as client:
        footprint = client.footprint(pf_id)
        assert footprint.productIds == [PRODUCT_ID] and footprint.status == "Active"
        assert footprint.pcf.declaredUnitOfMeasurement == "piece" and footprint.pcf.geographyCountry == "CN"
        assert [listed.id for listed in client.footprints({"productId": PRODUCT_ID})] == [pf_id]
