"""Maintainer script: build the shipped TianGong cradle-to-gate factor set by linking the TianGong ILCD datasets.

    .venv/bin/python scripts/build_tiangong_factors.py [ARCHIVE] [--report PATH]

ARCHIVE is TianGong LCA Data as an ILCD zip (default: ../shared/data/tiangong-lca-data-ilcd.zip beside the checkout;
it is not part of the repository, see ../shared/data/README.md). Its SHA-256 must be the one below. The script links
every dataset to its suppliers and solves the whole database with the engine (``lowcarbon.factors.ilcd_linked_factors``
says which datasets become factors), then writes into src/lowcarbon/factors/data/factors/:

- ``tiangong-cradle-to-gate.csv``: the factors, in the factor template (read back, it must give the same factors);
- ``tiangong-cradle-to-gate.trees.json``: each factor's contribution tree (factor id -> tree), for the study report;
- ``tiangong-cradle-to-gate.LICENSE.txt``: the database's MIT notice, byte for byte (ILCD/LICENSE.txt).

It prints how many datasets linked, became factors, or did not and why, what is most often left unlinked, and how
long each step took. ``--report PATH`` also writes a CSV of every dataset of the technosphere with its result.

On the archive of commit a55b302e no dataset passes (the set ships empty): 1,161 datasets link to others, but TianGong
is not self-contained. Its datasets use background flows that no TianGong dataset makes (diesel, raw coal, crude oil,
limestone, tap water, transport, hydro, wind and solar power, the aluminium industry's electricity...), and nearly
every chain reaches the core it shares (coke, steel, thermal power, crude oil), whose unlinked fuels are most of the
chain's input mass and much of its energy. The closest chain leaves 26 % of its input mass unlinked. Eight chains
passed before the review below; each runs through the wind-farm studies' datasets, withheld for the reasons given.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from lowcarbon.bounded import Archive, read_path
from lowcarbon.factors.ilcd import IlcdArchive, IlcdProcess
from lowcarbon.factors.ilcd_linked_factors import ABOVE_CUT_OFF, CUT_OFF, LinkedFactors, Provenance, linked_factors
from lowcarbon.factors.model import Factor
from lowcarbon.factors.set_writer import factor_csv
from lowcarbon.factors.table_format import parse_csv

CHECKOUT = Path(__file__).resolve().parents[1]
ARCHIVE = CHECKOUT.parent / "shared" / "data" / "tiangong-lca-data-ilcd.zip"
SHA256 = "81adb663664806c79b60bbfe71b16f71380e2fd9048fe10ac3c2b3e86f1bc87b"  # shared/data/README.md's archive
COMMIT = "a55b302e1ca1bf190e4c412c74e046e2d54d32f6"
SHIPPED = CHECKOUT / "src" / "lowcarbon" / "factors" / "data" / "factors"
SET = "tiangong-cradle-to-gate"
PROVENANCE = Provenance(
    database=f"TianGong LCA Data (ILCD; github.com/linancn/TianGong-LCA-Data at commit {COMMIT[:8]}; "
    "MIT licence, Copyright (c) 2023 linancn)",
    url="https://github.com/linancn/TianGong-LCA-Data",
    boundary="cradle-to-gate, linked TianGong datasets",
    trees=f"{SET}.trees.json",
)

# Withheld after review: the datasets of the wind-farm studies ("Total of all wind farm"), the suppliers of every
# dataset that passed the cut-off rule without them (wind turbines and their parts, foundations, two remediation
# works). Each records its energy use as a resource taken from nature ("Energy, geothermal, converted", or gross
# calorific value in biomass), so the supply of that energy is in no chain; those of the 2017 study (NMG-CN) give the
# farm's emissions against 1 kg (copper: 1 t) of the material, thousands of kg CO2 per kg. The reason printed with
# each gives its own figures (``_wind_farm_reason``).
WIND_FARM = (
    "0898c8e8-634e-4d53-a956-ae97b7aa91c5",  # Resin and fiber glass production ; Total of all wind farm, SH-CN
    "35a9a83f-dbca-4bac-86bb-6058272f12d3",  # Steel production ; Total of all wind farm, SH-CN
    "3dd1df5f-d407-4a6c-8db6-a69ce2176130",  # Iron production ; Total of all wind farm, SH-CN
    "4803d451-5fce-4349-82bb-34ce691e2e4e",  # Al alloy production ; Total fo all wind farm, SH-CN
    "57d4bfa9-b2da-4eb6-8a77-6600a93726c7",  # Copper production ; pyrometallurgical processes; Total of all..., NMG-CN
    "5f2f416a-1df6-475f-9fc7-2bae07987a17",  # PE production ; Total of all wind farm, SH-CN
    "7d7561fd-5021-4d77-a0d7-f7f6c99ac0f6",  # Steel and iron production ;  Total of all wind farm, NMG-CN
    "859ab9a5-52ce-44d7-bac0-cae9f6fe978c",  # Steel bar production ; Exposed steel ... ; Total of all wind farm, SH-CN
    "8c44a5ff-5701-4cf6-966b-44aad19d4b90",  # Aluminum production ;  Total of all wind farm, NMG-CN
    "a68664fd-7e19-4445-a04b-f7e121cdbaae",  # Copper production ; Total of all wind farm, SH-CN
    "aaf128a2-aaae-4176-903d-f08c98e1eeef",  # Cement production ;  Total of all wind farm, NMG-CN
    "ae01bd69-67dd-4ea2-8e93-54edacd6ab5b",  # Resin production ;  Total of all wind farm, NMG-CN
    "bfb9905d-2846-496d-ba48-9275c1aebf36",  # Fiberglass production ;  Total of all wind farm, NMG-CN
    "cae3ab3f-25cd-4f27-b8a3-3e9e4ee09ec6",  # Silicon production ;  Total of all wind farm, NMG-CN
    "d7eed297-582c-4ead-8021-e695bc09e332",  # Silica production ; Total of all wind farm, SH-CN
    "de2a31fe-dee8-4457-8256-f0556db6c620",  # Concrete production ; ... (C40) ; Total of all wind farm, SH-CN
    "f6a08b09-70e4-481e-8718-b1be8c6fcc2f",  # Lead production ; Total of all wind farm, SH-CN
)


def main(archive: Path, report: Path | None) -> None:
    started = time.perf_counter()
    digest = hashlib.sha256(read_path(archive)).hexdigest()
    if digest != SHA256:
        raise SystemExit(f"{archive}: sha256 {digest}, not the archive this set is built from ({SHA256})")
    with IlcdArchive.open(archive) as ilcd:
        processes = list(ilcd.processes())
    read = time.perf_counter()
    withheld = _withheld(processes)
    result = linked_factors(processes, SET, PROVENANCE, withheld=withheld)
    solved = time.perf_counter()
    factors = list(result.factors)
    text = factor_csv(factors)
    if [_sorted(f) for f in parse_csv(text, f"{SET}.csv", SET)] != [_sorted(f) for f in factors]:
        raise SystemExit(f"{SET}: the written CSV does not read back as the computed factors")
    (SHIPPED / f"{SET}.csv").write_text(text, encoding="utf-8")
    trees = json.dumps(dict(result.trees), ensure_ascii=False, indent=1, sort_keys=True)
    (SHIPPED / f"{SET}.trees.json").write_text(trees + "\n", encoding="utf-8")
    with Archive(archive, str(archive)) as zipped:
        licence = next(name for name in zipped.names() if name.endswith("ILCD/LICENSE.txt"))
        (SHIPPED / f"{SET}.LICENSE.txt").write_bytes(zipped.read(licence))
    written = time.perf_counter()
    if report is not None:
        _write_report(result, processes, report)
    _print_summary(result, processes)
    print(
        f"time: read {read - started:.1f} s, link and solve {solved - read:.1f} s, write {written - solved:.1f} s; "
        f"total {written - started:.1f} s"
    )


def _sorted(factor: Factor) -> Factor:
    """The factor with its gases in one order: the CSV's columns follow the order gases first appear in the set."""
    return replace(factor, emissions=tuple(sorted(factor.emissions, key=lambda e: (e.gas, e.origin))))


