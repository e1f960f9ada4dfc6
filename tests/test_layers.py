"""DESIGN.md's layer rules, checked on the source: which part of lowcarbon may import which.

Every module under src/lowcarbon is parsed with ``ast``; its imports of lowcarbon (at any depth, inside functions
and under ``if TYPE_CHECKING:`` too, relative ones resolved) are checked against the tables just below. The tables
are the rules: edit them, not the checker, when DESIGN.md changes. Each rule is tested per importing module (per
package for cycles), so a failure names the one module that breaks it.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

# --- The rules, as data ------------------------------------------------------------------------------------------

# Domain packages (vertical slices); those that do not exist are not checked.
DOMAINS = ("footprint", "report", "certify", "catalog", "pact", "inclusive", "inventory")

# Which other domains a domain may import: a domain name allows all of it, "domain.module" that module (and below).
# engine <- factors <- footprint <- (report, certify, pact) <- catalog; inventory beside footprint; inclusive asks
# the certificate registry through certify's service.
DOMAIN_IMPORTS: Mapping[str, frozenset[str]] = {
    "footprint": frozenset(),
    "report": frozenset({"footprint"}),
    "certify": frozenset({"footprint", "report"}),  # a verifier reads the frozen study's report
    "pact": frozenset({"footprint"}),
    "catalog": frozenset({"footprint", "report", "certify", "pact"}),
    # the inventory report is laid out as the study report is; verification and evaluation are worked on
    # certification's machinery (workflow, parties, signing keys, statements verified as certificates are)
    "inventory": frozenset({"footprint", "report", "certify"}),
    "inclusive": frozenset({"certify.service"}),
}

# the engine: numpy/scipy, lowcarbon.errors, and the one bounded reader of files from outside
ENGINE_IMPORTS = frozenset({"engine", "errors", "bounded"})
FACTORS_IMPORTS = frozenset({"factors", "engine", "errors", "units", "bounded"})

# A domain's modules that face the server and may import lowcarbon.platform and lowcarbon.web (by their name just
# below the domain: footprint/routes.py, footprint/pages.py, or a package footprint/pages/; cli.py, its commands,
# which open the platform's database as the platform's commands do); all others, its model, core and service, work
# without a server.
WEB_FACING = frozenset({"routes", "pages", "charts", "domain", "cli"})

KERNEL = frozenset({"platform", "web"})  # import no domain package...
ASSEMBLERS = frozenset({"lowcarbon.platform.app"})  # ...but the assembler, which mounts every domain

# Above everything: entry points that may import anything. Their own imports are not checked.
ENTRY_MODULES = frozenset({"lowcarbon.cli", "lowcarbon.demo", "lowcarbon.__main__"})
# The top of the package graph, left out of it: the entry modules and the assemblers (which mount every domain and
# the UI, and which the commands start), so that the kernel's own modules are not on a cycle through them.
TOP = ENTRY_MODULES | ASSEMBLERS
# Imported by every layer: no node of the package graph. "lowcarbon" is the root package (its __version__).
# lowcarbon.bounded, the one reader of files from outside, imports only lowcarbon.errors.
LEAVES = frozenset({"lowcarbon", "lowcarbon.errors", "lowcarbon.units", "lowcarbon.bounded"})

# --- The checker -------------------------------------------------------------------------------------------------

ROOT = Path(__file__).parents[1]
SRC = ROOT / "src" / "lowcarbon"


@dataclass(frozen=True)
class Import:
    """One import of a lowcarbon module by another, at a line."""

    importer: str
    imported: str  # the module the statement names ("lowcarbon.footprint.model"), as written if it does not exist
    line: int


@dataclass(frozen=True)
class Violation:
    rule: str
    importer: str  # a module, or for "cycles" a package
    imported: str
    line: int
    why: str

    def __str__(self) -> str:
        at = f" (line {self.line})" if self.line else ""
        return f"{self.importer} imports {self.imported}{at}: rule {self.rule}: {self.why}"


def module_name(relative: str) -> tuple[str, bool]:
    """("lowcarbon.footprint.model", False) for "footprint/model.py"; packages by their __init__.py."""
    parts = ["lowcarbon", *relative.removesuffix(".py").split("/")]
    package = parts[-1] == "__init__"
    return ".".join(parts[:-1] if package else parts), package


def collect(files: Mapping[str, str]) -> dict[str, list[Import]]:
    """Module -> its imports of lowcarbon, from sources by path below src/lowcarbon ("footprint/model.py")."""
    modules = {name: (package, files[path]) for path in files for name, package in [module_name(path)]}
    found: dict[str, list[Import]] = {}
    for name, (package, source) in modules.items():
        imports = []
        for node in ast.walk(ast.parse(source, filename=name)):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: from the importer's package, one level up per dot after the first
                    package_parts = name.split(".") if package else name.split(".")[:-1]
                    kept = package_parts[: len(package_parts) - (node.level - 1)]
                    base = ".".join([*kept, *([node.module] if node.module else [])])
                # `from package import module` names the module; `from module import name` the module
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            else:
                continue
            for target in targets:
                if target.split(".")[0] == "lowcarbon":
                    imports.append(Import(name, target, node.lineno))
        found[name] = list(dict.fromkeys(imports))  # `from a import b, c` may name one module twice
    return found


def part(module: str) -> str:
    """The top-level part of lowcarbon a module belongs to: "footprint", "errors", "cli"; "lowcarbon" for the root."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def within(module: str, allowed: Iterable[str]) -> bool:
    """Whether ``module`` is one of ``allowed`` ("footprint", "certify.service") or inside one."""
    return any(module == f"lowcarbon.{a}" or module.startswith(f"lowcarbon.{a}.") for a in allowed)


