"""Linear solvers for the technosphere: factorize once, solve many demands, forward or adjoint.

Four ways, one interface (``Solver``):

- ``DenseSolver``: ``auto`` takes it for a technosphere of at most ``DENSE_LIMIT`` activities (a product model's few
  dozen), whose LAPACK solve needs neither the structure analysis nor SuperLU, so a command that computes one model
  never imports ``scipy.sparse.linalg`` and ``scipy.sparse.csgraph`` (about 0.05 s). When its answer does not pass
  the check below, it hands the solve to the direct solver, whose messages then say what is wrong.

- ``DirectSolver`` orders the matrix block-triangularly (see ``ordering``), gives each loop of mutually supplying
  activities its own fill-reducing order, and factorizes the whole once with SuperLU. Triangular parts cost no
  fill-in, so a database whose loops are small factorizes in milliseconds and solves in a fraction of one.
- ``IterativeSolver`` solves with the Jacobi iteration, then Jacobi-preconditioned GMRES, for systems whose loops
  are so large and tangled that any LU fills in badly. It needs no factorization at all.
- ``PardisoSolver`` uses MKL PARDISO when the optional ``pardiso`` extra is installed; ``auto`` uses it as the
  iterative solver's fallback on very large loops.

Every answer is verified: its normwise backward error ``|b - A x| / (|A| |x| + |b|)`` (infinity norms) must be at
most ``tolerance``, or the solve raises ``InaccurateSolution`` (the iterative solver first falls back to a
factorization). ``choose_solver`` picks the way from the size of the largest loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from lowcarbon.engine.ordering import BlockOrder, block_triangular_order
from lowcarbon.errors import InaccurateSolution, InvalidArrays, NonsquareTechnosphere, SingularTechnosphere

SolverMethod = Literal["auto", "direct", "iterative", "pardiso"]

#: Default bound on the normwise backward error of every solve.
TOLERANCE = 1e-12
#: The iterative solver also wants the residual this small relative to the right-hand side.
RESIDUAL_TOLERANCE = 1e-9
#: ``choose_solver`` uses the iterative solver when the largest loop has more activities than this.
DIRECT_LIMIT = 5000
#: ``choose_solver``'s ``auto`` solves a technosphere of at most this many activities densely.
DENSE_LIMIT = 200

Array = NDArray[np.float64]


class Solver(Protocol):
    """Solves ``A x = b`` and ``A^T y = b`` for one fixed square matrix; ``b`` may have several columns."""

    method: str

    def solve(self, b: Array) -> Array: ...

    def solve_transposed(self, b: Array) -> Array: ...


def backward_error(matrix: sparse.csr_matrix, x: Array, b: Array, norm_a: float) -> NDArray[np.float64]:
    """Normwise backward error of each column of ``x`` as a solution of ``matrix @ x = b``."""
    residual = b - matrix @ x
    axis = 0
    numerator = np.abs(residual).max(axis=axis)
    denominator = norm_a * np.abs(x).max(axis=axis) + np.abs(b).max(axis=axis)
    with np.errstate(divide="ignore", invalid="ignore"):
        error = np.where(denominator > 0, numerator / denominator, np.where(numerator > 0, np.inf, 0.0))
    return np.where(np.isfinite(error) & np.all(np.isfinite(x), axis=0), error, np.inf)


def check_square(products: int, activities: int) -> None:
    """Raise NonsquareTechnosphere unless there are as many products as activities."""
    if products != activities:
        raise NonsquareTechnosphere(
            f"The technosphere has {products} products (rows) but {activities} activities "
            "(columns); every activity needs exactly one reference product. Add the missing production "
            "exchanges, or remove products that no activity produces."
        )


def _check_square(matrix: sparse.spmatrix) -> None:
    check_square(*matrix.shape)


def _infinity_norm(matrix: sparse.csr_matrix) -> float:
    return float(np.abs(matrix).sum(axis=1).max()) if matrix.nnz else 0.0


class _VerifiedSolver:
    """Shared checks: shape of right-hand sides and the verified backward error of every answer."""

    method = "base"

    def __init__(self, matrix: sparse.csr_matrix, tolerance: float) -> None:
        _check_square(matrix)
        self.matrix = sparse.csr_matrix(matrix, dtype=np.float64)
        self.transposed = self.matrix.T.tocsr()
        self.tolerance = tolerance
        self.norm = _infinity_norm(self.matrix)
        self.norm_transposed = _infinity_norm(self.transposed)

    def _rhs(self, b: Array) -> Array:
        rhs = np.asarray(b, dtype=np.float64)
        if rhs.shape[0] != self.matrix.shape[0]:
            raise InvalidArrays(
                f"right-hand side has {rhs.shape[0]} rows; the matrix has {self.matrix.shape[0]}: "
                "give one value per product"
            )
        return rhs

    def _verify(self, transposed: bool, x: Array, b: Array) -> Array:
        """Return ``x`` if it solves the system: finite, backward error within ``tolerance`` and residual within
        ``RESIDUAL_TOLERANCE`` of the right-hand side (the check bw2calc makes of its adjoint solves)."""
        if not np.all(np.isfinite(x)):
            raise SingularTechnosphere(
                "The technosphere is singular: the solution is not finite. Check for activities that "
                "produce nothing or loops that supply more than they consume."
            )
        matrix, norm = (self.transposed, self.norm_transposed) if transposed else (self.matrix, self.norm)
        residual = np.abs(b - matrix @ x).max(axis=0)
        scale = np.abs(b).max(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            relative = np.where(scale > 0, residual / scale, np.where(residual > 0, np.inf, 0.0))
        worst_residual = float(np.max(relative)) if relative.size else 0.0
        error = backward_error(matrix, x, b, norm)
        worst = float(np.max(error)) if error.size else 0.0
        if worst_residual > 1e-2:
            raise SingularTechnosphere(
                f"The technosphere is singular: the best answer leaves a residual of {worst_residual:.1e} of the "
                "demand. Check for loops whose activities only supply each other, and for missing production."
            )
        if worst > self.tolerance or worst_residual > RESIDUAL_TOLERANCE:
            raise InaccurateSolution(
                f"The solve has a backward error of {worst:.2e} and a relative residual of {worst_residual:.2e}, "
                f"above the tolerances of {self.tolerance:.0e} and {RESIDUAL_TOLERANCE:.0e}; the technosphere is "
                "badly conditioned (a loop that amplifies demand many times over) or nearly singular."
            )
        return x


@dataclass(frozen=True)
class Structure:
    """Where the solvers look: a zero-free diagonal (``columns[k]`` is matched to row ``k``) and the
    block-triangular order of the matrix with its columns so matched."""

    columns: NDArray[np.intp]
    order: BlockOrder


def analyse(matrix: sparse.csr_matrix) -> Structure:
    """Match every product to a producing activity, then order the matched matrix block-triangularly.

    In Brightway databases product k is made by activity k, so the diagonal already is the match. Otherwise
    (separate product and activity ids) a maximum bipartite matching finds one; a product that cannot be
    matched means the technosphere is structurally singular.
    """
    _check_square(matrix)
    pattern = sparse.csr_matrix(matrix, copy=True)  # a copy: eliminate_zeros works in place, on shared arrays too
    pattern.eliminate_zeros()
    n = pattern.shape[0]
    if np.all(pattern.diagonal() != 0):
        columns = np.arange(n, dtype=np.intp)
    else:
        from scipy.sparse.csgraph import maximum_bipartite_matching

        columns = np.asarray(maximum_bipartite_matching(pattern, perm_type="column"), dtype=np.intp)
        unmatched = np.flatnonzero(columns < 0)
        if unmatched.size:
            raise SingularTechnosphere(
                f"The technosphere is structurally singular: {unmatched.size} products (e.g. the one at "
                f"position {int(unmatched[0])}) cannot each get their own producing activity. Check that every "
                "product has a producer and every activity a reference product."
            )
    return Structure(columns=columns, order=block_triangular_order(pattern[:, columns]))


class DirectSolver(_VerifiedSolver):
    """Block-triangular sparse LU (SuperLU), factorized once for both directions."""

    method = "direct"

    def __init__(
        self, matrix: sparse.csr_matrix, tolerance: float = TOLERANCE, structure: Structure | None = None
    ) -> None:
        super().__init__(matrix, tolerance)
        self.structure = structure if structure is not None else analyse(self.matrix)
        matched = self.matrix[:, self.structure.columns]
        rows, cols = _block_pivot_orders(matched.tocsr(), self.structure.order)
        cols = self.structure.columns[cols]
        permuted = self.matrix[rows][:, cols].tocsc()
        from scipy.sparse import linalg as sla

        try:
            self._lu = sla.splu(permuted, permc_spec="NATURAL", diag_pivot_thresh=0.0, options={"SymmetricMode": True})
        except RuntimeError as exc:  # SuperLU: "Factor is exactly singular"
            raise SingularTechnosphere(
                f"The technosphere is singular ({exc}); an activity or a loop of activities has no "
                "independent production. Check production exchanges and loops that cancel out."
            ) from exc
        self._rows = rows
        self._cols = cols

    @property
    def pivot_orders(self) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
        """The row and column orders the LU factorizes in: a matrix of the same pattern factorizes in them again
        without a new analysis (Monte Carlo samples)."""
        return self._rows, self._cols

    def solve(self, b: Array) -> Array:
        rhs = self._rhs(b)
        x = np.empty_like(rhs)
        x[self._cols] = self._lu.solve(np.ascontiguousarray(rhs[self._rows]))
        return self._verify(False, x, rhs)

    def solve_transposed(self, b: Array) -> Array:
        rhs = self._rhs(b)
        y = np.empty_like(rhs)
        y[self._rows] = self._lu.solve(np.ascontiguousarray(rhs[self._cols]), trans="T")
        return self._verify(True, y, rhs)


class DenseSolver(_VerifiedSolver):
    """LAPACK's LU with partial pivoting on the dense matrix, for technospheres of a few hundred activities at most.

    An answer that fails the backward-error check (or a matrix LAPACK finds exactly singular) goes to a
    ``DirectSolver``, built on first need: it solves what it can and raises the error that names the problem.
    """

    method = "dense"

    def __init__(self, matrix: sparse.csr_matrix, tolerance: float = TOLERANCE) -> None:
        super().__init__(matrix, tolerance)
        self._dense = self.matrix.toarray()
        self._direct: DirectSolver | None = None

    def _fallback(self) -> DirectSolver:
        if self._direct is None:
            self._direct = DirectSolver(self.matrix, self.tolerance)
        return self._direct

    def solve(self, b: Array) -> Array:
        rhs = self._rhs(b)
        try:
            return self._verify(False, np.linalg.solve(self._dense, rhs), rhs)
        except (np.linalg.LinAlgError, SingularTechnosphere, InaccurateSolution):
            return self._fallback().solve(rhs)

    def solve_transposed(self, b: Array) -> Array:
        rhs = self._rhs(b)
        try:
            return self._verify(True, np.linalg.solve(self._dense.T, rhs), rhs)
        except (np.linalg.LinAlgError, SingularTechnosphere, InaccurateSolution):
            return self._fallback().solve_transposed(rhs)


#: Loops of at most this many activities are factorized in their matched order, without a pivot order of their own.
SMALL_LOOP = 8
#: A loop's static-degree order is kept unless its LU holds more than this many times the loop's nonzeros.
FILL_RATIO = 8.0


def _block_pivot_orders(matrix: sparse.csr_matrix, order: BlockOrder) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Row and column orders: blocks in triangular order, each loop in its own fill-reducing pivot order.

    A loop is ordered first by degree, hubs last (cheap, and as good as minimum degree on hub-shaped
    databases); when that fills in badly, SuperLU's minimum degree on A + A^T is tried and the sparser kept.
    """
    from scipy.sparse import linalg as sla

    rows = order.order.copy()
    cols = order.order.copy()
    # Loops of a few activities keep their matched order: their fill is negligible, and ordering each one apart
    # would cost a factorization per loop (thousands of two-activity loops took seconds).
    for b in np.flatnonzero(order.block_sizes > SMALL_LOOP):
        start, stop = order.block_starts[b], order.block_starts[b + 1]
        members = order.order[start:stop]
        block = matrix[members][:, members].tocsc()
        symmetric = abs(block) + abs(block.T)
        by_degree = np.argsort(np.diff(symmetric.tocsr().indptr), kind="stable")
        candidates = [(by_degree, "NATURAL"), (np.arange(members.size), "MMD_AT_PLUS_A")]
        best: tuple[int, NDArray[np.intp], NDArray[np.intp]] | None = None
        for permutation, spec in candidates:
            try:
                lu = sla.splu(
                    block[permutation][:, permutation].tocsc(),
                    permc_spec=spec,
                    diag_pivot_thresh=0.1,
                    options={"SymmetricMode": True},
                )
            except RuntimeError as exc:
                raise SingularTechnosphere(
                    f"The technosphere is singular: a loop of {members.size} activities has no independent "
                    "production (its block cannot be factorized). Check the production exchanges in that loop."
                ) from exc
            fill = int(lu.L.nnz + lu.U.nnz)
            placed = members[permutation]
            if best is None or fill < best[0]:
                best = (fill, placed[np.argsort(lu.perm_r)], placed[np.argsort(lu.perm_c)])
            if fill <= FILL_RATIO * block.nnz + members.size:
                break
        assert best is not None
        rows[start:stop], cols[start:stop] = best[1], best[2]
    return rows, cols


