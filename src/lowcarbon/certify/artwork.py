"""The artwork of labels and certificates as plain shapes: each scheme's mark and the QR code, laid out once and
drawn as SVG, as a PNG (Pillow) or into a PDF (reportlab) by the modules that need them.

The marks are modelled on the official marks of China's schemes, not copies of them: a footprint for the carbon
footprint label, a leaf with a downward arrow for low-carbon products, and ten interlocking rings around hills and
a sun for the environmental label (the "ten-ring" mark). The official artwork belongs to its owners (CNCA, CEC) and
is applied to products only under their rules; these shapes only tell the schemes apart on screen and on paper.

Coordinates are points from the top left, as in SVG. Every shape is a frozen value computed from its inputs alone,
so the same content always gives the same picture.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

import segno

__all__ = [
    "DARK",
    "MARKS",
    "MARK_COLOURS",
    "Anchor",
    "Artwork",
    "Ellipse",
    "Layer",
    "Polygon",
    "QrCode",
    "Rect",
    "Shape",
    "Text",
    "qr_code",
    "qr_matrix",
    "scheme_mark",
]

Anchor = Literal["start", "middle", "end"]
DARK, WHITE = "#1a1a1a", "#ffffff"


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    fill: str | None = None
    stroke: str | None = None
    stroke_width: float = 1.0
    radius: float = 0.0


@dataclass(frozen=True)
class Ellipse:
    cx: float
    cy: float
    rx: float
    ry: float
    fill: str | None = None
    stroke: str | None = None
    stroke_width: float = 1.0


@dataclass(frozen=True)
class Polygon:
    points: tuple[tuple[float, float], ...]
    fill: str


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # the baseline
    text: str
    size: float
    anchor: Anchor = "start"
    color: str = DARK
    bold: bool = False


@dataclass(frozen=True)
class QrCode:
    """A QR symbol's modules (``True`` dark), drawn in the square ``size`` at (x, y) without its quiet zone: the
    layout leaves four modules of white around it."""

    x: float
    y: float
    size: float
    matrix: tuple[tuple[bool, ...], ...]
    color: str = DARK

    @property
    def module(self) -> float:
        return self.size / len(self.matrix)


Shape = Rect | Ellipse | Polygon | Text | QrCode


@dataclass(frozen=True)
class Layer:
    """A named group of shapes (``frame``, ``mark``, ``texts``, ``qr``): an SVG group, a unit for tests."""

    name: str
    shapes: tuple[Shape, ...]


@dataclass(frozen=True)
class Artwork:
    width: float
    height: float
    layers: tuple[Layer, ...]
    title: str

    def layer(self, name: str) -> Layer:
        return next(layer for layer in self.layers if layer.name == name)


def qr_code(data: str, x: float, y: float, box: float) -> QrCode:
    """``data``'s QR code in the white square ``box`` at (x, y), which holds its quiet zone of four modules."""
    matrix = qr_matrix(data)
    quiet = 4 * box / (len(matrix) + 8)
    return QrCode(x + quiet, y + quiet, box - 2 * quiet, matrix)


def qr_matrix(data: str) -> tuple[tuple[bool, ...], ...]:
    """The modules of ``data``'s QR code: a full QR symbol (never a Micro QR, which phones do not read) with error
    correction level M, or better when that fits in the same version (segno's default boost)."""
    return tuple(tuple(bool(module) for module in row) for row in segno.make_qr(data, error="m").matrix)


Place = Callable[[float, float], tuple[float, float]]


def _placer(x: float, y: float, size: float) -> Place:
    """Unit coordinates (0 to 1 across the mark) to points."""
    return lambda u, v: (x + u * size, y + v * size)


def _ring(at: Place, size: float, color: str) -> Ellipse:
    cx, cy = at(0.5, 0.5)
    return Ellipse(cx, cy, 0.47 * size, 0.47 * size, stroke=color, stroke_width=0.035 * size)


