"""A life-cycle system with a distribution on its values, laid out once so that a sample only rewrites values.

An ``UncertainSystem`` is an ``LCASystem`` (the deterministic values) plus, for the technosphere, the biosphere
and the characterization factors, an ``UncertainMatrix``: the sparsity pattern of that matrix, fixed, and the
slot in its data array of every entry a datapackage gives. Entries whose value varies each carry a distribution;
``UncertainSystem.sample(rng)`` draws each of them once and returns the three data arrays. The pattern is the
union of every entry's position, so a sample that happens to be zero never changes it.

Entries are combined as bw2calc combines them (``datapackage``): within a group duplicates add (or the last one
counts when the package says ``sum_intra_duplicates: false``); a later group replaces an earlier one's entries at
the same position unless its package sums them. Each surviving entry is sampled on its own, so a value shared
by several products is drawn once per sample and used for all of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from lowcarbon.engine.datapackage import (
    BIOSPHERE,
    TECHNOSPHERE,
    Datapackage,
    Group,
    characterization_groups,
    read_datapackages,
    system_from_packages,
)
from lowcarbon.engine.distributions import Distributions, concatenate
from lowcarbon.engine.ids import IdIndex
from lowcarbon.engine.solvers import SolverMethod
from lowcarbon.engine.system import LCASystem

Array = NDArray[np.float64]
Positions = NDArray[np.intp]


@dataclass(frozen=True, eq=False)
class UncertainMatrix:
    """A CSR pattern, the values of its fixed entries, and where each uncertain entry's sample goes.

    ``fixed`` holds, per slot of the data array, the sum of the entries that do not vary; ``slots[k]`` is where
    uncertain entry k adds ``factors[k]`` times its sample (-1 for a flipped value, times its rescale); ``rows``
    and ``cols`` are that entry's positions in the matrix.
    """

    shape: tuple[int, int]
    indptr: Positions
    indices: Positions
    fixed: Array
    static: Array  # the deterministic values (each entry's data value), for warm starts and screening
    slots: Positions
    factors: Array
    rows: Positions
    cols: Positions
    distributions: Distributions
    unique_slots: bool  # one uncertain entry per slot: a sample is written, not summed, into the data array

    @property
    def nnz(self) -> int:
        return int(self.indices.size)

    def values(self, samples: Array) -> Array:
        """The data array of the pattern for one sample of the uncertain entries."""
        if self.unique_slots:
            data = self.fixed.copy()
            data[self.slots] += samples * self.factors
            return data
        return self.fixed + np.bincount(self.slots, samples * self.factors, minlength=self.nnz)

    def matrix(self, data: Array) -> sparse.csr_matrix:
        """The CSR matrix of the pattern with ``data`` as its values (sharing the pattern's index arrays)."""
        return sparse.csr_matrix((data, self.indices, self.indptr), shape=self.shape, copy=False)

    def permutation(
        self, rows: Positions | None, columns: Positions | None, transposed: bool
    ) -> tuple[sparse.csr_matrix, Positions]:
        """The CSR pattern of the matrix with rows and columns reordered, then transposed if asked, and the
        permutation ``p`` such that its data for a sample is ``data[p]``: computed once, used for every sample."""
        numbered = self.matrix(np.arange(1, self.nnz + 1, dtype=np.float64))  # from 1: no slot number is a zero
        if rows is not None:
            numbered = numbered[rows]
        if columns is not None:
            numbered = numbered[:, columns]
        result = sparse.csr_matrix(numbered.T if transposed else numbered)
        result.sort_indices()
        return result, result.data.astype(np.intp) - 1


def uncertain_matrix(groups: Sequence[Group], row_index: IdIndex, col_index: IdIndex | None) -> UncertainMatrix:
    """The pattern and entries bw2calc would insert from ``groups`` over the two indexes (``col_index`` None: one
    row per group set, as a characterization vector, with flows as columns)."""
    width = len(col_index) if col_index is not None else len(row_index)
    parts: list[tuple[NDArray[np.int64], Positions, Positions, Array, Distributions, Array]] = []
    for group in groups:
        r = row_index.find(group.rows)
        c = col_index.find(group.cols) if col_index is not None else r
        chosen = np.flatnonzero((r >= 0) & (c >= 0))
        keys = r[chosen].astype(np.int64) * width + c[chosen]
        if not group.sum_intra:
            _, last = np.unique(keys[::-1], return_index=True)
            picked = keys.size - 1 - last
            chosen, keys = chosen[picked], keys[picked]
        if not group.sum_inter:  # this group's positions replace what earlier groups put there
            parts = [_without(part, keys) for part in parts]
        if group.distributions is not None:
            distributions, factors = group.distributions.take(chosen), group.factors[chosen]  # type: ignore[index]
        else:
            distributions, factors = Distributions.fixed(group.values[chosen]), np.ones(chosen.size)
        parts.append((keys, r[chosen], c[chosen], group.values[chosen], distributions, factors))
    return _layout(parts, (len(row_index), width))


def _without(
    part: tuple[NDArray[np.int64], Positions, Positions, Array, Distributions, Array], keys: NDArray[np.int64]
) -> tuple[NDArray[np.int64], Positions, Positions, Array, Distributions, Array]:
    keep = np.flatnonzero(~np.isin(part[0], keys))
    return part[0][keep], part[1][keep], part[2][keep], part[3][keep], part[4].take(keep), part[5][keep]


def _layout(
    parts: list[tuple[NDArray[np.int64], Positions, Positions, Array, Distributions, Array]], shape: tuple[int, int]
) -> UncertainMatrix:
    keys = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, np.int64)
    rows = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, np.intp)
    cols = np.concatenate([p[2] for p in parts]) if parts else np.zeros(0, np.intp)
    static = np.concatenate([p[3] for p in parts]) if parts else np.zeros(0)
    distributions = concatenate([p[4] for p in parts])
    factors = np.concatenate([p[5] for p in parts]) if parts else np.zeros(0)
    pattern, slots = np.unique(keys, return_inverse=True)  # sorted keys are CSR order
    nnz = pattern.size
    indptr = np.zeros(shape[0] + 1, dtype=np.intp)
    np.cumsum(np.bincount(pattern // shape[1], minlength=shape[0]), out=indptr[1:])
    uncertain = np.flatnonzero(distributions.uncertain)
    fixed_entries = np.flatnonzero(~distributions.uncertain)
    fixed = np.bincount(slots[fixed_entries], distributions.loc[fixed_entries] * factors[fixed_entries], nnz)
    static_values = np.bincount(slots, static, nnz).astype(np.float64)
    order = uncertain[np.argsort(slots[uncertain], kind="stable")]  # write the data array in order
    matrix = UncertainMatrix(
        shape=shape,
        indptr=indptr,
        indices=(pattern % shape[1]).astype(np.intp),
        fixed=fixed.astype(np.float64),
        static=static_values,
        slots=slots[order].astype(np.intp),
        factors=factors[order],
        rows=rows[order].astype(np.intp),
        cols=cols[order].astype(np.intp),
        distributions=distributions.take(order),
        unique_slots=bool(np.all(np.diff(slots[order]) > 0)),
    )
    for array in (matrix.indptr, matrix.indices, matrix.fixed, matrix.static, matrix.slots, matrix.factors):
        array.setflags(write=False)
    return matrix


@dataclass(frozen=True, eq=False)
class UncertainSystem:
    """The deterministic system and the uncertain layout of its technosphere, biosphere and characterization.

    ``characterization`` is (vectors x flows), its rows in the order of ``system.characterizations``.
    ``distributions`` is every uncertain entry's distribution, technosphere first, then biosphere, then
    characterization: one sample draws them in that order.
    """

    system: LCASystem
    technosphere: UncertainMatrix
    biosphere: UncertainMatrix
    characterization: UncertainMatrix

    @property
    def parts(self) -> tuple[tuple[str, UncertainMatrix], ...]:
        return (
            ("technosphere", self.technosphere),
            ("biosphere", self.biosphere),
            ("characterization", self.characterization),
        )

    @property
    def distributions(self) -> Distributions:
        cached = self.__dict__.get("_distributions")
        if cached is None:
            cached = concatenate([m.distributions for _, m in self.parts])
            self.__dict__["_distributions"] = cached
        return cached

    @property
    def uncertain_count(self) -> int:
        return self.distributions.size

    def sample(self, rng: np.random.Generator) -> tuple[Array, Array, Array, Array]:
        """One sample: the technosphere's, biosphere's and characterization's data arrays, and the draws."""
        draws = self.distributions.sample(rng)
        technosphere, biosphere, characterization = self.split(draws)
        return technosphere, biosphere, characterization, draws

    def split(self, draws: Array) -> tuple[Array, Array, Array]:
        """The three data arrays for ``draws`` (one value per uncertain entry, in ``distributions`` order)."""
        sizes = np.cumsum([m.distributions.size for _, m in self.parts])
        tech, bio, char = np.split(draws, sizes[:-1])
        return self.technosphere.values(tech), self.biosphere.values(bio), self.characterization.values(char)


def load_uncertain_system(
    paths: str | Path | Iterable[str | Path], *, method: SolverMethod = "auto"
) -> UncertainSystem:
    """Read datapackages into the deterministic system of ``load_system`` and the distributions of their values."""
    packages = read_datapackages(paths)
    return uncertain_system_from_packages(packages, method=method)


def uncertain_system_from_packages(
    packages: Sequence[Datapackage], *, method: SolverMethod = "auto"
) -> UncertainSystem:
    """The ``UncertainSystem`` of datapackages already read."""
    system = system_from_packages(packages, method=method)
    tech = [g for p in packages for g in p.groups[TECHNOSPHERE]]
    bio = [g for p in packages for g in p.groups[BIOSPHERE]]
    vectors = [uncertain_matrix(groups, system.flows, None) for _, groups in characterization_groups(packages)]
    return UncertainSystem(
        system=system,
        technosphere=uncertain_matrix(tech, system.products, system.activities),
        biosphere=uncertain_matrix(bio, system.flows, system.activities),
        characterization=_stack(vectors, len(system.flows)),
    )


def _stack(vectors: list[UncertainMatrix], flows: int) -> UncertainMatrix:
    """One (vectors x flows) matrix from each vector's diagonal layout: row k holds vector k's factors."""
    parts = []
    for k, vector in enumerate(vectors):
        entries = np.repeat(np.arange(vector.shape[0]), np.diff(vector.indptr))  # flow of each slot (diagonal)
        fixed_keys = k * flows + entries
        # fixed values enter as fixed entries of the stacked layout; uncertain ones keep their distributions
        keys = np.concatenate([fixed_keys, k * flows + vector.rows.astype(np.int64)])
        rows = np.full(keys.size, k, dtype=np.intp)
        cols = np.concatenate([entries, vector.rows]).astype(np.intp)
        static = np.concatenate([vector.static, np.zeros(vector.rows.size)])
        distributions = concatenate([Distributions.fixed(vector.fixed), vector.distributions])
        factors = np.concatenate([np.ones(entries.size), vector.factors])
        parts.append((keys, rows, cols, static, distributions, factors))
    return _layout(parts, (len(vectors), flows))
