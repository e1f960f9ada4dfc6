"""The carbon-inclusive domain as the platform mounts it: the partner API (``/api/inclusive/events``, signed
batches) and the methodologies, the pages, its migrations (branch ``inclusive``) and what ``serve --demo`` prints of
its demo partner (which ``lowcarbon.demo`` registers)."""

from __future__ import annotations

from pathlib import Path

from lowcarbon.inclusive import demo, pages, routes
from lowcarbon.platform.domains import Domain

__all__ = ["DOMAIN"]

DOMAIN = Domain(
    name="inclusive",
    router=routes.router,
    pages=pages.router,
    templates=Path(__file__).parent / "templates",
    migration_branch="inclusive",
    describe_demo=demo.describe,
)
