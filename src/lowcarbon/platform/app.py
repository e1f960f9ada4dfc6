"""The app factory: ``create_app(settings)`` assembles the FastAPI application; nothing is built at import time.

It is the platform's one assembler: the kernel's routes are mounted here, and so will every domain's router be.
Every route depends on ``csrf.check_csrf``, so a domain's routes are protected without asking. ``clock`` replaces
the system clock (tests move time with it).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI

from lowcarbon import __version__
from lowcarbon.platform import auth_routes, health, oauth
from lowcarbon.platform.clock import Clock, system_clock
from lowcarbon.platform.csrf import check_csrf
from lowcarbon.platform.database import create_engine, session_factory
from lowcarbon.platform.dependencies import Platform
from lowcarbon.platform.http_errors import ErrorResponse, install_error_handlers
from lowcarbon.platform.settings import Settings

__all__ = ["create_app"]


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    Platform.of(app).engine.dispose()


def create_app(settings: Settings, *, clock: Clock = system_clock) -> FastAPI:
    """The web service for ``settings``; its database engine connects on first use, so this never fails on it."""
    engine = create_engine(settings)
    app = FastAPI(
        title="lowcarbon",
        version=__version__,
        description="Product carbon footprints, certification, catalog and PACT exchange.",
        lifespan=_lifespan,
        responses={"default": {"model": ErrorResponse, "description": "An error, in the one error shape"}},
        dependencies=[Depends(check_csrf)],
    )
    app.state.platform = Platform(
        settings=settings,
        engine=engine,
        sessions=session_factory(engine),
        write_sessions=session_factory(engine, write=True),
        clock=clock,
    )
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(auth_routes.router)
    app.include_router(oauth.router)
    return app
