"""The product model: what a practitioner writes (YAML or JSON) to describe a product for its carbon footprint.

A model names the product, its declared unit (or functional unit), the system boundary, the GWP set, and the
life-cycle stages with their activities. Each activity has an amount per declared unit and is linked either
to a factor of the library (``factor: set/id``) or to a process modelled in the same file (``process: id``),
which has its own inputs per reference output and may have co-products shared out by mass, energy or
economic value. An activity marked ``avoided`` is displaced by the product's system (system expansion) and
counts as a credit. ``lowcarbon init-model`` writes a commented starter file.

How sure the numbers are: an activity's ``uncertainty`` is the spread of its amount and ``factor_uncertainty``
the spread of its factor's value (kg CO2e per the factor's unit, scaling all its gases together; one per factor,
shared by every line that links it): a distribution (lognormal with ``gsd`` or ``sigma``, normal with ``std``,
uniform or triangular with ``minimum`` and ``maximum``; the amount is the median, mean or mode), or the pedigree
matrix's five scores with a ``basic_uncertainty`` (``lowcarbon.footprint.pedigree``). Named ``parameters`` (value,
unit, low, high) can be used in amounts written as formulas (``amount: "distance_km * 0.5"``, numbers, names,
+ - * / and brackets only); ``scenarios`` set parameters, replace a factor on every line that links it (another grid
mix), or change one line's amount or factor.

Everything wrong with a file is reported at once, each problem with the file, its place (e.g.
``stages[1].activities[0].unit``) and how to fix it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextvars import ContextVar
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from lowcarbon.bounded import parse_json, parse_yaml
from lowcarbon.errors import DataFormatError, Problem
from lowcarbon.footprint.bundle import ModelBundle
from lowcarbon.footprint.formula import FormulaError, evaluate
from lowcarbon.footprint.strict import StrictModel as StrictModel  # the base of every model value, here as before
from lowcarbon.footprint.variation import MESSAGES_ZH as MESSAGES_ZH
from lowcarbon.footprint.variation import Parameter, Scenario, Uncertainty, problem

Rating = Annotated[float, Field(ge=1, le=5)]
STAGES = ("raw_material_acquisition", "production", "distribution", "use", "end_of_life")


class DataQualityRatings(StrictModel):
    """PACT data-quality ratings of one datum, 1 (best) to 5."""

    technological: Rating | None = None
    temporal: Rating | None = None
    geographical: Rating | None = None
    completeness: Rating | None = None
    reliability: Rating | None = None


# The model's parameters while it is validated: its activities' formulas are computed with them.
_PARAMETERS: ContextVar[Mapping[str, float]] = ContextVar("model_parameters", default=MappingProxyType({}))


class Activity(StrictModel):
    """One line of the inventory: an amount of something, linked to a factor or to a modelled process."""

    name: str
    amount: float = Field(ge=0, strict=True)  # a credit is an avoided activity, not a negative amount
    formula: str | None = None  # the amount as written, when a formula of parameters: amount is its value
    uncertainty: Uncertainty | None = None  # of the amount
    factor_uncertainty: Uncertainty | None = None  # of the linked factor's kg CO2e per unit, wherever it is used
    unit: str
    factor: str | None = None
    process: str | None = None
    avoided: bool = False  # system expansion: this product is displaced, so its emissions are credited
    aircraft: bool = False  # emissions of air transport, which ISO 14067 reports on a line of their own
    exempted: bool = False  # left out under the cut-off rule: computed and reported, not counted in the total
    data_type: Literal["primary", "secondary"] = "secondary"
    source: str = ""
    dqr: DataQualityRatings = DataQualityRatings()

    @model_validator(mode="before")
    @classmethod
    def _formula(cls, data: Any) -> Any:
        """An amount written as a formula (text) is kept in ``formula``; ``_amount`` computes it."""
        if not isinstance(data, dict):
            return data
        formula = data["amount"] if isinstance(data.get("amount"), str) else data.get("formula")
        if not isinstance(formula, str):
            return data
        return {**data, "amount": formula, "formula": formula}

    @field_validator("amount", mode="before")
    @classmethod
    def _amount(cls, value: Any) -> Any:
        """A formula's value with the model's parameters; a problem at the amount naming what is wrong."""
        if not isinstance(value, str):
            return value
        try:
            return evaluate(value, _PARAMETERS.get())
        except FormulaError as exc:
            message = f"Input should be a valid number, or a formula of the model's parameters: {exc}"
            raise problem(exc.id, message) from None

    @model_validator(mode="after")
    def _one_link(self) -> Activity:
        if (self.factor is None) == (self.process is None):
            raise problem("one_link", "give exactly one of 'factor' (a library factor key) or 'process' (a process id)")
        if self.uncertainty is not None:
            self.uncertainty.check_value(self.amount, "amount")
        if self.factor_uncertainty is not None and self.factor is None:
            raise problem(
                "factor_uncertainty_process",
                "factor_uncertainty belongs to a line linked to a factor; give a process's uncertainty on its inputs",
            )
        return self


class Stage(StrictModel):
    """A life-cycle stage and its activities, amounts per declared unit."""

    name: str
    activities: list[Activity] = Field(default_factory=list)


class Output(StrictModel):
    """An output of a process; the first is its reference product. Allocation properties per this amount."""

    product: str
    amount: float = Field(gt=0)
    unit: str
    mass_kg: float | None = Field(default=None, ge=0)
    energy_mj: float | None = Field(default=None, ge=0)
    value: float | None = Field(default=None, ge=0)  # economic value, any currency, the same for all outputs


class Process(StrictModel):
    """A process modelled in the file (a sub-assembly, an in-house step), inputs per its reference output."""

    id: str
    name: str = ""
    outputs: list[Output] = Field(min_length=1)
    allocation: Literal["mass", "energy", "economic"] | None = None
    inputs: list[Activity] = Field(default_factory=list)

    @property
    def allocation_field(self) -> str | None:
        """The output property the allocation divides by."""
        return {"mass": "mass_kg", "energy": "energy_mj", "economic": "value", None: None}[self.allocation]

    @property
    def allocation_share(self) -> float:
        """The reference (first) output's share of the burdens: 1 without co-products."""
        field = self.allocation_field
        if len(self.outputs) == 1 or field is None:
            return 1.0
        values = [float(getattr(output, field)) for output in self.outputs]
        return values[0] / sum(values)

    @model_validator(mode="after")
    def _allocation(self) -> Process:
        if len(self.outputs) > 1 and self.allocation is None:
            raise problem(
                "allocation_needed",
                "a process with co-products needs 'allocation: mass', 'energy' or 'economic' (ISO 14044 prefers "
                "mass or energy); for system expansion, model the co-product as an avoided activity instead",
            )
        field = self.allocation_field
        if field and len(self.outputs) > 1:
            missing = [o.product for o in self.outputs if getattr(o, field) is None]
            if missing:
                raise problem(
                    "allocation_property",
                    f"allocation by {self.allocation} needs '{field}' on every output; missing on {missing}",
                )
            if not sum(getattr(o, field) for o in self.outputs) > 0:
                raise problem(
                    "allocation_zero", f"allocation by {self.allocation}: the outputs' '{field}' add up to zero"
                )
        return self


