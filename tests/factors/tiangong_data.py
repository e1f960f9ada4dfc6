"""The TianGong ILCD archives the factor tests read, with the figures each must give.

The full archive lives outside the repository, at ``../shared/data/`` (CI checks the project out beside shared/, as
on the development machine; it is never copied in). A subset of it ships in ``tests/data/tiangong-subset/`` (see its
README.md): the tests always run on the subset, and on the full archive too when it is there, so a fresh clone tests
the same code on real data. Figures that differ between the two are here, one ``Expected`` per archive.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).parents[2]
FULL_PATH = ROOT.parent / "shared" / "data" / "tiangong-lca-data-ilcd.zip"
SUBSET_DIR = ROOT / "tests" / "data" / "tiangong-subset"
SUBSET_PATH = SUBSET_DIR / "tiangong-lca-data-ilcd-subset.zip"

NO_GHG = "no greenhouse-gas exchange with the air"
IN_EUR = "reference unit 'EUR' is not a physical unit lowcarbon knows"
NO_UNIT = "the reference flow has no known unit"
NO_AMOUNT = "no reference flow amount"


@dataclass(frozen=True)
class Expected:
    """What an archive holds, as the reader and the factor importer see it."""

    processes: int
    flows: int
    flow_types: Mapping[str, int]
    dataset_types: Mapping[str | None, int]
    without_reference: int  # processes naming no reference flow
    two_references: int  # processes naming two reference flows
    co2_cas_flows: int  # flows with carbon dioxide's CAS number, 124-38-9
    cas_flows: int  # flows with any CAS number
    mentioning_co2: int  # processes with an exchange whose flow's name says carbon dioxide
    missing_flows: int  # referenced flow UUIDs the archive lacks
    invalid_references: int  # flow references that are not UUIDs
    invalid_examples: frozenset[str]  # some of them
    unresolved_exchanges: int  # exchanges whose flow is missing or invalid
    electric: int  # processes whose Chinese name has 电
    factors: int  # factors imported
    skipped: Mapping[str, int]  # processes skipped, by reason


@dataclass(frozen=True)
class TianGong:
    """One archive to test on: "full" or "subset"."""

    name: str
    path: Path
    expected: Expected


FULL = TianGong(
    "full",
    FULL_PATH,
    Expected(
        processes=4133,
        flows=3021,
        flow_types={"product": 2432, "elementary": 524, "waste": 65},
        # The README's four numbers add up to 4,098, not 4,133: the other 35 processes have no typeOfDataSet element.
        dataset_types={
            "Unit process, single operation": 3505,
            "Unit process, black box": 299,
            "LCI result": 270,
            "Partly terminated system": 24,
            None: 35,
        },
        without_reference=17,
        two_references=65,
        co2_cas_flows=16,
        cas_flows=810,
        # The README counts files whose text mentions "carbon dioxide" anywhere: 812 = 780
        #   + 16 processes whose CO2 exchange references a flow dataset absent from the archive (only the exchange's
        #     shortDescription says carbon dioxide, so there is no flow name to read),
        #   + 18 processes that mention it only in their own name or comments (e.g. "Salt, ammonia, carbon dioxide"),
        #   - 2 processes whose flow says 二氧化碳 only in Chinese ("CO2 Welding ...", a product, not an emission).
        mentioning_co2=780,
        # The README's 132 absent flows are these 130 plus two broken UUIDs, reported as invalid references here:
        # one lacks its last digit and one has " Textile" appended (both flows exist under their whole UUID).
        missing_flows=130,
        invalid_references=64,
        invalid_examples=frozenset(
            {
                "",
                "Cement",
                "NMVOC",
                "007664-93-9",
                "1125e767-7b5d-442e-81d6-9b0d3e1919a",
                "0a0b0e9a-369c-4180-9694-8cb7abb75492 Textile",
            }
        ),
        unresolved_exchanges=4545,
        electric=563,
        factors=689,
        skipped={NO_GHG: 3154, IN_EUR: 153, NO_UNIT: 110, NO_AMOUNT: 27},
    ),
)

# Counted in the subset's XML by hand as well (processes' typeOfDataSet, flows' typeOfDataSet, exchanges' references).
SUBSET = TianGong(
    "subset",
    SUBSET_PATH,
    Expected(
        processes=13,
        flows=241,
        flow_types={"product": 210, "elementary": 30, "waste": 1},
        dataset_types={
            "Unit process, single operation": 4,
            "Unit process, black box": 3,
            "LCI result": 4,
            "Partly terminated system": 1,
            None: 1,
        },
        without_reference=1,
        two_references=1,
        co2_cas_flows=5,
        cas_flows=37,
        mentioning_co2=5,
        missing_flows=17,
        invalid_references=4,  # all four: the other two of the full archive's examples are in processes left out
        invalid_examples=frozenset(
            {"", "Cement", "1125e767-7b5d-442e-81d6-9b0d3e1919a", "0a0b0e9a-369c-4180-9694-8cb7abb75492 Textile"}
        ),
        unresolved_exchanges=21,
        electric=3,
        factors=4,
        skipped={NO_GHG: 4, IN_EUR: 1, NO_UNIT: 3, NO_AMOUNT: 1},
    ),
)

# The subset always; the full archive when shared/ is beside the checkout. Nothing is skipped without it.
ARCHIVES = [SUBSET, FULL] if FULL_PATH.is_file() else [SUBSET]
