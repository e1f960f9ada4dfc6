"""The certify domain as the platform mounts it: the API of applications, certificates and keys
(``/api/certify``), the public registry and the bodies' JWKS (``/api/public/certificates``,
``/.well-known/jwks.json``), the pages, the scope machine clients read with, its migrations (branch ``certify``) and
what the demo prints of its certificates (``lowcarbon.demo`` seeds them once the demo's studies are
computed)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter

from lowcarbon.certify import demo, pages, routes
from lowcarbon.platform.domains import Domain

__all__ = ["DOMAIN"]

_router = APIRouter()
_router.include_router(routes.public_router)
_router.include_router(routes.router)

DOMAIN = Domain(
    name="certify",
    router=_router,
    pages=pages.router,
    templates=Path(__file__).parent / "templates",
    scopes={routes.READ_SCOPE: "read your organisation's certification applications and certificates"},
    migration_branch="certify",
    describe_demo=demo.describe,
)
