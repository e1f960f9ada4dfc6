"""A signed verification statement (ISO 14064-3) or CMS evaluation certificate in Chinese or English, as HTML and
PDF: what its signed content says, its number, the body that signed it, the key, and whether the signature verifies
now. It is a ``lowcarbon.report.document.Document``, laid out by the study report's writers, as the inventory
report is; the words of both languages are here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lowcarbon.inventory.names import category_name
from lowcarbon.inventory.reporting import say
from lowcarbon.report.document import Document, Facts, Items, Para, Section, Table
from lowcarbon.report.html import document_html
from lowcarbon.report.pdf import document_pdf
from lowcarbon.report.words import Lang

__all__ = ["WORDS", "statement_document", "statement_html", "statement_pdf"]

WORDS: dict[str, tuple[str, str]] = {
    "verification_statement": ("Greenhouse gas verification statement", "温室气体核查声明"),
    "cms_evaluation_certificate": ("Carbon management system evaluation certificate", "碳管理体系评价证书"),
    "subtitle": ("{number}, issued {issued} by {body}", "编号 {number}，{body} 于 {issued} 签发"),
    "verification_headline": (
        "{organisation}: {total} t CO2e in {year}, verified with {assurance} assurance; opinion: {opinion}.",
        "{organisation}：{year} 年排放总量 {total} t CO2e，经{assurance}保证等级核查；核查意见：{opinion}。",
    ),
    "evaluation_headline": (
        "{organisation}: {percent} of the maximum score, maturity level {level} ({level_name}).",
        "{organisation}：得分为满分的 {percent}，成熟度等级 {level}（{level_name}）。",
    ),
    "limited": ("limited", "有限"),
    "reasonable": ("reasonable", "合理"),
    "positive": ("unmodified (positive)", "无保留意见"),
    "qualified": ("qualified", "保留意见"),
    "adverse": ("adverse", "否定意见"),
    "engagement": ("The engagement", "核查约定"),
    "organisation": ("Organisation", "组织"),
    "inventory": ("Inventory", "温室气体清单"),
    "year": ("Reporting year", "报告年度"),
    "standards": ("Standards", "依据标准"),
    "standards_text": ("{standard}, verified per {verification}", "{standard}，依据 {verification} 核查"),
    "assurance": ("Level of assurance", "保证等级"),
    "materiality": ("Materiality", "实质性"),
    "materiality_text": ("{percent} % of the total ({tonnes} t CO2e)", "总量的 {percent}%（{tonnes} t CO2e）"),
    "results": ("Verified emissions", "核查后的排放量"),
    "total": ("Total", "合计"),
    "scope": ("Scope", "范围"),
    "category": ("ISO 14064-1 category", "ISO 14064-1 类别"),
    "t": ("t CO2e", "t CO2e"),
    "scope_1": ("Scope 1", "范围一"),
    "scope_2-location": ("Scope 2, location-based", "范围二（基于位置）"),
    "scope_2-market": ("Scope 2, market-based", "范围二（基于市场）"),
    "scope_3": ("Scope 3", "范围三"),
    "opinion": ("Opinion", "核查意见"),
    "uncorrected": ("Uncorrected misstatements", "未更正的错报"),
    "samples": ("Activity records sampled", "抽样的活动数据记录"),
    "findings": ("Findings (of them open at the conclusion)", "发现项（其中结论时未关闭）"),
    "basis": ("Basis for the opinion", "意见的依据"),
    "fingerprint": ("Result fingerprint (SHA-256)", "结果指纹（SHA-256）"),
    "requirement_set": ("Requirement set", "要求集"),
    "illustrative": (
        "The requirement set is lowcarbon's illustrative wording, not a published guideline.",
        "该要求集为 lowcarbon 的示例性表述，并非已发布的指南。",
    ),
    "scores": ("Scores by clause", "各条款得分"),
    "clause": ("Clause", "条款"),
    "pdca": ("PDCA", "PDCA"),
    "percent": ("Score", "得分"),
    "gaps": ("Gaps and corrective actions", "差距与纠正措施"),
    "requirement": ("Requirement", "要求"),
    "score": ("Score", "分值"),
    "action": ("Corrective action", "纠正措施"),
    "no_gaps": ("No gap.", "无差距。"),
    "self": ("Self-assessment", "自评价"),
    "signature": ("Signature", "签名"),
    "signed_by": ("Signed by", "签发机构"),
    "key": ("Key", "密钥"),
    "verifies": ("The signature verifies with the body's published key.", "签名经该机构公布的密钥验证有效。"),
    "fails": ("The signature does NOT verify: {reason}", "签名验证失败：{reason}"),
    "check_at": ("Check it at", "核验地址"),
}


def _w(key: str, lang: Lang, **values: object) -> str:
    return say(WORDS, key, lang, **values)


def _t(value: float) -> str:
    return f"{value:,.3f}"


def statement_document(view: Mapping[str, Any], lang: Lang) -> Document:
    """The document of a statement as ``engagements.public_statement`` gives it (its content and signature)."""
    content = view["content"]
    organisation = content["organisation"]["name"]
    if content["document"] == "verification_statement":
        inventory = content["inventory"]
        reported = inventory.get("organisation_zh") if lang == "zh-CN" else inventory.get("organisation")
        organisation = reported or organisation
        headline = _w(
            "verification_headline",
            lang,
            organisation=organisation,
            total=_t(float(inventory["total"])),
            year=inventory["reporting_year"],
            assurance=_w(content["assurance"], lang),
            opinion=_w(content["opinion"], lang),
        )
        sections = _verification(content, lang)
    else:
        headline = _w(
            "evaluation_headline",
            lang,
            organisation=organisation,
            percent=f"{float(content['percent']):.1f} %",
            level=content["level"],
            level_name=content["level_name_zh"] if lang == "zh-CN" else content["level_name"],
        )
        sections = _evaluation(content, lang)
    return Document(
        lang=lang,
        title=_w(content["document"], lang),
        subtitle=_w("subtitle", lang, number=content["number"], issued=content["issued"], body=content["body"]["name"]),
        headline=headline,
        sections=(*sections, _signature(view, lang)),
    )


def _names(account: str, inventory: Mapping[str, Any]) -> str:
    """The organisation's names: as the platform knows it, and as the inventory reports it (in Chinese too)."""
    return " / ".join(
        dict.fromkeys(n for n in (account, inventory.get("organisation"), inventory.get("organisation_zh")) if n)
    )


