"""The LCA engine: sparse technosphere, biosphere and characterization; one factorization, many solves.

An ``LCASystem`` is immutable; ``system.solve(demand)`` returns a ``Solution`` to read scores and contributions from.

Uncertainty lives in its own modules: ``distributions`` (stats_arrays' distributions), ``uncertainty``
(``load_uncertain_system``: a system with the distributions of its datapackages' values) and ``montecarlo``
(``monte_carlo``: statistics and contributions to variance).

Imports nothing from lowcarbon but ``errors``. The names below load from their modules on first use (PEP 562), so
that importing one module of the engine (``lowcarbon.engine.solvers``) does not import all the others and scipy's.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lowcarbon.engine.contributions import Contributions, SupplyChainNode, by_activity, by_flow, supply_chain
    from lowcarbon.engine.datapackage import load_system, read_datapackage, write_datapackage
    from lowcarbon.engine.ids import IdIndex
    from lowcarbon.engine.solution import Solution
    from lowcarbon.engine.solvers import DirectSolver, IterativeSolver, PardisoSolver, Solver, choose_solver
    from lowcarbon.engine.system import Characterization, LCASystem

_MODULES = {  # each public name's module in the engine
    **dict.fromkeys(("Contributions", "SupplyChainNode", "by_activity", "by_flow", "supply_chain"), "contributions"),
    **dict.fromkeys(("load_system", "read_datapackage", "write_datapackage"), "datapackage"),
    "IdIndex": "ids",
    "Solution": "solution",
    **dict.fromkeys(("DirectSolver", "IterativeSolver", "PardisoSolver", "Solver", "choose_solver"), "solvers"),
    **dict.fromkeys(("Characterization", "LCASystem"), "system"),
}


def __getattr__(name: str) -> object:
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value = getattr(import_module(f"{__name__}.{_MODULES[name]}"), name)
    return value


__all__ = [
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


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
