"""Solving one sampled technosphere after another: the pattern never changes, so each way prepares it once.

Two ways behind one small interface (``SampleSolver``), each answer verified as every engine solve is (its normwise
backward error within ``tolerance``), with a fresh factorization of the sample as the fallback:

- ``WarmStartedSolver`` (``"iterative"``): BiCGSTAB with the Jacobi preconditioner (each activity's production
  amount, after the matching of ``solvers.analyse``), started from the deterministic solution. A sample moves the
  solution a few percent, so it converges in a handful of steps of two sparse products each. Its convergence
  test is the acceptance test, so an answer it returns needs no second check.
- ``RefactorizedSolver`` (``"direct"``): SuperLU on the sample, in the row and column orders the deterministic
  factorization chose (the analysis SuperLU lets one reuse), without pivoting.

Measured on the engine benchmark's 20,000-activity system (2 shared cores; ``benchmarks/monte_carlo.py``): a
refactorization took about 15 ms and BiCGSTAB from the deterministic solution about 7 ms (6 to 8 steps), so
``"iterative"`` is the default. Both take the sample's data array in the pattern's own layout (``UncertainMatrix``)
and a right-hand side of one or more columns; ``transposed`` solves A^T y = b (the adjoint, for scores of many
demands at once).
"""

from __future__ import annotations

from collections import Counter
from typing import Literal, Protocol

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.sparse import linalg as sla

from lowcarbon.engine.solvers import TOLERANCE as SOLVE_TOLERANCE
from lowcarbon.engine.solvers import DirectSolver, analyse, backward_error
from lowcarbon.engine.uncertainty import UncertainMatrix
from lowcarbon.errors import InvalidArrays

SampleMethod = Literal["iterative", "direct"]
Array = NDArray[np.float64]

#: Bound on each sample's normwise backward error: the engine's, which costs BiCGSTAB a step or two more than
#: 1e-10 and keeps each sample's score within about 1e-8 of a direct solve's (1e-10 allowed 2e-6 on the benchmark).
TOLERANCE = SOLVE_TOLERANCE
#: BiCGSTAB steps before a sample is handed to a factorization.
MAXIMUM_STEPS = 200


class SampleSolver(Protocol):
    """Solves one sampled technosphere (its data array) for a right-hand side of one or more columns."""

    method: str
    stats: Counter[str]  # how many columns each stage solved

    def solve(self, data: Array, rhs: Array) -> Array: ...


class _Fallback:
    """A fresh, verified factorization of the sample: for the samples the fast way cannot take."""

    def __init__(self, matrix: UncertainMatrix, transposed: bool, tolerance: float) -> None:
        self.pattern, self.transposed, self.tolerance = matrix, transposed, tolerance
        self.stats: Counter[str] = Counter()

    def factorized(self, data: Array, rhs: Array) -> Array:
        solver = DirectSolver(self.pattern.matrix(data), self.tolerance)
        self.stats["factorized"] += rhs.shape[1]
        return solver.solve_transposed(rhs) if self.transposed else solver.solve(rhs)

    def accepted(self, matrix: sparse.csr_matrix, norm: float, x: Array, b: Array) -> bool:
        return bool(np.all(np.isfinite(x)) and backward_error(matrix, x, b, norm).max() <= self.tolerance)


class WarmStartedSolver(_Fallback):
    """Jacobi-preconditioned BiCGSTAB from a starting guess per right-hand-side column."""

    method = "iterative"

    def __init__(
        self, matrix: UncertainMatrix, static: sparse.csr_matrix, guess: Array, *, transposed: bool, tolerance: float
    ) -> None:
        super().__init__(matrix, transposed, tolerance)
        # Work on A P, whose diagonal is zero-free: A x = b is (A P) z = b with x[columns] = z, and A^T y = b is
        # (A P)^T y = b[columns].
        self.columns = analyse(static).columns
        self.work, self.permutation = matrix.permutation(None, self.columns, transposed)
        rows = np.repeat(np.arange(self.work.shape[0]), np.diff(self.work.indptr))
        on_diagonal = np.flatnonzero(rows == self.work.indices)
        self.diagonal = np.full(self.work.shape[0], -1, dtype=np.intp)
        self.diagonal[rows[on_diagonal]] = on_diagonal
        # the matching's diagonal is in the pattern unless the deterministic matrix has entries the pattern lacks
        self.preconditioned = bool(np.all(self.diagonal >= 0))
        self.guess = guess[self.columns] if not transposed else guess
        self.rows = rows

    def solve(self, data: Array, rhs: Array) -> Array:
        np.take(data, self.permutation, out=self.work.data)
        with np.errstate(divide="ignore"):
            inverse = 1.0 / self.work.data[self.diagonal]
        norm = float(np.bincount(self.rows, np.abs(self.work.data), self.work.shape[0]).max())
        given = rhs[self.columns] if self.transposed else rhs
        solution = np.empty_like(given)
        for k in range(given.shape[1]):
            x = None
            if self.preconditioned and np.all(np.isfinite(inverse)):
                x = bicgstab(self.work, given[:, k], self.guess[:, k], inverse, norm, self.tolerance)
            if x is not None:
                self.stats["iterative"] += 1
            else:  # a factorization of this sample, in the original layout
                single = self.factorized(data, rhs[:, k : k + 1])[:, 0]
                x = single if self.transposed else single[self.columns]
            solution[:, k] = x
        if self.transposed:
            return solution
        unmatched = np.empty_like(solution)
        unmatched[self.columns] = solution
        return unmatched


