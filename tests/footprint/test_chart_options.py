"""The ECharts options of a footprint read well: labels that cannot overlap, tooltips inside the chart, a CO2e total
named as a total, and hotspots inside processes with the stage that uses them."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from lowcarbon.footprint import charts, compute
from lowcarbon.footprint.pages.words import PageWords
from lowcarbon.footprint.schemas import Comparison

EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*/model.yaml"))
LANGS = ("zh-CN", "en")


def _(text: str) -> str:
    return text


@cache
def result(model: Path) -> dict[str, Any]:
    return compute(model).to_dict()


def options(model: Path, lang: str) -> dict[str, dict[str, Any]]:
    words = PageWords(lang)  # type: ignore[arg-type]
    found = result(model)
    return {
        "stage": charts.by_stage(found, _, words),
        "gas": charts.by_gas(found, _, words),
        "hotspots": charts.hotspots(found, _, words),
        "distribution": charts.distribution([1.0, 1.2, 0.9, 1.1] * 10, "kg CO2e", _),
        "comparison": charts.comparison(Comparison.model_construct(stages=[], versions=[]), _, words),
    }


def category_axes(option: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for name in ("xAxis", "yAxis"):
        axis = option.get(name)
        if isinstance(axis, dict) and axis.get("type") == "category":
            yield name, axis


def drawn_width(label: str) -> int:
    """A generous estimate of the label's width in pixels at ECharts' 12 px: CJK characters are square."""
    return sum(12 if ord(character) > 0x2E80 else 7 for character in label)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("model", EXAMPLES, ids=lambda path: path.parent.name)
def test_no_category_label_can_overlap_another(model: Path, lang: str) -> None:
    """Every category label is either one of a row each (the y axis) cut or wrapped at a width, or on an axis where
    ECharts hides the labels that would collide; no label wider than its width goes without that handling."""
    for chart, option in options(model, lang).items():
        for name, axis in category_axes(option):
            label = axis.get("axisLabel", {})
            if label.get("hideOverlap"):
                assert label.get("interval") != 0, f"{chart}: every label forced on, yet overlaps hidden"
                continue
            assert name == "yAxis", f"{chart}: every label forced on an x axis, side by side"
            assert label.get("interval") == 0 and label.get("width") == charts.LABEL_WIDTH, chart
            long = [text for text in axis["data"] if drawn_width(str(text)) > label["width"]]
            assert not long or label.get("overflow") in ("truncate", "break"), f"{chart}: {long} overflow"
            assert option["grid"].get("containLabel"), f"{chart}: labels may run off the chart"


@pytest.mark.parametrize("model", EXAMPLES, ids=lambda path: path.parent.name)
def test_the_rings_labels_are_cut_and_never_drawn_over_each_other(model: Path) -> None:
    ring = options(model, "en")["gas"]["series"][0]
    assert ring["label"]["width"] == charts.LABEL_WIDTH and ring["label"]["overflow"] == "truncate"
    assert ring["labelLayout"]["hideOverlap"] is True and ring["minShowLabelAngle"] > 0


@pytest.mark.parametrize("model", EXAMPLES, ids=lambda path: path.parent.name)
def test_tooltips_stay_inside_the_chart(model: Path) -> None:
    for chart, option in options(model, "en").items():
        assert option["tooltip"].get("confine") is True, chart


def test_a_long_stage_name_is_handled() -> None:
    """A stage the model names itself, longer than the label width, is wrapped, not drawn across its neighbour."""
    option = charts.by_stage({"by_stage": {"a stage whose name is far too long for one line": 1.0}}, _)
    label = option["yAxis"]["axisLabel"]
    assert drawn_width(option["yAxis"]["data"][0]) > label["width"] and label["overflow"] == "break"


@pytest.mark.parametrize(
    ("lang", "total"), [("en", "CO2e total (not split by gas)"), ("zh-CN", "CO2e 总量（未按气体拆分）")]
)
def test_a_published_co2e_total_is_not_a_gas(lang: str, total: str) -> None:
    """Factors that publish only a CO2e total add to a slice named as a total, never to a gas called CO2e."""
    found = {"by_gas": {"CO2-fossil": 2.0, "CO2e": 3.0, "CH4-fossil": 0.5}}
    names = [item["name"] for item in charts.by_gas(found, _, PageWords(lang))["series"][0]["data"]]  # type: ignore[arg-type]
    assert total in names and "CO2e" not in names


def test_the_cotton_tshirt_shows_its_published_totals_as_such() -> None:
    tshirt = next(path for path in EXAMPLES if path.parent.name == "cotton-tshirt")
    names = [item["name"] for item in options(tshirt, "en")["gas"]["series"][0]["data"]]
    assert "CO2e total (not split by gas)" in names and "CO2e" not in names


def test_a_hotspot_inside_a_process_shows_the_stage_that_uses_it() -> None:
    found = {
        "lines": [
            {"name": "wafer", "stage": "production", "process": None, "link": "process cell"},
            {"name": "electricity", "stage": None, "process": "cell", "link": "cn/grid"},
        ],
        "hotspots": [
            {"name": "electricity", "stage": None, "process": "cell", "kg_co2e": 5.0},
            {"name": "wafer", "stage": "production", "process": None, "kg_co2e": 1.0},
        ],
    }
    option = charts.hotspots(found, _, PageWords("en"))
    stage = PageWords("en").code("production")
    assert option["yAxis"]["data"] == [f"electricity · {stage}", f"wafer · {stage}"]  # the largest first, on top
    assert option["yAxis"]["inverse"] is True
    assert option["series"][0]["data"] == [5.0, 1.0]
