"""Build sparse matrices from (row id, column id, value) arrays."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse

from lowcarbon.engine.ids import IdIndex
from lowcarbon.errors import InvalidArrays


def as_triplets(
    rows: ArrayLike, cols: ArrayLike, values: ArrayLike, what: str
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """Check and convert one matrix's arrays: same length, integer ids, finite values."""
    r = np.asarray(rows)
    c = np.asarray(cols)
    v = np.asarray(values, dtype=np.float64)
    if not (r.ndim == c.ndim == v.ndim == 1):
        raise InvalidArrays(f"{what}: rows, cols and values must be one-dimensional arrays")
    if not (r.size == c.size == v.size):
        raise InvalidArrays(f"{what}: rows ({r.size}), cols ({c.size}) and values ({v.size}) must have the same length")
    for name, ids in (("rows", r), ("cols", c)):
        if ids.size and not np.issubdtype(ids.dtype, np.integer):
            raise InvalidArrays(f"{what}: {name} must hold integer ids, got dtype {ids.dtype}")
    if not np.all(np.isfinite(v)):
        bad = int(np.flatnonzero(~np.isfinite(v))[0])
        raise InvalidArrays(
            f"{what}: value at position {bad} (row {int(r[bad])}, col {int(c[bad])}) is {v[bad]}; "
            "every value must be a finite number"
        )
    return r.astype(np.int64, copy=False), c.astype(np.int64, copy=False), v


def build_matrix(
    rows: NDArray[np.int64],
    cols: NDArray[np.int64],
    values: NDArray[np.float64],
    row_index: IdIndex,
    col_index: IdIndex,
) -> sparse.csr_matrix:
    """A CSR matrix over the two indexes; duplicate entries are summed, unknown ids dropped."""
    r = row_index.find(rows)
    c = col_index.find(cols)
    keep = (r >= 0) & (c >= 0)
    matrix = sparse.csr_matrix(
        (values[keep], (r[keep], c[keep])), shape=(len(row_index), len(col_index)), dtype=np.float64
    )
    matrix.sum_duplicates()
    return matrix
