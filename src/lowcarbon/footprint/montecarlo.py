"""Monte Carlo on a footprint: the model's uncertain amounts and factors sampled by the engine's ``monte_carlo``.

The footprint's own system (``build``) emits each line's gases from the line's column, so a factor used by two
lines would be two independent draws. For sampling, the model is laid out once more (``_Layout``): every factor
becomes one column that emits its kg CO2e per unit (under the model's GWP set; the value is read from the built
system, so it is the footprint's own) and each line linked to a factor consumes its amount of that column. A
factor's spread sits on its one emission, drawn once per iteration for every line and every model using it; a
line's amount spread sits on the line's use of the factor (or of its process). The engine then draws, solves,
summarises and ranks the inputs by squared Spearman rank correlation; nothing is sampled here.

A factor's spread is the line's ``factor_uncertainty`` (one per factor in a model), else the factor file's
(``uncertainty``: lognormal from ``geometric_sd`` or from the 95 % range, normal and uniform from the 95 % range).
The sampled system is checked against the footprint: its deterministic total must be the footprint's total.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydantic_core import PydanticCustomError

from lowcarbon.engine.datapackage import BIOSPHERE, CHARACTERIZATION, TECHNOSPHERE, Datapackage, Group
from lowcarbon.engine.distributions import LOGNORMAL, NO_UNCERTAINTY, NORMAL, TRIANGULAR, UNIFORM, Distributions
from lowcarbon.engine.montecarlo import MonteCarloResult, monte_carlo
from lowcarbon.engine.statistics import Statistics
from lowcarbon.engine.uncertainty import UncertainSystem, uncertain_system_from_packages
from lowcarbon.errors import DataFormatError, InvalidInput, Problem
from lowcarbon.factors import Factor, FactorLibrary, load_set
from lowcarbon.footprint.build import TOTAL, Line
from lowcarbon.footprint.bundle import ModelBundle
from lowcarbon.footprint.compute import PreparedModel, prepare
from lowcarbon.footprint.messages import say
from lowcarbon.footprint.model import ProductModel
from lowcarbon.footprint.pedigree import pedigree_sigma
from lowcarbon.footprint.uncertainty import Contributor, FootprintUncertainty, UncertainComparison
from lowcarbon.footprint.variation import Uncertainty
from lowcarbon.scale import executor_from_environ

__all__ = ["MAX_SAMPLES", "Source", "Spread", "compare_uncertain", "footprint_uncertainty", "sigma_of", "spread_of"]

Source = PreparedModel | ModelBundle | ProductModel | str | Path
MAX_SAMPLES = 2000  # totals kept for charts; more iterations are thinned evenly
Z_975 = 1.959963984540054  # the standard normal's 97.5th percentile: a 95 % range is mean +- Z_975 sd
TIE = 1e-9  # relative difference below which two sampled totals count as equal (round-off, not the products)
FLOW = 1  # the one elementary flow of the sampled system: kg CO2e
# A distribution as the engine's columns: (kind, loc, scale, minimum, maximum, negative)
Spread = tuple[int, float, float, float, float, bool]


def footprint_uncertainty(
    source: Source,
    iterations: int,
    seed: int | None = None,
    processes: int = 1,
    library: FactorLibrary | None = None,
    *,
    contributors: int = 10,
    progress: Callable[[int], None] | None = None,
) -> FootprintUncertainty:
    """Monte Carlo statistics of the footprint's total and of each stage, and the inputs that drive its variance."""
    prepared = source if isinstance(source, PreparedModel) else prepare(source, library)
    layout = _Layout()
    root, stages = layout.add(prepared, "", _name(source))
    system = layout.system()
    demands = [{root: 1.0}, *({column: 1.0} for column in stages.values())]
    result = _run(system, demands, iterations, seed, processes, contributors, progress)
    layout.check(result, [(0, prepared)])
    total = result.samples(TOTAL, 0)
    by_stage = {}
    for k, name in enumerate(stages, start=1):
        s = result.statistics(TOTAL, k)
        by_stage[name] = {"mean": s.mean, "std": s.std, "p2_5": s.p2_5, "p97_5": s.p97_5}
    stats = Statistics.of(total)
    notes = list(layout.notes)
    if not result.uncertain_values:
        notes.append(say("no_uncertainty"))
    return FootprintUncertainty(
        iterations=result.iterations,
        seed=result.seed,
        deterministic=float(result.deterministic[0, 0]),
        mean=stats.mean,
        std=stats.std,
        median=stats.median,
        p2_5=stats.p2_5,
        p97_5=stats.p97_5,
        contributors=layout.contributors(result, 0),
        samples=_thinned(total),
        by_stage=by_stage,
        uncertain_inputs=result.uncertain_values,
        notes=notes,
    )


