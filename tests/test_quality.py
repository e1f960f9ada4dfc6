"""The codebase stays ruff and mypy clean, and the public API is what it should be."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import lowcarbon.engine

ROOT = Path(__file__).parents[1]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False)


def test_ruff() -> None:
    """ruff check and ruff format --check pass on the whole repository."""
    check = run("ruff", "check", ".")
    assert check.returncode == 0, check.stdout + check.stderr
    fmt = run("ruff", "format", "--check", ".")
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


def test_mypy() -> None:
    """mypy --strict passes on the package."""
    result = run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def test_engine_public_api() -> None:
    """The engine exports exactly its documented names, each of which exists."""
    assert sorted(lowcarbon.engine.__all__) == [
        "Characterization",
        "Contributions",
        "DirectSolver",
        "IdIndex",
        "IterativeSolver",
        "LCASystem",
        "PardisoSolver",
        "Solution",
        "Solver",
        "SupplyChainNode",
        "by_activity",
        "by_flow",
        "choose_solver",
        "load_system",
        "read_datapackage",
        "supply_chain",
        "write_datapackage",
    ]
    for name in lowcarbon.engine.__all__:
        assert hasattr(lowcarbon.engine, name)


def test_engine_imports_nothing_else_from_lowcarbon() -> None:
    """The engine depends only on numpy/scipy, lowcarbon.errors and lowcarbon.bounded (DESIGN.md's one-way
    dependencies; the bounded reader reads every file from outside)."""
    for path in (ROOT / "src" / "lowcarbon" / "engine").glob("*.py"):
        for line in path.read_text().splitlines():
            if line.startswith(("import lowcarbon", "from lowcarbon")):
                module = line.split()[1]
                allowed = ("lowcarbon.engine", "lowcarbon.errors", "lowcarbon.bounded")  # the one reader of files
                assert module.startswith(allowed), f"{path.name}: {line}"


def test_test_modules_have_unique_names() -> None:
    """pytest imports test modules by their base name (tests/ has no packages): two of one name fail together."""
    names: dict[str, list[str]] = {}
    for path in (ROOT / "tests").rglob("test_*.py"):
        names.setdefault(path.name, []).append(str(path.relative_to(ROOT)))
    assert {name: paths for name, paths in names.items() if len(paths) > 1} == {}
