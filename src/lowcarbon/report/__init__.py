"""The CFP study report: GB/T 24067-2024 / ISO 14067:2018 clause 7, as HTML and as PDF, in Chinese and English.

    report = build_report("examples/pv-module/model.yaml", prepared_by="Li Lei")   # or a ModelBundle in memory
    html = render_html(report, "zh-CN")        # one self-contained page: inline CSS and SVG, printable
    pdf = render_pdf(report, "en")             # bytes

Modules:
    build        Report: the footprint, its model, PCR and factors, the files' SHA-256 fingerprint; build_report
    words        the report's words in zh-CN and en, and the footprint's codes and warnings put into them
    sections     the report's sections (every element a CFP study report holds) as a Document
    document     the Document's parts: paragraphs, facts, tables, lists, figures
    drawing      figures as plain shapes; charts (bars, histogram, tornado) and process_map lay them out
    uncertainty_section   Monte Carlo statistics, sensitivity and scenarios, or what the data quality says
    html         the Document as HTML (Jinja2, templates/report.html), figures as inline SVG
    pdf          the Document as PDF (reportlab platypus), figures as reportlab graphics
    cli          ``lowcarbon report MODEL --pdf OUT.pdf [--html OUT.html] [--lang zh-CN|en]``

Why reportlab for the PDF: it is a pure-Python wheel from the package index, and it writes Chinese with the
CID font STSong-Light, one of Adobe's standard CJK fonts that a PDF names without embedding, so no font file ships
with lowcarbon and nothing has to be installed on the machine: ``pip install lowcarbon`` then ``lowcarbon report``
works on a fresh machine. WeasyPrint, which would render the HTML itself, needs Pango (and its fonts) from the
operating system. The price: the PDF refers to STSong-Light and each viewer supplies the glyphs (Acrobat, browsers'
viewers and macOS do; poppler needs a CJK font on the system to draw them, though ``pdftotext`` reads the text).
"""

from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lowcarbon.report.build import FactorUse, FileHash, Report, build_report, sha256
    from lowcarbon.report.html import render_html
    from lowcarbon.report.pdf import render_pdf
    from lowcarbon.report.sections import SECTIONS, document
    from lowcarbon.report.words import LANGS, Lang

# The names below load from their modules on first use (PEP 562): `lowcarbon report --help` and the other commands
# import the package (its cli) without reportlab, Jinja or the footprint.
_MODULES = {
    **dict.fromkeys(("FactorUse", "FileHash", "Report", "build_report", "sha256"), "build"),
    "render_html": "html",
    "render_pdf": "pdf",
    **dict.fromkeys(("SECTIONS", "document"), "sections"),
    **dict.fromkeys(("LANGS", "Lang"), "words"),
}


class _Package(ModuleType):
    """The package's module object. Its `document` is the function of `sections`, as when this file imported every
    name at once: the submodule `document` (the Document's parts), when it first loads, is not bound over it."""

    def __setattr__(self, name: str, value: object) -> None:
        if not (name == "document" and isinstance(value, ModuleType)):
            super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> object:
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value = getattr(import_module(f"{__name__}.{_MODULES[name]}"), name)
    return value


__all__ = [
    "LANGS",
    "SECTIONS",
    "FactorUse",
    "FileHash",
    "Lang",
    "Report",
    "build_report",
    "document",
    "render_html",
    "render_pdf",
    "sha256",
]


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
