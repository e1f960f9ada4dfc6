"""``lowcarbon catalog import FILE``: product models from a registry's CSV or Excel file into the catalog of the
platform's database (the ``--data-dir`` and ``LOWCARBON_DATABASE_URL`` rules of ``lowcarbon serve``).

Exit 0 with a summary when every row is imported; exit 1 with a report naming each bad row (its number, registry
id, column and reason) when some are not: the other rows are imported, unless ``--all-or-nothing`` asks that a file
with any bad row change nothing. The whole import is one transaction.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from lowcarbon.platform.cli import DataDirOpt, JsonOpt, _in_transaction, _settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from lowcarbon.catalog.importer import ImportReport

__all__ = ["app"]

app = typer.Typer(no_args_is_help=True, help="The green product catalog: import product models.")


class _Refused(Exception):
    """A file with bad rows, under --all-or-nothing: the transaction is rolled back."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__("bad rows")
        self.report = report


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="A CSV (UTF-8 or GBK) or Excel (.xlsx) file, one product per row")],
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
    all_or_nothing: Annotated[
        bool, typer.Option("--all-or-nothing", help="Import nothing when any row is bad (default: the good rows)")
    ] = False,
) -> None:
    """Import product models; columns by header: registry_id, brand, model, name_zh, name_en, category_code, label,
    certificate_number, certificate_status, valid_until, certification_body, region, footprint_kg_co2e,
    declared_unit; any other column is a specification."""
    from rich.console import Console
    from rich.progress import Progress

    from lowcarbon.catalog.importer import import_file
    from lowcarbon.platform.clock import system_clock

    console = Console(stderr=True)
    with Progress(console=console, transient=True, disable=as_json) as bar:
        task = bar.add_task("reading", total=None)

        def progress(stage: str, done: int, of: int) -> None:
            bar.update(task, description=stage, completed=done, total=of or None)

        def work(session: Session) -> ImportReport:
            report = import_file(session, file, now=system_clock(), progress=progress)
            if all_or_nothing and report.rejected:
                raise _Refused(report)
            return report

        try:
            report = _in_transaction(_settings(data_dir=data_dir), work, write=True)
            refused = False
        except _Refused as exc:
            report, refused = exc.report, True
    _print(report, as_json=as_json, refused=refused)
    if report.rejected:
        raise typer.Exit(1)


def _print(report: ImportReport, *, as_json: bool, refused: bool) -> None:
    if as_json:
        typer.echo(json.dumps({**report.to_dict(), "imported": not refused}, ensure_ascii=False))
        return
    if refused:
        typer.echo(f"{report.source}: nothing imported (--all-or-nothing): {len(report.rejected)} bad row(s)")
    else:
        typer.echo(
            f"{report.source}: {report.rows} rows; {report.added} added, {report.changed} changed, "
            f"{report.unchanged} unchanged, {len(report.rejected)} rejected"
            + (f"; new categories: {', '.join(report.categories_added)}" if report.categories_added else "")
        )
    for bad in report.rejected:
        message = bad.to_dict()["message"]
        typer.echo(
            f"row {bad.row} ({bad.registry_id or 'no registry id'}): {bad.column}: {message['en']} / "
            f"{message['zh-CN']}" + (f" [{bad.value[:60]}]" if bad.value else ""),
            err=True,
        )
