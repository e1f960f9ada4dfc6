"""PACT v3's data model: good documents pass and dump back unchanged; each rule of the schema refuses a bad one."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from lowcarbon.pact.events import parse_event
from lowcarbon.pact.filters import Filters, matches
from lowcarbon.pact.model import ProductFootprint, lifecycle_problems
from lowcarbon.pact.types import decimal_text
from support.pact_documents import DROP, PF_ID, document


def test_a_complete_document_round_trips() -> None:
    doc = document()
    footprint = ProductFootprint.model_validate(doc)
    assert footprint.to_json() == doc
    assert footprint.pcf.geography == "CN"
    assert lifecycle_problems(footprint) == []


def test_optional_fields_may_be_absent_or_null_and_unknown_ones_are_kept() -> None:
    doc = document(productClassifications=None, pcf__dqi=DROP, pcf__geographyCountry=DROP, x_extra={"a": 1})
    footprint = ProductFootprint.model_validate(doc)
    assert footprint.pcf.geography is None  # global
    assert footprint.to_json()["x_extra"] == {"a": 1}
    assert "productClassifications" not in footprint.to_json()


BAD: list[Any] = [
    pytest.param({"id": "not-a-uuid"}, id="id-not-uuid"),
    pytest.param({"specVersion": "2.3.0"}, id="spec-version-2"),
    pytest.param({"specVersion": "3.0"}, id="spec-version-not-semver"),
    pytest.param({"status": "active"}, id="status-lowercase"),
    pytest.param({"companyName": ""}, id="company-name-empty"),
    pytest.param({"companyIds": []}, id="company-ids-empty"),
    pytest.param({"companyIds": ["sunrise"]}, id="company-id-not-urn"),
    pytest.param({"productIds": ["urn:gtin:1", "urn:gtin:1"]}, id="product-ids-repeat"),
    pytest.param({"productNameCompany": DROP}, id="product-name-missing"),
    pytest.param({"created": "2026-01-05"}, id="created-date-only"),
    pytest.param({"created": None}, id="created-null"),
    pytest.param({"precedingPfIds": []}, id="preceding-empty"),
    pytest.param({"pcf__declaredUnitOfMeasurement": "kg"}, id="unit-not-enumerated"),
    pytest.param({"pcf__declaredUnitAmount": "0"}, id="amount-zero"),
    pytest.param({"pcf__declaredUnitAmount": 1}, id="amount-a-json-number"),
    pytest.param({"pcf__pcfExcludingBiogenicUptake": "1.2e3"}, id="decimal-with-exponent"),
    pytest.param({"pcf__pcfExcludingBiogenicUptake": " 1"}, id="decimal-with-space"),
    pytest.param({"pcf__fossilGhgEmissions": "-0.1"}, id="fossil-negative"),
    pytest.param({"pcf__fossilCarbonContent": DROP}, id="fossil-carbon-content-missing"),
    pytest.param({"pcf__biogenicCO2Uptake": "0.5"}, id="uptake-positive"),
    pytest.param({"pcf__landManagementBiogenicCO2Removals": "2"}, id="removals-positive"),
    pytest.param({"pcf__geographyRegionOrSubregion": "Asia"}, id="two-geographies"),
    pytest.param({"pcf__geographyCountry": "cn"}, id="country-lowercase"),
    pytest.param({"pcf__geographyCountrySubdivision": "CN-Beijing", "pcf__geographyCountry": DROP}, id="subdivision"),
    pytest.param({"pcf__ipccCharacterizationFactors": ["AR6", "AR6"]}, id="ipcc-repeat"),
    pytest.param({"pcf__ipccCharacterizationFactors": ["IPCC6"]}, id="ipcc-pattern"),
    pytest.param({"pcf__crossSectoralStandards": []}, id="standards-empty"),
    pytest.param({"pcf__primaryDataShare": "120"}, id="primary-share-over-100"),
    pytest.param({"pcf__exemptedEmissionsPercent": "-1"}, id="exempted-negative"),
    pytest.param({"pcf__dqi": {"technologicalDQR": "0.5", "geographicalDQR": "2", "temporalDQR": "2"}}, id="dqr-low"),
    pytest.param({"pcf__dqi": {"technologicalDQR": "2", "geographicalDQR": "2"}}, id="dqi-incomplete"),
    pytest.param({"pcf__ccuCalculationApproach": "cut-off"}, id="ccu-approach"),
    pytest.param({"pcf__productOrSectorSpecificRules": [{"operator": "Other", "ruleNames": []}]}, id="rule-names"),
]


@pytest.mark.parametrize("changes", BAD)
def test_bad_documents_are_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        ProductFootprint.model_validate(document(**changes))


def test_lifecycle_rules_the_schema_does_not_carry() -> None:
    """§Validity Period: checked on our own documents, reported, not refused on receipt."""
    footprint = ProductFootprint.model_validate(
        document(validityPeriodStart="2025-06-01T00:00:00Z", validityPeriodEnd="2030-01-01T00:00:00Z")
    )
    problems = lifecycle_problems(footprint)
    assert len(problems) == 2
    assert "validityPeriodStart" in problems[0] and "3 years" in problems[1]
    own = ProductFootprint.model_validate(document(precedingPfIds=[PF_ID]))
    assert "precede itself" in lifecycle_problems(own)[0]


@pytest.mark.parametrize(
    ("value", "text"), [(0.1 + 0.2, "0.30000000000000004"), (-0.0, "0"), (1e-7, "0.0000001"), (2.5e6, "2500000")]
)
def test_decimal_text(value: float, text: str) -> None:
    assert decimal_text(value) == text


def test_filters_match_within_or_and_across_and() -> None:
    footprint = ProductFootprint.model_validate(document())
    assert matches(footprint, Filters(productId=["urn:GTIN:06901234567892", "urn:gtin:1"], geography=["cn"]))
    assert not matches(footprint, Filters(productId=["urn:gtin:06901234567892"], geography=["DE"]))
    assert matches(footprint, Filters(validOn="2026-06-01T00:00:00Z", status="active"))
    assert not matches(footprint, Filters(validOn="2029-01-02T00:00:00Z"))  # 3 years after referencePeriodEnd
    assert matches(footprint, Filters(validAfter="2025-12-31T00:00:00Z", validBefore="2029-01-02T00:00:00Z"))
    with pytest.raises(ValidationError):
        Filters(status="Gone")


def test_events_parse_by_type() -> None:
    base = {"specversion": "1.0", "id": "e-1", "source": "//buyer.example/3/events", "time": "2026-01-05T08:00:00Z"}
    created = parse_event(
        {
            **base,
            "type": "org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3",
            "data": {"productId": ["urn:gtin:06901234567892"], "comment": "please"},
        }
    )
    assert created.data.productId == ["urn:gtin:06901234567892"]
    fulfilled = parse_event(
        {
            **base,
            "type": "org.wbcsd.pact.ProductFootprint.RequestFulfilledEvent.3",
            "data": {"requestEventId": "e-0", "pfs": [document()]},
        }
    )
    assert fulfilled.data.pfs[0].id == PF_ID
    rejected = parse_event(
        {
            **base,
            "type": "org.wbcsd.pact.ProductFootprint.RequestRejectedEvent.3",
            "data": {"requestEventId": "e-0", "error": {"code": "NotFound", "message": "no such product"}},
        }
    )
    assert rejected.data.error.code == "NotFound"
    published = parse_event(
        {**base, "type": "org.wbcsd.pact.ProductFootprint.PublishedEvent.3", "data": {"pfIds": [PF_ID]}}
    )
    assert published.data.pfIds == [PF_ID]
    for bad in (
        {**base, "type": "org.wbcsd.pact.ProductFootprint.PublishedEvent.3", "data": {"pfIds": []}},
        {**base, "type": "org.wbcsd.pact.ProductFootprint.Unknown.3", "data": {}},
        {
            **base,
            "specversion": "0.3",
            "type": "org.wbcsd.pact.ProductFootprint.PublishedEvent.3",
            "data": {"pfIds": [PF_ID]},
        },
        {
            **base,
            "type": "org.wbcsd.pact.ProductFootprint.RequestRejectedEvent.3",
            "data": {"requestEventId": "e-0", "error": {"code": "Oops", "message": "x"}},
        },
    ):
        with pytest.raises(ValidationError):
            parse_event(bad)
