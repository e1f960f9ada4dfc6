"""Cradle-to-gate factors from linked ILCD datasets: which datasets become factors and why the others do not; the
shipped TianGong set; the build on the real archive (the shipped subset always, the full archive when present)."""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import replace
from importlib import resources
from pathlib import Path

import pytest
from linked_ilcd import IlcdBuilder, uuid_of
from tiangong_data import TianGong

from lowcarbon.factors import default_library, load_set, shipped_sets
from lowcarbon.factors.ilcd import IlcdArchive
from lowcarbon.factors.ilcd_linked_factors import (
    ABOVE_CUT_OFF,
    NET_REMOVAL,
    NO_GHG,
    NO_YEAR,
    NOT_LINKED,
    LinkedFactors,
    Provenance,
    linked_factors,
)
from lowcarbon.factors.ilcd_linking import ELEMENTARY_REFERENCE
from lowcarbon.factors.model import Factor
from lowcarbon.factors.set_writer import factor_csv
from lowcarbon.factors.table_format import parse_csv

PROVENANCE = Provenance("Test LCA Data (ILCD, MIT licence)", "https://example.org/data", "cradle-to-gate, linked", "t")
SET = "tiangong-cradle-to-gate"


@pytest.fixture
def built(tmp_path: Path) -> LinkedFactors:
    """The chain of test_ilcd_cradle_to_gate (coal, electricity, steel, widget) and a dataset for each reason."""
    b = IlcdBuilder()
    coal, electricity, steel, widget = (b.product(n) for n in ("coal", "electricity", "steel", "widget"))
    sand, forest, old = b.product("sand"), b.product("wood"), b.product("old")
    nothing, something = b.product("nothing"), b.product("something")
    b.process("coal mine", (coal, 1000), inputs={b.hard_coal: 1000}, outputs={b.co2: 10, b.ch4: 5})
    b.process("power plant", (electricity, 3600), inputs={coal: 400}, outputs={b.co2: 1000, b.n2o: 0.01})
    b.process("steel works", (steel, 1000), inputs={coal: 700, electricity: 1800}, outputs={b.co2: 1500})
    b.process("widget", (widget, 1), inputs={steel: 0.5, electricity: 2}, outputs={b.co2_biogenic: 0.1})
    b.process("sandy widget", (widget, 1), inputs={steel: 0.5, sand: 0.5}, location="JS-CN")
    b.process("forest", (forest, 1), inputs={electricity: 0.1, b.co2_biogenic: 2}, outputs={b.co2_biogenic: 0.2})
    b.process("no gas", (nothing, 1), inputs={sand: 0.0001, b.hard_coal: 1})
    b.process("nothing upstream", (something, 1), inputs={nothing: 0.5, b.hard_coal: 1})
    b.process("yearless", (old, 1), inputs={steel: 1}, year=None)
    b.process("emission as reference", (b.co2, 1), inputs={steel: 1})
    with IlcdArchive.open(b.write(tmp_path / "built.zip")) as archive:
        return linked_factors(archive.processes(), "test-set", PROVENANCE)


def test_every_dataset_is_a_factor_or_skipped_with_its_reason(built: LinkedFactors) -> None:
    assert sorted(f.name for f in built.factors) == ["power plant", "steel works", "widget"]
    assert dict(built.skipped) == {
        uuid_of("coal mine"): NOT_LINKED,  # its only input is hard coal from the ground: its own factor suffices
        uuid_of("sandy widget"): ABOVE_CUT_OFF,  # 0.5 kg sand unlinked of 1 + 0.7 x 0.5 kg of inputs: 29 %
        uuid_of("forest"): NET_REMOVAL,  # 2 kg CO2 taken up, 0.2 released, 0.1 MJ of electricity
        uuid_of("no gas"): NOT_LINKED,
        uuid_of("nothing upstream"): NO_GHG,  # uses 0.5 of "no gas"'s product, itself without any gas
        uuid_of("yearless"): NO_YEAR,
        uuid_of("emission as reference"): ELEMENTARY_REFERENCE,
    }
    assert set(built.trees) == {f.id for f in built.factors}


def test_a_factor_says_where_it_comes_from(built: LinkedFactors) -> None:
    (widget,) = [f for f in built.factors if f.name == "widget"]
    assert widget.id == uuid_of("widget") and widget.factor_set == "test-set"
    assert (widget.name_zh, widget.unit, widget.geography, widget.year) == ("widget（中文）", "kg", "CN", 2020)
    assert widget.source == (
        f"Test LCA Data (ILCD, MIT licence), process dataset {uuid_of('widget')} version 01.00.000: widget"
    )
    assert widget.source_url == "https://example.org/data" and widget.boundary == "cradle-to-gate, linked"
    assert widget.unverified
    assert {(e.gas, e.origin) for e in widget.emissions} == {
        ("CO2", "fossil"),
        ("CO2", "biogenic"),
        ("CH4-fossil", "fossil"),
        ("N2O", "fossil"),
    }
    assert load_set("AR6").co2e(widget) == pytest.approx(built.footprints[widget.id].co2e, rel=1e-12)
    assert widget.notes.startswith(
        "Cradle-to-gate per kg of widget, solved by the lowcarbon engine over 4 linked datasets (this one included); "
        "2 of its own inputs linked. Unlinked inputs cut off: none (rule: at most 5% of the supply chain's product "
        "inputs in each dimension). Largest contributions, kg CO2e (AR6): its own emissions 0.1 (6%); steel works ["
    )
    assert widget.notes.endswith("the tree is in t.")


