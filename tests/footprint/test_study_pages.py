"""The pages of products and footprint studies: upload, edit, compute and compare, over HTTP."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from lowcarbon.footprint import compute, messages
from lowcarbon.footprint.excel import write_excel_starter
from lowcarbon.footprint.pages import studies as study_pages
from lowcarbon.platform.settings import Settings
from lowcarbon.web.render import figure
from support.hostile import xlsx_bomb
from support.study_support import PV_MODEL, TSHIRT_FACTORS, TSHIRT_MODEL, count_rows, seed_organisation
from support.web_support import app_settings, csrf_of, form_login, web

__all__ = ["app_settings", "web"]  # the fixtures, shared with the other page tests

PV_TOTAL = compute(PV_MODEL).total


@pytest.fixture
def product_id(app_settings: Settings, web: TestClient) -> Iterator[int]:
    """A product of Sunrise PV, added through the page by its editor, who stays logged in on ``web``."""
    organisation = seed_organisation(app_settings, "Sunrise PV")
    with web:
        form_login(web, organisation.editor)
        yield _product(web)


def _product(client: TestClient, name: str = "PV module") -> int:
    response = client.post("/products", data={"name": name, "csrf_token": csrf_of(client)}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def _upload(client: TestClient, product_id: int, name: str, content: bytes, **fields: str) -> Any:
    data = {"csrf_token": csrf_of(client, f"/products/{product_id}"), "model": "", **fields}
    files = {"file": (name, content, "application/octet-stream")} if name else {"file": ("", b"", "")}
    return client.post(f"/products/{product_id}/studies", data=data, files=files, follow_redirects=False)


def _charts(page: str) -> dict[str, Any]:
    found = re.findall(r'id="chart-(\w+)" data-chart="([^"]+)"', page)
    return {name: json.loads(html.unescape(value)) for name, value in found}


def test_upload_computes_the_study_and_shows_the_cli_figures_and_charts(
    app_settings: Settings, web: TestClient, product_id: int
) -> None:
    response = _upload(web, product_id, "model.yaml", PV_MODEL.read_bytes())
    assert response.status_code == 303, response.text
    study_page = response.headers["location"]
    for tag, locale, words in (("en", "en", "Carbon footprint"), ("zh-CN", "zh_CN", "碳足迹")):
        web.cookies.set("lowcarbon_lang", tag)
        page = web.get(study_page).text
        assert f'<span class="value" id="total">{figure(PV_TOTAL, locale)}</span>' in page
        assert words in page and f'<html lang="{tag}">' in page
    charts = _charts(page)
    assert set(charts) == {"stage", "gas", "hotspots"}
    api = web.get(f"/api/studies/{study_page.rsplit('/', 1)[1]}").json()
    stages = [messages.code(stage, "zh-CN") for stage in api["result"]["by_stage"]]  # the page's language
    assert charts["stage"]["yAxis"]["data"] == stages  # bars along the y axis, a label a row
    assert charts["stage"]["series"][0]["data"] == [float(f"{v:.6g}") for v in api["result"]["by_stage"].values()]
    assert api["total"] == pytest.approx(PV_TOTAL, rel=1e-12)
    assert charts["gas"]["title"]["text"] == "按温室气体"


def test_an_excel_model_uploads_as_a_file(
    app_settings: Settings, web: TestClient, product_id: int, tmp_path: Path
) -> None:
    workbook = write_excel_starter(tmp_path / "Kettle.xlsx")
    response = _upload(web, product_id, "Kettle.xlsx", workbook.read_bytes())
    assert response.status_code == 303, response.text
    study = web.get(f"/api/studies/{response.headers['location'].rsplit('/', 1)[1]}").json()
    assert study["model_format"] == "xlsx"
    assert study["total"] == pytest.approx(compute(workbook).total, rel=1e-12)


def test_an_edited_model_becomes_the_next_version_and_the_comparison_shows_both(
    app_settings: Settings, web: TestClient, product_id: int
) -> None:
    first = _upload(web, product_id, "model.yaml", PV_MODEL.read_bytes()).headers["location"]
    edit_page = web.get(f"/products/{product_id}?edit={first.rsplit('/', 1)[1]}").text
    model_text = re.search(r'<textarea name="model"[^>]*>(.*?)</textarea>', edit_page, re.S)
    assert model_text is not None
    original = PV_MODEL.read_text(encoding="utf-8")
    assert html.unescape(model_text.group(1)) == original
    response = _upload(web, product_id, "", b"", model=original, format="yaml")
    assert response.status_code == 303, response.text
    page = web.get(f"/products/{product_id}").text
    assert ">v1</a>" in page and ">v2</a>" in page
    versions = re.findall(r"<td>v(\d)</td>\s*<td class=\"num\">([^<]+)</td>", page)
    assert versions == [("1", figure(PV_TOTAL, "zh_CN")), ("2", figure(PV_TOTAL, "zh_CN"))]
    listed = web.get("/products").text
    total = re.escape(figure(PV_TOTAL, "zh_CN"))
    assert re.search(rf"<td>v2</td>\s*<td class=\"num\">{total}</td>\s*<td>1 kW</td>", listed)


def _upload_with_factors(
    client: TestClient, product_id: int, factor_files: list[tuple[str, bytes]], **fields: str
) -> Any:
    """The new-version form with the T-shirt's model file (unless ``model`` is given) and ``factor_files``."""
    data = {"csrf_token": csrf_of(client, f"/products/{product_id}"), "model": "", **fields}
    model = ("", b"", "") if fields.get("model") else ("model.yaml", TSHIRT_MODEL.read_bytes(), "application/yaml")
    files = [("file", model)] + [("factor_file", (name, content, "text/csv")) for name, content in factor_files]
    return client.post(f"/products/{product_id}/studies", data=data, files=files, follow_redirects=False)


