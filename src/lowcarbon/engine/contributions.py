"""Where a score comes from: contributions by activity and by elementary flow, and the supply-chain tree.

Each takes a ``Solution`` (``by_activity(solution, characterization)``), read without solving again, or a system
and a demand (``by_activity(system, demand, characterization)``), which solves that demand once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import overload

import numpy as np
from numpy.typing import NDArray

from lowcarbon.engine.solution import Solution
from lowcarbon.engine.system import Demand, LCASystem
from lowcarbon.errors import InvalidArrays, SingularTechnosphere


@dataclass(frozen=True)
class Contributions:
    """Each activity's (or flow's) part of a score, largest absolute part first."""

    ids: NDArray[np.int64]
    amounts: NDArray[np.float64]  # activity scaling, or flow amount in the inventory
    scores: NDArray[np.float64]
    total: float

    def top(self, n: int) -> list[tuple[int, float, float]]:
        """The ``n`` largest as (id, amount, score)."""
        return [
            (int(i), float(a), float(s))
            for i, a, s in zip(self.ids[:n], self.amounts[:n], self.scores[:n], strict=True)
        ]

    @property
    def shares(self) -> NDArray[np.float64]:
        """Scores as fractions of the total (zero when the total is zero)."""
        return self.scores / self.total if self.total else np.zeros_like(self.scores)


def _sorted(ids: NDArray[np.int64], amounts: NDArray[np.float64], scores: NDArray[np.float64]) -> Contributions:
    order = np.argsort(-np.abs(scores), kind="stable")
    return Contributions(ids[order], amounts[order], scores[order], float(scores.sum()))


def _arguments(
    system: LCASystem | Solution, demand: Demand | str | None, characterization: str | None, what: str
) -> tuple[LCASystem, Demand | Solution, str | None]:
    """The system, the demand (or the solution itself) and the characterization of a (solution,
    characterization) or (system, demand, characterization) call."""
    if isinstance(system, Solution):
        if isinstance(demand, Mapping) or (demand is not None and characterization is not None):
            raise TypeError(f"{what}(solution, characterization): a solution already holds its demand")
        if demand is not None and not isinstance(demand, str):
            raise TypeError(f"{what}(solution, characterization): the characterization is a name, got {demand!r}")
        return system.system, system, demand if demand is not None else characterization
    if not isinstance(demand, Mapping):
        raise TypeError(
            f"{what}(system, demand, characterization) needs a demand {{product id: amount}}, got {demand!r}; "
            f"for a solution, call {what}(solution, characterization)"
        )
    return system, demand, characterization


def _solution(system: LCASystem, demand: Demand | Solution) -> Solution:
    return demand if isinstance(demand, Solution) else system.solve(demand)


@overload
def by_activity(solution: Solution, characterization: str | None = None, /) -> Contributions: ...
@overload
def by_activity(solution: Solution, /, *, characterization: str | None = None) -> Contributions: ...
@overload
def by_activity(system: LCASystem, demand: Demand, characterization: str | None = None) -> Contributions: ...
def by_activity(
    system: LCASystem | Solution, demand: Demand | str | None = None, characterization: str | None = None
) -> Contributions:
    """Each activity's direct emissions, scaled to the demand and characterized."""
    system, given, name = _arguments(system, demand, characterization, "by_activity")
    name = system.characterization_name(name)  # an unknown name fails before any solve
    solution = _solution(system, given)
    return _sorted(system.activities.ids, solution.supply, solution.activity_contributions(name))


@overload
def by_flow(solution: Solution, characterization: str | None = None, /) -> Contributions: ...
@overload
def by_flow(solution: Solution, /, *, characterization: str | None = None) -> Contributions: ...
@overload
def by_flow(system: LCASystem, demand: Demand, characterization: str | None = None) -> Contributions: ...
def by_flow(
    system: LCASystem | Solution, demand: Demand | str | None = None, characterization: str | None = None
) -> Contributions:
    """Each elementary flow's amount in the inventory and its characterized score."""
    system, given, name = _arguments(system, demand, characterization, "by_flow")
    name = system.characterization_name(name)  # an unknown name fails before any solve
    solution = _solution(system, given)
    return _sorted(system.flows.ids, solution.inventory, solution.flow_contributions(name))


