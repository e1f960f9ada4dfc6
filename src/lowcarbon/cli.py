"""The ``lowcarbon`` command line: thin commands over the domain packages."""

from __future__ import annotations

import json
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast, get_args

import typer
from rich.console import Console  # typer loads rich's console and tables anyway, to format help and errors
from rich.table import Table

from lowcarbon import __version__
from lowcarbon.catalog.cli import app as catalog_app
from lowcarbon.certify.cli import app as certificate_app
from lowcarbon.errors import DataFormatError, LowcarbonError
from lowcarbon.inclusive.cli import create_partner, ledger_app
from lowcarbon.inventory.cli import app as inventory_app
from lowcarbon.pact.cli import app as pact_app
from lowcarbon.platform.cli import admin_app
from lowcarbon.platform.cli import app as platform_app
from lowcarbon.report.cli import report_command

if TYPE_CHECKING:  # the engine (numpy, scipy), the factors and the footprint are imported inside the commands that
    # use them, so that `lowcarbon --help` and `--version` answer at once (benchmarks/cli_startup.py)
    from rich.tree import Tree

    from lowcarbon.engine.contributions import SupplyChainNode
    from lowcarbon.engine.montecarlo import MonteCarloResult
    from lowcarbon.engine.solution import Solution
    from lowcarbon.engine.system import LCASystem
    from lowcarbon.factors.characterization import CharacterizationSet
    from lowcarbon.factors.library import FactorLibrary
    from lowcarbon.factors.model import Factor
    from lowcarbon.footprint.result import Footprint
    from lowcarbon.footprint.uncertainty import FootprintUncertainty, ScenarioResult, SensitivityCase

app = typer.Typer(help="lowcarbon: product carbon footprints from model to label.", no_args_is_help=True)
console = Console(soft_wrap=True)  # plain lines are not cut, so scripts can read them


def _print_version(given: bool) -> None:
    if given:
        console.print(__version__)
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", help="Print the version and exit.", callback=_print_version, is_eager=True)
    ] = False,
) -> None:
    """lowcarbon: product carbon footprints from model to label."""


def parse_demand(items: list[str]) -> dict[int, float]:
    """``["ID=AMOUNT", ...]`` to a demand; repeated ids add up."""
    demand: dict[int, float] = {}
    for item in items:
        key, sep, value = item.partition("=")
        try:
            if not sep:
                raise ValueError
            product, amount = int(key), float(value)
        except ValueError:
            raise typer.BadParameter(
                f"{item!r}: write a demand as ID=AMOUNT, e.g. 42=1.5", param_hint="--demand"
            ) from None
        demand[product] = demand.get(product, 0.0) + amount
    return demand


DatapackagesArg = Annotated[list[Path], typer.Argument(help="Brightway datapackages (directories or .zip).")]
DemandOpt = Annotated[list[str] | None, typer.Option("--demand", "-d", help="ID=AMOUNT of a product; repeatable.")]
EachActivityOpt = Annotated[
    bool, typer.Option("--each-activity", help="Score one unit of every activity's reference product.")
]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="CSV file for --each-activity.")]
CharacterizationOpt = Annotated[
    str | None, typer.Option("--characterization", "-c", help="Characterization vector (default: the first).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print a JSON object instead of tables.")]
TopOpt = Annotated[int, typer.Option(help="Contributing activities to show.")]
TreeOpt = Annotated[bool, typer.Option("--tree", help="Show the supply-chain tree.")]
CutoffOpt = Annotated[float, typer.Option(help="Relative cutoff of the supply-chain tree.")]
SolverOpt = Annotated[str, typer.Option(help="auto, direct, iterative or pardiso.")]
IterationsOpt = Annotated[
    int | None,
    typer.Option("--iterations", "-n", help="Monte Carlo: sample the datapackages' distributions this many times."),
]
SeedOpt = Annotated[int | None, typer.Option("--seed", help="Monte Carlo: seed of the samples (default: a fresh one).")]
ProcessesOpt = Annotated[int, typer.Option("--processes", help="Monte Carlo: processes sharing the iterations.")]


