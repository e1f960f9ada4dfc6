"""Cradle-to-gate footprints of linked ILCD datasets, solved by the engine: one system for the whole database.

``ilcd_linking.link`` says who supplies whom; ``solve_linked`` makes the engine's system of it. Each dataset is a
column whose own product row holds its reference flow (net of its own use; rows count in the flow's reference
unit); a linked input is a negative entry in its supplier's row, or in the row of an equal-share mix of suppliers,
a column of its own. The biosphere holds each dataset's greenhouse-gas exchanges with the air, by gas and carbon
origin, uptake apart from release (``flow_mapping``), and two bookkeeping flows per unit dimension: every product
input, and the part of it cut off (unlinked, unresolved, or linked to datasets that list no inputs). One adjoint
solve per flow then gives, for every dataset at once, its cumulative amount of each per unit of its reference
flow: the cradle-to-gate gases and the share of its whole supply chain's inputs that is cut off come from the same
solve. Loops are no trouble: the engine solves A.

``footprints`` reads every dataset's result from that solve, and ``contribution_tree`` a dataset's supply chain,
as far as its contributions are large enough to show.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Any

import numpy as np

from lowcarbon.engine import Characterization, LCASystem, SupplyChainNode, supply_chain
from lowcarbon.errors import UnitError
from lowcarbon.factors.characterization import CharacterizationSet
from lowcarbon.factors.flow_mapping import classify_flow
from lowcarbon.factors.ilcd import IlcdExchange
from lowcarbon.factors.ilcd_linking import Activity, Supplier, Technosphere
from lowcarbon.factors.model import Emission, Origin
from lowcarbon.units import conversion_factor, parse_unit, registry

__all__ = ["Footprint", "GasFlow", "InputFlow", "LinkedSystem", "contribution_tree", "footprints", "solve_linked"]

CO2E = "co2e"  # the name of the system's characterization vector of the total GWP
UNRESOLVED = "unresolved flows"  # the dimension of inputs whose flow dataset (so unit) is unknown

# Dimensions the cut-off share is told in, each in one unit; a unit of none of them is its own dimension.
_DIMENSIONS = (
    ("mass", "kg"),
    ("energy", "MJ"),
    ("volume", "m3"),
    ("normal volume", "Nm3"),
    ("area", "m2"),
    ("length", "m"),
    ("items", "item"),
    ("transport", "t*km"),
    ("land occupation", "m2*a"),
    ("time", "a"),
)


@dataclass(frozen=True, slots=True)
class GasFlow:
    """A biosphere row: one greenhouse gas of one carbon origin, released or (``removal``) taken up."""

    gas: str
    origin: Origin
    removal: bool


@dataclass(frozen=True, slots=True)
class InputFlow:
    """A bookkeeping row: product inputs of one dimension (in its unit), all of them or only those cut off."""

    dimension: str
    cut_off: bool


@dataclass(frozen=True)
class LinkedSystem:
    """The engine's system of a linked database, and what its ids mean."""

    technosphere: Technosphere
    system: LCASystem
    columns: Mapping[str, int]  # dataset UUID (lower case) -> its product and activity id
    datasets: Mapping[int, str]  # the inverse: product id -> dataset UUID
    mixes: Mapping[int, Supplier]  # the id of an equal-share mix -> the datasets it mixes
    flows: Mapping[int, GasFlow | InputFlow]  # biosphere id -> what it counts
    characterization: CharacterizationSet

    def name(self, product_id: int) -> str:
        """A product's name: its dataset's, or the mix's ("mix of 3 datasets of <flow>, at CN")."""
        if product_id in self.mixes:
            mix = self.mixes[product_id]
            first = self.technosphere.activities[mix.providers[0]].process.reference_exchange
            flow = first.flow.name_en if first is not None and first.flow is not None else "?"
            return f"equal-share mix of {len(mix.providers)} datasets of {flow} at {mix.location}"
        return self.activity(product_id).process.name_en

    def activity(self, product_id: int) -> Activity:
        """The dataset whose reference product ``product_id`` is (KeyError for a mix)."""
        return self.technosphere.activities[self.datasets[product_id]]


