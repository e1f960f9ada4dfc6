"""The figures of a footprint: solve a model's built system once per demand and read every reporting line from it."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np

from lowcarbon.engine import Solution, by_flow
from lowcarbon.factors import Factor
from lowcarbon.footprint.build import REMOVALS, TOTAL, BuiltModel, Line, co2_per_carbon, co2_per_methane
from lowcarbon.footprint.messages import say
from lowcarbon.footprint.model import ProductModel
from lowcarbon.footprint.result import Footprint, LineResult

__all__ = ["RATINGS", "footprint_figures"]

RATINGS = ("technological", "temporal", "geographical")  # PACT v3's data-quality indicators (dqi)


def footprint_figures(model: ProductModel, built: BuiltModel) -> Footprint:
    """Every figure of the footprint from two solves of the built system: the product's demand and the
    exempted activities' demand (plus the unit scores of every product, for the stages)."""
    system = built.system
    product = system.solve({built.root: 1.0})
    exempted_activities = system.solve({built.exempted_root: 1.0})
    scores = product.scores
    product_scores = system.product_scores[system.characterization_index(TOTAL)]
    by_stage = {name: float(product_scores[system.products.position(column)]) for name, column in built.stages.items()}
    by_gas: dict[str, float] = defaultdict(float)
    gas_mass: dict[str, float] = defaultdict(float)
    released = 0.0  # kg of biogenic CO2 emitted, with the carbon of biogenic methane as the CO2 that holds it
    flows = by_flow(product, TOTAL) if len(system.flows) else None
    if flows is not None:
        for flow_id, amount, score in zip(flows.ids, flows.amounts, flows.scores, strict=True):
            flow = built.flows[int(flow_id)]
            by_gas[flow.gas] += float(score)
            gas_mass[flow.gas] += float(amount)
            if flow.origin == "biogenic" and not flow.removal:
                released += float(amount) * _CARBON_AS_CO2.get(flow.gas, 0.0)
    uptake = _uptake(product)  # per activity: CO2 taken from the air (0 or negative)
    removals = float(uptake.sum())
    counted_part = product.activity_contributions(TOTAL)
    exempted_part = exempted_activities.activity_contributions(TOTAL)
    positions = system.activities.positions([line.column for line in built.lines])
    excluding_uptake = {  # each counted line's contribution without its uptake, as PACT weighs data by it
        line.place: float(counted_part[position] - uptake[position])
        for line, position in zip(built.lines, positions, strict=True)
        if not line.activity.exempted
    }
    lines = []
    for line, position in zip(built.lines, positions, strict=True):
        activity = line.activity
        link = line.factor.key if line.factor is not None else f"process {activity.process}"
        lines.append(
            LineResult(
                place=line.place,
                stage=line.stage,
                process=line.process,
                name=activity.name,
                amount=activity.amount,
                unit=activity.unit,
                link=link,
                link_amount=activity.amount * line.conversion,
                link_unit=line.link_unit,
                source=activity.source or (line.factor.source if line.factor is not None else ""),
                data_type=activity.data_type,
                # an exempted line shows what it would add; a counted line only what it adds to the total
                kg_co2e=float((exempted_part if activity.exempted else counted_part)[position]),
                exempted=activity.exempted,
            )
        )
    total = scores[TOTAL]
    exempted = exempted_activities.score(TOTAL)
    counted = abs(total) + abs(exempted)
    exempted_percent = 100 * abs(exempted) / counted if counted else 0.0
    warnings = _warnings(built)
    quality, coverage = _data_quality(built, excluding_uptake)
    warnings += _coverage_warnings(coverage)
    kind, complete = _kind(model)
    warnings += complete
    warnings += _stored_or_released(model, removals, released)
    if exempted_percent > model.cut_off.max_exempted_percent:
        warnings.append(
            say(
                "cut_off_exceeded",
                percent=f"{exempted_percent:.2f}",
                limit=f"{model.cut_off.max_exempted_percent:g}",
            )
        )
    return Footprint(
        product=model.product.name,
        declared_unit=f"{model.declared_unit.amount:g} {model.declared_unit.unit}",
        functional_unit=model.functional_unit,
        reference_flow=(
            f"{model.reference_flow.amount:g} {model.reference_flow.unit}" if model.reference_flow is not None else None
        ),
        boundary=model.boundary,
        kind=kind,
        characterization=built.characterization.name,
        pcr=model.pcr,
        total=total,
        by_stage=by_stage,
        by_gas=dict(by_gas),
        gas_mass=dict(gas_mass),
        fossil=scores["fossil"],
        biogenic_emissions=scores["biogenic"] - removals,
        biogenic_removals=removals,
        land_use_change=scores["land_use_change"],
        aircraft=scores["aircraft"],
        excluding_biogenic_uptake=total - removals,
        including_biogenic_uptake=total,
        primary_data_share=_primary_share(built, excluding_uptake, total - removals),
        data_quality=quality,
        lines=lines,
        exempted=exempted,
        exempted_percent=exempted_percent,
        biogenic_carbon_content=model.biogenic_carbon.content_kg_c if model.biogenic_carbon else None,
        warnings=warnings,
        data_quality_coverage=coverage,
        fossil_carbon_content=model.fossil_carbon_content_kg_c,
    )


def _uptake(product: Solution) -> np.ndarray[Any, np.dtype[np.float64]]:
    """Per activity, the CO2 its supply takes from the air: the negative part of its removal flows. A removal
    inside an avoided product is a lost uptake, an emission: it is not a removal of this product."""
    removal = product.characterized_inventory(REMOVALS).minimum(0)
    return np.asarray(removal.sum(axis=0), dtype=np.float64).ravel()


