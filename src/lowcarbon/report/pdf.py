"""The report as a PDF (reportlab platypus), Chinese with reportlab's built-in CID font STSong-Light.

STSong-Light is one of Adobe's standard CJK fonts: the PDF names it and its encoding (UniGB-UCS2-H) and the
viewer supplies the glyphs, so no font file ships with lowcarbon or has to be found on the machine, and the text
stays extractable (``pdftotext``). Figures are reportlab graphics drawn from the same shapes as the HTML's SVG.
"""

from __future__ import annotations

import io
import math
from functools import cache
from xml.sax.saxutils import escape

from reportlab.graphics import shapes as rl  # type: ignore[import-untyped]
from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.enums import TA_RIGHT  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    Flowable,
    KeepTogether,
    ListFlowable,
    ListItem,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as PdfTable

from lowcarbon.report.build import Report
from lowcarbon.report.document import Block, Document, Facts, Figure, Items, Para, Table
from lowcarbon.report.drawing import Drawing, Line, Rect, Text
from lowcarbon.report.words import Lang

__all__ = ["FONT", "cjk_font", "document_pdf", "render_pdf"]

FONT = "STSong-Light"
_WIDTH = A4[0] - 36 * mm  # the text column


@cache
def cjk_font() -> str:
    """The name of the font for Chinese and Latin text (``FONT``), registered with reportlab once; for every PDF
    lowcarbon writes (the study report, certify's certificates)."""
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


@cache
def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=cjk_font(), fontSize=9, leading=13, wordWrap="CJK", spaceAfter=4)
    return {
        "body": body,
        "strong": ParagraphStyle("strong", body, fontSize=9.5, textColor=colors.HexColor("#1b4d30")),
        "title": ParagraphStyle("title", body, fontSize=17, leading=22, spaceAfter=6),
        "subtitle": ParagraphStyle("subtitle", body, textColor=colors.HexColor("#555555")),
        "headline": ParagraphStyle(
            "headline",
            body,
            fontSize=11,
            leading=15,
            backColor=colors.HexColor("#e6f2ea"),
            borderPadding=5,
            spaceBefore=6,
            spaceAfter=10,
        ),
        "h2": ParagraphStyle(
            "h2", body, fontSize=12.5, leading=16, spaceBefore=12, spaceAfter=6, textColor=colors.HexColor("#2f7d4f")
        ),
        "cell": ParagraphStyle("cell", body, fontSize=7, leading=9, spaceAfter=0),
        "num": ParagraphStyle("num", body, fontSize=7, leading=9, spaceAfter=0, alignment=TA_RIGHT),
        "mono": ParagraphStyle("mono", body, fontName="Courier", fontSize=6, leading=8, spaceAfter=0, wordWrap="CJK"),
        "caption": ParagraphStyle("caption", body, fontSize=8.5, spaceBefore=4, spaceAfter=2),
    }


def render_pdf(report: Report, lang: Lang = "zh-CN") -> bytes:
    """The report as PDF bytes in ``lang``."""
    from lowcarbon.report.sections import document

    return document_pdf(document(report, lang), author=report.prepared_by or "", creator=report.software)


def document_pdf(doc: Document, *, author: str = "", creator: str = "lowcarbon") -> bytes:
    """A report document (the study report's, or another domain's built of the same blocks) as PDF bytes."""
    out = io.BytesIO()
    template = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=f"{doc.title} | {doc.subtitle}",
        author=author,
        creator=creator,
        lang=doc.lang,
    )
    template.build(_story(doc), onFirstPage=_footer(doc), onLaterPages=_footer(doc))
    return out.getvalue()


def _p(text: str, style: str) -> Paragraph:
    return Paragraph(escape(text), _styles()[style])


def _story(doc: Document) -> list[Flowable]:
    story: list[Flowable] = [_p(doc.title, "title"), _p(doc.subtitle, "subtitle"), _p(doc.headline, "headline")]
    for number, section in enumerate(doc.sections, 1):
        heading = _p(f"{number}. {section.heading}", "h2")
        flowables = [flowable for block in section.blocks for flowable in _block(block)]
        story.append(KeepTogether([heading, *flowables[:1]]))  # no heading alone at a page's foot
        story.extend(flowables[1:])
    return story