def _footprint(x: float, y: float, size: float, color: str) -> tuple[Shape, ...]:
    """A right foot's print, sole and five toes, with CO2 on it, in a ring."""
    at = _placer(x, y, size)

    def oval(u: float, v: float, ru: float, rv: float) -> Ellipse:
        cx, cy = at(u, v)
        return Ellipse(cx, cy, ru * size, rv * size, fill=color)

    toes = [(0.40, 0.22, 0.055, 0.065), (0.495, 0.19, 0.045, 0.052), (0.575, 0.2, 0.04, 0.046)]
    toes += [(0.64, 0.235, 0.035, 0.04), (0.69, 0.285, 0.03, 0.034)]
    arch = Polygon((at(0.35, 0.48), at(0.66, 0.48), at(0.62, 0.72), at(0.41, 0.72)), color)
    label_x, label_y = at(0.505, 0.53)
    return (
        _ring(at, size, color),
        oval(0.505, 0.45, 0.16, 0.17),
        arch,
        oval(0.515, 0.74, 0.115, 0.125),
        *(oval(*toe) for toe in toes),
        Text(label_x, label_y, "CO2", 0.11 * size, "middle", WHITE, bold=True),
    )


def _leaf(x: float, y: float, size: float, color: str, arrow: str) -> tuple[Shape, ...]:
    """A leaf from bottom left to top right, its midrib in white, and an arrow pointing down beside it."""
    at = _placer(x, y, size)
    start, end, half_width = (0.18, 0.78), (0.7, 0.2), 0.16
    du, dv = end[0] - start[0], end[1] - start[1]
    length = math.hypot(du, dv)
    nu, nv = -dv / length, du / length  # unit normal of the leaf's axis

    def edge(side: float) -> list[tuple[float, float]]:
        steps = range(0, 25) if side > 0 else range(24, -1, -1)
        points = []
        for step in steps:
            t = step / 24
            bulge = side * half_width * math.sin(math.pi * t) * (1.15 - 0.3 * t)  # fuller near the stalk
            points.append(at(start[0] + t * du + bulge * nu, start[1] + t * dv + bulge * nv))
        return points

    rib = 0.012
    midrib = Polygon(
        (
            at(start[0] + rib * nu, start[1] + rib * nv),
            at(end[0] - 0.1 * du, end[1] - 0.1 * dv),
            at(start[0] - rib * nu, start[1] - rib * nv),
        ),
        WHITE,
    )
    stalk = Polygon((at(0.13, 0.86), at(0.2, 0.77), at(0.22, 0.79), at(0.155, 0.88)), color)
    down = ((0.74, 0.42), (0.84, 0.42), (0.84, 0.62), (0.9, 0.62), (0.79, 0.8), (0.68, 0.62), (0.74, 0.62))
    return (
        _ring(at, size, color),
        Polygon(tuple(edge(1) + edge(-1)), color),
        midrib,
        stalk,
        Polygon(tuple(at(u, v) for u, v in down), arrow),
    )


def _ten_rings(x: float, y: float, size: float, color: str, sun: str) -> tuple[Shape, ...]:
    """Ten rings, each linked with its neighbours, around green hills under a sun."""
    at = _placer(x, y, size)
    rings = []
    for index in range(10):
        angle = -math.pi / 2 + index * math.pi / 5
        cx, cy = at(0.5 + 0.34 * math.cos(angle), 0.5 + 0.34 * math.sin(angle))
        rings.append(Ellipse(cx, cy, 0.135 * size, 0.135 * size, stroke=color, stroke_width=0.025 * size))
    sun_x, sun_y = at(0.5, 0.42)
    hills = Polygon((at(0.3, 0.64), at(0.42, 0.47), at(0.5, 0.56), at(0.58, 0.44), at(0.7, 0.64)), color)
    return (*rings, Ellipse(sun_x, sun_y, 0.075 * size, 0.075 * size, fill=sun), hills)


MARK_COLOURS: Mapping[str, str] = {
    "carbon-footprint-label": "#2f7d4f",
    "low-carbon-product": "#2a9d5c",
    "environmental-label": "#1b7f3b",
}
MARKS: Mapping[str, Callable[[float, float, float], tuple[Shape, ...]]] = {
    "carbon-footprint-label": lambda x, y, size: _footprint(x, y, size, MARK_COLOURS["carbon-footprint-label"]),
    "low-carbon-product": lambda x, y, size: _leaf(x, y, size, MARK_COLOURS["low-carbon-product"], "#1f6fb2"),
    "environmental-label": lambda x, y, size: _ten_rings(x, y, size, MARK_COLOURS["environmental-label"], "#e8a317"),
}


def scheme_mark(scheme: str, x: float, y: float, size: float) -> tuple[Shape, ...]:
    """The mark of ``scheme`` (a key of ``MARKS``) in the square ``size`` at (x, y)."""
    return MARKS[scheme](x, y, size)
