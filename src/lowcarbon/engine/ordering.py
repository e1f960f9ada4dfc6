"""Block-triangular order of a square sparse matrix: its strongly connected parts, suppliers after consumers.

In a technosphere, column j consumes from the rows i where A[i, j] < 0. Only the activities that supply each
other in a loop (a strongly connected part) have to be solved together; everything else is plain substitution.
Ordering the parts topologically makes the matrix block lower triangular, so a sparse LU of it only fills in
inside the diagonal blocks, and each block can carry its own fill-reducing order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse


@dataclass(frozen=True)
class BlockOrder:
    """Rows and columns in block lower triangular order, with the extent of every diagonal block."""

    order: NDArray[np.intp]  # position k of the ordered matrix holds original index order[k]
    block_starts: NDArray[np.intp]  # block b spans order[block_starts[b]:block_starts[b + 1]]

    @property
    def block_sizes(self) -> NDArray[np.intp]:
        return np.diff(self.block_starts)

    @property
    def largest_block(self) -> int:
        sizes = self.block_sizes
        return int(sizes.max()) if sizes.size else 0


def block_triangular_order(matrix: sparse.csr_matrix) -> BlockOrder:
    """Order ``matrix`` (square) into block lower triangular form by its strongly connected components."""
    from scipy.sparse.csgraph import connected_components  # here: csgraph loads scipy.sparse.linalg, 0.05 s

    n = matrix.shape[0]
    count, labels = connected_components(matrix, directed=True, connection="strong")
    coo = matrix.tocoo()
    rows, cols = coo.row, coo.col
    # SciPy numbers components so that sorting by label is already topological in one of the two
    # directions; check it rather than trust it, and sort the condensed graph ourselves otherwise.
    ranks = labels
    if np.any(labels[rows] < labels[cols]):
        if np.any(labels[rows] > labels[cols]):
            ranks = _topological_ranks(count, labels[cols], labels[rows])
        else:
            ranks = count - 1 - labels
    order = np.argsort(ranks, kind="stable").astype(np.intp)
    sizes = np.bincount(ranks, minlength=count)
    starts = np.concatenate(([0], np.cumsum(sizes))).astype(np.intp)
    assert starts[-1] == n
    return BlockOrder(order=order, block_starts=starts)


def _topological_ranks(count: int, sources: NDArray[np.int64], targets: NDArray[np.int64]) -> NDArray[np.int64]:
    """Kahn's algorithm on the condensed graph (consumer -> supplier): the rank of each component."""
    keep = sources != targets
    graph = sparse.csr_matrix((np.ones(int(keep.sum())), (sources[keep], targets[keep])), shape=(count, count))
    graph.sum_duplicates()
    indegree = np.diff(graph.tocsc().indptr)
    ranks = np.empty(count, dtype=np.int64)
    ready = list(np.flatnonzero(indegree == 0))
    rank = 0
    while ready:
        node = ready.pop()
        ranks[node] = rank
        rank += 1
        for succ in graph.indices[graph.indptr[node] : graph.indptr[node + 1]]:
            indegree[succ] -= 1
            if indegree[succ] == 0:
                ready.append(succ)
    return ranks
