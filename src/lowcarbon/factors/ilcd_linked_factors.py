"""Cradle-to-gate emission factors from a linked ILCD database: which datasets become factors, and why not the rest.

``linked_factors`` links the datasets (``ilcd_linking``), solves the whole database once (``ilcd_cradle_to_gate``)
and makes a factor of each dataset that passes, in this order (the first that fails is the reason it is skipped):

1. it is a column of the technosphere (else the reason ``ilcd_linking`` gives, such as withheld after review:
   ``withheld`` names datasets whose data cannot be right, with the reason; they supply no other dataset either);
2. at least one of its inputs (or waste outputs) is linked to another dataset: the rest are not *linked* datasets
   (their own emissions are what ``ilcd_factors`` imports);
3. **the cut-off rule**: in every unit dimension (mass, energy, volume, transport, items...), the product inputs
   of its whole supply chain that are cut off (unlinked, unresolved, or made by datasets that list no inputs) are
   at most ``cut_off`` (5 %, the total that EN 15804 allows to neglect) of all the product inputs of that chain, as
   the engine sums them per unit of the reference flow (every tier's inputs count). An input whose flow dataset is
   absent has no known unit: one anywhere upstream fails the rule;
4. it gives its reference year;
5. its footprint is above zero (none: no greenhouse gas in the supply chain; below: a net removal).

Each factor keeps every gas by carbon origin, per unit of the reference flow (net: an uptake and a release of the
same gas and origin are summed, as the factor template holds one amount of each; the notes keep both), and its
contribution tree (``contribution_tree``): its notes name the largest contributions and the cut-off shares.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
from scipy.sparse.csgraph import breadth_first_order

from lowcarbon.factors.characterization import CharacterizationSet, load_set
from lowcarbon.factors.ilcd import IlcdProcess
from lowcarbon.factors.ilcd_cradle_to_gate import (
    Footprint,
    LinkedSystem,
    contribution_tree,
    footprints,
    solve_linked,
)
from lowcarbon.factors.ilcd_linking import Technosphere, link
from lowcarbon.factors.model import Emission, Factor, Origin

__all__ = ["CUT_OFF", "LinkedFactors", "Provenance", "linked_factors", "upstream"]

CUT_OFF = 0.05

NOT_LINKED = "no input linked to another dataset"
ABOVE_CUT_OFF = "unlinked inputs above the cut-off in its supply chain"
NO_YEAR = "no reference year"
NO_GHG = "no greenhouse gas in its supply chain"
NET_REMOVAL = "a net removal (footprint below zero)"


@dataclass(frozen=True)
class Provenance:
    """What every factor's source, link and boundary say of the database."""

    database: str  # e.g. "TianGong LCA Data (ILCD, MIT licence, Copyright (c) 2023 linancn)"
    url: str | None = None
    boundary: str = "cradle-to-gate, linked datasets"
    trees: str = ""  # where the contribution trees are kept, as the notes name it (e.g. a side file)


@dataclass(frozen=True)
class LinkedFactors:
    """The factors, every other dataset with the reason it is none, and what each factor was computed from."""

    factors: tuple[Factor, ...]
    skipped: tuple[tuple[str, str], ...]  # (dataset UUID, reason)
    trees: Mapping[str, dict[str, Any]]  # factor id -> contribution tree (``contribution_tree``)
    footprints: Mapping[str, Footprint] = field(repr=False)  # every dataset of the technosphere, shipped or not
    technosphere: Technosphere = field(repr=False)
    system: LinkedSystem | None = field(repr=False)  # None when no dataset could be a column


def linked_factors(
    processes: Iterable[IlcdProcess],
    factor_set: str,
    provenance: Provenance,
    *,
    characterization: CharacterizationSet | None = None,
    cut_off: float = CUT_OFF,
    withheld: Mapping[str, str] | None = None,
) -> LinkedFactors:
    """A cradle-to-gate factor of each dataset that passes the rules of the module's docstring."""
    everything = list(processes)
    technosphere = link(everything, withheld)
    if not technosphere.activities:
        nothing = tuple((p.uuid.lower(), technosphere.excluded[p.uuid.lower()]) for p in everything)
        return LinkedFactors((), nothing, MappingProxyType({}), MappingProxyType({}), technosphere, None)
    linked = solve_linked(technosphere, characterization or load_set("AR6"))
    results = footprints(linked)
    factors: list[Factor] = []
    skipped: list[tuple[str, str]] = []
    trees: dict[str, dict[str, Any]] = {}
    for process in everything:
        uuid = process.uuid.lower()
        reason = technosphere.excluded.get(uuid) or _reason(results[uuid], process, cut_off)
        if reason:
            skipped.append((uuid, reason))
            continue
        tree = contribution_tree(linked, uuid, cutoff=0.01)
        trees[uuid] = tree
        factors.append(_factor(linked, results[uuid], tree, factor_set, provenance, cut_off))
    return LinkedFactors(
        tuple(factors), tuple(skipped), MappingProxyType(trees), MappingProxyType(results), technosphere, linked
    )


