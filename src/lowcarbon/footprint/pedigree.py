"""The pedigree matrix: five data-quality scores and a basic uncertainty turned into a lognormal spread.

The uncertainty factors are ecoinvent v3's (``data/pedigree.json``, with their source). ecoinvent writes each
factor U, and the basic uncertainty, as a squared geometric standard deviation (its SD_g95: 95 % of values lie
between median / U and median * U when U is the only spread), so each adds (ln U / 2)^2 to the variance of ln x:

    sigma = sqrt((ln U_basic)^2 + sum of (ln U_i)^2) / 2,   GSD = exp(sigma),   GSD^2 = exp(2 sigma)

``sigma`` is the lognormal's scale as stats_arrays and the engine take it (the standard deviation of ln x).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from importlib import resources
from typing import Any

__all__ = ["INDICATORS", "PEDIGREE", "pedigree_gsd", "pedigree_sigma"]

PEDIGREE: dict[str, Any] = json.loads(
    resources.files("lowcarbon.footprint.data").joinpath("pedigree.json").read_text(encoding="utf-8")
)
INDICATORS = ("reliability", "completeness", "temporal", "geographical", "technological")


def pedigree_sigma(scores: Mapping[str, int], basic_uncertainty: float) -> float:
    """The standard deviation of ln x for the five ``scores`` (1..5 each) and ecoinvent's ``basic_uncertainty``
    factor (a squared GSD, 1 or more)."""
    if basic_uncertainty < 1:
        raise ValueError(f"a basic uncertainty factor is 1 or more (a squared GSD), got {basic_uncertainty}")
    squares = math.log(basic_uncertainty) ** 2
    for indicator in INDICATORS:
        score = scores[indicator]
        if score not in (1, 2, 3, 4, 5):
            raise ValueError(f"the pedigree score of {indicator} is a whole number from 1 to 5, got {score}")
        squares += math.log(PEDIGREE["indicators"][indicator][score - 1]) ** 2
    return math.sqrt(squares) / 2


def pedigree_gsd(scores: Mapping[str, int], basic_uncertainty: float) -> float:
    """The geometric standard deviation exp(sigma) (not squared) of ``pedigree_sigma``."""
    return math.exp(pedigree_sigma(scores, basic_uncertainty))
