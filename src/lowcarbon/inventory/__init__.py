"""Organisational GHG inventories per ISO 14064-1:2018, with the GHG Protocol's scopes beside them, and China's
enterprise accounting (the MEE sector guidelines).

The pure core (no database, no server; imports factors and footprint):
    model       the inventory file's values: organisation, boundary approach, sites, activity data per site and month,
                base year, significance policy, allocations to products
    read        an inventory from YAML or the Excel template, every problem at once (in English and Chinese: messages)
    guidelines  the MEE guidelines' fuel defaults (data/cn-enterprise-guidelines.csv) and formulas
    lines       one record's emissions by gas: fuel, carbonate, direct gas, electricity (location and market), heat,
                library factor
    compute     the inventory: totals by ISO category, scope, scope 3 category, gas, site; significance
    baseyear    the base year and its recalculation after acquisitions and divestments
    allocation  a site's measured energy and emissions shared out to its products, as factors a product model uses
    cms         the carbon management system's requirements as versioned data (data/cms/), scored per clause and
                overall with a maturity level and a gap report
    cli         `lowcarbon inventory compute FILE [--json]`, `lowcarbon inventory allocate FILE [--factors CSV]`
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

# loaded when first used, so that the command line registers `lowcarbon inventory` without pydantic or the factors
_PUBLIC = {
    "Inventory": "lowcarbon.inventory.model",
    "InventoryResult": "lowcarbon.inventory.compute",
    "compute_inventory": "lowcarbon.inventory.compute",
    "allocate": "lowcarbon.inventory.allocation",
    "allocation_factors": "lowcarbon.inventory.allocation",
    "load_inventory": "lowcarbon.inventory.read",
    "read_inventory": "lowcarbon.inventory.read",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        return getattr(import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'lowcarbon.inventory' has no attribute {name!r}")
