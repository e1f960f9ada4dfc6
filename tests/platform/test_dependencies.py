"""Every package the code imports is installed by ``pip install -e .`` (the README's run command), not only by the test
extras: a module imported only from the test extras works in CI and fails on a user's fresh machine."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).parents[2]
SOURCE = ROOT / "src" / "lowcarbon"


def _name(requirement: str) -> str:
    """A requirement's distribution name, normalised (PEP 503)."""
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
    assert match, requirement
    return re.sub(r"[-_.]+", "-", match.group()).lower()


def _installed_with(requirements: list[str]) -> set[str]:
    """The distributions ``requirements`` install, with what they require in turn (without their extras)."""
    found: set[str] = set()
    waiting = [_name(r) for r in requirements]
    while waiting:
        name = waiting.pop()
        if name in found:
            continue
        found.add(name)
        try:
            required = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        waiting += [_name(r) for r in required if "extra ==" not in r]
    return found


def _imported() -> dict[str, str]:
    """Each top-level module the source imports, with one file that imports it."""
    modules: dict[str, str] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                modules.setdefault(name.split(".")[0], str(path.relative_to(ROOT)))
    return modules


def test_every_imported_package_is_a_runtime_or_optional_dependency() -> None:
    """The runtime dependencies, and the optional extras other than ``test`` (imported only where the code falls back
    without them), install every third-party module the source imports."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    allowed = list(project["dependencies"])
    for extra, requirements in project["optional-dependencies"].items():
        if extra != "test":
            allowed += [r for r in requirements if not r.startswith("lowcarbon[")]
    installed = _installed_with(allowed)
    distributions = metadata.packages_distributions()
    missing = {}
    for module, where in _imported().items():
        if module in sys.stdlib_module_names or module in {"lowcarbon", "__future__"}:
            continue
        names = {_name(d) for d in distributions.get(module, [])}
        assert names, f"{module} (imported in {where}) is not installed at all"
        if not names & installed:
            missing[module] = (where, sorted(names))
    assert not missing, f"imported, but installed only by the test extras (add to [project] dependencies): {missing}"


def test_the_check_sees_a_test_only_package() -> None:
    """The closure of the test extras holds a package the runtime's does not (pytest): the check can fail."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "pytest" not in _installed_with(list(project["dependencies"]))
    assert "pytest" in _installed_with(project["optional-dependencies"]["test"])
