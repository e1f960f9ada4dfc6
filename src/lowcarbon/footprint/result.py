"""The footprint of a product as ISO 14067 / GB/T 24067 report it, every figure traceable to its inputs.

``Footprint.to_dict()`` is the JSON that ``lowcarbon footprint --json`` prints. Its fields (kg CO2e per declared
unit unless said otherwise):

- ``product``, ``declared_unit`` (e.g. "1 item"), ``functional_unit``, ``reference_flow`` (e.g. "1.2 kg"),
  ``boundary``, ``kind`` ("CFP" for a cradle-to-grave model with a functional unit and use and end-of-life stages,
  or the reason one is left out; "partial CFP" otherwise, with a warning when cradle-to-grave was meant),
  ``characterization`` (the GWP set, e.g. "IPCC AR6 GWP100"), ``pcr``;
- ``total``: the CFP, biogenic emissions and removals included;
- ``by_stage``: the cumulative total of each life-cycle stage;
- ``by_gas``: kg CO2e of each gas; ``gas_mass``: kg of each gas;
- ``fossil``, ``biogenic_emissions``, ``biogenic_removals`` (0 or negative: CO2 taken from the air, from flows that
  are negative in their factors; an uptake inside an avoided product is a lost uptake, a biogenic emission),
  ``land_use_change``: the separate reporting lines, which add up to ``total``; ``aircraft``: the
  emissions of lines marked aircraft, whatever their origin, also counted in their origin's line;
- ``excluding_biogenic_uptake`` (total minus removals) and ``including_biogenic_uptake`` (the total): PACT's
  pcfExcludingBiogenicUptake and pcfIncludingBiogenicUptake;
- ``primary_data_share``: PACT v3's primaryDataShare as a fraction (0 to 1; PACT writes it in percent): of the
  footprint excluding biogenic uptake, the part from primary data: lines marked primary, and the primary share
  a factor carries (a supplier's footprint used as a factor); credits count with their sign, the result is clipped
  to 0..1. ``data_type`` and ``dqr`` describe a line's own emissions: a line linked to a process contributes
  through the process's inputs, which carry their own;
- ``data_quality``: PACT v3's ratings (technological, temporal, geographical, 1 to 5), each averaged over the
  counted lines that have it, weighted by absolute contribution excluding uptake; ``data_quality_coverage``: per
  rating, the fraction of that weight whose lines are rated (a warning names a rating that covers only part);
- ``lines``: every activity with its place in the model, amount, unit, the factor (key and source) or process
  it links to with the amount in that factor's or process's unit (``link_amount``, ``link_unit``), and its direct
  contribution (for an exempted line, what it would add); ``hotspots``: the largest counted lines; ``unit``: the
  unit of every kg CO2e figure, e.g. "kg CO2e per 1 item";
- ``exempted`` and ``exempted_percent`` = 100 |exempted| / (|total| + |exempted|): the lines left out under the
  cut-off rule (PACT's exemptedEmissionsPercent); ``biogenic_carbon_content`` and ``fossil_carbon_content``: kg of
  biogenic and of fossil carbon in the product, as the model states them (PACT v3's carbon contents);
- ``warnings``: unverified factors used, factors whose published CO2e used another GWP set, gases the GWP set does
  not list (they count 0), a cut-off exceeded, ratings that cover part of the footprint, a cradle-to-grave model
  that is not a complete CFP, biogenic carbon taken up and neither released nor stated as stored;
- ``pcr_deviations``: how the model departs from its product category rule, one line each.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class LineResult:
    """One activity line's direct contribution per declared unit."""

    place: str
    stage: str | None
    process: str | None
    name: str
    amount: float
    unit: str
    link: str  # "factor set/id" or "process id"
    link_amount: float  # the amount in the factor's (or the process output's) unit
    link_unit: str
    source: str
    data_type: str
    kg_co2e: float
    exempted: bool = False  # left out under the cut-off rule: this is what it would have added


@dataclass(frozen=True)
class Footprint:
    """The result of ``lowcarbon.footprint.compute``."""

    product: str
    declared_unit: str
    functional_unit: str | None
    reference_flow: str | None
    boundary: str
    kind: str
    characterization: str
    pcr: str | None
    total: float
    by_stage: dict[str, float]
    by_gas: dict[str, float]
    gas_mass: dict[str, float]
    fossil: float
    biogenic_emissions: float
    biogenic_removals: float
    land_use_change: float
    aircraft: float
    excluding_biogenic_uptake: float
    including_biogenic_uptake: float
    primary_data_share: float
    data_quality: dict[str, float]
    lines: list[LineResult]
    exempted: float  # kg CO2e of the exempted lines, not in the total
    exempted_percent: float  # PACT exemptedEmissionsPercent: exempted / (total + exempted), in %
    biogenic_carbon_content: float | None  # kg C per declared unit, as the model gives it
    warnings: list[str] = field(default_factory=list)
    pcr_deviations: list[str] = field(default_factory=list)
    data_quality_coverage: dict[str, float] = field(default_factory=dict)  # per rating: the weight rated, 0..1
    fossil_carbon_content: float | None = None  # kg C per declared unit, as the model gives it (PACT v3)

    @property
    def hotspots(self) -> list[LineResult]:
        """Counted lines by absolute contribution, largest first."""
        return sorted((line for line in self.lines if not line.exempted), key=lambda line: -abs(line.kg_co2e))

    def to_dict(self, top: int = 10) -> dict[str, Any]:
        data = asdict(self)
        data["hotspots"] = [asdict(line) for line in self.hotspots[:top]]
        data["unit"] = f"kg CO2e per {self.declared_unit}"
        return data

    def to_dataframe(self) -> Any:
        """The lines as a pandas DataFrame (pandas must be installed)."""
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - depends on the environment
            raise ImportError("to_dataframe needs pandas: pip install pandas") from None
        return pd.DataFrame([asdict(line) for line in self.lines])


def process_stages(lines: Iterable[LineResult | Mapping[str, Any]]) -> dict[str, list[str]]:
    """The stages each modelled process is used in, from a result's lines (``LineResult`` values, or their dicts as
    a stored result holds them): those of the lines linking the process, followed through processes that use
    processes, each stage once. A hotspot inside a process is shown with them."""
    users: dict[str, list[tuple[str | None, str | None]]] = {}
    for line in lines:
        get = line.get if isinstance(line, Mapping) else lambda key, _line=line: getattr(_line, key, None)
        link = str(get("link") or "")
        if link.startswith("process "):
            users.setdefault(link.removeprefix("process "), []).append((get("stage"), get("process")))

    def stages_of(process: str, seen: frozenset[str]) -> list[str]:
        stages: list[str] = []
        for stage, parent in users.get(process, []):
            if stage:
                stages.append(stage)
            elif parent and parent not in seen:
                stages += stages_of(parent, seen | {parent})
        return list(dict.fromkeys(stages))

    found = {process: stages_of(process, frozenset({process})) for process in users}
    return {process: stages for process, stages in found.items() if stages}
