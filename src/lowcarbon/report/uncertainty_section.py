"""The report's uncertainty and sensitivity section: Monte Carlo statistics, sensitivity cases and scenarios.

Never left out: without a Monte Carlo run it says so, and what the data quality ratings and the factors' own
stated uncertainties say (ISO 14067 asks for the uncertainty to be assessed and reported).
"""

from __future__ import annotations

from lowcarbon.footprint.uncertainty import FootprintUncertainty
from lowcarbon.report.build import Report
from lowcarbon.report.charts import bars, histogram, tornado
from lowcarbon.report.document import Block, Figure, Items, Para, Rows, Section, Table
from lowcarbon.report.words import Words

__all__ = ["uncertainty_section"]


def _figure(value: float) -> str:
    return f"{value:.6g}"


def uncertainty_section(report: Report, w: Words) -> Section:
    """Uncertainty (Monte Carlo, or what the ratings say), sensitivity, and scenarios."""
    unit = f"kg CO2e / {report.footprint.declared_unit}"
    blocks: list[Block] = []
    if report.uncertainty is not None:
        blocks += _monte_carlo(report.uncertainty, w, unit, report.footprint.declared_unit)
    else:
        blocks += _without_monte_carlo(report, w)
    if report.sensitivity:
        rows: Rows = tuple(
            (
                c.parameter_zh if w.lang == "zh-CN" else c.parameter,
                f"{c.base_value:g} {c.unit}",
                f"{c.low_value:g}",
                f"{c.high_value:g}",
                _figure(c.total_low),
                _figure(c.total_high),
            )
            for c in report.sensitivity
        )
        header = (w("parameter"), w("base"), w("low"), w("high"), w("total_low"), w("total_high"))
        blocks.append(Table(header, rows, numeric=(2, 3, 4, 5), caption=w("sensitivity")))
        cases = [
            (c.parameter_zh if w.lang == "zh-CN" else c.parameter, c.total_low, c.total_high)
            for c in report.sensitivity
        ]
        blocks.append(Figure(tornado(w("tornado"), cases, report.footprint.total, unit)))
    else:
        blocks.append(Para(w.say("no_sensitivity")))
    if report.scenarios:
        zh = w.lang == "zh-CN"
        base = (w("base_result"), "", _figure(report.footprint.total), "0")
        scenario_rows = tuple(
            (
                s.name_zh if zh else s.name,
                s.description_zh if zh else s.description,
                _figure(s.total),
                f"{s.difference:+.6g}",
            )
            for s in report.scenarios
        )
        scenario_header = (w("scenario"), w("description"), unit, w("difference"))
        blocks.append(Table(scenario_header, (base, *scenario_rows), numeric=(2, 3), caption=w("scenarios")))
        items = [
            (w("base_result"), report.footprint.total),
            *((row[0], s.total) for row, s in zip(scenario_rows, report.scenarios, strict=True)),
        ]
        blocks.append(Figure(bars(w("scenarios"), items, unit)))
    else:
        blocks.append(Para(w.say("no_scenarios")))
    return Section("uncertainty", w("uncertainty_section"), tuple(blocks))


def _monte_carlo(result: FootprintUncertainty, w: Words, unit: str, declared: str) -> list[Block]:
    stats = (
        (w("iterations"), str(result.iterations)),
        (w("uncertain_inputs"), str(result.uncertain_inputs)),
        (w("seed"), str(result.seed)),
        (w("deterministic"), _figure(result.deterministic)),
        (w("mean"), _figure(result.mean)),
        (w("std"), _figure(result.std)),
        (w("median"), _figure(result.median)),
        (w("p2_5"), _figure(result.p2_5)),
        (w("p97_5"), _figure(result.p97_5)),
        (w("interval"), f"[{_figure(result.p2_5)}, {_figure(result.p97_5)}]"),
    )
    summary = w.say(
        "mc_text",
        iterations=result.iterations,
        seed=result.seed,
        mean=_figure(result.mean),
        low=_figure(result.p2_5),
        high=_figure(result.p97_5),
        unit=declared,
    )
    blocks: list[Block] = [Para(summary), Table((w("statistic"), unit), stats, numeric=(1,))]
    rows: Rows
    if result.by_stage:
        rows = tuple(
            (
                w.code(stage),
                _figure(values.get("mean", 0.0)),
                _figure(values.get("std", 0.0)),
                _figure(values.get("p2_5", 0.0)),
                _figure(values.get("p97_5", 0.0)),
            )
            for stage, values in result.by_stage.items()
        )
        header = (w("stage"), w("mean"), w("std"), w("p2_5"), w("p97_5"))
        blocks.append(Table(header, rows, numeric=(1, 2, 3, 4)))
    if result.contributors:
        top: Rows = tuple(
            (c.label_zh if w.lang == "zh-CN" else c.label, f"{c.share:.1%}", f"{c.rank_correlation:+.3f}")
            for c in result.contributors[:10]
        )
        columns = (w("input"), w("variance_share"), w("rank_correlation"))
        blocks.append(Table(columns, top, numeric=(1, 2), caption=w("contributors")))
    if result.notes:  # the footprint package's own words, about inputs it could not sample
        blocks.append(Items(tuple(w.message(note) for note in result.notes)))
    if result.samples:
        marks = {"2.5%": result.p2_5, w("mean"): result.mean, "97.5%": result.p97_5}
        blocks.append(Figure(histogram(w("histogram"), result.samples, marks, unit)))
    return blocks


def _without_monte_carlo(report: Report, w: Words) -> list[Block]:
    f = report.footprint
    ratings = [
        w.say(
            "rating_item",
            rating=w.code(name),
            value=f"{f.data_quality[name]:.2f}",
            coverage=f"{f.data_quality_coverage.get(name, 0.0):.1%}",
        )
        for name in ("technological", "temporal", "geographical")
        if name in f.data_quality
    ]
    says = w.say("quality_says", ratings=("；" if w.lang == "zh-CN" else "; ").join(ratings)) if ratings else None
    if says is None:
        unverified = sum(use.factor.unverified for use in report.factors)
        secondary = f"{1 - f.primary_data_share:.1%}"
        says = w.say("quality_none", secondary=secondary, unverified=unverified, factors=len(report.factors))
    blocks: list[Block] = [Para(w.say("no_monte_carlo"), strong=True), Para(says)]
    stated = [use.factor for use in report.factors if use.factor.uncertainty.distribution != "none"]
    if stated:
        rows = tuple(
            (
                factor.key,
                w.code(factor.uncertainty.distribution),
                _range(factor.uncertainty.lower, factor.uncertainty.upper),
                f"{factor.uncertainty.geometric_sd:g}" if factor.uncertainty.geometric_sd else "-",
            )
            for factor in stated
        )
        header = (w("factor"), w("distribution"), w("range"), w("gsd"))
        blocks.append(Table(header, rows, numeric=(3,), caption=w("factor_uncertainty"), mono=(0,)))
    return blocks


def _range(lower: float | None, upper: float | None) -> str:
    if lower is None or upper is None:
        return "-"
    return f"[{lower:g}, {upper:g}]"
