"""Footprint verification as ISO 14064-3 and ISO 14067 describe it, on values: the verifier re-computes each frozen
study with the engine, compares the result with the value the applicant declared, and gives an opinion that the
differences allow. A difference larger than the materiality threshold (5 % by default) is a material misstatement:
the opinion cannot then be positive."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from lowcarbon.errors import InvalidInput
from lowcarbon.footprint.stored import compute_stored

__all__ = ["DEFAULT_MATERIALITY", "OPINIONS", "Opinion", "Recomputed", "check_opinion", "recompute"]

DEFAULT_MATERIALITY = 0.05
OPINIONS = ("positive", "qualified", "adverse")
Opinion = Literal["positive", "qualified", "adverse"]


@dataclass(frozen=True)
class Recomputed:
    """One frozen study re-computed: the declared value, the engine's total now, and how far apart they are."""

    frozen_id: int
    product: str
    declared_value: float
    declared_unit: str
    recomputed: float
    computed_then: float
    difference: float  # recomputed - declared, kg CO2e per declared unit
    relative: float  # |difference| / |declared| (0 when both are 0)
    warnings: tuple[str, ...]
    pcr_deviations: tuple[str, ...]

    def material(self, materiality: float) -> bool:
        return self.relative > materiality

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def recompute(frozen_id: int, product: str, source: Mapping[str, Any], declared: float, unit: str) -> Recomputed:
    """Re-compute a frozen study's source (model, factor files, library copies) and compare with ``declared``."""
    outcome = compute_stored(dict(source))
    result = outcome["result"]
    total = float(outcome["total"])
    difference = total - declared
    relative = abs(difference) / abs(declared) if declared else 0.0  # an application declares no 0 (service)
    return Recomputed(
        frozen_id=frozen_id,
        product=product,
        declared_value=declared,
        declared_unit=unit,
        recomputed=total,
        computed_then=float(result.get("total", total)),
        difference=difference,
        relative=relative,
        warnings=tuple(str(w.get("message", w)) if isinstance(w, dict) else str(w) for w in result.get("warnings", [])),
        pcr_deviations=tuple(
            str(d.get("message", d)) if isinstance(d, dict) else str(d) for d in result.get("pcr_deviations", [])
        ),
    )


def check_opinion(data: Mapping[str, Any], recomputed: Sequence[Recomputed]) -> dict[str, Any]:
    """The verification record a ``verify`` move stores: the opinion (positive, qualified or adverse), the
    materiality (a fraction, default 5 %), whether data sources and PCR deviations were checked, findings text, and
    the re-computed results. InvalidInput when the opinion is missing or unknown, the materiality is not in (0, 1],
    or the opinion is positive while a difference is material."""
    opinion = data.get("opinion")
    if opinion not in OPINIONS:
        raise InvalidInput(f"give the verification opinion: one of {', '.join(OPINIONS)}")
    materiality = data.get("materiality", DEFAULT_MATERIALITY)
    if isinstance(materiality, bool) or not isinstance(materiality, int | float) or not 0 < materiality <= 1:
        raise InvalidInput("materiality is a fraction above 0 and at most 1, e.g. 0.05 for 5 %")
    material = [r for r in recomputed if r.material(float(materiality))]
    if opinion == "positive" and material:
        worst = max(material, key=lambda r: r.relative)
        raise InvalidInput(
            f"{worst.product}: the re-computed footprint differs from the declared value by "
            f"{worst.relative:.1%}, above the materiality of {float(materiality):.1%}: the opinion cannot be positive"
        )
    for flag in ("data_sources_checked", "pcr_checked"):
        if not isinstance(data.get(flag, False), bool):
            raise InvalidInput(f"{flag} is true or false")
    findings = data.get("findings", "")
    if not isinstance(findings, str) or len(findings) > 4000:
        raise InvalidInput("findings is a text of at most 4,000 characters")
    return {
        "opinion": opinion,
        "materiality": float(materiality),
        "data_sources_checked": bool(data.get("data_sources_checked", False)),
        "pcr_checked": bool(data.get("pcr_checked", False)),
        "findings": findings,
        "recomputed": [r.to_dict() for r in recomputed],
        "material_differences": len(material),
    }
