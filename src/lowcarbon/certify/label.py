"""The label of a certificate: the scheme's mark, the declared footprint where the scheme shows one, the
certificate's number, holder, product and validity, and a QR code of the verification URL.

``label_svg`` gives both languages; ``label_png`` draws the same layout with Pillow, whose built-in font has Latin
letters only, so the PNG shows the English and Latin texts (scheme name, number, value and unit, date) and leaves
out any text it cannot draw rather than print boxes. The label only points to the certificate: whether it is valid
today is what the verification page says (the QR code).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from lowcarbon.certify.artwork import DARK, MARK_COLOURS, MARKS, Artwork, Layer, Rect, Shape, Text, qr_code, scheme_mark
from lowcarbon.certify.render import drawable, to_png, to_svg
from lowcarbon.errors import InvalidInput
from lowcarbon.report.drawing import fit, text_width, wrap

__all__ = ["HEIGHT", "SCHEMES", "WIDTH", "LabelContent", "label_artwork", "label_png", "label_svg", "value_text"]

SCHEMES: tuple[str, ...] = tuple(MARKS)
SHOWS_VALUE = frozenset({"carbon-footprint-label", "low-carbon-product"})  # the environmental label has none
WIDTH, HEIGHT = 400.0, 220.0  # points; the PNG is these times its scale in pixels
GREY, WHITE = "#5f6b73", "#ffffff"


@dataclass(frozen=True)
class LabelContent:
    """What a label shows. ``footprint`` is the declared value in ``footprint_unit`` per ``declared_unit``; it is
    drawn for the schemes that show a value (not for the environmental label)."""

    scheme: str  # one of SCHEMES
    scheme_name_zh: str
    scheme_name_en: str
    number: str
    holder: str
    product: str
    footprint: float | None
    footprint_unit: str  # "kg CO2e"
    declared_unit: str  # "1 piece (550 Wp)"
    valid_until: date
    verification_url: str

    def __post_init__(self) -> None:
        if self.scheme not in SCHEMES:
            raise InvalidInput(f"scheme {self.scheme!r} has no label; the schemes are {', '.join(SCHEMES)}")
        if self.footprint is not None and not math.isfinite(self.footprint):
            raise InvalidInput(f"a declared footprint is a finite number, not {self.footprint}")
        if not self.verification_url:
            raise InvalidInput("a label needs the verification URL its QR code leads to")

    @property
    def shows_value(self) -> bool:
        return self.footprint is not None and self.scheme in SHOWS_VALUE


def value_text(value: float) -> str:
    """A declared value as a label prints it: four significant digits, thousands separated, no trailing zeros."""
    if value == 0:
        return "0"
    digits = max(0, 3 - math.floor(math.log10(abs(value))))
    text = f"{value:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _frame(content: LabelContent) -> Layer:
    colour = MARK_COLOURS[content.scheme]
    return Layer(
        "frame",
        (
            Rect(0, 0, WIDTH, HEIGHT, fill=WHITE),
            Rect(0, 0, WIDTH, 46, fill=colour),
            Rect(1, 1, WIDTH - 2, HEIGHT - 2, stroke=colour, stroke_width=2, radius=6),
        ),
    )


def _field(y: float, english: str, chinese: str, value: str, *, latin: bool, lines: int = 1) -> list[Shape]:
    """A field of the middle column: its name (English first, so that it keeps its place where the Chinese is left
    out) and its value; nothing at all in ``latin`` mode when the value cannot be drawn there."""
    left, width, size = 136.0, 150.0, 9.0 if lines > 1 else 11.0
    if latin and not drawable(value):
        return []
    name = [Text(left, y, english, 7, color=GREY)]
    if not latin:
        name.append(Text(left + text_width(english + " ", 7), y, chinese, 7, color=GREY))
    values = wrap(value, width, size, lines)
    return [*name, *(Text(left, y + 13 + 11 * i, line, size, bold=lines == 1) for i, line in enumerate(values))]


def _texts(content: LabelContent, *, latin: bool) -> Layer:
    if latin:  # the English name alone, in the Chinese name's place
        heading = [Text(14, 29, fit(content.scheme_name_en, WIDTH - 28, 15), 15, color=WHITE, bold=True)]
    else:
        heading = [
            Text(14, 21, fit(content.scheme_name_zh, WIDTH - 28, 15), 15, color=WHITE, bold=True),
            Text(14, 38, fit(content.scheme_name_en, WIDTH - 28, 10), 10, color=WHITE),
        ]
    shapes: list[Shape] = [
        *heading,
        *_field(64, "Certificate No.", "证书编号", content.number, latin=latin),
        *_field(98, "Holder", "持证人", content.holder, latin=latin, lines=2),
        *_field(142, "Product", "产品", content.product, latin=latin, lines=2),
        *_field(186, "Valid until", "有效期至", content.valid_until.isoformat(), latin=latin),
        Text(298, 158, "Scan to verify" if latin else "Scan to verify 扫码验证", 7, color=GREY),
        Text(298, 170, fit(content.verification_url, 92, 5.5), 5.5, color=GREY),
    ]
    if content.shows_value:
        assert content.footprint is not None
        per = f"{content.footprint_unit} / {content.declared_unit}" if content.declared_unit else content.footprint_unit
        shapes.append(Text(62, 176, fit(value_text(content.footprint), 120, 20), 20, "middle", DARK, bold=True))
        shapes += [Text(62, 190 + 10 * i, line, 7.5, "middle") for i, line in enumerate(wrap(per, 124, 7.5, 2))]
    return Layer("texts", tuple(shapes))


def label_artwork(content: LabelContent, *, latin: bool = False) -> Artwork:
    """The label as shapes: frame, mark, texts and QR code, for ``label_svg`` and (``latin``: only the texts that
    Pillow's built-in font draws, the others' room left empty) ``label_png``."""
    mark = scheme_mark(content.scheme, 14, 56, 96) if content.shows_value else scheme_mark(content.scheme, 8, 58, 116)
    qr = qr_code(content.verification_url, 298, 52, 92)
    return Artwork(
        WIDTH,
        HEIGHT,
        (_frame(content), Layer("mark", mark), _texts(content, latin=latin), Layer("qr", (qr,))),
        f"{content.scheme_name_en} {content.number}",
    )


def label_svg(content: LabelContent) -> str:
    """The label as an SVG document, in Chinese and English."""
    return to_svg(label_artwork(content), kind=content.scheme)


def label_png(content: LabelContent, scale: float = 3.0) -> bytes:
    """The label as a PNG of ``WIDTH`` x ``HEIGHT`` times ``scale`` pixels, with its Latin texts only."""
    return to_png(label_artwork(content, latin=True), scale)
