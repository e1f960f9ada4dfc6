"""Distributions with stats_arrays' ids: sampled moments against analytic values, bounds, signs, seeds, checks."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from stats_arrays import MCRandomNumberGenerator

from lowcarbon.engine.distributions import (
    DISCRETE_UNIFORM,
    LOGNORMAL,
    NO_UNCERTAINTY,
    NORMAL,
    TRIANGULAR,
    UNDEFINED,
    UNIFORM,
    Distributions,
)
from lowcarbon.errors import InvalidArrays

SAMPLES = 200_000
NAN = math.nan


def one(
    kind: int,
    loc: float = NAN,
    scale: float = NAN,
    minimum: float = NAN,
    maximum: float = NAN,
    *,
    negative: bool = False,
    count: int = SAMPLES,
) -> Distributions:
    """``count`` copies of one distribution: one sample of them is ``count`` independent draws."""
    return Distributions(
        np.full(count, kind),
        np.full(count, loc),
        np.full(count, scale),
        np.full(count, NAN),
        np.full(count, minimum),
        np.full(count, maximum),
        np.full(count, negative),
    )


def draws(d: Distributions, seed: int = 7) -> np.ndarray:
    return d.sample(np.random.default_rng(seed))


# (distribution, analytic mean, analytic variance); formulas are the textbook moments of each distribution
MU, SIGMA = math.log(2.0), 0.4
CASES = {
    "lognormal": (
        one(LOGNORMAL, MU, SIGMA),
        math.exp(MU + SIGMA**2 / 2),
        math.expm1(SIGMA**2) * math.exp(2 * MU + SIGMA**2),
    ),
    "normal": (one(NORMAL, 3.0, 0.5), 3.0, 0.25),
    "uniform": (one(UNIFORM, minimum=1.0, maximum=4.0), 2.5, 9 / 12),
    # a, mode c, b: mean (a + b + c) / 3, variance (a² + b² + c² - ab - ac - bc) / 18
    "triangular": (one(TRIANGULAR, 2.0, minimum=1.0, maximum=5.0), 8 / 3, (1 + 25 + 4 - 5 - 2 - 10) / 18),
    # whole numbers 2..6 (maximum excluded): n = 5, mean (2 + 6) / 2, variance (n² - 1) / 12
    "discrete uniform": (one(DISCRETE_UNIFORM, minimum=2.0, maximum=7.0), 4.0, 2.0),
    "no uncertainty": (one(NO_UNCERTAINTY, 1.5), 1.5, 0.0),
    "undefined": (one(UNDEFINED, -0.5), -0.5, 0.0),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_sampled_moments_match_analytic_values(name: str) -> None:
    """Mean within 5 standard errors, variance within 5 % (of 200,000 draws)."""
    distribution, mean, variance = CASES[name]
    values = draws(distribution)
    assert abs(values.mean() - mean) <= 5 * math.sqrt(variance / SAMPLES) + 1e-12
    assert values.var(ddof=1) == pytest.approx(variance, rel=0.05, abs=1e-12)
    assert distribution.std()[0] == pytest.approx(math.sqrt(variance), rel=1e-12, abs=1e-12)


def test_discrete_uniform_draws_whole_numbers_from_zero_without_minimum() -> None:
    values = draws(one(DISCRETE_UNIFORM, maximum=3.0))
    assert set(np.unique(values)) == {0.0, 1.0, 2.0}


def test_negative_lognormal_is_negated() -> None:
    """stats_arrays' ``negative``: a lognormal sample carries no sign, so it is negated."""
    values = draws(one(LOGNORMAL, MU, SIGMA, negative=True))
    assert np.all(values < 0)
    assert values.mean() == pytest.approx(-math.exp(MU + SIGMA**2 / 2), rel=0.01)


def test_negative_is_ignored_by_other_kinds() -> None:
    """As in stats_arrays, only the lognormal reads ``negative``."""
    values = draws(one(NORMAL, 3.0, 0.5, negative=True))
    assert values.mean() == pytest.approx(3.0, abs=0.01)