def compare_uncertain(
    a: Source,
    b: Source,
    iterations: int,
    seed: int | None = None,
    processes: int = 1,
    library: FactorLibrary | None = None,
) -> UncertainComparison:
    """How often A's footprint is lower than B's, both sampled in one system so that a factor they share is one
    draw per iteration; each model's own amounts are drawn apart."""
    first = a if isinstance(a, PreparedModel) else prepare(a, library)
    second = b if isinstance(b, PreparedModel) else prepare(b, library)
    layout = _Layout()
    root_a, _ = layout.add(first, "A: ", _name(a))
    root_b, _ = layout.add(second, "B: ", _name(b))
    result = _run(layout.system(), [{root_a: 1.0}, {root_b: 1.0}], iterations, seed, processes, 10, None)
    layout.check(result, [(0, first), (1, second)])
    samples_a, samples_b = result.samples(TOTAL, 0), result.samples(TOTAL, 1)
    # two totals within round-off of each other are equal: the same model twice is never "lower" by 1e-13
    tie = TIE * np.maximum(np.abs(samples_a), np.abs(samples_b))
    notes = list(layout.notes)
    unit_a, unit_b = first.model.declared_unit, second.model.declared_unit
    if (unit_a.amount, unit_a.unit) != (unit_b.amount, unit_b.unit):
        notes.append(
            f"the declared units differ ({unit_a.amount:g} {unit_a.unit} and {unit_b.amount:g} {unit_b.unit}): the "
            "totals are not comparable (ISO 14067 6.6 asks for the same functional or declared unit)"
        )
    if first.model.boundary != second.model.boundary:
        notes.append(f"the boundaries differ ({first.model.boundary}, {second.model.boundary}); compare like with like")
    return UncertainComparison(
        iterations=result.iterations,
        seed=result.seed,
        a_name=first.model.product.name,
        b_name=second.model.product.name,
        unit=f"kg CO2e per {unit_a.amount:g} {unit_a.unit}",
        a=_summary(samples_a, float(result.deterministic[0, 0])),
        b=_summary(samples_b, float(result.deterministic[0, 1])),
        difference=_summary(samples_b - samples_a, float(result.deterministic[0, 1] - result.deterministic[0, 0])),
        probability_a_lower=float(np.mean(samples_b - samples_a > tie)),
        probability_equal=float(np.mean(np.abs(samples_b - samples_a) <= tie)),
        shared_factors=sorted(layout.shared()),
        notes=notes,
    )


def sigma_of(uncertainty: Uncertainty) -> float:
    """The standard deviation of ln x of a lognormal uncertainty: ln(gsd), sigma, or the pedigree matrix's."""
    if uncertainty.sigma is not None:
        return uncertainty.sigma
    if uncertainty.gsd is not None:
        return math.log(uncertainty.gsd)
    if uncertainty.pedigree is not None and uncertainty.basic_uncertainty is not None:
        return pedigree_sigma(uncertainty.pedigree.model_dump(), uncertainty.basic_uncertainty)
    raise ValueError("not a lognormal uncertainty")