@dataclass(frozen=True)
class Rule:
    """A rule on modules: the importing modules it applies to, and why an import of one of them is forbidden."""

    name: str
    applies: Callable[[str], bool]  # to this importing module
    forbids: Callable[[str, str], str | None]  # (importer, imported) -> why not, or None when allowed

    def check(self, imports: Mapping[str, list[Import]]) -> list[Violation]:
        return [
            Violation(self.name, i.importer, i.imported, i.line, why)
            for module, found in imports.items()
            if self.applies(module)
            for i in found
            if (why := self.forbids(module, i.imported)) is not None
        ]


def _engine(importer: str, imported: str) -> str | None:
    return None if within(imported, ENGINE_IMPORTS) else "the engine imports nothing from lowcarbon but errors"


def _factors(importer: str, imported: str) -> str | None:
    allowed = ", ".join(sorted(FACTORS_IMPORTS))
    return None if within(imported, FACTORS_IMPORTS) else f"lowcarbon.factors imports only {allowed}"


def _domains(importer: str, imported: str) -> str | None:
    domain, other = part(importer), part(imported)
    allowed = DOMAIN_IMPORTS.get(domain, frozenset())
    if other not in DOMAINS or other == domain or within(imported, allowed):
        return None
    return f"domain {domain} may import {', '.join(sorted(allowed)) or 'no other domain'}, not {other}"


def _web_facing(module: str) -> bool:
    parts = module.split(".")
    return len(parts) > 2 and parts[2] in WEB_FACING


def _server_free(importer: str, imported: str) -> str | None:
    if part(imported) not in KERNEL:
        return None
    facing = ", ".join(sorted(WEB_FACING))
    return f"a domain's model, core and service work without a server; only its {facing} modules import {imported}"


def _kernel(importer: str, imported: str) -> str | None:
    if part(imported) not in DOMAINS:
        return None
    return f"the kernel imports no domain package; only {', '.join(sorted(ASSEMBLERS))} mounts them"


RULES = (
    Rule("engine", lambda m: part(m) == "engine", _engine),
    Rule("factors", lambda m: part(m) == "factors", _factors),
    Rule("domains", lambda m: part(m) in DOMAINS, _domains),
    Rule("server-free", lambda m: part(m) in DOMAINS and not _web_facing(m), _server_free),
    Rule("kernel", lambda m: part(m) in KERNEL and m not in ASSEMBLERS, _kernel),
)


def _is_leaf(module: str) -> bool:
    """A leaf module, or one inside a leaf package ("lowcarbon" itself is only the root's __init__)."""
    return module in LEAVES or any(module.startswith(f"{leaf}.") for leaf in LEAVES - {"lowcarbon"})


def package_graph(imports: Mapping[str, list[Import]]) -> dict[str, dict[str, Import]]:
    """Package -> package it imports -> one import that makes the edge (leaves and the top left out)."""
    graph: dict[str, dict[str, Import]] = {}
    for module, found in imports.items():
        if _is_leaf(module) or module in TOP:
            continue
        edges = graph.setdefault(part(module), {})
        for i in found:
            if not _is_leaf(i.imported) and i.imported not in TOP and part(i.imported) != part(module):
                edges.setdefault(part(i.imported), i)
    return graph


