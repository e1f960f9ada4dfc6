"""Emission factors from the TianGong ILCD database (full, or its shipped subset): gases by CAS and name, per unit of
the reference flow."""

from __future__ import annotations

from collections import Counter

import pytest
from tiangong_data import IN_EUR, TianGong

from lowcarbon.factors import FactorLibrary, load_set
from lowcarbon.factors.ilcd_factors import import_ilcd
from lowcarbon.factors.inventory_import import Dataset, ElementaryExchange, ImportReport, dataset_factor

ALUMINIUM = "c9b5db20"  # aluminium electrolysis and ingot casting, CN, 2005: 17,290 kg fossil CO2 per 1,000 kg


@pytest.fixture(scope="module")
def report(tiangong_source: TianGong) -> ImportReport:
    return import_ilcd(tiangong_source.path)


def test_factors_and_skips_are_accounted_for(report: ImportReport, tiangong_source: TianGong) -> None:
    """Every process (4,133 in full) becomes a factor or is skipped with a reason."""
    expected = tiangong_source.expected
    assert len(report.factors) + len(report.skipped) == expected.processes
    assert len(report.factors) == expected.factors
    reasons = Counter(reason for _, reason in report.skipped)
    assert reasons == expected.skipped
    assert reasons[IN_EUR]  # the input-output sectors are in currency: not physical


def test_aluminium_factor_by_hand(report: ImportReport) -> None:
    """The aluminium process: 17,290 kg fossil CO2 per 1,000 kg of ingot is 17.29 kg CO2 per kg."""
    (factor,) = [f for f in report.factors if f.id.startswith(ALUMINIUM)]
    assert factor.unit == "kg" and factor.geography == "CN" and factor.year == 2005
    co2 = [e for e in factor.emissions if e.gas == "CO2"]
    assert [(e.amount, e.origin) for e in co2] == [(pytest.approx(17.29, rel=1e-12), "fossil")]
    assert "direct emissions only" in factor.boundary
    assert factor.source.endswith(f"process dataset {factor.id}")


def test_every_factor_evaluates_under_both_sets(report: ImportReport) -> None:
    """Every gas found in the database has a GWP in AR6 and in AR5."""
    for factor in report.factors:
        load_set("AR6").co2e(factor)
        load_set("AR5").co2e(factor)
    gases = {e.gas for f in report.factors for e in f.emissions}
    assert {"CO2", "CH4-fossil", "N2O"} <= gases


def test_library_imports_the_zip_and_searches_chinese(report: ImportReport, tiangong_source: TianGong) -> None:
    """FactorLibrary.import_file takes the ILCD zip; its factors are searchable in Chinese."""
    library = FactorLibrary()
    assert len(library.import_file(tiangong_source.path, "tiangong")) == len(report.factors)
    assert library.search("铝", limit=None)


def test_dataset_rules_by_hand() -> None:
    """Per unit of reference, biogenic uptake negative, water emissions ignored, unknown units skipped."""
    air = ("Emissions", "Emissions to air", "unspecified")
    exchanges = (
        ElementaryExchange("carbon dioxide (fossil)", "124-38-9", air, "output", 4.0),
        ElementaryExchange("carbon dioxide (biogenic)", "124-38-9", air, "output", 1.0),
        ElementaryExchange("carbon dioxide", "124-38-9", ("Resources", "Resources from air"), "input", 3.0),
        ElementaryExchange("methane (fossil)", "74-82-8", air, "output", 0.2),
        ElementaryExchange("methane", "74-82-8", ("Emissions", "Emissions to water"), "output", 9.0),
    )
    dataset = Dataset("d", "D", "test", 2.0, "kg", exchanges, "unit process")
    factor = dataset_factor(dataset, "t", load_set("AR6"))
    assert not isinstance(factor, str)
    biogenic = sorted(e.amount for e in factor.emissions if e.origin == "biogenic")
    assert biogenic == [-1.5, 0.5]  # uptake and release kept apart, per kg of reference
    split = load_set("AR6").split(factor)
    assert split == pytest.approx({"fossil": (4.0 + 0.2 * 29.8) / 2, "biogenic": (1.0 - 3.0) / 2, "land_use_change": 0})
    assert dataset_factor(Dataset("e", "E", "t", 1.0, "EUR", exchanges, "x"), "t", load_set("AR6")) == (
        "reference unit 'EUR' is not a physical unit lowcarbon knows"
    )
    assert dataset_factor(Dataset("z", "Z", "t", 0.0, "kg", exchanges, "x"), "t", load_set("AR6")) == (
        "no reference flow amount"
    )
