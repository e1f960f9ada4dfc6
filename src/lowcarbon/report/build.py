"""The report's content as a value: a computed footprint with its model, PCR, factors and files' fingerprint.

``build_report`` prepares and computes the model once (``lowcarbon.footprint.prepare``/``compute``) and keeps what
a study report states beyond the footprint's figures: the factors behind the lines, which shipped factor sets were
used, the SHA-256 of every file the result depends on, who prepared the report and when, and, when given, the
uncertainty, sensitivity and scenario results that the footprint package computes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path

from lowcarbon import __version__
from lowcarbon.factors import Factor, FactorLibrary, shipped_sets
from lowcarbon.factors.characterization import available_sets
from lowcarbon.footprint import Footprint, ModelBundle, ProductModel
from lowcarbon.footprint.build import Line
from lowcarbon.footprint.pcr import Pcr, shipped_pcrs
from lowcarbon.footprint.scenarios import Study
from lowcarbon.footprint.scenarios import scenarios as scenarios_of
from lowcarbon.footprint.scenarios import sensitivity as sensitivity_of
from lowcarbon.footprint.uncertainty import FootprintUncertainty, ScenarioResult, SensitivityCase

__all__ = ["FactorUse", "FileHash", "Report", "build_report", "sha256"]

_FACTOR_DATA = "lowcarbon.factors.data.factors"
_GWP_DATA = "lowcarbon.factors.data.characterization"
_PCR_DATA = "lowcarbon.footprint.data.pcr"


@dataclass(frozen=True)
class FileHash:
    """One file the footprint was computed from, and its SHA-256 (hex)."""

    role: str  # "model", "factor_file", "factor_set" (shipped), "pcr", "gwp"
    name: str
    sha256: str


@dataclass(frozen=True)
class FactorUse:
    """A factor the footprint uses: what it is, where it comes from, and how many lines use it."""

    factor: Factor
    lines: int
    kg_co2e: float  # the direct contribution of the counted lines that use it


@dataclass(frozen=True)
class Report:
    """All a CFP study report shows; ``render_html`` and ``render_pdf`` turn it into a document."""

    footprint: Footprint
    model: ProductModel
    pcr: Pcr | None
    factors: tuple[FactorUse, ...]
    files: tuple[FileHash, ...]
    gwp_source: str
    prepared_by: str | None
    prepared_on: date
    software: str = f"lowcarbon {__version__}"
    uncertainty: FootprintUncertainty | None = None
    sensitivity: tuple[SensitivityCase, ...] = ()
    scenarios: tuple[ScenarioResult, ...] = ()
    assumptions: tuple[tuple[str, str], ...] = field(default=())  # (line name, place) marked ASSUMPTION

    @property
    def factor_sets(self) -> list[str]:
        """The shipped factor sets the footprint uses."""
        return [file.name for file in self.files if file.role == "factor_set"]


def sha256(data: bytes) -> str:
    """The SHA-256 of ``data``, in hex, as ``sha256sum`` prints it."""
    return hashlib.sha256(data).hexdigest()


def build_report(
    source: ModelBundle | str | Path,
    *,
    prepared_by: str | None = None,
    prepared_on: date | None = None,
    uncertainty: FootprintUncertainty | None = None,
    sensitivity: Sequence[SensitivityCase] | None = None,
    scenarios: Sequence[ScenarioResult] | None = None,
    library: FactorLibrary | None = None,
) -> Report:
    """The report of the model in ``source`` (a bundle in memory, or a model file's path); the footprint
    package's DataFormatError, listing every problem, when the model or its files are wrong. Sensitivity cases and
    scenarios not given are computed from the parameters and scenarios the model declares (none: none);
    ``uncertainty`` is ``lowcarbon.footprint.montecarlo.footprint_uncertainty``'s result, when it was run."""
    bundle = source if isinstance(source, ModelBundle) else ModelBundle.from_path(source)
    study = Study(bundle, library)  # read and built once, for the footprint and its variants
    prepared, footprint = study.prepared, study.base
    model = prepared.model
    cases = sensitivity_of(study) if sensitivity is None else sensitivity
    variants = scenarios_of(study) if scenarios is None else scenarios
    lines = prepared.built.lines
    characterization = prepared.built.characterization
    return Report(
        footprint=footprint,
        model=model,
        pcr=prepared.pcr,
        factors=_factors(lines, footprint),
        files=_files(bundle, model, lines, characterization.name),
        gwp_source=characterization.source,
        prepared_by=prepared_by,
        prepared_on=prepared_on or date.today(),
        uncertainty=uncertainty,
        sensitivity=tuple(cases),
        scenarios=tuple(variants),
        assumptions=tuple(
            (line.activity.name, line.place)
            for line in lines
            if "ASSUMPTION" in f"{line.activity.name} {line.activity.source}"
        ),
    )


def _factors(lines: Sequence[Line], footprint: Footprint) -> tuple[FactorUse, ...]:
    """Each factor the lines use, once, largest contribution first."""
    contributions = {result.place: result for result in footprint.lines}
    found: dict[str, tuple[Factor, int, float]] = {}
    for line in lines:
        if line.factor is None or line.factor.factor_set == "model":  # the model's own biogenic uptake
            continue
        factor, count, total = found.get(line.factor.key, (line.factor, 0, 0.0))
        result = contributions.get(line.place)
        counted = result.kg_co2e if result is not None and not result.exempted else 0.0
        found[line.factor.key] = (factor, count + 1, total + counted)
    uses = [FactorUse(factor, count, total) for factor, count, total in found.values()]
    return tuple(sorted(uses, key=lambda use: -abs(use.kg_co2e)))


def _files(bundle: ModelBundle, model: ProductModel, lines: Sequence[Line], gwp: str) -> tuple[FileHash, ...]:
    """The model file, its own factor files, the shipped factor sets its lines use, its PCR and its GWP set."""
    files = [FileHash("model", bundle.source, sha256(bundle.content))]
    for name in dict.fromkeys(model.factor_files):
        data = bundle.files.get(name)
        if data is None and bundle.folder is not None:
            data = (bundle.folder / name).read_bytes()
        if data is not None:
            files.append(FileHash("factor_file", name, sha256(data)))
    shipped = set(shipped_sets())
    used = sorted({line.factor.factor_set for line in lines if line.factor is not None} & shipped)
    for name in used:
        data = resources.files(_FACTOR_DATA).joinpath(f"{name}.csv").read_bytes()
        files.append(FileHash("factor_set", name, sha256(data)))
    pcr = _pcr_bytes(bundle, model.pcr)
    if pcr is not None:
        files.append(FileHash("pcr", pcr[0], sha256(pcr[1])))
    gwp_file = available_sets()[gwp]["file"]
    files.append(FileHash("gwp", gwp_file, sha256(resources.files(_GWP_DATA).joinpath(gwp_file).read_bytes())))
    return tuple(files)


def _pcr_bytes(bundle: ModelBundle, name: str | None) -> tuple[str, bytes] | None:
    """The PCR file the model names: shipped, or a file beside a model on disk."""
    if not name:
        return None
    if name in shipped_pcrs():
        return f"{name}.yaml", resources.files(_PCR_DATA).joinpath(f"{name}.yaml").read_bytes()
    if bundle.folder is not None and (bundle.folder / name).is_file():
        return name, (bundle.folder / name).read_bytes()
    return None
