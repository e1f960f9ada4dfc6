"""The guided model editor without a browser: its preview and save API (the footprint, or the checker's problems at
their fields in the page's language; bad requests refused with stable codes and bounded), and its pages (where a
new version starts, the YAML box opened in the editor, the Excel template)."""

from __future__ import annotations

import io
import json
import math
import re
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from lowcarbon.footprint import compute, load_model, messages
from lowcarbon.footprint.form import form_of
from lowcarbon.footprint.model import read_model
from lowcarbon.footprint.routes.editor import MAX_BODY
from lowcarbon.platform.settings import Settings
from lowcarbon.web.render import figure
from support.study_support import PV_MODEL, TSHIRT_FACTORS, TSHIRT_MODEL, count_rows, refusal
from support.web_support import app_settings, chinese_editor, csrf_of, web

__all__ = ["app_settings", "web"]

CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def chinese(app_settings: Settings, web: TestClient) -> TestClient:
    """The editor of a new organisation, reading in Chinese, with the CSRF header the editor's script sends."""
    client = chinese_editor(app_settings, web)
    client.headers["X-CSRF-Token"] = csrf_of(client)
    return client


def _product(client: TestClient, name: str) -> int:
    response = client.post("/api/products", json={"name": name})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _preview(client: TestClient, fields: Any, files_from: int | None = None) -> Any:
    return client.post("/api/model-preview", json={"fields": fields, "files_from": files_from})


def _pv_fields() -> list[list[str]]:
    return [list(field) for field in form_of(load_model(PV_MODEL))]


def test_the_preview_computes_the_fields_as_the_cli_computes_the_file(chinese: TestClient) -> None:
    answer = _preview(chinese, _pv_fields())
    assert answer.status_code == 200, answer.text
    body = answer.json()
    expected = compute(PV_MODEL)
    assert body["total"] == expected.total and body["problems"] == []
    assert body["total_text"] == figure(expected.total, "zh_CN")
    assert [stage["name"] for stage in body["by_stage"]] == [messages.code(s, "zh-CN") for s in expected.by_stage]
    assert all(CHINESE.search(stage["name"]) for stage in body["by_stage"])
    assert read_model(body["model"].encode(), "yaml", "m") == load_model(PV_MODEL)  # the YAML tab's text


def test_each_problem_lands_on_its_field_in_the_pages_language(chinese: TestClient) -> None:
    fields = [
        ("product.name", "Kettle"),
        ("declared_unit.unit", "item"),
        ("boundary", "cradle-to-moon"),
        ("stages[0].name", "production"),
        ("stages[0].activities[0].name", "steel"),
        ("stages[0].activities[0].amount", "-1"),
        ("stages[0].activities[0].unit", "kg"),
        ("stages[0].activities[0].factor", "cn-electricity-footprint/cn-footprint-national-2023"),
        ("stages[0].activities[1].name", "power"),
        ("stages[0].activities[1].amount", "abc"),
        ("stages[0].activities[1].unit", "kWh"),
    ]
    body = _preview(chinese, fields).json()
    assert body["total"] is None and body["total_text"] is None
    places = {problem["place"] for problem in body["problems"]}
    assert {"boundary", "stages[0].activities[0].amount", "stages[0].activities[1].amount"} <= places
    for problem in body["problems"]:
        assert CHINESE.search(problem["text"]), problem
        assert problem["id"] and problem["message"]  # the English and its id, for programs
    chinese.cookies.set("lowcarbon_lang", "en")
    said = _preview(chinese, fields).json()["problems"]
    assert not any(CHINESE.search(problem["text"]) for problem in said)


def test_a_rows_own_problem_is_at_the_row(chinese: TestClient) -> None:
    fields = [
        ("product.name", "Kettle"),
        ("declared_unit.unit", "item"),
        ("boundary", "cradle-to-gate"),
        ("stages[0].name", "production"),
        ("stages[0].activities[0].name", "power"),
        ("stages[0].activities[0].amount", "1"),
        ("stages[0].activities[0].unit", "kWh"),
    ]
    problems = _preview(chinese, fields).json()["problems"]
    assert [(p["place"], p["id"]) for p in problems] == [("stages[0].activities[0]", "one_link")]
    assert CHINESE.search(problems[0]["text"])


