"""The factor library's pages: the factor browser (search in Chinese and English, filters, pages, each factor's
source and detail) in Chinese and English, and the organisation's factor files with their forms for editors."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from lowcarbon.footprint.pages import factors as factor_pages
from lowcarbon.platform.settings import Settings
from lowcarbon.web.render import figure
from support.library_support import BRACKET_MODEL, BRACKET_TOTAL, STEEL_BAR_AR6, STEEL_CSV, STEEL_SET
from support.study_support import count_rows, seed_organisation
from support.web_support import app_settings, csrf_of, form_login, web

__all__ = ["app_settings", "web"]  # the fixtures

LANGUAGES = (("en", "en", "Emission factors"), ("zh-CN", "zh_CN", "排放因子"))


def _add(client: TestClient, name: str, content: bytes | str, factor_set: str = "") -> Any:
    raw = content.encode("utf-8") if isinstance(content, str) else content
    data = {"csrf_token": csrf_of(client, "/factor-files"), "factor_set": factor_set}
    return client.post("/factor-files", data=data, files={"file": (name, raw)}, follow_redirects=False)


def _keys(page: str) -> list[str]:
    """The factors' keys in the results table, in order."""
    table = page.split('id="factors"', 1)[1].split("</table>", 1)[0] if 'id="factors"' in page else ""
    return [html.unescape(key) for key in re.findall(r"<code>([^<]+)</code></a>", table)]


@pytest.fixture
def editor(app_settings: Settings, web: TestClient) -> Iterator[TestClient]:
    """Acme's editor, logged in on ``web``, with Acme's steel in the library (added through the page)."""
    acme = seed_organisation(app_settings, "Acme")
    with web:
        form_login(web, acme.editor)
        added = _add(web, f"{STEEL_SET}.csv", STEEL_CSV)
        assert added.status_code == 303 and added.headers["location"].startswith("/factor-files?added="), added.text
        yield web


def test_the_browser_finds_factors_in_either_language_with_their_source(editor: TestClient) -> None:
    """In Chinese and in English the navigation links the browser; a search in Chinese or English words finds the
    library's factor, its value (AR6) printed as the locale writes it, its unit, geography, year and source
    linked to its address; an unverified factor is flagged."""
    for tag, locale, heading in LANGUAGES:
        editor.cookies.set("lowcarbon_lang", tag)
        page = editor.get("/factors", params={"q": "钢筋棒材"}).text
        assert f'<html lang="{tag}">' in page and f"<h1>{heading}</h1>" in page
        assert '<a href="/factors" class="active">' in page
        assert _keys(page) == ["acme-steel/steel-bar"]
        assert f'<td class="num">{figure(STEEL_BAR_AR6, locale)}</td>' in page
        assert (
            '<a href="https://example.com/epd" rel="noopener noreferrer" target="_blank">Acme supplier EPD 2024</a>'
            in page
        )
        assert "<td>CN-East</td>" in page and "<td>2024</td>" in page and "<td><code>kg</code></td>" in page
        assert _keys(editor.get("/factors", params={"q": "steel bar", "set": STEEL_SET}).text) == [
            "acme-steel/steel-bar"
        ]
        rebar = editor.get("/factors", params={"q": "rebar", "set": STEEL_SET}).text
        assert {"en": ">unverified<", "zh-CN": ">未核实<"}[tag] in rebar


def test_the_filters_keep_a_geography_a_unit_dimension_and_a_set(editor: TestClient) -> None:
    """The geography filter keeps those starting with it, the unit filter those per a unit of its dimension (t
    finds factors per kg), the set filter one set, the organisation's among the choices; an unknown unit and an
    unknown set are told on the page, in the page's language."""
    editor.cookies.set("lowcarbon_lang", "en")
    page = editor.get("/factors", params={"set": STEEL_SET}).text
    assert f'<option value="{STEEL_SET}" selected>{STEEL_SET}</option>' in page
    assert _keys(page) == ["acme-steel/steel-bar", "acme-steel/rebar"]
    assert _keys(editor.get("/factors", params={"set": STEEL_SET, "geography": "CN-E"}).text) == [
        "acme-steel/steel-bar"
    ]
    assert _keys(editor.get("/factors", params={"set": STEEL_SET, "unit": "t"}).text) == [
        "acme-steel/steel-bar",
        "acme-steel/rebar",
    ]
    assert _keys(editor.get("/factors", params={"set": STEEL_SET, "unit": "kWh"}).text) == []
    electricity = editor.get("/factors", params={"unit": "kWh", "geography": "CN"}).text
    assert _keys(electricity) and all(not key.startswith(STEEL_SET) for key in _keys(electricity))
    assert "The unit blorbs is not known" in editor.get("/factors", params={"unit": "blorbs"}).text
    editor.cookies.set("lowcarbon_lang", "zh-CN")
    assert "没有名为 nothing-here 的因子集" in editor.get("/factors", params={"set": "nothing-here"}).text


