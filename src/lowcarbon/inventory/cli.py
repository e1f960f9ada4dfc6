"""Commands of the inventory domain: ``lowcarbon inventory compute FILE`` prints an organisation's GHG inventory
(ISO 14064-1 categories, scopes, gases, base year, significance), ``lowcarbon inventory allocate FILE`` shares a
site's measured energy and emissions out to its products and writes them as a factor file a product model uses.

The inventory's modules are imported inside the commands, so that ``lowcarbon --help`` stays fast.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from lowcarbon.inventory.allocation import SiteAllocation
    from lowcarbon.inventory.compute import InventoryResult

T = TypeVar("T")

__all__ = ["app"]

app = typer.Typer(
    no_args_is_help=True,
    help="Organisational GHG inventories (ISO 14064-1, GHG Protocol scopes, China's enterprise guidelines).",
)

FileArg = Annotated[Path, typer.Argument(help="The inventory file: YAML (.yaml) or the Excel template (.xlsx).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


@app.command("compute")
def compute(
    file: FileArg,
    as_json: JsonOpt = False,
    lines: Annotated[bool, typer.Option("--lines/--no-lines", help="With --json: every record's line too.")] = True,
    activities: Annotated[
        Path | None,
        typer.Option(
            "--activities", help="A CSV of more activity records (the template's activity columns, UTF-8 or GBK)."
        ),
    ] = None,
) -> None:
    """Compute the inventory of the file's reporting year, in t CO2e: by ISO 14064-1 category (1 to 6), by scope
    (1, 2 location- and market-based, 3), by scope 3 category, gas and site; the base year and its recalculation;
    the reduction targets' progress. With --activities, a CSV's records join the file's."""
    from lowcarbon.inventory.compute import compute_inventory
    from lowcarbon.inventory.read import load_inventory

    def work() -> InventoryResult:
        inventory, library = load_inventory(file)
        if activities is None:
            return compute_inventory(inventory, library, source=str(file))
        from lowcarbon.bounded import read_path
        from lowcarbon.errors import DataFormatError
        from lowcarbon.inventory.activity_csv import on_rows, read_activity_csv, with_records

        records = read_activity_csv(read_path(activities, "max_model_bytes"), str(activities))
        first = len(inventory.activities)
        try:
            return compute_inventory(with_records(inventory, records, str(file)), library, source=str(file))
        except DataFormatError as exc:
            raise on_rows(exc, first, records) from None

    result = _run(work)
    if as_json:
        typer.echo(json.dumps(result.to_dict(lines=lines), ensure_ascii=False, indent=2))
        return
    _print_result(result)


