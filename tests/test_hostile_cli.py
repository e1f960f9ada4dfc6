"""The contract on hostile files: ``lowcarbon footprint FILE`` (and ``catalog import FILE``) exits 1 with a one-line
error within 10 s, its peak memory under 300 MB (measured in a subprocess, from the kernel's own count of the child's
peak RSS)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from support.hostile import CORPUS, FACTOR_CORPUS, INVENTORY_CORPUS, run_measured

LOWCARBON = shutil.which("lowcarbon", path=str(Path(sys.executable).parent)) or "lowcarbon"
SECONDS, MEGABYTES = 10, 300


def _refused(path: Path, command: str = "footprint") -> str:
    result = run_measured([LOWCARBON, *command.split(), str(path)], timeout=60)
    assert result.returncode == 1, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), lines[0]
    assert result.seconds < SECONDS, f"{result.seconds:.1f} s"
    assert result.peak_mb < MEGABYTES, f"{result.peak_mb:.0f} MB"
    return lines[0]


@pytest.mark.parametrize("name", CORPUS)
def test_a_hostile_model_is_refused_in_bounded_time_and_memory(name: str, tmp_path: Path) -> None:
    file_name, make = CORPUS[name]
    path = tmp_path / file_name
    path.write_bytes(make())
    line = _refused(path)
    assert file_name in line


@pytest.mark.parametrize("name", FACTOR_CORPUS)
def test_a_hostile_factor_file_is_refused_in_bounded_time_and_memory(name: str, tmp_path: Path) -> None:
    file_name, make = FACTOR_CORPUS[name]
    (tmp_path / file_name).write_bytes(make())
    model = tmp_path / "model.yaml"
    model.write_text(_model_naming(file_name), encoding="utf-8")
    line = _refused(model)
    assert file_name in line


def _model_naming(factor_file: str) -> str:
    return (
        "product: {name: Widget}\ndeclared_unit: {amount: 1, unit: kg}\nboundary: cradle-to-gate\n"
        f"factor_files: [{factor_file}]\n"
        "stages:\n  - name: raw_material_acquisition\n    activities:\n"
        "      - {name: steel, amount: 1, unit: kg, factor: x/steel}\n"
    )


@pytest.mark.parametrize("name", INVENTORY_CORPUS)
def test_a_hostile_inventory_is_refused_in_bounded_time_and_memory(name: str, tmp_path: Path) -> None:
    file_name, make = INVENTORY_CORPUS[name]
    path = tmp_path / file_name
    path.write_bytes(make())
    assert file_name in _refused(path, "factors check")


CATALOG_HEADER = b"registry_id,brand,model,name_zh,category_code,label,certificate_number,certificate_status\n"
CATALOG_CORPUS: dict[str, tuple[str, bytes]] = {  # hostile registries for `lowcarbon catalog import`
    "csv with a 1 MB cell": ("cell.csv", CATALOG_HEADER + b"R1," + b"x" * 1_000_000 + b",m,n,A1,l,C1,valid\n"),
    "csv with NUL": ("nul.csv", CATALOG_HEADER + b"R1,b\x00,m,n,A1,l,C1,valid\n"),
    "csv with a million columns": ("wide.csv", b"," * 1_000_000 + b"\n"),
}


@pytest.mark.parametrize("name", [*CATALOG_CORPUS, "xlsx zip bomb"])
def test_a_hostile_registry_is_refused_in_bounded_time_and_memory(name: str, tmp_path: Path) -> None:
    if name in CATALOG_CORPUS:
        file_name, content = CATALOG_CORPUS[name]
    else:
        file_name, make = FACTOR_CORPUS[name]
        content = make()
    path = tmp_path / file_name
    path.write_bytes(content)
    assert file_name in _refused(path, f"catalog import --data-dir {tmp_path / 'data'}")
