"""Artwork (``lowcarbon.certify.artwork``) drawn three ways from the same shapes: SVG text, a PNG with Pillow, and
reportlab graphics for the certificate's PDF.

Text from outside (a holder's name) is made safe once here: control characters and what XML 1.0 cannot hold are
dropped, and the SVG escapes the rest. Pillow draws shapes on a canvas four times larger and shrinks it, as it does
not smooth edges itself; texts (smoothed by FreeType) and the QR code (whose modules must stay sharp, on whole
pixels) are drawn after, at the final size.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Iterator
from functools import cache
from xml.sax.saxutils import escape

from PIL import Image, ImageDraw, ImageFont
from reportlab.graphics import shapes as rl  # type: ignore[import-untyped]
from reportlab.lib import colors  # type: ignore[import-untyped]

from lowcarbon.certify.artwork import Artwork, Ellipse, Polygon, QrCode, Rect, Shape, Text
from lowcarbon.errors import InvalidInput

__all__ = ["MAX_SCALE", "clean", "drawable", "to_png", "to_reportlab", "to_svg"]

MAX_SCALE = 12.0  # a label of 400 x 220 points is then 4800 x 2640 pixels
_SUPERSAMPLE = 4
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_FONTS = "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif"
_PNG_ANCHORS = {"start": "ls", "middle": "ms", "end": "rs"}  # Pillow's: left, middle or right, on the baseline


def clean(text: str) -> str:
    """``text`` without control characters, surrogates and the non-characters XML 1.0 refuses."""
    return _UNSAFE.sub("", text)


def _n(value: float) -> str:
    """A coordinate for SVG: two decimals at most, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _paint(fill: str | None, stroke: str | None, width: float) -> str:
    paint = f'fill="{fill or "none"}"'
    return paint + (f' stroke="{stroke}" stroke-width="{_n(width)}"' if stroke else "")


def _runs(row: tuple[bool, ...]) -> Iterator[tuple[int, int]]:
    """The dark runs of a QR row as (first column, length)."""
    column = 0
    while column < len(row):
        if row[column]:
            start = column
            while column < len(row) and row[column]:
                column += 1
            yield start, column - start
        else:
            column += 1


def _svg(shape: Shape) -> str:
    if isinstance(shape, Rect):
        corner = f' rx="{_n(shape.radius)}"' if shape.radius else ""
        box = f'x="{_n(shape.x)}" y="{_n(shape.y)}" width="{_n(shape.width)}" height="{_n(shape.height)}"'
        return f"<rect {box}{corner} {_paint(shape.fill, shape.stroke, shape.stroke_width)}/>"
    if isinstance(shape, Ellipse):
        centre = f'cx="{_n(shape.cx)}" cy="{_n(shape.cy)}" rx="{_n(shape.rx)}" ry="{_n(shape.ry)}"'
        return f"<ellipse {centre} {_paint(shape.fill, shape.stroke, shape.stroke_width)}/>"
    if isinstance(shape, Polygon):
        points = " ".join(f"{_n(x)},{_n(y)}" for x, y in shape.points)
        return f'<polygon points="{points}" fill="{shape.fill}"/>'
    if isinstance(shape, Text):
        weight = ' font-weight="bold"' if shape.bold else ""
        place = f'x="{_n(shape.x)}" y="{_n(shape.y)}" font-size="{_n(shape.size)}" text-anchor="{shape.anchor}"'
        return f'<text {place} fill="{shape.color}"{weight}>{escape(clean(shape.text))}</text>'
    # a QR code: one path in module units, each dark run of a row a rectangle "M<column> <row>h<run>v1h-<run>z"
    path = "".join(
        f"M{column} {row}h{run}v1h-{run}z" for row, line in enumerate(shape.matrix) for column, run in _runs(line)
    )
    place = f'transform="translate({_n(shape.x)} {_n(shape.y)}) scale({shape.module:.4f})"'
    modules = f'data-modules="{len(shape.matrix)}" shape-rendering="crispEdges"'
    return f'<g {place} {modules}><path d="{path}" fill="{shape.color}"/></g>'


def to_svg(artwork: Artwork, *, kind: str) -> str:
    """``artwork`` as an SVG document; each layer a group of its name, ``data-kind`` on the root."""
    size = f'width="{_n(artwork.width)}" height="{_n(artwork.height)}"'
    lines = [
        f'<svg xmlns="http://www.w3.org/2000/svg" {size} viewBox="0 0 {_n(artwork.width)} {_n(artwork.height)}"'
        f' role="img" data-kind="{escape(clean(kind), {chr(34): "&quot;"})}" font-family="{_FONTS}"'
        ' shape-rendering="geometricPrecision">',
        f"<title>{escape(clean(artwork.title))}</title>",
    ]
    for layer in artwork.layers:
        lines += [f'<g class="{layer.name}">', *(_svg(shape) for shape in layer.shapes), "</g>"]
    return "\n".join([*lines, "</svg>"]) + "\n"


def drawable(text: str) -> bool:
    """Whether Pillow's built-in font has every character of ``text`` (printable ASCII, and the ellipsis)."""
    return all(" " <= char <= "~" or char == "…" for char in text)


