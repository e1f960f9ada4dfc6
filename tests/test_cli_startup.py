"""The command line starts without the heavy libraries: each command imports what it uses when it runs.

No timing here (benchmarks/cli_startup.py measures it): these tests check, in a fresh interpreter, which modules
``import lowcarbon.cli``, ``lowcarbon --version`` and ``lowcarbon --help`` load.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lowcarbon import __version__

EXAMPLE = Path(__file__).parents[1] / "examples" / "pv-module" / "model.yaml"

# numpy and scipy (the engine), reportlab (the report's PDF), pydantic settings, SQLAlchemy and FastAPI (the platform)
HEAVY = ("scipy", "numpy", "lowcarbon.engine.solvers", "reportlab", "pydantic_settings", "sqlalchemy", "fastapi")

# Runs the console script's entry point with the given arguments; prints the loaded modules on the way out.
RUN_ENTRY_POINT = """
import json, sys
from lowcarbon.cli import run
sys.argv = ["lowcarbon", *sys.argv[1:]]
try:
    run()
finally:
    print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def loaded(source: str, *args: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """A fresh interpreter runs ``source``, which prints its sys.modules as JSON on the last line of stderr."""
    done = subprocess.run(
        [sys.executable, "-c", source, *args], capture_output=True, text=True, timeout=120, check=False
    )
    return done, set(json.loads(done.stderr.splitlines()[-1]))


def test_importing_the_command_line_loads_no_heavy_module() -> None:
    """`import lowcarbon.cli` registers every command but imports none of the engine, report or platform stacks."""
    done, modules = loaded("import json, sys, lowcarbon.cli; print(json.dumps(sorted(sys.modules)), file=sys.stderr)")
    assert done.returncode == 0, done.stderr
    assert "lowcarbon.cli" in modules
    assert not modules & set(HEAVY)


@pytest.mark.parametrize("option", ["--version", "--help"])
def test_version_and_help_load_no_heavy_module(option: str) -> None:
    """`lowcarbon --version` and `lowcarbon --help` answer without importing the heavy libraries."""
    done, modules = loaded(RUN_ENTRY_POINT, option)
    assert done.returncode == 0, done.stderr
    assert (__version__ in done.stdout) if option == "--version" else ("footprint" in done.stdout)
    assert not modules & set(HEAVY)


def test_a_command_still_loads_what_it_uses() -> None:
    """The check above can fail: a command that solves a model does load the engine's solvers and numpy."""
    done, modules = loaded(RUN_ENTRY_POINT, "footprint", str(EXAMPLE), "--json")
    assert done.returncode == 0, done.stderr
    assert {"numpy", "lowcarbon.engine.solvers"} <= modules


def test_a_small_model_needs_neither_pint_nor_sparse_factorization() -> None:
    """`lowcarbon footprint` on an example converts its units through the common table and solves densely: pint,
    scipy.sparse.linalg and scipy.sparse.csgraph (about 0.4 s together) stay unloaded."""
    done, modules = loaded(RUN_ENTRY_POINT, "footprint", str(EXAMPLE), "--json")
    assert done.returncode == 0, done.stderr
    assert not modules & {"pint", "scipy.sparse.linalg", "scipy.sparse.csgraph", "dask"}
