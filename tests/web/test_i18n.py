"""The UI's languages: every message the templates and the code use is in both Babel catalogs, Chinese translates
each one (keeping its placeholders), the templates hold no text outside a message, and the vendored scripts are the
files their projects published."""

from __future__ import annotations

import hashlib
import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from lowcarbon.platform.app import DOMAINS
from lowcarbon.web import i18n
from lowcarbon.web.render import TEMPLATES

WEB = Path(i18n.__file__).parent
# The UI's sources: the web package's, and each domain's package with pages (its pages, charts and templates)
SOURCES = [WEB, *(domain.templates.parent for domain in DOMAINS if domain.templates is not None)]
ALLOWED_WORDS = {"lowcarbon", "kg", "CO2e", "YAML", "JSON", "v"}  # names and units, the same in every language
TEXT_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")


def _extracted() -> set[str]:
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    options = {"**/templates/**.html": {"trimmed": "true"}}
    keywords = {"_": None, "gettext": None, "N_": None}
    found = [item for folder in SOURCES for item in extract_from_dir(folder, method_map, options, keywords=keywords)]
    return {message for _, _, message, _, _ in found if isinstance(message, str)}


def _catalog(locale: str) -> dict[str, str]:
    with i18n.catalog_path(locale).open("rb") as file:
        return {str(message.id): str(message.string) for message in read_po(file) if message.id}


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("language", list(i18n.LANGUAGES.values()), ids=lambda language: language.tag)
def test_each_catalog_holds_exactly_the_messages_in_use(language: i18n.Language) -> None:
    used, catalog = _extracted(), _catalog(language.locale)
    assert len(used) > 50
    assert sorted(used - set(catalog)) == [], "run pybabel extract/update (see babel.cfg)"
    assert sorted(set(catalog) - used) == [], "the catalog has messages no longer in use"


def test_chinese_translates_every_message_and_keeps_its_placeholders() -> None:
    for message, translated in _catalog("zh_CN").items():
        assert translated.strip(), f"no Chinese for {message!r}"
        assert _placeholders(translated) == _placeholders(message), message
        assert re.search(r"[\u4e00-\u9fff]", translated), f"{translated!r} is not Chinese"


def test_the_loaded_translations_are_the_catalogs() -> None:
    assert i18n.translations("zh_CN").gettext("Products") == "产品"
    assert i18n.translations("en").gettext("Products") == "Products"


@pytest.mark.parametrize(
    "template",
    sorted([*TEMPLATES.glob("*.html"), *(f for d in DOMAINS if d.templates for f in d.templates.glob("*.html"))]),
    ids=lambda path: path.name,
)
def test_templates_hold_no_text_outside_messages(template: Path) -> None:
    source = template.read_text(encoding="utf-8")
    source = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", " ", source, flags=re.S)
    for attribute in TEXT_ATTRIBUTES:
        for value in re.findall(rf'{attribute}="([^"]*)"', source):
            assert not re.search(r"[A-Za-z\u4e00-\u9fff]", value), f"{template.name}: {attribute}={value!r}"
    source = re.sub(r"<script.*?</script>|<style.*?</style>", " ", source, flags=re.S)
    texts = re.findall(r">([^<]+)<", source)
    words = {word for text in texts for word in re.findall(r"[A-Za-z\u4e00-\u9fff][\w\u4e00-\u9fff]*", text)}
    assert words <= ALLOWED_WORDS, f"{template.name}: hard-coded {sorted(words - ALLOWED_WORDS)}"


def test_vendored_scripts_are_the_published_files() -> None:
    readme = (WEB / "static" / "vendor" / "README.md").read_text(encoding="utf-8")
    listed = dict(re.findall(r"`([\w.-]+\.(?:js|css))` ([0-9a-f]{64})", readme))
    assert set(listed) == {"echarts.min.js", "htmx.min.js", "swagger-ui-bundle.js", "swagger-ui.css"}
    for name, digest in listed.items():
        assert hashlib.sha256((WEB / "static" / "vendor" / name).read_bytes()).hexdigest() == digest, name
