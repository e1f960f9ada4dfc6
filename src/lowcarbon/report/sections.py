"""The CFP study report's sections, written from a Report in one language (ISO 14067 clause 7, GB/T 24067).

Figures in kg CO2e are written as ``lowcarbon footprint`` prints them (``{:.6g}``), so the report's total reads as
the CLI's; charts round to four significant digits.
"""

from __future__ import annotations

from lowcarbon.footprint import ProductModel
from lowcarbon.footprint.result import LineResult, process_stages
from lowcarbon.report.build import Report
from lowcarbon.report.charts import bars
from lowcarbon.report.document import Document, Facts, Figure, Items, Para, Rows, Section, Table
from lowcarbon.report.process_map import process_map
from lowcarbon.report.uncertainty_section import uncertainty_section
from lowcarbon.report.words import Lang, Words

__all__ = ["SECTIONS", "document", "figure", "percent"]

# the sections every report has, in order: the elements ISO 14067 clause 7 and GB/T 24067 ask a report to hold
SECTIONS = (
    "goal",
    "unit",
    "boundary",
    "cut_off",
    "data",
    "allocation",
    "gwp",
    "results",
    "uncertainty",
    "pcr",
    "limitations",
    "comparison",
    "period",
    "preparation",
)
HOTSPOTS = 10


def figure(value: float) -> str:
    """A kg CO2e figure as ``lowcarbon footprint`` prints it."""
    return f"{value:.6g}"


def percent(value: float) -> str:
    return f"{value:.1%}"


def document(report: Report, lang: Lang) -> Document:
    """The report's text in ``lang``."""
    w = Words(lang)
    f = report.footprint
    product = (report.model.product.name_zh or f.product) if lang == "zh-CN" else f.product
    headline = w.say(
        "total_text",
        product=product,
        total=figure(f.total),
        unit=f.declared_unit,
        kind=w.code(f.kind),
        boundary=w.code(f.boundary),
        gwp=w.code(f.characterization),
    )
    sections = (
        _goal(report, w, product),
        _unit(report, w),
        Section("boundary", w("boundary_section"), _boundary(report, w)),
        Section("cut_off", w("cut_off_section"), _cut_off(report, w)),
        Section("data", w("data_section"), _data(report, w)),
        Section("allocation", w("allocation_section"), _allocation(report, w)),
        _gwp(report, w),
        Section("results", w("results_section"), _results(report, w, headline)),
        uncertainty_section(report, w),
        Section("pcr", w("pcr_section"), _pcr(report, w)),
        Section("limitations", w("limitations_section"), _limitations(report, w)),
        Section("comparison", w("comparison_section"), (Para(w.say("comparison"), strong=True),)),
        Section("period", w("period_section"), _period(report, w)),
        Section("preparation", w("preparation_section"), _preparation(report, w)),
    )
    return Document(lang, w("title"), f"{product} | {w('standards')}", headline, sections)


def _unit_label(report: Report) -> str:
    return f"kg CO2e / {report.footprint.declared_unit}"


def _goal(report: Report, w: Words, product: str) -> Section:
    f, model = report.footprint, report.model
    goal = w.say(
        "goal",
        kind=w.code(f.kind),
        product=product,
        unit=f.declared_unit,
        boundary=w.code(f.boundary),
        gwp=w.code(f.characterization),
    )
    scope = w.say("scope", lines=len(f.lines), stages=len(model.stages), processes=len(model.processes))
    facts = [(w("product"), product), (w("kind"), w.code(f.kind)), (w("boundary"), w.code(f.boundary))]
    if model.product.ids:
        facts.append((w("product_ids"), ", ".join(model.product.ids)))
    return Section("goal", w("goal"), (Para(goal), Para(scope), Facts(tuple(facts))))


def _unit(report: Report, w: Words) -> Section:
    f, model = report.footprint, report.model
    declared = f.declared_unit + (f" ({model.declared_unit.description})" if model.declared_unit.description else "")
    functional = f.functional_unit or (w("not_applicable") if f.kind != "CFP" else w("not_stated"))
    flow = model.reference_flow
    reference = f"{f.reference_flow} ({flow.description})" if flow and flow.description else f.reference_flow
    facts = (
        (w("declared_unit"), declared),
        (w("functional_unit"), functional),
        (w("reference_flow"), reference or w("not_stated")),
    )
    return Section("unit", w("unit"), (Facts(facts),))


def _boundary(report: Report, w: Words) -> tuple[Para | Figure | Table, ...]:
    model = report.model
    included = tuple((w.code(stage.name), str(len(stage.activities))) for stage in model.stages)
    return (
        Para(w.say("boundary_text", boundary=w.code(model.boundary))),
        Figure(process_map(model, w)),
        Table((w("stage"), w("activity")), included, numeric=(1,)),
    )


