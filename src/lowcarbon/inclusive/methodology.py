"""Carbon-inclusive methodologies as versioned data, and the reduction of one event under one of them.

The methodologies live in ``data/methodologies.json`` (their table is in this folder's README). Each states, for a
behaviour and a version, reduction = baseline - project as two terms over the **quantities** a partner sends (name
→ unit) and **parameters** (value, unit, source); the quantities' eligibility bounds; the anti-fraud limits; caps per
person per day and month; the delay before crediting; the claim window; points per kg.

    all_versions()                      every version of every behaviour, as loaded (old versions stay)
    methodologies()                     the current (highest) version of each behaviour
    methodology(behaviour, version=None)  one of them; UnknownMethodology (reason unknown_behaviour/unknown_version)
    load_methodologies(path)            every version in another file (a test's, an operator's)
    reduction(m, quantities) -> Reduction   kg CO2e, or InvalidEvent with a reason code of REASONS

Loading checks every term with pint (the units must multiply out to kg CO2e) and compiles it to plain Python; a
problem of the file is a DataFormatError naming the methodology, the term and the fix. ``reduction`` is float
arithmetic only (it runs for every event): reductions are rounded to the milligram, so that a ledger adds exact
figures.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache, cached_property
from importlib import resources
from types import MappingProxyType
from typing import Any

from lowcarbon.errors import DataFormatError, Problem, UnitError
from lowcarbon.inclusive.reasons import REASONS, InvalidEvent, UnknownMethodology, reason_text
from lowcarbon.inclusive.terms import Term, TermError, check_units, compile_term, names_in, parse_term

__all__ = [
    "REASONS",
    "Bounds",
    "Burst",
    "Caps",
    "Fraud",
    "InvalidEvent",
    "Methodology",
    "Parameter",
    "Reduction",
    "UnknownMethodology",
    "all_versions",
    "check_quantities",
    "check_references",
    "load_methodologies",
    "methodologies",
    "methodology",
    "reason_text",
    "reduction",
]

Texts = Mapping[str, str]  # language tag (zh-CN, en) -> text
TERMS = ("baseline", "project")
DECIMALS = 6  # kg to the milligram
_BEHAVIOUR = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_VERSION = re.compile(r"^(\d{4})\.(\d{1,4})$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")


@dataclass(frozen=True)
class Parameter:
    """A number a formula uses, with its unit and where it comes from (``source`` None: no public source)."""

    name: str
    value: float
    unit: str
    source: str | None
    year: int | None = None
    geography: str | None = None
    derivation: str | None = None  # how the value follows from the source's figures
    note: str | None = None

    @property
    def unsourced(self) -> bool:
        return self.source is None


@dataclass(frozen=True)
class Bounds:
    """The values a quantity may take for the event to be eligible (inclusive bounds)."""

    min: float | None = None
    max: float | None = None
    integer: bool = False


@dataclass(frozen=True)
class Burst:
    """More than ``events`` events of a person within ``minutes`` minutes is a burst (held for review)."""

    events: int
    minutes: float


@dataclass(frozen=True)
class Fraud:
    """The anti-fraud limits of a methodology; None where a rule does not apply to the behaviour."""

    max_speed_kmh: float | None = None  # distance_km / duration_min above it is impossible (trips)
    burst: Burst | None = None
    same_trip_minutes: float | None = None  # trips of two partners this close in time are the same trip


@dataclass(frozen=True)
class Caps:
    """What one person may be credited for the behaviour per day and per month (None: no such cap)."""

    day_events: int | None = None
    day_kg: float | None = None
    month_events: int | None = None
    month_kg: float | None = None


@dataclass(frozen=True)
class Methodology:
    """One version of one behaviour's methodology (see the module docstring and ``data/methodologies.json``)."""

    behaviour: str
    version: str
    name: Texts
    standard: str
    quantities: Mapping[str, str]  # name -> unit: what every event carries
    optional_quantities: Mapping[str, str]  # name -> unit: what an event may carry for the rules (duration_min)
    references: Mapping[str, Texts]  # name -> what it is: texts an event must carry (certificate_number)
    formula: Mapping[str, str]  # baseline, project -> term
    parameters: Mapping[str, Parameter]
    eligibility: Mapping[str, Bounds]
    fraud: Fraud
    caps: Caps
    delay_hours: float
    claim_window_days: float
    points_per_kg: float
    notes: str = ""
    baseline_term: Term = field(default=lambda q: 0.0, repr=False, compare=False)
    project_term: Term = field(default=lambda q: 0.0, repr=False, compare=False)

    @property
    def key(self) -> tuple[str, str]:
        return self.behaviour, self.version

    @cached_property
    def delay(self) -> timedelta:
        """The time between an event and its credit."""
        return timedelta(hours=self.delay_hours)

    @cached_property
    def claim_window(self) -> timedelta:
        """How long after an event a partner may report it."""
        return timedelta(days=self.claim_window_days)

    @cached_property
    def parameter_values(self) -> Mapping[str, float]:
        """name -> value (in its unit): what a ledger entry records beside the version."""
        return MappingProxyType({p.name: p.value for p in self.parameters.values()})

    def to_dict(self) -> dict[str, Any]:
        """The methodology as JSON values, as the API lists it."""
        return {
            "behaviour": self.behaviour,
            "version": self.version,
            "name": dict(self.name),
            "standard": self.standard,
            "quantities": dict(self.quantities),
            "optional_quantities": dict(self.optional_quantities),
            "references": {name: dict(texts) for name, texts in self.references.items()},
            "formula": dict(self.formula),
            "parameters": {
                p.name: {
                    "value": p.value,
                    "unit": p.unit,
                    "source": p.source,
                    "unsourced": p.unsourced,
                    "year": p.year,
                    "geography": p.geography,
                    "derivation": p.derivation,
                    "note": p.note,
                }
                for p in self.parameters.values()
            },
            "eligibility": {name: vars(bounds) for name, bounds in self.eligibility.items()},
            "fraud": {
                "max_speed_kmh": self.fraud.max_speed_kmh,
                "burst": vars(self.fraud.burst) if self.fraud.burst else None,
                "same_trip_minutes": self.fraud.same_trip_minutes,
            },
            "caps": vars(self.caps),
            "delay_hours": self.delay_hours,
            "claim_window_days": self.claim_window_days,
            "points_per_kg": self.points_per_kg,
            "notes": self.notes,
        }


