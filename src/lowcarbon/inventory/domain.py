"""The inventory domain as the platform mounts it: the API of an organisation's GHG inventories (``/api/inventory``),
their pages, its scopes, its migrations (branch ``inventory``) and its demo data: a manufacturer's inventory of two
sites over two years, from the worked example."""

from __future__ import annotations

from pathlib import Path

from lowcarbon.inventory import demo, pages, routes
from lowcarbon.platform.domains import Domain

__all__ = ["DOMAIN"]

DOMAIN = Domain(
    name="inventory",
    router=routes.router,
    pages=pages.router,
    templates=Path(__file__).parent / "templates",
    scopes={
        routes.READ_SCOPE: "read your organisation's GHG inventories, their activity data, results and reports",
        routes.WRITE_SCOPE: "add GHG inventories to your organisation and change their activity data",
    },
    migration_branch="inventory",
    seed_demo=demo.seed,
    describe_demo=demo.describe,
)
