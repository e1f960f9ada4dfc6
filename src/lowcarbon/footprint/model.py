"""The product model: what a practitioner writes (YAML or JSON) to describe a product for its carbon footprint.

A model names the product, its declared unit (or functional unit), the system boundary, the GWP set, and the
life-cycle stages with their activities. Each activity has an amount per declared unit and is linked either
to a factor of the library (``factor: set/id``) or to a process modelled in the same file (``process: id``),
which has its own inputs per reference output and may have co-products shared out by mass, energy or
economic value. An activity marked ``avoided`` is displaced by the product's system (system expansion) and
counts as a credit. ``lowcarbon init-model`` writes a commented starter file.

Everything wrong with a file is reported at once, each problem with the file, its place (e.g.
``stages[1].activities[0].unit``) and how to fix it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from lowcarbon.bounded import parse_json, parse_yaml
from lowcarbon.errors import DataFormatError, Problem
from lowcarbon.footprint.bundle import ModelBundle
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


class Activity(StrictModel):
    """One line of the inventory: an amount of something, linked to a factor or to a modelled process."""

    name: str
    amount: float = Field(ge=0, strict=True)  # a credit is an avoided activity, not a negative amount
    unit: str
    factor: str | None = None
    process: str | None = None
    avoided: bool = False  # system expansion: this product is displaced, so its emissions are credited
    aircraft: bool = False  # emissions of air transport, which ISO 14067 reports on a line of their own
    exempted: bool = False  # left out under the cut-off rule: computed and reported, not counted in the total
    data_type: Literal["primary", "secondary"] = "secondary"
    source: str = ""
    dqr: DataQualityRatings = DataQualityRatings()

    @model_validator(mode="after")
    def _one_link(self) -> Activity:
        if (self.factor is None) == (self.process is None):
            raise ValueError("give exactly one of 'factor' (a library factor key) or 'process' (a process id)")
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
    stages: list[Stage] = Field(min_length=1)
    processes: list[Process] = []

    @model_validator(mode="after")
    def _unique(self) -> ProductModel:
        for what, names in (("stage", [s.name for s in self.stages]), ("process", [p.id for p in self.processes])):
            repeated = sorted({n for n in names if names.count(n) > 1})
            if repeated:
                raise ValueError(f"{what} names must be unique; repeated: {repeated}")
        return self


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
