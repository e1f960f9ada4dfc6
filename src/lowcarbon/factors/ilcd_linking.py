"""Link ILCD process datasets into one technosphere: where a dataset's input is another dataset's reference product.

An input is linked by its flow's UUID alone. ILCD gives every exchange amount in the reference unit of its flow's
reference flow property, so an input and the reference flow that supplies it, being the same flow, are in the same
unit: no conversion is needed, and none is guessed across flows of different UUIDs that only look alike.

Which dataset supplies an input (``choose_supplier``), when several make the flow:

1. **Location.** The consumer's own location, then each region that encloses it (ILCD codes nest: "QD-SD-CN"
   is in "SD-CN", which is in "CN"), then "GLO", then any location (a proxy, named in the link).
2. **Completeness**, among the datasets at that location: LCI results first (their inventory carries their
   upstream), then datasets with inputs of their own (unit processes and partly terminated systems, to link
   further), then datasets that list outputs only (one step's direct emissions, as China's pollution-census
   emission factors give them).
3. **Time**: the nearest reference year to the consumer's (datasets without one last).
4. The one that remains, or, when several tie, their **equal-share mix**: the data give no production volumes.

A waste output goes the same way to the datasets that treat that waste (their reference flow is the waste, as an
input). What is left unlinked, and why, is every exchange's ``status``:

- a product input that no dataset makes is *unlinked*, and one whose flow dataset the archive lacks *unresolved*:
  both are cut off, and ``ilcd_cradle_to_gate`` weighs them against the supply chain's inputs; so is an input
  linked to datasets that list outputs only (``Supplier.outputs_only``): their emissions count, but the upstream
  that a dataset without inputs leaves out is missing;
- a waste input that no dataset makes enters *burden-free* (cut-off, as recycled material does); a waste output
  that no dataset treats is *untreated* (its treatment is left out);
- other product outputs are *co-products*: not allocated, the dataset's whole inventory stays on its reference flow,
  as TianGong gives it; a dataset's input of its own reference flow is *own use*, netted against its output.

Datasets that cannot be a column of the technosphere (no reference flow, no positive amount of it, a reference flow
that is an elementary flow or absent from the archive, a reference unit that is no physical unit, such as the
input-output sectors' EUR, own use at least as large as the output, or withheld after review) are ``excluded``,
each with its reason; they supply nothing.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from lowcarbon.errors import UnitError
from lowcarbon.factors.ilcd import IlcdExchange, IlcdProcess
from lowcarbon.units import parse_unit

__all__ = [
    "AGGREGATED",
    "Activity",
    "Candidate",
    "LinkedExchange",
    "Supplier",
    "Technosphere",
    "choose_supplier",
    "enclosing_locations",
    "link",
]

#: The dataset type whose inventory already carries its upstream.
AGGREGATED = "LCI result"
ANY_LOCATION = "any"

Status = Literal["linked", "unlinked", "unresolved", "burden-free", "untreated", "co-product", "own use"]
Completeness = Literal[0, 1, 2]  # 0 an LCI result, 1 with inputs of its own, 2 outputs only
OUTPUTS_ONLY: Completeness = 2
_Lookup = Callable[[str, str, str, int | None], "Supplier | None"]  # (make or treat, flow, location, year)

# Why a dataset is no column of the technosphere.
NO_REFERENCE = "names no reference flow"
NO_AMOUNT = "its reference flow has no positive amount"
ABSENT_REFERENCE = "its reference flow's dataset is absent from the archive"
ELEMENTARY_REFERENCE = "its reference flow is an elementary flow, not a product"
NOT_PHYSICAL = "its reference unit is not a physical unit lowcarbon knows"
OWN_USE = "it uses at least as much of its reference flow as it makes"
WITHHELD = "withheld after review"


@dataclass(frozen=True, slots=True)
class Supplier:
    """Who supplies one exchange: one dataset, or the equal-share mix of several (UUIDs, sorted)."""

    providers: tuple[str, ...]
    location: str  # where they were found: a location code, or "any" for a proxy from elsewhere
    completeness: Completeness = 1  # theirs (they tie on it)

    @property
    def outputs_only(self) -> bool:
        """True when the datasets list no inputs: their emissions count, but their own upstream is missing."""
        return self.completeness == OUTPUTS_ONLY

    @property
    def is_mix(self) -> bool:
        return len(self.providers) > 1


@dataclass(frozen=True, slots=True)
class LinkedExchange:
    """A product or waste exchange of a dataset, and what became of it."""

    exchange: IlcdExchange
    status: Status
    supplier: Supplier | None = None  # when linked: the datasets that make (or treat) it


@dataclass(frozen=True, slots=True)
class Activity:
    """A dataset as a column of the technosphere."""

    process: IlcdProcess
    output: float  # amount of its reference flow per run, net of its own use
    exchanges: tuple[LinkedExchange, ...]  # every product and waste exchange but the reference, with its status
    completeness: Completeness

    @property
    def uuid(self) -> str:
        return self.process.uuid.lower()

    @property
    def treats(self) -> bool:
        """True when its reference flow is an input: it is per amount treated (or processed), not made."""
        reference = self.process.reference_exchange
        return reference is not None and reference.direction == "input"

    @property
    def links(self) -> tuple[LinkedExchange, ...]:
        return tuple(linked for linked in self.exchanges if linked.status == "linked")


@dataclass(frozen=True)
class Technosphere:
    """The linked datasets by lower-case UUID, and those left out with the reason."""

    activities: Mapping[str, Activity]
    excluded: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A dataset that makes (or treats) a flow, as the supplier choice sees it."""

    uuid: str
    location: str
    completeness: Completeness
    year: int | None = None


