"""The report's charts as drawings: horizontal bars (stages, gases, hotspots), a histogram, a tornado chart.

Bars run horizontally, one row per label, so labels never meet; a label longer than its column is cut. Value
labels sit beyond each bar's end, with room kept for them on both sides of zero.
"""

from __future__ import annotations

from collections.abc import Sequence

from lowcarbon.report.drawing import BLUE, GREEN, GREY, Anchor, Drawing, Line, Rect, Shape, Text, fit, text_width

__all__ = ["bars", "histogram", "tornado"]

ROW, SIZE, TOP = 16.0, 7.5, 22.0


def _figure(value: float) -> str:
    return f"{value:.4g}"


def _title(title: str, width: float) -> Text:
    return Text(width / 2, 12, fit(title, width, 9), 9, "middle", bold=True)


def bars(title: str, items: Sequence[tuple[str, float]], unit: str, width: float = 480) -> Drawing:
    """One horizontal bar per (label, value), in the order given; negative values run left of zero."""
    label_width = min(190.0, width * 0.38)
    texts = [_figure(value) for _, value in items]
    room = max((text_width(text, SIZE) for text in texts), default=0) + 6
    low = min((value for _, value in items), default=0.0)
    high = max((value for _, value in items), default=0.0)
    left, right = label_width + 6 + (room if low < 0 else 0), width - room
    span = (max(high, 0.0) - min(low, 0.0)) or 1.0
    scale = (right - left) / span
    zero = left - min(low, 0.0) * scale
    shapes: list[Shape] = [_title(title, width)]
    for row, ((label, value), text) in enumerate(zip(items, texts, strict=True)):
        y = TOP + row * ROW
        shapes.append(Text(label_width, y + 11, fit(label, label_width, SIZE), SIZE, "end"))
        x0, x1 = sorted((zero, zero + value * scale))
        shapes.append(Rect(x0, y + 3, max(x1 - x0, 0.5), ROW - 6, fill=GREEN if value >= 0 else BLUE))
        shapes.append(Text(x1 + 3, y + 11, text, SIZE) if value >= 0 else Text(x0 - 3, y + 11, text, SIZE, "end"))
    bottom = TOP + len(items) * ROW
    shapes.append(Line(zero, TOP, zero, bottom, GREY))
    shapes.append(Text(right, bottom + 12, unit, SIZE, "end", GREY))
    return Drawing(width, bottom + 18, tuple(shapes), title, "chart")


def histogram(title: str, samples: Sequence[float], marks: dict[str, float], unit: str, width: float = 480) -> Drawing:
    """The samples in 30 bins, with vertical lines at ``marks`` (e.g. the 2.5 and 97.5 percentiles)."""
    low, high = min(samples), max(samples)
    span = (high - low) or 1.0
    bins = 30
    counts = [0] * bins
    for value in samples:
        counts[min(int((value - low) / span * bins), bins - 1)] += 1
    left, right, top, bottom = 10.0, width - 10, TOP + 14, TOP + 130
    step = (right - left) / bins
    tallest = max(counts) or 1
    shapes: list[Shape] = [_title(title, width)]
    for index, count in enumerate(counts):
        height = (bottom - top) * count / tallest
        shapes.append(Rect(left + index * step + 0.5, bottom - height, step - 1, height, fill=GREEN))
    shapes.append(Line(left, bottom, right, bottom, GREY))
    for index, (name, value) in enumerate(marks.items()):
        x = left + (value - low) / span * (right - left)
        shapes.append(Line(x, top - 4, x, bottom, BLUE, dashed=True))
        label = f"{name} {_figure(value)}"
        anchor: Anchor = "start" if x < width / 2 else "end"
        shapes.append(Text(x + (3 if anchor == "start" else -3), top + 2 + index * 10, label, SIZE, anchor, BLUE))
    shapes.append(Text(left, bottom + 11, _figure(low), SIZE))
    shapes.append(Text(right, bottom + 11, _figure(high), SIZE, "end"))
    shapes.append(Text(width / 2, bottom + 11, unit, SIZE, "middle", GREY))
    return Drawing(width, bottom + 18, tuple(shapes), title, "chart")


def tornado(
    title: str, cases: Sequence[tuple[str, float, float]], base: float, unit: str, width: float = 480
) -> Drawing:
    """Per (label, total at low, total at high): a bar from the base total to each, widest swing on top."""
    ordered = sorted(cases, key=lambda case: -abs(case[2] - case[1]))
    label_width = min(170.0, width * 0.34)
    room = 52.0
    values = [base, *(v for _, lo, hi in ordered for v in (lo, hi))]
    low, high = min(values), max(values)
    left, right = label_width + 6 + room, width - room
    scale = (right - left) / ((high - low) or 1.0)
    x_base = left + (base - low) * scale
    shapes: list[Shape] = [_title(title, width)]
    for row, (label, total_low, total_high) in enumerate(ordered):
        y = TOP + row * ROW
        shapes.append(Text(label_width, y + 11, fit(label, label_width, SIZE), SIZE, "end"))
        for total, color in ((total_low, BLUE), (total_high, GREEN)):
            x = left + (total - low) * scale
            x0, x1 = sorted((x_base, x))
            shapes.append(Rect(x0, y + 3, max(x1 - x0, 0.5), ROW - 6, fill=color))
        lo_x, hi_x = sorted((left + (total_low - low) * scale, left + (total_high - low) * scale))
        lo_text, hi_text = (total_low, total_high) if total_low <= total_high else (total_high, total_low)
        shapes.append(Text(lo_x - 3, y + 11, _figure(lo_text), SIZE, "end"))
        shapes.append(Text(hi_x + 3, y + 11, _figure(hi_text), SIZE))
    bottom = TOP + len(ordered) * ROW
    shapes.append(Line(x_base, TOP, x_base, bottom, GREY))
    shapes.append(Text(x_base, bottom + 12, f"{_figure(base)} {unit}", SIZE, "middle", GREY))
    return Drawing(width, bottom + 18, tuple(shapes), title, "chart")
