"""The report as a document in one language: sections of paragraphs, facts, tables, lists and figures.

``sections.document`` writes it once from a Report; ``html`` and ``pdf`` only lay it out, so both formats hold the
same text, and tests can check the content without reading a PDF.
"""

from __future__ import annotations

from dataclasses import dataclass

from lowcarbon.report.drawing import Drawing, Text
from lowcarbon.report.words import Lang

__all__ = ["Block", "Document", "Facts", "Figure", "Items", "Para", "Rows", "Section", "Table"]


Rows = tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Para:
    text: str
    strong: bool = False


@dataclass(frozen=True)
class Facts:
    """Label and value pairs."""

    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: Rows
    numeric: tuple[int, ...] = ()  # the columns of numbers, right-aligned
    caption: str = ""
    mono: tuple[int, ...] = ()  # the columns of hashes and codes, in a fixed-width font


@dataclass(frozen=True)
class Items:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Figure:
    drawing: Drawing


Block = Para | Facts | Table | Items | Figure


@dataclass(frozen=True)
class Section:
    id: str  # stable: what tests and links use
    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Document:
    lang: Lang
    title: str
    subtitle: str
    headline: str  # the product's footprint in one sentence
    sections: tuple[Section, ...]

    def text(self) -> str:
        """Every text of the document, figures' labels included, one block a line (for search and tests)."""
        parts = [self.title, self.subtitle, self.headline]
        for section in self.sections:
            parts.append(section.heading)
            for block in section.blocks:
                parts.extend(_texts(block))
        return "\n".join(parts)


def _texts(block: Block) -> list[str]:
    if isinstance(block, Para):
        return [block.text]
    if isinstance(block, Facts):
        return [f"{label}: {value}" for label, value in block.rows]
    if isinstance(block, Table):
        return [block.caption, " | ".join(block.header), *(" | ".join(row) for row in block.rows)]
    if isinstance(block, Items):
        return list(block.items)
    return [block.drawing.title, *(shape.text for shape in block.drawing.shapes if isinstance(shape, Text))]
