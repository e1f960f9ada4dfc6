"""The worked examples the report tests build reports of, and how (tests/report)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

EXAMPLES = Path(__file__).parents[2] / "examples"
NAMES = ("pv-module", "cotton-tshirt", "hydrogen-electrolysis")


def pdftotext(pdf: Path) -> str:
    """The text of ``pdf`` as poppler's pdftotext reads it."""
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def have_poppler() -> bool:
    return all(shutil.which(tool) for tool in ("pdftotext", "pdftoppm", "pdffonts"))
