"""Emission factors from an ILCD archive (TianGong LCA Data, soda4LCA exports, openLCA's ILCD export)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from lowcarbon.factors.characterization import CharacterizationSet, load_set
from lowcarbon.factors.ilcd import IlcdArchive, IlcdProcess
from lowcarbon.factors.inventory_import import Dataset, ElementaryExchange, ImportReport, import_datasets

LCI_RESULT = "LCI result"


def import_ilcd(
    path: str | Path, factor_set: str | None = None, characterization: CharacterizationSet | None = None
) -> ImportReport:
    """A factor per process with greenhouse-gas exchanges, per unit of its reference flow.

    LCI results and partly terminated systems carry their upstream, so their factor is cradle-to-gate; a unit
    process gives its own direct emissions only (such as China's NESPS2 emission-factor datasets), which the
    factor's ``boundary`` says.
    """
    location = Path(path)
    with IlcdArchive.open(location) as archive:
        return import_datasets(
            _datasets(archive, location.name),
            factor_set or location.stem,
            characterization or load_set("AR6"),
        )


def _datasets(archive: IlcdArchive, archive_name: str) -> Iterator[Dataset]:
    for process in archive.processes():
        yield _dataset(process, archive_name)


def _dataset(process: IlcdProcess, archive_name: str) -> Dataset:
    reference = process.reference_exchange
    exchanges = tuple(
        ElementaryExchange(
            name=exchange.flow.name_en,
            cas=exchange.flow.cas,
            compartments=exchange.flow.compartments,
            direction=exchange.direction,
            amount=exchange.amount or 0.0,
        )
        for exchange in process.exchanges
        if exchange.flow is not None and exchange.flow.flow_type == "elementary" and exchange is not reference
    )
    kind = process.dataset_type or "process"
    boundary = (
        f"{kind}: cradle-to-gate inventory"
        if kind in (LCI_RESULT, "Partly terminated system")
        else f"{kind}: its own direct emissions only (no upstream)"
    )
    return Dataset(
        id=process.uuid,
        name=process.name_en,
        name_zh=process.name_zh,
        source=f"{archive_name} (ILCD), process dataset {process.uuid}",
        reference_amount=reference.amount if reference is not None else None,
        reference_unit=reference.unit if reference is not None else None,
        exchanges=exchanges,
        boundary=boundary,
        geography=process.location or "",
        year=process.reference_year,
        category=" / ".join(process.classification),
    )
