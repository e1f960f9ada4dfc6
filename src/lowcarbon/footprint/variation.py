"""What can vary in a product model: the spread of a value, named parameters, and scenarios.

An ``Uncertainty`` is a distribution around a deterministic value (an activity's amount, or a factor's kg CO2e per
unit): lognormal with ``gsd`` or ``sigma``, normal with ``std``, uniform or triangular with ``minimum`` and
``maximum``, or the pedigree matrix's five scores with a ``basic_uncertainty`` (``pedigree``). A ``Parameter`` is a
named value that amounts use in formulas (``formula``); a ``Scenario`` sets parameters, replaces factors and changes
lines (``scenarios``). Problems carry a stable id (their pydantic type) with a Chinese message in ``MESSAGES_ZH``
(the footprint's catalog, ``lowcarbon.footprint.messages``).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from lowcarbon.footprint.formula import NAME_PATTERN
from lowcarbon.footprint.messages import VARIATION_ZH
from lowcarbon.footprint.strict import StrictModel

__all__ = ["MESSAGES_ZH", "LineChange", "Parameter", "Pedigree", "Scenario", "Uncertainty", "problem"]

Score = Annotated[int, Field(ge=1, le=5, strict=True)]

#: The Chinese message of each problem id this module adds (the English one is the problem's message), from the
#: footprint's catalog of messages
MESSAGES_ZH = VARIATION_ZH


def problem(id: str, message: str) -> PydanticCustomError:
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
            raise problem(
                "uncertainty_fields",
                f"a {self.distribution} uncertainty takes {forms}; got {', '.join(sorted(given)) or 'nothing'}",
            )
        if self.minimum is not None and self.maximum is not None and not self.minimum < self.maximum:
            raise problem("uncertainty_range", "minimum must be below maximum")
        return self

    def check_value(self, value: float, what: str) -> None:
        """ValueError (problem) when ``value``, the deterministic value, cannot be this distribution's centre."""
        if self.distribution == "lognormal" and not value > 0:
            raise problem(
                "lognormal_zero",
                f"a lognormal uncertainty needs a {what} above 0 (its median); use normal, uniform or triangular",
            )
        if self.minimum is not None and self.maximum is not None and not self.minimum <= value <= self.maximum:
            raise problem(
                "uncertainty_range",
                f"the {what} {value:g} lies outside minimum {self.minimum:g} .. maximum {self.maximum:g}; the "
                f"range must hold it",
            )


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
            raise problem("parameter_range", f"give low <= value <= high; got {self.low}, {self.value}, {self.high}")
        return self


class LineChange(StrictModel):
    """A scenario's change to one line: its amount (a number or a formula) or the factor it links."""

    line: str  # the line's place, e.g. "stages[0].activities[1]", or its name when no other line has it
    amount: float | str | None = None
    factor: str | None = None

    @model_validator(mode="after")
    def _something(self) -> LineChange:
        if self.amount is None and self.factor is None:
            raise problem("scenario_change", "give the line's new amount, its new factor, or both")
        if isinstance(self.amount, float) and self.amount < 0:
            raise problem("scenario_change", "an amount is 0 or more; a credit is an avoided line")
        return self


class Scenario(StrictModel):
    """A named variant of the model: parameters set to other values, lines given other amounts or factors."""

    name: str = Field(min_length=1)
    name_zh: str | None = None
    description: str = ""
    description_zh: str = ""
    parameters: dict[str, float] = Field(default_factory=dict)
    # a factor key -> the key that replaces it on every line (e.g. another grid mix)
    factors: dict[str, str] = Field(default_factory=dict)
    lines: list[LineChange] = Field(default_factory=list)
