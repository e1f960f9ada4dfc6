"""The kernel's shape: each module says what it is for, exports what it says, and imports no domain package."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

PLATFORM = Path(__file__).parents[2] / "src" / "lowcarbon" / "platform"
MODULES = sorted(
    path.relative_to(PLATFORM.parents[1]).with_suffix("").as_posix().replace("/", ".")
    for path in PLATFORM.rglob("*.py")
    if path.name not in {"__main__.py", "env.py"} and "versions" not in path.parts
)
# and `from lowcarbon import __version__`; ports and storage are what the kernel and the domains share
# lowcarbon.bounded reads files and bodies from outside within limits, lowcarbon.text checks text fields,
# lowcarbon.scale connects to a Dask cluster: utilities of every layer, like lowcarbon.errors.
ALLOWED = (
    "lowcarbon.platform",
    "lowcarbon.errors",
    "lowcarbon.ports",
    "lowcarbon.storage",
    "lowcarbon.bounded",
    "lowcarbon.text",
    "lowcarbon.scale",
)
ASSEMBLER = "app.py"  # the one module that mounts the domains' routers (DESIGN.md) and the browser UI (lowcarbon.web)
COMMANDS = "cli.py"  # `serve --demo` seeds demo data through lowcarbon.demo, which sits above the domains


@pytest.mark.parametrize("module", MODULES)
def test_module_says_what_it_is_for_and_exports_what_exists(module: str) -> None:
    """Every module has a docstring, and every name in its __all__ exists."""
    imported = importlib.import_module(module)
    assert imported.__doc__ and imported.__doc__.strip(), f"{module} has no docstring"
    for name in getattr(imported, "__all__", []):
        assert hasattr(imported, name), f"{module}.__all__ names {name}, which does not exist"


def test_kernel_imports_no_domain_package() -> None:
    """The platform imports only itself, lowcarbon.errors, ports, storage, bounded, text, scale and lowcarbon's version
    (DESIGN.md's kernel rule); the assembler, app.py, imports domains' descriptors (``<domain>.domain.DOMAIN``) and
    the UI's installer besides, and the commands lowcarbon.demo."""
    for path in PLATFORM.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [f"{node.module}.{alias.name}" for alias in node.names] if node.module != "lowcarbon" else []
                if node.module == "lowcarbon":
                    assert [alias.name for alias in node.names] == ["__version__"], path
            else:
                continue
            for name in names:
                if name.split(".")[0] != "lowcarbon" or name.startswith(ALLOWED):
                    continue
                if path == PLATFORM / COMMANDS and name.split(".")[:2] == ["lowcarbon", "demo"]:
                    continue
                assembled = path.name == ASSEMBLER and path.parent == PLATFORM
                mounted = (name.count(".") == 3 and name.endswith(".domain.DOMAIN")) or name == "lowcarbon.web.install"
                assert assembled and mounted, f"{path.relative_to(PLATFORM)} imports {name}"


def test_kernel_modules_load_no_domain_package() -> None:
    """Importing every kernel module but the assembler (and the commands, which start it) loads no domain package."""
    kernel = [m for m in MODULES if m not in {"lowcarbon.platform.app", "lowcarbon.platform.cli"}]
    code = (
        f"import sys, importlib; [importlib.import_module(m) for m in {kernel!r}]; "
        "print(sorted(m for m in sys.modules if m.startswith('lowcarbon.') and m.split('.')[1] not in "
        "('platform', 'errors', 'ports', 'storage', 'bounded', 'text', 'scale')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_commands_load_without_the_web_stack() -> None:
    """Importing the platform's commands (as `lowcarbon` will) loads neither FastAPI, SQLAlchemy nor Alembic."""
    code = (
        "import sys, lowcarbon.platform.cli; "
        "print(sorted(m for m in ('fastapi', 'sqlalchemy', 'alembic', 'uvicorn', 'argon2') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
