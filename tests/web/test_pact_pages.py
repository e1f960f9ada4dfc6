"""The PACT page, on SQLite and PostgreSQL: an editor publishes a computed study (and a new version of it), an admin
grants a customer (its secret shown once) and revokes it, the published list says with whom each footprint is
shared; a supplier is added, and its host refusing is said on the page; the page reads in Chinese too."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from lowcarbon.platform.app import create_app
from lowcarbon.platform.settings import Settings
from support.study_support import PV_MODEL, inline, seed_organisation
from support.web_support import csrf_of, form_login

PUBLICATION = {
    "product_ids": "urn:pact:sunrise-pv.example:product:pv-mono-si-1kwp",
    "company_ids": "urn:pact:sunrise-pv.example:company:sunrise-pv",
    "classifications": "urn:cpc:47260",
    "reference_start": "2023-01-01",
    "reference_end": "2024-01-01",
    "country": "CN",
    "pact_unit": "piece",
    "pact_amount": "1",
    "product_mass_kg": "57.917",
    "fossil_carbon_content": "3.883",
    "biogenic_carbon_content": "0",
}


@pytest.fixture
def web(migrated: Settings) -> TestClient:
    return TestClient(create_app(inline(migrated)))


def _computed_study(web: TestClient) -> int:
    product = web.post("/products", data={"name": "PV module", "csrf_token": csrf_of(web)}, follow_redirects=False)
    product_id = int(product.headers["location"].rsplit("/", 1)[1])
    files = {"file": ("model.yaml", PV_MODEL.read_bytes())}
    sent = web.post(
        f"/products/{product_id}/studies",
        data={"model": "", "csrf_token": csrf_of(web)},
        files=files,
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    return int(sent.headers["location"].rsplit("/", 1)[1])


def test_publish_share_and_revoke(migrated: Settings, web: TestClient) -> None:
    organisation = seed_organisation(migrated, "Sunrise PV")
    with web:
        form_login(web, organisation.editor)
        web.cookies.set("lowcarbon_lang", "en")
        study_id = _computed_study(web)
        assert f'value="{study_id}"' in web.get("/pact").text
        first = web.post(
            "/pact/publish",
            data={**PUBLICATION, "study_id": str(study_id), "csrf_token": csrf_of(web, "/pact")},
            follow_redirects=False,
        )
        assert first.status_code == 303, first.text
        first_id = re.search(r"published=([0-9a-f-]{36})", first.headers["location"]).group(1)  # type: ignore[union-attr]
        second = web.post(
            "/pact/publish",
            data={**PUBLICATION, "study_id": str(study_id), "follows": first_id, "csrf_token": csrf_of(web, "/pact")},
            follow_redirects=False,
        )
        assert second.status_code == 303
        broken = web.post(
            "/pact/publish",
            data={**PUBLICATION, "pact_unit": "", "study_id": str(study_id), "csrf_token": csrf_of(web, "/pact")},
        )
        assert broken.status_code == 400 and 'id="publish-error"' in broken.text
        assert web.post("/pact/customers", data={"name": "x", "csrf_token": csrf_of(web, "/pact")}).status_code == 403

        form_login(web, organisation.admin)
        web.cookies.set("lowcarbon_lang", "en")
        granted = web.post("/pact/customers", data={"name": "Buyer Co.", "csrf_token": csrf_of(web, "/pact")})
        assert granted.status_code == 201
        secret = re.search(r'id="new-customer-secret">([^<]+)<', granted.text)
        assert secret is not None and secret.group(1) not in web.get("/pact").text  # shown this once
        page = web.get("/pact").text
        rows = re.findall(r'<tr data-pf-id="([0-9a-f-]{36})">(.*?)</tr>', page, re.S)
        assert [pf_id for pf_id, _ in rows][1] == first_id and "Deprecated" in rows[1][1] and "Active" in rows[0][1]
        assert all("Buyer Co." in row for _, row in rows)
        customer_id = re.search(r'action="/pact/customers/(\d+)/revoke"', page).group(1)  # type: ignore[union-attr]
        revoked = web.post(f"/pact/customers/{customer_id}/revoke", data={"csrf_token": csrf_of(web, "/pact")})
        assert revoked.status_code == 200 and "Revoked" in revoked.text and "Nobody yet" in revoked.text

        supplier = {"name": "Silicon Co.", "url": "https://127.0.0.1:9", "client_id": "c", "client_secret": "s"}
        added = web.post("/pact/suppliers", data={**supplier, "csrf_token": csrf_of(web, "/pact")})
        assert added.status_code == 200 and "Silicon Co." in added.text
        supplier_id = re.search(r'action="/pact/suppliers/(\d+)/fetch"', added.text).group(1)  # type: ignore[union-attr]
        refused = web.post(f"/pact/suppliers/{supplier_id}/fetch", data={"csrf_token": csrf_of(web, "/pact")})
        assert (
            refused.status_code == 200
            and 'id="supplier-error"' in refused.text
            and "could not be reached" in refused.text
        )
        unset = web.post(
            f"/pact/suppliers/{supplier_id}/request",
            data={"product_id": "urn:gtin:1", "csrf_token": csrf_of(web, "/pact")},
        )
        assert "LOWCARBON_PACT_PUBLIC_URL" in unset.text

        web.cookies.set("lowcarbon_lang", "zh-CN")
        chinese = web.get("/pact").text
        assert "PACT 数据交换" in chinese and "已废止" in chinese and "已撤销" in chinese


def test_the_header_links_to_the_pact_page_for_every_person(migrated: Settings, web: TestClient) -> None:
    organisation = seed_organisation(migrated, "Header PV")
    nav = re.compile(r'<nav class="nav"[^>]*>(.*?)</nav>', re.S)
    with web:
        for email in (organisation.viewer, organisation.editor, organisation.admin):
            form_login(web, email)
            web.cookies.set("lowcarbon_lang", "en")
            products = nav.search(web.get("/products").text).group(1)  # type: ignore[union-attr]
            assert '<a href="/pact" >PACT data exchange</a>' in products
            pact = nav.search(web.get("/pact").text).group(1)  # type: ignore[union-attr]
            assert '<a href="/pact" class="active">PACT data exchange</a>' in pact
        web.cookies.set("lowcarbon_lang", "zh-CN")
        assert 'class="active">PACT 数据交换</a>' in web.get("/pact").text
    assert 'href="/pact"' not in TestClient(create_app(inline(migrated))).get("/login").text
