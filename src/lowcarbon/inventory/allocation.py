"""From organisation to product: a site's measured energy and emissions of a year shared out to the products it made.

A site's direct emissions (ISO 14064-1 category 1) and its purchased electricity are divided among its products by
mass, by units made or by the hours each took (``model.Allocation``). The direct emissions per unit become a factor
(``allocation_factors``) a product model links as primary data, beside the electricity per unit, which the product
model prices with a life-cycle electricity factor (GB/T 24067 counts electricity's upstream; the CO2-only grid factor
of company reporting does not): so the product footprints and the company inventory rest on the same measured data,
and the products' shares add up to the site's.

The whole site is shared out, before any equity share: a product's footprint is of the product, whoever owns the
plant.
"""

from __future__ import annotations

from dataclasses import dataclass

from lowcarbon.factors import Emission, Factor, FactorLibrary, load_set
from lowcarbon.factors.set_writer import factor_csv
from lowcarbon.inventory.compute import KG_PER_T, inventory_lines
from lowcarbon.inventory.lines import CO2E_TOTAL
from lowcarbon.inventory.model import Allocation, Inventory

__all__ = ["ProductShare", "SiteAllocation", "allocate", "allocation_csv", "allocation_factors"]


@dataclass(frozen=True)
class ProductShare:
    """One product's share of its site's year, in total and per unit of the product."""

    product: str
    name: str
    unit: str
    output: float
    share: float  # of the site's emissions and energy
    gases_per_unit: dict[str, float]  # kg of each direct gas per unit (CO2e for published totals)
    direct_kg_co2e_per_unit: float
    electricity_kwh_per_unit: float
    energy_indirect_kg_co2e_per_unit: float  # category 2, location-based, as the inventory counts it


@dataclass(frozen=True)
class SiteAllocation:
    site: str
    year: int
    basis: str
    direct_t_co2e: float  # the site's category 1
    electricity_kwh: float
    energy_indirect_t_co2e: float  # the site's category 2, location-based
    products: tuple[ProductShare, ...]
    gwp: str
    unverified: tuple[str, ...] = ()  # the unverified factors and defaults behind its direct emissions


def allocate(
    inventory: Inventory, library: FactorLibrary | None = None, source: str = "inventory"
) -> list[SiteAllocation]:
    """Each allocation of the inventory, computed from its site's records of its year."""
    if library is None:
        from lowcarbon.factors import default_library

        library = default_library()
    gwp = load_set(inventory.gwp)
    found = []
    for allocation in inventory.allocations:
        lines, _ = inventory_lines(inventory, allocation.year, library, gwp, source, sites=[allocation.site])
        direct = [line for line in lines if line.category == "1"]
        energy = [line for line in lines if line.category == "2"]
        gases: dict[str, float] = {}
        for line in direct:
            for gas, kg in line.gases.items():
                gases[gas] = gases.get(gas, 0.0) + kg
        direct_kg = sum(line.kg_co2e for line in direct)
        kwh = sum(line.electricity_kwh for line in energy)
        indirect_kg = sum(line.kg_co2e for line in energy)
        weights = _weights(allocation)
        products = tuple(
            ProductShare(
                product.id,
                product.name or product.id,
                product.unit,
                product.output,
                weight,
                {gas: kg * weight / product.output for gas, kg in gases.items()},
                direct_kg * weight / product.output,
                kwh * weight / product.output,
                indirect_kg * weight / product.output,
            )
            for product, weight in zip(allocation.products, weights, strict=True)
        )
        found.append(
            SiteAllocation(
                allocation.site,
                allocation.year,
                allocation.basis,
                direct_kg / KG_PER_T,
                kwh,
                indirect_kg / KG_PER_T,
                products,
                gwp.name,
                tuple(dict.fromkeys(line.factor for line in direct if line.unverified)),
            )
        )
    return found


def _weights(allocation: Allocation) -> list[float]:
    field = {"mass": "mass_kg", "hours": "hours", "units": "output"}[allocation.basis]
    values = [float(getattr(product, field)) for product in allocation.products]
    return [value / sum(values) for value in values]


def allocation_factors(
    allocations: list[SiteAllocation], organisation: str, factor_set: str = "site-allocation"
) -> list[Factor]:
    """The direct emissions per unit of each product as a factor (``factor_set/<site>-<product>-<year>``)."""
    factors = []
    for site in allocations:
        for product in site.products:
            published = CO2E_TOTAL in product.gases_per_unit  # a factor without gases: the whole as CO2e
            emissions = () if published else tuple(Emission(g, kg) for g, kg in product.gases_per_unit.items())
            factors.append(
                Factor(
                    id=f"{site.site}-{product.product}-{site.year}",
                    name=f"Direct emissions of site {site.site} allocated to {product.name}, {site.year}",
                    name_zh=f"{site.site} 场所直接排放分配至 {product.name}（{site.year} 年）",
                    unit=product.unit,
                    geography="CN",
                    source=(
                        f"{organisation}, GHG inventory {site.year}, site {site.site}: ISO 14064-1 category 1 "
                        f"emissions ({site.direct_t_co2e:.6g} t CO2e, {site.gwp}) allocated by {site.basis}, share "
                        f"{product.share:.6g}, over {product.output:g} {product.unit}"
                    ),
                    factor_set=factor_set,
                    year=site.year,
                    emissions=emissions,
                    co2e=product.direct_kg_co2e_per_unit if published else None,
                    co2e_basis=site.gwp if published else None,
                    category="site allocation",
                    boundary="gate-to-gate: the site's direct emissions (fuel combustion, processes, fugitive)",
                    unverified=bool(site.unverified),
                    notes=(
                        f"Measured primary data. Electricity per unit: {product.electricity_kwh_per_unit:.6g} kWh "
                        "(price it with a life-cycle electricity factor in the product model)."
                        + (
                            f" Computed with unverified values: {', '.join(site.unverified)}."
                            if site.unverified
                            else ""
                        )
                    ),
                )
            )
    return factors


def allocation_csv(allocations: list[SiteAllocation], organisation: str, factor_set: str = "site-allocation") -> str:
    """The allocation factors as a factor-template CSV a product model names in ``factor_files``."""
    return factor_csv(allocation_factors(allocations, organisation, factor_set))
