"""The report's hotspots name a stage for every line, in the report's language: a line inside a modelled process is
in the stages that use the process (the PV module's silicon, glass and frame processes), never the process's id."""

from __future__ import annotations

import pytest

from lowcarbon.footprint import messages
from lowcarbon.report import LANGS, Report, document
from lowcarbon.report.document import Table
from lowcarbon.report.words import Lang


@pytest.mark.parametrize("lang", LANGS)
def test_a_hotspot_inside_a_process_shows_the_stage_that_uses_it(reports: dict[str, Report], lang: Lang) -> None:
    report = reports["pv-module"]
    assert any(line.process for line in report.footprint.hotspots[:10])  # the example has such hotspots
    results = next(section for section in document(report, lang).sections if section.id == "results")
    hotspots = next(block for block in results.blocks if isinstance(block, Table) and block.caption)
    stages = {messages.code(stage, lang) for stage in report.footprint.by_stage}
    shown = {row[1] for row in hotspots.rows}
    assert shown and all(set(cell.split(" + ")) <= stages for cell in shown), shown