class CutOff(StrictModel):
    """The cut-off rule: how much of the footprint exempted activities may make up (PACT's exemptedEmissionsPercent)."""

    max_exempted_percent: float = Field(default=5.0, ge=0, le=100)


class BiogenicCarbon(StrictModel):
    """Biogenic carbon in the product per declared unit; ``uptake`` credits its CO2 taken from the air."""

    content_kg_c: float = Field(ge=0)
    uptake: bool = False
    stored_kg_c: float = Field(default=0.0, ge=0)  # of it, what stays stored at the end of a cradle-to-grave life
    source: str = ""


class Product(StrictModel):
    name: str
    name_zh: str | None = None
    ids: list[str] = Field(default_factory=list)  # e.g. URNs such as urn:gtin:06901234567892


class DeclaredUnit(StrictModel):
    amount: float = Field(default=1.0, gt=0)
    unit: str
    description: str = ""


class ReferenceFlow(StrictModel):
    """The amount of product needed to fulfil the functional unit, e.g. 1.2 kg of kettle."""

    amount: float = Field(gt=0)
    unit: str
    description: str = ""


class ReferencePeriod(StrictModel):
    start: date
    end: date

    @model_validator(mode="after")
    def _order(self) -> ReferencePeriod:
        if self.end < self.start:
            raise problem("period_order", "the reference period ends before it starts")
        return self


