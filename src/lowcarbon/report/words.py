"""The report's words in Chinese and English: its headings and labels, and the footprint's codes put into words.

A report is a document handed to a customer or a verifier, in one language throughout: every label and sentence of
the report has a Chinese and an English text here; the footprint's codes (stage ids, boundary, kind, ratings...) and
its warnings, PCR deviations and notes are words of the footprint's own catalog, ``lowcarbon.footprint.messages``,
which the web pages use too. What the model's author wrote
(product, line and process names, sources) is shown as written; a stage named with one of the five standard ids
is translated, any other stage name is the author's own.
"""

from __future__ import annotations

from lowcarbon.footprint import messages
from lowcarbon.footprint.messages import LANGS, Lang

__all__ = ["LANGS", "Lang", "Words", "words"]


# label id -> (English, Chinese)
_LABELS: dict[str, tuple[str, str]] = {
    "title": ("Carbon footprint of product (CFP) study report", "产品碳足迹（CFP）研究报告"),
    "standards": (
        "Quantified per GB/T 24067-2024 and ISO 14067:2018",
        "依据 GB/T 24067-2024 与 ISO 14067:2018 量化",
    ),
    "summary": ("Summary", "摘要"),
    "total": ("Carbon footprint", "碳足迹"),
    "goal": ("Goal and scope", "目的与范围"),
    "unit": ("Functional or declared unit and reference flow", "功能单位或声明单位与基准流"),
    "boundary_section": ("System boundary and process map", "系统边界与过程图"),
    "cut_off_section": ("Cut-off criteria and exempted processes", "取舍准则与豁免过程"),
    "data_section": ("Data sources, primary data share and data quality", "数据来源、初级数据占比与数据质量"),
    "allocation_section": ("Allocation and system expansion", "分配与系统扩展"),
    "gwp_section": ("Global warming potentials", "全球变暖潜势（GWP）"),
    "results_section": ("Results", "结果"),
    "uncertainty_section": ("Uncertainty and sensitivity", "不确定性与敏感性"),
    "pcr_section": ("Product category rules (PCR) and deviations", "产品种类规则（PCR）及偏离"),
    "limitations_section": ("Limitations and assumptions", "局限性与假设"),
    "comparison_section": ("Comparability", "可比性"),
    "period_section": ("Reference period", "时间范围（基准期）"),
    "preparation_section": ("Preparation and fingerprint", "编制信息与指纹"),
    "product": ("Product", "产品"),
    "product_ids": ("Product identifiers", "产品标识"),
    "kind": ("Kind of study", "研究类型"),
    "boundary": ("System boundary", "系统边界"),
    "declared_unit": ("Declared unit", "声明单位"),
    "functional_unit": ("Functional unit", "功能单位"),
    "reference_flow": ("Reference flow", "基准流"),
    "description": ("Description", "说明"),
    "none": ("none", "无"),
    "not_stated": ("not stated", "未注明"),
    "not_applicable": ("not applicable (partial CFP: a declared unit)", "不适用（部分碳足迹采用声明单位）"),
    "gwp_set": ("GWP set", "GWP 数据集"),
    "gwp_source": ("Source", "来源"),
    "stage": ("Life-cycle stage", "生命周期阶段"),
    "gas": ("Greenhouse gas", "温室气体"),
    "mass": ("Mass (kg)", "质量（kg）"),
    "share": ("Share", "占比"),
    "line": ("Reporting line", "报告项"),
    "fossil": ("Fossil GHG emissions", "化石温室气体排放"),
    "biogenic_emissions": ("Biogenic GHG emissions", "生物源温室气体排放"),
    "biogenic_removals": ("Biogenic GHG removals", "生物源温室气体清除"),
    "land_use_change": ("Direct land-use change (dLUC)", "直接土地利用变化（dLUC）"),
    "aircraft": ("Aircraft emissions (also in their origin's line)", "航空运输排放（亦计入其来源项）"),
    "excluding_uptake": ("Excluding biogenic uptake", "不含生物源吸收"),
    "including_uptake": ("Including biogenic uptake (the CFP)", "含生物源吸收（即碳足迹）"),
    "by_stage": ("By life-cycle stage", "按生命周期阶段"),
    "by_gas": ("By greenhouse gas", "按温室气体"),
    "hotspots": ("Hotspots: the largest inventory lines", "热点：贡献最大的清单项"),
    "inventory": ("Inventory: every activity line", "清单：全部活动数据"),
    "activity": ("Activity", "活动"),
    "place": ("Place in the model", "模型位置"),
    "amount": ("Amount", "数量"),
    "link": ("Factor or process", "因子或过程"),
    "source": ("Source", "来源"),
    "data_type": ("Data type", "数据类型"),
    "primary": ("primary", "初级"),
    "secondary": ("secondary", "次级"),
    "factors_used": ("Emission factors used", "所用排放因子"),
    "factor": ("Factor", "因子"),
    "geography": ("Geography", "地理范围"),
    "year": ("Year", "年份"),
    "ratings": ("Ratings", "质量评级"),
    "unverified": ("unverified", "未经核实"),
    "factor_sets": ("Factor sets", "因子数据集"),
    "primary_share": ("Primary data share", "初级数据占比"),
    "data_quality": ("Data quality ratings (1 best, 5 worst)", "数据质量评级（1 最好，5 最差）"),
    "rating": ("Rating", "评级"),
    "value": ("Value", "数值"),
    "coverage": ("Coverage", "覆盖率"),
    "not_rated": ("not rated", "未评级"),
    "cut_off_rule": ("Cut-off rule", "取舍准则"),
    "exempted_lines": ("Exempted activities", "豁免活动"),
    "exempted_total": ("Exempted emissions", "豁免排放"),
    "omitted_stages": ("Life-cycle stages left out, and why", "未纳入的生命周期阶段及理由"),
    "stage_omitted": ("omitted", "未纳入"),
    "process": ("Process", "过程"),
    "outputs": ("Outputs", "产出"),
    "allocation": ("Allocation", "分配方法"),
    "reference_share": ("Share of the reference product", "参考产品分摊比例"),
    "avoided": ("Avoided products (system expansion, credited)", "避免的产品（系统扩展，计为抵扣）"),
    "warnings": ("Warnings", "警告"),
    "statistic": ("Statistic", "统计量"),
    "iterations": ("Iterations", "迭代次数"),
    "seed": ("Random seed", "随机种子"),
    "uncertain_inputs": ("Uncertain inputs sampled", "抽样的不确定输入数"),
    "deterministic": ("Deterministic result", "确定性结果"),
    "mean": ("Mean", "均值"),
    "std": ("Standard deviation", "标准差"),
    "median": ("Median", "中位数"),
    "p2_5": ("2.5th percentile", "2.5% 分位数"),
    "p97_5": ("97.5th percentile", "97.5% 分位数"),
    "interval": ("95 % interval", "95% 区间"),
    "contributors": ("Top contributors to variance", "方差主要贡献因素"),
    "input": ("Input", "输入"),
    "rank_correlation": ("Rank correlation", "秩相关系数"),
    "variance_share": ("Share of variance", "方差贡献"),
    "histogram": ("Distribution of the total (Monte Carlo)", "总量分布（蒙特卡洛）"),
    "count": ("Iterations", "次数"),
    "sensitivity": ("Sensitivity: one parameter at a time", "敏感性：单因素变化"),
    "parameter": ("Parameter", "参数"),
    "base": ("Base", "基准"),
    "low": ("Low", "低值"),
    "high": ("High", "高值"),
    "total_low": ("Total at low", "低值时总量"),
    "total_high": ("Total at high", "高值时总量"),
    "tornado": ("Sensitivity of the total", "总量的敏感性"),
    "scenarios": ("Scenarios beside the base result", "情景与基准结果对比"),
    "scenario": ("Scenario", "情景"),
    "difference": ("Difference from base", "与基准之差"),
    "base_result": ("Base result", "基准结果"),
    "factor_uncertainty": ("Factors with a stated uncertainty", "注明不确定性的因子"),
    "distribution": ("Distribution", "分布"),
    "range": ("95 % range", "95% 范围"),
    "gsd": ("Geometric standard deviation", "几何标准差"),
    "pcr": ("PCR", "产品种类规则"),
    "pcr_status": ("Status", "状态"),
    "deviations": ("Deviations from the PCR", "与 PCR 的偏离"),
    "no_deviations": ("The model follows its PCR: no deviation found.", "模型符合其 PCR：未发现偏离。"),
    "no_pcr": (
        "The study follows no product category rule (PCR); GB/T 24067 and ISO 14067 apply directly.",
        "本研究未采用产品种类规则（PCR），直接依据 GB/T 24067 与 ISO 14067。",
    ),
    "period_start": ("Start", "起始"),
    "period_end": ("End", "结束"),
    "no_period": (
        "The model states no reference period; state the period its data represent (reference_period).",
        "模型未注明时间范围；请注明数据代表的时间段（reference_period）。",
    ),
    "prepared_by": ("Prepared by", "编制人"),
    "prepared_on": ("Date", "编制日期"),
    "software": ("Software", "软件"),
    "fingerprint": ("Fingerprint (SHA-256 of the study's files)", "指纹（研究文件的 SHA-256）"),
    "file_role": ("Role", "类型"),
    "file": ("File", "文件"),
    "role_model": ("product model", "产品模型"),
    "role_factor_file": ("factor file of the model", "模型的因子文件"),
    "role_factor_set": ("shipped factor set", "内置因子数据集"),
    "role_pcr": ("PCR", "产品种类规则"),
    "role_gwp": ("GWP set", "GWP 数据集"),
    "process_map": ("Process map", "过程图"),
    "unit_col": ("Unit", "单位"),
    "yes": ("yes", "是"),
    "no": ("no", "否"),
}

