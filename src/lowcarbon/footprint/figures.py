"""The figures of a footprint: solve a model's built system once per demand and read every reporting line from it."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from lowcarbon.engine import by_flow
from lowcarbon.footprint.build import REMOVALS, TOTAL, BuiltModel, Line
from lowcarbon.footprint.model import ProductModel
from lowcarbon.footprint.result import Footprint, LineResult

__all__ = ["RATINGS", "footprint_figures"]

RATINGS = ("technological", "temporal", "geographical", "completeness", "reliability")


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
    flows = by_flow(product, TOTAL) if len(system.flows) else None
    if flows is not None:
        for flow_id, amount, score in zip(flows.ids, flows.amounts, flows.scores, strict=True):
            flow = built.flows[int(flow_id)]
            by_gas[flow.gas] += float(score)
            gas_mass[flow.gas] += float(amount)
    removals = scores[REMOVALS]
    counted_part = product.activity_contributions(TOTAL)
    exempted_part = exempted_activities.activity_contributions(TOTAL)
    positions = system.activities.positions([line.column for line in built.lines])
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
    if exempted_percent > model.cut_off.max_exempted_percent:
        warnings.append(
            f"cut_off: exempted activities make up {exempted_percent:.2f} % of the footprint, more than the "
            f"{model.cut_off.max_exempted_percent:g} % the cut-off rule allows; include them"
        )
    counted_lines = [line for line in lines if not line.exempted]
    return Footprint(
        product=model.product.name,
        declared_unit=f"{model.declared_unit.amount:g} {model.declared_unit.unit}",
        functional_unit=model.functional_unit,
        reference_flow=(
            f"{model.reference_flow.amount:g} {model.reference_flow.unit}" if model.reference_flow is not None else None
        ),
        boundary=model.boundary,
        kind="CFP" if model.boundary == "cradle-to-grave" else "partial CFP",
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
        primary_data_share=_primary_share(counted_lines),
        data_quality=_data_quality(built, lines),
        lines=lines,
        exempted=exempted,
        exempted_percent=exempted_percent,
        biogenic_carbon_content=model.biogenic_carbon.content_kg_c if model.biogenic_carbon else None,
        warnings=warnings,
    )


def _primary_share(lines: list[LineResult]) -> float:
    weights = np.array([abs(line.kg_co2e) for line in lines])
    primary = np.array([line.data_type == "primary" for line in lines])
    return float(weights[primary].sum() / weights.sum()) if weights.sum() else 0.0


def _data_quality(built: BuiltModel, lines: list[LineResult]) -> dict[str, float]:
    summary = {}
    for rating in RATINGS:
        pairs = [
            (abs(result.kg_co2e), value)
            for line, result in zip(built.lines, lines, strict=True)
            if not result.exempted and (value := _rating(line, rating)) is not None
        ]
        weight = sum(w for w, _ in pairs)
        if weight:
            summary[rating] = sum(w * v for w, v in pairs) / weight
    return summary


def _rating(line: Line, rating: str) -> float | None:
    """The line's own rating, else its factor's (a factor set may rate its values)."""
    own: float | None = getattr(line.activity.dqr, rating)
    if own is None and line.factor is not None:
        own = getattr(line.factor.data_quality, rating)
    return own


def _warnings(built: BuiltModel) -> list[str]:
    warnings = list(built.warnings)
    for line in built.lines:
        if line.factor is None:
            continue
        if line.factor.unverified:
            warnings.append(
                f"{line.place}: factor {line.factor.key} is unverified: {line.factor.notes or 'see source'}"
            )
        if built.characterization.basis_differs(line.factor):
            warnings.append(
                f"{line.place}: factor {line.factor.key} gives a CO2e total computed with {line.factor.co2e_basis}, "
                f"not {built.characterization.name}"
            )
    return warnings