@app.command()
def calc(
    datapackages: DatapackagesArg,
    demand: DemandOpt = None,
    each_activity: EachActivityOpt = False,
    output: OutputOpt = None,
    characterization: CharacterizationOpt = None,
    as_json: JsonOpt = False,
    top: TopOpt = 10,
    tree: TreeOpt = False,
    cutoff: CutoffOpt = 0.01,
    solver: SolverOpt = "auto",
    iterations: IterationsOpt = None,
    seed: SeedOpt = None,
    processes: ProcessesOpt = 1,
) -> None:
    """Solve datapackages for a demand, or score every activity at once; with --iterations, Monte Carlo."""
    from lowcarbon.engine.solvers import SolverMethod

    if solver not in get_args(SolverMethod):
        raise typer.BadParameter("use auto, direct, iterative or pardiso", param_hint="--solver")
    if iterations is not None:
        _check_monte_carlo(iterations, processes, each_activity, tree, bool(demand))
        _calc_monte_carlo(datapackages, parse_demand(demand or []), iterations, seed, processes, solver, as_json, top)
        return
    if each_activity == bool(demand):
        raise typer.BadParameter("give either --demand ID=AMOUNT or --each-activity", param_hint="--demand")
    if each_activity and output is None:
        raise typer.BadParameter("--each-activity writes a CSV file: add --output FILE.csv", param_hint="--output")
    if output is not None and (output.is_dir() or not output.parent.is_dir()):
        raise typer.BadParameter(f"{output} is a directory or its folder does not exist", param_hint="--output")
    if top < 0:
        raise typer.BadParameter("give 0 or more", param_hint="--top")
    if not 0 <= cutoff < 1:
        raise typer.BadParameter("give a fraction of the total score, at least 0 and below 1", param_hint="--cutoff")
    parsed = parse_demand(demand or [])
    from lowcarbon.engine.contributions import supply_chain
    from lowcarbon.engine.datapackage import load_system

    try:
        system = load_system(datapackages, method=cast(SolverMethod, solver))
        name = system.characterization_name(characterization)
        if each_activity:
            assert output is not None
            _write_activity_scores(system, name, output)
            summary = {"output": str(output), "activities": len(system.activities), "characterization": name}
            if as_json:
                print(json.dumps(summary))
            else:
                console.print(f"Wrote {len(system.activities)} activity scores ({name}) to {output}")
            return
        solution = system.solve(parsed)  # one solve: the scores, the contributions and the tree read from it
        roots = supply_chain(solution, name, cutoff=cutoff) if tree else None
        if as_json:
            result = _result(solution, name, top)
            if roots is not None:
                result["tree"] = [_tree_dict(root) for root in roots]
            print(json.dumps(result, indent=2))
        else:
            _print_result(solution, name, top)
            if roots is not None:
                console.print(_rich_tree(roots, name))
    except LowcarbonError as exc:
        typer.echo(f"error: {exc}", err=True)  # one unwrapped line, for people and for scripts
        raise typer.Exit(1) from None


def _check_monte_carlo(iterations: int, processes: int, each_activity: bool, tree: bool, demand: bool) -> None:
    if iterations < 1:
        raise typer.BadParameter("give 1 or more", param_hint="--iterations")
    if processes < 1:
        raise typer.BadParameter("give 1 or more", param_hint="--processes")
    if each_activity or tree:
        option = "--each-activity" if each_activity else "--tree"
        raise typer.BadParameter(f"{option} does not combine with --iterations", param_hint=option)
    if not demand:
        raise typer.BadParameter("Monte Carlo needs --demand ID=AMOUNT", param_hint="--demand")


def _calc_monte_carlo(
    datapackages: list[Path],
    demand: dict[int, float],
    iterations: int,
    seed: int | None,
    processes: int,
    solver: str,
    as_json: bool,
    top: int,
) -> None:
    """``calc --iterations``: the statistics of every characterization vector's score, and the main contributors;
    on the Dask cluster that ``LOWCARBON_DASK_SCHEDULER`` names when it is set, else on ``processes`` processes."""
    from functools import partial

    from rich.progress import Progress

    from lowcarbon import scale  # a leaf; it imports distributed only when a scheduler is named
    from lowcarbon.engine.montecarlo import monte_carlo
    from lowcarbon.engine.solvers import SolverMethod
    from lowcarbon.engine.uncertainty import load_uncertain_system

    executor = None
    try:
        executor = scale.executor_from_environ()
        model = load_uncertain_system(datapackages, method=cast(SolverMethod, solver))
        run = partial(monte_carlo, model, demand, iterations, seed, processes=processes, executor=executor)
        if as_json:
            result = run(contributors=top)
        else:
            with Progress(console=console, transient=True) as bar:
                task = bar.add_task("Monte Carlo", total=iterations)
                result = run(contributors=top, progress=lambda done: bar.update(task, completed=done))
    except LowcarbonError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    finally:
        if executor is not None:
            executor.shutdown()
    ran = scale.describe(executor, processes)  # {"dask": address} or {"processes": n}
    if as_json:
        print(json.dumps({**_monte_carlo_result(result), **ran}, indent=2))
    else:
        _print_monte_carlo(result)
        where = f"the Dask cluster at {ran['dask']}" if "dask" in ran else f"{processes} process(es)"
        console.print(f"Iterations ran on {where}.")


