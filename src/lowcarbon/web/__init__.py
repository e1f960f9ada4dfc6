"""The browser UI: server-rendered pages (Jinja2, HTMX, Apache ECharts) in Chinese and English.

``install(app)`` mounts the pages, the static files (``/static``: the stylesheet, the chart script, and HTMX and
ECharts and Swagger UI as shipped by their projects, see ``static/vendor``), the API's documentation page (``/docs``,
from those files rather than a CDN), the redirect to the login page, and error pages for the pages' errors
(``error_pages``), the pages that belong to no domain, and the domains' pages the assembler hands over (each
domain's pages use its service, as its API does, so they show what the API answers).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from lowcarbon.web import docs_pages, error_pages, organisation_pages, session_pages
from lowcarbon.web.access import LoginRequired, login_redirect

__all__ = ["install"]

STATIC = Path(__file__).parent / "static"


def install(app: FastAPI, pages: Sequence[APIRouter] = ()) -> None:
    """Mount the browser UI on ``app``, with the domains' ``pages``."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_exception_handler(LoginRequired, login_redirect)
    error_pages.install(app)
    app.include_router(session_pages.router)
    for router in pages:
        app.include_router(router)
    app.include_router(organisation_pages.router)
    app.include_router(docs_pages.router)
