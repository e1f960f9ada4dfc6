"""The PACT domain as the platform mounts it: the v3 host API (``/3/footprints``, ``/3/events``), its scopes, its
migrations (branch ``pact``) and what ``serve --demo`` prints of its demo footprints (which ``lowcarbon.demo``
publishes once the demo's studies are computed). The token endpoint and discovery document it relies on are the
platform's own."""

from __future__ import annotations

from lowcarbon.pact import demo, routes
from lowcarbon.platform.domains import Domain

__all__ = ["DOMAIN"]

DOMAIN = Domain(
    name="pact",
    router=routes.router,
    scopes={
        routes.READ_SCOPE: "PACT: list and get the product footprints your supplier shares with you",
        routes.EVENTS_SCOPE: "PACT: send events (footprint requests, answers, publications) to your supplier",
    },
    migration_branch="pact",
    describe_demo=demo.describe,
)