@dataclass(frozen=True)
class SupplyChainNode:
    """One product delivered in the supply chain, with everything upstream of it."""

    product_id: int
    activity_id: int
    amount: float  # of the product; negative for a co-product that displaces production
    score: float  # cumulative: this activity's own emissions and all of its upstream
    direct_score: float  # this activity's own emissions at this scaling
    children: tuple[SupplyChainNode, ...]
    unexpanded: float  # summed score of inputs not shown: below the cutoff, past the limits, or a loop's upstream
    loop: bool  # the product is already on the path above: shown, not expanded again

    def walk(self, depth: int = 0) -> list[tuple[int, SupplyChainNode]]:
        """Every node of this subtree with its depth, depth first."""
        nodes = [(depth, self)]
        for child in self.children:
            nodes.extend(child.walk(depth + 1))
        return nodes


@overload
def supply_chain(
    solution: Solution,
    characterization: str | None = None,
    /,
    *,
    cutoff: float = 0.01,
    max_depth: int = 10,
    max_nodes: int = 1000,
) -> list[SupplyChainNode]: ...
@overload
def supply_chain(
    solution: Solution,
    /,
    *,
    characterization: str | None = None,
    cutoff: float = 0.01,
    max_depth: int = 10,
    max_nodes: int = 1000,
) -> list[SupplyChainNode]: ...
@overload
def supply_chain(
    system: LCASystem,
    demand: Demand,
    characterization: str | None = None,
    *,
    cutoff: float = 0.01,
    max_depth: int = 10,
    max_nodes: int = 1000,
) -> list[SupplyChainNode]: ...
def supply_chain(
    system: LCASystem | Solution,
    demand: Demand | str | None = None,
    characterization: str | None = None,
    *,
    cutoff: float = 0.01,
    max_depth: int = 10,
    max_nodes: int = 1000,
) -> list[SupplyChainNode]:
    """The supply-chain tree of ``demand`` (or of a solution's demand): one root per demanded product.

    An input is expanded when its cumulative score is at least ``cutoff`` times the absolute total score; a
    product already on the path from the root is shown as a loop and not expanded, so loops terminate. Every
    node's score equals its direct score plus its children's scores plus ``unexpanded``: inputs below the cutoff
    or past ``max_depth`` and ``max_nodes``, and at a loop node its whole upstream.

    The tree is read from the unit scores of every product (``product_scores``, one adjoint solve per system),
    not from a supply: given a system and a demand it solves nothing forward.
    """
    system, given, characterization = _arguments(system, demand, characterization, "supply_chain")
    if not 0 <= cutoff < 1:
        raise InvalidArrays(f"cutoff must be in [0, 1), got {cutoff}")
    k = system.characterization_index(characterization)
    y = system.product_scores[k]
    direct = system.characterized_biosphere[k]
    columns = system.technosphere.tocsc()
    producers = _producers(system)
    demand_vector = given.demand_vector if isinstance(given, Solution) else system.demand_vector(given)
    threshold = cutoff * abs(float(demand_vector @ y))
    budget = [max_nodes]

    def node(p: int, amount: float, path: frozenset[int], depth: int) -> SupplyChainNode:
        budget[0] -= 1
        a = int(producers[p])
        start, stop = columns.indptr[a], columns.indptr[a + 1]
        rows, values = columns.indices[start:stop], columns.data[start:stop]
        production = float(values[rows == p].sum())
        scaling = amount / production
        loop = p in path
        children: list[SupplyChainNode] = []
        below = 0.0
        if not loop:
            for i, value in zip(rows, values, strict=True):
                if i == p or value == 0:
                    continue
                child_amount = -float(value) * scaling
                child_score = child_amount * float(y[i])
                if abs(child_score) < threshold or depth >= max_depth or budget[0] <= 0:
                    below += child_score
                    continue
                children.append(node(int(i), child_amount, path | {p}, depth + 1))
        children.sort(key=lambda c: -abs(c.score))
        return SupplyChainNode(
            product_id=int(system.products.ids[p]),
            activity_id=int(system.activities.ids[a]),
            amount=amount,
            score=amount * float(y[p]),
            direct_score=scaling * float(direct[a]),
            children=tuple(children),
            unexpanded=amount * float(y[p]) - scaling * float(direct[a]) if loop else below,
            loop=loop,
        )

    roots = [node(int(p), float(demand_vector[p]), frozenset(), 0) for p in np.flatnonzero(demand_vector)]
    return sorted(roots, key=lambda r: -abs(r.score))


def _producers(system: LCASystem) -> NDArray[np.intp]:
    """For each product position, the position of the activity whose reference product it is."""
    producers = np.full(len(system.products), -1, dtype=np.intp)
    producers[system.reference_products] = np.arange(len(system.activities))
    orphan = np.flatnonzero(producers < 0)
    if orphan.size:
        raise SingularTechnosphere(
            f"product {int(system.products.ids[orphan[0]])} is the reference product of no activity; the "
            "supply-chain tree needs one producer per product"
        )
    return producers
