"""A life-cycle system: technosphere A, biosphere B and characterization vectors, solved for any demand.

Rows of A are products, columns activities; rows of B are elementary flows. Ids are arbitrary integers. The
supply (scaling) of a demand f is s = A^-1 f, its inventory g = B s, and its score c . g for each
characterization vector c. Scoring every product at once uses the adjoint system A^T y = B^T c: y[p] is the
score of one unit of product p, so a whole database costs one solve per characterization vector.

A system is immutable: its matrices and vectors are fixed at construction (arrays read-only, attributes not
reassignable), so the factorization and the other values it derives and keeps stay true. ``solve(demand)``
returns a ``Solution``, from which the scores, the inventory and the contributions are all read: solve once,
read many times. New matrices make a new system.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from dataclasses import FrozenInstanceError, dataclass
from functools import cached_property
from types import MappingProxyType

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse

from lowcarbon.engine.ids import IdIndex
from lowcarbon.engine.matrices import as_triplets, build_matrix
from lowcarbon.engine.solution import Solution
from lowcarbon.engine.solvers import TOLERANCE, Solver, SolverMethod, check_square, choose_solver
from lowcarbon.errors import InvalidArrays, OutsideTechnosphere, SingularTechnosphere

Triplets = tuple[ArrayLike, ArrayLike, ArrayLike]
Demand = Mapping[int, float]
Array = NDArray[np.float64]


@dataclass(frozen=True)
class Characterization:
    """One characterization vector: a factor per elementary flow id (flows absent here count zero)."""

    name: str
    flow_ids: NDArray[np.int64]
    factors: Array

    def __post_init__(self) -> None:
        ids, factors = np.asarray(self.flow_ids), np.array(self.factors, dtype=np.float64)
        integral = ids.dtype.kind in "iu" or (ids.dtype.kind == "f" and bool(np.all(ids == np.round(ids))))
        if ids.size and not integral:
            raise InvalidArrays(f"characterization {self.name!r}: flow ids must be integers")
        if ids.shape != factors.shape or ids.ndim != 1:
            raise InvalidArrays(f"characterization {self.name!r}: flow ids and factors differ in length")
        if not np.all(np.isfinite(factors)):
            raise InvalidArrays(f"characterization {self.name!r}: factors must be finite numbers")
        ids = ids.astype(np.int64)  # a copy of its own: the caller's array may change, this one must not
        ids.setflags(write=False)
        factors.setflags(write=False)
        object.__setattr__(self, "flow_ids", ids)
        object.__setattr__(self, "factors", factors)

    @classmethod
    def from_mapping(cls, name: str, factors: Mapping[int, float]) -> Characterization:
        ids = np.fromiter(factors.keys(), dtype=np.int64, count=len(factors))
        values = np.fromiter(factors.values(), dtype=np.float64, count=len(factors))
        return cls(name, ids, values)


class LCASystem:
    """The matrices of one system and their factorization, fixed at construction.

    Once built, no attribute can be set or deleted (``dataclasses.FrozenInstanceError``, an ``AttributeError``,
    as for a frozen dataclass such as ``Solution``) and the arrays it holds are read-only. The values it derives
    (the factorization, ``characterized_biosphere``, ``product_scores``, ...) are computed on first use from the
    construction inputs alone and kept. ``solve`` returns a frozen ``Solution``.
    """

    def __init__(
        self,
        technosphere: Triplets,
        biosphere: Triplets,
        characterizations: Sequence[Characterization] = (),
        *,
        method: SolverMethod = "auto",
        tolerance: float = TOLERANCE,
    ) -> None:
        t_rows, t_cols, t_vals = as_triplets(*technosphere, what="technosphere")
        b_rows, b_cols, b_vals = as_triplets(*biosphere, what="biosphere")
        if t_rows.size == 0:
            raise InvalidArrays("technosphere: no entries; a system needs at least one activity")
        products = IdIndex(t_rows, "product")
        activities = IdIndex(t_cols, "activity")
        # Biosphere entries of activities outside the technosphere cannot be scaled: dropped, as bw2calc does.
        flows = IdIndex(b_rows, "flow")
        self._setup(
            build_matrix(t_rows, t_cols, t_vals, products, activities),
            build_matrix(b_rows, b_cols, b_vals, flows, activities),
            products,
            activities,
            flows,
            characterizations,
            method,
            tolerance,
        )

    @classmethod
    def from_matrices(
        cls,
        technosphere: sparse.csr_matrix,
        biosphere: sparse.csr_matrix,
        products: IdIndex,
        activities: IdIndex,
        flows: IdIndex,
        characterizations: Sequence[Characterization] = (),
        *,
        method: SolverMethod = "auto",
        tolerance: float = TOLERANCE,
    ) -> LCASystem:
        """A system from matrices already laid out over the given indexes (rows x columns); it keeps copies."""
        system = cls.__new__(cls)
        system._setup(
            technosphere, biosphere, products, activities, flows, characterizations, method, tolerance, copy=True
        )
        return system

    def _setup(
        self,
        technosphere: sparse.csr_matrix,
        biosphere: sparse.csr_matrix,
        products: IdIndex,
        activities: IdIndex,
        flows: IdIndex,
        characterizations: Sequence[Characterization],
        method: SolverMethod,
        tolerance: float,
        *,
        copy: bool = False,
    ) -> None:
        """Check and keep the inputs, then refuse every later assignment.

        ``copy``: the matrices are the caller's (``from_matrices``): keep copies, so that freezing ours leaves
        theirs writable and a change to theirs cannot reach ours.
        """
        if self._built:
            raise FrozenInstanceError("this LCASystem is already built; build a new system for new matrices")
        check_square(len(products), len(activities))
        expected = {"technosphere": (len(products), len(activities)), "biosphere": (len(flows), len(activities))}
        for what, matrix in (("technosphere", technosphere), ("biosphere", biosphere)):
            if matrix.shape != expected[what]:
                raise InvalidArrays(f"{what}: shape {matrix.shape} does not match its indexes {expected[what]}")
        self.products, self.activities, self.flows = products, activities, flows
        self.technosphere = _frozen_matrix(sparse.csr_matrix(technosphere, dtype=np.float64, copy=copy))
        self.biosphere = _frozen_matrix(sparse.csr_matrix(biosphere, dtype=np.float64, copy=copy))
        self.characterizations = tuple(characterizations)
        names = [c.name for c in self.characterizations]
        if len(set(names)) != len(names):
            raise InvalidArrays(f"characterization names must be unique, got {names}")
        self.characterization_matrix = self._characterization_matrix()
        self._check_structure()
        self.method = method
        self.tolerance = tolerance
        object.__setattr__(self, "_built", True)

    # -- immutability ---------------------------------------------------------------------------------------

    #: Set (on the instance) when construction is complete; from then on nothing may be assigned.
    _built = False

    def __setattr__(self, name: str, value: object) -> None:
        if self._built:
            raise FrozenInstanceError(
                f"LCASystem is immutable: cannot set {name!r} after construction; build a new system instead"
            )
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        if self._built:
            raise FrozenInstanceError(
                f"LCASystem is immutable: cannot delete {name!r} after construction; build a new system instead"
            )
        object.__delattr__(self, name)

    # -- building -------------------------------------------------------------------------------------------

    def _characterization_matrix(self) -> Array:
        """Dense (vectors x flows) factors; factors of flows not in the biosphere are ignored."""
        matrix = np.zeros((len(self.characterizations), len(self.flows)))
        for k, characterization in enumerate(self.characterizations):
            ids, values = characterization.flow_ids, characterization.factors
            positions = self.flows.find(ids)
            keep = positions >= 0
            np.add.at(matrix[k], positions[keep], values[keep])
        return _frozen(matrix)

    def _check_structure(self) -> None:
        """Empty rows or columns make A singular; say which ids."""
        nonzero = self.technosphere.copy()
        nonzero.eliminate_zeros()
        counts = {
            ("product", "products"): (np.diff(nonzero.indptr), self.products),
            ("activity", "activities"): (np.bincount(nonzero.indices, minlength=len(self.activities)), self.activities),
        }
        for (label, plural), (count, index) in counts.items():
            empty = np.flatnonzero(count == 0)
            if empty.size:
                raise SingularTechnosphere(
                    f"The technosphere is singular: {label} {int(index.ids[empty[0]])} has only zero entries "
                    f"({empty.size} such {plural}). Give every activity a production exchange and every "
                    "product a producer."
                )

    @cached_property
    def solver(self) -> Solver:
        """The factorization, built on first use and reused by every later solve."""
        return choose_solver(self.technosphere, self.method, self.tolerance)

    @cached_property
    def characterized_biosphere(self) -> Array:
        """(vectors x activities): the score of one unit of each activity's own emissions, per vector."""
        return _frozen((self.biosphere.T @ self.characterization_matrix.T).T)

    @cached_property
    def reference_products(self) -> NDArray[np.intp]:
        """For each activity, the position of its reference product.

        In Brightway databases each activity makes the product with its own id: where that entry is positive,
        or negative in a column without positive entries (a waste treatment), it is the reference product. The
        remaining activities and products are paired by a minimum-weight full bipartite matching that prefers,
        for each activity, its largest positive entry (a production), then its largest negative one (a waste
        treatment's -1), so that every product gets exactly one producer.
        """
        n = len(self.activities)
        entries = self.technosphere.tocoo()
        nonzero = entries.data != 0
        rows, cols, values = entries.row[nonzero], entries.col[nonzero], entries.data[nonzero]
        own = self.products.find(self.activities.ids)
        has_positive = np.zeros(n, dtype=bool)
        has_positive[cols[values > 0]] = True
        positions = np.full(n, -1, dtype=np.intp)
        # an activity's own-id entry is its production, unless it is negative beside a positive output (an input)
        is_own = (rows == own[cols]) & ((values > 0) | ~has_positive[cols])
        positions[cols[is_own]] = rows[is_own]
        activities = np.flatnonzero(positions < 0)
        if activities.size == 0:
            positions.setflags(write=False)
            return positions
        free = np.ones(len(self.products), dtype=bool)
        free[positions[positions >= 0]] = False
        products = np.flatnonzero(free)
        local_activity = np.full(n, -1, dtype=np.intp)
        local_activity[activities] = np.arange(activities.size)
        local_product = np.full(len(self.products), -1, dtype=np.intp)
        local_product[products] = np.arange(products.size)
        keep = (local_activity[cols] >= 0) & (local_product[rows] >= 0)
        weights = 1 / (1 + np.abs(values[keep])) + np.where(values[keep] > 0, 0.0, 2.0)
        graph = sparse.csr_matrix(
            (weights, (local_activity[cols[keep]], local_product[rows[keep]])), shape=(activities.size, products.size)
        )
        from scipy.sparse.csgraph import min_weight_full_bipartite_matching  # here: csgraph loads sparse.linalg

        try:
            matched_activities, matched_products = min_weight_full_bipartite_matching(graph)
        except ValueError:
            raise SingularTechnosphere(
                f"The technosphere is structurally singular: {activities.size} activities without a product of "
                "their own id cannot each be paired with a product they produce. Check production exchanges."
            ) from None
        positions[activities[matched_activities]] = products[matched_products]
        positions.setflags(write=False)
        return positions

    # -- demands --------------------------------------------------------------------------------------------

    def demand_vector(self, demand: Demand) -> Array:
        """The dense demand vector over products; raises OutsideTechnosphere for an unknown product id."""
        f = np.zeros(len(self.products))
        positions, amounts = self._demand_entries(demand)
        np.add.at(f, positions, amounts)
        return f

    def _demand_entries(self, demand: Demand) -> tuple[NDArray[np.intp], Array]:
        """Product positions and amounts of a demand, each checked."""
        if not demand:
            raise InvalidArrays("the demand is empty; give at least one product id and amount")
        positions = np.empty(len(demand), dtype=np.intp)
        amounts = np.empty(len(demand))
        for k, (product_id, amount) in enumerate(demand.items()):
            if isinstance(product_id, bool) or not isinstance(product_id, numbers.Integral):
                raise InvalidArrays(
                    f"demand product id {product_id!r} is not an integer; products are named by integer ids"
                )
            if product_id not in self.products:
                raise OutsideTechnosphere(
                    f"demand product {product_id} is not in the technosphere; demand one of its "
                    f"{len(self.products)} product ids (the row ids of the technosphere matrix)"
                )
            value = float(amount)
            if not np.isfinite(value):
                raise InvalidArrays(f"demand amount for product {product_id} must be finite, got {amount}")
            positions[k] = self.products.position(int(product_id))
            amounts[k] = value
        return positions, amounts

    def solve(self, demand: Demand) -> Solution:
        """Solve A s = f for ``demand`` once; read scores, inventory and contributions from the ``Solution``.

        Raises OutsideTechnosphere for an unknown product id and InvalidArrays for an empty demand, a non-integer
        id or an amount that is not finite.
        """
        f = self.demand_vector(demand)
        supply = _frozen(self.solver.solve(f))
        f.setflags(write=False)
        checked = MappingProxyType({int(product): float(amount) for product, amount in demand.items()})
        return Solution(self, checked, f, supply)

    # The conveniences below each solve once; to read several figures of one demand, ``solve`` it and read them
    # from the solution.

    def supply(self, demand: Demand) -> Array:
        """Scaling of every activity (in activity order) to meet ``demand`` (read-only)."""
        return self.solve(demand).supply

    def inventory(self, demand: Demand) -> Array:
        """Elementary flows (in flow order) of the supply for ``demand`` (read-only)."""
        return self.solve(demand).inventory

    def scores(self, demand: Demand) -> dict[str, float]:
        """Score of ``demand`` for each characterization vector."""
        return self.solve(demand).scores

    def batch_scores(self, demands: Sequence[Demand]) -> Array:
        """(vectors x demands): the scores of many separate demands.

        Through the adjoint, score(f) = y . f with y the product scores, so a thousand demands cost what one
        does (bw2calc's FastScoresOnlyMultiLCA calls this the adjoint direction).
        """
        entries = [self._demand_entries(demand) for demand in demands]
        rows = np.repeat(np.arange(len(demands)), [p.size for p, _ in entries])
        positions = np.concatenate([p for p, _ in entries]) if entries else np.zeros(0, np.intp)
        amounts = np.concatenate([a for _, a in entries]) if entries else np.zeros(0)
        block = sparse.csr_matrix((amounts, (rows, positions)), shape=(len(demands), len(self.products)))
        return np.asarray(block @ self.product_scores.T).T

    def score(self, demand: Demand, characterization: str | None = None) -> float:
        """Score of ``demand`` for one characterization vector (the first when not named)."""
        return self.solve(demand).score(characterization)

    def characterization_name(self, characterization: str | None = None) -> str:
        """The full name of a characterization vector (the first when not named); raises for an unknown one."""
        if not self.characterizations:
            raise InvalidArrays("the system has no characterization vector; add one to compute scores")
        if characterization is None:
            return self.characterizations[0].name
        names = [c.name for c in self.characterizations]
        if characterization not in names:
            raise InvalidArrays(f"unknown characterization {characterization!r}; the system has {names}")
        return characterization

    def characterization_index(self, characterization: str | None = None) -> int:
        """The row of a characterization vector in ``product_scores`` and ``activity_scores``."""
        name = self.characterization_name(characterization)
        return [c.name for c in self.characterizations].index(name)

    # -- every product and activity at once (adjoint) -------------------------------------------------------

    @cached_property
    def product_scores(self) -> Array:
        """(vectors x products): the score of one unit of every product, by one adjoint solve per vector."""
        if not self.characterizations:
            return _frozen(np.zeros((0, len(self.products))))
        rhs = np.ascontiguousarray(self.characterized_biosphere.T)
        return _frozen(self.solver.solve_transposed(rhs).T)

    def activity_scores(self) -> Array:
        """(vectors x activities): the score of one unit of each activity's reference product."""
        return self.product_scores[:, self.reference_products]


def _frozen(array: Array) -> Array:
    """A read-only array: cached results must not be changed through a reference handed out."""
    result = np.array(array, dtype=np.float64)
    result.setflags(write=False)
    return result


def _frozen_matrix(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """``matrix`` with its arrays made read-only: the system's matrices cannot be changed in place."""
    for array in (matrix.data, matrix.indices, matrix.indptr):
        array.setflags(write=False)
    return matrix
