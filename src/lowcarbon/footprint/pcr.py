"""Product category rules (CFP-PCRs): what a category's models must declare, include and follow.

A PCR file (YAML) fixes, for one product category, the declared or functional unit, the system boundary, the
stages and the activities every model must have, the cut-off limit, the allowed allocation methods, the GWP
sets and a minimum share of primary data. A model names its PCR (``pcr: id`` for a shipped one, or a path
relative to the model) and is checked against it; each deviation is one line of the result, not an error, so
a practitioner sees all of them and the verifier decides.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError

from lowcarbon.bounded import parse_yaml, read_path
from lowcarbon.errors import DataFormatError, UnitError
from lowcarbon.footprint.messages import say
from lowcarbon.footprint.model import ProductModel, StrictModel, parse_model_errors
from lowcarbon.footprint.result import Footprint
from lowcarbon.units import conversion_factor

DATA = "lowcarbon.footprint.data.pcr"


class PcrUnit(StrictModel):
    unit: str
    amount: float | None = None  # when the rule fixes the amount too


class RequiredActivity(StrictModel):
    stage: str
    name_contains: list[str] = Field(min_length=1)  # any of these words, in English or Chinese
    why: str = ""


class Pcr(StrictModel):
    """One product category rule."""

    id: str
    name: str
    name_zh: str | None = None
    status: Literal["official", "draft", "illustrative"]
    source: str
    declared_unit: PcrUnit
    functional_unit_required: bool = False
    boundary: Literal["cradle-to-gate", "cradle-to-grave", "gate-to-gate"]
    stages: list[str] = Field(min_length=1)
    required_activities: list[RequiredActivity] = Field(default_factory=list)
    max_exempted_percent: float = Field(default=5.0, ge=0, le=100)
    allocation: tuple[Literal["mass", "energy", "economic"], ...] = ("mass", "energy", "economic")
    gwp: tuple[Literal["AR6", "AR5"], ...] = ("AR6",)
    min_primary_data_share: float = Field(default=0.0, ge=0, le=1)


def shipped_pcrs() -> list[str]:
    """Ids of the PCRs that ship with lowcarbon."""
    return sorted(item.name[:-5] for item in resources.files(DATA).iterdir() if item.name.endswith(".yaml"))


def load_pcr(name: str, base: Path | None = None) -> Pcr:
    """A shipped PCR by id, or a PCR file by path (relative to ``base``)."""
    if name in shipped_pcrs():
        text, source = resources.files(DATA).joinpath(f"{name}.yaml").read_text(encoding="utf-8"), f"PCR {name}"
    else:
        path = (base or Path.cwd()) / name
        if not path.is_file():
            raise DataFormatError(
                f"pcr: {name!r} is neither a shipped PCR ({', '.join(shipped_pcrs()) or 'none'}) nor a file"
            )
        source = str(path)
        try:
            text = read_path(path, "max_model_bytes").decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DataFormatError(f"{path}: cannot be read as UTF-8 text ({exc})") from None
    try:
        return Pcr.model_validate(parse_yaml(text, source))
    except ValidationError as exc:
        raise parse_model_errors(exc, source, "PCR") from None


def deviations(model: ProductModel, result: Footprint, pcr: Pcr) -> list[str]:
    """Every way ``model`` and its result depart from ``pcr``."""
    found: list[str] = []
    try:
        factor = conversion_factor(model.declared_unit.unit, pcr.declared_unit.unit, "declared_unit.unit")
        if (
            pcr.declared_unit.amount is not None
            and abs(model.declared_unit.amount * factor - pcr.declared_unit.amount) > 1e-9 * pcr.declared_unit.amount
        ):
            own = f"{model.declared_unit.amount:g} {model.declared_unit.unit}"
            asked = f"{pcr.declared_unit.amount:g} {pcr.declared_unit.unit}"
            found.append(say("pcr_declared_unit", own=own, pcr=pcr.id, asked=asked))
    except UnitError:
        found.append(say("pcr_unit_dimension", own=model.declared_unit.unit, pcr=pcr.id, asked=pcr.declared_unit.unit))
    if pcr.functional_unit_required and not model.functional_unit:
        found.append(say("pcr_functional_unit", pcr=pcr.id))
    if model.boundary != pcr.boundary:
        found.append(say("pcr_boundary", own=model.boundary, pcr=pcr.id, asked=pcr.boundary))
    names = [stage.name for stage in model.stages]
    for name in pcr.stages:
        if name not in names:
            found.append(say("pcr_stage", pcr=pcr.id, stage=name))
    for required in pcr.required_activities:
        stage = next((s for s in model.stages if s.name == required.stage), None)
        words = [word.lower() for word in required.name_contains]
        activities = [a for a in stage.activities if not a.exempted] if stage is not None else []
        if not any(any(w in a.name.lower() for w in words) for a in activities):
            reason = f" ({required.why})" if required.why else ""
            like = f"{' / '.join(required.name_contains)}{reason}"
            found.append(say("pcr_activity", pcr=pcr.id, stage=required.stage, names=like))
    if result.exempted_percent > pcr.max_exempted_percent:
        limit, own = f"{pcr.max_exempted_percent:g}", f"{result.exempted_percent:.2f}"
        found.append(say("pcr_cut_off", pcr=pcr.id, limit=limit, own=own))
    for p, process in enumerate(model.processes):
        if process.allocation is not None and len(process.outputs) > 1 and process.allocation not in pcr.allocation:
            allowed = ", ".join(pcr.allocation)
            found.append(say("pcr_allocation", process=p, own=process.allocation, pcr=pcr.id, asked=allowed))
    if model.gwp not in pcr.gwp:
        found.append(say("pcr_gwp", own=model.gwp, pcr=pcr.id, asked=" or ".join(pcr.gwp)))
    if result.primary_data_share < pcr.min_primary_data_share:
        own, asked = f"{result.primary_data_share:.0%}", f"{pcr.min_primary_data_share:.0%}"
        found.append(say("pcr_primary_data", own=own, pcr=pcr.id, asked=asked))
    return found