def _cut_off(report: Report, w: Words) -> tuple[Para | Table, ...]:
    f, model = report.footprint, report.model
    blocks: list[Para | Table] = [
        Para(
            w.say(
                "cut_off_text",
                limit=f"{model.cut_off.max_exempted_percent:g}",
                exempted=figure(f.exempted),
                percent=f"{f.exempted_percent:.2f}",
            )
        )
    ]
    exempted = [line for line in f.lines if line.exempted]
    rows: Rows
    if exempted:
        rows = tuple((line.name, line.place, figure(line.kg_co2e)) for line in exempted)
        blocks.append(Table((w("exempted_lines"), w("place"), _unit_label(report)), rows, numeric=(2,)))
    else:
        blocks.append(Para(w.say("no_exempted")))
    if model.omitted_stages:
        rows = tuple((w.code(stage), why) for stage, why in model.omitted_stages.items())
        blocks.append(Table((w("omitted_stages"), w("description")), rows))
    return tuple(blocks)


def _ratings(ratings: dict[str, float]) -> str:
    short = {"technological": "TeR", "temporal": "TiR", "geographical": "GeR", "completeness": "C", "reliability": "R"}
    return " ".join(f"{short[name]} {value:g}" for name, value in ratings.items())


def _data(report: Report, w: Words) -> tuple[Para | Table | Facts, ...]:
    f = report.footprint
    quality = tuple(
        (
            w.code(name),
            f"{f.data_quality[name]:.2f}" if name in f.data_quality else w("not_rated"),
            percent(f.data_quality_coverage.get(name, 0.0)),
        )
        for name in ("technological", "temporal", "geographical")
    )
    zh = w.lang == "zh-CN"
    factors = tuple(
        (
            use.factor.key,
            (use.factor.name_zh or use.factor.name) if zh else use.factor.name,
            use.factor.source + (f" [{w('unverified')}]" if use.factor.unverified else ""),
            use.factor.geography,
            str(use.factor.year or "-"),
            _ratings(use.factor.data_quality.ratings()) or "-",
            str(use.lines),
            figure(use.kg_co2e),
        )
        for use in report.factors
    )
    inventory = tuple(
        (
            line.place,
            line.name,
            f"{line.amount:g} {line.unit}",
            line.link,
            line.source or "-",
            w(line.data_type) if line.data_type in ("primary", "secondary") else line.data_type,
            figure(line.kg_co2e),
        )
        for line in f.lines
    )
    header = (w("place"), w("activity"), w("amount"), w("link"), w("source"), w("data_type"), _unit_label(report))
    factor_header = (w("factor"), w("activity"), w("source"), w("geography"), w("year"), w("ratings"), w("line"))
    return (
        Para(w.say("primary_text", share=percent(f.primary_data_share))),
        Table((w("data_quality"), w("value"), w("coverage")), quality, numeric=(1, 2)),
        Facts(((w("factor_sets"), ", ".join(report.factor_sets) or w("none")),)),
        Table((*factor_header, _unit_label(report)), factors, numeric=(6, 7), caption=w("factors_used"), mono=(0,)),
        Table(header, inventory, numeric=(2, 6), caption=w("inventory"), mono=(0,)),
    )


def _allocation(report: Report, w: Words) -> tuple[Para | Table, ...]:
    model, f = report.model, report.footprint
    shared = [process for process in model.processes if len(process.outputs) > 1]
    blocks: list[Para | Table] = [Para(w.say("allocation_text"))]
    if shared:
        rows = tuple(
            (
                process.name or process.id,
                ", ".join(f"{o.product} {o.amount:g} {o.unit}" for o in process.outputs),
                w.code(process.allocation),
                percent(process.allocation_share),
            )
            for process in shared
        )
        blocks.append(Table((w("process"), w("outputs"), w("allocation"), w("reference_share")), rows, numeric=(3,)))
    else:
        blocks.append(Para(w.say("no_allocation")))
    avoided = _avoided(model)
    credits = tuple((line.name, line.place, figure(line.kg_co2e)) for line in f.lines if line.place in avoided)
    if credits:
        blocks.append(Table((w("avoided"), w("place"), _unit_label(report)), credits, numeric=(2,)))
    else:
        blocks.append(Para(w.say("no_avoided")))
    return tuple(blocks)


def _avoided(model: ProductModel) -> set[str]:
    """The places of the avoided activities (system expansion)."""
    places = {
        f"stages[{s}].activities[{a}]"
        for s, stage in enumerate(model.stages)
        for a, activity in enumerate(stage.activities)
        if activity.avoided
    }
    return places | {
        f"processes[{p}].inputs[{a}]"
        for p, process in enumerate(model.processes)
        for a, activity in enumerate(process.inputs)
        if activity.avoided
    }


def _gwp(report: Report, w: Words) -> Section:
    name = report.footprint.characterization
    facts = ((w("gwp_set"), w.code(name)), (w("gwp_source"), report.gwp_source))
    return Section("gwp", w("gwp_section"), (Para(w.say("gwp_text", gwp=w.code(name))), Facts(facts)))