def _withheld(processes: Iterable[IlcdProcess]) -> dict[str, str]:
    by_uuid = {process.uuid.lower(): process for process in processes}
    missing = [uuid for uuid in WIND_FARM if uuid not in by_uuid]
    if missing:
        raise SystemExit(f"the withheld datasets {missing} are not in the archive: review the list again")
    return {uuid: _wind_farm_reason(by_uuid[uuid]) for uuid in WIND_FARM}


def _wind_farm_reason(process: IlcdProcess) -> str:
    """The reason, with the dataset's own figures per unit of its reference flow."""
    reference = process.reference_exchange
    assert reference is not None and reference.amount and reference.flow is not None
    energy = [e for e in process.exchanges if e.direction == "input" and e.flow and e.flow.flow_type == "elementary"]
    co2 = sum(e.amount or 0 for e in process.exchanges if e.flow and e.flow.name_en == "carbon dioxide (fossil)")
    n2o = sum(e.amount or 0 for e in process.exchanges if e.flow and e.flow.name_en == "nitrous oxide")
    per = reference.amount
    names = "; ".join(sorted({e.flow.name_en for e in energy if e.flow}))
    return (
        f"a wind-farm study's material dataset: its energy use is a resource taken from nature ({names}), so the "
        f"energy's supply is in no chain; it gives {co2 / per:.4g} kg fossil CO2 and {n2o / per:.3g} kg N2O per "
        f"{reference.unit} of {reference.flow.name_en}"
    )