def test_bounds_truncate_the_normal() -> None:
    """Out-of-bounds draws are drawn again: the samples follow the truncated normal."""
    values = draws(one(NORMAL, 0.0, 1.0, minimum=-0.5, maximum=2.0))
    assert values.min() >= -0.5 and values.max() <= 2.0
    truncated = stats.truncnorm(-0.5, 2.0)
    assert values.mean() == pytest.approx(truncated.mean(), abs=5 * truncated.std() / math.sqrt(SAMPLES))
    assert values.std() == pytest.approx(truncated.std(), rel=0.02)


def test_bounds_of_a_negative_lognormal_apply_after_the_sign() -> None:
    """stats_arrays compares bounds with the negated sample: [-3, -1.5] keeps medians of magnitude 2 nearby."""
    values = draws(one(LOGNORMAL, MU, SIGMA, minimum=-3.0, maximum=-1.5, negative=True))
    assert values.min() >= -3.0 and values.max() <= -1.5
    # the magnitude is a lognormal truncated to [1.5, 3]: its mean, from scipy's lognormal, by integration
    magnitude = stats.lognorm(SIGMA, scale=2.0)
    expected = magnitude.expect(lambda x: x, lb=1.5, ub=3.0, conditional=True)
    assert -values.mean() == pytest.approx(expected, rel=0.005)


def test_bounds_that_exclude_the_distribution_are_refused() -> None:
    with pytest.raises(InvalidArrays, match="within its bounds"):
        draws(one(NORMAL, 0.0, 1.0, minimum=50.0, maximum=51.0, count=3))


def test_same_seed_same_numbers_other_seed_other_numbers() -> None:
    d = Distributions.from_stats_arrays(
        np.concatenate([CASES[name][0].take(np.arange(100)).to_stats_arrays() for name in sorted(CASES)])
    )
    first, again, other = draws(d, 1), draws(d, 1), draws(d, 2)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first[d.uncertain], other[d.uncertain])


def test_stats_arrays_round_trip_and_agreement_with_stats_arrays() -> None:
    """The parameter array goes to and from stats_arrays' layout, and stats_arrays' own sampler draws the same
    distributions (moments within sampling error)."""
    parts = [CASES[name][0].take(np.arange(20_000)) for name in ("lognormal", "normal", "triangular", "uniform")]
    params = np.concatenate([p.to_stats_arrays() for p in parts])
    ours = Distributions.from_stats_arrays(params)
    for field in params.dtype.names:  # NaN equals NaN field by field, not in a structured comparison
        np.testing.assert_array_equal(ours.to_stats_arrays()[field], params[field])
    theirs = MCRandomNumberGenerator(params, seed=3).generate(samples=1)
    mine = draws(ours)
    for k in range(4):
        block = slice(k * 20_000, (k + 1) * 20_000)
        assert mine[block].mean() == pytest.approx(theirs[block].mean(), rel=0.02)
        assert mine[block].std() == pytest.approx(theirs[block].std(), rel=0.04)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ((9, 1.0, 1.0), r"type 9 \(gamma\), which is not supported"),
        ((42, 1.0), "stats_arrays does not define"),
        ((LOGNORMAL, 0.0, 0.0), "scale must be a positive number"),
        ((NORMAL, NAN, 1.0), "loc must be a finite number"),
        ((UNIFORM, NAN, NAN, 1.0), "needs a finite minimum and maximum"),
        ((TRIANGULAR, 9.0, NAN, 1.0, 2.0), "mode"),
        ((NORMAL, 0.0, 1.0, 2.0, 1.0), "minimum must be below the maximum"),
        ((DISCRETE_UNIFORM, NAN, NAN, 1.0), "needs a finite maximum"),
        ((DISCRETE_UNIFORM, NAN, NAN, 1.2, 1.9), "no whole number"),
    ],
)
def test_invalid_parameters_are_refused_by_name(arguments: tuple[float, ...], message: str) -> None:
    with pytest.raises(InvalidArrays, match=message):
        one(*arguments, count=2)  # type: ignore[arg-type]


def test_fixed_values_are_their_own_samples() -> None:
    d = Distributions.fixed([1.0, -2.0])
    np.testing.assert_array_equal(draws(d), [1.0, -2.0])
    assert not d.uncertain.any()