@dataclass(frozen=True)
class Footprint:
    """A dataset's cradle-to-gate result per unit of its reference flow."""

    uuid: str
    emissions: tuple[Emission, ...]  # kg of each gas, by origin; uptake apart (negative)
    co2e: float  # kg CO2e under the system's characterization set
    cut_off: Mapping[str, float]  # dimension -> share of its supply chain's product inputs that is cut off
    links: int  # its own inputs (and waste outputs) linked to a supplier


def solve_linked(technosphere: Technosphere, characterization: CharacterizationSet) -> LinkedSystem:
    """The engine's system of ``technosphere``, its gases characterized by ``characterization``."""
    builder = _Builder(technosphere, characterization)
    return builder.run()


def footprints(linked: LinkedSystem) -> dict[str, Footprint]:
    """Every dataset's cradle-to-gate footprint, from one adjoint solve per biosphere flow."""
    system = linked.system
    names = [c.name for c in system.characterizations]
    cumulative = system.product_scores  # (vectors x products)
    gas_rows = {k: flow for k, flow in linked.flows.items() if isinstance(flow, GasFlow)}
    inputs = {k: flow for k, flow in linked.flows.items() if isinstance(flow, InputFlow)}
    row_of = {name: k for k, name in enumerate(names)}
    total_row = row_of[CO2E]
    results = {}
    for uuid, product in linked.columns.items():
        column = cumulative[:, system.products.position(product)]
        gases = {flow: float(column[row_of[str(k)]]) for k, flow in gas_rows.items()}
        largest = max((abs(v) for v in gases.values()), default=0.0)
        emissions = tuple(
            Emission(flow.gas, amount, flow.origin)
            for flow, amount in sorted(gases.items(), key=lambda item: (item[0].gas, item[0].origin, item[0].removal))
            if abs(amount) > 1e-12 * largest  # what the solve leaves of exact zeros
        )
        totals: dict[str, float] = {}
        cut: dict[str, float] = {}
        for k, flow in inputs.items():
            target = cut if flow.cut_off else totals
            target[flow.dimension] = target.get(flow.dimension, 0.0) + float(column[row_of[str(k)]])
        shares = {d: min(1.0, max(0.0, cut.get(d, 0.0) / t)) for d, t in totals.items() if t > 0}
        links = len(linked.technosphere.activities[uuid].links)
        results[uuid] = Footprint(uuid, emissions, float(column[total_row]), MappingProxyType(shares), links)
    return results


def contribution_tree(
    linked: LinkedSystem, uuid: str, *, cutoff: float = 0.05, max_depth: int = 3, max_nodes: int = 40
) -> dict[str, Any]:
    """A dataset's supply chain per unit of its reference flow, as plain values (JSON): inputs whose cumulative
    CO2e is at least ``cutoff`` of the total are shown, ``max_depth`` levels deep; the rest is summed up."""
    (root,) = supply_chain(
        linked.system,
        {linked.columns[uuid.lower()]: 1.0},
        CO2E,
        cutoff=cutoff,
        max_depth=max_depth,
        max_nodes=max_nodes,
    )
    return _node(linked, root)


def _node(linked: LinkedSystem, node: SupplyChainNode) -> dict[str, Any]:
    product = node.product_id
    if product in linked.mixes:
        identity: dict[str, Any] = {"mix_of": list(linked.mixes[product].providers)}
    else:
        process = linked.activity(product).process
        identity = {"dataset": process.uuid.lower(), "location": process.location}
    unit = _unit_of(linked, product)
    return {
        **identity,
        "name": linked.name(product),
        "amount": node.amount,
        "unit": unit,
        "kg_co2e": node.score,
        "direct_kg_co2e": node.direct_score,
        "other_kg_co2e": node.unexpanded,
        **({"loop": True} if node.loop else {}),
        "inputs": [_node(linked, child) for child in node.children],
    }


def _unit_of(linked: LinkedSystem, product: int) -> str | None:
    provider = linked.mixes[product].providers[0] if product in linked.mixes else linked.datasets[product]
    reference = linked.technosphere.activities[provider].process.reference_exchange
    return None if reference is None else reference.unit


