"""The catalog domain as the platform mounts it: the public search, compare and export API (``/api/catalog``), the
public pages (``/catalog``), its migrations (branch ``catalog``) and its demo products. Certificates this platform
issues reach the catalog through ``catalog.sync``, which listens to the certification domain's certificate changes
in their own transaction."""

from __future__ import annotations

from pathlib import Path

from lowcarbon.catalog import demo, index, pages, routes, sync
from lowcarbon.platform.domains import Domain

__all__ = ["DOMAIN"]

sync.listen()

# warm_up: a server reads the search columns as it starts, not at its first search (seconds at a million products)
DOMAIN = Domain(
    name="catalog",
    router=routes.router,
    pages=pages.router,
    templates=Path(__file__).parent / "templates",
    migration_branch="catalog",
    seed_demo=demo.seed,
    describe_demo=demo.describe,
    warm_up=index.current,
)
