"""The report as HTML (self-contained, the process map an SVG) and as PDF (pdftotext holds the figures, the pages
render, the Chinese font is referenced), from values in memory as the platform will pass them."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from lowcarbon.footprint import ModelBundle
from lowcarbon.report import Report, build_report, render_html, render_pdf, sha256
from support.report_support import EXAMPLES, pdftotext, require_poppler


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_html_is_one_self_contained_page(reports: dict[str, Report], lang: str) -> None:
    report = reports["cotton-tshirt"]
    page = render_html(report, lang)  # type: ignore[arg-type]
    assert page.startswith("<!DOCTYPE html>") and f'<html lang="{lang}">' in page
    assert not re.search(r"<script|<link|src=\"http", page)
    boundary = page.split('<section id="boundary">')[1].split("</section>")[0]
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="map"' in boundary
    assert boundary.count("<rect") >= len(report.model.stages) + len(report.model.processes)
    assert page.count('class="chart"') == 3
    assert f"{report.footprint.total:.6g}" in page
    for section in ("goal", "results", "uncertainty", "limitations", "comparison", "preparation"):
        assert f'<section id="{section}">' in page


@pytest.mark.parametrize("name", ["pv-module", "hydrogen-electrolysis"])
def test_pdf_text_holds_the_figures(reports: dict[str, Report], name: str, tmp_path: Path) -> None:
    report = reports[name]
    for lang in ("zh-CN", "en"):
        pdf = tmp_path / f"{lang}.pdf"
        pdf.write_bytes(render_pdf(report, lang))  # type: ignore[arg-type]
        text = pdftotext(pdf)
        f = report.footprint
        for figure in (f.total, f.fossil, *f.by_stage.values()):
            assert f"{figure:.6g}" in text
        assert report.files[0].sha256 in re.sub(r"\s", "", text)  # the fingerprint, however a cell wraps it
        if lang == "zh-CN":
            for heading in ("目的与范围", "系统边界与过程图", "不确定性与敏感性", "局限性与假设", "可比性"):
                assert heading in text
            assert "系统边界：从摇篮到大门" in text  # drawn in the process map, not a paragraph
        else:
            assert "System boundary: cradle to gate" in text


def test_pdf_pages_render_and_reference_the_chinese_font(reports: dict[str, Report], tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render_pdf(reports["hydrogen-electrolysis"], "zh-CN"))
    require_poppler()
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^STSong-Light\s+CID Type 0\s+UniGB-UCS2-H", fonts, re.MULTILINE)
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert len(pages) == int(re.search(r"Pages:\s+(\d+)", info)[1])  # type: ignore[index]
    assert all(page.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for page in pages)


def test_report_from_a_bundle_in_memory(tmp_path: Path) -> None:
    folder = EXAMPLES / "cotton-tshirt"
    model, factors = (folder / "model.yaml").read_bytes(), (folder / "factors.csv").read_bytes()
    bundle = ModelBundle(model, "yaml", files={"factors.csv": factors}, name="tshirt.yaml")
    report = build_report(bundle)
    hashes = {file.name: file.sha256 for file in report.files}
    assert hashes["tshirt.yaml"] == sha256(model) and hashes["factors.csv"] == sha256(factors)
    assert render_pdf(report, "en").startswith(b"%PDF-")