def _primary_share(built: BuiltModel, excluding_uptake: dict[str, float], pcf: float) -> float:
    """PACT v3's primaryDataShare as a fraction: the part of the footprint excluding biogenic uptake that comes
    from primary data (lines marked primary, and the primary share a factor carries, e.g. a supplier's PACT
    footprint), of that footprint. Credits count with their sign, so it is clipped to 0..1."""
    if pcf <= 0:
        return 0.0
    primary = 0.0
    for line in built.lines:
        if line.place in excluding_uptake:
            share = 1.0 if line.activity.data_type == "primary" else (_factor_share(line) or 0.0)
            primary += share * excluding_uptake[line.place]
    return min(max(primary / pcf, 0.0), 1.0)


def _factor_share(line: Line) -> float | None:
    return line.factor.primary_data_share if line.factor is not None else None


def _data_quality(built: BuiltModel, excluding_uptake: dict[str, float]) -> tuple[dict[str, float], dict[str, float]]:
    """PACT v3's data-quality ratings (technological, temporal, geographical), each averaged over the counted
    lines that have it, weighted by their absolute contribution excluding uptake; and each rating's coverage, the
    fraction of that weight whose lines are rated."""
    weights = {place: abs(value) for place, value in excluding_uptake.items()}
    whole = sum(weights.values())
    summary, coverage = {}, {}
    for rating in RATINGS:
        pairs = [
            (weights[line.place], value)
            for line in built.lines
            if line.place in weights and (value := _rating(line, rating)) is not None
        ]
        weight = sum(w for w, _ in pairs)
        coverage[rating] = weight / whole if whole else 0.0
        if weight:
            summary[rating] = sum(w * v for w, v in pairs) / weight
    return summary, coverage


def _coverage_warnings(coverage: dict[str, float]) -> list[str]:
    """A rating given for some lines but not all: its average leaves the others out, and says so."""
    return [
        say("rating_coverage", missing=f"{100 * (1 - covered):.1f}", rating=rating, covered=f"{100 * covered:.1f}")
        for rating, covered in coverage.items()
        if 0 < covered < 1 - 1e-9
    ]


def _kind(model: ProductModel) -> tuple[str, list[str]]:
    """CFP for a cradle-to-grave model with a functional unit and use and end-of-life stages (or a reason for
    leaving one out); a partial CFP otherwise, with a warning when the model meant a CFP."""
    if model.boundary != "cradle-to-grave":
        return "partial CFP", []
    missing = [] if model.functional_unit else ["a functional unit"]
    named = {stage.name for stage in model.stages} | set(model.omitted_stages)
    missing += [f"the {stage} stage" for stage in ("use", "end_of_life") if stage not in named]
    if not missing:
        return "CFP", []
    return "partial CFP", [say("cfp_incomplete", needs=" and ".join(missing))]


def _stored_or_released(model: ProductModel, removals: float, released: float) -> list[str]:
    """Cradle to grave, the biogenic CO2 taken up ends released or stored: warn when it is neither."""
    if model.boundary != "cradle-to-grave" or removals >= 0:
        return []
    stored = model.biogenic_carbon.stored_kg_c * co2_per_carbon() if model.biogenic_carbon else 0.0
    if -removals - max(released, 0.0) - stored <= 1e-6 * -removals:
        return []
    return [say("biogenic_unaccounted", up=f"{-removals:.4g}", out=f"{max(released, 0.0):.4g}", kept=f"{stored:.4g}")]


def _rating(line: Line, rating: str) -> float | None:
    """The line's own rating, else its factor's (a factor set may rate its values)."""
    own: float | None = getattr(line.activity.dqr, rating)
    if own is None and line.factor is not None:
        own = getattr(line.factor.data_quality, rating)
    return own


# biogenic carbon released, as kg of CO2 per kg of the gas: the gases that carry carbon back to the air
_CARBON_AS_CO2 = {"CO2": 1.0, "CH4-non-fossil": co2_per_methane()}

_PRODUCT_ALTERNATIVE = "for China's grid, cn-electricity-footprint/cn-footprint-national-<year>"


def _warnings(built: BuiltModel) -> list[str]:
    """The build's warnings, then one per factor that needs a word (with the places that use it): unverified, for
    company reporting only, or a published CO2e total computed with another GWP set."""
    places: dict[str, list[str]] = {}
    factors: dict[str, Factor] = {}
    for line in built.lines:
        if line.factor is not None:
            places.setdefault(line.factor.key, []).append(line.place)
            factors[line.factor.key] = line.factor
    warnings = list(built.warnings)
    for key, factor in factors.items():
        where = _places(places[key])
        if factor.unverified:
            warnings.append(say("factor_unverified", where=where, key=key, why=factor.notes or "see source"))
        if factor.purpose == "company":
            what = factor.boundary or "not a life-cycle value"
            warnings.append(
                say("factor_for_company", where=where, key=key, what=what, alternative=_PRODUCT_ALTERNATIVE)
            )
        if built.characterization.basis_differs(factor):
            basis = factor.co2e_basis or "a GWP set the source does not state"
            warnings.append(say("co2e_basis", where=where, key=key, basis=basis, gwp=built.characterization.name))
    return warnings


def _places(places: list[str]) -> str:
    """``stages[0].activities[1]``, or the first of several and how many more use it."""
    return places[0] if len(places) == 1 else f"{places[0]} and {len(places) - 1} more lines"