def _monte_carlo_result(result: MonteCarloResult) -> dict[str, object]:
    """The JSON of ``calc --iterations``: per vector under "scores"; with one vector its keys at the top too."""
    scores = {
        name: {
            **result.statistics(name).to_dict(),
            "deterministic": float(result.deterministic[k, 0]),
            "variance_contributions": [c.to_dict() for c in result.variance_contributions(name)],
        }
        for k, name in enumerate(result.characterizations)
    }
    payload: dict[str, object] = {
        "iterations": result.iterations,
        "seed": result.seed,
        "demand": {str(k): v for k, v in result.demands[0].items()},
        "characterization": result.characterizations[0],
        "scores": scores,
        "solver": result.solver,
        "uncertain_values": result.uncertain_values,
    }
    if len(scores) == 1:
        payload.update(next(iter(scores.values())))
    return payload


def _print_monte_carlo(result: MonteCarloResult) -> None:
    table = Table(title=f"Monte Carlo: {result.iterations} iterations, seed {result.seed}")
    for column in ("characterization", "deterministic", "mean", "std", "median", "2.5 %", "97.5 %"):
        table.add_column(column, justify="left" if column == "characterization" else "right")
    for k, name in enumerate(result.characterizations):
        s = result.statistics(name)
        figures = (result.deterministic[k, 0], s.mean, s.std, s.median, s.p2_5, s.p97_5)
        table.add_row(name, *(f"{value:.6g}" for value in figures))
    console.print(table)
    name = result.characterizations[0]
    detail = Table(title=f"Contributions to variance ({name}): squared Spearman rank correlation")
    for column in ("matrix", "row", "column", "spearman²"):
        detail.add_column(column, justify="right")
    for c in result.variance_contributions(name):
        detail.add_row(c.matrix, str(c.row), str(c.column), f"{c.spearman_squared:.3f}")
    console.print(detail)
    if not result.uncertain_values:
        console.print("[yellow]warning:[/yellow] the datapackages carry no distributions: every iteration is the same")


def _write_activity_scores(system: LCASystem, name: str, output: Path) -> None:
    import csv

    scores = system.activity_scores()[system.characterization_index(name)]
    partial = output.with_name(output.name + ".partial")
    try:
        with partial.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["activity_id", "score"])
            writer.writerows(zip(system.activities.ids.tolist(), map(repr, scores.tolist()), strict=True))
        partial.replace(output)  # the real name only ever holds a complete file
    except OSError as exc:
        raise DataFormatError(f"{output}: cannot write the scores ({exc.strerror})") from None
    finally:
        partial.unlink(missing_ok=True)


def _tree_dict(node: SupplyChainNode) -> dict[str, object]:
    return {
        "product_id": node.product_id,
        "activity_id": node.activity_id,
        "amount": node.amount,
        "score": node.score,
        "direct_score": node.direct_score,
        "unexpanded": node.unexpanded,
        "loop": node.loop,
        "children": [_tree_dict(child) for child in node.children],
    }


def _result(solution: Solution, name: str, top: int) -> dict[str, object]:
    from lowcarbon.engine.contributions import by_activity

    system, scores = solution.system, solution.scores
    contributions = by_activity(solution, name)
    return {
        "score": scores[name],
        "characterization": name,
        "scores": scores,
        "demand": {str(k): v for k, v in solution.demand.items()},
        "solver": system.solver.method,
        "size": {"products": len(system.products), "activities": len(system.activities), "flows": len(system.flows)},
        "top_activities": [{"activity_id": i, "supply": a, "score": s} for i, a, s in contributions.top(top)],
    }


