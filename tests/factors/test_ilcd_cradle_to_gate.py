"""Cradle-to-gate footprints of linked ILCD datasets, by the engine, against figures computed by hand: a linked chain
of four datasets, a loop of two, a mix of suppliers, the cut-off shares, a waste treatment, the contribution tree."""

from __future__ import annotations

from pathlib import Path

import pytest
from linked_ilcd import IlcdBuilder, uuid_of

from lowcarbon.factors import load_set
from lowcarbon.factors.ilcd import IlcdArchive
from lowcarbon.factors.ilcd_cradle_to_gate import (
    UNRESOLVED,
    Footprint,
    LinkedSystem,
    contribution_tree,
    footprints,
    solve_linked,
)
from lowcarbon.factors.ilcd_linking import link

AR6 = load_set("AR6")
CH4, N2O = 29.8, 273  # AR6 GWP100 of fossil methane and of nitrous oxide (lowcarbon's shipped AR6 table)


def _solved(builder: IlcdBuilder, path: Path) -> LinkedSystem:
    with IlcdArchive.open(builder.write(path)) as archive:
        return solve_linked(link(archive.processes()), AR6)


def _gases(footprint: Footprint) -> dict[tuple[str, str], float]:
    return {(e.gas, e.origin): e.amount for e in footprint.emissions}


@pytest.fixture
def chain(tmp_path: Path) -> LinkedSystem:
    """Coal mine -> power plant -> steel works -> widget; the steel works and the widget also use electricity.

    coal mine:    1,000 kg coal from 1,000 kg hard coal in the ground; 10 kg CO2 and 5 kg CH4 (fossil)
    power plant:  3,600 MJ electricity from 400 kg coal; 1,000 kg CO2, 0.01 kg N2O
    steel works:  1,000 kg steel from 700 kg coal and 1,800 MJ electricity; 1,500 kg CO2
    widget:       1 kg from 0.5 kg steel and 2 MJ electricity; 0.1 kg biogenic CO2
    """
    b = IlcdBuilder()
    coal, electricity, steel, widget = (
        b.product("coal"),
        b.product("electricity", "MJ"),
        b.product("steel"),
        b.product("widget"),
    )
    b.process("coal mine", (coal, 1000), inputs={b.hard_coal: 1000}, outputs={b.co2: 10, b.ch4: 5})
    b.process("power plant", (electricity, 3600), inputs={coal: 400}, outputs={b.co2: 1000, b.n2o: 0.01})
    b.process("steel works", (steel, 1000), inputs={coal: 700, electricity: 1800}, outputs={b.co2: 1500})
    b.process("widget", (widget, 1), inputs={steel: 0.5, electricity: 2}, outputs={b.co2_biogenic: 0.1})
    return _solved(b, tmp_path / "chain.zip")


def test_a_linked_chain_by_hand(chain: LinkedSystem) -> None:
    """Each gas per unit of each reference flow, worked out tier by tier."""
    results = footprints(chain)
    # coal, per kg: 10 / 1,000 kg CO2 and 5 / 1,000 kg CH4
    coal_co2, coal_ch4 = 10 / 1000, 5 / 1000
    assert _gases(results[uuid_of("coal mine")]) == pytest.approx(
        {("CO2", "fossil"): coal_co2, ("CH4-fossil", "fossil"): coal_ch4}, rel=1e-12
    )
    # electricity, per MJ: (1,000 + 400 x 0.01) / 3,600 CO2; 400 x 0.005 / 3,600 CH4; 0.01 / 3,600 N2O
    power_co2, power_ch4, power_n2o = (1000 + 400 * coal_co2) / 3600, 400 * coal_ch4 / 3600, 0.01 / 3600
    assert power_co2 == pytest.approx(1004 / 3600) and power_ch4 == pytest.approx(2 / 3600)
    assert _gases(results[uuid_of("power plant")]) == pytest.approx(
        {("CO2", "fossil"): power_co2, ("CH4-fossil", "fossil"): power_ch4, ("N2O", "fossil"): power_n2o}, rel=1e-12
    )
    # steel, per kg: (1,500 + 700 x 0.01 + 1,800 x 1,004 / 3,600) / 1,000 = (1,500 + 7 + 502) / 1,000 = 2.009 CO2;
    # (700 x 0.005 + 1,800 x 2 / 3,600) / 1,000 = (3.5 + 1) / 1,000 = 0.0045 CH4; 1,800 x 0.01 / 3,600 / 1,000 N2O
    steel_co2, steel_ch4, steel_n2o = 2.009, 0.0045, 0.000005
    assert _gases(results[uuid_of("steel works")]) == pytest.approx(
        {("CO2", "fossil"): steel_co2, ("CH4-fossil", "fossil"): steel_ch4, ("N2O", "fossil"): steel_n2o}, rel=1e-12
    )
    # widget, per kg: 0.5 kg steel and 2 MJ electricity, and its own 0.1 kg biogenic CO2
    widget = {
        ("CO2", "fossil"): 0.5 * 2.009 + 2 * 1004 / 3600,  # 1.0045 + 0.5578 = 1.5623
        ("CH4-fossil", "fossil"): 0.5 * 0.0045 + 2 * 2 / 3600,  # 0.00225 + 0.00111 = 0.00336
        ("N2O", "fossil"): 0.5 * 0.000005 + 2 * 0.01 / 3600,  # 2.5e-6 + 5.6e-6 = 8.1e-6
        ("CO2", "biogenic"): 0.1,
    }
    result = results[uuid_of("widget")]
    assert _gases(result) == pytest.approx(widget, rel=1e-12)
    co2e = widget["CO2", "fossil"] + 0.1 + CH4 * widget["CH4-fossil", "fossil"] + N2O * widget["N2O", "fossil"]
    assert result.co2e == pytest.approx(co2e, rel=1e-12)  # 1.6624 + 0.1002 + 0.0022 = 1.7647
    assert result.links == 2 and result.cut_off == {"mass": 0.0, "energy": 0.0}