class IterativeSolver(_VerifiedSolver):
    """Jacobi iteration, then Jacobi-preconditioned GMRES where that is slow; ``DirectSolver`` if both stall.

    On a productive technosphere (every loop dies out) the plain Jacobi iteration x += D^-1 (b - A x) converges
    like the supply chain's own series, costs one sparse product per step and takes all right-hand sides at
    once. Columns it does not settle within ``jacobi_steps`` go to GMRES. An answer is accepted only when its
    backward error is within ``tolerance`` and its residual within ``RESIDUAL_TOLERANCE`` of the right-hand side,
    so that a diverging iterate on a singular matrix is never taken for a solution.
    """

    method = "iterative"

    def __init__(
        self,
        matrix: sparse.csr_matrix,
        tolerance: float = TOLERANCE,
        structure: Structure | None = None,
        jacobi_steps: int = 100,
        gmres_steps: int = 300,
    ) -> None:
        super().__init__(matrix, tolerance)
        self.structure = structure if structure is not None else analyse(self.matrix)
        # Work on A P, whose diagonal is zero-free: A x = b is (A P) z = b with x[columns] = z.
        self._matched = self.matrix[:, self.structure.columns].tocsr()
        self._matched_transposed = self._matched.T.tocsr()
        diagonal = self._matched.diagonal()
        self._inverse_diagonal = 1.0 / diagonal  # zero-free by the matching
        self.jacobi_steps = jacobi_steps
        self.gmres_steps = gmres_steps
        self._direct: Solver | None = None

    def _fallback(self) -> Solver:
        if self._direct is None:
            large = self.structure.order.largest_block > DIRECT_LIMIT
            if large and pardiso_available():
                self._direct = PardisoSolver(self.matrix, self.tolerance)
            else:
                self._direct = DirectSolver(self.matrix, self.tolerance, self.structure)
        return self._direct

    def solve(self, b: Array) -> Array:
        return self._solve(False, self._rhs(b))

    def solve_transposed(self, b: Array) -> Array:
        return self._solve(True, self._rhs(b))

    def _solve(self, transposed: bool, rhs: Array) -> Array:
        columns = self.structure.columns
        # (A P) z = b gives x[columns] = z; (A P)^T y = b[columns] is A^T y = b.
        matrix = self._matched_transposed if transposed else self._matched
        norm = self.norm_transposed if transposed else self.norm
        original = rhs.reshape(rhs.shape[0], -1)
        given = np.ascontiguousarray(original[columns] if transposed else original)
        with np.errstate(over="ignore", invalid="ignore"):
            solution, settled = self._jacobi(matrix, norm, given)
            for k in np.flatnonzero(~settled):
                x = self._gmres(matrix, norm, given[:, k], solution[:, k])
                if x is None:
                    direct = self._fallback()
                    x = direct.solve_transposed(original[:, k]) if transposed else direct.solve(original[:, k])[columns]
                solution[:, k] = x
        if not transposed:
            unmatched = np.empty_like(solution)
            unmatched[columns] = solution
            solution = unmatched
        return self._verify(transposed, solution.reshape(rhs.shape), rhs)

    def _accepted(self, matrix: sparse.csr_matrix, norm: float, x: Array, b: Array) -> NDArray[np.bool_]:
        residual = np.abs(b - matrix @ x).max(axis=0)
        backward = residual / (norm * np.abs(x).max(axis=0) + np.abs(b).max(axis=0))
        ok: NDArray[np.bool_] = (
            np.isfinite(backward)
            & (backward <= self.tolerance)
            & (residual <= RESIDUAL_TOLERANCE * np.abs(b).max(axis=0))
        )
        return np.asarray(ok | ~np.any(b, axis=0), dtype=bool)

    def _jacobi(self, matrix: sparse.csr_matrix, norm: float, b: Array) -> tuple[Array, NDArray[np.bool_]]:
        """All columns at once; returns the iterate and which columns are settled."""
        inverse = self._inverse_diagonal[:, None]
        x = b * inverse
        target = self.tolerance * 1e-3  # aim well below the bound, so accepted answers agree to ~1e-12
        scale = np.abs(b).max(axis=0)
        previous = np.full(b.shape[1], np.inf)
        for step in range(self.jacobi_steps):
            residual = b - matrix @ x
            size = np.abs(residual).max(axis=0)
            bound = target * (norm * np.abs(x).max(axis=0) + scale)
            if np.all(size <= bound) or not np.all(np.isfinite(size)):
                break
            if step % 10 == 0:
                if step and np.any(size > 0.5 * previous):  # contracting too slowly: leave it to GMRES
                    break
                previous = size
            x = x + residual * inverse
        return x, self._accepted(matrix, norm, x, b)

    def _gmres(self, matrix: sparse.csr_matrix, norm: float, b: Array, start: Array) -> Array | None:
        """GMRES from ``start`` with up to three restarts of refinement; None if it does not converge."""
        from scipy.sparse import linalg as sla

        preconditioner = sla.LinearOperator(matrix.shape, matvec=lambda v: v * self._inverse_diagonal, dtype=np.float64)
        x = start if np.all(np.isfinite(start)) else np.zeros_like(b)
        for _ in range(4):
            residual = b - matrix @ x
            correction, _info = sla.gmres(
                matrix,
                residual,
                M=preconditioner,
                rtol=self.tolerance * 1e-3,
                atol=0.0,
                restart=min(60, b.size),
                maxiter=max(1, self.gmres_steps // 60),
            )
            x = x + np.asarray(correction, dtype=np.float64)
            if not np.all(np.isfinite(x)):
                return None
            if self._accepted(matrix, norm, x[:, None], b[:, None])[0]:
                return x
        return None


class PardisoSolver(_VerifiedSolver):
    """Intel MKL PARDISO through pypardiso (the ``pardiso`` extra): a multithreaded supernodal LU.

    It pays off where a loop is so large and tangled that SuperLU fills in badly and GMRES is slow; the
    transposed system gets a factorization of its own, made on first use.
    """

    method = "pardiso"

    def __init__(self, matrix: sparse.csr_matrix, tolerance: float = TOLERANCE) -> None:
        super().__init__(matrix, tolerance)
        if not self.matrix.has_sorted_indices:  # sorted_indices copies: the given matrix may be read-only
            self.matrix = self.matrix.sorted_indices()
        self.transposed.sort_indices()
        self._forward = self._factorize(self.matrix)
        self._backward: object | None = None

    @staticmethod
    def _factorize(matrix: sparse.csr_matrix) -> object:
        from pypardiso import PyPardisoSolver  # optional: pip install 'lowcarbon[pardiso]'
        from pypardiso.pardiso_wrapper import PyPardisoError

        solver = PyPardisoSolver()
        try:
            solver.factorize(matrix)
        except (PyPardisoError, ValueError) as exc:
            raise SingularTechnosphere(f"The technosphere is singular (PARDISO: {exc}).") from exc
        return solver

    @staticmethod
    def _run(solver: object, matrix: sparse.csr_matrix, rhs: Array) -> Array:
        x = solver.solve(matrix, np.asfortranarray(rhs))  # type: ignore[attr-defined]
        return np.asarray(x, dtype=np.float64).reshape(rhs.shape)

    def solve(self, b: Array) -> Array:
        rhs = self._rhs(b)
        return self._verify(False, self._run(self._forward, self.matrix, rhs), rhs)

    def solve_transposed(self, b: Array) -> Array:
        rhs = self._rhs(b)
        if self._backward is None:
            self._backward = self._factorize(self.transposed)
        return self._verify(True, self._run(self._backward, self.transposed, rhs), rhs)


def pardiso_available() -> bool:
    """Whether pypardiso (and MKL) can be imported here."""
    try:
        import pypardiso  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


def choose_solver(matrix: sparse.csr_matrix, method: SolverMethod = "auto", tolerance: float = TOLERANCE) -> Solver:
    """The solver for ``matrix``.

    ``auto``: the dense solver up to ``DENSE_LIMIT`` activities; beyond, the block-triangular direct solver unless
    the largest loop exceeds ``DIRECT_LIMIT`` activities, then the iterative solver, which falls back to PARDISO
    when installed (else the direct solver) for right-hand sides it cannot settle.
    """
    if method not in ("auto", "direct", "iterative", "pardiso"):
        raise InvalidArrays(f"unknown solver method {method!r}; use 'auto', 'direct', 'iterative' or 'pardiso'")
    if method == "pardiso":
        if not pardiso_available():
            raise InvalidArrays("the pardiso solver needs pypardiso: pip install 'lowcarbon[pardiso]'")
        return PardisoSolver(matrix, tolerance)
    if method == "auto" and max(matrix.shape) <= DENSE_LIMIT:
        return DenseSolver(matrix, tolerance)
    structure = analyse(sparse.csr_matrix(matrix))
    if method == "iterative" or (method == "auto" and structure.order.largest_block > DIRECT_LIMIT):
        return IterativeSolver(matrix, tolerance, structure=structure)
    return DirectSolver(matrix, tolerance, structure)
