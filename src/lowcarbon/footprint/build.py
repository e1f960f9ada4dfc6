"""Turn a product model into an LCA system for the engine: one column per declared unit, stage, line and process.

The declared unit's column consumes one of each stage; a stage consumes its lines; a line (one activity of the
model) either emits its factor's gases, scaled to its amount, or consumes runs of a modelled process; a
process run consumes its input lines, scaled by its reference product's allocation share. Elementary flows are
(gas, origin, aircraft) triples, and the characterization vectors are the total GWP and its fossil, biogenic,
land-use-change and aircraft parts, so one solve gives every line of the footprint.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any

from lowcarbon.engine import Characterization, LCASystem
from lowcarbon.errors import DataFormatError, LowcarbonError, Problem, UnitError
from lowcarbon.factors import CharacterizationSet, Factor, FactorLibrary
from lowcarbon.factors.model import ORIGINS, Emission
from lowcarbon.footprint.messages import say
from lowcarbon.footprint.model import Activity, ProductModel
from lowcarbon.units import conversion_factor

TOTAL = "total"
REMOVALS = "biogenic_removals"
PARTS = (*ORIGINS, "aircraft")


@dataclass(frozen=True)
class Line:
    """One activity of the model, where it is, and what it links to."""

    place: str  # e.g. "stages[0].activities[2]" or "processes[1].inputs[0]"
    stage: str | None
    process: str | None
    activity: Activity
    factor: Factor | None
    conversion: float  # from the activity's unit to the factor's (or the process output's) unit
    column: int
    link_unit: str  # the factor's unit, or the unit of the process's reference output


@dataclass(frozen=True)
class Flow:
    """An elementary flow of the built system: a gas of one origin, and whether it is a removal (negative in
    its factor: CO2 taken up) and from aircraft, so each reporting line is one characterization vector."""

    gas: str
    origin: str
    aircraft: bool
    removal: bool = False


@dataclass(frozen=True)
class BuiltModel:
    """The engine's system for a model, with the meaning of its columns and flows."""

    system: LCASystem
    root: int
    exempted_root: int  # consumes the exempted lines, apart from the product's own column
    stages: dict[str, int]
    lines: tuple[Line, ...]
    flows: dict[int, Flow]
    characterization: CharacterizationSet
    warnings: tuple[str, ...] = ()  # what the build noticed: gases the GWP set does not list


def build(
    model: ProductModel, library: FactorLibrary, characterization: CharacterizationSet, source: str
) -> BuiltModel:
    """The system of ``model``; every broken link or unit is reported at once, with its place."""
    builder = _Builder(model, library, characterization, source)
    return builder.run()