@app.command("allocate")
def allocate(
    file: FileArg,
    factors: Annotated[
        Path | None, typer.Option("--factors", help="Write the products' direct-emission factors to this CSV file.")
    ] = None,
    factor_set: Annotated[str | None, typer.Option(help="The factor set's name (default: the CSV's stem).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Share each site's measured direct emissions and electricity of a year out to its products (the file's
    allocations), per unit of product: primary data for the products' footprints."""
    from dataclasses import asdict

    from lowcarbon.inventory.allocation import allocate as allocate_sites
    from lowcarbon.inventory.allocation import allocation_csv
    from lowcarbon.inventory.read import load_inventory

    def work() -> tuple[list[SiteAllocation], str]:
        inventory, library = load_inventory(file)
        found = allocate_sites(inventory, library, str(file))
        name = factor_set or (factors.stem if factors else "site-allocation")
        return found, allocation_csv(found, inventory.organisation.name, name)

    found, csv_text = _run(work)
    if factors is not None:
        factors.write_text(csv_text, encoding="utf-8")
    if as_json:
        typer.echo(json.dumps([asdict(a) for a in found], ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(soft_wrap=True)
    for site in found:
        table = Table(title=f"{site.site} {site.year}, allocated by {site.basis}")
        for column in ("product", "share", "kg CO2e direct / unit", "kWh / unit", "unit"):
            table.add_column(column, justify="left" if column in ("product", "unit") else "right")
        for p in site.products:
            table.add_row(
                p.product,
                f"{p.share:.2%}",
                f"{p.direct_kg_co2e_per_unit:.6g}",
                f"{p.electricity_kwh_per_unit:.6g}",
                p.unit,
            )
        console.print(table)
    if factors is not None:
        console.print(
            f"Wrote {factors}; a product model names it in factor_files and links its factors as primary data"
        )


@app.command("template")
def template(
    path: Annotated[Path, typer.Argument(help="Where to write the Excel template (.xlsx).")] = Path("inventory.xlsx"),
) -> None:
    """Write the inventory's Excel template: instructions, organisation, sites and activities sheets, with Chinese
    and English headers and drop-down lists."""
    from lowcarbon.inventory.excel import template_bytes

    if path.suffix.lower() != ".xlsx":
        raise typer.BadParameter("give a file name ending in .xlsx", param_hint="PATH")
    path.write_bytes(template_bytes())
    typer.echo(f"Wrote {path}; fill in the sheets, then run: lowcarbon inventory compute {path}")


def _run(work: Callable[[], T]) -> T:
    """``work()``; a problem of the input printed in English and Chinese, exit 1."""
    from lowcarbon.errors import DataFormatError, LowcarbonError
    from lowcarbon.inventory.messages import problem_lines

    try:
        return work()
    except DataFormatError as exc:
        for line in problem_lines(exc):
            typer.echo(f"error: {line}", err=True)
    except LowcarbonError as exc:
        typer.echo(f"error: {exc}", err=True)
    raise typer.Exit(1)


def _print_result(result: InventoryResult) -> None:
    from rich.console import Console
    from rich.table import Table

    from lowcarbon.inventory.names import category_name, scope3_name

    console: Console = Console(soft_wrap=True)
    t = result.totals
    console.print(
        f"[bold]{result.organisation}[/bold], {result.reporting_year}: {t.total:,.3f} t CO2e "
        f"({result.approach.replace('_', ' ')}, {result.gwp}; scope 2 location-based in the total)"
    )
    table = Table(title="By ISO 14064-1 category / 按 ISO 14064-1 类别")
    for column in ("category", "", "类别", "t CO2e", "share"):
        table.add_column(column, justify="right" if column in ("t CO2e", "share") else "left", overflow="fold")
    for category, value in t.by_category.items():
        share = f"{value / t.total:.1%}" if t.total else "-"
        table.add_row(category, category_name(category), category_name(category, "zh-CN"), f"{value:,.3f}", share)
    console.print(table)
    scope_rows = [(scope, f"{value:,.3f}") for scope, value in t.by_scope.items()]
    scope_rows += [
        (f"  3.{number} {scope3_name(number)}", f"{value:,.3f}")
        for number, value in t.by_scope3_category.items()
        if value
    ]
    console.print(_two_columns("By scope (GHG Protocol) / 按范围", ("scope", "t CO2e"), scope_rows))
    gas_rows = [(gas, f"{value:,.6g}") for gas, value in t.by_gas.items()]
    console.print(_two_columns("By gas / 按气体 (t of each gas)", ("gas", "t"), gas_rows))
    if t.biogenic_co2:
        console.print(f"biogenic CO2, outside the totals: {t.biogenic_co2:,.3f} t")
    if result.base_year is not None:
        base = result.base_year
        state = "restated" if base.restated else "not restated"
        console.print(
            f"base year {base.year}: {base.original.total:,.3f} t CO2e as reported, {base.recalculated.total:,.3f} "
            f"t CO2e after recalculation ({state}; threshold {base.threshold_percent:g} %)"
        )
        for trigger in base.triggers:
            console.print(
                f"  {trigger.kind} of {trigger.site} on {trigger.on}: {trigger.effect:+,.3f} t "
                f"({trigger.percent:+.2f} %)"
            )
    if result.uncertainty is not None:
        found = result.uncertainty
        console.print(
            f"95 % interval of the total: {found.p2_5:,.3f} to {found.p97_5:,.3f} t CO2e (Monte Carlo, "
            f"{found.iterations:,} iterations over {len(found.uncertain_records)} records with a spread)"
        )
    for target in result.targets:
        if target.progress:
            latest = target.progress[-1]
            state = "on track" if latest.on_track else "off track"
            achieved = "-" if latest.achieved_percent is None else f"{latest.achieved_percent:.1f} %"
            console.print(
                f"target {target.id}: {latest.year} {latest.actual:,.4g} {target.unit} against a path of "
                f"{latest.path:,.4g} ({state}; {achieved} below {target.base_year}; {target.target_value:,.4g} by "
                f"{target.target_year})"
            )
        if target.gap_t is not None:
            console.print(
                f"  still needed {target.needed_t:,.3f} t a year, planned actions {target.planned_t:,.3f}, "
                f"gap {target.gap_t:,.3f}"
            )
    for entry in result.significance:
        verdict = (
            "significant"
            if entry.significant
            else ("excluded: " + entry.excluded if entry.excluded else "not significant")
        )
        console.print(f"category {entry.category}: {entry.share:.1%} of the total, {verdict}")
    _print_notes(console, result)


def _two_columns(title: str, header: tuple[str, str], rows: list[tuple[str, str]]) -> Table:
    """A table of labels and figures."""
    from rich.table import Table

    table = Table(title=title)
    table.add_column(header[0])
    table.add_column(header[1], justify="right")
    for row in rows:
        table.add_row(*row)
    return table


def _print_notes(console: Console, result: InventoryResult) -> None:
    for basis in dict.fromkeys(line.market_basis for line in result.lines if line.market_basis):
        console.print(f"[cyan]scope 2 market-based:[/cyan] {basis}")
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/yellow] {warning}")
    if result.excluded_records:
        console.print(f"left out (the site was not the organisation's then): {', '.join(result.excluded_records)}")