def _print_result(solution: Solution, name: str, top: int) -> None:
    from lowcarbon.engine.contributions import by_activity

    table = Table(title="Scores")
    table.add_column("characterization")
    table.add_column("score", justify="right")
    for key, value in solution.scores.items():
        table.add_row(key, f"{value:.6g}")
    console.print(table)
    contributions = by_activity(solution, name)
    detail = Table(title=f"Top {top} activities ({name})")
    for column in ("activity", "supply", "score", "share"):
        detail.add_column(column, justify="right")
    total = contributions.total
    for activity, amount, score in contributions.top(top):
        share = f"{score / total:.1%}" if total else "-"
        detail.add_row(str(activity), f"{amount:.6g}", f"{score:.6g}", share)
    console.print(detail)


def _rich_tree(roots: list[SupplyChainNode], name: str) -> Tree:
    from rich.tree import Tree

    top = Tree(f"Supply chain ({name})")

    def add(parent: Tree, node: SupplyChainNode) -> None:
        label = f"product {node.product_id}: {node.amount:.4g} → {node.score:.4g}"
        if node.loop:
            label += " (loop, not expanded)"
        branch = parent.add(label)
        for child in node.children:
            add(branch, child)
        if node.unexpanded and not node.loop:
            branch.add(f"[dim]not shown (below the cutoff or past the limits): {node.unexpanded:.4g}[/dim]")

    for root in roots:
        add(top, root)
    return top


factors_app = typer.Typer(help="Emission factors: search the library, check a factor file.")
app.add_typer(factors_app, name="factors")
app.add_typer(platform_app)  # serve, audit, admin: the web platform's commands
app.add_typer(certificate_app, name="certificate")  # verify a signed certificate; rotate a signing key
app.add_typer(pact_app, name="pact")  # PACT customers' access, the PACT host's TLS pair
app.add_typer(ledger_app, name="ledger")  # the carbon-inclusive ledger
app.add_typer(catalog_app, name="catalog")  # the green product catalog: import product models
app.add_typer(inventory_app, name="inventory")  # organisational GHG inventories (ISO 14064-1)
admin_app.command("create-partner")(create_partner)  # a partner platform, beside the platform's admin commands
app.command("report")(report_command)  # the CFP study report (lowcarbon.report)

GwpOpt = Annotated[str, typer.Option("--gwp", help="Characterization set for CO2e values: AR6 or AR5.")]
ImportOpt = Annotated[
    list[Path] | None, typer.Option("--import", "-i", help="Also search this CSV or Excel factor file; repeatable.")
]


def _library(imports: list[Path] | None) -> FactorLibrary:
    from lowcarbon.factors.library import default_library

    library = default_library()
    for path in imports or []:
        library.import_file(path)
    return library