def test_a_model_that_builds_but_links_nothing_known_is_told_at_the_link(chinese: TestClient) -> None:
    fields = [list(field) for field in form_of(load_model(PV_MODEL))]
    first = next(index for index, (place, _) in enumerate(fields) if place.endswith("].factor"))
    fields[first][1] = "nowhere/steel"
    problems = _preview(chinese, fields).json()["problems"]
    assert [problem["place"] for problem in problems] == [fields[first][0]]
    assert CHINESE.search(problems[0]["text"])


def test_a_version_keeps_the_factor_files_it_started_from(chinese: TestClient) -> None:
    product = _product(chinese, "T-shirt")
    sent = {
        "model": TSHIRT_MODEL.read_text(encoding="utf-8"),
        "files": [{"name": "factors.csv", "content": TSHIRT_FACTORS.read_text(encoding="utf-8")}],
    }
    study = chinese.post(f"/api/products/{product}/studies", json=sent).json()["id"]
    fields = [list(field) for field in form_of(load_model(TSHIRT_MODEL))]
    expected = compute(TSHIRT_MODEL).total
    assert _preview(chinese, fields, study).json()["total"] == expected
    alone = _preview(chinese, fields).json()
    assert alone["total"] is None and [p["id"] for p in alone["problems"]] == ["missing_file"]
    saved = chinese.post(f"/api/products/{product}/model-form", json={"fields": fields, "files_from": study})
    assert saved.status_code == 202, saved.text
    assert saved.headers["location"] == f"/api/studies/{saved.json()['id']}"
    done = chinese.get(f"/api/studies/{saved.json()['id']}").json()
    assert done["status"] == "done" and done["total"] == expected and done["version"] == 2
    files = chinese.get(f"/api/studies/{saved.json()['id']}/files").json()
    assert [file["name"] for file in files] == ["factors.csv"]


def test_saving_a_wrong_model_stores_nothing(chinese: TestClient, app_settings: Settings) -> None:
    product = _product(chinese, "Kettle")
    before = count_rows(app_settings, "studies")
    wrong = chinese.post(f"/api/products/{product}/model-form", json={"fields": [["product.name", "Kettle"]]})
    assert refusal(wrong) == (400, "invalid_model")
    assert count_rows(app_settings, "studies") == before


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"fields": [["stages[x].name", "a"]]}, 400, "invalid_form"),
        ({"fields": [["product.name", "a"], ["product.name", "b"]]}, 400, "invalid_form"),
        ({"fields": [["a.b.c.d.e.f.g.h.i", "deep"]]}, 400, "invalid_form"),
        ({"fields": [["product.name", "a", "b"]]}, 422, "validation_error"),
        ({"fields": [["product.name", 1]]}, 422, "validation_error"),
        ({"fields": "product.name"}, 422, "validation_error"),
        ({"fields": [["p" * 301, "a"]]}, 422, "validation_error"),
        ({"fields": [], "files_from": 0}, 422, "validation_error"),
        ({}, 422, "validation_error"),
    ],
)
def test_fields_that_are_no_models_are_refused_with_a_stable_code(
    chinese: TestClient, body: dict[str, Any], status: int, code: str
) -> None:
    assert refusal(chinese.post("/api/model-preview", json=body)) == (status, code)