def bicgstab(
    matrix: sparse.csr_matrix, b: Array, x0: Array, inverse_diagonal: Array, norm: float, tolerance: float
) -> Array | None:
    """BiCGSTAB (van der Vorst 1992) with the Jacobi preconditioner, from ``x0``; None unless it reaches a normwise
    backward error within ``tolerance`` in ``MAXIMUM_STEPS`` steps.

    Written out rather than scipy's: its stopping test is the engine's acceptance test itself, and its inner
    products avoid BLAS, whose threads only contend on vectors this short.
    """
    x = np.array(x0, dtype=np.float64)
    r = b - matrix @ x
    bound = np.abs(b).max()

    def converged(residual: Array) -> bool:
        return bool(np.abs(residual).max() <= tolerance * (norm * np.abs(x).max() + bound))

    if converged(r):
        return x
    shadow = r.copy()
    rho_previous = alpha = omega = 1.0
    p = np.zeros_like(b)
    v = np.zeros_like(b)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for step in range(MAXIMUM_STEPS):
            rho = _dot(shadow, r)
            if rho == 0.0 or not np.isfinite(rho):
                return None
            p = r.copy() if step == 0 else r + (rho / rho_previous) * (alpha / omega) * (p - omega * v)
            p_hat = p * inverse_diagonal
            v = matrix @ p_hat
            alpha = rho / _dot(shadow, v)
            s = r - alpha * v
            x += alpha * p_hat
            if converged(s):
                return x
            s_hat = s * inverse_diagonal
            t = matrix @ s_hat
            tt = _dot(t, t)
            if tt == 0.0 or not np.isfinite(tt):
                return None
            omega = _dot(t, s) / tt
            x += omega * s_hat
            r = s - omega * t
            if converged(r):
                return x if np.all(np.isfinite(x)) else None
            rho_previous = rho
    return None


def _dot(a: Array, b: Array) -> float:
    return float(np.einsum("i,i->", a, b))


class RefactorizedSolver(_Fallback):
    """SuperLU on each sample in the deterministic factorization's orders, without pivoting."""

    method = "direct"

    def __init__(
        self, matrix: UncertainMatrix, static: sparse.csr_matrix, *, transposed: bool, tolerance: float
    ) -> None:
        super().__init__(matrix, transposed, tolerance)
        self.row_order, self.col_order = DirectSolver(static).pivot_orders
        # the CSC pattern of A[rows][:, cols] is the CSR pattern of its transpose
        self.csc, self.permutation = matrix.permutation(self.row_order, self.col_order, True)

    def solve(self, data: Array, rhs: Array) -> Array:
        permuted = sparse.csc_matrix(
            (data[self.permutation], self.csc.indices, self.csc.indptr), shape=self.csc.shape[::-1]
        )
        try:
            lu = sla.splu(permuted, permc_spec="NATURAL", diag_pivot_thresh=0.0, options={"SymmetricMode": True})
        except RuntimeError:  # a zero pivot in this sample: factorize it with pivoting
            return self.factorized(data, rhs)
        x = np.empty_like(rhs)
        if self.transposed:
            x[self.row_order] = lu.solve(np.ascontiguousarray(rhs[self.col_order]), trans="T")
        else:
            x[self.col_order] = lu.solve(np.ascontiguousarray(rhs[self.row_order]))
        matrix = self.pattern.matrix(data)
        target = matrix.T if self.transposed else matrix
        sums = np.bincount(matrix.indices, np.abs(data), matrix.shape[1]) if self.transposed else abs(matrix).sum(1)
        if not self.accepted(target, float(np.max(sums)), x, rhs):
            return self.factorized(data, rhs)
        self.stats["refactorized"] += rhs.shape[1]
        return x


def sample_solver(
    method: SampleMethod,
    matrix: UncertainMatrix,
    static: sparse.csr_matrix,
    guess: Array,
    *,
    transposed: bool,
    tolerance: float = TOLERANCE,
) -> SampleSolver:
    """The solver of ``method`` for samples of ``matrix``; ``static`` is the deterministic technosphere and
    ``guess`` its solution for the right-hand sides to come (the iterative solver starts there)."""
    if method == "iterative":
        return WarmStartedSolver(matrix, static, guess, transposed=transposed, tolerance=tolerance)
    if method == "direct":
        return RefactorizedSolver(matrix, static, transposed=transposed, tolerance=tolerance)
    raise InvalidArrays(f"unknown Monte Carlo solver {method!r}; use 'iterative' or 'direct'")
