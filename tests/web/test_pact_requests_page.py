"""Requesting a footprint from a supplier on the PACT page, end to end over real HTTPS on 127.0.0.1: the buyer's page
sends RequestCreated to the supplier's host, whose job answers on the buyer's host; the page then shows the answer
and the supplier's footprint. Fetching from the supplier puts its footprints in the buyer's factor library."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from lowcarbon.footprint.library import own_sets
from lowcarbon.pact import service, suppliers
from lowcarbon.pact.cli import grant_access
from lowcarbon.pact.model import ProductFootprint
from lowcarbon.pact.settings import PactSettings
from lowcarbon.platform import accounts, tls
from lowcarbon.platform.app import create_app
from lowcarbon.platform.audit import AuditTrail
from lowcarbon.platform.migrate import upgrade
from lowcarbon.platform.settings import Settings
from support.backends import BACKENDS, postgresql_schema
from support.pact_documents import document
from support.pact_servers import in_transaction, serving_https
from support.study_support import seed_organisation
from support.web_support import csrf_of, form_login

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
PF_ID = str(uuid.UUID(int=11))


@pytest.fixture(params=BACKENDS)
def hosts(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """The supplier's host and the buyer's, over TLS, each holding the credentials the other issued, on each
    backend."""
    with ExitStack() as schemas:
        yield from _hosts(request.param, schemas, tmp_path, monkeypatch)


def _database(backend: str, schemas: ExitStack, data_dir: Path) -> Settings:
    if backend == "sqlite":
        return Settings(data_dir=data_dir, job_runner="inline")
    return Settings(data_dir=data_dir, job_runner="inline", database_url=schemas.enter_context(postgresql_schema()))


def _hosts(
    backend: str, schemas: ExitStack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, Any]]:
    cert, key = tls.self_signed_pair(tmp_path / "tls")
    monkeypatch.setenv("LOWCARBON_PACT_CA_FILE", str(cert))
    supplier = _database(backend, schemas, tmp_path / "supplier")
    buyer = _database(backend, schemas, tmp_path / "buyer")
    for settings in (supplier, buyer):
        upgrade(settings)
    people = seed_organisation(buyer, "Buyer Co.")

    def publish(session: Any) -> Any:
        owner = accounts.create_organisation(session, name="Sunrise PV Co.", kind="manufacturer", actor="test")
        footprint = ProductFootprint.model_validate(document(id=PF_ID))
        service.publish(session, AuditTrail(session, "test"), organisation_id=owner.id, footprint=footprint, now=NOW)
        return owner.id, grant_access(session, organisation_id=owner.id, customer="Buyer Co.", actor="test", now=NOW)

    owner_id, to_supplier = in_transaction(supplier, publish)
    to_buyer = in_transaction(
        buyer,
        lambda session: grant_access(
            session, organisation_id=people.id, customer="Sunrise PV Co.", actor="test", now=NOW
        ),
    )
    with serving_https(supplier, cert, key) as supplier_base, serving_https(buyer, cert, key) as buyer_base:

        def answer_to_buyer(session: Any) -> None:
            customer = service.customer_of_client(session, to_supplier.id)
            assert customer is not None
            service.set_events_endpoint(
                session,
                AuditTrail(session, "test"),
                organisation_id=owner_id,
                customer_id=customer.id,
                url=buyer_base,
                client_id=to_buyer.client_id,
                client_secret=to_buyer.secret,
            )

        def know_supplier(session: Any) -> int:
            found = suppliers.add_supplier(
                session,
                AuditTrail(session, "test"),
                organisation_id=people.id,
                name="Sunrise PV Co.",
                base_url=supplier_base,
                client_id=to_supplier.client_id,
                client_secret=to_supplier.secret,
                now=NOW,
            )
            return found.id

        in_transaction(supplier, answer_to_buyer)
        supplier_id = in_transaction(buyer, know_supplier)
        app = create_app(buyer)
        app.state.pact_settings = PactSettings(public_url=buyer_base)
        with TestClient(app) as web:
            form_login(web, people.editor)
            web.cookies.set("lowcarbon_lang", "en")
            yield {"web": web, "supplier_id": supplier_id, "buyer": buyer, "organisation": people.id}


def test_request_a_footprint_and_see_the_answer(hosts: dict[str, Any]) -> None:
    web: TestClient = hosts["web"]
    sent = web.post(
        f"/pact/suppliers/{hosts['supplier_id']}/request",
        data={"product_id": "urn:gtin:06901234567892", "comment": "2025, please", "csrf_token": csrf_of(web, "/pact")},
    )
    assert sent.status_code == 200 and 'id="requested"' in sent.text, sent.text
    request_id = re.search(r"Request ([0-9a-f-]{36}) sent to Sunrise PV Co\.", sent.text).group(1)  # type: ignore[union-attr]
    page = web.get("/pact").text
    answers = re.search(r'<table class="table" id="answers">(.*?)</table>', page, re.S)
    assert answers is not None and request_id in answers.group(1) and "1 footprints" in answers.group(1)
    assert f"pact/{PF_ID}" in page  # the answer's footprint, kept as the buyer's supplier footprint

    rejected = web.post(
        f"/pact/suppliers/{hosts['supplier_id']}/request",
        data={"product_id": "urn:gtin:00000000000000", "csrf_token": csrf_of(web, "/pact")},
    )
    assert rejected.status_code == 200
    assert "Rejected: No product footprint shared with you" in web.get("/pact").text


def test_fetch_puts_the_suppliers_footprints_in_the_library(hosts: dict[str, Any]) -> None:
    web: TestClient = hosts["web"]
    fetched = web.post(f"/pact/suppliers/{hosts['supplier_id']}/fetch", data={"csrf_token": csrf_of(web, "/pact")})
    assert fetched.status_code == 200 and 'id="fetched"' in fetched.text, fetched.text
    sets = in_transaction(hosts["buyer"], lambda session: own_sets(session, organisation_id=hosts["organisation"]))
    assert sets == [suppliers.FACTOR_SET]
    assert f"pact/{PF_ID}" in web.get("/pact").text