def _results(report: Report, w: Words, headline: str) -> tuple[Para | Table | Figure, ...]:
    f = report.footprint
    unit = _unit_label(report)
    lines = tuple(
        (w(label), figure(value))
        for label, value in (
            ("fossil", f.fossil),
            ("biogenic_emissions", f.biogenic_emissions),
            ("biogenic_removals", f.biogenic_removals),
            ("land_use_change", f.land_use_change),
            ("aircraft", f.aircraft),
            ("excluding_uptake", f.excluding_biogenic_uptake),
            ("including_uptake", f.including_biogenic_uptake),
        )
    )

    def share(value: float) -> str:
        return percent(value / f.total) if f.total else "-"

    stages = [(w.code(name), value) for name, value in f.by_stage.items()]
    gases = sorted(f.by_gas.items(), key=lambda item: -abs(item[1]))
    hot = f.hotspots[:HOTSPOTS]
    used_in = process_stages(f.lines)  # a line inside a process is in the stages that use the process
    return (
        Para(headline, strong=True),
        Table((w("line"), unit), lines, numeric=(1,)),
        Para(w.say("lines_text")),
        Table((w("stage"), unit, w("share")), tuple((n, figure(v), share(v)) for n, v in stages), numeric=(1, 2)),
        Figure(bars(w("by_stage"), stages, unit)),
        Table(
            (w("gas"), unit, w("mass"), w("share")),
            tuple((w.gas(g), figure(v), f"{f.gas_mass.get(g, 0.0):.4g}", share(v)) for g, v in gases),
            numeric=(1, 2, 3),
        ),
        Figure(bars(w("by_gas"), [(w.gas(g), v) for g, v in gases], unit)),
        Table(
            (w("activity"), w("stage"), unit, w("share")),
            tuple((h.name, _stage_of(w, h, used_in), figure(h.kg_co2e), share(h.kg_co2e)) for h in hot),
            numeric=(2, 3),
            caption=w("hotspots"),
        ),
        Figure(bars(w("hotspots"), [(h.name, h.kg_co2e) for h in hot], unit)),
    )


def _pcr(report: Report, w: Words) -> tuple[Para | Items, ...]:
    pcr, f = report.pcr, report.footprint
    if pcr is None:
        return (Para(w("no_pcr")),)
    name = (pcr.name_zh or pcr.name) if w.lang == "zh-CN" else pcr.name
    blocks: list[Para | Items] = [
        Para(w.say("pcr_text", name=f"{name} ({pcr.id})", status=w.code(pcr.status), source=pcr.source))
    ]
    if f.pcr_deviations:
        blocks += [Para(w("deviations"), strong=True), Items(tuple(w.message(d) for d in f.pcr_deviations))]
    else:
        blocks.append(Para(w("no_deviations")))
    return tuple(blocks)


def _limitations(report: Report, w: Words) -> tuple[Para | Items, ...]:
    f, model = report.footprint, report.model
    items = [w.say("limit_category")]
    if f.kind != "CFP":
        items.append(w.say("limit_partial"))
    items += [w.say("limit_omitted", stage=w.code(stage), why=why) for stage, why in model.omitted_stages.items()]
    if f.primary_data_share < 1:
        items.append(w.say("limit_secondary", share=percent(1 - f.primary_data_share)))
    unverified = sum(use.factor.unverified for use in report.factors)
    if unverified:
        items.append(w.say("limit_unverified", count=unverified))
    exempted = sum(line.exempted for line in f.lines)
    if exempted:
        items.append(w.say("limit_exempted", count=exempted))
    items += [w.say("limit_assumption", name=name, place=place) for name, place in report.assumptions]
    blocks: list[Para | Items] = [Items(tuple(items))]
    if f.warnings:
        blocks += [Para(w("warnings"), strong=True), Items(tuple(w.message(text) for text in f.warnings))]
    return tuple(blocks)


def _period(report: Report, w: Words) -> tuple[Para | Facts, ...]:
    period = report.model.reference_period
    if period is None:
        return (Para(w("no_period")),)
    start, end = period.start.isoformat(), period.end.isoformat()
    return (
        Para(w.say("period_text", start=start, end=end)),
        Facts(((w("period_start"), start), (w("period_end"), end))),
    )


def _preparation(report: Report, w: Words) -> tuple[Para | Facts | Table, ...]:
    facts = (
        (w("prepared_by"), report.prepared_by or w("not_stated")),
        (w("prepared_on"), report.prepared_on.isoformat()),
        (w("software"), report.software),
    )
    rows = tuple((w(f"role_{file.role}"), file.name, file.sha256) for file in report.files)
    return (
        Facts(facts),
        Para(w.say("fingerprint_text")),
        Table((w("file_role"), w("file"), "SHA-256"), rows, caption=w("fingerprint"), mono=(2,)),
    )


def _stage_of(w: Words, line: LineResult, used_in: dict[str, list[str]]) -> str:
    """The stage of a hotspot in words: its own, else those of the lines that use its process, else the process."""
    if line.stage:
        return w.code(line.stage)
    stages = used_in.get(line.process or "", [])
    return " + ".join(w.code(stage) for stage in stages) if stages else w.code(line.process)
