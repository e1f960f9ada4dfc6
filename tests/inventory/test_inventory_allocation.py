"""From organisation to product: a site's measured direct emissions and electricity shared out to its products by
mass, units or hours; the result as primary data in a product model, whose footprint adds up with the inventory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lowcarbon.factors import FactorLibrary
from lowcarbon.footprint import ModelBundle, compute
from lowcarbon.inventory.allocation import allocate, allocation_csv, allocation_factors
from lowcarbon.inventory.compute import compute_inventory
from lowcarbon.inventory.read import load_inventory, parse_inventory
from support.inventory_support import EXAMPLE

NG_KG_PER_NM3 = 389.31 / 10_000 * 0.01530 * 0.99 * 44 / 12 * 1000
DIESEL_KG_PER_T = 43.33 * 0.02020 * 0.98 * 44 / 12 * 1000
PLANT_A_DIRECT = 100_000 * NG_KG_PER_NM3 + 20 * DIESEL_KG_PER_T + 5 * 1530  # kg CO2e, AR6
FOOTPRINT_2023 = 0.6205  # kg CO2e/kWh, cn-electricity-footprint 2023 national (shipped unverified)

PRODUCT_MODEL = """
product: {name: 0.75 kW motor}
declared_unit: {amount: 1, unit: piece}
boundary: gate-to-gate
gwp: AR6
factor_files: [site-allocation.csv]
stages:
  - name: production
    activities:
      - {name: plant A direct emissions, amount: 1, unit: piece, factor: site-allocation/plant-a-motor-small-2023,
         data_type: primary, source: Example Motors GHG inventory 2023}
      - {name: plant A electricity, amount: %(kwh)r, unit: kWh,
         factor: cn-electricity-footprint/cn-footprint-national-2023, data_type: primary}
"""


def test_mass_allocation_of_plant_a() -> None:
    """By mass: the small motors (50 t) take a quarter, the large (150 t) three quarters; per unit and in sum."""
    inventory, library = load_inventory(EXAMPLE)
    (site,) = allocate(inventory, library)
    small, large = site.products
    assert (small.share, large.share) == (pytest.approx(0.25), pytest.approx(0.75))
    assert site.direct_t_co2e == pytest.approx(PLANT_A_DIRECT / 1000)
    assert site.electricity_kwh == pytest.approx(2_000_000)
    assert small.direct_kg_co2e_per_unit == pytest.approx(PLANT_A_DIRECT * 0.25 / 10_000)
    assert large.electricity_kwh_per_unit == pytest.approx(2_000_000 * 0.75 / 2_000)
    assert small.gases_per_unit["HFC-134a"] == pytest.approx(5 * 0.25 / 10_000)
    # the products' shares add up to the site's inventory lines of categories 1 and 2
    lines = [line for line in compute_inventory(inventory, library).lines if line.site == "plant-a"]
    for per_unit, category in (("direct_kg_co2e_per_unit", "1"), ("energy_indirect_kg_co2e_per_unit", "2")):
        shared = sum(getattr(p, per_unit) * p.output for p in site.products)
        assert shared == pytest.approx(sum(line.kg_co2e for line in lines if line.category == category))


@pytest.mark.parametrize(
    ("basis", "changes", "small_share"),
    [
        ("units", {}, 10_000 / 12_000),
        ("hours", {"motor-small": {"hours": 300}, "motor-large": {"hours": 100}}, 0.75),
    ],
)
def test_units_and_hours(example_data: dict[str, Any], basis: str, changes: dict[str, Any], small_share: float) -> None:
    example_data["allocations"][0]["basis"] = basis
    for product in example_data["allocations"][0]["products"]:
        product.update(changes.get(product["id"], {}))
    (site,) = allocate(parse_inventory(example_data, "inv.yaml"))
    assert site.products[0].share == pytest.approx(small_share)


def test_a_product_footprint_uses_the_allocation_as_primary_data(tmp_path: Path) -> None:
    """The allocation written as a factor file; a product model links it as primary data beside its electricity
    per unit; the footprint is the hand sum, all primary, and the products' footprints' direct parts add up to the
    site's category 1."""
    inventory, library = load_inventory(EXAMPLE)
    (site,) = allocate(inventory, library)
    small = site.products[0]
    csv_text = allocation_csv([site], inventory.organisation.name, "site-allocation")
    model = (PRODUCT_MODEL % {"kwh": small.electricity_kwh_per_unit}).encode()
    bundle = ModelBundle(model, "yaml", files={"site-allocation.csv": csv_text.encode()})
    footprint = compute(bundle)
    expected = small.direct_kg_co2e_per_unit + small.electricity_kwh_per_unit * FOOTPRINT_2023
    assert footprint.total == pytest.approx(expected, rel=1e-9)
    assert footprint.primary_data_share == pytest.approx(1.0)
    factors = FactorLibrary(allocation_factors([site], inventory.organisation.name))
    products = {p.product: p.output for p in site.products}
    direct = sum(compute_direct(factors, name) * output for name, output in products.items())
    assert direct == pytest.approx(PLANT_A_DIRECT)


def compute_direct(factors: FactorLibrary, product: str) -> float:
    """kg CO2e per unit of a product's allocated direct-emission factor, under AR6."""
    from lowcarbon.factors import load_set

    return load_set("AR6").co2e(factors.get(f"site-allocation/plant-a-{product}-2023"))
