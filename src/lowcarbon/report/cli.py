"""``lowcarbon report``: the CFP study report of a product model, as PDF and/or HTML, in Chinese or English."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from lowcarbon.errors import LowcarbonError

if TYPE_CHECKING:  # the report's modules (reportlab, the footprint, the engine) load when the command runs
    from lowcarbon.footprint.uncertainty import FootprintUncertainty
    from lowcarbon.report.words import Lang

__all__ = ["report_command"]


def report_command(
    model: Annotated[Path, typer.Argument(help="A product model (YAML, JSON or Excel).")],
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Write the report as PDF here.")] = None,
    html: Annotated[Path | None, typer.Option("--html", help="Write the report as one HTML page here.")] = None,
    lang: Annotated[str, typer.Option("--lang", help="The report's language: zh-CN or en.")] = "zh-CN",
    prepared_by: Annotated[
        str | None, typer.Option("--prepared-by", help="Who prepared the study (a person or organisation).")
    ] = None,
    on: Annotated[str | None, typer.Option("--date", help="The report's date, YYYY-MM-DD (default: today).")] = None,
    iterations: Annotated[
        int, typer.Option("--iterations", help="Monte Carlo iterations for the uncertainty section (0: none).")
    ] = 0,
    seed: Annotated[int | None, typer.Option("--seed", help="Random seed of the Monte Carlo run.")] = None,
) -> None:
    """Write the CFP study report (GB/T 24067 / ISO 14067 clause 7) of a product model as PDF and/or HTML."""
    from lowcarbon.report.words import LANGS

    if pdf is None and html is None:
        raise typer.BadParameter("give --pdf OUT.pdf, --html OUT.html, or both", param_hint="--pdf/--html")
    if lang not in LANGS:
        raise typer.BadParameter(f"use {' or '.join(LANGS)}", param_hint="--lang")
    if iterations < 0:
        raise typer.BadParameter("give 0 or more", param_hint="--iterations")
    try:
        prepared_on = date.fromisoformat(on) if on else None
    except ValueError:
        raise typer.BadParameter("give a date as YYYY-MM-DD", param_hint="--date") from None
    language: Lang = "zh-CN" if lang == "zh-CN" else "en"
    from lowcarbon.report.build import build_report
    from lowcarbon.report.html import render_html
    from lowcarbon.report.pdf import render_pdf

    try:
        uncertainty = _monte_carlo(model, iterations, seed) if iterations else None
        report = build_report(model, prepared_by=prepared_by, prepared_on=prepared_on, uncertainty=uncertainty)
        outputs = []
        if pdf is not None:
            outputs.append((pdf, render_pdf(report, language)))
        if html is not None:
            outputs.append((html, render_html(report, language).encode("utf-8")))
        for path, content in outputs:
            path.write_bytes(content)
    except LowcarbonError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    except OSError as exc:
        typer.echo(f"error: cannot write the report: {exc}", err=True)
        raise typer.Exit(1) from None
    total = f"{report.footprint.total:.6g} kg CO2e per {report.footprint.declared_unit}"
    typer.echo(f"{report.footprint.product}: {total}; wrote {', '.join(str(path) for path, _ in outputs)}")


def _monte_carlo(model: Path, iterations: int, seed: int | None) -> FootprintUncertainty:
    # imported here: Monte Carlo is the footprint package's, and the report works without running it
    from lowcarbon.footprint.montecarlo import footprint_uncertainty

    return footprint_uncertainty(model, iterations, seed=seed)