def test_a_model_uploads_with_its_factor_files_and_a_new_version_keeps_them(
    app_settings: Settings, web: TestClient, product_id: int
) -> None:
    web.cookies.set("lowcarbon_lang", "en")
    expected = compute(TSHIRT_MODEL).total
    response = _upload_with_factors(web, product_id, [("factors.csv", TSHIRT_FACTORS.read_bytes())])
    assert response.status_code == 303, response.text
    first = response.headers["location"]
    study_page = web.get(first).text
    assert f'href="/api/studies/{first.rsplit("/", 1)[1]}/files/factors.csv"' in study_page
    assert web.get(f"/api/studies/{first.rsplit('/', 1)[1]}/files/factors.csv").content == TSHIRT_FACTORS.read_bytes()
    edit_page = web.get(f"/products/{product_id}?edit={first.rsplit('/', 1)[1]}").text
    assert 'name="factor_file"' in edit_page and "multiple" in edit_page
    assert (
        "keeps the factor files of the version it starts from" in edit_page and "<code>factors.csv</code>" in edit_page
    )
    files_from = re.search(r'name="files_from" value="(\d+)"', edit_page)
    assert files_from is not None and files_from.group(1) == first.rsplit("/", 1)[1]
    edited = TSHIRT_MODEL.read_text(encoding="utf-8")
    response = _upload_with_factors(web, product_id, [], model=edited, format="yaml", files_from=files_from.group(1))
    assert response.status_code == 303, response.text
    second = web.get(f"/api/studies/{response.headers['location'].rsplit('/', 1)[1]}").json()
    assert second["version"] == 2 and second["total"] == pytest.approx(expected, rel=1e-12)
    assert [file["name"] for file in web.get(f"/api/studies/{second['id']}/files").json()] == ["factors.csv"]
    first_study = web.get(f"/api/studies/{first.rsplit('/', 1)[1]}").json()
    assert first_study["total"] == pytest.approx(expected, rel=1e-12)
    web.cookies.set("lowcarbon_lang", "zh-CN")
    assert "模型引用的因子文件" in web.get(f"/products/{product_id}").text
    missing = _upload_with_factors(web, product_id, [])
    assert missing.status_code == 400 and "未随模型上传：factors.csv" in missing.text  # the problem in Chinese
    assert count_rows(app_settings, "studies") == 2 and count_rows(app_settings, "study_files") == 2


def test_a_bad_model_is_shown_with_its_problems_and_stores_nothing(
    app_settings: Settings, web: TestClient, product_id: int
) -> None:
    web.cookies.set("lowcarbon_lang", "en")
    broken = "product: {name: x}\nstages: 12\n"
    response = _upload(web, product_id, "", b"", model=broken, format="yaml")
    assert response.status_code == 400
    assert "The model cannot be computed" in response.text and "<code>model" in response.text
    assert "stages: 12" in response.text  # the draft is kept for fixing
    response = _upload(web, product_id, "model.txt", b"hello")
    assert response.status_code == 400 and "cannot tell the format of the file &#39;model.txt&#39;" in response.text
    response = _upload(web, product_id, "model.yaml", "产品".encode("gb18030"))
    assert response.status_code == 400 and "not UTF-8" in response.text
    response = _upload(web, product_id, "", b"", model="  ", format="yaml")
    assert response.status_code == 400 and "Choose a model file" in response.text
    assert count_rows(app_settings, "studies") == 0
    assert count_rows(app_settings, "jobs") == 0


