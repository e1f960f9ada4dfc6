"""Finding factors to link: the library's search (Chinese and English words) with the browser's filters, and each
factor as the API and the pages show it, with its kg CO2e per unit under IPCC AR6.

Plain functions on a ``FactorLibrary`` (``library.organisation_library`` gives the shipped sets with the caller
organisation's), so the factor browser page and ``GET /api/factors`` find the same factors in the same order.
"""

from __future__ import annotations

from collections.abc import Collection

from lowcarbon.errors import InvalidInput, LowcarbonError
from lowcarbon.factors import Factor, FactorLibrary, load_set
from lowcarbon.footprint.schemas import FactorSummary

__all__ = ["GWP", "find", "kg_co2e", "summary"]

GWP = "AR6"  # the GWP set of the figures shown; a model may choose AR5, which its footprint then uses


def find(
    library: FactorLibrary,
    text: str = "",
    *,
    geography: str | None = None,
    unit: str | None = None,
    factor_set: str | None = None,
) -> list[Factor]:
    """Every factor whose words contain ``text``'s (as ``lowcarbon factors search`` finds them), whose geography
    starts with ``geography``, whose unit has ``unit``'s dimension and which is of ``factor_set``, best match
    first. InvalidInput for a set the library does not have; UnitError for a unit pint does not know."""
    if factor_set and factor_set not in library.factor_sets:
        raise InvalidInput(f"set: there is no factor set {factor_set!r}; the sets are {', '.join(library.factor_sets)}")
    found = library.search(text.strip(), geography=geography or None, unit=unit or None, limit=None)
    return [factor for factor in found if not factor_set or factor.factor_set == factor_set]


def kg_co2e(factor: Factor, gwp: str = GWP) -> float | None:
    """kg CO2e per unit of ``factor`` under the GWP100 set ``gwp`` (AR6, AR5); None when it has no value under it."""
    try:
        return load_set(gwp).co2e(factor)
    except LowcarbonError:
        return None


def summary(factor: Factor, own: Collection[str]) -> FactorSummary:
    """The factor as the API lists it; ``own`` are the sets of the caller organisation's library."""
    return FactorSummary(
        key=factor.key,
        factor_set=factor.factor_set,
        name=factor.name,
        name_zh=factor.name_zh,
        unit=factor.unit,
        geography=factor.geography,
        year=factor.year,
        source=factor.source,
        source_url=factor.source_url,
        kg_co2e=kg_co2e(factor),
        unverified=factor.unverified,
        own=factor.factor_set in own,
    )