def check_cycles(imports: Mapping[str, list[Import]]) -> list[Violation]:
    """Rule cycles: no import cycle between lowcarbon's top-level packages; one violation per package on one."""
    graph = package_graph(imports)
    violations = []
    for package in sorted(graph):
        cycle = _shortest_cycle(graph, package)
        if cycle:
            steps = "; ".join(
                f"{graph[a][b].importer} imports {graph[a][b].imported} (line {graph[a][b].line})"
                for a, b in itertools.pairwise(cycle)
            )
            first = graph[cycle[0]][cycle[1]]
            why = f"import cycle {' -> '.join(cycle)}: {steps}"
            violations.append(Violation("cycles", package, first.imported, 0, why))
    return violations


def _shortest_cycle(graph: Mapping[str, Mapping[str, Import]], start: str) -> list[str]:
    """The shortest path start -> ... -> start, as packages; [] when there is none (breadth-first)."""
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(graph.get(node, {})):
                if target == start:
                    return [*paths[node], start]
                if target not in paths:
                    paths[target] = [*paths[node], target]
                    following.append(target)
        frontier = following
    return []


def check(imports: Mapping[str, list[Import]]) -> list[Violation]:
    """Every violation of every rule; the entry modules' own imports are not checked."""
    checked = {module: found for module, found in imports.items() if module not in ENTRY_MODULES}
    return [v for rule in RULES for v in rule.check(checked)] + check_cycles(checked)


# --- The tree ----------------------------------------------------------------------------------------------------

FILES = {path.relative_to(SRC).as_posix(): path.read_text() for path in sorted(SRC.rglob("*.py"))}
IMPORTS = collect(FILES)
VIOLATIONS = check(IMPORTS)


def subjects(rule: str) -> list[str]:
    """The modules a rule checks (packages for "cycles"), in order."""
    modules = [m for m in IMPORTS if m not in ENTRY_MODULES]
    if rule == "cycles":
        return sorted(package_graph({m: IMPORTS[m] for m in modules}))
    (applies,) = [r.applies for r in RULES if r.name == rule]
    return [m for m in modules if applies(m)]


def assert_obeys(rule: str, subject: str) -> None:
    found = [str(v) for v in VIOLATIONS if v.rule == rule and v.importer == subject]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("module", subjects("engine"))
def test_engine_imports_only_errors(module: str) -> None:
    """lowcarbon.engine imports nothing from lowcarbon but lowcarbon.errors (and itself)."""
    assert_obeys("engine", module)


@pytest.mark.parametrize("module", subjects("factors"))
def test_factors_import_no_domain_nor_server(module: str) -> None:
    """lowcarbon.factors imports only the engine, errors, units and itself."""
    assert_obeys("factors", module)


@pytest.mark.parametrize("module", subjects("domains"))
def test_domains_depend_one_way(module: str) -> None:
    """A domain imports only the domains below it (DOMAIN_IMPORTS)."""
    assert_obeys("domains", module)


@pytest.mark.parametrize("module", subjects("server-free"))
def test_domain_cores_work_without_a_server(module: str) -> None:
    """A domain's model, core and service import neither lowcarbon.platform nor lowcarbon.web."""
    assert_obeys("server-free", module)


@pytest.mark.parametrize("module", subjects("kernel"))
def test_kernel_imports_no_domain(module: str) -> None:
    """lowcarbon.platform and lowcarbon.web import no domain; only the assembler mounts them."""
    assert_obeys("kernel", module)


@pytest.mark.parametrize("package", subjects("cycles"))
def test_no_import_cycles_between_packages(package: str) -> None:
    """No top-level package of lowcarbon is on an import cycle (errors and units are leaves)."""
    assert_obeys("cycles", package)


def test_the_bounded_reader_imports_only_errors() -> None:
    """lowcarbon.bounded is a leaf every layer uses: it imports only lowcarbon.errors and itself."""
    found = [
        f"{i.importer} imports {i.imported} (line {i.line})"
        for module, imports in IMPORTS.items()
        if module.startswith("lowcarbon.bounded")
        for i in imports
        if not i.imported.startswith(("lowcarbon.errors", "lowcarbon.bounded"))
    ]
    assert not found