@dataclass(frozen=True)
class Reduction:
    """The reduction of one event: kg CO2e = baseline - project, and the parameters (in their units) it used."""

    behaviour: str
    version: str
    kg: float
    baseline_kg: float
    project_kg: float
    parameters: Mapping[str, float]


# --- computing -------------------------------------------------------------------------------------------------


def reduction(m: Methodology, quantities: Mapping[str, float]) -> Reduction:
    """The reduction of an event's quantities under ``m``; InvalidEvent (``.reason``: missing_quantity,
    unknown_quantity, invalid_quantity, negative_quantity, not_eligible) when they do not fit it. A reduction of
    zero or below is returned as it is: the rules decide what to do with it."""
    check_quantities(m, quantities)
    try:
        baseline, project = m.baseline_term(quantities), m.project_term(quantities)
    except ZeroDivisionError:
        raise InvalidEvent("invalid_quantity", f"{m.behaviour}: a quantity divides by zero") from None
    if not (math.isfinite(baseline) and math.isfinite(project)):
        raise InvalidEvent("invalid_quantity", f"{m.behaviour}: the quantities give no finite reduction")
    baseline, project = round(baseline, DECIMALS), round(project, DECIMALS)
    return Reduction(m.behaviour, m.version, round(baseline - project, DECIMALS), baseline, project, m.parameter_values)


def check_quantities(m: Methodology, quantities: Mapping[str, float]) -> None:
    """InvalidEvent unless ``quantities`` are the methodology's, each a finite number ≥ 0 within its bounds."""
    for name in m.quantities:
        if name not in quantities:
            raise InvalidEvent(
                "missing_quantity", f"{m.behaviour} needs the quantity {name} ({m.quantities[name]})", quantity=name
            )
    for name, value in quantities.items():
        if name not in m.quantities and name not in m.optional_quantities:
            known = ", ".join([*m.quantities, *m.optional_quantities]) or "none"
            raise InvalidEvent(
                "unknown_quantity", f"{m.behaviour} has no quantity {name!r} (its quantities: {known})", quantity=name
            )
        if type(value) not in (float, int) or not math.isfinite(value):
            raise InvalidEvent(
                "invalid_quantity", f"{m.behaviour}: {name} is {value!r}, not a finite number", quantity=name
            )
        if value < 0:
            raise InvalidEvent("negative_quantity", f"{m.behaviour}: {name} is {value}, below 0", quantity=name)
        bounds = m.eligibility.get(name)
        if bounds is not None:
            _check_bounds(m, name, value, bounds)


