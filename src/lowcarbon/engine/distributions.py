"""Probability distributions of uncertain values, with stats_arrays' parameters and type ids, sampled as bw2calc does.

A ``Distributions`` holds one distribution per value, as the columns of a stats_arrays parameter array (the
``distributions`` resource of a Brightway datapackage): ``kind`` (stats_arrays' ``uncertainty_type``), ``loc``,
``scale``, ``shape``, ``minimum``, ``maximum`` and ``negative``. The kinds supported, with stats_arrays' meaning:

====  ==================  ===================================================================================
id    kind                a sample is
====  ==================  ===================================================================================
0, 1  undefined, none     ``loc`` itself (fixed)
2     lognormal           ``exp(loc + scale z)``, z standard normal: loc is ln of the median, scale the sd of ln;
                          negated where ``negative`` (a logarithm has no sign)
3     normal              ``loc + scale z``
4     uniform             uniform on [minimum, maximum]
5     triangular          triangular on [minimum, maximum] with mode ``loc``
7     discrete uniform    a whole number in [minimum, maximum) (minimum 0 when not given; bounds truncated to
                          whole numbers as ``RandomState.randint`` does)
====  ==================  ===================================================================================

As in stats_arrays, ``minimum`` and ``maximum`` (NaN when absent) also bound the lognormal, normal and discrete
uniform kinds: a sample outside them is drawn again, up to ``MAXIMUM_REDRAWS`` times (stats_arrays'
``MCRandomNumberGenerator`` default), compared after the sign of ``negative`` is applied. Samples come from a
``numpy.random.Generator``: the same generator state gives the same numbers, but not stats_arrays' numbers, which
come from a ``RandomState``; the distributions are the same. Other stats_arrays kinds (Bernoulli, Weibull, gamma,
beta, extreme value, Student's t, beta-PERT) are refused by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from lowcarbon.errors import InvalidArrays

UNDEFINED, NO_UNCERTAINTY, LOGNORMAL, NORMAL, UNIFORM, TRIANGULAR, DISCRETE_UNIFORM = 0, 1, 2, 3, 4, 5, 7
#: stats_arrays' ids of the kinds sampled here, with their names.
KINDS = {
    UNDEFINED: "undefined",
    NO_UNCERTAINTY: "no uncertainty",
    LOGNORMAL: "lognormal",
    NORMAL: "normal",
    UNIFORM: "uniform",
    TRIANGULAR: "triangular",
    DISCRETE_UNIFORM: "discrete uniform",
}
#: stats_arrays' other ids, named in the refusal.
UNSUPPORTED = {
    6: "Bernoulli",
    8: "Weibull",
    9: "gamma",
    10: "beta",
    11: "generalized extreme value",
    12: "Student's t",
    13: "beta-PERT",
}
#: Redraws of out-of-bounds samples before giving up (stats_arrays' MCRandomNumberGenerator: maximum_iterations=50).
MAXIMUM_REDRAWS = 50
#: bw_processing's UNCERTAINTY_DTYPE, the layout of a datapackage's ``distributions`` array.
STATS_ARRAYS_DTYPE = [
    ("uncertainty_type", np.uint8),
    ("loc", np.float32),
    ("scale", np.float32),
    ("shape", np.float32),
    ("minimum", np.float32),
    ("maximum", np.float32),
    ("negative", bool),
]

Array = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class Distributions:
    """One distribution per value (parallel arrays, stats_arrays' fields); checked and read-only once built."""

    kind: NDArray[np.int64]
    loc: Array
    scale: Array
    shape: Array
    minimum: Array
    maximum: Array
    negative: NDArray[np.bool_]

    def __post_init__(self) -> None:
        kind = np.array(self.kind, dtype=np.int64).ravel()
        columns: dict[str, NDArray[Any]] = {"kind": kind}
        for name in ("loc", "scale", "shape", "minimum", "maximum"):
            columns[name] = np.array(getattr(self, name), dtype=np.float64).ravel()
        columns["negative"] = np.array(self.negative, dtype=bool).ravel()
        sizes = {name: array.size for name, array in columns.items()}
        if len(set(sizes.values())) != 1:
            raise InvalidArrays(f"distributions: every field needs one value per entry, got sizes {sizes}")
        for name, array in columns.items():
            array.setflags(write=False)
            object.__setattr__(self, name, array)
        _check(self)

    @classmethod
    def fixed(cls, values: ArrayLike) -> Distributions:
        """No uncertainty: each value is its own sample."""
        loc = np.asarray(values, dtype=np.float64).ravel()
        nan = np.full(loc.size, np.nan)
        return cls(np.full(loc.size, NO_UNCERTAINTY), loc, nan, nan, nan, nan, np.zeros(loc.size, dtype=bool))

    @classmethod
    def from_stats_arrays(cls, params: NDArray[Any]) -> Distributions:
        """From a stats_arrays parameter array (a datapackage's ``distributions`` resource)."""
        names = set(params.dtype.names or ())
        needed = {"uncertainty_type", "loc", "scale", "shape", "minimum", "maximum", "negative"}
        if not needed <= names:
            raise InvalidArrays(
                f"distributions: a stats_arrays parameter array needs the fields {sorted(needed)}, "
                f"got {sorted(names) or params.dtype}"
            )
        return cls(
            params["uncertainty_type"],
            params["loc"],
            params["scale"],
            params["shape"],
            params["minimum"],
            params["maximum"],
            params["negative"],
        )

    def to_stats_arrays(self) -> NDArray[Any]:
        """The stats_arrays parameter array (bw_processing's dtype, float32 parameters) of these distributions."""
        params = np.zeros(self.size, dtype=STATS_ARRAYS_DTYPE)
        params["uncertainty_type"] = self.kind
        for name in ("loc", "scale", "shape", "minimum", "maximum", "negative"):
            params[name] = getattr(self, name)
        return params

    @property
    def size(self) -> int:
        return int(self.kind.size)

    def __len__(self) -> int:
        return self.size

    @property
    def uncertain(self) -> NDArray[np.bool_]:
        """Which values vary from sample to sample."""
        return np.asarray(self.kind > NO_UNCERTAINTY)

    def take(self, positions: ArrayLike) -> Distributions:
        """The distributions at ``positions``, in that order."""
        p = np.asarray(positions, dtype=np.intp)
        return Distributions(
            self.kind[p],
            self.loc[p],
            self.scale[p],
            self.shape[p],
            self.minimum[p],
            self.maximum[p],
            self.negative[p],
        )

    def std(self) -> Array:
        """Each distribution's standard deviation, bounds of the unbounded kinds ignored (0 for fixed values)."""
        a, b, c = self.minimum, self.maximum, self.loc
        sigma2 = self.scale**2
        with np.errstate(over="ignore", invalid="ignore"):
            lognormal = np.exp(c) * np.sqrt(np.expm1(sigma2) * np.exp(sigma2))
            low = np.trunc(np.where(np.isnan(a), 0.0, a))
            count = np.trunc(b) - low
            spreads = {
                LOGNORMAL: lognormal,
                NORMAL: self.scale,
                UNIFORM: (b - a) / np.sqrt(12.0),
                TRIANGULAR: np.sqrt(np.maximum(a * a + b * b + c * c - a * b - a * c - b * c, 0.0) / 18.0),
                DISCRETE_UNIFORM: np.sqrt((count * count - 1.0) / 12.0),
            }
        result = np.zeros(self.size)
        for kind, spread in spreads.items():
            mask = self.kind == kind
            result[mask] = spread[mask]
        return result

    def sample(self, rng: np.random.Generator) -> Array:
        """One sample of every value, drawn from ``rng``."""
        return sample(self, rng)

    @cached_property
    def _plan(self) -> _Plan:
        return _Plan(self)


def concatenate(parts: list[Distributions]) -> Distributions:
    """The distributions of several parts, one after the other."""
    fields = ("kind", "loc", "scale", "shape", "minimum", "maximum", "negative")
    if not parts:
        return Distributions.fixed(np.zeros(0))
    return Distributions(*(np.concatenate([getattr(p, name) for p in parts]) for name in fields))


def _check(d: Distributions) -> None:
    """stats_arrays' validation of each kind, with the first failing entry named."""

    def refuse(bad: NDArray[np.bool_], what: str) -> None:
        if np.any(bad):
            k = int(np.flatnonzero(bad)[0])
            raise InvalidArrays(
                f"distributions: entry {k} ({KINDS.get(int(d.kind[k]), 'kind ' + str(d.kind[k]))}, loc {d.loc[k]}, "
                f"scale {d.scale[k]}, minimum {d.minimum[k]}, maximum {d.maximum[k]}): {what} "
                f"({int(np.count_nonzero(bad))} such entries)"
            )

    unknown = ~np.isin(d.kind, list(KINDS))
    if np.any(unknown):
        k = int(np.flatnonzero(unknown)[0])
        kind = int(d.kind[k])
        name = UNSUPPORTED.get(kind)
        supported = ", ".join(f"{i} {n}" for i, n in KINDS.items())
        raise InvalidArrays(
            f"distributions: entry {k} has uncertainty type {kind}"
            + (f" ({name}), which is not supported" if name else ", which stats_arrays does not define")
            + f"; use one of {supported}"
        )
    lognormal, normal = d.kind == LOGNORMAL, d.kind == NORMAL
    bounded = np.isin(d.kind, (UNIFORM, TRIANGULAR))
    refuse(d.minimum >= d.maximum, "the minimum must be below the maximum")
    refuse((lognormal | normal) & ~np.isfinite(d.loc), "loc must be a finite number")
    refuse((lognormal | normal) & ~(np.isfinite(d.scale) & (d.scale > 0)), "scale must be a positive number")
    refuse(bounded & ~(np.isfinite(d.minimum) & np.isfinite(d.maximum)), "needs a finite minimum and maximum")
    triangular = d.kind == TRIANGULAR
    refuse(triangular & ~((d.minimum <= d.loc) & (d.loc <= d.maximum)), "the mode (loc) must lie within the bounds")
    discrete = d.kind == DISCRETE_UNIFORM
    refuse(discrete & ~np.isfinite(d.maximum), "needs a finite maximum")
    low = np.trunc(np.where(np.isnan(d.minimum), 0.0, d.minimum))
    refuse(discrete & ~(low < np.trunc(d.maximum)), "holds no whole number between minimum and maximum")


def sample(d: Distributions, rng: np.random.Generator) -> Array:
    """One sample of each distribution; out-of-bounds samples of unbounded kinds are drawn again."""
    plan = d._plan
    out = d.loc.copy()  # undefined and no uncertainty: the value itself
    for kind, positions in plan.positions.items():
        out[positions] = plan.draw(kind, positions, rng)
    for kind, positions in plan.bounded.items():
        for _ in range(MAXIMUM_REDRAWS):
            values = out[positions]
            positions = positions[(values < d.minimum[positions]) | (values > d.maximum[positions])]
            if not positions.size:
                break
            out[positions] = plan.draw(kind, positions, rng)
        else:
            k = int(positions[0])
            raise InvalidArrays(
                f"distributions: entry {k} ({KINDS[kind]}) drew no sample within its bounds "
                f"[{d.minimum[k]}, {d.maximum[k]}] in {MAXIMUM_REDRAWS} tries; the bounds leave too little "
                "of the distribution"
            )
    return out


class _Plan:
    """Where each kind is, found once per ``Distributions``, and the draws of one kind at given positions."""

    def __init__(self, d: Distributions) -> None:
        self.d = d
        self.positions = {k: p for k in KINDS if k > NO_UNCERTAINTY and (p := np.flatnonzero(d.kind == k)).size}
        has_bounds = ~np.isnan(d.minimum) | ~np.isnan(d.maximum)
        self.bounded = {
            k: p
            for k in (LOGNORMAL, NORMAL, DISCRETE_UNIFORM)
            if (p := np.flatnonzero((d.kind == k) & has_bounds)).size
        }
        self.any_negative = bool(np.any(d.negative & (d.kind == LOGNORMAL)))
        self.low = np.trunc(np.where(np.isnan(d.minimum), 0.0, d.minimum))
        self.high = np.trunc(np.where(np.isnan(d.maximum), 1.0, d.maximum))

    def draw(self, kind: int, p: NDArray[np.intp], rng: np.random.Generator) -> Array:
        d = self.d
        if kind == LOGNORMAL:
            values = np.exp(d.loc[p] + d.scale[p] * rng.standard_normal(p.size))
            if self.any_negative:
                values[d.negative[p]] *= -1.0
            return values
        if kind == NORMAL:
            return d.loc[p] + d.scale[p] * rng.standard_normal(p.size)
        if kind == UNIFORM:
            return d.minimum[p] + (d.maximum[p] - d.minimum[p]) * rng.random(p.size)
        if kind == TRIANGULAR:
            return rng.triangular(d.minimum[p], d.loc[p], d.maximum[p])
        return rng.integers(self.low[p].astype(np.int64), self.high[p].astype(np.int64)).astype(np.float64)
