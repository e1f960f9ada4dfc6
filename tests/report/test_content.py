"""Every element ISO 14067 clause 7 and GB/T 24067 ask a CFP study report to hold, in both languages, for each
worked example; and the fingerprint is the SHA-256 of the files."""

from __future__ import annotations

import hashlib
import re
from importlib import resources

import pytest

from lowcarbon.report import LANGS, SECTIONS, Report, document
from lowcarbon.report.document import Document, Figure, Section, Table
from lowcarbon.report.words import _LABELS, _SENTENCES, Lang
from support.report_support import EXAMPLES, NAMES

CJK = re.compile(r"[\u4e00-\u9fff]")

# each element the standards ask for -> the section that holds it and a text it must show, per language
ELEMENTS: dict[str, tuple[str, dict[str, str]]] = {
    "goal and scope": ("goal", {"en": "This study quantifies", "zh-CN": "本研究依据"}),
    "declared unit": ("unit", {"en": "Declared unit", "zh-CN": "声明单位"}),
    "functional unit": ("unit", {"en": "Functional unit", "zh-CN": "功能单位"}),
    "reference flow": ("unit", {"en": "Reference flow", "zh-CN": "基准流"}),
    "system boundary": ("boundary", {"en": "The system boundary is", "zh-CN": "系统边界为"}),
    "cut-off": ("cut_off", {"en": "cut-off rule", "zh-CN": "取舍准则"}),
    "primary data share": ("data", {"en": "Primary data make", "zh-CN": "初级数据占"}),
    "data quality": ("data", {"en": "Data quality ratings", "zh-CN": "数据质量评级"}),
    "data sources": ("data", {"en": "Emission factors used", "zh-CN": "所用排放因子"}),
    "allocation": ("allocation", {"en": "ISO 14044", "zh-CN": "ISO 14044"}),
    "GWP set": ("gwp", {"en": "IPCC AR6 GWP100", "zh-CN": "IPCC 第六次评估报告 GWP100"}),
    "fossil": ("results", {"en": "Fossil GHG emissions", "zh-CN": "化石温室气体排放"}),
    "biogenic emissions": ("results", {"en": "Biogenic GHG emissions", "zh-CN": "生物源温室气体排放"}),
    "biogenic removals": ("results", {"en": "Biogenic GHG removals", "zh-CN": "生物源温室气体清除"}),
    "dLUC": ("results", {"en": "Direct land-use change (dLUC)", "zh-CN": "直接土地利用变化（dLUC）"}),
    "aircraft": ("results", {"en": "Aircraft emissions", "zh-CN": "航空运输排放"}),
    "by stage": ("results", {"en": "By life-cycle stage", "zh-CN": "按生命周期阶段"}),
    "by gas": ("results", {"en": "By greenhouse gas", "zh-CN": "按温室气体"}),
    "hotspots": ("results", {"en": "Hotspots", "zh-CN": "热点"}),
    "uncertainty": ("uncertainty", {"en": "not assessed by Monte Carlo", "zh-CN": "未通过蒙特卡洛模拟"}),
    "sensitivity": ("uncertainty", {"en": "No sensitivity analysis", "zh-CN": "未进行敏感性分析"}),
    "PCR": ("pcr", {"en": "The study follows", "zh-CN": "本研究采用"}),
    "limitations": ("limitations", {"en": "only impact category", "zh-CN": "仅评估气候变化"}),
    "comparisons": ("comparison", {"en": "same PCR", "zh-CN": "相同 PCR"}),
    "reference period": ("period", {"en": "2023-01-01 to 2023-12-31", "zh-CN": "2023-01-01 至 2023-12-31"}),
    "prepared by": ("preparation", {"en": "Test Lab", "zh-CN": "Test Lab"}),
    "date": ("preparation", {"en": "2025-03-01", "zh-CN": "2025-03-01"}),
    "fingerprint": ("preparation", {"en": "SHA-256", "zh-CN": "SHA-256"}),
}


def _section(doc: Document, section_id: str) -> Section:
    return next(section for section in doc.sections if section.id == section_id)


def _text(section: Section) -> str:
    return Document("en", "", "", "", (section,)).text()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", NAMES)
def test_every_element_is_present(reports: dict[str, Report], name: str, lang: Lang) -> None:
    doc = document(reports[name], lang)
    assert tuple(section.id for section in doc.sections) == SECTIONS
    missing = [
        element
        for element, (section_id, texts) in ELEMENTS.items()
        if texts[lang] not in _text(_section(doc, section_id))
    ]
    assert not missing
    total = f"{reports[name].footprint.total:.6g}"
    assert total in doc.headline and total in _text(_section(doc, "results"))
    figures = [block.drawing.kind for s in doc.sections for block in s.blocks if isinstance(block, Figure)]
    results = [block.drawing.kind for block in _section(doc, "results").blocks if isinstance(block, Figure)]
    assert figures.count("map") == 1 and results == ["chart"] * 3  # stages, gases, hotspots
    boundary = _section(doc, "boundary")
    assert any(isinstance(block, Figure) and block.drawing.kind == "map" for block in boundary.blocks)


@pytest.mark.parametrize("name", NAMES)
def test_the_chinese_report_speaks_chinese(reports: dict[str, Report], name: str) -> None:
    doc = document(reports[name], "zh-CN")
    assert all(CJK.search(section.heading) for section in doc.sections)
    for section in doc.sections:
        for block in section.blocks:
            if isinstance(block, Table):
                assert all(CJK.search(cell) or cell in ("SHA-256",) or "kg CO2e" in cell for cell in block.header)
    assert "（原文）" not in doc.text()  # every warning and deviation of the examples has its translation
    stages = {stage.name for stage in reports[name].model.stages}
    results = _text(_section(doc, "results"))
    assert not any(f"\n{stage} |" in results for stage in stages)  # stage ids are translated


def test_every_text_has_both_languages() -> None:
    for table in (_LABELS, _SENTENCES):
        for key, (english, chinese) in table.items():
            assert english and chinese, key
            assert CJK.search(chinese) or chinese == english, key


@pytest.mark.parametrize("name", NAMES)
def test_fingerprint_is_the_sha256_of_the_files(reports: dict[str, Report], name: str) -> None:
    report = reports[name]
    files = {file.role + ":" + file.name: file.sha256 for file in report.files}
    model = EXAMPLES / name / "model.yaml"
    assert files[f"model:{model}"] == hashlib.sha256(model.read_bytes()).hexdigest()
    for factor_file in report.model.factor_files:
        path = EXAMPLES / name / factor_file
        assert files[f"factor_file:{factor_file}"] == hashlib.sha256(path.read_bytes()).hexdigest()
    used = {use.factor.factor_set for use in report.factors} - {"factors"}
    assert set(report.factor_sets) == used
    for factor_set in used:
        data = resources.files("lowcarbon.factors.data.factors").joinpath(f"{factor_set}.csv").read_bytes()
        assert files[f"factor_set:{factor_set}"] == hashlib.sha256(data).hexdigest()
    assert any(role.startswith("pcr:") for role in files) and any(role.startswith("gwp:") for role in files)
    text = document(report, "en").text()
    assert all(digest in text for digest in files.values())
