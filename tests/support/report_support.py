"""The worked examples the report tests build reports of, and how (tests/report)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).parents[2] / "examples"
NAMES = ("pv-module", "cotton-tshirt", "hydrogen-electrolysis")
POPPLER = ("pdftotext", "pdftoppm", "pdffonts")


def require_poppler() -> None:
    """Fail, naming the fix, when poppler-utils is not installed (as the browser tests do for Chromium)."""
    missing = [tool for tool in POPPLER if shutil.which(tool) is None]
    if missing:
        tools = ", ".join(missing)
        pytest.fail(f"{tools} missing: install Debian's poppler-utils (apt-get install poppler-utils), as .ci/run does")


def pdftotext(pdf: Path) -> str:
    """The text of ``pdf`` as poppler's pdftotext reads it."""
    require_poppler()
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