def test_a_hostile_model_is_shown_refused_in_either_language(
    app_settings: Settings, web: TestClient, product_id: int
) -> None:
    """A zip bomb uploaded on the page is refused on the form, in Chinese and English, and stores nothing."""
    bomb = xlsx_bomb()
    for language, words in (
        ("zh-CN", "文件超出了限制 max_compression_ratio"),
        ("en", "past the limit max_compression_ratio"),
    ):
        web.cookies.set("lowcarbon_lang", language)
        response = _upload(web, product_id, "bomb.xlsx", bomb)
        assert response.status_code == 413
        assert words in response.text
    assert count_rows(app_settings, "studies") == 0


def test_a_product_name_with_a_control_character_is_shown_refused(
    app_settings: Settings, web: TestClient, product_id: int
) -> None:
    """NUL or BEL in the form's name is 422 with the reason naming the field, on both databases; nothing stored."""
    for control in "\x00\x07":
        refused = web.post("/products", data={"name": f"x{control}y", "csrf_token": csrf_of(web)})
        assert refused.status_code == 422 and "name: must not contain control characters" in refused.text
    assert count_rows(app_settings, "products") == 1


def test_forms_need_the_csrf_token(app_settings: Settings, web: TestClient) -> None:
    organisation = seed_organisation(app_settings, "Sunrise PV")
    with web:
        form_login(web, organisation.editor)
        response = web.post("/products", data={"name": "PV"}, follow_redirects=False)
        assert response.status_code == 403 and 'data-error-code="csrf_failed"' in response.text
        product_id = _product(web)
        files = {"file": ("model.yaml", PV_MODEL.read_bytes(), "application/yaml")}
        response = web.post(f"/products/{product_id}/studies", data={"model": ""}, files=files)
        assert response.status_code == 403 and 'data-error-code="csrf_failed"' in response.text
        assert web.post("/logout", data={}).status_code == 403
    assert count_rows(app_settings, "studies") == 0


def test_a_viewer_sees_no_forms_and_cannot_post_them(app_settings: Settings, web: TestClient) -> None:
    organisation = seed_organisation(app_settings, "Sunrise PV")
    with web:
        form_login(web, organisation.editor)
        product_id = _product(web)
        form_login(web, organisation.viewer)
        products, product = web.get("/products").text, web.get(f"/products/{product_id}").text
        assert 'action="/products"' not in products and "PV module" in products
        assert '/studies" enctype' not in product and 'action="/logout"' in product
        response = web.post("/products", data={"name": "Mine", "csrf_token": csrf_of(web)}, follow_redirects=False)
        assert response.status_code == 403 and 'data-error-code="forbidden"' in response.text


def test_another_organisations_pages_are_not_found(app_settings: Settings, web: TestClient) -> None:
    ours, theirs = seed_organisation(app_settings, "Sunrise PV"), seed_organisation(app_settings, "Other Co")
    with web:
        form_login(web, theirs.editor)
        product_id = _product(web, "Theirs")
        study = _upload(web, product_id, "model.yaml", PV_MODEL.read_bytes()).headers["location"]
        form_login(web, ours.editor)
        for path in (f"/products/{product_id}", study, f"{study}/status", f"/products/{product_id}?edit=1"):
            assert web.get(path).status_code == 404, path
        assert "Theirs" not in web.get("/products").text
        form = {"csrf_token": csrf_of(web), "model": PV_MODEL.read_text(encoding="utf-8"), "format": "yaml"}
        assert web.post(f"/products/{product_id}/studies", data=form, files={"x": ("", b"")}).status_code == 404


def test_a_products_studies_come_a_page_at_a_time(
    app_settings: Settings, web: TestClient, product_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(study_pages, "PAGE_SIZE", 2)
    for _ in range(3):
        assert _upload(web, product_id, "model.yaml", PV_MODEL.read_bytes()).status_code == 303
    first = web.get(f"/products/{product_id}").text
    assert re.findall(r">v(\d)</a>", first) == ["3", "2"]
    older = re.search(r'href="(/products/\d+\?older=\d+)"', first)
    assert older is not None
    second = web.get(older.group(1)).text
    assert re.findall(r">v(\d)</a>", second) == ["1"] and "?older=" not in second
    assert "declared_unit:" in second  # the form still starts from the newest model
