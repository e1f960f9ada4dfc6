"""The footprint's words in Chinese and English: its codes, and its warnings and model problems as message ids.

One catalog, read by the CLI (English), the web pages and the study report (either language):

- ``CODES``: the codes a footprint holds in English (stage ids, boundaries, kinds, ratings, allocations, PCR statuses,
  distributions, GWP sets) and their words in each language; ``code`` looks one up, and gives back a name the model's
  author chose as written.
- ``MESSAGES``: each warning, PCR deviation, Monte Carlo note and model problem that has a stable id, with an English
  and a Chinese template. The footprint makes its English text with ``say`` (so a result's ``warnings`` are the
  same English lines as before); ``recognise`` finds the id and parameters of such a line again, which is how a
  result stored as JSON (only its English) is shown in Chinese, and ``translate`` does both.
- ``PROBLEMS_ZH``: the Chinese of a model problem by its id alone (pydantic's error types with their context, and the
  ids of ``variation``'s problems, ``VARIATION_ZH``), for problems whose English sentence the catalog does not hold.
- ``problem_text``: a model problem (``lowcarbon.errors.Problem``'s id, parameters and English message) in a language:
  its own sentence when the catalog knows its form, else its id's sentence.

A template's fields are ``{name}``; a field may say how its value is put into words: ``{stage:code}`` (a code),
``{where:place}`` (``stages[0]`` or ``stages[0] and 2 more lines``), ``{needs:needs}`` (what a CFP lacks),
``{gas:gas}`` (``CH4-fossil``), ``{expected:choices}`` (pydantic's ``'a', 'b' or 'c'``). English shows values as
they are.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal, get_args

__all__ = [
    "CODES",
    "LANGS",
    "MESSAGES",
    "Lang",
    "Message",
    "code",
    "gas",
    "problem_text",
    "recognise",
    "say",
    "translate",
    "unit",
]

Lang = Literal["zh-CN", "en"]
LANGS: tuple[Lang, ...] = get_args(Lang)
ORIGINAL = "（原文）"  # before an English text the catalog does not know, on a Chinese page or report

# code of the footprint -> (English, Chinese)
CODES: dict[str, tuple[str, str]] = {
    "CFP": ("CFP (carbon footprint of a product)", "产品碳足迹（CFP）"),
    "partial CFP": ("partial CFP", "部分产品碳足迹"),
    "cradle-to-gate": ("cradle to gate", "从摇篮到大门"),
    "cradle-to-grave": ("cradle to grave", "从摇篮到坟墓"),
    "gate-to-gate": ("gate to gate", "从大门到大门"),
    "raw_material_acquisition": ("raw material acquisition", "原材料获取"),
    "production": ("production", "生产"),
    "distribution": ("distribution and storage", "分销与储存"),
    "use": ("use", "使用"),
    "end_of_life": ("end of life", "寿命终止"),
    "biogenic_carbon": ("biogenic carbon", "生物源碳"),
    "technological": ("technological representativeness", "技术代表性"),
    "temporal": ("temporal representativeness", "时间代表性"),
    "geographical": ("geographical representativeness", "地理代表性"),
    "completeness": ("completeness", "完整性"),
    "reliability": ("reliability", "可靠性"),
    "mass": ("by mass", "按质量"),
    "energy": ("by energy content", "按能量"),
    "economic": ("by economic value", "按经济价值"),
    "official": ("official", "正式发布"),
    "draft": ("draft", "草案"),
    "illustrative": ("illustrative", "示例"),
    "lognormal": ("lognormal", "对数正态"),
    "normal": ("normal", "正态"),
    "uniform": ("uniform", "均匀"),
    "triangular": ("triangular", "三角"),
    "IPCC AR6 GWP100": ("IPCC AR6 GWP100", "IPCC 第六次评估报告 GWP100"),
    "IPCC AR5 GWP100": ("IPCC AR5 GWP100", "IPCC 第五次评估报告 GWP100"),
    "fossil": ("fossil", "化石"),
    "biogenic": ("biogenic", "生物源"),
    "land_use_change": ("land-use change", "土地利用变化"),
    "not stated by the source": ("not stated by the source", "来源未说明的方法"),
    "a GWP set the source does not state": ("a GWP set the source does not state", "来源未说明的 GWP 数据集"),
    "non-fossil": ("non-fossil", "非化石"),
}

# the gas id of a result that is no gas: what factors that publish only a CO2e total add up to
_CO2E_TOTAL: dict[Lang, str] = {"en": "CO2e total (not split by gas)", "zh-CN": "CO2e 总量（未按气体拆分）"}

# the words of declared units that are not symbols: English -> Chinese
UNIT_WORDS: dict[str, str] = {
    "item": "件",
    "items": "件",
    "piece": "件",
    "pieces": "件",
    "pair": "双",
    "unit": "个",
    "units": "个",
    "module": "块组件",
    "per": "每",
}

# message id -> (English template, Chinese template)
MESSAGES: dict[str, tuple[str, str]] = {
    # warnings of a footprint
    "factor_unverified": (
        "{where}: factor {key} is unverified: {why}",
        "{where:place}：因子 {key} 未经核实；数据集的说明：{why}",
    ),
    "factor_for_company": (
        "{where}: factor {key} is for company (scope 2) reporting: {what}. A product footprint (GB/T 24067) needs "
        "the life-cycle value, e.g. electricity's upstream supply and grid losses: {alternative}",
        "{where:place}：因子 {key} 仅用于企业（范围二）报告：{what:code}。产品碳足迹（GB/T 24067）需采用全生命周期值，"
        "包括电力的上游供应和输配电损耗：中国电网可用 cn-electricity-footprint/cn-footprint-national-<年份>",
    ),
    "co2e_basis": (
        "{where}: factor {key} gives a CO2e total computed with {basis}, not {gwp}",
        "{where:place}：因子 {key} 的 CO2e 总量按 {basis:code} 计算，而非 {gwp:code}",
    ),
    "gas_without_gwp": (
        "factor {key}: {gas} has no GWP in {gwp}, so it counts 0 in this footprint; choose a GWP set that lists it "
        "(gwp: AR6) if it matters",
        "因子 {key}：{gas:gas} 在 {gwp:code} 中没有 GWP 值，按 0 计；"
        "如其重要，请选用列出该气体的 GWP 数据集（gwp: AR6）",
    ),
    "rating_coverage": (
        "data quality: lines making {missing} % of the footprint have no {rating} rating; its average covers the "
        "other {covered} %",
        "数据质量：占碳足迹 {missing}% 的清单项没有{rating:code}评级；其平均值只覆盖其余 {covered}%",
    ),
    "cfp_incomplete": (
        "boundary: a cradle-to-grave footprint (CFP) needs {needs}, or the reason a stage is left out in "
        "omitted_stages; without them this is a partial CFP",
        "边界：从摇篮到坟墓的碳足迹（CFP）需要{needs:needs}，或在 omitted_stages 中说明未纳入某阶段的理由；"
        "否则为部分碳足迹",
    ),
    "cut_off_exceeded": (
        "cut_off: exempted activities make up {percent} % of the footprint, more than the {limit} % the cut-off "
        "rule allows; include them",
        "取舍准则：豁免活动占碳足迹的 {percent}%，超过取舍准则允许的 {limit}%；请将其纳入",
    ),
    "biogenic_unaccounted": (
        "biogenic carbon: {up} kg CO2 is taken up, but only {out} kg is released as biogenic CO2 and {kept} kg "
        "stated as stored (biogenic_carbon.stored_kg_c); model its end of life, or state what stays stored",
        "生物源碳：吸收 {up} kg CO2，但仅有 {out} kg 以生物源 CO2 释放、{kept} kg 注明为储存"
        "（biogenic_carbon.stored_kg_c）；请建模其寿命终止阶段，或注明储存量",
    ),
    # deviations from a PCR
    "pcr_declared_unit": (
        "declared_unit: {own}, PCR {pcr} asks for {asked}",
        "声明单位：{own:unit}，PCR {pcr} 要求 {asked:unit}",
    ),
    "pcr_unit_dimension": (
        "declared_unit: {own} does not measure what PCR {pcr}'s {asked} does",
        "声明单位：{own:unit} 与 PCR {pcr} 的 {asked:unit} 量纲不同",
    ),
    "pcr_functional_unit": (
        "functional_unit: PCR {pcr} requires a functional unit",
        "功能单位：PCR {pcr} 要求功能单位",
    ),
    "pcr_boundary": ("boundary: {own}, PCR {pcr} asks for {asked}", "系统边界：{own:code}，PCR {pcr} 要求{asked:code}"),
    "pcr_stage": ("stages: PCR {pcr} requires a stage '{stage}'", "阶段：PCR {pcr} 要求{stage:code}阶段"),
    "pcr_activity": (
        "stages: PCR {pcr} requires in stage '{stage}' an activity named like {names}",
        "阶段：PCR {pcr} 要求{stage:code}阶段包含名称类似 {names} 的活动",
    ),
    "pcr_cut_off": (
        "cut_off: PCR {pcr} allows at most {limit} % exempted emissions; the model exempts {own} %",
        "取舍准则：PCR {pcr} 最多允许 {limit}% 的豁免排放；模型豁免 {own}%",
    ),
    "pcr_allocation": (
        "processes[{process}].allocation: {own}, PCR {pcr} allows {asked}",
        "processes[{process}].allocation：{own:code}，PCR {pcr} 允许 {asked:codes}",
    ),
    "pcr_gwp": ("gwp: {own}, PCR {pcr} asks for {asked}", "GWP：{own}，PCR {pcr} 要求 {asked:or}"),
    "pcr_primary_data": (
        "primary data: {own} of the footprint, PCR {pcr} asks for at least {asked}",
        "初级数据：占碳足迹 {own}，PCR {pcr} 要求至少 {asked}",
    ),
    # notes of a Monte Carlo run
    "no_uncertainty": (
        "the model declares no uncertainty: every iteration is the deterministic footprint",
        "模型未声明不确定性：每次迭代均为确定性结果",
    ),
    # problems of a model, by the sentence the footprint writes
    "syntax": ("not valid {format} ({why})", "不是有效的 {format} 文件；解析器的说明：{why}"),
    "unknown_factor": (
        "no factor '{key}'; search with `lowcarbon factors search TEXT` and use its key",
        "没有键为 {key} 的因子；请在因子库中搜索，使用其键",
    ),
    "ambiguous_factor": (
        "'{key}' is in several sets: {keys}; name the set",
        "{key} 出现在多个因子集：{keys}；请写明因子集",
    ),
    "unknown_unit": (
        "unit '{unit}' is not known ({why}); write it as pint does, e.g. kg, t, kWh, MJ, m**3, t*km",
        "无法识别单位 {unit}；请按 pint 的写法填写，如 kg、t、kWh、MJ、m**3、t*km",
    ),
    "unit_mismatch": (
        "cannot convert {source} to {target}: they measure different things ({dimensions})",
        "无法将 {source} 换算为 {target}：两者量纲不同（{dimensions}）",
    ),
    "unknown_process": (
        "no process '{process}' in this model; processes are {processes}",
        "模型中没有过程 {process}；已有过程：{processes:none}",
    ),
    "self_consumption": (
        "process '{process}' would use at least as much of its own product as it makes; a process can only consume "
        "less of itself than its reference output",
        "过程 {process} 消耗的自身产品不少于其产出；过程只能消耗少于其参考产出的自身产品",
    ),
    "aircraft_process": (
        "only a line linked to a factor can be marked aircraft; mark the flight lines inside the process instead",
        "只有关联排放因子的活动才能标记为航空运输；请在过程内部标记航空运输活动",
    ),
    "exempted": ("only stage activities can be exempted", "只有阶段中的活动可以豁免"),
    "one_link": (
        "give exactly one of 'factor' (a library factor key) or 'process' (a process id)",
        "factor（因子库中的因子键）与 process（过程 id）须且只能给出其一",
    ),
    "allocation_needed": (
        "a process with co-products needs 'allocation: mass', 'energy' or 'economic' (ISO 14044 prefers mass or "
        "energy); for system expansion, model the co-product as an avoided activity instead",
        "有共生产品的过程须给出 allocation：mass、energy 或 economic（ISO 14044 优先按质量或能量）；"
        "如采用系统扩展，请将共生产品建模为避免的活动",
    ),
    "allocation_property": (
        "allocation by {allocation} needs '{field}' on every output; missing on {missing}",
        "按{allocation:code}分配须在每个产出上给出 {field}；缺少的产出：{missing}",
    ),
    "allocation_zero": (
        "allocation by {allocation}: the outputs' '{field}' add up to zero",
        "按{allocation:code}分配：各产出的 {field} 之和为零",
    ),
    "period_order": ("the reference period ends before it starts", "基准期的结束日期早于开始日期"),
    "missing_file_named": (
        "{file} does not exist (paths are relative to the model)",
        "文件 {file} 不存在（路径相对于模型文件）",
    ),
    "missing_files": (
        "the model names factor files that were not sent with it: {files}; send each file with the model under the "
        "name the model gives it",
        "模型在 factor_files 中列出的因子文件未随模型上传：{files}；请以模型中的文件名上传每个文件",
    ),
    "file_not_named": (
        "the model does not name this file in factor_files; send only the files it names",
        "模型的 factor_files 未列出此文件；只需上传模型列出的文件",
    ),
    "unknown_pcr": (
        "'{pcr}' is not a PCR that ships with lowcarbon ({shipped})",
        "{pcr} 不是 lowcarbon 内置的产品种类规则（内置：{shipped}）",
    ),
    "empty_stage": ("empty; name the life-cycle stage of every row", "为空；请为每一行填写生命周期阶段"),
    # problems of an upload: the model's and its factor files' sizes, names and encodings
    "model_too_long": (
        "the model has {count} characters; at most {limit} are accepted",
        "模型有 {count} 个字符；最多接受 {limit} 个",
    ),
    "too_many_files": (
        "{count} factor files were sent; a study keeps at most {limit}",
        "上传了 {count} 个因子文件；一项研究最多保存 {limit} 个",
    ),
    "files_too_long": (
        "the factor files have {count} characters together; at most {limit}",
        "因子文件共有 {count} 个字符；最多 {limit} 个",
    ),
    "file_too_long": (
        "the file has {count} characters as stored; at most {limit}",
        "该文件保存后有 {count} 个字符；最多 {limit} 个",
    ),
    "too_many_library_sets": (
        "the model links {count} sets of your factor library; a study keeps at most {limit}",
        "模型关联了因子库中的 {count} 个因子集；一项研究最多保存 {limit} 个",
    ),
    "library_too_long": (
        "the linked library files have {count} characters together; at most {limit}",
        "关联的因子库文件共有 {count} 个字符；最多 {limit} 个",
    ),
    "more_problems": (
        "{count} more problems are not listed; fix these and send the model again",
        "另有 {count} 个问题未列出；请先修正以上问题，再重新提交模型",
    ),
    "file_twice": ("the file is sent twice", "该文件上传了两次"),
    "file_folder_clash": (
        "a folder of this name's path is sent as a file too",
        "该文件路径中的某个文件夹也作为文件上传了",
    ),
    "file_case_clash": (
        "'{other}' is sent too: names that differ only in case are one file",
        "{other} 也已上传：仅大小写不同的文件名视为同一文件",
    ),
    "csv_not_utf8": (
        "the file is not UTF-8 text; save the CSV file as UTF-8",
        "该文件不是 UTF-8 文本；请将 CSV 文件另存为 UTF-8",
    ),
    "csv_nul": (
        "the file has a NUL character, which a CSV file of text has not",
        "该文件含有 NUL 字符，文本 CSV 文件不应含有",
    ),
    "file_name_length": ("a factor file's name has 1 to {limit} characters", "因子文件名须有 1 至 {limit} 个字符"),
    "file_name_backslash": (
        "a factor file's name separates folders with /, not \\",
        "因子文件名用 / 分隔文件夹，而非 \\",
    ),
    "file_name_control": ("a factor file's name has no control characters", "因子文件名不能含控制字符"),
    "file_name_absolute": (
        "a factor file's name is relative to the model, not an absolute path",
        "因子文件名是相对于模型的路径，而非绝对路径",
    ),
    "file_name_parent": (
        "a factor file's name stays in the model's folder: no .. in it",
        "因子文件须位于模型所在文件夹内：文件名中不能有 ..",
    ),
    "file_name_parts": (
        "a factor file's name has no empty or . parts: write it as 'folder/file.csv'",
        "因子文件名不能有空的或为 . 的部分：请写作 folder/file.csv",
    ),
    "file_name_suffix": (
        "a factor file the platform keeps is CSV (.csv) or Excel (.xlsx)",
        "平台保存的因子文件须为 CSV（.csv）或 Excel（.xlsx）",
    ),
    "factor_file_too_large": (
        "{name} has more than {limit} bytes; a factor file has at most that",
        "{name} 超过 {limit} 字节；因子文件最多这么大",
    ),
    "model_file_too_large": (
        "{name} has more than {limit} bytes; a {format} model file has at most that",
        "{name} 超过 {limit} 字节；{format} 模型文件最多这么大",
    ),
    "model_not_utf8": (
        "{name} is not UTF-8 text; save the model as UTF-8",
        "{name} 不是 UTF-8 文本；请将模型另存为 UTF-8",
    ),
    "file_empty": ("{name} is empty", "{name} 是空文件"),
}

# the problems of lowcarbon.footprint.variation (uncertainties, parameters, formulas, scenarios) by id
VARIATION_ZH = {
    "uncertainty_fields": "不确定性字段与分布类型不符：对数正态给 gsd 或 sigma，正态给 std，"
    "均匀和三角给 minimum 与 maximum，谱系矩阵给五项评分和 basic_uncertainty",
    "uncertainty_range": "不确定性范围须包含确定值（数量或因子值），且 minimum 小于 maximum",
    "lognormal_zero": "对数正态分布的中位数须大于 0：数量为 0 的活动不能用对数正态分布",
    "factor_uncertainty_process": "factor_uncertainty 只用于关联排放因子的活动；过程的不确定性写在过程的输入上",
    "factor_uncertainty_conflict": "同一排放因子只能有一个不确定性：只写一次，或各处写法相同",
    "unknown_parameter": "公式使用了模型未声明的参数：请在 parameters 中声明或更正拼写",
    "bad_formula": "公式只能包含数字、参数名、+ - * / 和括号",
    "formula_too_long": "公式过长",
    "formula_not_finite": "公式在这些参数值下不是有限数",
    "parameter_range": "参数须满足 low ≤ value ≤ high",
    "unknown_line": "情景引用的活动不存在或不唯一：写它的位置（如 stages[0].activities[1]）或唯一的名称",
    "scenario_change": "情景修改活动时须给出 amount 或 factor",
    "unknown_factor_link": "情景替换的排放因子没有被任何活动使用",
    "repeated_name": "名称须唯一",
}

# model problems by id, for a problem whose sentence the catalog does not know: pydantic's types (with the
# values of their context) and the ids of lowcarbon.footprint.variation
PROBLEMS_ZH: dict[str, str] = {
    **VARIATION_ZH,
    "missing": "缺少必填字段",
    "extra_forbidden": "未知字段；请检查拼写（模型的字段即起始模型中的字段）",
    "literal_error": "取值须为 {expected:choices}",
    "greater_than_equal": "须大于或等于 {ge}",
    "greater_than": "须大于 {gt}",
    "less_than_equal": "须小于或等于 {le}",
    "less_than": "须小于 {lt}",
    "float_parsing": "须为数字",
    "float_type": "须为数字",
    "int_parsing": "须为整数",
    "int_type": "须为整数",
    "int_from_float": "须为整数",
    "bool_parsing": "须为 true 或 false",
    "bool_type": "须为 true 或 false",
    "string_type": "须为文本",
    "list_type": "须为列表",
    "dict_type": "须为映射（字段: 值）",
    "model_type": "须为映射（字段: 值）",
    "model_attributes_type": "须为映射（字段: 值）",
    "too_short": "至少需要 {min_length} 项",
    "too_long": "至多 {max_length} 项",
    "string_too_short": "至少需要 {min_length} 个字符",
    "string_too_long": "至多 {max_length} 个字符",
    "string_pattern_mismatch": "须符合格式 {pattern}",
    "date_from_datetime_parsing": "须为日期（YYYY-MM-DD）",
    "date_parsing": "须为日期（YYYY-MM-DD）",
    "date_type": "须为日期（YYYY-MM-DD）",
    "finite_number": "须为有限数",
    "not_a_mapping": "产品模型须为映射，包含 product、declared_unit、boundary、stages",
    "not_utf8": "无法按 UTF-8 文本读取",
    "missing_sheet": "工作簿缺少所需的工作表（见 Excel 模板）",
    "unknown_field": "未知字段 {field}",
    "missing_file": "模型列出的因子文件缺失",
    "unknown_pcr": "{pcr} 不是内置的产品种类规则",
    "unit_error": "单位无法识别，或不能换算为所需单位",
    "unknown_factor": "因子库中没有此因子",
}


@dataclass(frozen=True)
class Message:
    """A message of the catalog with its parameters (each a text), in any language by ``text``."""

    id: str
    params: Mapping[str, str] = field(default_factory=dict)

    def text(self, lang: Lang) -> str:
        """The message in ``lang``."""
        english, chinese = MESSAGES[self.id]
        return _render(english if lang == "en" else chinese, self.params, lang)


def say(id: str, **params: object) -> str:
    """The English text of message ``id`` with ``params``: the footprint's warnings and problems are these."""
    return Message(id, {name: str(value) for name, value in params.items()}).text("en")