def test_the_factors_write_as_the_template_and_read_back(built: LinkedFactors) -> None:
    """As scripts/build_tiangong_factors.py writes them: fossil and biogenic CO2 of one factor in their own columns."""
    text = factor_csv(list(built.factors))
    assert "kg_CO2_biogenic" in text.splitlines()[0]
    # the columns come in the order the gases first appear, so a factor's gases may read back in another order
    assert [_sorted(f) for f in parse_csv(text, "test-set.csv", "test-set")] == [_sorted(f) for f in built.factors]


def _sorted(factor: Factor) -> Factor:
    return replace(factor, emissions=tuple(sorted(factor.emissions, key=lambda e: (e.gas, e.origin))))


def test_uptake_and_release_of_one_gas_are_netted_and_told(tmp_path: Path) -> None:
    """A plantation takes up 2 kg CO2 and releases 0.5 kg biogenic CO2 per kg, and uses 1 MJ of fossil electricity
    (0.7 kg CO2): one biogenic CO2 amount, -1.5 kg, and the notes keep both."""
    b = IlcdBuilder()
    electricity, wood = b.product("electricity", "MJ"), b.product("wood")
    b.process("power", (electricity, 1), inputs={b.hard_coal: 0.3}, outputs={b.co2: 0.7})
    uptake = b.gas("carbon dioxide, in air", "124-38-9", ("Resources", "Resources from air"))
    b.process("plantation", (wood, 1), inputs={electricity: 1, uptake: 2}, outputs={b.co2_biogenic: 0.5, b.co2: 1.0})
    with IlcdArchive.open(b.write(tmp_path / "wood.zip")) as archive:
        built = linked_factors(archive.processes(), "test-set", PROVENANCE)
    (wood_factor,) = [f for f in built.factors if f.name == "plantation"]
    assert {(e.gas, e.origin): e.amount for e in wood_factor.emissions} == pytest.approx(
        {("CO2", "biogenic"): -1.5, ("CO2", "fossil"): 1.7}
    )
    assert wood_factor.notes.endswith("Net of uptake: CO2 (biogenic) released 0.5 kg, taken up -2 kg.")


def test_an_archive_without_a_linkable_dataset(tmp_path: Path) -> None:
    b = IlcdBuilder()
    b.process("an emission as reference", (b.co2, 1))
    with IlcdArchive.open(b.write(tmp_path / "none.zip")) as archive:
        built = linked_factors(archive.processes(), "test-set", PROVENANCE)
    assert (built.factors, built.skipped, built.system) == (
        (),
        ((uuid_of("an emission as reference"), ELEMENTARY_REFERENCE),),
        None,
    )


def test_the_shipped_set_loads_and_every_row_has_its_source() -> None:
    """tiangong-cradle-to-gate.csv, written by scripts/build_tiangong_factors.py: each factor cites its TianGong
    dataset and version, has its tree beside it, and the database's MIT notice ships with it."""
    assert SET in shipped_sets()
    factors = [f for f in default_library() if f.factor_set == SET]
    folder = resources.files("lowcarbon.factors.data.factors")
    trees = json.loads(folder.joinpath(f"{SET}.trees.json").read_text(encoding="utf-8"))
    assert set(trees) == {f.id for f in factors}
    for factor in factors:
        assert factor.source.startswith("TianGong LCA Data (ILCD; github.com/linancn/TianGong-LCA-Data at commit")
        assert f"process dataset {factor.id} version " in factor.source
        assert factor.boundary == "cradle-to-gate, linked TianGong datasets" and factor.unverified
        assert factor.year and factor.name_zh and load_set("AR6").co2e(factor) > 0
    licence = folder.joinpath(f"{SET}.LICENSE.txt").read_text(encoding="utf-8")
    assert licence.startswith("MIT License\n\nCopyright (c) 2023 linancn\n")


# What the build gives on each real archive: datasets with at least one linked input, factors, and reasons.
REAL = {
    "subset": (1, 0, {NOT_LINKED: 6, ABOVE_CUT_OFF: 1}),
    "full": (1161, 8, {NOT_LINKED: 2339, ABOVE_CUT_OFF: 1153}),
}


def test_the_build_on_real_tiangong_data(tiangong: IlcdArchive, tiangong_source: TianGong) -> None:
    """Every dataset of the archive becomes a factor or is skipped with a reason; the whole build (links and one
    solve) takes seconds, not minutes. No review here: the shipped set withholds datasets the script names."""
    processes = list(tiangong.processes())
    started = time.perf_counter()
    built = linked_factors(processes, SET, PROVENANCE)
    elapsed = time.perf_counter() - started
    with_links, factors, reasons = REAL[tiangong_source.name]
    assert len(built.factors) + len(built.skipped) == tiangong_source.expected.processes
    assert sum(1 for f in built.footprints.values() if f.links) == with_links
    assert len(built.factors) == factors
    counted = Counter(reason for _, reason in built.skipped)
    assert {reason: counted[reason] for reason in reasons} == reasons
    assert elapsed < 20