def _print_summary(result: LinkedFactors, processes: list[IlcdProcess]) -> None:
    technosphere = result.technosphere
    linked = [a for a in technosphere.activities.values() if a.links]
    statuses = Counter(e.status for a in technosphere.activities.values() for e in a.exchanges)
    print(
        f"{len(processes)} datasets: {len(technosphere.activities)} in the technosphere, {len(linked)} with at least "
        f"one input linked to another dataset ({statuses['linked']} links); {len(result.factors)} factors written"
    )
    print(f"exchanges by status: {dict(statuses.most_common())}")
    reasons = Counter(reason.split(":")[0] for _, reason in result.skipped)
    print(f"not factors ({len(result.skipped)}), by reason:")
    for reason, count in reasons.most_common():
        print(f"  {count:5}  {reason}")
    above = [result.footprints[uuid] for uuid, reason in result.skipped if reason == ABOVE_CUT_OFF]
    dimensions = Counter(d for f in above for d, share in f.cut_off.items() if share > CUT_OFF)
    print(f"  of those above the cut-off, by dimension over {CUT_OFF:.0%}: {dict(dimensions.most_common())}")
    closest = sorted(above, key=lambda f: max(f.cut_off.values()))[:3]
    print("  closest to it: " + "; ".join(f"{f.uuid[:8]} {max(f.cut_off.values()):.0%}" for f in closest))
    unlinked = Counter(
        (e.exchange.flow.name_en if e.exchange.flow else e.exchange.flow_uuid, e.exchange.unit or "?")
        for a in technosphere.activities.values()
        for e in a.exchanges
        if e.status in ("unlinked", "unresolved") and e.exchange.direction == "input"
    )
    print(
        "most often unlinked inputs (datasets that use them): "
        + "; ".join(f"{name} [{unit}] {count}" for (name, unit), count in unlinked.most_common(15))
    )


def _write_report(result: LinkedFactors, processes: list[IlcdProcess], path: Path) -> None:
    reasons = dict(result.skipped)
    dimensions = sorted({d for f in result.footprints.values() for d in f.cut_off})
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(
            [
                "uuid",
                "name",
                "name_zh",
                "unit",
                "location",
                "year",
                "links",
                "kg_co2e_linked_part",
                *(f"cut_off_{d}" for d in dimensions),
                "factor_or_reason",
            ]
        )
        for process in processes:
            uuid = process.uuid.lower()
            footprint = result.footprints.get(uuid)
            if footprint is None:
                continue
            reference = process.reference_exchange
            writer.writerow(
                [
                    uuid,
                    process.name_en,
                    process.name_zh or "",
                    reference.unit if reference else "",
                    process.location or "",
                    process.reference_year or "",
                    footprint.links,
                    f"{footprint.co2e:.6g}",
                    *(f"{footprint.cut_off[d]:.4f}" if d in footprint.cut_off else "" for d in dimensions),
                    reasons.get(uuid, "factor"),
                ]
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("archive", nargs="?", type=Path, default=ARCHIVE)
    parser.add_argument("--report", type=Path, help="also write every linked dataset's result to this CSV")
    arguments = parser.parse_args()
    main(arguments.archive, arguments.report)