def _reason(result: Footprint, process: IlcdProcess, cut_off: float) -> str | None:
    if not result.links:
        return NOT_LINKED
    if any(share > cut_off for share in result.cut_off.values()):
        return ABOVE_CUT_OFF
    if process.reference_year is None:
        return NO_YEAR
    if not result.emissions or result.co2e == 0:
        return NO_GHG
    if result.co2e < 0:
        return NET_REMOVAL
    return None


def upstream(linked: LinkedSystem, uuid: str) -> frozenset[str]:
    """The datasets in a dataset's supply chain, itself included (mixes stand for the datasets they mix)."""
    system = linked.system
    graph = system.technosphere.T.tocsr()  # column j's entries become row j's: j -> the products it consumes
    start = system.products.position(linked.columns[uuid.lower()])
    reached = breadth_first_order(graph, start, directed=True, return_predecessors=False)
    ids = system.products.ids[np.asarray(reached)]
    return frozenset(linked.datasets[int(k)] for k in ids if int(k) in linked.datasets)


def _factor(
    linked: LinkedSystem,
    result: Footprint,
    tree: dict[str, Any],
    factor_set: str,
    provenance: Provenance,
    cut_off: float,
) -> Factor:
    activity = linked.technosphere.activities[result.uuid]
    process = activity.process
    reference = process.reference_exchange
    assert reference is not None and reference.flow is not None and reference.unit is not None
    version = f" version {process.version}" if process.version else ""
    emissions, split = _net(result.emissions)
    notes = _notes(linked, result, tree, provenance, cut_off)
    return Factor(
        id=result.uuid,
        name=process.name_en,
        name_zh=process.name_zh,
        unit=reference.unit,
        geography=process.location or "GLO",
        year=process.reference_year,
        emissions=emissions,
        category=" / ".join(process.classification),
        boundary=provenance.boundary,
        source=f"{provenance.database}, process dataset {result.uuid}{version}: {process.name_en}",
        source_url=provenance.url,
        factor_set=factor_set,
        unverified=True,
        notes=f"{notes} Net of uptake: {split}." if split else notes,
    )


def _net(emissions: tuple[Emission, ...]) -> tuple[tuple[Emission, ...], str]:
    """One amount per gas and origin, as the factor template holds them, and what was released and taken up where a
    gas of one origin is both (CO2 of biomass, say)."""
    totals: dict[tuple[str, Origin], list[float]] = {}
    for emission in emissions:
        totals.setdefault((emission.gas, emission.origin), []).append(emission.amount)
    split = "; ".join(
        f"{gas} ({origin}) released {sum(a for a in amounts if a > 0):.4g} kg, taken up "
        f"{sum(a for a in amounts if a < 0):.4g} kg"
        for (gas, origin), amounts in totals.items()
        if len(amounts) > 1
    )
    return tuple(Emission(gas, sum(amounts), origin) for (gas, origin), amounts in totals.items()), split


def _notes(
    linked: LinkedSystem, result: Footprint, tree: dict[str, Any], provenance: Provenance, cut_off: float
) -> str:
    activity = linked.technosphere.activities[result.uuid]
    reference = activity.process.reference_exchange
    assert reference is not None and reference.flow is not None
    per = f"per {reference.unit} of {reference.flow.name_en}" + (" treated" if activity.treats else "")
    chain = len(upstream(linked, result.uuid))
    parts = [
        f"Cradle-to-gate {per}, solved by the lowcarbon engine over {chain} linked datasets (this one included); "
        f"{result.links} of its own inputs linked."
    ]
    cut = ", ".join(f"{share:.1%} of {d}" for d, share in sorted(result.cut_off.items()) if share > 0)
    parts.append(
        f"Unlinked inputs cut off: {cut or 'none'} (rule: at most {cut_off:.0%} of the supply chain's product inputs "
        "in each dimension)."
    )
    total = tree["kg_co2e"]
    contributions = [("its own emissions", tree["direct_kg_co2e"])] + [
        (f"{child['name']} [{(child.get('dataset') or 'mix')[:8]}]", child["kg_co2e"]) for child in tree["inputs"][:5]
    ]
    shown = "; ".join(f"{name} {value:.4g} ({value / total:.0%})" for name, value in contributions)
    where = f"; the tree is in {provenance.trees}" if provenance.trees else ""
    parts.append(f"Largest contributions, kg CO2e ({linked.characterization.short_name}): {shown}{where}.")
    coproducts = sorted(
        {e.exchange.flow.name_en for e in activity.exchanges if e.status == "co-product" and e.exchange.flow}
    )
    if coproducts:
        parts.append(f"Not allocated to its co-products ({'; '.join(coproducts[:5])}): all on the reference flow.")
    return " ".join(parts)
