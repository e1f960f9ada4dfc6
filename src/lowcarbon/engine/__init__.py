"""The LCA engine: sparse technosphere, biosphere and characterization; one factorization, many solves.

An ``LCASystem`` is immutable; ``system.solve(demand)`` returns a ``Solution`` to read scores and contributions from.
``load_uncertain_system`` adds the distributions of a datapackage's values, and ``monte_carlo`` samples them.

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
from lowcarbon.engine.distributions import Distributions
from lowcarbon.engine.ids import IdIndex
from lowcarbon.engine.montecarlo import MonteCarloResult, VarianceContribution, monte_carlo
from lowcarbon.engine.solution import Solution
from lowcarbon.engine.solvers import DirectSolver, IterativeSolver, PardisoSolver, Solver, choose_solver
from lowcarbon.engine.statistics import Statistics
from lowcarbon.engine.system import Characterization, LCASystem
from lowcarbon.engine.uncertainty import UncertainSystem, load_uncertain_system

__all__ = [
    "Characterization",
    "Contributions",
    "DirectSolver",
    "Distributions",
    "IdIndex",
    "IterativeSolver",
    "LCASystem",
    "MonteCarloResult",
    "PardisoSolver",
    "Solution",
    "Solver",
    "Statistics",
    "SupplyChainNode",
    "UncertainSystem",
    "VarianceContribution",
    "by_activity",
    "by_flow",
    "choose_solver",
    "load_system",
    "load_uncertain_system",
    "monte_carlo",
    "read_datapackage",
    "supply_chain",
    "write_datapackage",
]
