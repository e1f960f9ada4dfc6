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

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from lowcarbon.bounded import parse_json, parse_yaml
from lowcarbon.errors import DataFormatError, Problem
from lowcarbon.footprint.bundle import ModelBundle
from lowcarbon.footprint.formula import NAME_PATTERN, FormulaError, evaluate
from lowcarbon.text import control_problem

Rating = Annotated[float, Field(ge=1, le=5)]
STAGES = ("raw_material_acquisition", "production", "distribution", "use", "end_of_life")


class StrictModel(BaseModel):
    """Unknown fields are errors (typos are caught), NaN and infinity are no numbers, texts have no control
    characters (a NUL, which PostgreSQL cannot store, or a bell), values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @field_validator("*", mode="after")
    @classmethod
    def _plain_text(cls, value: Any) -> Any:
        texts = value if isinstance(value, (list, tuple)) else (value,)
        for text in texts:
            problem = control_problem(text, multiline=True) if isinstance(text, str) else None
            if problem is not None:
                raise ValueError(problem)
        return value


class DataQualityRatings(StrictModel):
    """PACT data-quality ratings of one datum, 1 (best) to 5."""

    technological: Rating | None = None
    temporal: Rating | None = None
    geographical: Rating | None = None
    completeness: Rating | None = None
    reliability: Rating | None = None


Score = Annotated[int, Field(ge=1, le=5, strict=True)]

# The model's parameters while it is validated: its activities' formulas are computed with them.
_PARAMETERS: ContextVar[Mapping[str, float]] = ContextVar("model_parameters", default=MappingProxyType({}))

#: The Chinese message of each problem id this module adds (the English one is the problem's message).
MESSAGES_ZH = {
    "uncertainty_fields": "不确定性字段与分布类型不符：对数正态给 gsd 或 sigma，正态给 std，"
    "均匀和三角给 minimum 与 maximum，谱系矩阵给五项评分和 basic_uncertainty",
    "uncertainty_range": "不确定性范围须包含确定值（数量或因子值），且 minimum 小于 maximum",
    "lognormal_zero": "对数正态分布的中位数须大于 0：数量为 0 的活动不能用对数正态分布",
    "factor_uncertainty_process": "factor_uncertainty 只用于关联排放因子的活动；过程的不确定性写在过程的输入上",
    "factor_uncertainty_conflict": "同一排放因子只能有一个不确定性：只写一次，或各处写法相同",
    "unknown_parameter": "公式使用了模型未声明的参数：请在 parameters 中声明或更正拼写",
    "bad_formula": "公式只能包含数字、参数名、+ - * / 和括号",
    "formula_too_long": "公式过长",
    "formula_not_finite": "公式在这些参数值下不是有限数",
    "parameter_range": "参数须满足 low ≤ value ≤ high",
    "unknown_line": "情景引用的活动不存在或不唯一：写它的位置（如 stages[0].activities[1]）或唯一的名称",
    "scenario_change": "情景修改活动时须给出 amount 或 factor",
    "unknown_factor_link": "情景替换的排放因子没有被任何活动使用",
    "repeated_name": "名称须唯一",
}


def _problem(id: str, message: str) -> PydanticCustomError:
    """A validation problem with a stable id (its type) for translations; braces would be read as a template."""
    return PydanticCustomError(id, message.replace("{", "(").replace("}", ")"))


class Pedigree(StrictModel):
    """The pedigree matrix's five data-quality scores of a value, 1 (best) to 5 (ecoinvent v3's indicators)."""

    reliability: Score
    completeness: Score
    temporal: Score
    geographical: Score
    technological: Score


class Uncertainty(StrictModel):
    """The spread of a value around its deterministic value (an amount, or a factor's kg CO2e per unit).

    lognormal: ``gsd`` (geometric standard deviation, exp of sigma; not squared) or ``sigma`` (standard deviation of
    ln), the value being the median; or ``pedigree`` scores and ``basic_uncertainty`` (ecoinvent's basic uncertainty
    factor, a squared GSD as ecoinvent tabulates it, e.g. 1.05). normal: ``std``, the value being the mean.
    uniform: ``minimum`` and ``maximum``. triangular: ``minimum`` and ``maximum``, the value being the mode.
    """

    distribution: Literal["lognormal", "normal", "uniform", "triangular"] = "lognormal"
    gsd: float | None = Field(default=None, gt=1)
    sigma: float | None = Field(default=None, gt=0)
    std: float | None = Field(default=None, gt=0)
    minimum: float | None = None
    maximum: float | None = None
    pedigree: Pedigree | None = None
    basic_uncertainty: float | None = Field(default=None, ge=1)
    source: str = ""

    @model_validator(mode="after")
    def _fields(self) -> Uncertainty:
        given = {
            name
            for name in ("gsd", "sigma", "std", "minimum", "maximum", "pedigree", "basic_uncertainty")
            if getattr(self, name) is not None
        }
        allowed: dict[str, list[set[str]]] = {
            "lognormal": [{"gsd"}, {"sigma"}, {"pedigree", "basic_uncertainty"}],
            "normal": [{"std"}],
            "uniform": [{"minimum", "maximum"}],
            "triangular": [{"minimum", "maximum"}],
        }
        if given not in allowed[self.distribution]:
            forms = " or ".join(", ".join(sorted(form)) for form in allowed[self.distribution])
            raise _problem(
                "uncertainty_fields",
                f"a {self.distribution} uncertainty takes {forms}; got {', '.join(sorted(given)) or 'nothing'}",
            )
        if self.minimum is not None and self.maximum is not None and not self.minimum < self.maximum:
            raise _problem("uncertainty_range", "minimum must be below maximum")
        return self

    def check_value(self, value: float, what: str) -> None:
        """ValueError (problem) when ``value``, the deterministic value, cannot be this distribution's centre."""
        if self.distribution == "lognormal" and not value > 0:
            raise _problem(
                "lognormal_zero",
                f"a lognormal uncertainty needs a {what} above 0 (its median); use normal, uniform or triangular",
            )
        if self.minimum is not None and self.maximum is not None and not self.minimum <= value <= self.maximum:
            raise _problem(
                "uncertainty_range",
                f"the {what} {value:g} lies outside minimum {self.minimum:g} .. maximum {self.maximum:g}; the "
                f"range must hold it",
            )


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
            raise _problem(exc.id, message) from None

    @model_validator(mode="after")
    def _one_link(self) -> Activity:
        if (self.factor is None) == (self.process is None):
            raise ValueError("give exactly one of 'factor' (a library factor key) or 'process' (a process id)")
        if self.uncertainty is not None:
            self.uncertainty.check_value(self.amount, "amount")
        if self.factor_uncertainty is not None and self.factor is None:
            raise _problem(
                "factor_uncertainty_process",
                "factor_uncertainty belongs to a line linked to a factor; give a process's uncertainty on its inputs",
            )
        return self


class Stage(StrictModel):
    """A life-cycle stage and its activities, amounts per declared unit."""

    name: str
    activities: list[Activity] = []


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
    inputs: list[Activity] = []

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
            raise ValueError(
                "a process with co-products needs 'allocation: mass', 'energy' or 'economic' (ISO 14044 prefers "
                "mass or energy); for system expansion, model the co-product as an avoided activity instead"
            )
        field = self.allocation_field
        if field and len(self.outputs) > 1:
            missing = [o.product for o in self.outputs if getattr(o, field) is None]
            if missing:
                raise ValueError(
                    f"allocation by {self.allocation} needs '{field}' on every output; missing on {missing}"
                )
            if not sum(getattr(o, field) for o in self.outputs) > 0:
                raise ValueError(f"allocation by {self.allocation}: the outputs' '{field}' add up to zero")
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
    ids: list[str] = []  # e.g. URNs such as urn:gtin:06901234567892


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
            raise ValueError("the reference period ends before it starts")
        return self


class Parameter(StrictModel):
    """A named value that activity amounts can use in formulas; ``low`` and ``high`` bound the sensitivity run."""

    name: str = Field(pattern=NAME_PATTERN)
    value: float
    unit: str = ""
    low: float | None = None
    high: float | None = None
    name_zh: str | None = None
    description: str = ""
    source: str = ""

    @model_validator(mode="after")
    def _range(self) -> Parameter:
        low = self.value if self.low is None else self.low
        high = self.value if self.high is None else self.high
        if not low <= self.value <= high:
            raise _problem("parameter_range", f"give low <= value <= high; got {self.low}, {self.value}, {self.high}")
        return self


class LineChange(StrictModel):
    """A scenario's change to one line: its amount (a number or a formula) or the factor it links."""

    line: str  # the line's place, e.g. "stages[0].activities[1]", or its name when no other line has it
    amount: float | str | None = None
    factor: str | None = None

    @model_validator(mode="after")
    def _something(self) -> LineChange:
        if self.amount is None and self.factor is None:
            raise _problem("scenario_change", "give the line's new amount, its new factor, or both")
        if isinstance(self.amount, float) and self.amount < 0:
            raise _problem("scenario_change", "an amount is 0 or more; a credit is an avoided line")
        return self


class Scenario(StrictModel):
    """A named variant of the model: parameters set to other values, lines given other amounts or factors."""

    name: str = Field(min_length=1)
    name_zh: str | None = None
    description: str = ""
    description_zh: str = ""
    parameters: dict[str, float] = {}
    factors: dict[str, str] = {}  # a factor key -> the key that replaces it on every line (e.g. another grid mix)
    lines: list[LineChange] = []


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
    factor_files: list[str] = []  # CSV, Excel or ILCD files of factors, relative to the model file
    fossil_carbon_content_kg_c: float | None = Field(default=None, ge=0)  # PACT v3 fossilCarbonContent
    omitted_stages: dict[str, str] = {}  # a life-cycle stage left out of a CFP -> why (ISO 14067 6.3.4)
    cut_off: CutOff = CutOff()
    biogenic_carbon: BiogenicCarbon | None = None
    parameters: list[Parameter] = []  # before stages: their formulas use them
    stages: list[Stage] = Field(min_length=1)
    processes: list[Process] = []
    scenarios: list[Scenario] = []

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
                raise _problem("repeated_name", f"{what} names must be unique; repeated: {repeated}")
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
            raise _problem(
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
                raise _problem(
                    "factor_uncertainty_conflict",
                    f"{place}: factor {activity.factor} has another factor_uncertainty at {first[0]}; a factor has one "
                    "uncertainty wherever it is used: give it once, or the same everywhere",
                )

    def _check_scenarios(self) -> None:
        known = {p.name for p in self.parameters}
        for s, scenario in enumerate(self.scenarios):
            unknown = sorted(set(scenario.parameters) - known)
            if unknown:
                raise _problem(
                    "unknown_parameter",
                    f"scenarios[{s}] ({scenario.name}) sets {unknown}, which are not parameters of the model (its "
                    f"parameters: {', '.join(sorted(known)) or 'none'}); declare them under parameters",
                )
            used = {activity.factor for _, activity in self.activities()}
            unused = sorted(set(scenario.factors) - used)
            if unused:
                raise _problem(
                    "unknown_factor_link",
                    f"scenarios[{s}] ({scenario.name}) replaces {unused}, which no line links; give a factor key a "
                    "line of the model uses",
                )
            for c, change in enumerate(scenario.lines):
                try:
                    self.find_line(change.line)
                except PydanticCustomError as exc:
                    raise _problem(exc.type, f"scenarios[{s}].lines[{c}]: {exc.message()}") from None
                if isinstance(change.amount, str):
                    try:
                        evaluate(change.amount, {p.name: p.value for p in self.parameters})
                    except FormulaError as exc:
                        raise _problem(exc.id, f"scenarios[{s}].lines[{c}].amount: {exc}") from None


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
