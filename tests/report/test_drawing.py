"""Figures: labels fit their room and never overlap; the process map has a box per stage and process and an arrow
per use; the report's words translate the footprint's known warnings."""

from __future__ import annotations

import pytest

from lowcarbon.footprint import load_model
from lowcarbon.report.charts import bars
from lowcarbon.report.drawing import Line, Rect, Text, fit, text_width, wrap
from lowcarbon.report.process_map import process_map
from lowcarbon.report.words import Words
from support.report_support import EXAMPLES


@pytest.mark.parametrize(
    "text", ["solar-grade polysilicon from quartz (per kg)", "单晶硅光伏组件（玻璃-背板，铝边框）", "x" * 80]
)
def test_wrapped_and_cut_texts_fit(text: str) -> None:
    assert text_width(fit(text, 60, 7), 7) <= 60
    lines = wrap(text, 60, 7, 3)
    assert 1 <= len(lines) <= 3 and all(text_width(line, 7) <= 60 for line in lines)


def test_bar_labels_do_not_overlap() -> None:
    items = [(f"a rather long line name number {i} that does not fit", (-1) ** i * 10.0**i) for i in range(6)]
    drawing = bars("title", items, "kg CO2e")
    texts = [shape for shape in drawing.shapes if isinstance(shape, Text)]
    boxes = []
    for t in texts:
        width = text_width(t.text, t.size)
        left = {"start": t.x, "middle": t.x - width / 2, "end": t.x - width}[t.anchor]
        boxes.append((left, left + width, t.y - t.size, t.y))
    for i, a in enumerate(boxes):
        assert a[0] >= -0.01 and a[1] <= drawing.width + 0.01
        for b in boxes[i + 1 :]:
            assert a[1] <= b[0] or b[1] <= a[0] or a[3] <= b[2] or b[3] <= a[2], (a, b)


@pytest.mark.parametrize("name", ["pv-module", "cotton-tshirt", "hydrogen-electrolysis"])
def test_process_map_draws_every_stage_and_process(name: str) -> None:
    model = load_model(EXAMPLES / name / "model.yaml")
    drawing = process_map(model, Words("en"))
    boxes = [shape for shape in drawing.shapes if isinstance(shape, Rect)]
    assert len(boxes) == 1 + len(model.stages) + len(model.omitted_stages) + 1 + len(model.processes)
    uses = sum(a.process is not None for s in model.stages for a in s.activities)
    uses += sum(a.process is not None for p in model.processes for a in p.inputs)
    arrows = [shape for shape in drawing.shapes if isinstance(shape, Line) and shape.arrow]
    assert len(arrows) >= len(model.stages) + len({p.id for p in model.processes}) and uses >= len(model.processes)
    labels = " ".join(shape.text for shape in drawing.shapes if isinstance(shape, Text))
    assert all(p.id in labels for p in model.processes)


@pytest.mark.parametrize(
    ("message", "chinese"),
    [
        (
            "cut_off: exempted activities make up 7.50 % of the footprint, more than the 5 % the cut-off rule "
            "allows; include them",
            "取舍准则：豁免活动占碳足迹的 7.50%，超过取舍准则允许的 5%；请将其纳入",
        ),
        (
            "boundary: a cradle-to-grave footprint (CFP) needs a functional unit and the use stage, or the reason a "
            "stage is left out in omitted_stages; without them this is a partial CFP",
            "边界：从摇篮到坟墓的碳足迹（CFP）需要功能单位和使用阶段",
        ),
        ("gwp: AR5, PCR apparel asks for AR6", "GWP：AR5，PCR apparel 要求 AR6"),
        ("stages: PCR apparel requires a stage 'use'", "阶段：PCR apparel 要求使用阶段"),
        ("something new", "（原文）something new"),
    ],
)
def test_known_warnings_are_translated(message: str, chinese: str) -> None:
    assert Words("zh-CN").message(message).startswith(chinese)
    assert Words("en").message(message) == message
