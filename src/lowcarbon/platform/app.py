"""The app factory: ``create_app(settings)`` assembles the FastAPI application; nothing is built at import time.

It is the platform's one assembler: the kernel's routes are mounted here, and so will every domain's router be.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from lowcarbon import __version__
from lowcarbon.platform import health
from lowcarbon.platform.database import create_engine, session_factory
from lowcarbon.platform.dependencies import Platform
from lowcarbon.platform.http_errors import ErrorResponse, install_error_handlers
from lowcarbon.platform.settings import Settings

__all__ = ["create_app"]


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    Platform.of(app).engine.dispose()


def create_app(settings: Settings) -> FastAPI:
    """The web service for ``settings``; its database engine connects on first use, so this never fails on it."""
    engine = create_engine(settings)
    app = FastAPI(
        title="lowcarbon",
        version=__version__,
        description="Product carbon footprints, certification, catalog and PACT exchange.",
        lifespan=_lifespan,
        responses={"default": {"model": ErrorResponse, "description": "An error, in the one error shape"}},
    )
    app.state.platform = Platform(settings=settings, engine=engine, sessions=session_factory(engine))
    install_error_handlers(app)
    app.include_router(health.router)
    return app