def _check_bounds(m: Methodology, name: str, value: float, bounds: Bounds) -> None:
    rule = None
    if bounds.min is not None and value < bounds.min:
        rule, bound = "at least", bounds.min
    elif bounds.max is not None and value > bounds.max:
        rule, bound = "at most", bounds.max
    elif bounds.integer and value != int(value):
        rule, bound = "a whole number", value
    if rule is not None:
        shown = rule if rule == "a whole number" else f"{rule} {bound:g}"
        raise InvalidEvent(
            "not_eligible", f"{m.behaviour}: {name} is {value:g}; it must be {shown}", quantity=name, value=value
        )


def check_references(m: Methodology, references: Mapping[str, str]) -> None:
    """InvalidEvent (missing_reference) unless the event carries each reference the methodology needs, as text."""
    if not m.references:
        return
    for name, texts in m.references.items():
        value = references.get(name)
        if not isinstance(value, str) or not value.strip():
            raise InvalidEvent(
                "missing_reference", f"{m.behaviour} needs {name}: {texts.get('en', name)}", reference=name
            )


# --- finding ---------------------------------------------------------------------------------------------------


def all_versions() -> tuple[Methodology, ...]:
    """Every version of every behaviour in the shipped file, old versions included, in the file's order."""
    return _shipped()


def methodologies() -> tuple[Methodology, ...]:
    """The current version (the highest) of each behaviour, in the order the behaviours first appear."""
    return tuple(_index()[1].values())


def methodology(behaviour: str, version: str | None = None) -> Methodology:
    """The methodology of ``behaviour`` at ``version`` (the current one when None); UnknownMethodology, whose
    ``reason`` is unknown_behaviour or unknown_version, when there is none."""
    by_key, current = _index()
    if version is None:
        found = current.get(behaviour)
        if found is None:
            known = ", ".join(current)
            raise UnknownMethodology("unknown_behaviour", f"no methodology for {behaviour!r}; behaviours: {known}")
        return found
    found = by_key.get((behaviour, version))
    if found is None:
        if behaviour not in current:
            return methodology(behaviour)  # raises unknown_behaviour
        versions = ", ".join(v for b, v in by_key if b == behaviour)
        raise UnknownMethodology("unknown_version", f"{behaviour} has no version {version!r}; versions: {versions}")
    return found


@cache
def _shipped() -> tuple[Methodology, ...]:
    return load_methodologies()


@cache
def _index() -> tuple[dict[tuple[str, str], Methodology], dict[str, Methodology]]:
    by_key = {m.key: m for m in _shipped()}
    current: dict[str, Methodology] = {}
    for m in _shipped():
        if m.behaviour not in current or _order(m.version) > _order(current[m.behaviour].version):
            current[m.behaviour] = m
    return by_key, current


