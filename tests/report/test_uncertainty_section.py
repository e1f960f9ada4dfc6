"""The uncertainty and sensitivity section with Monte Carlo statistics, sensitivity cases and scenarios given,
and without them (never left out)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from lowcarbon.footprint.uncertainty import Contributor, FootprintUncertainty, ScenarioResult, SensitivityCase
from lowcarbon.report import Report, build_report, document, render_html
from lowcarbon.report.document import Figure, Para, Table
from support.report_support import EXAMPLES


def _with_uncertainty(report: Report) -> Report:
    total = report.footprint.total
    samples = [total * (0.8 + 0.4 * i / 199) for i in range(200)]
    uncertainty = FootprintUncertainty(
        iterations=200,
        seed=7,
        deterministic=total,
        mean=total * 1.01,
        std=total * 0.1,
        median=total,
        p2_5=total * 0.81,
        p97_5=total * 1.19,
        contributors=[
            Contributor("production / electrolyser electricity", "生产 / 电解槽用电", 0.93, 0.96),
            Contributor("raw material", "原材料", 0.07, 0.26),
        ],
        samples=samples,
        by_stage={"production": {"mean": total, "std": total * 0.1, "p2_5": total * 0.8, "p97_5": total * 1.2}},
    )
    sensitivity = [
        SensitivityCase("grid factor", "电网因子", 0.6205, 0.5, 0.7, "kg CO2e/kWh", total * 0.8, total * 1.13),
        SensitivityCase("stack efficiency", "电解槽效率", 56.7, 50, 60, "kWh/kg", total * 0.9, total * 1.05),
    ]
    scenarios = [
        ScenarioResult("wind power", "风电", "wind PPA", "风电购电协议", total * 0.06, {}, total * -0.94),
    ]
    return replace(report, uncertainty=uncertainty, sensitivity=tuple(sensitivity), scenarios=tuple(scenarios))


@pytest.mark.parametrize(
    ("lang", "texts"),
    [
        (
            "en",
            ["95 % interval", "Top contributors to variance", "electrolyser electricity", "grid factor", "wind power"],
        ),
        ("zh-CN", ["95% 区间", "方差主要贡献因素", "电解槽用电", "电网因子", "风电", "蒙特卡洛模拟 200 次"]),
    ],
)
def test_monte_carlo_sensitivity_and_scenarios(reports: dict[str, Report], lang: str, texts: list[str]) -> None:
    report = _with_uncertainty(reports["hydrogen-electrolysis"])
    doc = document(report, lang)  # type: ignore[arg-type]
    section = next(s for s in doc.sections if s.id == "uncertainty")
    text = doc.text()
    assert all(t in text for t in texts)
    u = report.uncertainty
    assert u is not None
    assert f"[{u.p2_5:.6g}, {u.p97_5:.6g}]" in text and f"{u.std:.6g}" in text
    charts = [block.drawing.title for block in section.blocks if isinstance(block, Figure)]
    assert len(charts) == 3  # histogram, tornado, scenarios
    tables = [block for block in section.blocks if isinstance(block, Table)]
    assert len(tables) == 5  # statistics, by stage, contributors, sensitivity, scenarios
    assert "not assessed by Monte Carlo" not in text
    assert render_html(report, lang).count('class="chart"') == 6  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("lang", "unrated", "rated"),
    [
        ("en", "not assessed by Monte Carlo", "technological representativeness 2.00 (covering 100.0%)"),
        ("zh-CN", "未通过蒙特卡洛模拟", "技术代表性 2.00（覆盖 100.0%）"),
    ],
)
def test_without_monte_carlo_the_section_says_so(
    reports: dict[str, Report], lang: str, unrated: str, rated: str
) -> None:
    report = reports["pv-module"]
    section = _uncertainty_text(report, lang)
    assert unrated in section and ("secondary data" in section or "次级数据" in section)
    footprint = replace(
        report.footprint, data_quality={"technological": 2.0}, data_quality_coverage={"technological": 1.0}
    )
    assert rated in _uncertainty_text(replace(report, footprint=footprint), lang)


def _uncertainty_text(report: Report, lang: str) -> str:
    doc = document(report, lang)  # type: ignore[arg-type]
    section = next(s for s in doc.sections if s.id == "uncertainty")
    return " ".join(block.text for block in section.blocks if isinstance(block, Para))


def test_parameters_and_scenarios_of_the_model_are_reported(tmp_path: Path) -> None:
    data = yaml.safe_load((EXAMPLES / "hydrogen-electrolysis" / "model.yaml").read_text(encoding="utf-8"))
    data["parameters"] = [
        {"name": "kwh_per_kg", "value": 56.7472, "unit": "kWh/kg", "low": 50, "high": 60, "name_zh": "单位电耗"}
    ]
    data["processes"][0]["inputs"][0]["amount"] = "kwh_per_kg"
    data["scenarios"] = [{"name": "efficient stack", "name_zh": "高效电解槽", "parameters": {"kwh_per_kg": 48}}]
    model = tmp_path / "model.yaml"
    model.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    report = build_report(model)
    assert [case.parameter for case in report.sensitivity] == ["kwh_per_kg"]
    assert [scenario.name for scenario in report.scenarios] == ["efficient stack"]
    text = document(report, "zh-CN").text()
    assert "单位电耗" in text and "高效电解槽" in text and "总量的敏感性" in text
    assert f"{report.scenarios[0].total:.6g}" in text
