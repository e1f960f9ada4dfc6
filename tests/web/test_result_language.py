"""A footprint's result, warnings and model errors reach a Chinese page in Chinese: the study pages of the worked
examples (result, warnings, hotspots, charts), a refused upload's problems, the products list and the comparison of
versions hold none of the footprint's English (its stage ids, boundaries, kinds, units, warnings, checker messages).

What stays as written is the authors' own: line and process names, sources, functional units, and the notes a factor
set gives for a factor (quoted after 数据集的说明).
"""

from __future__ import annotations

import html
import json
import re
import string
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from lowcarbon.footprint import compute, messages
from lowcarbon.footprint.pages.words import PageWords
from lowcarbon.platform.settings import Settings
from lowcarbon.web.render import figure
from support.study_support import PV_MODEL, TSHIRT_FACTORS, TSHIRT_MODEL
from support.web_support import app_settings, chinese_editor, csrf_of, web

__all__ = ["app_settings", "web"]

HYDROGEN_MODEL = PV_MODEL.parents[1] / "hydrogen-electrolysis" / "model.yaml"

# a model with a problem of each common kind: a missing field, an unknown field, a boundary not in the list, a
# negative amount, a line with both links, an unknown factor, an unknown unit, a unit of another dimension, a
# process with co-products and no allocation, a period that ends before it starts
BAD_MODEL = """
product: {name: Kettle}
declared_unit: {amount: 1, unit: item}
boundary: cradle-to-moon
colour: green
reference_period: {start: 2024-12-31, end: 2024-01-01}
stages:
  - name: raw_material_acquisition
    activities:
      - {name: steel, amount: -1, unit: kg, factor: nowhere/steel}
      - {name: both, amount: 1, unit: kg, factor: a/b, process: p}
      - {unit: kg, factor: a/b}
processes:
  - id: p
    outputs: [{product: a, amount: 1, unit: kg}, {product: b, amount: 1, unit: kg}]
"""
BUILD_MODEL = """
product: {name: Kettle}
declared_unit: {amount: 1, unit: item}
boundary: cradle-to-grave
stages:
  - name: production
    activities:
      - {name: steel, amount: 1, unit: kg, factor: nowhere/steel}
      - {name: power, amount: 1, unit: kgg, factor: cn-electricity-footprint/cn-footprint-national-2023}
      - {name: more power, amount: 1, unit: kg, factor: cn-electricity-footprint/cn-footprint-national-2023}
      - {name: part, amount: 1, unit: kg, process: nothing}
"""

SYNTAX_MODEL = "product: {name: Kettle\nstages: ["


def _english() -> list[str]:
    """The footprint's English that no Chinese page may show: codes, and the words of every catalog sentence."""
    found = ["raw_material_acquisition", "end_of_life", "cradle-to-gate", "cradle-to-grave", "gate-to-gate"]
    found += ["partial CFP", "CFP (carbon", "kg CO2e per", " item", messages.ORIGINAL]
    found += ["Input should", "required field", "unknown field", "IPCC AR6 GWP100", "(not split by gas"]
    found += ["not valid YAML", "sheet bom", "row "]
    for english, _ in messages.MESSAGES.values():
        for literal, *_ in string.Formatter().parse(english):
            found += [part.strip() for part in re.split(r"[:;,.()']", literal) if len(part.strip()) >= 12]
    return sorted(set(found))


ENGLISH = _english()


def _shown(page: str) -> str:
    """What a person reads on ``page``: its text (the model in the editor and the factor sets' own notes aside) and
    the names its charts draw."""
    names = []
    for value in re.findall(r'data-chart="([^"]+)"', page):
        option = json.loads(html.unescape(value))
        axes = [option.get("xAxis", {}), option.get("yAxis", {})]
        names += [str(item) for axis in axes for item in axis.get("data", [])]
        for series in option.get("series", []):
            names.append(str(series.get("name", "")))
            names += [str(item["name"]) for item in series.get("data", []) if isinstance(item, dict)]
    text = re.sub(r"<textarea.*?</textarea>|<pre.*?</pre>|<script.*?</script>", " ", page, flags=re.S)
    text = re.sub(r'<td class="source">.*?</td>', " ", text, flags=re.S)  # sources are the authors'
    text = re.sub(r"数据集的说明：[^<]*", " ", text)  # a factor set's own notes on a factor
    text = re.sub(r"<[^>]+>", " ", text)
    return html.unescape(text) + "\n" + "\n".join(names)