def _order(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


# --- loading ---------------------------------------------------------------------------------------------------


def load_methodologies(path: str | os.PathLike[str] | None = None) -> tuple[Methodology, ...]:
    """Every methodology in the file ``path`` (the shipped one when None), checked and compiled; DataFormatError
    listing each problem with the methodology, the field or term, and the fix."""
    if path is None:
        text = resources.files("lowcarbon.inclusive").joinpath("data/methodologies.json").read_text("utf-8")
        source = "methodologies.json"
    else:
        with open(path, encoding="utf-8") as file:
            text = file.read()
        source = os.fspath(path)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataFormatError.at(source, f"not JSON ({exc})", id="not_json") from None
    entries = document.get("methodologies") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise DataFormatError.at(source, "holds no list 'methodologies'", id="missing")
    problems: list[Problem] = []
    loaded: list[Methodology] = []
    seen: set[tuple[str, str]] = set()
    for i, entry in enumerate(entries):
        reader = _Reader(source, i, entry)
        m = reader.methodology()
        problems.extend(reader.problems)
        if m is not None:
            if m.key in seen:
                problems.append(reader.problem("version", f"{m.behaviour} {m.version} is listed twice", "duplicate"))
            seen.add(m.key)
            loaded.append(m)
    if problems:
        raise DataFormatError(problems=problems, what="methodologies")
    return tuple(loaded)


class _Reader:
    """Reads one entry of the file, collecting its problems (each naming the methodology and the fix)."""

    def __init__(self, source: str, index: int, entry: Any) -> None:
        self.source, self.index, self.entry = source, index, entry if isinstance(entry, dict) else {}
        behaviour, version = self.entry.get("behaviour"), self.entry.get("version")
        self.label = f"methodology {behaviour} {version}" if behaviour else f"methodology #{index + 1}"
        self.problems: list[Problem] = []
        self.bad_units: set[str] = set()  # names whose unit pint cannot read (already a problem)

    def problem(self, place: str, message: str, id: str = "invalid", fix: str = "") -> Problem:
        text = f"{self.label}: {message}" + (f"; {fix}" if fix else "")
        return Problem(text, f"methodologies[{self.index}].{place}", self.source, id, {}, fix)

    def add(self, place: str, message: str, id: str = "invalid", fix: str = "") -> None:
        self.problems.append(self.problem(place, message, id, fix))

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
        value = self.entry.get(key, default)
        if value is ...:
            self.add(key, f"{key} is missing", "missing", f"add {key}")
            return None
        if value is not default and (not isinstance(value, kind) or isinstance(value, bool)):
            self.add(key, f"{key} is {value!r}, of the wrong kind", "wrong_type")
            return default if default is not ... else None
        return value

    def number(self, place: str, value: Any, allow_none: bool = True) -> float | None:
        if value is None:
            if not allow_none:
                self.add(place, f"{place} is missing", "missing", "write a number ≥ 0")
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            self.add(place, f"{value!r} is not a number ≥ 0", "not_a_number", "write a number ≥ 0")
            return None
        return float(value)

    def units(self, key: str) -> dict[str, str]:
        found = self.get(key, dict, {})
        units: dict[str, str] = {}
        for name, unit in (found or {}).items():
            if not _NAME.match(name) or not isinstance(unit, str):
                self.add(f"{key}.{name}", "a quantity is a name with a unit text", "invalid")
                continue
            units[name] = self.unit(f"{key}.{name}", unit)
        return units

    def unit(self, place: str, unit: str) -> str:
        from lowcarbon.units import parse_unit

        try:
            parse_unit(unit, place)
        except UnitError as exc:
            self.add(place, exc.reason, "unknown_unit")
            self.bad_units.add(place.rsplit(".", 2)[1] if place.endswith(".unit") else place.rsplit(".", 1)[1])
        return unit

    def methodology(self) -> Methodology | None:
        behaviour, version = self.get("behaviour", str), self.get("version", str)
        if isinstance(behaviour, str) and not _BEHAVIOUR.match(behaviour):
            self.add("behaviour", f"{behaviour!r} is not a snake_case id", "invalid", "write e.g. metro_trip")
        if isinstance(version, str) and not _VERSION.match(version):
            self.add("version", f"{version!r} is not a version", "invalid", "write YEAR.N, e.g. 2024.1")
        quantities, optional = self.units("quantities"), self.units("optional_quantities")
        parameters = self.parameters()
        formula = self.get("formula", dict, {}) or {}
        terms: dict[str, Term] = {}
        units = {**quantities, **optional, **{p.name: p.unit for p in parameters.values()}}
        for name in set(quantities) & set(parameters):
            self.add(f"parameters.{name}", f"{name} is both a quantity and a parameter", "duplicate", "rename one")
        for term in TERMS:
            compiled = self.term(term, formula.get(term), quantities, parameters, units)
            if compiled is not None:
                terms[term] = compiled
        extra = set(formula) - set(TERMS)
        if extra:
            self.add("formula", f"unknown terms {sorted(extra)}", "unknown_field", "keep baseline and project")
        fraud, caps = self.fraud(), self.caps()
        texts: dict[str, Any] = self.get("name", dict, {}) or {}
        if not isinstance(texts.get("zh-CN"), str) or not isinstance(texts.get("en"), str):
            self.add("name", "name needs zh-CN and en texts", "missing", 'write {"zh-CN": "...", "en": "..."}')
        delay = self.number("delay_hours", self.get("delay_hours", (int, float), None), allow_none=False)
        window = self.number("claim_window_days", self.get("claim_window_days", (int, float), None), allow_none=False)
        points = self.number("points_per_kg", self.get("points_per_kg", (int, float), None), allow_none=False)
        references = self.get("references", dict, {}) or {}
        for ref, ref_texts in references.items():
            if not _NAME.match(ref) or not isinstance(ref_texts, dict) or not isinstance(ref_texts.get("en"), str):
                self.add(f"references.{ref}", "a reference is a name with zh-CN and en texts", "invalid")
        if self.problems or len(terms) < len(TERMS) or None in (delay, window, points):
            return None
        assert delay is not None and window is not None and points is not None
        return Methodology(
            behaviour=behaviour,
            version=version,
            name=MappingProxyType(dict(texts)),
            standard=str(self.entry.get("standard", "")),
            quantities=MappingProxyType(quantities),
            optional_quantities=MappingProxyType(optional),
            references=MappingProxyType({k: MappingProxyType(dict(v)) for k, v in references.items()}),
            formula=MappingProxyType({term: formula[term] for term in TERMS}),
            parameters=MappingProxyType(parameters),
            eligibility=MappingProxyType(self.eligibility(quantities, optional)),
            fraud=fraud,
            caps=caps,
            delay_hours=delay,
            claim_window_days=window,
            points_per_kg=points,
            notes=str(self.entry.get("notes", "")),
            baseline_term=terms["baseline"],
            project_term=terms["project"],
        )

    def parameters(self) -> dict[str, Parameter]:
        found: dict[str, Parameter] = {}
        for name, spec in (self.get("parameters", dict, {}) or {}).items():
            place = f"parameters.{name}"
            if not _NAME.match(name) or not isinstance(spec, dict) or not isinstance(spec.get("unit"), str):
                self.add(place, "a parameter needs a value, a unit and a source", "invalid")
                continue
            value = self.number(f"{place}.value", spec.get("value"), allow_none=False)
            source = spec.get("source")
            if source is None and spec.get("unsourced") is not True:
                self.add(
                    f"{place}.source",
                    f"{name} has no source",
                    "unsourced",
                    'cite its source, or mark it "unsourced": true with a note saying the value is illustrative',
                )
            if source is not None and spec.get("unsourced"):
                self.add(f"{place}.unsourced", f"{name} has a source and is marked unsourced", "invalid")
            if value is not None:
                found[name] = Parameter(
                    name,
                    value,
                    self.unit(f"{place}.unit", spec["unit"]),
                    source,
                    spec.get("year"),
                    spec.get("geography"),
                    spec.get("derivation"),
                    spec.get("note"),
                )
        return found

    def term(
        self,
        term: str,
        text: Any,
        quantities: Mapping[str, str],
        parameters: Mapping[str, Parameter],
        units: Mapping[str, str],
    ) -> Term | None:
        place = f"formula.{term}"
        if text is None:
            self.add(place, f"the {term} term is missing", "missing", f"add formula.{term}, e.g. 'distance_km * ef'")
            return None
        try:
            tree = parse_term(text)
            unknown = [name for name in names_in(tree) if name not in quantities and name not in parameters]
            if unknown:
                raise TermError(
                    f"{text!r} uses {', '.join(unknown)}, which is neither a quantity nor a parameter",
                    "unknown_name",
                    "declare it under quantities or parameters, or correct its spelling",
                )
            if self.bad_units & set(names_in(tree)):
                return None  # its unit problem is said already
            check_units(tree, units, frozenset(parameters))
        except TermError as exc:
            self.add(place, f"term {term} {exc.message}", exc.id, exc.fix)
            return None
        return compile_term(tree, units, {name: p.value for name, p in parameters.items()})

    def eligibility(self, quantities: Mapping[str, str], optional: Mapping[str, str]) -> dict[str, Bounds]:
        found: dict[str, Bounds] = {}
        for name, spec in (self.get("eligibility", dict, {}) or {}).items():
            place = f"eligibility.{name}"
            if name not in quantities and name not in optional:
                self.add(place, f"{name} is not a quantity", "unknown_name", "bound one of the quantities")
                continue
            spec = spec if isinstance(spec, dict) else {}
            found[name] = Bounds(
                self.number(f"{place}.min", spec.get("min")),
                self.number(f"{place}.max", spec.get("max")),
                spec.get("integer") is True,
            )
        return found

    def fraud(self) -> Fraud:
        spec = self.get("fraud", dict, {}) or {}
        burst = spec.get("burst")
        events = self.number("fraud.burst.events", burst.get("events"), False) if isinstance(burst, dict) else None
        minutes = self.number("fraud.burst.minutes", burst.get("minutes"), False) if isinstance(burst, dict) else None
        return Fraud(
            self.number("fraud.max_speed_kmh", spec.get("max_speed_kmh")),
            Burst(int(events), minutes) if events is not None and minutes is not None else None,
            self.number("fraud.same_trip_minutes", spec.get("same_trip_minutes")),
        )

    def caps(self) -> Caps:
        spec = self.get("caps", dict, {}) or {}
        day: dict[str, Any] = spec["day"] if isinstance(spec.get("day"), dict) else {}
        month: dict[str, Any] = spec["month"] if isinstance(spec.get("month"), dict) else {}
        day_events, month_events = (
            self.number("caps.day.events", day.get("events")),
            self.number("caps.month.events", month.get("events")),
        )
        return Caps(
            int(day_events) if day_events is not None else None,
            self.number("caps.day.kg", day.get("kg")),
            int(month_events) if month_events is not None else None,
            self.number("caps.month.kg", month.get("kg")),
        )
