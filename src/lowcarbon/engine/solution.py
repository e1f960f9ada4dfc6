"""One solve of a system: a demand, its supply, and every figure read from that supply without solving again.

``LCASystem.solve(demand)`` makes a ``Solution``. Its supply s = A^-1 f is computed once; the inventory B s, the
scores c . B s and the contributions of each activity or flow are derived from it on first use and kept.
Nothing in a solution can be changed: its arrays are read-only and its attributes cannot be reassigned.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

if TYPE_CHECKING:
    from lowcarbon.engine.system import LCASystem

Array = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class Solution:
    """The supply of one demand on one system, and the figures derived from it.

    Made by ``LCASystem.solve``; ``system`` is the (immutable) system it was solved on, ``demand`` the demand as
    product id -> amount, ``demand_vector`` the same over the system's products and ``supply`` the scaling of
    every activity (in ``system.activities.ids`` order). Equality is identity: two solves are two solutions.
    """

    system: LCASystem
    demand: Mapping[int, float]
    demand_vector: Array = field(repr=False)
    supply: Array = field(repr=False)

    def __post_init__(self) -> None:
        # made by LCASystem.solve, these are already read-only; a solution made by hand gets read-only copies
        if not isinstance(self.demand, MappingProxyType):
            object.__setattr__(self, "demand", MappingProxyType(dict(self.demand)))
        for name in ("demand_vector", "supply"):
            array = getattr(self, name)
            if not isinstance(array, np.ndarray) or array.flags.writeable:
                object.__setattr__(self, name, _read_only(np.array(array, dtype=np.float64)))

    def __repr__(self) -> str:
        return f"Solution(demand={dict(self.demand)!r}, activities={self.supply.size})"

    @cached_property
    def inventory(self) -> Array:
        """Elementary flows (in ``system.flows.ids`` order) of the supply: B s."""
        return _read_only(np.asarray(self.system.biosphere @ self.supply, dtype=np.float64))

    @cached_property
    def _score_values(self) -> Array:
        """(vectors): the score for each characterization vector, in the system's order."""
        return _read_only(np.asarray(self.system.characterized_biosphere @ self.supply, dtype=np.float64))

    @property
    def scores(self) -> dict[str, float]:
        """Score for each characterization vector, by name (a new dict each time)."""
        names = (c.name for c in self.system.characterizations)
        return {name: float(v) for name, v in zip(names, self._score_values, strict=True)}

    def score(self, characterization: str | None = None) -> float:
        """Score for one characterization vector (the first when not named)."""
        return float(self._score_values[self.system.characterization_index(characterization)])

    def activity_contributions(self, characterization: str | None = None) -> Array:
        """Each activity's own emissions at its scaling, characterized (activity order); they sum to the score."""
        k = self.system.characterization_index(characterization)
        return _read_only(self.system.characterized_biosphere[k] * self.supply)

    def flow_contributions(self, characterization: str | None = None) -> Array:
        """Each elementary flow's characterized amount in the inventory (flow order); they sum to the score."""
        k = self.system.characterization_index(characterization)
        return _read_only(self.system.characterization_matrix[k] * self.inventory)

    def characterized_inventory(self, characterization: str | None = None) -> sparse.csr_matrix:
        """(flows x activities): each activity's characterized emission of each flow at its scaling, as bw2calc's
        ``characterized_inventory``. Its column sums are ``activity_contributions`` and its row sums
        ``flow_contributions`` (up to rounding: those two are computed directly)."""
        k = self.system.characterization_index(characterization)
        factors = sparse.diags_array(self.system.characterization_matrix[k])
        scaling = sparse.diags_array(self.supply)
        return sparse.csr_matrix(factors @ self.system.biosphere @ scaling)


def _read_only(array: Array) -> Array:
    """``array`` itself (freshly computed, nobody else holds it), made read-only."""
    array.setflags(write=False)
    return array