# sentence id -> (English, Chinese); ``{name}`` fields are filled in by ``Words.say``
_SENTENCES: dict[str, tuple[str, str]] = {
    "goal": (
        "This study quantifies the {kind} of {product} per {unit}, {boundary}, with the {gwp}, following GB/T "
        "24067-2024 and ISO 14067:2018, to document the product's climate change impact for its customers, "
        "verifiers and certification bodies, and to show where its emissions arise.",
        "本研究依据 GB/T 24067-2024 和 ISO 14067:2018，采用 {gwp}，量化{product}每{unit}的{kind}（{boundary}），"
        "向客户、核查机构与认证机构说明产品的气候变化影响，并指出排放来源。",
    ),
    "scope": (
        "Climate change is the only impact category. The inventory holds {lines} activity lines in {stages} "
        "life-cycle stages and {processes} modelled processes.",
        "气候变化是唯一的影响类别。清单包含 {stages} 个生命周期阶段中的 {lines} 项活动数据，"
        "以及 {processes} 个建模过程。",
    ),
    "boundary_text": (
        "The system boundary is {boundary}: the map below shows the life-cycle stages included (in order), the "
        "processes modelled in the study, and what each supplies. Dashed boxes are stages left out.",
        "系统边界为{boundary}：下图给出所纳入的生命周期阶段（按顺序）、研究中建模的过程及其供给关系。虚线框为未纳入的阶段。",
    ),
    "map_factor_lines": ("{count} factor lines", "{count} 项因子数据"),
    "map_product": ("Product: {unit}", "产品：{unit}"),
    "cut_off_text": (
        "Activities may be exempted under the cut-off rule up to {limit} % of the footprint. Exempted: "
        "{exempted} kg CO2e ({percent} %), not counted in the total.",
        "按取舍准则，豁免活动最多可占碳足迹的 {limit}%。豁免排放：{exempted} kg CO2e（{percent}%），不计入总量。",
    ),
    "no_exempted": ("No activity is exempted.", "无豁免活动。"),
    "primary_text": (
        "Primary data make {share} of the footprint excluding biogenic uptake (PACT primaryDataShare); "
        "secondary data the rest.",
        "初级数据占不含生物源吸收的碳足迹的 {share}（PACT primaryDataShare），其余为次级数据。",
    ),
    "no_allocation": (
        "No modelled process has co-products: no allocation was needed.",
        "建模过程均无共生产品，无需分配。",
    ),
    "allocation_text": (
        "ISO 14044's hierarchy was followed: allocation is avoided by subdivision or system expansion where "
        "possible; otherwise shared by a physical relationship (mass, energy), else by economic value.",
        "遵循 ISO 14044 的分配层级：尽可能通过细分过程或系统扩展避免分配；"
        "否则按物理关系（质量、能量）分配，最后按经济价值分配。",
    ),
    "no_avoided": ("No system expansion: no activity is credited.", "未采用系统扩展：无抵扣活动。"),
    "gwp_text": (
        "Emissions of each greenhouse gas are converted to CO2 equivalents with the 100-year global warming "
        "potentials of the {gwp}.",
        "各温室气体排放按 {gwp} 的 100 年全球变暖潜势换算为二氧化碳当量。",
    ),
    "total_text": (
        "The carbon footprint of {product} is {total} kg CO2e per {unit} ({kind}, {boundary}, {gwp}).",
        "{product}的碳足迹为每{unit} {total} kg CO2e（{kind}，{boundary}，{gwp}）。",
    ),
    "lines_text": (
        "Fossil and biogenic emissions and removals, direct land-use change and aircraft emissions are reported "
        "separately (ISO 14067 7.3). Fossil, biogenic emissions, biogenic removals and dLUC add up to the total.",
        "化石与生物源排放和清除、直接土地利用变化及航空运输排放分别报告（ISO 14067 7.3）。"
        "化石排放、生物源排放、生物源清除和 dLUC 之和为总量。",
    ),
    "no_monte_carlo": (
        "Uncertainty was not assessed by Monte Carlo simulation for this report (run lowcarbon report with "
        "--iterations N to add it).",
        "本报告未通过蒙特卡洛模拟评估不确定性（使用 lowcarbon report 的 --iterations N 选项可加入）。",
    ),
    "quality_says": (
        "What the data quality ratings say: {ratings}.",
        "数据质量评级表明：{ratings}。",
    ),
    "quality_none": (
        "No data quality ratings are given for the lines or their factors, so they say nothing of the "
        "uncertainty; {secondary} of the footprint comes from secondary data, and {unverified} of the {factors} "
        "factors used are unverified.",
        "清单项及其因子均未给出数据质量评级，无法据此判断不确定性；碳足迹的 {secondary} 来自次级数据，"
        "所用 {factors} 个因子中有 {unverified} 个未经核实。",
    ),
    "rating_item": ("{rating} {value} (covering {coverage})", "{rating} {value}（覆盖 {coverage}）"),
    "mc_text": (
        "{iterations} Monte Carlo iterations (seed {seed}): mean {mean}, 95 % interval {low} to {high} kg CO2e "
        "per {unit}.",
        "蒙特卡洛模拟 {iterations} 次（随机种子 {seed}）：均值 {mean}，95% 区间为每{unit} {low} 至 {high} kg CO2e。",
    ),
    "no_sensitivity": ("No sensitivity analysis was run.", "未进行敏感性分析。"),
    "no_scenarios": ("No scenario was computed.", "未计算情景。"),
    "pcr_text": (
        "The study follows {name} ({status}; source: {source}).",
        "本研究采用 {name}（{status}；来源：{source}）。",
    ),
    "comparison": (
        "Comparisons of carbon footprints are only possible between studies that use the same PCR (or the same "
        "rules), the same functional or declared unit and the same system boundary, data of equivalent quality, "
        "and the same GWP set (ISO 14067 5.4, 6.6). A partial CFP is not a CFP and is not to be compared with one.",
        "只有采用相同 PCR（或相同规则）、相同功能单位或声明单位、相同系统边界、同等质量数据和相同 GWP 数据集的"
        "研究之间，碳足迹才可比较（ISO 14067 5.4、6.6）。部分碳足迹不是完整碳足迹，不应与之比较。",
    ),
    "period_text": ("The data represent the period {start} to {end}.", "数据代表 {start} 至 {end} 期间。"),
    "fingerprint_text": (
        "The SHA-256 of every file the study was computed from. A verifier recomputes them (e.g. sha256sum) to "
        "check that this report and the study's files match.",
        "计算本研究所用每个文件的 SHA-256。核查人员可重新计算（如 sha256sum），确认本报告与研究文件一致。",
    ),
    "limit_category": (
        "Climate change is the only impact category assessed; a carbon footprint says nothing of other "
        "environmental impacts (ISO 14067 clause 7).",
        "仅评估气候变化一个影响类别；碳足迹不反映其他环境影响（ISO 14067 第 7 章）。",
    ),
    "limit_partial": (
        "A partial CFP: the stages after the gate (or outside the boundary) are not included.",
        "部分碳足迹：未包含边界以外（如出厂之后）的阶段。",
    ),
    "limit_secondary": (
        "{share} of the footprint comes from secondary data (factor sets), which represent average "
        "rather than this product's own processes.",
        "碳足迹的 {share} 来自次级数据（因子数据集），代表行业平均水平而非本产品自身过程。",
    ),
    "limit_unverified": (
        "{count} factor(s) used are unverified (see the factors table).",
        "所用因子中有 {count} 个未经核实（见因子表）。",
    ),
    "limit_assumption": (
        "Assumption in the model: {name} ({place}).",
        "模型中的假设：{name}（{place}）。",
    ),
    "limit_exempted": (
        "{count} exempted activity line(s) are left out of the total under the cut-off rule.",
        "按取舍准则，{count} 项豁免活动未计入总量。",
    ),
    "limit_omitted": ("Stage {stage} is left out: {why}", "未纳入 {stage} 阶段：{why}"),
    "sha_note": ("lowcarbon {version}", "lowcarbon {version}"),
}