def test_the_tree_is_read() -> None:
    """The checker sees every module of the tree, and their imports."""
    assert len(IMPORTS) == len(FILES) > 50
    assert {"engine", "factors", "platform", "footprint", "errors"} <= {part(m) for m in IMPORTS}
    assert any(i.imported == "lowcarbon.errors" for found in IMPORTS.values() for i in found)


# --- The checker checked: synthetic trees that break each rule ----------------------------------------------------

CLEAN = {
    "__init__.py": "__version__ = '0'",
    "errors.py": "",
    "units.py": "from lowcarbon.errors import LowcarbonError",
    "cli.py": "import lowcarbon.platform.app\nfrom lowcarbon.footprint import compute",
    "engine/__init__.py": "from .system import LCASystem",
    "engine/system.py": "from ..errors import LowcarbonError",
    "factors/__init__.py": "from lowcarbon.factors.library import FactorLibrary",
    "factors/library.py": "from lowcarbon import units\nfrom lowcarbon.engine import LCASystem",
    "footprint/__init__.py": "",
    "footprint/model.py": "from lowcarbon.factors import FactorLibrary",
    "footprint/service.py": "from . import model\nfrom lowcarbon.ports import Ports",
    "footprint/routes.py": "from lowcarbon.platform import dependencies\nfrom lowcarbon.footprint import service",
    "footprint/pages.py": "from lowcarbon.web.render import render",
    "certify/__init__.py": "",
    "certify/service.py": "from lowcarbon.footprint.model import Model",
    "inclusive/__init__.py": "",
    "inclusive/ledger.py": "def f():\n    from lowcarbon.certify import service",
    "ports.py": "",
    "platform/__init__.py": "from lowcarbon import __version__",
    "platform/dependencies.py": "from lowcarbon.errors import NotFound",
    "platform/app.py": "from lowcarbon.footprint import routes\nfrom lowcarbon.web import render",
    "web/__init__.py": "",
    "web/render.py": "from ..platform import dependencies",
}

BROKEN = [
    pytest.param(
        {"engine/system.py": "def f():\n    from lowcarbon.units import registry"},
        [("engine", "lowcarbon.engine.system", "lowcarbon.units")],
        id="engine-imports-units-inside-a-function",
    ),
    pytest.param(
        {"factors/library.py": "from ..footprint import model"},
        [
            ("factors", "lowcarbon.factors.library", "lowcarbon.footprint.model"),
            ("cycles", "factors", "lowcarbon.footprint.model"),  # footprint imports factors: a cycle too
            ("cycles", "footprint", "lowcarbon.factors"),
        ],
        id="factors-imports-a-domain-relatively",
    ),
    pytest.param(
        {"factors/library.py": "import lowcarbon.platform.dependencies"},
        [("factors", "lowcarbon.factors.library", "lowcarbon.platform.dependencies")],
        id="factors-imports-the-platform",
    ),
    pytest.param(
        {"footprint/model.py": "from lowcarbon.certify.service import issue"},
        [
            ("domains", "lowcarbon.footprint.model", "lowcarbon.certify.service"),
            ("cycles", "certify", "lowcarbon.footprint.model"),
            ("cycles", "footprint", "lowcarbon.certify.service"),
        ],
        id="footprint-imports-certify",
    ),
    pytest.param(
        {"inclusive/ledger.py": "from lowcarbon.certify import model"},
        [("domains", "lowcarbon.inclusive.ledger", "lowcarbon.certify")],
        id="inclusive-imports-more-of-certify-than-its-service",
    ),
    pytest.param(
        {"footprint/service.py": "from lowcarbon.platform.dependencies import SessionDep"},
        [("server-free", "lowcarbon.footprint.service", "lowcarbon.platform.dependencies")],
        id="a-service-imports-the-platform",
    ),
    pytest.param(
        {"certify/service.py": "if True:\n    import lowcarbon.web.render as render"},
        [("server-free", "lowcarbon.certify.service", "lowcarbon.web.render")],
        id="a-service-imports-the-web",
    ),
    pytest.param(
        {"platform/dependencies.py": "from lowcarbon.footprint import service"},
        [
            ("kernel", "lowcarbon.platform.dependencies", "lowcarbon.footprint.service"),
            ("cycles", "footprint", "lowcarbon.platform.dependencies"),  # through footprint.routes
            ("cycles", "platform", "lowcarbon.footprint.service"),
            ("cycles", "web", "lowcarbon.platform.dependencies"),  # web -> platform -> footprint -> web
        ],
        id="the-kernel-imports-a-domain",
    ),
    pytest.param(
        {"web/render.py": "from lowcarbon.certify.service import issue"},
        [
            ("kernel", "lowcarbon.web.render", "lowcarbon.certify.service"),
            ("cycles", "certify", "lowcarbon.footprint.model"),  # certify -> footprint -> web (its pages) -> certify
            ("cycles", "footprint", "lowcarbon.web.render"),
            ("cycles", "web", "lowcarbon.certify.service"),
        ],
        id="the-web-imports-a-domain",
    ),
    pytest.param(
        {"ports.py": "from lowcarbon.footprint.model import Model"},
        [
            ("cycles", "footprint", "lowcarbon.ports"),
            ("cycles", "ports", "lowcarbon.footprint.model"),
        ],
        id="a-cycle-through-a-shared-module",
    ),
]


