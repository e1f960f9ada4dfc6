"""The API's documentation page, Swagger UI, served from this site's own static files.

FastAPI's default ``/docs`` loads Swagger UI from a public CDN (cdn.jsdelivr.net), which a closed network, or a
network in which that CDN is slow or blocked, never delivers: the page stays blank. Here the same page loads the
files shipped in ``static/vendor`` (swagger-ui-dist, see its README), so the documentation works wherever the
platform does. ReDoc, FastAPI's second documentation page, is not served: it would need a second vendored bundle
for the same content.

    GET /docs                    Swagger UI over /openapi.json
    GET /docs/oauth2-redirect    Swagger UI's OAuth2 redirect helper
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse

__all__ = ["OAUTH2_REDIRECT", "router"]

router = APIRouter(include_in_schema=False)
OAUTH2_REDIRECT = "/docs/oauth2-redirect"


@router.get("/docs")
def swagger_ui(request: Request) -> HTMLResponse:
    """Swagger UI over the app's OpenAPI document, from this site's files."""
    return get_swagger_ui_html(
        openapi_url=request.app.openapi_url or "/openapi.json",
        title=f"{request.app.title} API",
        swagger_js_url="/static/vendor/swagger-ui-bundle.js",
        swagger_css_url="/static/vendor/swagger-ui.css",
        swagger_favicon_url="/static/favicon.svg",
        oauth2_redirect_url=OAUTH2_REDIRECT,
    )


@router.get(OAUTH2_REDIRECT)
def swagger_ui_redirect() -> HTMLResponse:
    """The page Swagger UI's OAuth2 flows return to."""
    return get_swagger_ui_oauth2_redirect_html()