class ProductModel(StrictModel):
    """A whole product model file."""

    product: Product
    declared_unit: DeclaredUnit
    functional_unit: str | None = None
    reference_flow: ReferenceFlow | None = None
    boundary: Literal["cradle-to-gate", "cradle-to-grave", "gate-to-gate"]
    gwp: Literal["AR6", "AR5"] = "AR6"
    reference_period: ReferencePeriod | None = None
    pcr: str | None = None
    # CSV, Excel or ILCD files of factors, relative to the model file
    factor_files: list[str] = Field(default_factory=list)
    fossil_carbon_content_kg_c: float | None = Field(default=None, ge=0)  # PACT v3 fossilCarbonContent
    # a life-cycle stage left out of a CFP -> why (ISO 14067 6.3.4)
    omitted_stages: dict[str, str] = Field(default_factory=dict)
    cut_off: CutOff = CutOff()
    biogenic_carbon: BiogenicCarbon | None = None
    parameters: list[Parameter] = Field(default_factory=list)  # before stages: their formulas use them
    stages: list[Stage] = Field(min_length=1)
    processes: list[Process] = Field(default_factory=list)
    scenarios: list[Scenario] = Field(default_factory=list)

    @model_validator(mode="wrap")
    @classmethod
    def _with_parameters(cls, data: Any, handler: Callable[[Any], ProductModel]) -> ProductModel:
        """Validate with the parameters' values at hand, so that each activity computes its formula."""
        values: dict[str, float] = {}
        for item in (data.get("parameters") if isinstance(data, dict) else None) or []:
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                value = item.get("value")
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    values[item["name"]] = float(value)
        token = _PARAMETERS.set(values)
        try:
            return handler(data)
        finally:
            _PARAMETERS.reset(token)

    @model_validator(mode="after")
    def _unique(self) -> ProductModel:
        for what, names in (
            ("stage", [s.name for s in self.stages]),
            ("process", [p.id for p in self.processes]),
            ("parameter", [p.name for p in self.parameters]),
            ("scenario", [s.name for s in self.scenarios]),
        ):
            repeated = sorted({n for n in names if names.count(n) > 1})
            if repeated:
                raise problem("repeated_name", f"{what} names must be unique; repeated: {repeated}")
        self._check_factor_uncertainty()
        self._check_scenarios()
        return self

    def activities(self) -> list[tuple[str, Activity]]:
        """Every activity with its place: stage activities, then process inputs."""
        found = [
            (f"stages[{s}].activities[{a}]", x) for s, st in enumerate(self.stages) for a, x in enumerate(st.activities)
        ]
        found += [
            (f"processes[{p}].inputs[{a}]", x) for p, pr in enumerate(self.processes) for a, x in enumerate(pr.inputs)
        ]
        return found

    def find_line(self, line: str) -> str:
        """The place of the line a scenario names by place or by its unique name; ValueError when none or several."""
        places = [place for place, activity in self.activities() if line in (place, activity.name)]
        if len(set(places)) != 1:
            how = "no line has" if not places else f"{len(places)} lines have"
            raise problem(
                "unknown_line",
                f"{how} the place or name {line!r}; name a line by its place, e.g. stages[0].activities[1], or by a "
                "name no other line has",
            )
        return places[0]

    def _check_factor_uncertainty(self) -> None:
        given: dict[str, tuple[str, Uncertainty]] = {}
        for place, activity in self.activities():
            if activity.factor is None or activity.factor_uncertainty is None:
                continue
            first = given.setdefault(activity.factor, (place, activity.factor_uncertainty))
            if first[1] != activity.factor_uncertainty:
                raise problem(
                    "factor_uncertainty_conflict",
                    f"{place}: factor {activity.factor} has another factor_uncertainty at {first[0]}; a factor has one "
                    "uncertainty wherever it is used: give it once, or the same everywhere",
                )

    def _check_scenarios(self) -> None:
        known = {p.name for p in self.parameters}
        for s, scenario in enumerate(self.scenarios):
            unknown = sorted(set(scenario.parameters) - known)
            if unknown:
                raise problem(
                    "unknown_parameter",
                    f"scenarios[{s}] ({scenario.name}) sets {unknown}, which are not parameters of the model (its "
                    f"parameters: {', '.join(sorted(known)) or 'none'}); declare them under parameters",
                )
            used = {activity.factor for _, activity in self.activities()}
            unused = sorted(set(scenario.factors) - used)
            if unused:
                raise problem(
                    "unknown_factor_link",
                    f"scenarios[{s}] ({scenario.name}) replaces {unused}, which no line links; give a factor key a "
                    "line of the model uses",
                )
            for c, change in enumerate(scenario.lines):
                try:
                    self.find_line(change.line)
                except PydanticCustomError as exc:
                    raise problem(exc.type, f"scenarios[{s}].lines[{c}]: {exc.message()}") from None
                if isinstance(change.amount, str):
                    try:
                        evaluate(change.amount, {p.name: p.value for p in self.parameters})
                    except FormulaError as exc:
                        raise problem(exc.id, f"scenarios[{s}].lines[{c}].amount: {exc}") from None