class Words:
    """The report's texts in one language."""

    def __init__(self, lang: Lang) -> None:
        if lang not in LANGS:
            raise ValueError(f"a report is in {' or '.join(LANGS)}, not {lang!r}")
        self.lang = lang
        self._index = 1 if lang == "zh-CN" else 0

    def __call__(self, label: str) -> str:
        """A heading or label."""
        return _LABELS[label][self._index]

    def say(self, sentence: str, **fields: object) -> str:
        """A sentence with its fields filled in."""
        return _SENTENCES[sentence][self._index].format(**fields)

    def colon(self, label: str, value: str) -> str:
        """``label: value`` with the language's colon."""
        return f"{label}：{value}" if self.lang == "zh-CN" else f"{label}: {value}"

    def code(self, code: str | None) -> str:
        """A code of the footprint (stage id, boundary, kind, rating, allocation...) in words; the code itself
        when it is the model author's own name."""
        return self("none") if code is None else messages.code(code, self.lang)

    def gas(self, gas: str) -> str:
        """A gas id, e.g. ``CH4-fossil`` as ``CH4 (fossil)`` (formulas are names in every language), and ``CO2e``
        as the published totals of factors that give no gases."""
        return messages.gas(gas, self.lang)

    def message(self, text: str) -> str:
        """A warning, PCR deviation or Monte Carlo note of the footprint, in words of the footprint's catalog
        (``lowcarbon.footprint.messages``) when it knows the form; else, in Chinese, marked as the original."""
        return messages.translate(text, self.lang)


def words(lang: Lang) -> Words:
    """The texts of ``lang``."""
    return Words(lang)
