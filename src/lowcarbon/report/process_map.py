"""The process map: the system boundary as a diagram of boxes and arrows (GHG Protocol's process map).

The life-cycle stages stand in a row, in the model's order, each arrow leading to the next and the last to the
product (the declared unit); stages left out (``omitted_stages``) are dashed. Below each stage hang the processes
it uses, each under the first stage that uses it, processes used by processes a row further down; an arrow runs
from every process to each stage or process that uses it. A dashed frame marks the system boundary.
"""

from __future__ import annotations

from lowcarbon.footprint import ProductModel
from lowcarbon.footprint.model import Activity
from lowcarbon.report.drawing import DARK, GREEN, GREY, Drawing, Line, Rect, Shape, Text, wrap
from lowcarbon.report.words import Words

__all__ = ["process_map"]

BOX_H, GAP_Y, SIZE, PAD, GAP, MIN_W = 46.0, 26.0, 7.0, 8.0, 14.0, 84.0


def process_map(model: ProductModel, w: Words, width: float = 480) -> Drawing:
    """The model's stages and processes as boxes with arrows."""
    stages = [stage.name for stage in model.stages]
    columns = [*stages, *(name for name in model.omitted_stages if name not in stages)]
    count = len(columns) + 1  # and the product
    box_w = (width - 2 * PAD - GAP * (count - 1)) / count
    top = 22.0
    boxes: dict[str, tuple[float, float, float]] = {  # stage name or process id -> x, y, width
        name: (PAD + i * (box_w + GAP), top, box_w) for i, name in enumerate(columns)
    }
    rows, users = _rows(model)
    per_row = max(1, int((width - 2 * PAD + GAP) // (MIN_W + GAP)))
    row_y = top
    for ids in rows:
        for start in range(0, len(ids), per_row):
            chunk = ids[start : start + per_row]
            row_y += BOX_H + GAP_Y
            slot = (width - 2 * PAD) / len(chunk) if len(chunk) > 1 else (width - 2 * PAD) / per_row
            inner = min(slot - GAP, 150.0)
            shift = slot / 2 if start // per_row % 2 and len(chunk) < per_row else 0.0  # arrows pass between
            for index, pid in enumerate(chunk):
                boxes[pid] = (PAD + shift + index * slot + (slot - inner) / 2, row_y, inner)
    height = row_y + BOX_H + 10
    shapes: list[Shape] = [
        Rect(2, 16, width - 4, height - 18, stroke=GREEN, dashed=True),
        Text(6, 12, w.colon(w("boundary"), w.code(model.boundary)), SIZE + 1, bold=True, color=GREEN),
    ]
    for pid, targets in users.items():  # arrows first: a box drawn later hides the part that passes behind it
        x, y, bw = boxes[pid]
        for user in targets:
            ux, uy, uw = boxes[user]
            shapes.append(Line(x + bw / 2, y, _toward(ux, uw, x + bw / 2), uy + BOX_H, GREY, arrow=True))
    factor_lines = {stage.name: sum(a.factor is not None for a in stage.activities) for stage in model.stages}
    for name in columns:
        x, y, bw = boxes[name]
        omitted = name not in stages
        note = w("stage_omitted") if omitted else w.say("map_factor_lines", count=factor_lines[name])
        shapes += _box(x, y, bw, w.code(name), note, dashed=omitted, bold=True)
        shapes.append(Line(x + bw, y + BOX_H / 2, x + bw + GAP, y + BOX_H / 2, arrow=True))
    product = w.say("map_product", unit=f"{model.declared_unit.amount:g} {model.declared_unit.unit}")
    shapes += _box(PAD + len(columns) * (box_w + GAP), top, box_w, product, "", fill="#e6f2ea", bold=True)
    for process in model.processes:
        x, y, bw = boxes[process.id]
        shapes += _box(x, y, bw, process.name or process.id, process.id)
    return Drawing(width, height, tuple(shapes), w("process_map"), "map")


def _toward(x: float, width: float, source_x: float) -> float:
    """Where an arrow from ``source_x`` ends on a box's lower edge: straight up if it can, else near the side."""
    return min(max(source_x, x + 6), x + width - 6)


def _box(
    x: float,
    y: float,
    width: float,
    label: str,
    note: str,
    *,
    dashed: bool = False,
    fill: str = "#ffffff",
    bold: bool = False,
) -> list[Shape]:
    lines = wrap(label, width - 6, SIZE, 3 if note else 4)
    shapes: list[Shape] = [Rect(x, y, width, BOX_H, fill=fill, stroke=GREY if dashed else DARK, dashed=dashed)]
    for index, text in enumerate(lines):
        shapes.append(Text(x + width / 2, y + 10 + index * 9, text, SIZE, "middle", bold=bold))
    if note:
        shapes.append(
            Text(x + width / 2, y + BOX_H - 4, wrap(note, width - 6, SIZE - 1, 1)[0], SIZE - 1, "middle", GREY)
        )
    return shapes


def _rows(model: ProductModel) -> tuple[list[list[str]], dict[str, list[str]]]:
    """The processes by depth (used by a stage: the first row; by a process of row n: row n + 1; a process nothing
    uses: the first row), in the order they are reached; and who uses each (stage names and process ids)."""
    users: dict[str, list[str]] = {process.id: [] for process in model.processes}
    inputs = {process.id: process.inputs for process in model.processes}
    depth: dict[str, int] = {}
    queue: list[tuple[str, int]] = []

    def used(activities: list[Activity], user: str, row: int) -> None:
        for activity in activities:
            if activity.process in users and user not in users[activity.process]:
                users[activity.process].append(user)
                queue.append((activity.process, row))

    for stage in model.stages:
        used(stage.activities, stage.name, 0)
    while queue:
        pid, row = queue.pop(0)
        if pid not in depth:
            depth[pid] = row
            used(inputs[pid], pid, row + 1)
    for process in model.processes:
        depth.setdefault(process.id, 0)
    rows: list[list[str]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for pid, row in depth.items():
        rows[row].append(pid)
    return rows, users
