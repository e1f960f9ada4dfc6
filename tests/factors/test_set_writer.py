"""Factors written as a factor-template CSV read back as the same factors."""

from __future__ import annotations

import pytest

from lowcarbon.factors.model import DataQuality, Emission, Factor
from lowcarbon.factors.set_writer import factor_csv
from lowcarbon.factors.table_format import parse_csv

FACTORS = [
    Factor(
        id="mixed",
        name="Fossil and biogenic, per tonne",
        name_zh="混合，每吨",
        unit="t",
        geography="GB",
        source="a source, with a comma",
        factor_set="test",
        year=2025,
        emissions=(
            Emission("CO2", 1.5),
            Emission("CO2", 0.25, "biogenic"),
            Emission("CH4-non-fossil", 1e-05, "biogenic"),
        ),
        category="Fuels / Biofuel",
        boundary="Scope 1: burning",
        notes='quotes "and" commas, kept',
    ),
    Factor(
        id="total",
        name="A CO2e total",
        unit="USD_2022",
        geography="US",
        source="EPA",
        factor_set="test",
        co2e=0.787,
        co2e_basis="IPCC AR5 GWP100",
        source_url="https://doi.org/10.23719/1531143",
        unverified=True,
    ),
    Factor(
        id="wood",
        name="Biogenic CO2",
        unit="t",
        geography="GB",
        source="s",
        factor_set="test",
        emissions=(Emission("CO2", 1436.23, "biogenic"),),
        co2e_origin="biogenic",
    ),
]


def test_written_factors_read_back_as_they_were() -> None:
    """Gas columns name their origin where it differs from the row's; numbers keep every digit."""
    text = factor_csv(FACTORS)
    assert text.splitlines()[0] == (
        "id,name,name_zh,unit,geography,year,category,boundary,origin,kg_CO2,kg_CO2_biogenic,"
        "kg_CH4-non-fossil_biogenic,co2e,co2e_basis,source,source_url,unverified,notes"
    )
    assert parse_csv(text, "test.csv", "test") == FACTORS


def test_what_the_columns_cannot_hold_is_refused() -> None:
    rated = Factor(id="r", name="r", unit="t", geography="GB", source="s", co2e=1.0, data_quality=DataQuality(1, 2))
    with pytest.raises(ValueError, match="r: data-quality ratings, uncertainty and primary data share"):
        factor_csv([rated])
