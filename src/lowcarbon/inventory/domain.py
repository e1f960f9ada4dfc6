"""The inventory domain as the platform mounts it: the API of an organisation's GHG inventories (``/api/inventory``),
their pages, its scopes, its migrations (branch ``inventory``) and its demo data: a manufacturer's inventory of two
sites over two years, from the worked example; the verification of an inventory and the evaluation of a carbon
management system by a certification body, and the public check of their signed statements."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter

from lowcarbon.inventory import demo, pages, routes
from lowcarbon.inventory.pages import engagements as engagement_pages
from lowcarbon.inventory.routes import engagements
from lowcarbon.platform.domains import Domain

__all__ = ["DOMAIN"]

_router = APIRouter()
_router.include_router(routes.router)
_router.include_router(engagements.router)
_router.include_router(engagements.public_router)
_pages = APIRouter()
_pages.include_router(engagement_pages.router)  # first: /inventory/verifications is no /inventory/{inventory_id}
_pages.include_router(pages.router)

DOMAIN = Domain(
    name="inventory",
    router=_router,
    pages=_pages,
    templates=Path(__file__).parent / "templates",
    scopes={
        routes.READ_SCOPE: "read your organisation's GHG inventories, their activity data, results and reports",
        routes.WRITE_SCOPE: "add GHG inventories to your organisation and change their activity data",
    },
    migration_branch="inventory",
    seed_demo=demo.seed,
    describe_demo=demo.describe,
)
