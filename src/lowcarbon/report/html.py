"""The report as one self-contained HTML page: inline CSS, figures as inline SVG, no script, printable."""

from __future__ import annotations

from html import escape

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from lowcarbon.report.build import Report
from lowcarbon.report.document import Document, Facts, Figure, Items, Para, Table
from lowcarbon.report.drawing import Drawing, Line, Rect, Text
from lowcarbon.report.sections import document
from lowcarbon.report.words import Lang

__all__ = ["document_html", "render_html", "svg"]

_ENV = Environment(
    loader=PackageLoader("lowcarbon.report", "templates"),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
_BLOCKS = {Para: "para", Facts: "facts", Table: "table", Items: "items", Figure: "figure"}


def render_html(report: Report, lang: Lang = "zh-CN") -> str:
    """The report as an HTML document in ``lang``."""
    return document_html(document(report, lang))


def document_html(doc: Document) -> str:
    """A report document (the study report's, or another domain's built of the same blocks) as an HTML document."""
    template = _ENV.get_template("report.html")
    return template.render(doc=doc, kind=lambda block: _BLOCKS[type(block)], svg=svg)


def svg(drawing: Drawing) -> Markup:
    """``drawing`` as an inline SVG element."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{drawing.kind}" role="img" '
        f'width="{drawing.width:g}" height="{drawing.height:g}" viewBox="0 0 {drawing.width:g} {drawing.height:g}">',
        f"<title>{escape(drawing.title)}</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555555"/></marker></defs>',
    ]
    for shape in drawing.shapes:
        if isinstance(shape, Rect):
            dash = ' stroke-dasharray="4 3"' if shape.dashed else ""
            parts.append(
                f'<rect x="{shape.x:.1f}" y="{shape.y:.1f}" width="{shape.width:.1f}" height="{shape.height:.1f}" '
                f'fill="{shape.fill or "none"}" stroke="{shape.stroke or "none"}"{dash}/>'
            )
        elif isinstance(shape, Line):
            extra = (' marker-end="url(#arrow)"' if shape.arrow else "") + (
                ' stroke-dasharray="4 3"' if shape.dashed else ""
            )
            parts.append(
                f'<line x1="{shape.x1:.1f}" y1="{shape.y1:.1f}" x2="{shape.x2:.1f}" y2="{shape.y2:.1f}" '
                f'stroke="{shape.stroke}" stroke-width="{shape.width:g}"{extra}/>'
            )
        elif isinstance(shape, Text):
            weight = ' font-weight="bold"' if shape.bold else ""
            parts.append(
                f'<text x="{shape.x:.1f}" y="{shape.y:.1f}" font-size="{shape.size:g}" text-anchor="{shape.anchor}" '
                f'fill="{shape.color}"{weight}>{escape(shape.text)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
