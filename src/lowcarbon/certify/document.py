"""The certificate as a PDF, one language per document (Chinese or English), for the holder to print and show.

The paper says what was certified (holder, producer, sites, product models, standard, scope, the declared
footprint where there is one) and for how long; it carries the scheme's mark and a QR code of the verification
URL. It cannot say whether the certificate is still valid today (a certificate may be suspended or withdrawn after
it is printed), so it says that the status is an online fact and where to check it.

Written with reportlab in its built-in CID font STSong-Light, through the study report's ``cjk_font`` (see
``lowcarbon.report.pdf``): no font file ships, and the text stays extractable.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal
from xml.sax.saxutils import escape

from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.enums import TA_CENTER  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, TableStyle  # type: ignore[import-untyped]
from reportlab.platypus import Table as PdfTable

from lowcarbon.certify.artwork import MARK_COLOURS, qr_code, scheme_mark
from lowcarbon.certify.label import SCHEMES, value_text
from lowcarbon.certify.render import clean, to_reportlab
from lowcarbon.errors import InvalidInput
from lowcarbon.report.pdf import cjk_font

__all__ = ["LANGS", "CertificateContent", "ProductModel", "certificate_pdf", "long_date"]

Lang = Literal["zh-CN", "en"]
LANGS: tuple[Lang, ...] = ("zh-CN", "en")
_MONTHS: tuple[str, ...] = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_WIDTH = A4[0] - 50 * mm  # the text column inside the frame

# the certificate's words: key -> (Chinese, English)
WORDS: Mapping[str, tuple[str, str]] = {
    "title": ("认证证书", "Certificate"),
    "number": ("证书编号", "Certificate No."),
    "holder": ("证书持有人", "Certificate holder"),
    "producer": ("生产者", "Producer"),
    "sites": ("生产场所", "Production sites"),
    "products": ("产品及型号", "Products and models"),
    "standard": ("认证依据", "Standard"),
    "scope": ("认证范围", "Scope"),
    "footprint": ("声明的碳足迹", "Declared carbon footprint"),
    "issued": ("发证日期", "Date of issue"),
    "expires": ("有效期至", "Valid until"),
    "body": ("发证机构", "Issued by"),
    "verify": ("在线查验", "Verify online"),
    "statement": (
        "兹证明上述产品符合{standard}的要求，准予使用{scheme}。",
        "This is to certify that the products above conform to {standard} and may bear the {scheme}.",
    ),
    "status": (
        "证书状态以网上查询为准：证书可能在印制后被暂停或撤销，请扫描二维码或访问上述网址查验。",
        "The status of this certificate is an online fact: it may be suspended or withdrawn after printing;"
        " scan the code or visit the address above to check it.",
    ),
}


@dataclass(frozen=True)
class ProductModel:
    """A certified product: its name in both languages and the model numbers the certificate covers."""

    name_zh: str
    name_en: str
    models: tuple[str, ...]


@dataclass(frozen=True)
class CertificateContent:
    """What a certificate document shows. ``footprint`` (in ``footprint_unit`` per ``declared_unit``) is printed
    when given; ``scheme`` is one of ``label.SCHEMES`` and chooses the mark."""

    number: str
    scheme: str
    scheme_name_zh: str
    scheme_name_en: str
    standard: str  # "GB/T 24067-2024"
    holder: str
    producer: str
    sites: tuple[str, ...]
    products: tuple[ProductModel, ...]
    scope: str
    footprint: float | None
    footprint_unit: str  # "kg CO2e"
    declared_unit: str  # "1 piece (550 Wp)"
    issued: date
    expires: date
    body: str  # the issuing certification body
    verification_url: str

    def __post_init__(self) -> None:
        if self.scheme not in SCHEMES:
            raise InvalidInput(f"scheme {self.scheme!r} has no mark; the schemes are {', '.join(SCHEMES)}")
        if self.footprint is not None and not math.isfinite(self.footprint):
            raise InvalidInput(f"a declared footprint is a finite number, not {self.footprint}")
        if self.expires < self.issued:
            raise InvalidInput(f"a certificate cannot expire ({self.expires}) before it is issued ({self.issued})")


def long_date(day: date, lang: Lang) -> str:
    """``day`` as a certificate writes it: ``2026年12月6日``, ``6 December 2026``."""
    if lang == "zh-CN":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _styles() -> dict[str, ParagraphStyle]:
    font = cjk_font()
    body = ParagraphStyle("body", fontName=font, fontSize=10, leading=15, wordWrap="CJK")
    green = colors.HexColor("#1b4d30")
    return {
        "body": body,
        "name": ParagraphStyle("name", body, textColor=colors.HexColor("#5f6b73")),
        "title": ParagraphStyle("title", body, fontSize=26, leading=34, alignment=TA_CENTER, textColor=green),
        "scheme": ParagraphStyle("scheme", body, fontSize=14, leading=20, alignment=TA_CENTER),
        "number": ParagraphStyle("number", body, fontSize=11, leading=16, alignment=TA_CENTER),
        "small": ParagraphStyle("small", body, fontSize=8.5, leading=12),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph("<br/>".join(escape(clean(line)) for line in text.split("\n")), style)


def _facts(content: CertificateContent, lang: Lang) -> list[tuple[str, str]]:
    index = 0 if lang == "zh-CN" else 1

    def product(model: ProductModel) -> str:
        name = model.name_zh if lang == "zh-CN" else model.name_en
        return f"{name}：{'、'.join(model.models)}" if lang == "zh-CN" else f"{name}: {', '.join(model.models)}"

    rows = [
        ("holder", content.holder),
        ("producer", content.producer),
        ("sites", "\n".join(content.sites)),
        ("products", "\n".join(product(model) for model in content.products)),
        ("standard", content.standard),
        ("scope", content.scope),
    ]
    if content.footprint is not None:
        per = f" / {content.declared_unit}" if content.declared_unit else ""
        rows.append(("footprint", f"{value_text(content.footprint)} {content.footprint_unit}{per}"))
    rows += [("issued", long_date(content.issued, lang)), ("expires", long_date(content.expires, lang))]
    rows.append(("body", content.body))
    return [(WORDS[key][index], value) for key, value in rows]


def _story(content: CertificateContent, lang: Lang) -> list[Flowable]:
    styles, index = _styles(), 0 if lang == "zh-CN" else 1
    font = cjk_font()
    mark = to_reportlab(scheme_mark(content.scheme, 0, 0, 64), 64, 64, font=font)
    mark.hAlign = "CENTER"
    scheme = content.scheme_name_zh if lang == "zh-CN" else content.scheme_name_en
    facts = PdfTable(
        [[_p(name, styles["name"]), _p(value, styles["body"])] for name, value in _facts(content, lang)],
        colWidths=[0.28 * _WIDTH, 0.72 * _WIDTH],
    )
    facts.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#d5dde2")),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    statement = WORDS["statement"][index].format(standard=content.standard, scheme=scheme)
    qr = to_reportlab((qr_code(content.verification_url, 0, 0, 96),), 96, 96, font=font)
    check = [
        _p(WORDS["verify"][index], styles["name"]),
        _p(content.verification_url, styles["small"]),
        Spacer(1, 4),
        _p(WORDS["status"][index], styles["small"]),
    ]
    footer = PdfTable([[qr, check]], colWidths=[104, _WIDTH - 104])
    footer.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (0, 0), 0)]))
    return [
        mark,
        Spacer(1, 8),
        _p(WORDS["title"][index], styles["title"]),
        _p(scheme, styles["scheme"]),
        _p(f"{WORDS['number'][index]}{'：' if lang == 'zh-CN' else ': '}{content.number}", styles["number"]),
        Spacer(1, 14),
        facts,
        Spacer(1, 12),
        _p(statement, styles["body"]),
        Spacer(1, 16),
        footer,
    ]


def _frame(colour: str):  # type: ignore[no-untyped-def]
    def draw(canvas, template) -> None:  # type: ignore[no-untyped-def]
        canvas.saveState()
        canvas.setStrokeColor(colors.HexColor(colour))
        canvas.setLineWidth(2.5)
        canvas.rect(12 * mm, 12 * mm, A4[0] - 24 * mm, A4[1] - 24 * mm)
        canvas.setLineWidth(0.6)
        canvas.rect(14.5 * mm, 14.5 * mm, A4[0] - 29 * mm, A4[1] - 29 * mm)
        canvas.restoreState()

    return draw


def certificate_pdf(content: CertificateContent, lang: str) -> bytes:
    """The certificate as PDF bytes in ``lang`` ("zh-CN" or "en"); the same content always gives the same bytes."""
    if lang not in LANGS:
        raise InvalidInput(f"a certificate is written in {' or '.join(LANGS)}, not {lang!r}")
    language: Lang = "zh-CN" if lang == "zh-CN" else "en"
    index = 0 if language == "zh-CN" else 1
    out = io.BytesIO()
    template = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=24 * mm,
        bottomMargin=22 * mm,
        title=clean(f"{WORDS['title'][index]} {content.number}"),
        author=clean(content.body),
        creator="lowcarbon",
        lang=language,
        invariant=True,  # no creation time nor random id: a document is a function of its content
    )
    frame = _frame(MARK_COLOURS[content.scheme])
    template.build(_story(content, language), onFirstPage=frame, onLaterPages=frame)
    return out.getvalue()