def test_hostile_bodies_are_bounded(chinese: TestClient) -> None:
    deep = '{"fields": ' + "[" * 5000 + "]" * 5000 + "}"
    response = chinese.post("/api/model-preview", content=deep, headers={"Content-Type": "application/json"})
    assert refusal(response) == (400, "max_nesting_depth_exceeded")
    large = json.dumps({"fields": [["product.name", "x" * 20_000]] * (MAX_BODY // 20_000 + 2)})
    response = chinese.post("/api/model-preview", content=large, headers={"Content-Type": "application/json"})
    assert refusal(response)[0] == 413
    many = {"fields": [[f"stages[{n}].name", "s"] for n in range(50_001)]}
    assert refusal(chinese.post("/api/model-preview", json=many)) == (422, "validation_error")


def test_another_organisations_study_is_not_found(chinese: TestClient, app_settings: Settings) -> None:
    other = chinese_editor(app_settings, TestClient(chinese.app), organisation="Rival")
    other.headers["X-CSRF-Token"] = csrf_of(other)
    product = _product(other, "Theirs")
    study = other.post(f"/api/products/{product}/studies", json={"model": PV_MODEL.read_text()}).json()["id"]
    assert refusal(_preview(chinese, _pv_fields(), study)) == (404, "not_found")
    mine = _product(chinese, "Mine")
    saved = chinese.post(f"/api/products/{mine}/model-form", json={"fields": _pv_fields(), "files_from": study})
    assert refusal(saved) == (404, "not_found")


def test_the_editor_starts_from_the_newest_version_a_copy_or_the_starter(chinese: TestClient) -> None:
    product = _product(chinese, "PV module")
    empty = chinese.get(f"/products/{product}/editor")
    assert empty.status_code == 200
    assert 'data-key="product.name" value="PV module"' in empty.text  # the starter, named after the product
    assert "/static/editor.js" in empty.text and "模型编辑器" in empty.text
    chinese.post(f"/api/products/{product}/studies", json={"model": PV_MODEL.read_text(encoding="utf-8")})
    page = chinese.get(f"/products/{product}/editor").text
    model = load_model(PV_MODEL)
    assert f'value="{model.product.name}"' in page
    assert 'data-key="scenarios[0].name"' in page  # kept, as it came
    assert page.count('class="stage"') == len(model.stages) + 1  # and the new stage's template
    assert 'id="kept-note"' in page
    other = _product(chinese, "PV module, black frame")
    copied = chinese.get(f"/products/{other}/editor?copy={product}").text
    assert f'value="{model.product.name}"' in copied and 'data-files-from=""' not in copied
    starter = chinese.get(f"/products/{product}/editor?start=starter").text
    assert 'value="PV module"' in starter and 'data-files-from=""' in starter
    assert chinese.get(f"/products/{other}/editor?copy=999999").status_code == 404


def test_the_yaml_box_opens_in_the_editor(chinese: TestClient) -> None:
    product = _product(chinese, "Kettle")
    token = chinese.headers["X-CSRF-Token"]
    written = "product: {name: Kettle}\nboundary: cradle-to-gate\nstages:\n  - name: production\n    activities:\n"
    written += (
        "      - {name: power, amount: 2, unit: kWh, factor: cn-electricity-footprint/cn-footprint-national-2023}\n"
    )
    opened = chinese.post(
        f"/products/{product}/editor",
        data={"csrf_token": token, "model": written, "format": "yaml"},
        files={"x": ("", b"")},
    )
    assert opened.status_code == 200, opened.text
    assert 'value="Kettle"' in opened.text and 'value="2.0"' in opened.text  # unchecked yet: no declared unit
    broken = chinese.post(
        f"/products/{product}/editor",
        data={"csrf_token": token, "model": "a: [", "format": "yaml"},
        files={"x": ("", b"")},
    )
    assert broken.status_code == 400 and 'id="open-problems"' in broken.text


def test_the_excel_template_lists_the_organisations_factor_keys(chinese: TestClient) -> None:
    from openpyxl import load_workbook

    response = chinese.get("/model-template.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    keys = [row[0] for row in book["列表"].iter_rows(min_row=2, min_col=3, max_col=3, values_only=True) if row[0]]
    assert "cn-electricity-footprint/cn-footprint-national-2023" in keys
    assert book.sheetnames[0] == "说明"
    book["产品"]["B2"] = "Kettle"
    book["物料清单"].append(["use", "power", 2, "kWh", "cn-electricity-footprint/cn-footprint-national-2023"])
    filled = io.BytesIO()
    book.save(filled)
    product = _product(chinese, "Kettle")
    sent = {"file": ("model.xlsx", filled.getvalue())}
    study = chinese.post(f"/api/products/{product}/studies", files=sent)
    assert study.status_code == 202, study.text  # the template, filled in, uploads as a model
    assert math.isclose(chinese.get(f"/api/studies/{study.json()['id']}").json()["total"], 2 * 0.6205, rel_tol=1e-9)
    assert 'value="Kettle"' in chinese.get(f"/products/{product}/editor").text  # and opens in the editor


def test_the_fields_round_trip_through_the_preview_yaml(chinese: TestClient) -> None:
    """What the YAML tab shows is the same model: its fields read back are the fields sent."""
    fields = _pv_fields()
    text = _preview(chinese, fields).json()["model"]
    again = [list(field) for field in form_of(read_model(text.encode(), "yaml", "m"))]
    assert again == fields
    assert math.isclose(compute(PV_MODEL).total, _preview(chinese, again).json()["total"], rel_tol=1e-12)
    assert yaml.safe_load(text)["product"]["name"] == load_model(PV_MODEL).product.name