@factors_app.command("search")
def factors_search(
    text: Annotated[list[str] | None, typer.Argument(help="Words to find, in Chinese or English.")] = None,
    geography: Annotated[str | None, typer.Option(help="Geography prefix, e.g. CN or CN-East.")] = None,
    unit: Annotated[str | None, typer.Option(help="Keep factors per a unit of this dimension, e.g. kWh.")] = None,
    limit: Annotated[
        int | None, typer.Option(help="At most this many results (default: all with --json, else 20).")
    ] = None,
    gwp: GwpOpt = "AR6",
    imports: ImportOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Search emission factors by text, geography and unit; every factor when no text is given (with --json)."""
    if limit is not None and limit < 1:
        raise typer.BadParameter("give 1 or more", param_hint="--limit")
    if limit is None and not as_json:
        limit = 20
    from lowcarbon.factors.characterization import load_set

    try:
        characterization = load_set(gwp)
        found = _library(imports).search(" ".join(text or []), geography=geography, unit=unit, limit=limit)
        rows = [_factor_row(f, characterization) for f in found]
    except LowcarbonError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    _print_factors(rows, f"{len(rows)} factors (kg CO2e per unit, {characterization.name})")


def _print_factors(rows: list[dict[str, object]], title: str) -> None:
    """A table when the terminal is wide enough to show every key whole, else one block per factor: a key is never
    broken across lines, so that it can be copied into a model."""
    widest = max((len(str(row["key"])) for row in rows), default=0)
    texts = [
        (
            str(row["key"]),
            f"{row['name']}\n{row['name_zh']}" if row["name_zh"] else str(row["name"]),
            f"{row['kg_co2e']:.6g}" + (" (unverified)" if row["unverified"] else ""),
            str(row["unit"]),
            str(row["geography"]),
            str(row["year"] or ""),
            str(row["source"]),
        )
        for row in rows
    ]
    if console.width >= widest + 60:
        table = Table(title=title)
        for column in ("key", "name", "value", "unit", "geography", "year", "source"):
            table.add_column(column, overflow="fold", no_wrap=column not in ("name", "source"))
        for text in texts:
            table.add_row(*text)
        console.print(table)
        return
    console.print(title, highlight=False)
    for key, name, value, unit, geography, year, source in texts:
        heading = f"\n[bold]{key}[/bold]  {value} kg CO2e per {unit}, {geography} {year}"
        console.print(heading, soft_wrap=True, highlight=False)
        console.print("\n".join(f"  {line}" for line in [*name.split("\n"), source]), highlight=False)


@factors_app.command("template")
def factors_template(
    folder: Annotated[Path, typer.Argument(help="Folder to write the templates into.")] = Path("."),
) -> None:
    """Write factors-template.csv and factors-template.xlsx: Chinese and English headers, an example row, and in
    the workbook an instructions sheet and drop-down lists."""
    from lowcarbon.factors.template import write_templates

    try:
        written = write_templates(folder)
    except LowcarbonError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    for path in written:
        console.print(f"wrote {path}")
    console.print("Fill in your factors, then check them: lowcarbon factors check FILE")


@factors_app.command("check")
def factors_check(
    path: Annotated[Path, typer.Argument(help="A CSV or Excel factor file.")], gwp: GwpOpt = "AR6"
) -> None:
    """Check a factor file: every problem at once, each with row, column and fix."""
    from lowcarbon.factors.characterization import load_set
    from lowcarbon.factors.library import FactorLibrary

    try:
        factors = FactorLibrary().import_file(path)
        characterization = load_set(gwp)
        for factor in factors:
            characterization.co2e(factor)  # every gas must have a GWP
    except LowcarbonError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    console.print(f"{path}: {len(factors)} factors, all valid")


def _factor_row(factor: Factor, characterization: CharacterizationSet) -> dict[str, object]:
    return {
        "key": factor.key,
        "name": factor.name,
        "name_zh": factor.name_zh,
        "kg_co2e": characterization.co2e(factor),
        "co2e_basis": factor.co2e_basis if not factor.emissions else characterization.name,
        "unit": factor.unit,
        "gases": {e.gas: e.amount for e in factor.emissions},
        "geography": factor.geography,
        "year": factor.year,
        "source": factor.source,
        "unverified": factor.unverified,
        "characterization": characterization.name,
    }


ByOpt = Annotated[str, typer.Option("--by", help="Table to show: stage, activity, gas or factor.")]


@app.command()
def footprint(
    model: Annotated[Path, typer.Argument(help="A product model (YAML or JSON).")],
    as_json: JsonOpt = False,
    by: ByOpt = "stage",
    top: TopOpt = 10,
    iterations: Annotated[
        int, typer.Option(help="Monte Carlo iterations over the model's uncertainties (0: none).")
    ] = 0,
    seed: Annotated[int | None, typer.Option(help="Seed of the Monte Carlo draws (same seed, same numbers).")] = None,
    processes: Annotated[int, typer.Option(help="Processes that share the Monte Carlo iterations.")] = 1,
) -> None:
    """Compute a product's carbon footprint (GB/T 24067 / ISO 14067) from its model; with --iterations, how sure
    it is; with the model's parameters and scenarios, its sensitivity and scenarios beside it."""
    if by not in ("stage", "activity", "gas", "factor"):
        raise typer.BadParameter("use stage, activity, gas or factor", param_hint="--by")
    if top < 0:
        raise typer.BadParameter("give 0 or more", param_hint="--top")
    if iterations < 0 or processes < 1:
        raise typer.BadParameter("give 0 or more iterations and 1 or more processes", param_hint="--iterations")
    from dataclasses import asdict

    from lowcarbon.footprint.scenarios import Study, scenarios, sensitivity

    uncertainty = None
    try:
        study = Study(model)
        result = study.base
        if iterations:  # Monte Carlo's modules only when it runs
            from rich.progress import Progress

            from lowcarbon.footprint.montecarlo import footprint_uncertainty

            with Progress(console=console, transient=True, disable=as_json) as bar:
                task = bar.add_task("Monte Carlo", total=iterations)
                uncertainty = footprint_uncertainty(
                    study.prepared, iterations, seed, processes, progress=lambda done: bar.update(task, completed=done)
                )
        cases = sensitivity(study)
        variants = scenarios(study)
    except LowcarbonError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    if as_json:
        payload = result.to_dict(top)
        if uncertainty is not None:
            payload["uncertainty"] = uncertainty.to_dict()
        if cases:
            payload["sensitivity"] = [asdict(case) for case in cases]
        if variants:
            payload["scenarios"] = [asdict(variant) for variant in variants]
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    _print_footprint(result, by, top, uncertainty, cases, variants)


@app.command("footprint-compare")
def footprint_compare(
    first: Annotated[Path, typer.Argument(help="Model A (YAML or JSON).")],
    second: Annotated[Path, typer.Argument(help="Model B, e.g. another version of A.")],
    iterations: Annotated[int, typer.Option(help="Monte Carlo iterations.")] = 1000,
    seed: Annotated[int | None, typer.Option(help="Seed of the draws (same seed, same numbers).")] = None,
    processes: Annotated[int, typer.Option(help="Processes that share the iterations.")] = 1,
    as_json: JsonOpt = False,
) -> None:
    """How often A's footprint is lower than B's under their uncertainties; a factor both use is drawn once per
    iteration for both, so the comparison holds only what differs."""
    if iterations < 1 or processes < 1:
        raise typer.BadParameter("give 1 or more iterations and processes", param_hint="--iterations")
    from lowcarbon.footprint.montecarlo import compare_uncertain

    try:
        comparison = compare_uncertain(first, second, iterations, seed, processes)
    except LowcarbonError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    if as_json:
        print(json.dumps(comparison.to_dict(), ensure_ascii=False, indent=2))
        return
    table = Table(title=f"Monte Carlo: {comparison.iterations} iterations, seed {comparison.seed} ({comparison.unit})")
    for column in ("", "deterministic", "mean", "std", "median", "2.5 %", "97.5 %"):
        table.add_column(column, justify="left" if not column else "right")
    for label, stats in (
        (f"A: {comparison.a_name}", comparison.a),
        (f"B: {comparison.b_name}", comparison.b),
        ("B - A", comparison.difference),
    ):
        keys = ("deterministic", "mean", "std", "median", "p2_5", "p97_5")
        table.add_row(label, *(f"{stats[key]:.6g}" for key in keys))
    console.print(table)
    console.print(
        f"A is lower than B in {comparison.probability_a_lower:.1%} of the iterations"
        + (f" (equal in {comparison.probability_equal:.1%})" if comparison.probability_equal else "")
        + f"; factors drawn once for both: {', '.join(comparison.shared_factors) or 'none'}"
    )
    for note in comparison.notes:
        console.print(f"[yellow]note:[/yellow] {note}")


@app.command("init-model")
def init_model(
    name: Annotated[str, typer.Argument(help="The product's name; writes NAME.yaml (or NAME.xlsx) here.")],
    excel: Annotated[bool, typer.Option("--excel", help="Write the Excel template instead of YAML.")] = False,
) -> None:
    """Write a commented starter product model (YAML), or its Excel template."""
    from lowcarbon.footprint.excel import write_excel_starter
    from lowcarbon.footprint.starter import write_starter

    try:
        path = write_excel_starter(Path(name).with_suffix(".xlsx")) if excel else write_starter(name)
    except LowcarbonError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    command = f"lowcarbon footprint {shlex.quote(path.name)}"
    console.print(f"Wrote {path}; fill in your data, then run: {command}", soft_wrap=True, highlight=False)


def _print_footprint(
    result: Footprint,
    by: str,
    top: int,
    uncertainty: FootprintUncertainty | None = None,
    cases: Sequence[SensitivityCase] = (),
    variants: Sequence[ScenarioResult] = (),
) -> None:
    unit = f"kg CO2e per {result.declared_unit}"
    console.print(
        f"[bold]{result.product}[/bold]: {result.total:.6g} {unit} ({result.kind}, {result.boundary}, "
        f"{result.characterization})"
    )
    lines = Table(title="Reporting lines")
    lines.add_column("line")
    lines.add_column(unit, justify="right")
    for label, value in (
        ("fossil GHG emissions", result.fossil),
        ("biogenic emissions", result.biogenic_emissions),
        ("biogenic removals", result.biogenic_removals),
        ("land-use change", result.land_use_change),
        ("aircraft (also in its origin's line)", result.aircraft),
        ("excluding biogenic uptake", result.excluding_biogenic_uptake),
        ("including biogenic uptake", result.including_biogenic_uptake),
    ):
        lines.add_row(label, f"{value:.6g}")
    console.print(lines)
    table = Table(title=f"By {by}")
    table.add_column(by)
    table.add_column(unit, justify="right")
    table.add_column("share", justify="right")
    rows: list[tuple[str, float]]
    if by == "stage":
        rows = list(result.by_stage.items())
    elif by == "gas":
        rows = sorted(result.by_gas.items(), key=lambda item: -abs(item[1]))
    elif by == "factor":
        totals: dict[str, float] = {}
        for line in result.lines:
            if not line.exempted and not line.link.startswith("process "):
                totals[line.link] = totals.get(line.link, 0.0) + line.kg_co2e
        rows = sorted(totals.items(), key=lambda item: -abs(item[1]))[:top]
    else:
        rows = [(f"{line.name} ({line.place})", line.kg_co2e) for line in result.hotspots[:top]]
    for label, value in rows:
        share = f"{value / result.total:.1%}" if result.total else "-"
        table.add_row(label, f"{value:.6g}", share)
    console.print(table)
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/yellow] {warning}")
    for deviation in result.pcr_deviations:
        console.print(f"[magenta]PCR deviation:[/magenta] {deviation}")
    if uncertainty is not None:
        mc = Table(title=f"Monte Carlo: {uncertainty.iterations} iterations, seed {uncertainty.seed} ({unit})")
        for column in ("", "deterministic", "mean", "std", "median", "2.5 %", "97.5 %"):
            mc.add_column(column, justify="left" if not column else "right")
        u = uncertainty
        mc.add_row("total", *(f"{x:.6g}" for x in (u.deterministic, u.mean, u.std, u.median, u.p2_5, u.p97_5)))
        for stage, s in u.by_stage.items():
            mc.add_row(
                stage,
                f"{result.by_stage.get(stage, 0.0):.6g}",
                f"{s['mean']:.6g}",
                f"{s['std']:.6g}",
                "-",
                f"{s['p2_5']:.6g}",
                f"{s['p97_5']:.6g}",
            )
        console.print(mc)
        drivers = Table(title="Contributions to variance (squared Spearman rank correlation, as shares)")
        for column in ("input", "share", "Spearman"):
            drivers.add_column(column, justify="left" if column == "input" else "right")
        for c in u.contributors[:top]:
            drivers.add_row(c.label, f"{c.share:.1%}", f"{c.rank_correlation:+.3f}")
        console.print(drivers)
        for note in u.notes:
            console.print(f"[yellow]note:[/yellow] {note}")
    if cases:
        tornado = Table(title=f"Sensitivity: one parameter at a time ({unit})")
        for column in ("parameter", "low", "base", "high", "total at low", "total at high"):
            tornado.add_column(column, justify="left" if column == "parameter" else "right")
        for case in cases:
            values = (case.low_value, case.base_value, case.high_value, case.total_low, case.total_high)
            tornado.add_row(
                f"{case.parameter} ({case.unit})" if case.unit else case.parameter, *(f"{x:.6g}" for x in values)
            )
        console.print(tornado)
    if variants:
        table = Table(title=f"Scenarios ({unit})")
        for column in ("scenario", "total", "difference"):
            table.add_column(column, justify="left" if column == "scenario" else "right")
        for variant in variants:
            table.add_row(variant.name, f"{variant.total:.6g}", f"{variant.difference:+.6g}")
        console.print(table)


def run() -> None:
    """Console-script entry point."""
    try:
        app()
    except BrokenPipeError:  # e.g. piped into head
        sys.exit(0)
