"""Supplier footprints as primary data: a customer fetches a supplier's footprints from its host over real HTTPS
(``lowcarbon pact fetch``), keeps them, and uses one as the factor ``pact/<pfId>`` of a purchased component, both
through ``lowcarbon footprint`` (the factor file beside the model) and through its factor library (as its studies
do); the footprint's primaryDataShare counts as primary data. A RequestFulfilled received is kept the same way."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from lowcarbon.cli import app as lowcarbon
from lowcarbon.footprint.bundle import ModelBundle
from lowcarbon.footprint.compute import compute
from lowcarbon.footprint.library import organisation_library
from lowcarbon.pact import service, suppliers
from lowcarbon.pact.cli import grant_access
from lowcarbon.pact.events import parse_event
from lowcarbon.pact.model import ProductFootprint
from lowcarbon.platform import accounts, tls
from lowcarbon.platform.audit import AuditTrail
from lowcarbon.platform.clock import system_clock
from lowcarbon.platform.migrate import upgrade
from lowcarbon.platform.settings import Settings
from support.pact_documents import document
from support.pact_servers import in_transaction, serving_https

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
PF_ID = str(uuid.UUID(int=7))
# The supplier's module (support.pact_documents): per piece 246.3 kg CO2e excluding and 245.1 including biogenic
# uptake; primaryDataShare 62.5 %. Two modules in the model.
MODEL = f"""
product: {{name: "PV array of two modules"}}
declared_unit: {{amount: 1, unit: item}}
boundary: cradle-to-gate
gwp: AR6
factor_files: [pact.csv]
stages:
  - name: raw_material_acquisition
    activities:
      - {{name: PV module (supplier PACT footprint), amount: 2, unit: item, factor: pact/{PF_ID}}}
"""


@pytest.fixture(scope="module")
def supplier_host(
    tmp_path_factory: pytest.TempPathFactory, databases: Callable[..., Settings]
) -> Iterator[dict[str, Any]]:
    """One database, on each backend: Sunrise PV Co. publishes a footprint and lets Buyer Co. read it, over TLS."""
    root = tmp_path_factory.mktemp("pact-suppliers")
    cert, key = tls.self_signed_pair(root / "tls")
    settings = databases(root / "data")
    upgrade(settings)

    def setup(session: Any) -> tuple[str, str, int]:
        owner = accounts.create_organisation(session, name="Sunrise PV Co.", kind="manufacturer", actor="test")
        buyer = accounts.create_organisation(session, name="Buyer Co.", kind="manufacturer", actor="test")
        footprint = ProductFootprint.model_validate(document(id=PF_ID))
        service.publish(session, AuditTrail(session, "test"), organisation_id=owner.id, footprint=footprint, now=NOW)
        client = grant_access(session, organisation_id=owner.id, customer="Buyer Co.", actor="test", now=NOW)
        return client.client_id, client.secret, buyer.id

    client_id, secret, buyer_id = in_transaction(settings, setup)
    with serving_https(settings, cert, key) as base:
        yield {"base": base, "cert": cert, "settings": settings, "credentials": (client_id, secret), "buyer": buyer_id}


def test_fetched_footprint_is_primary_data_through_lowcarbon_footprint(
    supplier_host: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOWCARBON_PACT_CA_FILE", str(supplier_host["cert"]))
    monkeypatch.setenv("LOWCARBON_DATABASE_URL", supplier_host["settings"].database_url)
    client_id, secret = supplier_host["credentials"]
    factors = tmp_path / "pact.csv"
    arguments = ["pact", "fetch", "Sunrise PV Co.", "--organisation", "Buyer Co.", "--url", supplier_host["base"]]
    arguments += ["--client-id", client_id, "--client-secret", secret, "--factors-out", str(factors)]
    arguments += ["--data-dir", str(supplier_host["settings"].data_dir), "--json"]
    fetched = CliRunner().invoke(lowcarbon, arguments)
    assert fetched.exit_code == 0, fetched.output
    assert json.loads(fetched.output)["fetched"] == [PF_ID]
    assert "primary_data_share" in factors.read_text(encoding="utf-8").splitlines()[0]

    (tmp_path / "model.yaml").write_text(MODEL, encoding="utf-8")
    computed = CliRunner().invoke(lowcarbon, ["footprint", str(tmp_path / "model.yaml"), "--json"])
    assert computed.exit_code == 0, computed.output
    result = compute(tmp_path / "model.yaml")
    assert result.total == pytest.approx(2 * 245.1)
    # the file nets the supplier's biogenic emissions (4.8) and uptake (-1.2) into one biogenic CO2 value
    assert result.excluding_biogenic_uptake == pytest.approx(2 * (246.3 - 1.2))
    assert result.fossil == pytest.approx(2 * 240.0)
    assert result.primary_data_share == pytest.approx(0.625)
    assert str(round(result.total, 1)) in computed.output

    again = CliRunner().invoke(lowcarbon, [*arguments[:5], "--data-dir", str(supplier_host["settings"].data_dir)])
    assert again.exit_code == 0 and "pact/" in again.output  # a known supplier: its stored credentials


def test_the_library_set_pact_serves_the_organisations_studies(supplier_host: dict[str, Any]) -> None:
    buyer = supplier_host["buyer"]

    def sync(session: Any) -> Any:
        footprint = ProductFootprint.model_validate(document(id=PF_ID))
        audit = AuditTrail(session, "test")
        suppliers.store(session, audit, organisation_id=buyer, footprints=[footprint], now=NOW)
        user = accounts.create_user(
            session,
            organisation_id=buyer,
            email=f"{uuid.uuid4().hex}@buyer.example",
            role="editor",
            password=None,
            actor="test",
        )
        assert suppliers.sync_library(session, audit, system_clock, organisation_id=buyer, user_id=user.id) == 1
        assert suppliers.sync_library(session, audit, system_clock, organisation_id=buyer, user_id=user.id) == 1
        library, _ = organisation_library(session, organisation_id=buyer)
        return library

    library = in_transaction(supplier_host["settings"], sync)
    model = MODEL.replace("factor_files: [pact.csv]\n", "")
    result = compute(ModelBundle(content=model.encode(), format="yaml", files={}), library)
    assert result.total == pytest.approx(2 * 245.1)
    assert result.primary_data_share == pytest.approx(0.625)


def test_a_request_fulfilled_is_kept_as_supplier_footprints(supplier_host: dict[str, Any]) -> None:
    pf_id = str(uuid.uuid4())
    event = parse_event(
        {
            "type": "org.wbcsd.pact.ProductFootprint.RequestFulfilledEvent.3",
            "specversion": "1.0",
            "id": "answer-1",
            "source": "//supplier.example/3/events",
            "time": "2026-03-01T09:00:00Z",
            "data": {"requestEventId": "request-1", "pfs": [document(id=pf_id)]},
        }
    )

    def receive(session: Any) -> list[str]:
        owner = accounts.create_organisation(session, name=f"Receiver {pf_id}", kind="manufacturer", actor="test")
        client = grant_access(session, organisation_id=owner.id, customer="Supplier", actor="test", now=NOW)
        customer = service.customer_of_client(session, client.id)
        assert customer is not None
        service.receive_event(session, AuditTrail(session, "test"), customer=customer, event=event, now=NOW)
        return [row.pf_id for row in suppliers.list_footprints(session, owner.id)]

    assert in_transaction(supplier_host["settings"], receive) == [pf_id]
