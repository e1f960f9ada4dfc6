"""The catalog domain as the platform mounts it: the public search API (``/api/catalog``) and its migrations (branch
``catalog``). Certificates this platform issues reach the catalog through ``catalog.sync``, which listens to the
certification domain's certificate changes in their own transaction."""

from __future__ import annotations

from lowcarbon.catalog import index, routes, sync
from lowcarbon.platform.domains import Domain

__all__ = ["DOMAIN"]

sync.listen()

# warm_up: a server reads the search columns as it starts, not at its first search (seconds at a million products)
DOMAIN = Domain(name="catalog", router=routes.router, migration_branch="catalog", warm_up=index.current)
