"""The inventory report (ISO 14064-1:2018 clause 9) in Chinese or English, as HTML and PDF.

It holds what the inventory and its result hold of clause 9.3: the reporting organisation, its organisational
boundary and sites, the reporting period, the results by ISO 14064-1 category, by GHG Protocol scope (scope 2
location- and market-based), by scope 3 category, by gas and by site, biogenic CO2 apart, the base year and its
recalculation, the reduction targets with their yearly progress (a trajectory chart) and planned actions, the
significance of the indirect categories and the reasons for those left out, the quantification methods and the
factors with their sources, the GWP set, and the total's uncertainty (a 95 % interval by Monte Carlo, when
records give their spread). The report is a ``lowcarbon.report.document.Document``, laid out by the study report's
HTML and PDF writers, so both formats hold the same text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from lowcarbon.inventory.charts import trajectory
from lowcarbon.inventory.model import Inventory
from lowcarbon.inventory.names import category_name, scope3_name
from lowcarbon.report.charts import bars
from lowcarbon.report.document import Document, Facts, Figure, Items, Para, Section, Table
from lowcarbon.report.html import document_html
from lowcarbon.report.pdf import document_pdf
from lowcarbon.report.words import Lang

__all__ = ["WORDS", "inventory_document", "report_html", "report_pdf", "say"]

# each text of the report: English, Chinese
WORDS: dict[str, tuple[str, str]] = {
    "title": ("Greenhouse gas inventory report", "温室气体排放报告"),
    "subtitle": ("{organisation}, {year} (ISO 14064-1:2018)", "{organisation}，{year} 年（ISO 14064-1:2018）"),
    "headline": (
        "Total emissions {total} t CO2e in {year} ({gwp}; scope 2 location-based in the total).",
        "{year} 年排放总量 {total} t CO2e（{gwp}；总量中范围二按基于位置法计）。",
    ),
    "organisation": ("Reporting organisation", "报告组织"),
    "name": ("Organisation", "组织"),
    "sector": ("Sector", "行业"),
    "responsible": ("Person responsible", "负责人"),
    "not_stated": ("not stated in the inventory", "盘查数据中未载明"),
    "boundary": ("Organisational boundary", "组织边界"),
    "approach": ("Consolidation approach", "合并方法"),
    "equity_share": ("equity share", "股权比例法"),
    "financial_control": ("financial control", "财务控制法"),
    "operational_control": ("operational control", "运营控制法"),
    "sites": ("Sites", "场所"),
    "site": ("Site", "场所"),
    "site_name": ("Name", "名称"),
    "grid": ("Grid", "电网"),
    "share": ("Share reported", "计入比例"),
    "joined": ("Acquired", "并入日期"),
    "left": ("Divested", "剥离日期"),
    "period": ("Reporting period", "报告期"),
    "period_text": ("1 January to 31 December {year}", "{year} 年 1 月 1 日至 12 月 31 日"),
    "results": ("Quantified emissions", "排放量化结果"),
    "total": ("Total", "合计"),
    "category": ("ISO 14064-1 category", "ISO 14064-1 类别"),
    "scope": ("Scope", "范围"),
    "scope3": ("Scope 3 category", "范围三类别"),
    "gas": ("Gas", "气体"),
    "t_gas": ("t of the gas", "吨（该气体）"),
    "by_category": ("By ISO 14064-1 category", "按 ISO 14064-1 类别"),
    "by_scope": ("By scope (GHG Protocol)", "按范围（温室气体核算体系）"),
    "by_scope3": ("Scope 3 by category", "范围三分类"),
    "by_gas": ("By gas", "按气体"),
    "by_site": ("By site", "按场所"),
    "scope_1": ("Scope 1", "范围一"),
    "scope_2-location": ("Scope 2, location-based", "范围二（基于位置）"),
    "scope_2-market": ("Scope 2, market-based (beside the total)", "范围二（基于市场，不计入总量）"),
    "scope_3": ("Scope 3", "范围三"),
    "biogenic": (
        "Biogenic CO2, reported apart and outside the totals: {t} t.",
        "生物源二氧化碳单独报告，不计入总量：{t} t。",
    ),
    "base_year": ("Base year", "基准年"),
    "no_base_year": ("The inventory names no base year.", "盘查未设定基准年。"),
    "base_facts_year": ("Base year", "基准年"),
    "base_original": ("As first reported", "初次报告"),
    "base_recalculated": ("After recalculation", "重新计算后"),
    "base_threshold": ("Recalculation threshold", "重新计算阈值"),
    "base_restated": ("Restated", "是否重新计算"),
    "yes": ("yes", "是"),
    "no": ("no", "否"),
    "trigger": (
        "{kind} of {site} on {on}: {effect} t CO2e ({percent})",
        "{site} 于 {on} {kind}：{effect} t CO2e（{percent}）",
    ),
    "acquisition": ("acquisition", "并购"),
    "divestment": ("divestment", "剥离"),
    "significance": ("Significance of indirect emissions and exclusions", "间接排放的重要性评价与排除"),
    "significance_threshold": (
        "A category is significant when its share of the total is at least {threshold} %.",
        "类别占总量的比例不低于 {threshold}% 即为重要。",
    ),
    "no_threshold": (
        "The inventory sets no significance criterion: the shares are reported, not judged.",
        "盘查未设定重要性准则：仅报告占比，不作评价。",
    ),
    "verdict": ("Assessment", "评价"),
    "significant": ("significant", "重要"),
    "not_significant": ("not significant", "不重要"),
    "not_judged": ("not judged", "未评价"),
    "excluded": ("excluded: {why}", "排除：{why}"),
    "methods": ("Quantification methods and factors", "量化方法与排放因子"),
    "gwp": ("GWP values: {gwp}.", "全球变暖潜势值：{gwp}。"),
    "factor": ("Factor or default", "排放因子或缺省值"),
    "source": ("Source", "来源"),
    "unverified": ("unverified", "未核实"),
    "record": ("Record", "记录"),
    "record_period": ("Period", "期间"),
    "method": ("Method (as computed)", "计算方法（原文）"),
    "t_co2e": ("t CO2e", "t CO2e"),
    "market_basis": ("Scope 2 market-based: {basis}", "范围二基于市场法：{basis}"),
    "uncertainty": ("Uncertainty", "不确定性"),
    "uncertainty_text": (
        "No uncertainty assessment has been computed for this inventory; the figures are stated without a "
        "quantified uncertainty (ISO 14064-1:2018 8.3).",
        "本盘查尚未计算不确定性评估；所报数值未附量化的不确定性（ISO 14064-1:2018 8.3）。",
    ),
    "uncertainty_interval": (
        "Monte Carlo over the activity data of the {records} records that give their spread ({iterations} "
        "iterations, seed {seed}; the other records and the factors are taken as exact): the total lies between "
        "{low} and {high} t CO2e with 95 % probability (median {median}, ±{half} % of {total}).",
        "对给出离散程度的 {records} 条记录的活动数据作蒙特卡洛模拟（{iterations} 次，随机种子 {seed}；"
        "其余记录与排放因子按确定值计）：总量以 95% 的概率介于 {low} 与 {high} t CO2e 之间"
        "（中位数 {median}，{total} 的 ±{half}%）。",
    ),
    "notes": ("Warnings and records left out", "提示与剔除的记录"),
    "no_notes": ("None.", "无。"),
    "left_out": (
        "Left out (the site was not the organisation's in that month): {places}",
        "已剔除（该月场所不属于本组织）：{places}",
    ),
    "statement": ("Statement", "声明"),
    "statement_text": (
        "This report was prepared with lowcarbon in accordance with ISO 14064-1:2018 from the activity data and "
        "factors listed. It has not been verified (ISO 14064-3).",
        "本报告由 lowcarbon 按 ISO 14064-1:2018 依据所列活动数据和排放因子编制，尚未经核查（ISO 14064-3）。",
    ),
    "share_of_total": ("Share", "占比"),
    "targets": ("Reduction targets and progress", "减排目标与进展"),
    "no_targets": ("The inventory sets no reduction target.", "盘查未设定减排目标。"),
    "absolute": ("absolute", "绝对量"),
    "intensity": ("intensity", "强度"),
    "target_line": (
        "{name}: {kind} target, {percent} % below the base year {base} by {year}, covering {covers}.",
        "{name}：{kind}目标，{year} 年较基准年 {base} 年降低 {percent}%，覆盖{covers}。",
    ),
    "covers_scopes": ("scopes {items}", "范围 {items}"),
    "covers_categories": ("ISO 14064-1 categories {items}", "ISO 14064-1 类别 {items}"),
    "per": ("{name} in {unit}", "{name}（{unit}）"),
    "denominator": ("Intensity denominator", "强度分母"),
    "base_value": ("Base-year value", "基准年值"),
    "target_value": ("Target-year value", "目标年值"),
    "needed": ("Reduction still needed (t CO2e a year)", "尚需减排量（t CO2e/年）"),
    "planned": ("Planned actions' expected effect (t CO2e a year)", "计划措施的预期效果（t CO2e/年）"),
    "gap": ("Gap left by the actions (t CO2e a year)", "措施之外的差距（t CO2e/年）"),
    "year": ("Year", "年份"),
    "actual": ("Actual", "实际值"),
    "path": ("Linear path", "线性路径"),
    "achieved": ("Below base year", "较基准年降低"),
    "on_track": ("On track", "是否达标"),
    "from": ("From", "数据来源"),
    "from_reporting": ("this inventory", "本清单"),
    "from_base": ("base year, as reported", "基准年（初次报告）"),
    "from_base-restated": ("base year, restated", "基准年（重新计算后）"),
    "from_stored": ("inventory", "清单"),
    "from_history": ("earlier figures in the file", "文件中的往年数据"),
    "action": ("Reduction action", "减排措施"),
    "effect": ("t CO2e a year", "t CO2e/年"),
    "from_year": ("From", "起始年"),
    "status": ("Status", "状态"),
    "counted": ("Counted against the gap", "计入差距"),
    "planned_status": ("planned", "计划中"),
    "in_progress_status": ("in progress", "实施中"),
    "done_status": ("done (in the actual figures)", "已完成（已体现在实际值中）"),
    "gap_rule": (
        "The path runs straight from the base year to the target year; a year is on track at or below it. The "
        "reduction still needed is measured from the latest year (an intensity target at that year's denominator); "
        "actions not done yet that take effect by the target year count against it.",
        "路径为基准年至目标年的直线；某年实际值不高于路径即为达标。尚需减排量自最近一年起算（强度目标按该年分母），"
        "目标年前生效且尚未完成的措施计入。",
    ),
}


def say(words: Mapping[str, tuple[str, str]], key: str, lang: Lang, **values: object) -> str:
    """The text ``key`` of ``words`` (English, Chinese) in ``lang``, its fields filled with ``values``."""
    english, chinese = words[key]
    text = chinese if lang == "zh-CN" else english
    return text.format(**values) if values else text


def _w(key: str, lang: Lang, **values: object) -> str:
    return say(WORDS, key, lang, **values)


def _t(value: float) -> str:
    return f"{value:,.3f}"


def _share(value: float, total: float) -> str:
    return f"{value / total:.1%}" if total else "-"


def inventory_document(inventory: Inventory, result: Mapping[str, Any], lang: Lang) -> Document:
    """The report of ``inventory`` and its result (``InventoryResult.to_dict()``) in ``lang``."""
    organisation = inventory.organisation
    shown = (organisation.name_zh or organisation.name) if lang == "zh-CN" else organisation.name
    year, total = result["reporting_year"], float(result["total"])
    return Document(
        lang=lang,
        title=_w("title", lang),
        subtitle=_w("subtitle", lang, organisation=shown, year=year),
        headline=_w("headline", lang, total=_t(total), year=year, gwp=result["gwp"]),
        sections=(
            Section("organisation", _w("organisation", lang), _organisation(inventory, lang)),
            Section("boundary", _w("boundary", lang), _boundary(inventory, lang)),
            Section("period", _w("period", lang), (Para(_w("period_text", lang, year=year)),)),
            Section("results", _w("results", lang), _results(result, lang)),
            Section("base-year", _w("base_year", lang), _base_year(result, lang)),
            Section("targets", _w("targets", lang), _targets(result, lang)),
            Section("significance", _w("significance", lang), _significance(inventory, result, lang)),
            Section("methods", _w("methods", lang), _methods(result, lang)),
            Section("uncertainty", _w("uncertainty", lang), _uncertainty(result, lang)),
            Section("notes", _w("notes", lang), _notes(result, lang)),
            Section("statement", _w("statement", lang), (Para(_w("statement_text", lang)),)),
        ),
    )


def report_html(inventory: Inventory, result: Mapping[str, Any], lang: Lang) -> str:
    """The report as one self-contained HTML page."""
    return document_html(inventory_document(inventory, result, lang))


def report_pdf(inventory: Inventory, result: Mapping[str, Any], lang: Lang) -> bytes:
    """The report as PDF bytes."""
    return document_pdf(inventory_document(inventory, result, lang), author=inventory.organisation.name)


def _organisation(inventory: Inventory, lang: Lang) -> tuple[Facts]:
    organisation = inventory.organisation
    names = " / ".join(dict.fromkeys(n for n in (organisation.name_zh, organisation.name) if n))
    return (
        Facts(
            (
                (_w("name", lang), names),
                (_w("sector", lang), organisation.sector or _w("not_stated", lang)),
                (_w("responsible", lang), _w("not_stated", lang)),
            )
        ),
    )


def _boundary(inventory: Inventory, lang: Lang) -> tuple[Facts, Table]:
    rows = tuple(
        (
            site.id,
            site.name,
            site.grid,
            f"{site.share(inventory.approach):.0%}",
            str(site.acquired or ""),
            str(site.divested or ""),
        )
        for site in inventory.sites
    )
    header = tuple(_w(key, lang) for key in ("site", "site_name", "grid", "share", "joined", "left"))
    return (
        Facts(((_w("approach", lang), _w(inventory.approach, lang)),)),
        Table(header, rows, numeric=(3,), caption=_w("sites", lang), mono=(0,)),
    )


def _results(result: Mapping[str, Any], lang: Lang) -> tuple[Para | Table | Figure, ...]:
    total = float(result["total"])
    by_category = result["by_category"]
    categories = tuple(
        (number, category_name(number, lang), _t(value), _share(value, total)) for number, value in by_category.items()
    )
    scopes = tuple((_w(f"scope_{scope}", lang), _t(value)) for scope, value in result["by_scope"].items())
    scope3 = tuple(
        (number, scope3_name(number, lang), _t(value))
        for number, value in result["by_scope3_category"].items()
        if value
    )
    gases = tuple((gas, f"{value:,.6g}") for gas, value in result["by_gas_t"].items())
    sites = tuple((site, _t(value), _share(value, total)) for site, value in result["by_site"].items())
    t, category, share = _w("t_co2e", lang), _w("category", lang), _w("share_of_total", lang)
    blocks: list[Para | Table | Figure] = [
        Table(
            (category, "", t, share),
            (*categories, (_w("total", lang), "", _t(total), "100.0%")),
            numeric=(2, 3),
            caption=_w("by_category", lang),
        ),
        Figure(
            bars(_w("by_category", lang), [(f"{n} {name}", float(by_category[n])) for n, name, _, _ in categories], t)
        ),
        Table((_w("scope", lang), t), scopes, numeric=(1,), caption=_w("by_scope", lang)),
    ]
    if scope3:
        blocks.append(Table((_w("scope3", lang), "", t), scope3, numeric=(2,), caption=_w("by_scope3", lang)))
    blocks.append(Table((_w("gas", lang), _w("t_gas", lang)), gases, numeric=(1,), caption=_w("by_gas", lang)))
    blocks.append(Table((_w("site", lang), t, share), sites, numeric=(1, 2), caption=_w("by_site", lang), mono=(0,)))
    if result.get("biogenic_co2_t"):
        blocks.append(Para(_w("biogenic", lang, t=_t(float(result["biogenic_co2_t"])))))
    return tuple(blocks)


def _base_year(result: Mapping[str, Any], lang: Lang) -> tuple[Facts | Items | Para, ...]:
    base = result.get("base_year")
    if not base:
        return (Para(_w("no_base_year", lang)),)
    facts = Facts(
        (
            (_w("base_facts_year", lang), str(base["year"])),
            (_w("base_original", lang), f"{_t(base['original_total'])} t CO2e"),
            (_w("base_recalculated", lang), f"{_t(base['recalculated_total'])} t CO2e"),
            (_w("base_threshold", lang), f"{base['threshold_percent']:g} %"),
            (_w("base_restated", lang), _w("yes" if base["restated"] else "no", lang)),
        )
    )
    triggers = tuple(
        _w(
            "trigger",
            lang,
            kind=_w(str(trigger["kind"]), lang) if trigger["kind"] in WORDS else trigger["kind"],
            site=trigger["site"],
            on=trigger["on"],
            effect=f"{trigger['effect']:+,.3f}",
            percent=f"{trigger['percent']:+.2f} %",
        )
        for trigger in base.get("triggers", [])
    )
    return (facts, Items(triggers)) if triggers else (facts,)


def _significance(inventory: Inventory, result: Mapping[str, Any], lang: Lang) -> tuple[Para | Table, ...]:
    policy = inventory.significance
    intro = (
        _w("significance_threshold", lang, threshold=f"{policy.threshold_percent:g}")
        if policy is not None
        else _w("no_threshold", lang)
    )
    rows = tuple(
        (
            entry["category"],
            category_name(entry["category"], lang),
            _t(entry["t_co2e"]),
            f"{entry['share']:.1%}",
            _verdict(entry, lang),
        )
        for entry in result["significance"]
    )
    header = (_w("category", lang), "", _w("t_co2e", lang), _w("share_of_total", lang), _w("verdict", lang))
    return Para(intro), Table(header, rows, numeric=(2, 3))


def _verdict(entry: Mapping[str, Any], lang: Lang) -> str:
    if entry.get("excluded"):
        return _w("excluded", lang, why=entry["excluded"])
    if entry["significant"] is None:
        return _w("not_judged", lang)
    return _w("significant" if entry["significant"] else "not_significant", lang)


def _methods(result: Mapping[str, Any], lang: Lang) -> tuple[Para | Table | Items, ...]:
    factors = tuple(
        (f["factor"], f["source"] + (f" ({_w('unverified', lang)})" if f.get("unverified") else ""))
        for f in result["factors"]
    )
    lines: Sequence[Mapping[str, Any]] = result.get("lines", [])
    rows = tuple(
        (line["place"], line["site"], line["period"], line["method"], _t(line["kg_co2e"] * line["share"] / 1000))
        for line in lines
    )
    header = (_w("record", lang), _w("site", lang), _w("record_period", lang), _w("method", lang), _w("t_co2e", lang))
    blocks: list[Para | Table | Items] = [
        Para(_w("gwp", lang, gwp=result["gwp"])),
        Table((_w("factor", lang), _w("source", lang)), factors, mono=(0,)),
    ]
    if rows:
        blocks.append(Table(header, rows, numeric=(4,), mono=(0,)))
    bases = tuple(dict.fromkeys(line["market_basis"] for line in lines if line.get("market_basis")))
    if bases:
        blocks.append(Items(tuple(_w("market_basis", lang, basis=basis) for basis in bases)))
    return tuple(blocks)


def _notes(result: Mapping[str, Any], lang: Lang) -> tuple[Para | Items, ...]:
    notes = list(result.get("warnings", []))
    if result.get("excluded_records"):
        notes.append(_w("left_out", lang, places=", ".join(result["excluded_records"])))
    return (Items(tuple(notes)),) if notes else (Para(_w("no_notes", lang)),)


def _targets(result: Mapping[str, Any], lang: Lang) -> tuple[Para | Facts | Figure | Table, ...]:
    targets: Sequence[Mapping[str, Any]] = result.get("targets", [])
    if not targets:
        return (Para(_w("no_targets", lang)),)
    blocks: list[Para | Facts | Figure | Table] = [Para(_w("gap_rule", lang))]
    for target in targets:
        covers = (
            _w("covers_scopes", lang, items=", ".join(target["scopes"]))
            if target["scopes"]
            else _w("covers_categories", lang, items=", ".join(target["categories"]))
        )
        line = _w(
            "target_line",
            lang,
            name=target["name"] or target["id"],
            kind=_w(target["kind"], lang),
            percent=f"{target['reduction_percent']:g}",
            base=target["base_year"],
            year=target["target_year"],
            covers=covers,
        )
        blocks.append(Para(line))
        facts = [
            (_w("base_value", lang), f"{target['base_value']:,.4g} {target['unit']}"),
            (_w("target_value", lang), f"{target['target_value']:,.4g} {target['unit']}"),
        ]
        if target["intensity"]:
            intensity = target["intensity"]
            facts.append((_w("denominator", lang), _w("per", lang, name=intensity["name"], unit=intensity["unit"])))
        for key, value in (("needed", target["needed_t"]), ("planned", target["planned_t"]), ("gap", target["gap_t"])):
            facts.append((_w(key, lang), "-" if value is None else _t(value)))
        blocks.append(Facts(tuple(facts)))
        labels = (_w("actual", lang), _w("path", lang))
        blocks.append(Figure(trajectory(target["name"] or target["id"], target, labels)))
        rows = tuple(
            (
                str(p["year"]),
                f"{p['actual']:,.4g}",
                f"{p['path']:,.4g}",
                "-" if p["achieved_percent"] is None else f"{p['achieved_percent']:.1f} %",
                _w("yes" if p["on_track"] else "no", lang),
                " ".join(part for part in (_w(f"from_{p['kind']}", lang), p["source"]) if part),
            )
            for p in target["progress"]
        )
        header = tuple(_w(key, lang) for key in ("year", "actual", "path", "achieved", "on_track", "from"))
        blocks.append(Table(header, rows, numeric=(1, 2, 3), caption=target["unit"]))
        if target["actions"]:
            actions = tuple(
                (
                    a["name"],
                    _t(a["expected_t_per_year"]),
                    str(a["year"]),
                    _w(f"{a['status']}_status", lang),
                    _w("yes" if a["counted"] else "no", lang),
                )
                for a in target["actions"]
            )
            header = tuple(_w(key, lang) for key in ("action", "effect", "from_year", "status", "counted"))
            blocks.append(Table(header, actions, numeric=(1,)))
    return tuple(blocks)


def _uncertainty(result: Mapping[str, Any], lang: Lang) -> tuple[Para]:
    found = result.get("uncertainty")
    if not found:
        return (Para(_w("uncertainty_text", lang)),)
    text = _w(
        "uncertainty_interval",
        lang,
        records=len(found["uncertain_records"]),
        iterations=f"{found['iterations']:,}",
        seed=found["seed"],
        low=_t(found["p2_5"]),
        high=_t(found["p97_5"]),
        median=_t(found["median"]),
        half=f"{found['half_width_percent']:.1f}",
        total=_t(found["deterministic"]),
    )
    return (Para(text),)