def test_the_contribution_tree_of_the_widget(chain: LinkedSystem) -> None:
    """Its own biogenic CO2, then its steel and electricity with everything upstream of each."""
    steel = 2.009 + CH4 * 0.0045 + N2O * 0.000005  # kg CO2e per kg steel: 2.1441
    electricity = (1004 + CH4 * 2 + N2O * 0.01) / 3600  # kg CO2e per MJ: 0.29457
    tree = contribution_tree(chain, uuid_of("widget"), cutoff=0.01)
    assert tree["dataset"] == uuid_of("widget") and tree["unit"] == "kg" and tree["amount"] == 1
    assert tree["kg_co2e"] == pytest.approx(0.1 + 0.5 * steel + 2 * electricity, rel=1e-12)
    assert tree["direct_kg_co2e"] == pytest.approx(0.1, rel=1e-12)
    (first, second) = tree["inputs"]
    assert (first["name"], first["amount"], first["kg_co2e"]) == ("steel works", 0.5, pytest.approx(0.5 * steel))
    assert (second["name"], second["unit"], second["kg_co2e"]) == ("power plant", "MJ", pytest.approx(2 * electricity))
    # the steel's own 1.5 kg CO2 per kg is 0.75 of its 1.07 per half kilogram; coal and electricity are below it
    assert first["direct_kg_co2e"] == pytest.approx(0.75, rel=1e-12)
    assert [child["name"] for child in first["inputs"]] == ["power plant", "coal mine"]


def test_a_loop_of_two_datasets(tmp_path: Path) -> None:
    """A uses 0.2 kg of B per kg and emits 1 kg CO2; B uses 0.5 kg of A per kg and emits 2 kg CO2.

    a = 1 + 0.2 b and b = 2 + 0.5 a, so a = 1 + 0.2 (2 + 0.5 a) = 1.4 + 0.1 a: a = 1.4 / 0.9 = 1.5556 and
    b = 2 + 0.5 x 1.5556 = 2.7778.
    """
    b = IlcdBuilder()
    product_a, product_b = b.product("a"), b.product("b")
    b.process("A", (product_a, 1), inputs={product_b: 0.2}, outputs={b.co2: 1})
    b.process("B", (product_b, 1), inputs={product_a: 0.5}, outputs={b.co2: 2})
    solved = _solved(b, tmp_path / "loop.zip")
    results = footprints(solved)
    a = 1.4 / 0.9
    assert results[uuid_of("A")].co2e == pytest.approx(a, rel=1e-12)
    assert results[uuid_of("B")].co2e == pytest.approx(2 + 0.5 * a, rel=1e-12)
    # mass through the loop: per kg of a, 0.2 kg b and 0.5 x 0.2 kg a... all linked, none cut off
    assert results[uuid_of("A")].cut_off == {"mass": 0.0}
    tree = contribution_tree(solved, uuid_of("A"), cutoff=0.0, max_depth=4)
    (b_node,) = tree["inputs"]
    (a_again,) = b_node["inputs"]
    assert a_again["loop"] and a_again["inputs"] == []  # shown, not expanded again
    assert a_again["kg_co2e"] == pytest.approx(0.2 * 0.5 * a, rel=1e-12)


