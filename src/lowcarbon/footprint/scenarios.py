"""Sensitivity and scenarios: the footprint recomputed with parameters or lines changed, beside the base result.

``sensitivity`` varies each parameter that declares ``low`` or ``high`` on its own (one at a time, the others at
their values) and gives the total at both ends, largest swing first: a tornado chart's rows. ``scenarios`` computes
each scenario the model declares: its parameters set, factors replaced wherever they are linked (another grid mix),
its lines given another amount or factor. A variant is the
model with those values, validated again (formulas recomputed) and computed from the same files; variants are
deterministic, so the amounts' own uncertainties are left out of them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from lowcarbon.errors import DataFormatError
from lowcarbon.factors import FactorLibrary
from lowcarbon.footprint.bundle import ModelBundle
from lowcarbon.footprint.compute import compute, prepare_read, read_bundle_model
from lowcarbon.footprint.model import ProductModel, parse_model_errors
from lowcarbon.footprint.result import Footprint
from lowcarbon.footprint.uncertainty import ScenarioResult, SensitivityCase
from lowcarbon.footprint.variation import LineChange

__all__ = ["Study", "scenarios", "sensitivity", "variant"]

ModelSource = ModelBundle | ProductModel | str | Path
_PLACE = re.compile(r"^(stages|processes)\[(\d+)\]\.(activities|inputs)\[(\d+)\]$")


class Study:
    """A model read once with its files, to compute it and its variants: ``prepared``, ``base`` (its footprint)
    and ``of(variant)``."""

    def __init__(self, source: ModelSource, library: FactorLibrary | None = None) -> None:
        self.places: dict[str, str] = {}
        if isinstance(source, ProductModel):  # its factor files are read from the working directory, as prepare does
            self.bundle, self.model = ModelBundle(b"", "yaml", name="model", folder=Path.cwd()), source
        else:
            self.bundle = source if isinstance(source, ModelBundle) else ModelBundle.from_path(source)
            self.model, self.places = read_bundle_model(self.bundle)
        self.library = library
        self.prepared = prepare_read(self.bundle, self.model, self.places, library)
        self.base = compute(self.prepared)

    def of(self, model: ProductModel, variant: str) -> Footprint:
        """The footprint of a variant of the model, with the model's files; its problems name the variant."""
        try:
            return compute(prepare_read(self.bundle, model, self.places, self.library))
        except DataFormatError as exc:
            problems = [replace(p, source=f"{p.source} ({variant})") for p in exc.problems]
            raise DataFormatError(problems=problems, what="model", count=exc.count) from None


def variant(
    model: ProductModel,
    parameters: Mapping[str, float] | None = None,
    lines: Sequence[LineChange] = (),
    source: str = "model",
    factors: Mapping[str, str] | None = None,
) -> ProductModel:
    """``model`` with parameters set, factors replaced on every line that links them, and lines changed, validated
    again; DataFormatError naming what does not fit."""
    data: dict[str, Any] = model.model_dump()
    for parameter in data["parameters"]:
        if parameters and parameter["name"] in parameters:
            # a scenario may leave the sensitivity range: the range is not the variant's
            parameter.update(value=float(parameters[parameter["name"]]), low=None, high=None)
    for place, line in model.activities():
        _at(data, place)["uncertainty"] = None
        if factors and line.factor is not None and line.factor in factors:
            _at(data, place).update(factor=factors[line.factor], factor_uncertainty=None)
    for change in lines:
        activity = _at(data, model.find_line(change.line))
        if change.amount is not None:
            activity.update(amount=change.amount, formula=None)
        if change.factor is not None:
            activity.update(factor=change.factor, process=None, factor_uncertainty=None)
    data["scenarios"] = []
    try:
        return ProductModel.model_validate(data)
    except ValidationError as exc:
        raise parse_model_errors(exc, source, "scenario") from None


def sensitivity(source: ModelSource | Study, library: FactorLibrary | None = None) -> list[SensitivityCase]:
    """One case per parameter with a ``low`` or ``high``: the total at each end, the largest swing first."""
    study = source if isinstance(source, Study) else Study(source, library)
    cases = []
    for parameter in study.model.parameters:
        if parameter.low is None and parameter.high is None:
            continue
        low = parameter.value if parameter.low is None else parameter.low
        high = parameter.value if parameter.high is None else parameter.high
        totals = [
            study.base.total if value == parameter.value else _total(study, parameter.name, value)
            for value in (low, high)
        ]
        cases.append(
            SensitivityCase(
                parameter=parameter.name,
                parameter_zh=parameter.name_zh or parameter.name,
                base_value=parameter.value,
                low_value=low,
                high_value=high,
                unit=parameter.unit,
                total_low=totals[0],
                total_high=totals[1],
            )
        )
    return sorted(cases, key=lambda case: -abs(case.total_high - case.total_low))


def scenarios(source: ModelSource | Study, library: FactorLibrary | None = None) -> list[ScenarioResult]:
    """Each scenario of the model computed, in the model's order, with its difference from the base total."""
    study = source if isinstance(source, Study) else Study(source, library)
    results = []
    for scenario in study.model.scenarios:
        label = f"scenario {scenario.name}"
        source = f"{study.bundle.source} ({label})"
        changed = variant(study.model, scenario.parameters, scenario.lines, source, scenario.factors)
        result = study.of(changed, label)
        results.append(
            ScenarioResult(
                name=scenario.name,
                name_zh=scenario.name_zh or scenario.name,
                description=scenario.description,
                description_zh=scenario.description_zh or scenario.description,
                total=result.total,
                by_stage=result.by_stage,
                difference=result.total - study.base.total,
            )
        )
    return results


def _total(study: Study, name: str, value: float) -> float:
    label = f"parameter {name} = {value:g}"
    return study.of(variant(study.model, {name: value}, (), f"{study.bundle.source} ({label})"), label).total


def _at(data: dict[str, Any], place: str) -> dict[str, Any]:
    """The activity at ``place`` in a model's data."""
    match = _PLACE.match(place)
    assert match is not None, place
    container, index, lines, line = match.groups()
    activity: dict[str, Any] = data[container][int(index)][lines][int(line)]
    return activity
