"""Pages from Jinja2 templates in the request's language, with the figures formatted as that language writes them.

One Jinja2 environment per language, built on first use, with the i18n extension's ``_``/``gettext``/``ngettext``
bound to that language's catalog (``i18n``), autoescaping on, and the filters ``figure`` (6 significant digits,
as the CLI prints them, grouped by the locale: ``12,345.6``), ``percent`` and ``when`` (a date and time in the
locale's medium format, in the page's time zone, named after it).

The page's time zone (``time_zone`` in every page's context) is the one the logged-in person chose on their account
page, else their language's: China Standard Time (Asia/Shanghai) for Chinese, UTC for English.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from babel.dates import format_datetime, get_timezone_name
from babel.numbers import format_decimal, format_percent
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape

from lowcarbon.platform.credentials import csrf_token
from lowcarbon.platform.csrf import SESSION_COOKIE
from lowcarbon.platform.dependencies import Platform
from lowcarbon.web.i18n import LANGUAGES, Language, language_of, translations

__all__ = [
    "PAGE_HEADERS",
    "SIGNIFICANT",
    "TEMPLATES",
    "ZONES",
    "environment",
    "figure",
    "gettext_for",
    "here",
    "page",
    "same_site_path",
    "text",
    "time_zone",
    "when",
]

TEMPLATES = Path(__file__).parent / "templates"
SIGNIFICANT = 6  # as `lowcarbon footprint` prints figures
NONE = "\u2013"  # an en dash: no figure
ZONES = {"zh-CN": "Asia/Shanghai", "en": "UTC"}  # the time zone of a language, for a person who chose none
# Pages load scripts, styles and images from this site only, run no inline script, and are framed by no site (no
# clickjacking). Styles may be inline: ECharts' SVG and HTMX's indicator set style attributes.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",  # pages show an organisation's data, and once a client's secret: keep no copy
}


def figure(value: float | None, locale: str) -> str:
    """``value`` to 6 significant digits, grouped and with the decimal sign of ``locale``; an en dash for none."""
    if value is None or not math.isfinite(value):
        return NONE
    if value == 0:
        return "0"
    decimals = max(0, SIGNIFICANT - 1 - math.floor(math.log10(abs(value))))
    rounded = round(value, decimals)
    return format_decimal(rounded, format="#,##0." + "#" * decimals if decimals else "#,##0", locale=locale)


@cache
def environment(locale: str, folders: tuple[Path, ...] = ()) -> Environment:
    """The template environment of ``locale``: the web package's templates, then those of ``folders`` (the domains'
    pages, as the assembler lists them in ``app.state.templates``)."""
    env = Environment(
        loader=FileSystemLoader([TEMPLATES, *folders]),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(locale), newstyle=True)  # type: ignore[attr-defined]
    env.filters["figure"] = lambda value: figure(value, locale)
    env.filters["percent"] = lambda value: _percent(value, locale)
    env.filters["when"] = pass_context(lambda context, value: when(value, locale, context.get("time_zone", "UTC")))
    return env


def gettext_for(request: Request) -> Callable[[str], str]:
    """The gettext of the request's language."""
    gettext: Callable[[str], str] = translations(language_of(request).locale).gettext
    return gettext


def text(request: Request, message: str, **values: Any) -> str:
    """``message`` translated into the request's language, with ``{name}`` placeholders filled from ``values``."""
    translated = gettext_for(request)(message)
    return translated.format(**values) if values else translated


def page(
    request: Request, template: str, context: Mapping[str, Any] | None = None, *, status: int = 200
) -> HTMLResponse:
    """``template`` rendered in the request's language, given ``request``, ``language``, ``languages`` and the
    session's ``csrf_token`` for its forms."""
    language: Language = language_of(request)
    session_token = request.cookies.get(SESSION_COOKIE)
    csrf = csrf_token(Platform.of(request.app).secret_key, session_token) if session_token else ""
    values = {
        "request": request,
        "language": language,
        "languages": LANGUAGES.values(),
        "csrf_token": csrf,
        "here": here(request),
        "time_zone": time_zone(language, (context or {}).get("user")),
        **(context or {}),
    }
    folders = getattr(request.app.state, "templates", ())
    html = environment(language.locale, folders).get_template(template).render(values)
    headers = {"Content-Language": language.tag, "Vary": "Cookie, Accept-Language", **PAGE_HEADERS}
    return HTMLResponse(html, status_code=status, headers=headers)


def here(request: Request) -> str:
    """The address of the page being shown, to come back to (after the language switch): the request's own for a
    GET, else the page the form was sent from (the Referer, when it is this site's), else the start page."""
    if request.method == "GET":
        return request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return same_site_path(request, request.headers.get("referer")) or "/"


def same_site_path(request: Request, url: str | None) -> str | None:
    """The path and query of ``url`` when it is an address of this site, else None."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.netloc != request.url.netloc or parts.scheme not in ("http", "https"):
        return None
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def time_zone(language: Language, user: Any = None) -> str:
    """The IANA time zone pages show times in: the one ``user`` chose, else that of ``language``."""
    chosen = getattr(user, "time_zone", None)
    return chosen if isinstance(chosen, str) and chosen else ZONES.get(language.tag, "UTC")


def when(value: datetime | None, locale: str, zone: str = "UTC") -> str:
    """``value`` as a date and time in ``locale``'s medium format, in time zone ``zone``, and the zone's name."""
    if value is None:
        return NONE
    tz = ZoneInfo(zone)
    shown = format_datetime(value, "medium", tzinfo=tz, locale=locale)
    if zone == "UTC":
        return f"{shown} UTC"
    name = get_timezone_name(tz, "long", locale=locale, zone_variant="generic")
    return f"{shown}（{name}）" if locale.startswith("zh") else f"{shown} ({name})"


def _percent(value: float | None, locale: str) -> str:
    return NONE if value is None else format_percent(value, "#,##0.#%", locale=locale)