@cache
def _font(size: float) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _png_shape(draw: ImageDraw.ImageDraw, shape: Shape, scale: float) -> None:
    if isinstance(shape, Rect | Ellipse):
        grow = shape.stroke_width / 2 if shape.stroke else 0.0  # Pillow strokes inside the box, SVG on the edge
        if isinstance(shape, Rect):
            left, top, right, bottom = shape.x, shape.y, shape.x + shape.width, shape.y + shape.height
        else:
            left, top, right, bottom = (
                shape.cx - shape.rx,
                shape.cy - shape.ry,
                shape.cx + shape.rx,
                shape.cy + shape.ry,
            )
        box = [(left - grow) * scale, (top - grow) * scale, (right + grow) * scale, (bottom + grow) * scale]
        width = max(1, round(shape.stroke_width * scale)) if shape.stroke else 0
        if isinstance(shape, Rect):
            draw.rounded_rectangle(box, shape.radius * scale, shape.fill, shape.stroke, width)
        else:
            draw.ellipse(box, shape.fill, shape.stroke, width)
    elif isinstance(shape, Polygon):
        draw.polygon([(x * scale, y * scale) for x, y in shape.points], fill=shape.fill)


def _png_qr(draw: ImageDraw.ImageDraw, qr: QrCode, scale: float) -> None:
    module = max(1, math.floor(qr.module * scale))  # whole pixels, so that every module is the same size
    left = round(qr.x * scale + (qr.size * scale - module * len(qr.matrix)) / 2)
    top = round(qr.y * scale + (qr.size * scale - module * len(qr.matrix)) / 2)
    for row, line in enumerate(qr.matrix):
        for column, run in _runs(line):
            x, y = left + column * module, top + row * module
            draw.rectangle([x, y, x + run * module - 1, y + module - 1], fill=qr.color)


def to_png(artwork: Artwork, scale: float) -> bytes:
    """``artwork`` as PNG bytes of its size times ``scale`` pixels, leaving out the texts the font cannot draw."""
    if not 0 < scale <= MAX_SCALE:
        raise InvalidInput(f"a label's scale is above 0 and at most {MAX_SCALE}, not {scale}")
    shapes = [shape for layer in artwork.layers for shape in layer.shapes]
    size = (max(1, round(artwork.width * scale)), max(1, round(artwork.height * scale)))
    large = Image.new("RGB", (size[0] * _SUPERSAMPLE, size[1] * _SUPERSAMPLE), "white")
    for shape in shapes:
        _png_shape(ImageDraw.Draw(large), shape, scale * _SUPERSAMPLE)
    image = large.resize(size, Image.Resampling.BOX)
    draw = ImageDraw.Draw(image)
    for shape in shapes:
        if isinstance(shape, QrCode):
            _png_qr(draw, shape, scale)
        elif isinstance(shape, Text) and drawable(clean(shape.text)):
            font = _font(shape.size * scale)
            place = (shape.x * scale, shape.y * scale)
            draw.text(place, clean(shape.text), fill=shape.color, font=font, anchor=_PNG_ANCHORS[shape.anchor])
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _colour(value: str | None) -> colors.Color | None:
    return colors.HexColor(value) if value else None


def to_reportlab(shapes: Iterable[Shape], width: float, height: float, *, font: str) -> rl.Drawing:
    """``shapes`` (top-left coordinates) as a reportlab Drawing of ``width`` x ``height`` points; texts in ``font``."""
    drawing = rl.Drawing(width, height)
    for shape in shapes:
        if isinstance(shape, Rect):
            y = height - shape.y - shape.height
            box = (shape.x, y, shape.width, shape.height)
            paint = {"fillColor": _colour(shape.fill), "strokeColor": _colour(shape.stroke)}
            drawing.add(rl.Rect(*box, rx=shape.radius, ry=shape.radius, strokeWidth=shape.stroke_width, **paint))
        elif isinstance(shape, Ellipse):
            paint = {"fillColor": _colour(shape.fill), "strokeColor": _colour(shape.stroke)}
            ellipse = (shape.cx, height - shape.cy, shape.rx, shape.ry)
            drawing.add(rl.Ellipse(*ellipse, strokeWidth=shape.stroke_width, **paint))
        elif isinstance(shape, Polygon):
            points = [coordinate for x, y in shape.points for coordinate in (x, height - y)]
            drawing.add(rl.Polygon(points, fillColor=_colour(shape.fill), strokeColor=None))
        elif isinstance(shape, Text):
            paint = {"fillColor": _colour(shape.color), "textAnchor": shape.anchor}
            bold = "Helvetica-Bold" if shape.bold and drawable(shape.text) else font
            drawing.add(
                rl.String(shape.x, height - shape.y, clean(shape.text), fontName=bold, fontSize=shape.size, **paint)
            )
        else:
            module = shape.module
            for row, line in enumerate(shape.matrix):
                for column, run in _runs(line):
                    x, y = shape.x + column * module, height - shape.y - (row + 1) * module
                    drawing.add(rl.Rect(x, y, run * module, module, fillColor=_colour(shape.color), strokeColor=None))
    return drawing