def load_model(path: str | Path) -> ProductModel:
    """Read a model from YAML or JSON; every problem at once, with its place, as DataFormatError."""
    bundle = ModelBundle.from_path(path)
    return read_model(bundle.content, "json" if bundle.format == "json" else "yaml", bundle.source)


def read_model(content: bytes, model_format: str, source: str) -> ProductModel:
    """A model from the bytes of a YAML or JSON file; ``source`` names the file in errors."""
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataFormatError.at(source, f"cannot be read as UTF-8 text ({exc})", id="not_utf8") from None
    data = parse_json(text, source) if model_format == "json" else parse_yaml(text, source)
    return parse_model(data, source)


def parse_model(data: Any, source: str) -> ProductModel:
    """A model from already parsed data; ``source`` names it in errors."""
    if not isinstance(data, dict):
        raise DataFormatError(
            problems=[
                Problem(
                    "a product model is a mapping with product, declared_unit, boundary, stages",
                    source=source,
                    id="not_a_mapping",
                )
            ],
            what="model",
        )
    try:
        return ProductModel.model_validate(data)
    except ValidationError as exc:
        raise parse_model_errors(exc, source, "model") from None


def parse_model_errors(exc: ValidationError, source: str, what: str) -> DataFormatError:
    """One DataFormatError listing every validation problem with its place."""
    problems = [
        Problem(_message(error), _place(error["loc"]), source, str(error["type"]), _params(error))
        for error in exc.errors()
    ]
    return DataFormatError(problems=problems, what=what)


def _params(error: Any) -> dict[str, Any]:
    """The validation error's context (limits, expected values), as plain text values."""
    return {str(key): str(value) for key, value in (error.get("ctx") or {}).items()}


def _place(location: tuple[int | str, ...]) -> str:
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _message(error: Any) -> str:
    kind, message = error["type"], error["msg"]
    if kind == "extra_forbidden":
        return "unknown field; check its spelling (a model's fields are those of `lowcarbon init-model`'s starter)"
    if kind == "missing":
        return "required field is missing"
    return str(message).removeprefix("Value error, ")
