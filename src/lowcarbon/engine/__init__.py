"""The LCA engine: sparse technosphere, biosphere and characterization; one factorization, many solves.

An ``LCASystem`` is immutable; ``system.solve(demand)`` returns a ``Solution`` to read scores and contributions from.

Uncertainty lives in its own modules: ``distributions`` (stats_arrays' distributions), ``uncertainty``
(``load_uncertain_system``: a system with the distributions of its datapackages' values) and ``montecarlo``
(``monte_carlo``: statistics and contributions to variance).

Imports nothing from lowcarbon but ``errors``.
"""

from lowcarbon.engine.contributions import (
    Contributions,
    SupplyChainNode,
    by_activity,
    by_flow,
    supply_chain,
)
from lowcarbon.engine.datapackage import load_system, read_datapackage, write_datapackage
from lowcarbon.engine.ids import IdIndex
from lowcarbon.engine.solution import Solution
from lowcarbon.engine.solvers import DirectSolver, IterativeSolver, PardisoSolver, Solver, choose_solver
from lowcarbon.engine.system import Characterization, LCASystem

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