def _run(
    system: UncertainSystem,
    demands: Sequence[dict[int, float]],
    iterations: int,
    seed: int | None,
    processes: int,
    contributors: int,
    progress: Callable[[int], None] | None,
) -> MonteCarloResult:
    # a product model's system is small: a direct solve of each sample is exact to round-off and quick; the
    # iterations run on the Dask cluster that LOWCARBON_DASK_SCHEDULER names, if any, else on ``processes``
    executor = executor_from_environ()
    try:
        return monte_carlo(
            system,
            demands,
            iterations,
            seed,
            method="direct",
            processes=processes,
            contributors=contributors,
            progress=progress,
            executor=executor,
        )
    finally:
        if executor is not None:
            executor.shutdown()


def _name(source: Source) -> str:
    """How problems name the model: its file, else its product."""
    if isinstance(source, ModelBundle):
        return source.source
    if isinstance(source, (str, Path)):
        return str(source)
    model = source.model if isinstance(source, PreparedModel) else source
    return model.product.name


def _summary(samples: np.ndarray, deterministic: float) -> dict[str, float]:
    return {"deterministic": deterministic, **Statistics.of(samples).to_dict()}


def _thinned(samples: np.ndarray) -> list[float]:
    """At most MAX_SAMPLES of the totals, evenly spread over the iterations (which are independent draws)."""
    if samples.size <= MAX_SAMPLES:
        return [float(x) for x in samples]
    chosen = np.linspace(0, samples.size - 1, MAX_SAMPLES).round().astype(np.intp)
    return [float(x) for x in samples[chosen]]


def spread_of(uncertainty: Uncertainty | None, value: float, scale: float) -> Spread | None:
    """The distribution of ``scale * x`` for x with ``uncertainty`` around ``value``; None when x is fixed."""
    if uncertainty is None or scale == 0:
        return None
    nan = math.nan
    if uncertainty.distribution == "lognormal":
        return (LOGNORMAL, math.log(abs(scale) * value), sigma_of(uncertainty), nan, nan, scale < 0)
    if uncertainty.distribution == "normal":
        assert uncertainty.std is not None
        return (NORMAL, scale * value, abs(scale) * uncertainty.std, nan, nan, False)
    assert uncertainty.minimum is not None and uncertainty.maximum is not None
    low, high = sorted((scale * uncertainty.minimum, scale * uncertainty.maximum))
    kind = UNIFORM if uncertainty.distribution == "uniform" else TRIANGULAR
    return (kind, scale * value, nan, low, high, False)


def _factor_spread(uncertainty: Uncertainty | None, value: float, what: str) -> Spread | None:
    """A factor's spread around its value, which may be negative (a removal): a lognormal keeps the sign."""
    if uncertainty is None:
        return None
    if uncertainty.distribution != "lognormal":
        uncertainty.check_value(value, what)
        return spread_of(uncertainty, value, 1.0)
    uncertainty.check_value(abs(value), what)  # 0 has no lognormal
    return spread_of(uncertainty, abs(value), math.copysign(1.0, value))


def _file_uncertainty(factor: Factor) -> tuple[Uncertainty | None, str | None]:
    """A factor file's uncertainty as the model writes one, or why it cannot be used."""
    u = factor.uncertainty
    span = (u.upper - u.lower) if u.lower is not None and u.upper is not None else None
    if u.distribution == "lognormal" and u.geometric_sd is not None and u.geometric_sd > 1:
        return Uncertainty(distribution="lognormal", gsd=u.geometric_sd), None
    if u.distribution == "lognormal" and u.lower is not None and u.upper is not None and 0 < u.lower < u.upper:
        return Uncertainty(distribution="lognormal", sigma=math.log(u.upper / u.lower) / (2 * Z_975)), None
    if u.distribution == "normal" and span is not None and span > 0:
        return Uncertainty(distribution="normal", std=span / (2 * Z_975)), None
    if u.distribution == "uniform" and span is not None and span > 0 and u.lower is not None:
        width = span / 0.95  # lower and upper are the 2.5th and 97.5th percentiles
        low = u.lower - 0.025 * width
        return Uncertainty(distribution="uniform", minimum=low, maximum=low + width), None
    if u.distribution == "none":
        return None, None
    return None, (
        f"factor {factor.key}: its file's {u.distribution} uncertainty is not used (a triangular distribution needs "
        "its bounds, and the file gives a 95 % range; the other kinds need their spread); give the line a "
        "factor_uncertainty"
    )