def _english_in(page: str) -> list[str]:
    shown = _shown(page)
    return [english for english in ENGLISH if english in shown]


def _product(client: TestClient, name: str) -> int:
    response = client.post("/products", data={"name": name, "csrf_token": csrf_of(client)}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def _upload(client: TestClient, product_id: int, model: str, files: dict[str, bytes] | None = None) -> TestClient:
    data = {"csrf_token": csrf_of(client, f"/products/{product_id}"), "model": model, "format": "yaml"}
    sent = [("factor_file", (name, content, "text/csv")) for name, content in (files or {}).items()]
    return client.post(  # type: ignore[return-value]
        f"/products/{product_id}/studies", data=data, files=sent or {"file": ("", b"", "")}, follow_redirects=False
    )


@pytest.fixture
def chinese(app_settings: Settings, web: TestClient) -> TestClient:
    """The editor of an organisation, logged in, who reads the pages in Chinese."""
    return chinese_editor(app_settings, web)


@pytest.mark.parametrize(
    ("model", "files"),
    [(PV_MODEL, {}), (TSHIRT_MODEL, {"factors.csv": TSHIRT_FACTORS.read_bytes()}), (HYDROGEN_MODEL, {})],
    ids=lambda value: value.parent.name if isinstance(value, Path) else "",
)
def test_a_worked_examples_study_page_holds_no_english_of_the_footprint(
    chinese: TestClient, model: Path, files: dict[str, bytes]
) -> None:
    product = _product(chinese, model.parent.name)
    response = _upload(chinese, product, model.read_text(encoding="utf-8"), files)
    assert response.status_code == 303, response.text
    page = chinese.get(response.headers["location"]).text
    assert _english_in(page) == []
    result = compute(model)
    assert f'<span class="value" id="total">{figure(result.total, "zh_CN")}</span>' in page
    assert "原材料获取" in page or "生产" in page
    assert result.warnings == [] or "警告" in page
    if result.kind == "partial CFP":
        assert "从摇篮到大门" in page
    status = chinese.get(response.headers["location"] + "/status").text
    assert _english_in(status) == []


def test_the_cotton_tshirt_shows_its_chinese_name_and_its_published_totals_as_such(chinese: TestClient) -> None:
    product = _product(chinese, "T-shirt")
    files = {"factors.csv": TSHIRT_FACTORS.read_bytes()}
    response = _upload(chinese, product, TSHIRT_MODEL.read_text(encoding="utf-8"), files)
    page = chinese.get(response.headers["location"]).text
    assert "纯棉针织T恤（中国生产和使用）" in page
    assert "CO2e 总量（未按气体拆分）" in page and "<td>CO2e</td>" not in page
    chinese.cookies.set("lowcarbon_lang", "en")
    english = chinese.get(response.headers["location"]).text
    assert "Cotton T-shirt, knitted, dyed (made and used in China)" in english
    assert "raw material acquisition" in english and "CO2e total (not split by gas)" in english


def test_a_hotspot_inside_a_process_shows_the_stage_that_uses_the_process(chinese: TestClient) -> None:
    product = _product(chinese, "PV")
    response = _upload(chinese, product, PV_MODEL.read_text(encoding="utf-8"))
    page = chinese.get(response.headers["location"]).text
    hotspots = re.search(r'<table class="table" id="hotspots">(.*?)</table>', page, re.S)
    assert hotspots is not None
    stages = re.findall(r"<tr>\s*<td>[^<]*</td><td>([^<]*)</td>", hotspots.group(1))
    assert stages and "\u2013" not in stages, stages  # each line has a stage, a process's that of its users
    assert set(stages) <= {messages.code(stage, "zh-CN") for stage in ("raw_material_acquisition", "production")}


@pytest.mark.parametrize("model", [BAD_MODEL, BUILD_MODEL, SYNTAX_MODEL], ids=["checker", "builder", "syntax"])
def test_a_refused_models_problems_are_shown_in_chinese(chinese: TestClient, model: str) -> None:
    product = _product(chinese, "Kettle")
    response = _upload(chinese, product, model)
    assert response.status_code == 400
    problems = re.search(r'<div class="error" role="alert">(.*?)</div>', response.text, re.S)
    assert problems is not None and problems.group(1).count("<li>") >= (1 if model == SYNTAX_MODEL else 4)
    assert _english_in(problems.group(1)) == [], problems.group(1)
    assert _english_in(response.text) == []
    chinese.cookies.set("lowcarbon_lang", "en")
    english = _upload(chinese, product, model).text
    assert "Input should be" in english or "no factor" in english or "not valid YAML" in english


def test_an_uploads_problems_are_shown_in_chinese(chinese: TestClient) -> None:
    product = _product(chinese, "T-shirt")
    data = {"csrf_token": csrf_of(chinese, f"/products/{product}"), "model": TSHIRT_MODEL.read_text(), "format": "yaml"}
    sent = [
        ("factor_file", ("factors.csv", TSHIRT_FACTORS.read_bytes(), "text/csv")),
        ("factor_file", ("factors.csv", TSHIRT_FACTORS.read_bytes(), "text/csv")),
        ("factor_file", ("other.csv", b"id,name\n\xff\xfe,x\n", "text/csv")),
    ]
    response = chinese.post(f"/products/{product}/studies", data=data, files=sent, follow_redirects=False)
    assert response.status_code == 400
    problems = re.search(r'<div class="error" role="alert">(.*?)</div>', response.text, re.S)
    assert problems is not None and "该文件上传了两次" in problems.group(1) and "UTF-8" in problems.group(1)
    assert _english_in(response.text) == [], problems.group(1)


def test_the_products_list_and_the_comparison_hold_no_english_of_the_footprint(chinese: TestClient) -> None:
    product = _product(chinese, "PV module")
    text = PV_MODEL.read_text(encoding="utf-8")
    assert _upload(chinese, product, text).status_code == 303
    assert _upload(chinese, product, text.replace("boundary: cradle-to-gate", "boundary: gate-to-gate")).status_code
    listing = chinese.get("/products").text
    assert _english_in(listing) == [] and "1 kW" in listing
    assert "单晶硅光伏组件" in listing  # the model's name_zh beside the product's own name
    page = chinese.get(f"/products/{product}").text
    assert 'data-difference="boundary"' in page and "从大门到大门" in page
    assert _english_in(page) == []


def test_a_known_warning_and_problem_are_said_in_either_language() -> None:
    warning = messages.say("cut_off_exceeded", percent="7.50", limit="5")
    assert warning.startswith("cut_off: exempted activities make up 7.50 %")
    chinese = "取舍准则：豁免活动占碳足迹的 7.50%，超过取舍准则允许的 5%；请将其纳入"
    assert messages.translate(warning, "zh-CN") == chinese
    assert messages.translate(warning, "en") == warning
    assert messages.problem_text("greater_than_equal", "Input should be >= 0", {"ge": "0"}, "zh-CN") == "须大于或等于 0"
    literal = "Input should be 'cradle-to-gate', 'cradle-to-grave' or 'gate-to-gate'"
    chinese = messages.problem_text("literal_error", literal, {"expected": literal[16:]}, "zh-CN")
    assert chinese == "取值须为 从摇篮到大门 或 从摇篮到坟墓 或 从大门到大门"


def test_an_excel_models_place_is_said_in_chinese() -> None:
    place = "sheet bom, row 3, column stage"
    detail = {"message": f"{place}: empty; name the life-cycle stage of every row", "id": "missing", "place": place}
    assert PageWords("zh-CN").problem(detail) == "工作表 bom 第 3 行 stage 列：为空；请为每一行填写生命周期阶段"
    assert PageWords("en").problem(detail) == detail["message"]
