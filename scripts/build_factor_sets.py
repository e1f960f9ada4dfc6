"""Maintainer script: build the shipped factor sets of DESNZ and US EPA from the publishers' own files.

    .venv/bin/python scripts/build_factor_sets.py [SOURCES]

SOURCES is the folder of the publishers' files with their SHA256SUMS (default: ../shared/data/factors-sources beside
the checkout; it is not part of the repository, see src/lowcarbon/factors/data/factors/README.md for what it holds).
Each file is checked against SHA256SUMS, imported, written to src/lowcarbon/factors/data/factors/<set>.csv and read
back, which must give the same factors. The script prints each set's count, what it skipped and why, and the terms the
glossary (src/lowcarbon/factors/data/glossary-zh.csv) leaves in English.
"""

from __future__ import annotations

import hashlib
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from lowcarbon.factors.desnz import import_desnz_flat
from lowcarbon.factors.desnz_full_set import import_desnz_full_set
from lowcarbon.factors.epa_supply_chain import import_epa_supply_chain
from lowcarbon.factors.glossary import load_glossary
from lowcarbon.factors.inventory_import import ImportReport
from lowcarbon.factors.set_writer import factor_csv
from lowcarbon.factors.table_format import parse_csv

CHECKOUT = Path(__file__).resolve().parents[1]
SHIPPED = CHECKOUT / "src" / "lowcarbon" / "factors" / "data" / "factors"
DESNZ_2025 = "desnz-2025-flat/ghg-conversion-factors-2025-flat-format.xlsx"
DESNZ_2026 = "desnz-2026-full/ghg-conversion-factors-2026-full-set.xlsx"
EPA_CO2E = "epa-supply-chain-v1.3/SupplyChainGHGEmissionFactors_v1.3.0_NAICS_CO2e_USD2022.csv"
EPA_BY_GAS = "epa-supply-chain-v1.3/SupplyChainGHGEmissionFactors_v1.3.0_NAICS_byGHG_USD2022.csv"
SETS: dict[str, tuple[tuple[str, ...], Callable[..., ImportReport]]] = {
    "uk-desnz-2025": ((DESNZ_2025,), import_desnz_flat),
    "uk-desnz-2026": ((DESNZ_2026,), import_desnz_full_set),
    "us-epa-supply-chain-1.3": ((EPA_CO2E, EPA_BY_GAS), import_epa_supply_chain),
}


def main(sources: Path) -> None:
    expected = _checksums(sources / "SHA256SUMS")
    for name, (files, importer) in SETS.items():
        paths = [sources / file for file in files]
        for file, path in zip(files, paths, strict=True):
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            if expected.get(file) != digest:
                raise SystemExit(f"{path}: sha256 {digest} is not the one SHA256SUMS lists ({expected.get(file)})")
        report = importer(*paths, factor_set=name)
        text = factor_csv(report.factors)
        if parse_csv(text, f"{name}.csv", name) != report.factors:
            raise SystemExit(f"{name}: the written CSV does not read back as the imported factors")
        (SHIPPED / f"{name}.csv").write_text(text, encoding="utf-8")
        reasons = Counter(reason.split(":")[0].split(" (")[0].split(" as ")[0] for _, reason in report.skipped)
        print(f"{name}: {len(report.factors)} factors written; skipped {len(report.skipped)}: {dict(reasons)}")
        untranslated = load_glossary().missing(_terms(report))
        print(f"  {len(untranslated)} terms kept in English (codes such as R404A): {', '.join(untranslated[:12])} ...")


def _terms(report: ImportReport) -> list[str]:
    """The English names' parts that the Chinese name kept as they are."""
    return [part for f in report.factors if f.name_zh for part in f.name_zh.split("，") if part.isascii()]


def _checksums(path: Path) -> dict[str, str]:
    pairs = (line.split(maxsplit=1) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return {file.strip(): digest for digest, file in pairs}


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else CHECKOUT.parent / "shared" / "data" / "factors-sources")