@dataclass(frozen=True)
class _FactorColumn:
    column: int
    key: str
    label: tuple[str, str]
    uncertain: bool


class _Layout:
    """The sampled system of one model or several: their columns renumbered apart, their factors shared."""

    def __init__(self) -> None:
        self.tech: list[tuple[int, int, float, Spread | None]] = []
        self.bio: list[tuple[int, int, float, Spread | None]] = []
        self.factors: dict[tuple[str, str, str], _FactorColumn] = {}
        self.users: dict[int, set[str]] = {}  # factor column -> the prefixes of the models using it
        self.labels: dict[tuple[str, int, int], tuple[str, str]] = {}
        self.notes: list[str] = []
        self.next_id = 1

    def add(self, prepared: PreparedModel, prefix: str, source: str) -> tuple[int, dict[str, int]]:
        """Lay out one model (``source`` names its file in problems); its root's and stages' column ids."""
        built, model = prepared.built, prepared.model
        system = built.system
        offset = self.next_id - 1
        ids = system.activities.ids
        self.next_id = offset + int(ids.max()) + 1
        lines = {line.column: line for line in built.lines}
        amounts: dict[int, int] = {}  # a process line's column -> the product id of the process it runs
        coo = system.technosphere.tocoo()
        for r, c, v in zip(coo.row, coo.col, coo.data, strict=True):
            row, col = int(system.products.ids[r]), int(ids[c])
            if col in lines and row != col and row not in lines:  # a line's use of its process
                amounts[col] = row
                continue
            self.tech.append((row + offset, col + offset, float(v), None))
        direct = system.characterized_biosphere[system.characterization_index(TOTAL)]
        problems: list[Problem] = []
        for line in built.lines:
            position = int(system.activities.position(line.column))
            try:
                if line.factor is not None:
                    self._factor_line(model, line, float(direct[position]), offset, prefix)
                elif line.column in amounts:
                    self._process_line(model, line, amounts[line.column], offset, prefix)
            except PydanticCustomError as exc:  # a spread that does not fit its value
                problems.append(Problem(exc.message(), f"{line.place}.factor_uncertainty", source, exc.type))
        if problems:
            raise DataFormatError(problems=problems, what="model")
        return built.root + offset, {name: column + offset for name, column in built.stages.items()}

    def _factor_line(self, model: ProductModel, line: Line, direct: float, offset: int, prefix: str) -> None:
        assert line.factor is not None
        activity = line.activity
        sign = -1.0 if activity.avoided else 1.0
        per_unit = sign * activity.amount * line.conversion
        value = direct / per_unit if per_unit else _co2e(line.factor, model)
        uncertainty = next(  # one per factor in a model (checked when it is read): any line's
            (
                x.factor_uncertainty
                for _, x in model.activities()
                if x.factor == activity.factor and x.factor_uncertainty
            ),
            None,
        )
        note = None
        if uncertainty is None:
            uncertainty, note = _file_uncertainty(line.factor)
        if note and note not in self.notes:
            self.notes.append(note)
        spread = _factor_spread(uncertainty, value, f"factor's value (kg CO2e per {line.factor.unit})")
        key = (line.factor.key, f"{value:.12g}", repr(spread))
        factor = self.factors.get(key)
        if factor is None:
            column = self.next_id
            self.next_id += 1
            label = (
                f"factor {line.factor.key} ({line.factor.name})",
                f"排放因子 {line.factor.key}（{line.factor.name_zh or line.factor.name}）",
            )
            factor = self.factors[key] = _FactorColumn(column, line.factor.key, label, spread is not None)
            self.tech.append((column, column, 1.0, None))
            self.bio.append((FLOW, column, value, spread))
            self.labels[("biosphere", FLOW, column)] = label
        self.users.setdefault(factor.column, set()).add(prefix)
        scale = -sign * line.conversion
        self._amount(line, factor.column, scale, offset, prefix, f"{line.factor.key}")

    def _process_line(self, model: ProductModel, line: Line, process: int, offset: int, prefix: str) -> None:
        activity = line.activity
        target = next(p for p in model.processes if p.id == activity.process)
        sign = -1.0 if activity.avoided else 1.0
        scale = -sign * line.conversion / target.outputs[0].amount
        self._amount(line, process + offset, scale, offset, prefix, f"process {activity.process}")

    def _amount(self, line: Line, supplier: int, scale: float, offset: int, prefix: str, link: str) -> None:
        """The line's use of its factor or process: ``scale`` times its amount, with the amount's spread."""
        activity = line.activity
        spread = spread_of(activity.uncertainty, activity.amount, scale)
        consumer = line.column + offset
        self.tech.append((supplier, consumer, scale * activity.amount, spread))
        where = line.stage or f"process {line.process}"
        self.labels[("technosphere", supplier, consumer)] = (
            f"{prefix}{where} / {activity.name} (amount; {link})",
            f"{prefix}{where} / {activity.name}（活动量；{link}）",
        )

    def shared(self) -> list[str]:
        """The uncertain factors that more than one model uses (one draw for all), when several are laid out."""
        return [f.key for f in self.factors.values() if f.uncertain and len(self.users.get(f.column, ())) > 1]

    def system(self) -> UncertainSystem:
        groups = {
            TECHNOSPHERE: [_group(self.tech)],
            BIOSPHERE: [_group(self.bio)],
            CHARACTERIZATION: [_group([(FLOW, 0, 1.0, None)])],
        }
        if not self.bio:  # no factor line: an empty flow still needs its place for the characterization
            groups[BIOSPHERE] = [_group([(FLOW, self.tech[0][1], 0.0, None)])]
        return uncertain_system_from_packages([Datapackage(source="footprint", name=TOTAL, groups=groups)])

    def check(self, result: MonteCarloResult, models: list[tuple[int, PreparedModel]]) -> None:
        """The sampled system's deterministic total is each footprint's: else the layout missed a part."""
        for demand, prepared in models:
            built = prepared.built
            expected = built.system.score({built.root: 1.0}, TOTAL)
            got = float(result.deterministic[0, demand])
            if not math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-12):
                raise InvalidInput(
                    f"the sampled system's total {got:.10g} is not the footprint's {expected:.10g}; this is a bug in "
                    "lowcarbon.footprint.montecarlo, please report it with the model"
                )

    def contributors(self, result: MonteCarloResult, demand: int) -> list[Contributor]:
        """The engine's contributions to variance as readable inputs, their shares of the listed ones' sum."""
        found = result.variance_contributions(TOTAL, demand)
        whole = sum(c.spearman_squared for c in found)
        listed = []
        for c in found:
            label = self.labels.get((c.matrix, c.row, int(c.column) if isinstance(c.column, int) else -1))
            text = label or (f"{c.matrix} {c.row}/{c.column}", f"{c.matrix} {c.row}/{c.column}")
            share = c.spearman_squared / whole if whole else 0.0
            listed.append(Contributor(text[0], text[1], share, c.rank_correlation))
        return listed


def _group(entries: list[tuple[int, int, float, Spread | None]]) -> Group:
    """One vector group of entries (row id, column id, value, spread or None)."""
    rows = np.array([e[0] for e in entries], dtype=np.int64)
    cols = np.array([e[1] for e in entries], dtype=np.int64)
    values = np.array([e[2] for e in entries], dtype=np.float64)
    spreads = [e[3] or (NO_UNCERTAINTY, e[2], math.nan, math.nan, math.nan, False) for e in entries]
    kind, loc, scale, low, high, negative = (np.array(column) for column in zip(*spreads, strict=True))
    distributions = Distributions(kind, loc, scale, np.full(len(entries), math.nan), low, high, negative)
    return Group(rows, cols, values, True, True, None, distributions, np.ones(len(entries)))


def _co2e(factor: Factor, model: ProductModel) -> float:
    """kg CO2e per unit of a factor under the model's GWP set (for a line whose amount is 0)."""
    gwp = load_set(model.gwp)
    if not factor.emissions:
        return float(factor.co2e or 0.0)
    return float(sum(gwp.gwp(e.gas) * e.amount for e in factor.emissions))
