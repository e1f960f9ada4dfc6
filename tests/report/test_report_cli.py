"""``lowcarbon report``: the contract (exit 0, the PDF's text holds the total as ``lowcarbon footprint`` prints it)
and its errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lowcarbon.cli import app
from support.report_support import EXAMPLES, pdftotext

runner = CliRunner()


def _printed_total(model: Path) -> str:
    result = runner.invoke(app, ["footprint", str(model)])
    assert result.exit_code == 0, result.output
    match = re.search(r": (\S+) kg CO2e per", result.output)
    assert match
    return match[1]


@pytest.mark.parametrize(("name", "lang"), [("pv-module", "zh-CN"), ("cotton-tshirt", "en")])
def test_the_pdf_holds_the_total_the_cli_prints(name: str, lang: str, tmp_path: Path) -> None:
    model = EXAMPLES / name / "model.yaml"
    pdf, html = tmp_path / "out.pdf", tmp_path / "out.html"
    args = ["report", str(model), "--pdf", str(pdf), "--html", str(html), "--lang", lang, "--prepared-by", "ACME"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    text = pdftotext(pdf)
    assert _printed_total(model) in text and "ACME" in text
    assert _printed_total(model) in html.read_text(encoding="utf-8")


def test_the_default_is_a_chinese_report(tmp_path: Path) -> None:
    html = tmp_path / "out.html"
    result = runner.invoke(app, ["report", str(EXAMPLES / "hydrogen-electrolysis" / "model.yaml"), "--html", str(html)])
    assert result.exit_code == 0, result.output
    assert '<html lang="zh-CN">' in html.read_text(encoding="utf-8") and not (tmp_path / "out.pdf").exists()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ([], "--pdf"),
        (["--html", "OUT", "--lang", "fr"], "zh-CN or en"),
        (["--html", "OUT", "--date", "March"], "YYYY-MM-DD"),
        (["--html", "OUT", "--iterations", "-1"], "0 or more"),
    ],
)
def test_bad_options_are_refused(args: list[str], says: str, tmp_path: Path) -> None:
    args = [str(tmp_path / "out.html") if arg == "OUT" else arg for arg in args]
    result = runner.invoke(app, ["report", str(EXAMPLES / "pv-module" / "model.yaml"), *args])
    assert result.exit_code != 0 and says in result.output
    assert not (tmp_path / "out.html").exists()


def test_a_bad_model_gives_its_problems(tmp_path: Path) -> None:
    model = tmp_path / "model.yaml"
    model.write_text("product: {name: x}\ndeclared_unit: {unit: kg}\nboundary: cradle-to-moon\nstages: []\n")
    result = runner.invoke(app, ["report", str(model), "--pdf", str(tmp_path / "out.pdf")])
    assert result.exit_code == 1
    assert "boundary" in result.output and "stages" in result.output
    assert not (tmp_path / "out.pdf").exists()


def test_iterations_add_the_monte_carlo_statistics(tmp_path: Path) -> None:
    html = tmp_path / "out.html"
    model = str(EXAMPLES / "hydrogen-electrolysis" / "model.yaml")
    args = ["report", model, "--html", str(html), "--lang", "en", "--iterations", "20", "--seed", "3"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    page = html.read_text(encoding="utf-8")
    assert "20 Monte Carlo iterations (seed 3)" in page and "not assessed by Monte Carlo" not in page
