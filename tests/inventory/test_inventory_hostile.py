"""Hostile inventory files (YAML bombs, workbook bombs) are refused by `lowcarbon inventory compute` in bounded time
and memory, with the file named, as the footprint's are (tests/test_hostile_cli.py): the bounded reader reads both."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from support.hostile import CORPUS, run_measured

LOWCARBON = shutil.which("lowcarbon", path=str(Path(sys.executable).parent)) or "lowcarbon"
SECONDS, MEGABYTES = 10, 300
FILES = [name for name, (file_name, _) in CORPUS.items() if file_name.endswith((".yaml", ".xlsx"))]


@pytest.mark.parametrize("name", FILES)
def test_a_hostile_inventory_file_is_refused(name: str, tmp_path: Path) -> None:
    file_name, make = CORPUS[name]
    path = tmp_path / file_name
    path.write_bytes(make())
    result = run_measured([LOWCARBON, "inventory", "compute", str(path), "--json"], timeout=60)
    assert result.returncode == 1, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert lines and all(line.startswith("error: ") for line in lines), result.stderr
    assert file_name in lines[0]
    assert result.stdout == ""
    assert result.seconds < SECONDS, f"{result.seconds:.1f} s"
    assert result.peak_mb < MEGABYTES, f"{result.peak_mb:.0f} MB"
