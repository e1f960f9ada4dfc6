"""Drawings as plain shapes (boxes, lines, arrows, texts), laid out once and drawn as SVG or as reportlab graphics.

Coordinates are points from the top left, as SVG has them; the PDF side turns them upside down. Texts are
measured with an estimate that errs wide (a CJK character one em, any other 0.6 em), and labels are cut or
wrapped to the room they have, so no two labels overlap in either rendering.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

__all__ = ["BLUE", "GREEN", "GREY", "Anchor", "Drawing", "Line", "Rect", "Shape", "Text", "fit", "text_width", "wrap"]

Anchor = Literal["start", "middle", "end"]
GREEN, BLUE, GREY, DARK = "#2f7d4f", "#4a7fb5", "#9aa5ad", "#222222"


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    fill: str | None = None
    stroke: str | None = None
    dashed: bool = False


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str = DARK
    width: float = 0.8
    arrow: bool = False  # an arrow head at (x2, y2)
    dashed: bool = False


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # the baseline
    text: str
    size: float = 8.0
    anchor: Anchor = "start"
    color: str = DARK
    bold: bool = False


Shape = Rect | Line | Text


@dataclass(frozen=True)
class Drawing:
    """A figure: its size in points, its shapes, and what it shows (the SVG's title, the PDF's caption)."""

    width: float
    height: float
    shapes: tuple[Shape, ...]
    title: str
    kind: str  # "chart" or "map": what tests and styles look for


def _em(char: str) -> float:
    return 1.0 if unicodedata.east_asian_width(char) in ("W", "F") else 0.6


def text_width(text: str, size: float) -> float:
    """An estimate of ``text``'s width at ``size`` points that is never short."""
    return sum(_em(char) for char in text) * size


def fit(text: str, width: float, size: float) -> str:
    """``text``, cut with an ellipsis to ``width``."""
    if text_width(text, size) <= width:
        return text
    kept = ""
    for char in text:
        if text_width(kept + char + "…", size) > width:
            break
        kept += char
    return kept + "…"


def wrap(text: str, width: float, size: float, lines: int) -> list[str]:
    """``text`` in at most ``lines`` lines of ``width``: broken between words, or anywhere in a long word or
    in Chinese text; the last line cut with an ellipsis when it does not all fit."""
    result: list[str] = []
    current = ""
    for token in _tokens(text):
        candidate = current + token
        if text_width(candidate.strip(), size) <= width:
            current = candidate
            continue
        if current.strip():
            result.append(current.strip())
        current = token.lstrip()
        while text_width(current, size) > width:  # a word longer than a line
            head = fit(current, width, size).removesuffix("…")[:-1] or current[:1]
            result.append(head)
            current = current[len(head) :]
    if current.strip():
        result.append(current.strip())
    if len(result) > lines:
        result = [*result[: lines - 1], fit(" ".join(result[lines - 1 :]), width, size)]
    return result


def _tokens(text: str) -> list[str]:
    """Words with their leading space; each wide character a token of its own."""
    tokens: list[str] = []
    current = ""
    for char in text:
        if _em(char) == 1.0 or char == " ":
            if current:
                tokens.append(current)
            current = char if char == " " else ""
            if char != " ":
                tokens.append(char)
        else:
            current += char
    if current:
        tokens.append(current)
    return tokens