def link(processes: Iterable[IlcdProcess], withheld: Mapping[str, str] | None = None) -> Technosphere:
    """Link every dataset's inputs (and waste outputs) to the datasets that make (or treat) them.

    ``withheld``: dataset UUID -> why it is left out after review (data that cannot be right); it supplies nothing,
    as if the archive did not have it.
    """
    review = {uuid.lower(): reason for uuid, reason in (withheld or {}).items()}
    columns: dict[str, tuple[IlcdProcess, float]] = {}
    excluded: dict[str, str] = {}
    for process in processes:
        reason = review.get(process.uuid.lower())
        output_or_reason = f"{WITHHELD}: {reason}" if reason else _column(process)
        if isinstance(output_or_reason, str):
            excluded[process.uuid.lower()] = output_or_reason
        else:
            columns[process.uuid.lower()] = (process, output_or_reason)
    makers: dict[str, list[Candidate]] = defaultdict(list)
    treaters: dict[str, list[Candidate]] = defaultdict(list)
    for uuid, (process, _) in columns.items():
        reference = _reference(process)
        candidate = Candidate(uuid, process.location or "", _completeness(process), process.reference_year)
        (treaters if reference.direction == "input" else makers)[reference.flow_uuid.lower()].append(candidate)
    chosen: dict[tuple[str, str, str, int | None], Supplier | None] = {}  # (role, flow, location, year): supplier

    def supplier(role: str, flow: str, location: str, year: int | None) -> Supplier | None:
        key = (role, flow, location, year)
        if key not in chosen:
            pool = (makers if role == "make" else treaters).get(flow, [])
            chosen[key] = choose_supplier(pool, location, year)
        return chosen[key]

    activities = {}
    for uuid, (process, output) in sorted(columns.items()):
        exchanges = tuple(_linked(process, exchange, supplier) for exchange in _others(process))
        activities[uuid] = Activity(process, output, exchanges, _completeness(process))
    return Technosphere(MappingProxyType(activities), MappingProxyType(excluded))