class _Builder:
    """Triplets of the technosphere and biosphere, gathered dataset by dataset."""

    def __init__(self, technosphere: Technosphere, characterization: CharacterizationSet) -> None:
        self.technosphere, self.gwp = technosphere, characterization
        self.columns = {uuid: k for k, uuid in enumerate(sorted(technosphere.activities))}
        self.mix_ids: dict[tuple[str, ...], int] = {}
        self.mixes: dict[int, Supplier] = {}
        self.a: tuple[list[int], list[int], list[float]] = ([], [], [])
        self.b: tuple[list[int], list[int], list[float]] = ([], [], [])
        self.flow_ids: dict[GasFlow | InputFlow, int] = {}

    def run(self) -> LinkedSystem:
        for uuid, column in self.columns.items():
            activity = self.technosphere.activities[uuid]
            self._entry(self.a, column, column, activity.output)
            for linked in activity.exchanges:
                amount = linked.exchange.amount or 0.0
                if linked.supplier is not None:
                    self._entry(self.a, self._row(linked.supplier), column, -amount)
                if linked.exchange.direction == "input" and linked.status in ("linked", "unlinked", "unresolved"):
                    dimension, scale = _dimension(linked.exchange)
                    self._emit(InputFlow(dimension, False), column, amount * scale)
                    if linked.supplier is None or linked.supplier.outputs_only:
                        self._emit(InputFlow(dimension, True), column, amount * scale)
            for exchange in activity.process.exchanges:
                self._gas(exchange, column)
        flows = {k: flow for flow, k in self.flow_ids.items()}
        vectors = [Characterization(str(k), np.array([k]), np.array([1.0])) for k in flows]
        gwps = {k: self.gwp.gwp(flow.gas) for k, flow in flows.items() if isinstance(flow, GasFlow)}
        vectors.append(Characterization.from_mapping(CO2E, gwps))
        system = LCASystem(self.a, self.b, vectors)
        return LinkedSystem(
            self.technosphere,
            system,
            MappingProxyType(dict(self.columns)),
            MappingProxyType({k: uuid for uuid, k in self.columns.items()}),
            MappingProxyType(dict(self.mixes)),
            MappingProxyType(flows),
            self.gwp,
        )

    @staticmethod
    def _entry(triplets: tuple[list[int], list[int], list[float]], row: int, column: int, value: float) -> None:
        triplets[0].append(row)
        triplets[1].append(column)
        triplets[2].append(value)

    def _row(self, supplier: Supplier) -> int:
        """The product row that supplies: the one dataset's, or a mix's (made on first use)."""
        if not supplier.is_mix:
            return self.columns[supplier.providers[0]]
        if supplier.providers not in self.mix_ids:
            mix = len(self.columns) + len(self.mix_ids)
            self.mix_ids[supplier.providers] = mix
            self.mixes[mix] = supplier
            self._entry(self.a, mix, mix, 1.0)
            for provider in supplier.providers:
                self._entry(self.a, self.columns[provider], mix, -1.0 / len(supplier.providers))
        return self.mix_ids[supplier.providers]

    def _emit(self, flow: GasFlow | InputFlow, column: int, amount: float) -> None:
        if flow not in self.flow_ids:
            self.flow_ids[flow] = len(self.flow_ids)
        self._entry(self.b, self.flow_ids[flow], column, amount)

    def _gas(self, exchange: IlcdExchange, column: int) -> None:
        flow = exchange.flow
        if flow is None or flow.flow_type != "elementary" or not exchange.amount:
            return
        gas = classify_flow(flow.name_en, flow.cas, flow.compartments, exchange.direction, self.gwp)
        if gas is not None:
            amount = gas.sign * exchange.amount
            self._emit(GasFlow(gas.gas, gas.origin, amount < 0), column, amount)


def _dimension(exchange: IlcdExchange) -> tuple[str, float]:
    """The dimension an input counts in, and how many of that dimension's unit one unit of the input is."""
    if exchange.flow is None or exchange.unit is None:
        return UNRESOLVED, 1.0
    return _unit_dimension(exchange.unit)


@cache
def _unit_dimension(unit: str) -> tuple[str, float]:
    try:
        dimensionality = registry().get_dimensionality(parse_unit(unit, "exchange"))
    except UnitError:
        return f"unit {unit}", 1.0
    for name, base in _DIMENSIONS:
        if registry().get_dimensionality(parse_unit(base, "dimension")) == dimensionality:
            return name, conversion_factor(unit, base, "exchange")
    return f"unit {unit}", 1.0