def recognise(text: str) -> Message | None:
    """The message of the catalog ``text`` is the English of, with its parameters; None for any other text."""
    for id, pattern in _patterns().items():
        match = pattern.fullmatch(text)
        if match:
            return Message(id, match.groupdict())
    return None


def translate(text: str, lang: Lang) -> str:
    """An English warning, deviation or note of the footprint in ``lang``: the catalog's sentence when it knows the
    form; otherwise, in Chinese, the English marked as the original."""
    if lang == "en":
        return text
    message = recognise(text)
    return message.text(lang) if message is not None else f"{ORIGINAL}{text}"


def problem_text(id: str, english: str, params: Mapping[str, Any] | None, lang: Lang) -> str:
    """A model problem in ``lang``: the catalog's sentence for ``english`` when it knows the form, else the sentence
    of ``id`` (with the problem's parameters), else the English marked as the original."""
    if lang == "en":
        return english
    message = recognise(english)
    if message is not None:
        return message.text(lang)
    template = PROBLEMS_ZH.get(id)
    values = {str(name): str(value) for name, value in (params or {}).items()}
    if template is not None and _fields(template) <= set(values):
        return _render(template, values, lang)
    return f"{ORIGINAL}{english}"


def code(value: str | None, lang: Lang) -> str:
    """A code of the footprint in words; a name the model's author chose (or any other text) as it is."""
    if value is None:
        return ""
    pair = CODES.get(value)
    return (pair[0] if lang == "en" else pair[1]) if pair else value


