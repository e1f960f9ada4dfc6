"""From a Footprint to a ProductFootprint and back to a factor: known answers from the hydrogen worked example."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from lowcarbon.errors import InvalidInput
from lowcarbon.factors import load_set
from lowcarbon.footprint.compute import compute
from lowcarbon.pact.mapping import Publication, pact_unit, to_factor, to_product_footprint
from lowcarbon.pact.model import ProductFootprint
from support.pact_documents import PF_ID, document

HYDROGEN = Path(__file__).parents[2] / "examples" / "hydrogen-electrolysis" / "model.yaml"
PUBLICATION = Publication(
    id=PF_ID,
    created=datetime(2026, 1, 5, 8, 0, tzinfo=UTC),
    company_name="H2 Co",
    company_ids=("urn:lowcarbon:organisation:1",),
    product_ids=("urn:gtin:4012345000016",),
    product_name="Electrolytic hydrogen",
    reference_period=(date(2025, 1, 1), date(2026, 1, 1)),
    country="CN",
    fossil_carbon_content=0.0,
)


@pytest.fixture(scope="module")
def hydrogen() -> ProductFootprint:
    return to_product_footprint(compute(HYDROGEN), PUBLICATION)


def test_the_worked_example_maps_field_by_field(hydrogen: ProductFootprint) -> None:
    result = compute(HYDROGEN)
    pcf = hydrogen.pcf
    assert (pcf.declaredUnitOfMeasurement, pcf.declaredUnitAmount, pcf.productMassPerDeclaredUnit) == (
        "kilogram",
        "1",
        "1",
    )
    assert pcf.pcfExcludingBiogenicUptake == pcf.pcfIncludingBiogenicUptake == "35.2116376"
    assert float(pcf.fossilGhgEmissions) == pytest.approx(result.fossil)
    assert pcf.ipccCharacterizationFactors == ["AR6"]
    assert pcf.crossSectoralStandards == ["ISO14067"]
    assert pcf.productOrSectorSpecificRules is not None
    assert pcf.productOrSectorSpecificRules[0].ruleNames == ["hydrogen"]
    assert (pcf.referencePeriodStart, pcf.referencePeriodEnd) == ("2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z")
    assert pcf.geographyCountry == "CN" and pcf.boundaryProcessesDescription == "cradle-to-gate"
    assert pcf.exemptedEmissionsPercent == "0" and pcf.primaryDataShare == "0"
    assert hydrogen.created == "2026-01-05T08:00:00Z" and hydrogen.specVersion == "3.0.3"
    assert ProductFootprint.model_validate(hydrogen.to_json()) == hydrogen


def test_shares_ratings_and_biogenic_figures_are_carried() -> None:
    result = replace(
        compute(HYDROGEN),
        primary_data_share=0.625,
        data_quality={"technological": 1.5, "temporal": 2.0, "geographical": 3.25},
        biogenic_removals=-1.5,
        including_biogenic_uptake=33.7116376,
        biogenic_carbon_content=0.4,
        exempted_percent=1.25,
    )
    pcf = to_product_footprint(result, PUBLICATION).pcf
    assert pcf.primaryDataShare == "62.5" and pcf.exemptedEmissionsPercent == "1.25"
    assert pcf.dqi is not None
    assert (pcf.dqi.technologicalDQR, pcf.dqi.geographicalDQR, pcf.dqi.temporalDQR) == ("1.5", "3.25", "2")
    assert pcf.biogenicCO2Uptake == "-1.5" and pcf.biogenicCarbonContent == "0.4"


@pytest.mark.parametrize(
    ("ours", "pact"),
    [
        ("1 kg", ("kilogram", "1")),
        ("1 t", ("kilogram", "1000")),
        ("2 kWh", ("kilowatt hour", "2")),
        ("1 item", ("piece", "1")),
        ("1 m2", ("square meter", "1")),
        ("1 tkm", ("ton kilometer", "1")),
    ],
)
def test_declared_units(ours: str, pact: tuple[str, str]) -> None:
    assert pact_unit(ours) == pact


def test_what_pact_cannot_carry_is_refused() -> None:
    result = compute(HYDROGEN)
    with pytest.raises(InvalidInput, match="no declared unit"):
        pact_unit("1 kW")
    with pytest.raises(InvalidInput, match="fossil carbon content"):
        to_product_footprint(result, replace(PUBLICATION, fossil_carbon_content=None))
    with pytest.raises(InvalidInput, match="below 0"):
        to_product_footprint(replace(result, fossil=-1.0), PUBLICATION)
    with pytest.raises(InvalidInput, match="mass"):
        to_product_footprint(replace(result, declared_unit="1 item"), PUBLICATION)
    with pytest.raises(InvalidInput, match="referencePeriodEnd must be after"):
        to_product_footprint(result, replace(PUBLICATION, reference_period=(date(2026, 1, 1), date(2025, 1, 1))))


def test_a_supplier_footprint_becomes_a_primary_factor() -> None:
    footprint = ProductFootprint.model_validate(document(pcf__declaredUnitAmount="2"))
    factor = to_factor(footprint)
    assert factor.key == f"pact/{PF_ID}" and factor.unit == "item" and factor.geography == "CN"
    assert factor.primary_data_share == pytest.approx(0.625)
    assert factor.data_quality.technological == pytest.approx(1.6)
    split = load_set("AR6").split(factor)  # per piece: the document's figures are per 2 pieces
    assert split["fossil"] == pytest.approx(240.0 / 2)
    assert split["land_use_change"] == pytest.approx(1.5 / 2)
    assert split["biogenic"] == pytest.approx((246.3 - 240.0 - 1.5 - 1.2) / 2)
    assert sum(split.values()) == pytest.approx(245.1 / 2)  # pcfIncludingBiogenicUptake
    assert load_set("AR5").co2e(factor) == pytest.approx(245.1 / 2)  # not characterized again
    no_share = to_factor(ProductFootprint.model_validate(document(pcf__primaryDataShare=None)))
    assert no_share.primary_data_share == 1.0
