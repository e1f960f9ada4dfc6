"""The browser UI's languages: Simplified Chinese and English, from Babel catalogs, chosen per request.

Every text of the UI is an English message id, translated by ``locale/<locale>/LC_MESSAGES/messages.po``; the
catalogs are read from their ``.po`` text when first needed (no compiled ``.mo`` files to keep in step). English is
the message ids themselves, so its catalog holds no translations but the same ids (a test checks that both
catalogs hold every message the templates and the code use, and that the Chinese one translates each).

The language is the ``lowcarbon_lang`` cookie that the language switch sets (``/lang/{tag}``), else the browser's
``Accept-Language`` (its first language that the UI has), else Chinese: the platform serves China's CFP world first.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from fastapi import Request

__all__ = ["DEFAULT", "LANGUAGES", "LANG_COOKIE", "N_", "Language", "catalog_path", "language_of", "translations"]

LOCALE_DIR = Path(__file__).parent / "locale"
LANG_COOKIE = "lowcarbon_lang"


@dataclass(frozen=True)
class Language:
    """A language of the UI: its BCP 47 tag (as in URLs, cookies and ``<html lang>``), its Babel locale, its name."""

    tag: str
    locale: str
    name: str  # in the language itself, as the switch shows it


LANGUAGES: Mapping[str, Language] = {
    "zh-CN": Language("zh-CN", "zh_CN", "中文"),
    "en": Language("en", "en", "English"),
}
DEFAULT = LANGUAGES["zh-CN"]


def N_(message: str) -> str:  # gettext's conventional name for a marker
    """Mark ``message`` for the catalogs where it is defined; it is translated where it is shown."""
    return message


def catalog_path(locale: str) -> Path:
    """The ``.po`` catalog of ``locale``."""
    return LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"


@cache
def translations(locale: str) -> Translations:
    """The gettext translations of ``locale``, compiled in memory from its ``.po`` catalog."""
    with catalog_path(locale).open("rb") as file:
        catalog = read_po(file, locale=locale)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


def language_of(request: Request) -> Language:
    """The language to answer ``request`` in: the switch's cookie, else the browser's preference, else Chinese."""
    chosen = LANGUAGES.get(request.cookies.get(LANG_COOKIE, ""))
    if chosen is not None:
        return chosen
    for part in request.headers.get("accept-language", "").split(","):
        primary = part.split(";")[0].strip().lower().split("-")[0]  # q-values aside, browsers list by preference
        for language in LANGUAGES.values():
            if language.tag.lower().split("-")[0] == primary:
                return language
    return DEFAULT
