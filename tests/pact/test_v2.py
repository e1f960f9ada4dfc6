"""PACT v2.3: the data model's rules, the mapping of our (v3) footprints to v2.3, the ``$filter`` subset, and the
``/2/`` endpoints through the app (list and pages, filters, get, errors, events)."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from lowcarbon.errors import InvalidInput
from lowcarbon.pact import filters_v2, model_v2, service
from lowcarbon.pact.cli import grant_access
from lowcarbon.pact.mapping_v2 import to_v2
from lowcarbon.pact.model import ProductFootprint
from lowcarbon.platform import accounts
from lowcarbon.platform.app import create_app
from lowcarbon.platform.audit import AuditTrail
from lowcarbon.platform.database import create_engine, session_factory
from lowcarbon.platform.settings import Settings
from support.pact_documents import document

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
EVENT = "application/cloudevents+json; charset=UTF-8"


def test_a_piece_becomes_kilograms_through_the_mass() -> None:
    v2 = to_v2(document())  # 1 piece of 27.5 kg
    pcf = v2["pcf"]
    assert (v2["specVersion"], v2["version"], v2["productCategoryCpc"]) == ("2.3.0", 1, "46410")
    assert (pcf["declaredUnit"], pcf["unitaryProductAmount"]) == ("kilogram", "27.5")
    assert float(pcf["pCfExcludingBiogenic"]) == pytest.approx(246.3 / 27.5)
    assert float(pcf["biogenicCarbonWithdrawal"]) == pytest.approx(-1.2 / 27.5)
    assert float(pcf["dLucGhgEmissions"]) == pytest.approx(1.5 / 27.5)
    assert pcf["characterizationFactors"] == "AR6" and pcf["crossSectoralStandardsUsed"] == ["ISO Standard 14067"]
    assert pcf["crossSectoralStandards"] == ["ISO14067", "PACT-3.0"] and pcf["packagingEmissionsIncluded"] is False
    assert isinstance(pcf["exemptedEmissionsPercent"], float)
    model_v2.ProductFootprint.model_validate(v2)


def test_a_v2_unit_keeps_its_name_and_values_per_unit() -> None:
    v2 = to_v2(
        document(
            pcf__declaredUnitOfMeasurement="kilogram",
            pcf__declaredUnitAmount="1000",
            pcf__productMassPerDeclaredUnit="1000",
        )
    )
    assert (v2["pcf"]["declaredUnit"], v2["pcf"]["unitaryProductAmount"]) == ("kilogram", "1000")
    assert float(v2["pcf"]["fossilGhgEmissions"]) == pytest.approx(0.24)
    assert v2["pcf"]["productMassPerDeclaredUnit"] == "1"


def test_deprecated_footprints_say_when() -> None:
    v2 = to_v2({**document(), "status": "Deprecated"}, updated=NOW)
    assert (v2["status"], v2["updated"]) == ("Deprecated", "2026-03-01T09:00:00Z")


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"productClassifications": ["urn:pact:x.example:hs:854143"]}, "productCategoryCpc"),
        ({"pcf__productMassPerDeclaredUnit": "0"}, "without the product's mass"),
        ({"pcf__declaredUnitOfMeasurement": "hour", "pcf__productMassPerDeclaredUnit": "0"}, "no declared unit"),
        ({"pcf__biogenicCarbonContent": None}, "biogenicCarbonContent"),
        ({"pcf__crossSectoralStandards": ["PEF"]}, "ISO 14067"),
        ({"pcf__exemptedEmissionsPercent": "7"}, "exemptedEmissionsPercent"),
        ({"pcf__primaryDataShare": None}, "primaryDataShare"),
    ],
)
def test_footprints_without_a_v2_form(changes: dict[str, Any], reason: str) -> None:
    with pytest.raises(InvalidInput, match=reason):
        to_v2(document(**changes))


def test_the_model_checks_the_rules_v2_adds() -> None:
    good = to_v2(document())
    for broken in (
        {**good, "version": -1},
        {**good, "specVersion": "3.0.0"},
        {**good, "comment": None},
        {**good, "pcf": {**good["pcf"], "pCfExcludingBiogenic": "-1"}},
        {**good, "pcf": {**good["pcf"], "packagingGhgEmissions": "1"}},
        {**good, "pcf": {**good["pcf"], "declaredUnit": "piece"}},
        {**good, "pcf": {**good["pcf"], "characterizationFactors": "AR4"}},
    ):
        with pytest.raises(ValidationError):
            model_v2.ProductFootprint.model_validate(broken)


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        ("created ge '2026-01-05T08:00:00.000Z'", True),
        ("created gt '2026-01-05T08:00:00Z'", False),
        ("productCategoryCpc eq '46410'", True),
        ("pcf/geographyCountry eq 'DE'", False),
        (
            "(pcf/referencePeriodStart ge '2025-01-01T00:00:00Z') and "
            "(pcf/referencePeriodEnd lt '2026-01-02T00:00:00Z')",
            True,
        ),
        ("productIds/any(productId:(productId eq 'URN:GTIN:06901234567892'))", True),
        ("companyIds/any(c: c eq 'urn:x:y') and created ge '2020-01-01T00:00:00Z'", False),
        ("comment eq 'it''s'", None),
        ("created ge '2020-01-01T00:00:00Z' or created lt '2020-01-01T00:00:00Z'", None),
        ("created ge 2020", None),
    ],
)
def test_filter_subset(statement: str, expected: bool | None) -> None:
    v2 = to_v2(document())
    if expected is None:
        with pytest.raises(filters_v2.Unsupported):
            filters_v2.parse(statement)
    else:
        assert filters_v2.parse(statement)(v2) is expected


@pytest.fixture
def host(migrated: Settings) -> Iterator[tuple[TestClient, list[str], str]]:
    """Our host with five footprints (one without a CPC code: no v2.3 form; the fifth follows the first)."""
    engine = create_engine(migrated)
    ids = [str(uuid.UUID(int=number + 1)) for number in range(5)]
    try:
        with session_factory(engine, write=True).begin() as session:
            audit = AuditTrail(session, "test")
            owner = accounts.create_organisation(session, name="Sunrise PV Co.", kind="manufacturer", actor="test")
            client = grant_access(session, organisation_id=owner.id, customer="buyer", actor="test", now=NOW)
            for number, pf_id in enumerate(ids):
                changes: dict[str, Any] = {"id": pf_id, "productIds": [f"urn:gtin:{number:014d}"]}
                if number == 2:
                    changes["productClassifications"] = ["urn:pact:x.example:hs:854143"]
                if number == 4:
                    changes["precedingPfIds"] = [ids[0]]
                footprint = ProductFootprint.model_validate(document(**changes))
                service.publish(session, audit, organisation_id=owner.id, footprint=footprint, now=NOW)
    finally:
        engine.dispose()
    basic = base64.b64encode(f"{client.client_id}:{client.secret}".encode()).decode()
    with TestClient(create_app(migrated), base_url="https://pact.example") as http:
        answer = http.post(
            "/auth/token", data={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {basic}"}
        )
        yield http, ids, answer.json()["access_token"]


def _get(http: TestClient, token: str, url: str) -> Any:
    return http.get(url, headers={"Authorization": f"Bearer {token}"})


def test_list_in_pages_of_v2_footprints(host: tuple[TestClient, list[str], str]) -> None:
    http, ids, token = host
    seen: list[str] = []
    url: str | None = "/2/footprints?limit=2"
    while url is not None:
        answer = _get(http, token, url)
        assert answer.status_code == 200, answer.text
        for item in answer.json()["data"]:
            model_v2.ProductFootprint.model_validate(item)
            seen.append(item["id"])
        link = answer.headers.get("link")
        url = link.split(">")[0].removeprefix("<") if link else None
        assert url is None or url.startswith("https://pact.example/2/footprints?")
    assert seen == [ids[0], ids[1], ids[3], ids[4]]  # the third has no v2.3 form
    first = _get(http, token, f"/2/footprints/{ids[0]}").json()["data"]
    assert first["status"] == "Deprecated" and first["updated"] == "2026-03-01T09:00:00Z"


def test_filter_and_errors(host: tuple[TestClient, list[str], str]) -> None:
    http, ids, token = host
    url = "/2/footprints?$filter=productIds/any(p:(p eq 'urn:gtin:00000000000001'))"
    assert [item["id"] for item in _get(http, token, url).json()["data"]] == [ids[1]]
    refused = _get(http, token, "/2/footprints?$filter=companyName eq 'x'")
    assert (refused.status_code, refused.json()["code"]) == (400, "NotImplemented")
    assert _get(http, token, "/2/footprints?limit=0").json()["code"] == "BadRequest"
    missing = _get(http, token, f"/2/footprints/{uuid.uuid4()}")
    assert (missing.status_code, missing.json()["code"]) == (404, "NoSuchFootprint")
    no_form = _get(http, token, f"/2/footprints/{ids[2]}")
    assert (no_form.status_code, no_form.json()["code"]) == (404, "NoSuchFootprint")
    bad_token = _get(http, "nope", "/2/footprints")
    assert bad_token.status_code == 401 and bad_token.json()["code"] == "BadRequest"


def test_events(host: tuple[TestClient, list[str], str]) -> None:
    http, ids, token = host
    headers = {"Authorization": f"Bearer {token}", "Content-Type": EVENT}
    base = {"specversion": "1.0", "source": "//buyer.example/2/events", "time": "2026-03-01T09:00:00Z"}
    published = {**base, "id": "1", "type": model_v2.PUBLISHED, "data": {"pfIds": [ids[0]]}}
    assert http.post("/2/events", json=published, headers=headers).status_code == 200
    malformed = {**published, "id": "2", "data": {"pfIds": ["urn:gtin:4712345060507"]}}
    assert http.post("/2/events", json=malformed, headers=headers).json()["code"] == "BadRequest"
    request = {**base, "id": "3", "type": model_v2.CREATED, "data": {"pf": {"productIds": ["urn:gtin:00000000000000"]}}}
    assert http.post("/2/events", json=request, headers=headers).status_code == 200  # kept; no host registered
    v3_on_v2 = {**published, "id": "4", "type": "org.wbcsd.pact.ProductFootprint.PublishedEvent.3"}
    assert http.post("/2/events", json=v3_on_v2, headers=headers).status_code == 400
