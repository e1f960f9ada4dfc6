"""Turn an inventory dataset (a unit process or an LCI result) into an emission factor.

Every importer (ILCD, openLCA JSON-LD, EcoSpold2) reads its format into ``Dataset`` values; this module keeps
the greenhouse-gas exchanges with the air (see ``flow_mapping``), divides them by the reference amount and
makes a ``Factor`` per unit of the reference flow. A dataset that cannot give a factor is skipped with the
reason, never silently.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from lowcarbon.errors import UnitError
from lowcarbon.factors.characterization import CharacterizationSet
from lowcarbon.factors.flow_mapping import classify_flow
from lowcarbon.factors.model import Emission, Factor, Origin
from lowcarbon.units import conversion_factor, parse_unit


@dataclass(frozen=True)
class ElementaryExchange:
    """An exchange with nature, as the dataset names it."""

    name: str
    cas: str | None
    compartments: tuple[str, ...]
    direction: str  # "input" or "output"
    amount: float


@dataclass(frozen=True)
class Dataset:
    """What a factor needs from an inventory dataset."""

    id: str
    name: str
    source: str  # e.g. "TianGong LCA Data (ILCD), dataset <uuid>"
    reference_amount: float | None
    reference_unit: str | None
    exchanges: tuple[ElementaryExchange, ...]
    boundary: str  # e.g. "LCI result: cradle-to-gate" or "unit process: its own direct emissions only"
    name_zh: str | None = None
    geography: str = ""
    year: int | None = None
    category: str = ""


@dataclass(frozen=True)
class ImportReport:
    """The factors an import made, and each dataset it skipped with the reason."""

    factors: list[Factor] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (dataset id, reason)


def import_datasets(
    datasets: Iterable[Dataset | tuple[str, str]], factor_set: str, characterization: CharacterizationSet
) -> ImportReport:
    """Factors from datasets that have greenhouse-gas exchanges with the air, per unit of their reference flow.

    A reader may pass, instead of a dataset, the (dataset id, reason) of one it could not interpret; those
    come first in ``skipped``, then the datasets that give no factor.
    """
    report = ImportReport()
    unreadable: list[tuple[str, str]] = []
    for dataset in datasets:
        if isinstance(dataset, tuple):
            unreadable.append(dataset)
            continue
        factor_or_reason = dataset_factor(dataset, factor_set, characterization)
        if isinstance(factor_or_reason, Factor):
            report.factors.append(factor_or_reason)
        else:
            report.skipped.append((dataset.id, factor_or_reason))
    report.skipped[:0] = unreadable
    return report


def dataset_factor(dataset: Dataset, factor_set: str, characterization: CharacterizationSet) -> Factor | str:
    """The factor of one dataset, or the reason it has none."""
    if not dataset.reference_amount:
        return "no reference flow amount"
    if not dataset.reference_unit:
        return "the reference flow has no known unit"
    try:
        parse_unit(dataset.reference_unit, dataset.id)
    except UnitError:
        return f"reference unit {dataset.reference_unit!r} is not a physical unit lowcarbon knows"
    emissions = _emissions(dataset.exchanges, dataset.reference_amount, characterization)
    if not emissions:
        return "no greenhouse-gas exchange with the air"
    return Factor(
        id=dataset.id,
        name=dataset.name,
        unit=dataset.reference_unit,
        geography=dataset.geography or "GLO",
        source=dataset.source,
        factor_set=factor_set,
        name_zh=dataset.name_zh,
        year=dataset.year,
        emissions=emissions,
        category=dataset.category,
        boundary=dataset.boundary,
    )


def _emissions(
    exchanges: Sequence[ElementaryExchange], reference_amount: float, characterization: CharacterizationSet
) -> tuple[Emission, ...]:
    # uptake and release of the same gas stay apart: ISO 14067 reports removals and emissions separately
    totals: dict[tuple[str, Origin, bool], float] = defaultdict(float)
    for exchange in exchanges:
        gas = classify_flow(exchange.name, exchange.cas, exchange.compartments, exchange.direction, characterization)
        if gas is not None and exchange.amount:
            amount = gas.sign * exchange.amount / reference_amount
            totals[(gas.gas, gas.origin, amount < 0)] += amount
    return tuple(Emission(gas, amount, origin) for (gas, origin, _), amount in sorted(totals.items()) if amount)


def kilograms_per(unit: str) -> float | None:
    """kg in one ``unit``, or None when it is no mass unit lowcarbon knows (gases must be masses)."""
    try:
        return conversion_factor(unit, "kg", "elementary exchange")
    except UnitError:
        return None