def statement_html(view: Mapping[str, Any], lang: Lang) -> str:
    return document_html(statement_document(view, lang))


def statement_pdf(view: Mapping[str, Any], lang: Lang) -> bytes:
    return document_pdf(statement_document(view, lang), author=view["content"]["body"]["name"])


def _verification(content: Mapping[str, Any], lang: Lang) -> tuple[Section, ...]:
    inventory = content["inventory"]
    materiality = _w(
        "materiality_text", lang, percent=f"{content['materiality_percent']:g}", tonnes=_t(content["materiality_t"])
    )
    standards = _w("standards_text", lang, standard=content["standard"], verification=content["verification_standard"])
    engagement = Facts(
        (
            (_w("organisation", lang), _names(content["organisation"]["name"], inventory)),
            (_w("inventory", lang), inventory["name"]),
            (_w("year", lang), str(inventory["reporting_year"])),
            (_w("standards", lang), standards),
            (_w("assurance", lang), _w(content["assurance"], lang)),
            (_w("materiality", lang), materiality),
        )
    )
    scopes = tuple((_w(f"scope_{key}", lang), _t(float(value))) for key, value in inventory["by_scope"].items())
    categories = tuple(
        (f"{number} {category_name(number, lang)}", _t(float(value)))
        for number, value in inventory["by_category"].items()
    )
    results = (
        Table((_w("scope", lang), _w("t", lang)), scopes, numeric=(1,)),
        Table((_w("category", lang), _w("t", lang)), categories, numeric=(1,)),
        Facts(((_w("total", lang), _t(float(inventory["total"]))),)),
    )
    opinion = Facts(
        (
            (_w("opinion", lang), _w(content["opinion"], lang)),
            (_w("uncorrected", lang), f"{_t(content['uncorrected_misstatements_t'])} t CO2e"),
            (_w("samples", lang), str(content["samples"])),
            (_w("findings", lang), f"{content['findings']['total']} ({content['findings']['open']})"),
            (_w("fingerprint", lang), inventory["result_sha256"]),
        )
    )
    basis = (Para(content["basis"]),) if content.get("basis") else ()
    return (
        Section("engagement", _w("engagement", lang), (engagement,)),
        Section("results", _w("results", lang), results),
        Section("opinion", _w("opinion", lang), (opinion, *basis)),
    )


def _evaluation(content: Mapping[str, Any], lang: Lang) -> tuple[Section, ...]:
    chosen = content["requirement_set"]
    title = chosen["title_zh"] if lang == "zh-CN" else chosen["title"]
    facts = Facts(
        (
            (_w("organisation", lang), content["organisation"]["name"]),
            (_w("requirement_set", lang), f"{title} ({chosen['id']}-{chosen['version']})"),
            (_w("self", lang), f"{float(content['self_assessment_percent']):.1f} %"),
        )
    )
    notes = (Para(_w("illustrative", lang)),) if chosen["status"] == "illustrative" else ()
    clauses = Table(
        (_w("clause", lang), _w("pdca", lang), _w("percent", lang)),
        tuple((c["clause"], c["pdca"], f"{float(c['percent']):.1f} %") for c in content["clauses"]),
        numeric=(2,),
    )
    gaps = content["gaps"]
    gap_blocks: tuple[Table | Items, ...] = (
        (
            Table(
                (_w("requirement", lang), _w("score", lang), _w("action", lang)),
                tuple((g["requirement"], str(g["score"]), g["action"]) for g in gaps),
            ),
        )
        if gaps
        else (Items((_w("no_gaps", lang),)),)
    )
    return (
        Section("engagement", _w("engagement", lang), (facts, *notes)),
        Section("scores", _w("scores", lang), (clauses,)),
        Section("gaps", _w("gaps", lang), gap_blocks),
    )


def _signature(view: Mapping[str, Any], lang: Lang) -> Section:
    signature = view["signature"]
    verdict = _w("verifies", lang) if signature["valid"] else _w("fails", lang, reason=signature.get("reason", ""))
    facts = Facts(
        (
            (_w("signed_by", lang), view["content"]["body"]["name"]),
            (_w("key", lang), str(signature.get("kid", ""))),
            (_w("check_at", lang), view["content"]["verify_url"]),
        )
    )
    return Section("signature", _w("signature", lang), (Para(verdict, strong=True), facts))