def test_collect_resolves_imports() -> None:
    """Relative imports are resolved; imports inside functions and under TYPE_CHECKING count; others are left out."""
    files = {
        "__init__.py": "",
        "errors.py": "",
        "units.py": "",
        "engine/__init__.py": "",
        "engine/system.py": "",
        "footprint/__init__.py": "from .model import Model\nfrom . import compute",
        "footprint/model.py": (
            "from ..errors import NotFound\nimport lowcarbon.units as u\nfrom lowcarbon import errors, __version__"
        ),
        "footprint/compute.py": (
            "import numpy\nfrom typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    from lowcarbon.engine import LCASystem\n"
            "def f():\n    from lowcarbon.factors.library import FactorLibrary"
        ),
        "footprint/sub/__init__.py": "from ...engine import system",
    }
    found = {module: [(i.imported, i.line) for i in imports] for module, imports in collect(files).items()}
    assert found["lowcarbon.footprint"] == [("lowcarbon.footprint.model", 1), ("lowcarbon.footprint.compute", 2)]
    assert found["lowcarbon.footprint.model"] == [
        ("lowcarbon.errors", 1),
        ("lowcarbon.units", 2),
        ("lowcarbon.errors", 3),
        ("lowcarbon", 3),  # __version__, from the root package
    ]
    # lowcarbon.factors.library does not exist here: kept as written, so a rule still sees what it names
    assert found["lowcarbon.footprint.compute"] == [("lowcarbon.engine", 4), ("lowcarbon.factors.library", 6)]
    assert found["lowcarbon.footprint.sub"] == [("lowcarbon.engine.system", 1)]
    assert found["lowcarbon.engine"] == []


def _violations(changes: Mapping[str, str]) -> list[Violation]:
    return check(collect({**CLEAN, **changes}))


def test_checker_passes_a_clean_tree() -> None:
    """The synthetic tree obeys every rule (relative imports, the assembler, web-facing modules, entry modules)."""
    assert _violations({}) == []


@pytest.mark.parametrize(("changes", "expected"), BROKEN)
def test_checker_reports_each_rule(changes: Mapping[str, str], expected: list[tuple[str, str, str]]) -> None:
    """A synthetic tree that breaks a rule is reported, naming the rule, the importer and the imported module."""
    violations = _violations(changes)
    assert {(v.rule, v.importer, v.imported) for v in violations} == set(expected), violations
    for violation in violations:
        assert violation.importer in str(violation) and violation.imported in str(violation)
        assert f"rule {violation.rule}" in str(violation)


def test_checker_names_the_cycle() -> None:
    """A cycle is reported with its packages in order and the import that makes each step."""
    violations = _violations({"factors/library.py": "import lowcarbon.footprint"})
    cycles = [str(v) for v in violations if v.rule == "cycles"]
    assert cycles == [
        "factors imports lowcarbon.footprint: rule cycles: import cycle factors -> footprint -> factors: "
        "lowcarbon.factors.library imports lowcarbon.footprint (line 1); "
        "lowcarbon.footprint.model imports lowcarbon.factors (line 1)",
        "footprint imports lowcarbon.factors: rule cycles: import cycle footprint -> factors -> footprint: "
        "lowcarbon.footprint.model imports lowcarbon.factors (line 1); "
        "lowcarbon.factors.library imports lowcarbon.footprint (line 1)",
    ]