def test_an_equal_share_mix_of_suppliers(tmp_path: Path) -> None:
    """A consumer of 2015 between cement of 2010 (0.9 kg CO2 per kg) and of 2020 (0.7): five years from each, so
    their mix: 2 kg x (0.9 + 0.7) / 2 = 1.6 kg CO2."""
    b = IlcdBuilder()
    cement, concrete = b.product("cement"), b.product("concrete")
    b.process("cement 2010", (cement, 1000), inputs={b.hard_coal: 1}, outputs={b.co2: 900}, year=2010)
    b.process("cement 2020", (cement, 1000), inputs={b.hard_coal: 1}, outputs={b.co2: 700}, year=2020)
    b.process("concrete", (concrete, 1), inputs={cement: 2}, year=2015)
    solved = _solved(b, tmp_path / "mix.zip")
    assert footprints(solved)[uuid_of("concrete")].co2e == pytest.approx(1.6, rel=1e-12)
    (mix,) = contribution_tree(solved, uuid_of("concrete"))["inputs"]
    assert mix["mix_of"] == sorted([uuid_of("cement 2010"), uuid_of("cement 2020")])
    assert mix["name"] == "equal-share mix of 2 datasets of cement at CN"
    assert [child["kg_co2e"] for child in mix["inputs"]] == pytest.approx([0.9, 0.7])  # 1 kg of each


def test_cut_off_shares_over_the_whole_supply_chain(tmp_path: Path) -> None:
    """The share of a supply chain's product inputs, per dimension, that is unlinked, unresolved or made by datasets
    that list no inputs; an ore mine (0.1 kg CO2 per kg ore) supplies the linked part."""
    b = IlcdBuilder()
    ore, sand, x, y, z, q, v, u = (b.product(name) for name in ("ore", "sand", "x", "y", "z", "q", "v", "u"))
    b.process("ore mine", (ore, 1), inputs={b.hard_coal: 1}, outputs={b.co2: 0.1})
    b.process("X", (x, 1), inputs={ore: 0.96, sand: 0.04}, outputs={b.co2: 1})
    b.process("Y", (y, 1), inputs={ore: 0.94, sand: 0.06}, outputs={b.co2: 1})
    b.process("Z", (z, 1), inputs={y: 1})
    b.process("Q emissions only", (q, 1), outputs={b.co2: 0.5})
    b.process("V", (v, 1), inputs={q: 1})
    b.process("U", (u, 1), inputs={ore: 1, "0a0b0c0d-0000-4000-8000-000000000002": 0.001})
    results = footprints(_solved(b, tmp_path / "cut.zip"))
    assert results[uuid_of("X")].cut_off == {"mass": pytest.approx(0.04 / (0.96 + 0.04))}  # 4 %
    assert results[uuid_of("Y")].cut_off == {"mass": pytest.approx(0.06)}  # 6 %
    # Z's own 1 kg of y, linked, and y's 0.94 + 0.06 kg: 0.06 of 2 kg, 3 %; its footprint is y's, 1 + 0.94 x 0.1
    assert results[uuid_of("Z")].cut_off == {"mass": pytest.approx(0.06 / 2)}
    assert results[uuid_of("Z")].co2e == pytest.approx(1.094, rel=1e-12)
    # q's maker lists no inputs: its 0.5 kg CO2 counts, and its missing upstream is the whole of V's input
    assert results[uuid_of("V")].cut_off == {"mass": 1.0} and results[uuid_of("V")].co2e == pytest.approx(0.5)
    # an input whose flow dataset is absent has no known unit: a dimension of its own, wholly cut off
    assert results[uuid_of("U")].cut_off == {"mass": 0.0, UNRESOLVED: 1.0}


def test_waste_sent_to_treatment_carries_the_treatment(tmp_path: Path) -> None:
    """K makes 1 kg and 0.2 kg of slag, treated at 0.05 kg CO2 per kg slag: 0.1 (its ore) + 0.2 x 0.05 = 0.11."""
    b = IlcdBuilder()
    ore, slag, k = b.product("ore"), b.product("slag", waste=True), b.product("k")
    b.process("ore mine", (ore, 1), inputs={b.hard_coal: 1}, outputs={b.co2: 0.1})
    b.process("slag landfill", (slag, 1), outputs={b.co2: 0.05}, reference_is_input=True)
    b.process("K", (k, 1), inputs={ore: 1}, outputs={slag: 0.2})
    result = footprints(_solved(b, tmp_path / "waste.zip"))[uuid_of("K")]
    assert result.co2e == pytest.approx(0.11, rel=1e-12)
    assert result.cut_off == {"mass": 0.0}  # the treatment is an output: no input of K's is cut off