class _Builder:
    def __init__(self, model: ProductModel, library: FactorLibrary, gwp: CharacterizationSet, source: str) -> None:
        self.model, self.library, self.gwp, self.source = model, library, gwp, source
        self.rows: list[int] = []
        self.cols: list[int] = []
        self.values: list[float] = []
        self.bio: dict[tuple[int, int], float] = {}
        self.flows: dict[Flow, int] = {}
        self.lines: list[Line] = []
        self.problems: list[Problem] = []
        self.warnings: dict[str, None] = {}  # in order, once each
        self.next_id = 1
        self.processes = {p.id: p for p in model.processes}
        self.process_columns = {p.id: self._new() for p in model.processes}

    def _new(self) -> int:
        column, self.next_id = self.next_id, self.next_id + 1
        self.rows.append(column)
        self.cols.append(column)
        self.values.append(1.0)
        return column

    def _use(self, supplier: int, consumer: int, amount: float) -> None:
        self.rows.append(supplier)
        self.cols.append(consumer)
        self.values.append(-amount)

    def run(self) -> BuiltModel:
        root = self._new()
        exempted_root = self._new()
        stages = {}
        for s, stage in enumerate(self.model.stages):
            column = self._new()
            stages[stage.name] = column
            self._use(column, root, 1.0)
            if s == 0 and self.model.biogenic_carbon is not None and self.model.biogenic_carbon.uptake:
                self._uptake(stage.name, column)
            for a, activity in enumerate(stage.activities):
                consumer = exempted_root if activity.exempted else column
                self._line(f"stages[{s}].activities[{a}]", stage.name, None, activity, consumer, 1.0)
        for p, process in enumerate(self.model.processes):
            share = process.allocation_share
            for a, activity in enumerate(process.inputs):
                place = f"processes[{p}].inputs[{a}]"
                if activity.exempted:
                    self.problems.append(
                        Problem("only stage activities can be exempted", f"{place}.exempted", self.source, "exempted")
                    )
                self._line(place, None, process.id, activity, self.process_columns[process.id], share)
        if self.problems:
            raise DataFormatError(problems=self.problems, what="model")
        flows = {index: flow for flow, index in self.flows.items()}
        bio_rows = [flow for flow, _ in self.bio]
        bio_cols = [column for _, column in self.bio]
        system = LCASystem(
            (self.rows, self.cols, self.values),
            (bio_rows, bio_cols, list(self.bio.values())),
            self._characterizations(flows),
        )
        return BuiltModel(system, root, exempted_root, stages, tuple(self.lines), flows, self.gwp, tuple(self.warnings))

    def _uptake(self, stage: str, consumer: int) -> None:
        """The CO2 that the product's biogenic carbon took from the air, as a removal in the first stage."""
        assert self.model.biogenic_carbon is not None
        content = self.model.biogenic_carbon.content_kg_c
        factor = Factor(
            id="biogenic-carbon-uptake",
            name="CO2 taken up as the product's biogenic carbon, per kg of carbon",
            unit="kg",
            geography="GLO",
            source=f"molar masses: {CONSTANTS['molar_mass_C']['source']}; content: "
            f"{self.model.biogenic_carbon.source or 'the model'}",
            factor_set="model",
            emissions=(Emission("CO2", -co2_per_carbon(), "biogenic"),),
        )
        activity = Activity(name="biogenic carbon uptake", amount=content, unit="kg", factor=factor.key)
        self._line("biogenic_carbon", stage, None, activity, consumer, 1.0, factor)

    def _line(
        self,
        place: str,
        stage: str | None,
        process: str | None,
        activity: Activity,
        consumer: int,
        share: float,
        given: Factor | None = None,
    ) -> None:
        column = self._new()
        self._use(column, consumer, share)
        sign = -1.0 if activity.avoided else 1.0
        factor, conversion, target_unit = None, 1.0, None
        try:
            if activity.factor is not None:
                factor = given or self.library.get(activity.factor)
                conversion = _converted(activity.unit, factor.unit)
                self._emit(column, factor, sign * activity.amount * conversion, activity.aircraft)
            else:
                if activity.aircraft:
                    raise _LineProblem(
                        "aircraft",
                        "only a line linked to a factor can be marked aircraft; mark the flight lines inside the "
                        "process instead",
                        "aircraft_process",
                    )
                target = self.processes.get(activity.process or "")
                if target is None:
                    raise _LineProblem(
                        "process",
                        f"no process {activity.process!r} in this model; processes are "
                        f"{sorted(self.processes) or 'none'}",
                        "unknown_process",
                    )
                reference = target.outputs[0]
                target_unit = reference.unit
                conversion = _converted(activity.unit, reference.unit)
                runs = sign * activity.amount * conversion / reference.amount
                if process == target.id and runs >= 1:  # in kind: a co-product's allocation share does not help
                    raise _LineProblem(
                        "amount",
                        f"process {target.id!r} would use at least as much of its own product as it makes; a "
                        "process can only consume less of itself than its reference output",
                        "self_consumption",
                    )
                self._use(self.process_columns[target.id], column, runs)
        except _LineProblem as exc:
            self.problems.append(Problem(exc.reason, f"{place}.{exc.field}", self.source, exc.id))
        except LowcarbonError as exc:  # an unknown factor
            self.problems.append(Problem(exc.reason, f"{place}.factor", self.source, exc.code))
        link_unit = factor.unit if factor is not None else (target_unit or activity.unit)
        self.lines.append(Line(place, stage, process, activity, factor, conversion, column, link_unit))

    def _emit(self, column: int, factor: Factor, scale: float, aircraft: bool) -> None:
        if not factor.emissions:  # a published CO2e total without its gases: carry it as CO2e of its origin
            key = (self._flow(Flow("CO2e", factor.co2e_origin, aircraft)), column)
            self.bio[key] = self.bio.get(key, 0.0) + scale * (factor.co2e or 0.0)
            return
        for emission in factor.emissions:
            try:
                self.gwp.gwp(emission.gas)  # unknown gases are reported here
            except LowcarbonError as exc:
                raise _LineProblem("factor", f"factor {factor.key}: {exc.reason}", exc.code) from None
            if not self.gwp.lists(emission.gas):
                warning = say("gas_without_gwp", key=factor.key, gas=emission.gas, gwp=self.gwp.name)
                self.warnings[warning] = None
            flow = Flow(emission.gas, emission.origin, aircraft, removal=emission.amount < 0)
            key = (self._flow(flow), column)
            self.bio[key] = self.bio.get(key, 0.0) + scale * emission.amount

    def _flow(self, flow: Flow) -> int:
        return self.flows.setdefault(flow, len(self.flows) + 1)

    def _characterizations(self, flows: dict[int, Flow]) -> list[Characterization]:
        gwp: Callable[[Flow], float] = lambda f: 1.0 if f.gas == "CO2e" else self.gwp.gwp(f.gas)  # noqa: E731
        vectors = [Characterization.from_mapping(TOTAL, {i: gwp(f) for i, f in flows.items()})]
        for part in PARTS:
            chosen = {i: gwp(f) for i, f in flows.items() if (f.aircraft if part == "aircraft" else f.origin == part)}
            vectors.append(Characterization.from_mapping(part, chosen))
        removals = {i: gwp(f) for i, f in flows.items() if f.removal and f.origin == "biogenic"}
        vectors.append(Characterization.from_mapping(REMOVALS, removals))
        return vectors


class _LineProblem(LowcarbonError):
    """A problem of one line, at one of its fields, found while building it."""

    def __init__(self, field: str, reason: str, id: str) -> None:
        super().__init__(reason, reason=reason)
        self.field, self.id = field, id


def _converted(unit: str, target: str) -> float:
    """How many ``target`` one ``unit`` is; a _LineProblem at the line's unit when it cannot be converted."""
    try:
        return conversion_factor(unit, target, "unit")
    except UnitError as exc:
        raise _LineProblem("unit", exc.reason, exc.code) from None


CONSTANTS: dict[str, dict[str, Any]] = json.loads(
    resources.files("lowcarbon.footprint.data").joinpath("constants.json").read_text(encoding="utf-8")
)


def co2_per_carbon() -> float:
    """kg of CO2 per kg of carbon, from the molar masses of carbon and oxygen."""
    carbon, oxygen = CONSTANTS["molar_mass_C"]["value"], CONSTANTS["molar_mass_O"]["value"]
    return float((carbon + 2 * oxygen) / carbon)


def co2_per_methane() -> float:
    """kg of CO2 holding the carbon of 1 kg of methane: biogenic methane's carbon, counted as CO2 released."""
    carbon, oxygen = CONSTANTS["molar_mass_C"]["value"], CONSTANTS["molar_mass_O"]["value"]
    return float((carbon + 2 * oxygen) / (carbon + 4 * CONSTANTS["molar_mass_H"]["value"]))