def _block(block: Block) -> list[Flowable]:
    if isinstance(block, Para):
        return [_p(block.text, "strong" if block.strong else "body")]
    if isinstance(block, Facts):
        rows = [[_p(label, "cell"), _p(value, "cell")] for label, value in block.rows]
        return [_grid(rows, [0.3 * _WIDTH, 0.7 * _WIDTH], header=False)]
    if isinstance(block, Items):
        items = [ListItem(_p(item, "body"), leftIndent=10) for item in block.items]
        return [ListFlowable(items, bulletType="bullet", start="•", leftIndent=10, bulletFontName="Helvetica")]
    if isinstance(block, Figure):
        return [Spacer(1, 4), _graphic(block.drawing), Spacer(1, 6)]
    return _table(block)


def _table(table: Table) -> list[Flowable]:
    def style(column: int) -> str:
        return "num" if column in table.numeric else "mono" if column in table.mono else "cell"

    header = [_p(cell, "cell") for cell in table.header]
    rows = [[_p(cell, style(index)) for index, cell in enumerate(row)] for row in table.rows]
    flowables: list[Flowable] = [_p(table.caption, "caption")] if table.caption else []
    return [*flowables, _grid([header, *rows], _widths(table), header=True)]


def _widths(table: Table) -> list[float]:
    """Column widths from the longest text of each column (numbers narrow, texts share the rest)."""
    longest = [
        max([len(table.header[index]), *(len(row[index]) for row in table.rows)]) for index in range(len(table.header))
    ]
    weights = [min(max(math.sqrt(length), 2.5), 9.0) for length in longest]
    return [_WIDTH * weight / sum(weights) for weight in weights]


def _grid(rows: list[list[Paragraph]], widths: list[float], *, header: bool) -> PdfTable:
    grid = PdfTable(rows, colWidths=widths, repeatRows=1 if header else 0)
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#ccd3d8")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f1f4f6")))
    grid.setStyle(TableStyle(commands))
    return grid


def _graphic(drawing: Drawing) -> rl.Drawing:
    """``drawing`` as reportlab graphics, scaled to the text column."""
    scale = min(1.0, _WIDTH / drawing.width)
    height = drawing.height
    out = rl.Drawing(drawing.width * scale, height * scale)
    group = rl.Group()
    group.transform = (scale, 0, 0, scale, 0, 0)
    for shape in drawing.shapes:
        if isinstance(shape, Rect):
            group.add(
                rl.Rect(
                    shape.x,
                    height - shape.y - shape.height,
                    shape.width,
                    shape.height,
                    fillColor=colors.HexColor(shape.fill) if shape.fill else None,
                    strokeColor=colors.HexColor(shape.stroke) if shape.stroke else None,
                    strokeWidth=0.6,
                    strokeDashArray=[4, 3] if shape.dashed else None,
                )
            )
        elif isinstance(shape, Line):
            stroke = colors.HexColor(shape.stroke)
            y1, y2 = height - shape.y1, height - shape.y2
            group.add(
                rl.Line(
                    shape.x1,
                    y1,
                    shape.x2,
                    y2,
                    strokeColor=stroke,
                    strokeWidth=shape.width,
                    strokeDashArray=[4, 3] if shape.dashed else None,
                )
            )
            if shape.arrow:
                group.add(_head(shape.x1, y1, shape.x2, y2, stroke))
        elif isinstance(shape, Text):
            group.add(
                rl.String(
                    shape.x,
                    height - shape.y,
                    shape.text,
                    fontName=FONT,
                    fontSize=shape.size,
                    fillColor=colors.HexColor(shape.color),
                    textAnchor=shape.anchor,
                )
            )
    out.add(group)
    return out


def _head(x1: float, y1: float, x2: float, y2: float, color: colors.Color) -> rl.Polygon:
    """An arrow head at (x2, y2), pointing away from (x1, y1)."""
    angle = math.atan2(y2 - y1, x2 - x1)
    size, spread = 5.0, 0.45
    points = [x2, y2]
    for side in (angle + math.pi - spread, angle + math.pi + spread):
        points += [x2 + size * math.cos(side), y2 + size * math.sin(side)]
    return rl.Polygon(points, fillColor=color, strokeColor=color, strokeWidth=0.3)


def _footer(doc: Document):  # type: ignore[no-untyped-def]
    def draw(canvas, template) -> None:  # type: ignore[no-untyped-def]
        canvas.saveState()
        canvas.setFont(FONT, 7)
        canvas.setFillColor(colors.HexColor("#777777"))
        canvas.drawString(18 * mm, 9 * mm, f"{doc.title} | {doc.subtitle}"[:110])
        canvas.drawRightString(A4[0] - 18 * mm, 9 * mm, str(canvas.getPageNumber()))
        canvas.restoreState()

    return draw
