"""The app factory: ``create_app(settings)`` assembles the FastAPI application; nothing is built at import time.

It is the platform's one assembler, the one module of the platform that imports domain packages: the kernel's routes,
the browser UI (``lowcarbon.web``) and every domain listed in ``DOMAINS`` (its router, its pages and their templates,
its job kinds; see ``platform.domains.Domain``) are mounted here. A new domain is mounted by adding its descriptor to
``DOMAINS``. Every route depends on ``csrf.check_csrf``, so a domain's routes are protected
without asking. ``clock`` replaces the system clock (tests move time with it). At start-up the runner fails jobs left
unfinished by a stopped process; at shutdown it waits for running jobs before the database engine is closed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI

from lowcarbon import __version__
from lowcarbon.bounded import configure as configure_limits
from lowcarbon.catalog.domain import DOMAIN as CATALOG
from lowcarbon.certify.domain import DOMAIN as CERTIFY
from lowcarbon.footprint.domain import DOMAIN as FOOTPRINT
from lowcarbon.inclusive.domain import DOMAIN as INCLUSIVE
from lowcarbon.inventory.domain import DOMAIN as INVENTORY
from lowcarbon.pact.domain import DOMAIN as PACT
from lowcarbon.platform import auth_routes, health, oauth, organisation_routes
from lowcarbon.platform.body_limit import BodyLimit
from lowcarbon.platform.clock import Clock, system_clock
from lowcarbon.platform.csrf import check_csrf
from lowcarbon.platform.database import checkpoints, create_engine, session_factory
from lowcarbon.platform.dependencies import Platform
from lowcarbon.platform.domains import Domain, job_registry
from lowcarbon.platform.http_errors import ErrorResponse, install_error_handlers
from lowcarbon.platform.jobs import create_runner, recover_quietly
from lowcarbon.platform.settings import Settings
from lowcarbon.report.domain import DOMAIN as REPORT
from lowcarbon.web import install as install_web

__all__ = ["DOMAINS", "create_app"]

logger = logging.getLogger(__name__)
DOMAINS: tuple[Domain, ...] = (FOOTPRINT, REPORT, PACT, CERTIFY, CATALOG, INCLUSIVE, INVENTORY)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    platform = Platform.of(app)
    recover_quietly(platform.jobs)
    for domain in DOMAINS:
        if domain.warm_up is not None:
            threading.Thread(
                target=_warm_up, args=(platform, domain), name=f"warm-up {domain.name}", daemon=True
            ).start()
    try:
        with checkpoints(platform.engine):
            yield
    finally:
        platform.jobs.shutdown()
        platform.engine.dispose()


def _warm_up(platform: Platform, domain: Domain) -> None:
    assert domain.warm_up is not None
    try:
        with platform.sessions() as session:
            domain.warm_up(session)
    except Exception:  # a database not migrated yet, a server stopping: the first request does the work instead
        logger.warning("warming up %s failed", domain.name, exc_info=True)


def create_app(settings: Settings, *, clock: Clock = system_clock) -> FastAPI:
    """The web service for ``settings``; its database engine connects on first use, so this never fails on it."""
    engine = create_engine(settings)
    configure_limits(settings.limits())  # what every file from outside is read within, in this process
    app = FastAPI(
        title="lowcarbon",
        version=__version__,
        description="Product carbon footprints, certification, catalog and PACT exchange.",
        lifespan=_lifespan,
        docs_url=None,  # lowcarbon.web serves /docs from its own files, not a CDN
        redoc_url=None,
        responses={"default": {"model": ErrorResponse, "description": "An error, in the one error shape"}},
        dependencies=[Depends(check_csrf)],
    )
    sessions, write_sessions = session_factory(engine), session_factory(engine, write=True)
    app.state.platform = Platform(
        settings=settings,
        engine=engine,
        sessions=sessions,
        write_sessions=write_sessions,
        jobs=create_runner(settings, write_sessions, job_registry(DOMAINS), reads=sessions),
        clock=clock,
    )
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(auth_routes.router)
    app.include_router(oauth.router)
    app.include_router(organisation_routes.router)
    for domain in DOMAINS:
        if domain.router is not None:
            app.include_router(domain.router)
    install_web(app, pages=[domain.pages for domain in DOMAINS if domain.pages is not None])
    app.state.templates = tuple(domain.templates for domain in DOMAINS if domain.templates is not None)
    scopes = {scope: text for domain in DOMAINS for scope, text in domain.scopes.items()}
    app.state.scopes = tuple(scopes)
    _describe_scopes(app, scopes)
    app.add_middleware(BodyLimit)
    return app


def _describe_scopes(app: FastAPI, scopes: dict[str, str]) -> None:
    """List the domains' OAuth2 scopes, with what each allows, in the OpenAPI document's client-credentials flow."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            for scheme in build().get("components", {}).get("securitySchemes", {}).values():
                flow = scheme.get("flows", {}).get("clientCredentials")
                if flow is not None:
                    flow["scopes"] = dict(scopes)
        return app.openapi_schema or build()

    app.openapi = openapi  # type: ignore[method-assign]