def test_the_browser_pages_through_the_factors(editor: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page shows PAGE_SIZE factors and links the next and previous pages with the same filters."""
    monkeypatch.setattr(factor_pages, "PAGE_SIZE", 3)
    first = editor.get("/factors", params={"q": "electricity"}).text
    assert len(_keys(first)) == 3 and 'href="/factors?q=electricity&amp;page=2" rel="next"' in first
    second = editor.get("/factors", params={"q": "electricity", "page": 2}).text
    assert 'href="/factors?q=electricity" rel="prev"' in second
    assert not set(_keys(first)) & set(_keys(second)) and len(_keys(second)) == 3


def test_a_factor_shows_everything_it_carries(editor: TestClient) -> None:
    """A factor's page shows its gases with their origin, its data quality, its notes, its source and how to link
    it; the browser's key links there."""
    editor.cookies.set("lowcarbon_lang", "zh-CN")
    rebar = editor.get("/factors/acme-steel/rebar").text
    assert "<h1>热轧带肋钢筋</h1>" in rebar and "factor: acme-steel/rebar" in rebar
    gases = rebar.split('id="gases"', 1)[1].split("</table>", 1)[0]
    assert re.findall(r"<code>([^<]+)</code></td><td>([^<]+)</td>", gases) == [("CO2", "化石源"), ("CO2", "生物源")]
    assert "<dt>技术代表性</dt><dd>3</dd>" in rebar and "first figure of the mill" in rebar
    assert f'id="value-ar6">{figure(1800 - 5, "zh_CN")} ' in rebar and ">未核实<" in rebar
    editor.cookies.set("lowcarbon_lang", "en")
    bar = editor.get("/factors/acme-steel/steel-bar").text
    assert "Acme supplier EPD 2024" in bar and "<dt>Temporal representativeness</dt><dd>1</dd>" in bar
    assert ("CH4-fossil", "fossil") in re.findall(r"<code>([^<]+)</code></td><td>([^<]+)</td>", bar)
    assert editor.get("/factors/acme-steel/no-such-factor").status_code == 404


def test_editors_add_and_delete_files_and_problems_are_shown(app_settings: Settings, editor: TestClient) -> None:
    """The files page lists the file added, with its set linked to the browser; a file with problems is shown
    refused with each one (400), a set that is taken too (409); the delete form takes a file out."""
    editor.cookies.set("lowcarbon_lang", "en")
    listing = editor.get("/factor-files").text
    assert f'<a href="/factors?set={STEEL_SET}"><code>{STEEL_SET}</code></a>' in listing
    refused = _add(editor, "broken.csv", "id,name,unit,geography,source,kg_CO2\na,A,kg,CN,S,abc\n")
    assert refused.status_code == 400 and "The file cannot be added:" in refused.text
    assert "<code>row 2, column kg_CO2</code> &#39;abc&#39; is not a number" in refused.text
    taken = _add(editor, "other.csv", STEEL_CSV, factor_set=STEEL_SET)
    assert taken.status_code == 409 and "already" in taken.text
    assert 'value="acme-steel"' in taken.text  # the set asked for, kept to correct
    assert count_rows(app_settings, "library_files") == 1
    file_id = re.search(r'action="/factor-files/(\d+)/delete"', listing)
    assert file_id is not None
    deleted = editor.post(
        f"/factor-files/{file_id.group(1)}/delete",
        data={"csrf_token": csrf_of(editor, "/factor-files")},
        follow_redirects=False,
    )
    assert deleted.status_code == 303 and deleted.headers["location"] == "/factor-files"
    assert "Your organisation has no factor files yet." in editor.get("/factor-files").text


def test_a_study_page_shows_the_library_files_it_keeps(editor: TestClient) -> None:
    """A study whose model links the library's set computes with it, and its page lists its copy of the file."""
    editor.cookies.set("lowcarbon_lang", "zh-CN")
    product = editor.post(
        "/products", data={"name": "Bracket", "csrf_token": csrf_of(editor)}, follow_redirects=False
    ).headers["location"]
    assert "本组织因子文件中的因子无需再上传" in editor.get(product).text
    data = {"csrf_token": csrf_of(editor, product), "model": BRACKET_MODEL, "format": "yaml"}
    study = editor.post(f"{product}/studies", data=data, files={"file": ("", b"", "")}, follow_redirects=False)
    assert study.status_code == 303, study.text
    page = editor.get(study.headers["location"]).text
    assert f'<span class="value" id="total">{figure(BRACKET_TOTAL, "zh_CN")}</span>' in page
    copies = page.split('id="library-files"', 1)[1].split("</section>", 1)[0]
    assert "来自本组织的因子文件" in page and f"<code>{STEEL_SET}</code>" in copies and "acme-steel.csv" in copies


def test_a_viewer_sees_no_forms_and_another_organisation_nothing(app_settings: Settings, web: TestClient) -> None:
    """A viewer browses but gets no upload or delete form, and posting one is 403; another organisation's editor
    finds none of the files or factors (the factor's page is 404, the delete 404)."""
    acme, rival = seed_organisation(app_settings, "Acme"), seed_organisation(app_settings, "Rival")
    with web:
        form_login(web, acme.editor)
        assert _add(web, f"{STEEL_SET}.csv", STEEL_CSV).status_code == 303
        file_id = re.search(r'action="/factor-files/(\d+)/delete"', web.get("/factor-files").text)
        assert file_id is not None
        form_login(web, acme.viewer)
        listing = web.get("/factor-files").text
        assert STEEL_SET in listing and 'action="/factor-files"' not in listing and "/delete" not in listing
        viewer_post = web.post("/factor-files", data={"csrf_token": csrf_of(web, "/factor-files")})
        assert viewer_post.status_code == 403 and 'data-error-code="forbidden"' in viewer_post.text
        form_login(web, rival.editor)
        assert STEEL_SET not in web.get("/factor-files").text
        assert _keys(web.get("/factors", params={"q": "钢筋棒材"}).text) == []
        assert web.get("/factors/acme-steel/steel-bar").status_code == 404
        deleted = web.post(
            f"/factor-files/{file_id.group(1)}/delete", data={"csrf_token": csrf_of(web, "/factor-files")}
        )
        assert deleted.status_code == 404
    assert count_rows(app_settings, "library_files") == 1