def choose_supplier(candidates: Iterable[Candidate], location: str, year: int | None = None) -> Supplier | None:
    """The supplier for a consumer at ``location`` in ``year``: nearest location, most complete, nearest year, and
    the mix of those that tie."""
    pool = list(candidates)
    for place in (*enclosing_locations(location), "GLO", ANY_LOCATION):
        here = [c for c in pool if place in (c.location, ANY_LOCATION)]
        if here:
            best = min(c.completeness for c in here)
            complete = [c for c in here if c.completeness == best]
            nearest = min(_years_apart(c.year, year) for c in complete)
            chosen = [c for c in complete if _years_apart(c.year, year) == nearest]
            return Supplier(tuple(sorted(c.uuid for c in chosen)), place, best)
    return None


def _years_apart(candidate: int | None, consumer: int | None) -> float:
    if consumer is None:
        return 0.0
    return math.inf if candidate is None else abs(candidate - consumer)


def enclosing_locations(location: str) -> tuple[str, ...]:
    """The location and the regions that enclose it, nearest first: "QD-SD-CN" -> QD-SD-CN, SD-CN, CN."""
    parts = location.split("-") if location else []
    return tuple("-".join(parts[k:]) for k in range(len(parts)))


def _reference(process: IlcdProcess) -> IlcdExchange:
    reference = process.reference_exchange
    assert reference is not None  # _column admits only datasets that name one
    return reference


def _column(process: IlcdProcess) -> float | str:
    """The net output per run of a dataset that can be a column, or the reason it cannot."""
    reference = process.reference_exchange
    if reference is None:
        return NO_REFERENCE
    if reference.amount is None or reference.amount <= 0:
        return NO_AMOUNT
    if reference.flow is None:
        return ABSENT_REFERENCE
    if reference.flow.flow_type == "elementary":
        return ELEMENTARY_REFERENCE
    if not _physical(reference.unit):
        return NOT_PHYSICAL
    output = reference.amount
    if reference.direction == "output":
        output -= sum(e.amount or 0.0 for e in _others(process) if _is_own_use(process, e))
    return output if output > 0 else OWN_USE


def _physical(unit: str | None) -> bool:
    try:
        parse_unit(unit or "", "reference flow")
    except UnitError:
        return False
    return True


def _others(process: IlcdProcess) -> list[IlcdExchange]:
    """The product, waste and unresolved exchanges other than the reference, with an amount."""
    reference = _reference(process)
    return [
        e
        for e in process.exchanges
        if e.internal_id != reference.internal_id and e.amount and (e.flow is None or e.flow.flow_type != "elementary")
    ]


def _is_own_use(process: IlcdProcess, exchange: IlcdExchange) -> bool:
    reference = _reference(process)
    return (
        exchange.direction == "input"
        and reference.direction == "output"
        and exchange.flow_uuid.lower() == reference.flow_uuid.lower()
    )


def _completeness(process: IlcdProcess) -> Completeness:
    if process.dataset_type == AGGREGATED:
        return 0
    reference = _reference(process)
    own_inputs = (e for e in process.exchanges if e.direction == "input" and e.internal_id != reference.internal_id)
    return 1 if any(e.amount for e in own_inputs) else 2


def _linked(process: IlcdProcess, exchange: IlcdExchange, supplier: _Lookup) -> LinkedExchange:
    """What becomes of one product, waste or unresolved exchange of ``process``."""
    location, year = process.location or "", process.reference_year
    if exchange.flow is None:
        return LinkedExchange(exchange, "unresolved")
    flow = exchange.flow_uuid.lower()
    waste = exchange.flow.flow_type == "waste"
    if exchange.direction == "output":
        if not waste:
            return LinkedExchange(exchange, "co-product")
        found = supplier("treat", flow, location, year)
        return LinkedExchange(exchange, "linked", found) if found else LinkedExchange(exchange, "untreated")
    if _is_own_use(process, exchange):
        return LinkedExchange(exchange, "own use")
    found = supplier("make", flow, location, year)
    if found is not None:
        return LinkedExchange(exchange, "linked", found)
    return LinkedExchange(exchange, "burden-free" if waste else "unlinked")
