"""The report domain as the platform mounts it: a stored study's CFP study report (``routes``), read with the
footprint domain's scope ``studies:read``; it has no tables, jobs or demo data of its own."""

from __future__ import annotations

from lowcarbon.platform.domains import Domain
from lowcarbon.report import routes

__all__ = ["DOMAIN"]

DOMAIN = Domain(name="report", router=routes.router)
