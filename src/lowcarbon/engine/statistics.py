"""Summaries of Monte Carlo scores, and each input's contribution to their variance.

``Statistics`` summarises one score's samples: mean, standard deviation (n - 1 in the denominator), median and
the 2.5 and 97.5 percentiles (numpy's linear interpolation between order statistics).

The contribution of an input to the variance of a score is measured by the squared Spearman rank correlation
between the input's samples and the score's (``rank_correlations``): the share of the score's rank variance that
a monotone function of that input alone explains. For independent inputs and a score that is close to monotone in
each, the squares add up to about 1; they are not normalised to do so.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Statistics:
    """Mean, standard deviation, median and the central 95 % interval of one score's samples."""

    mean: float
    std: float
    median: float
    p2_5: float
    p97_5: float

    @classmethod
    def of(cls, samples: Array) -> Statistics:
        values = np.asarray(samples, dtype=np.float64)
        low, median, high = np.percentile(values, [2.5, 50.0, 97.5])
        std = float(np.std(values, ddof=1)) if values.size > 1 else 0.0
        return cls(float(np.mean(values)), std, float(median), float(low), float(high))

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


def rank_correlations(inputs: Array, outputs: Array) -> Array:
    """(inputs x outputs): the Spearman rank correlation of each input column with each output column.

    ``inputs`` is (samples x inputs), ``outputs`` (samples x outputs); ties get their average rank. A constant
    column correlates with nothing (0).
    """
    x = _standard_ranks(np.asarray(inputs, dtype=np.float64))
    y = _standard_ranks(np.asarray(outputs, dtype=np.float64))
    return np.asarray(x.T @ y / max(x.shape[0], 1), dtype=np.float64)


def _standard_ranks(values: Array) -> Array:
    """Ranks of each column, centred and scaled to unit variance (zero for a constant column)."""
    if values.shape[0] == 0:
        return values
    from scipy.stats import rankdata  # here, not at the top: scipy.stats takes a second to import, every CLI run

    ranks = rankdata(values, axis=0)
    ranks -= ranks.mean(axis=0)
    spread = np.sqrt((ranks**2).mean(axis=0))
    standard: Array = np.divide(ranks, spread, out=np.zeros_like(ranks), where=spread > 0)
    return standard