def gas(value: str, lang: Lang) -> str:
    """A gas of a result in words: ``CH4-fossil`` as ``CH4 (fossil)``; ``CO2e``, the published totals of factors
    that give no gases, as such rather than as a gas."""
    if value == "CO2e":
        return _CO2E_TOTAL[lang]
    formula, _, origin = value.partition("-")
    if origin in ("fossil", "non-fossil"):
        words = code(origin, lang)
        return f"{formula}（{words}）" if lang == "zh-CN" else f"{formula} ({words})"
    return value


def unit(text: str, lang: Lang) -> str:
    """A declared unit or result unit (``1 item``, ``kg CO2e per 1 item``) in ``lang``: its words translated, its
    symbols as they are."""
    if lang == "en":
        return text
    return re.sub(r"[A-Za-z]+", lambda match: UNIT_WORDS.get(match[0], match[0]), text).replace("每 ", "/ ")


class _Words(string.Formatter):
    """Fills a template, putting a field into words as its format spec says."""

    def __init__(self, lang: Lang) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        text = str(value)
        if self.lang == "en" or not format_spec:
            return text
        if format_spec == "code":
            return code(text, self.lang)
        if format_spec == "codes":
            return "、".join(code(part, self.lang) for part in text.split(", "))
        if format_spec == "or":
            return " 或 ".join(text.split(" or "))
        if format_spec == "choices":
            return " 或 ".join(code(part.strip("'"), self.lang) for part in re.split(r", | or ", text))
        if format_spec == "place":
            return re.sub(r" and (\d+) more lines$", r" 等另外 \1 项", text)
        if format_spec == "gas":
            return gas(text, self.lang)
        if format_spec == "needs":
            parts = [re.fullmatch(r"the (\S+) stage", part) for part in text.split(" and ")]
            return "和".join(code(stage[1], self.lang) + "阶段" if stage else "功能单位" for stage in parts)
        if format_spec == "none":
            return "无" if text == "none" else text
        if format_spec == "unit":
            return unit(text, self.lang)
        return text


def _render(template: str, params: Mapping[str, str], lang: Lang) -> str:
    return _Words(lang).vformat(template, (), dict(params))


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    """Each message's English template as a regular expression, its fields as named groups."""
    patterns = {}
    for id, (english, _) in MESSAGES.items():
        regex = ""
        for literal, name, _, _ in string.Formatter().parse(english):
            regex += re.escape(literal)
            if name:
                regex += f"(?P<{name}>.+?)"
        patterns[id] = re.compile(regex, re.DOTALL)
    return patterns
