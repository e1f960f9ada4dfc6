"""Linking ILCD datasets: who supplies an input (location, completeness, year, mix), and what becomes of every other
exchange and of datasets that cannot be linked."""

from __future__ import annotations

from pathlib import Path

import pytest
from linked_ilcd import IlcdBuilder, uuid_of

from lowcarbon.factors import ilcd_linking
from lowcarbon.factors.ilcd import IlcdArchive
from lowcarbon.factors.ilcd_linking import (
    ABSENT_REFERENCE,
    ELEMENTARY_REFERENCE,
    NO_AMOUNT,
    NOT_PHYSICAL,
    OWN_USE,
    Candidate,
    Supplier,
    Technosphere,
    choose_supplier,
    enclosing_locations,
    link,
)


def _linked(builder: IlcdBuilder, path: Path, withheld: dict[str, str] | None = None) -> Technosphere:
    with IlcdArchive.open(builder.write(path)) as archive:
        return link(archive.processes(), withheld)


def test_public_names() -> None:
    assert set(ilcd_linking.__all__) == {
        "AGGREGATED",
        "Activity",
        "Candidate",
        "LinkedExchange",
        "Supplier",
        "Technosphere",
        "choose_supplier",
        "enclosing_locations",
        "link",
    }


def test_enclosing_locations_nearest_first() -> None:
    """ILCD codes nest by their suffix: a city in a province in China."""
    assert enclosing_locations("QD-SD-CN") == ("QD-SD-CN", "SD-CN", "CN")
    assert enclosing_locations("CN") == ("CN",)
    assert enclosing_locations("") == ()


# Five makers of one product: by location, completeness (0 LCI result, 1 with inputs, 2 outputs only) and year.
SHANDONG = Candidate("sd", "SD-CN", 1, 2020)
NATIONAL_2020 = Candidate("cn-2020", "CN", 1, 2020)
NATIONAL_2010 = Candidate("cn-2010", "CN", 1, 2010)
OUTPUTS_ONLY = Candidate("cn-emissions", "CN", 2, 2020)
MAKERS = [SHANDONG, NATIONAL_2020, NATIONAL_2010, OUTPUTS_ONLY]


@pytest.mark.parametrize(
    ("location", "year", "providers", "found_at"),
    [
        ("QD-SD-CN", 2020, ("sd",), "SD-CN"),  # Qingdao: no maker there, Shandong's encloses it
        ("CN", 2020, ("cn-2020",), "CN"),  # the outputs-only dataset loses to those with inputs; then the year
        ("CN", 2015, ("cn-2010", "cn-2020"), "CN"),  # five years from each: their equal-share mix
        ("CN", None, ("cn-2010", "cn-2020"), "CN"),  # a consumer without a year has no preference
        ("HUB-CN", 2010, ("cn-2010",), "CN"),  # Hubei has none: China's, then the year
        ("US", 2020, ("cn-2020", "sd"), "any"),  # no US and no GLO maker: any location, a proxy, then the year
    ],
)
def test_supplier_by_location_completeness_year_then_mix(
    location: str, year: int | None, providers: tuple[str, ...], found_at: str
) -> None:
    supplier = choose_supplier(MAKERS, location, year)
    assert supplier == Supplier(providers, found_at, 1)
    assert supplier.is_mix == (len(providers) > 1)


def test_an_lci_result_comes_first_and_outputs_only_last() -> None:
    """At one location an LCI result (its upstream included) beats unit processes; datasets that list outputs only
    supply when nothing else does, and say so."""
    result = Candidate("lci", "CN", 0, 2005)
    assert choose_supplier([*MAKERS, result], "CN", 2020) == Supplier(("lci",), "CN", 0)
    alone = choose_supplier([OUTPUTS_ONLY], "CN", 2020)
    assert alone == Supplier(("cn-emissions",), "CN", 2) and alone.outputs_only
    assert choose_supplier([], "CN", 2020) is None
    glo = Candidate("glo", "GLO", 1, 2020)
    assert choose_supplier([glo, SHANDONG], "US", 2020) == Supplier(("glo",), "GLO", 1)


def test_link_chooses_by_the_consumers_location_and_year(tmp_path: Path) -> None:
    """The rule as ``link`` applies it to datasets: two consumers of cement, in Qingdao and in China."""
    b = IlcdBuilder()
    cement = b.product("cement")
    for name, location, year in (
        ("cement SD", "SD-CN", 2020),
        ("cement CN", "CN", 2018),
        ("cement CN old", "CN", 2001),
    ):
        b.process(name, (cement, 1000), inputs={b.hard_coal: 100}, outputs={b.co2: 800}, location=location, year=year)
    concrete = b.product("concrete")
    b.process("concrete QD", (concrete, 1), inputs={cement: 0.3}, location="QD-SD-CN")
    b.process("concrete CN", (concrete, 1), inputs={cement: 0.3}, year=2019)
    technosphere = _linked(b, tmp_path / "a.zip")
    (qingdao,) = technosphere.activities[uuid_of("concrete QD")].links
    (china,) = technosphere.activities[uuid_of("concrete CN")].links
    assert qingdao.supplier == Supplier((uuid_of("cement SD"),), "SD-CN", 1)
    assert china.supplier == Supplier((uuid_of("cement CN"),), "CN", 1)


def test_what_becomes_of_each_exchange(tmp_path: Path) -> None:
    """Linked, unlinked (no maker), unresolved (no flow dataset), burden-free waste input, waste to treatment,
    untreated waste, co-product, own use: every product and waste exchange gets its status."""
    b = IlcdBuilder()
    steel, slag, sand, scrap, ash, gas = (
        b.product("steel"),
        b.product("slag", waste=True),
        b.product("sand"),
        b.product("scrap", waste=True),
        b.product("ash", waste=True),
        b.product("blast furnace gas"),
    )
    b.process("slag treatment", (slag, 1), outputs={b.co2: 0.01}, reference_is_input=True)
    b.process(
        "steel works",
        (steel, 1000),
        inputs={sand: 5, scrap: 100, steel: 10, "0a0b0c0d-0000-4000-8000-000000000000": 1},
        outputs={slag: 200, ash: 3, gas: 50},
    )
    technosphere = _linked(b, tmp_path / "a.zip")
    works = technosphere.activities[uuid_of("steel works")]
    statuses = {
        (e.exchange.flow.name_en if e.exchange.flow else e.exchange.flow_uuid): e.status for e in works.exchanges
    }
    assert statuses == {
        "sand": "unlinked",
        "scrap": "burden-free",
        "steel": "own use",
        "0a0b0c0d-0000-4000-8000-000000000000": "unresolved",
        "slag": "linked",
        "ash": "untreated",
        "blast furnace gas": "co-product",
    }
    assert works.output == 990  # 1,000 t made less 10 t used
    (treated,) = works.links
    assert treated.supplier == Supplier((uuid_of("slag treatment"),), "CN", 2)
    assert technosphere.activities[uuid_of("slag treatment")].treats


def test_datasets_that_cannot_be_columns_are_excluded_with_the_reason(tmp_path: Path) -> None:
    b = IlcdBuilder()
    glass, money = b.product("glass"), b.product("services", unit="EUR")
    b.process("cutting", (glass, 100), inputs={glass: 120})  # the same flow in and out: more used than made
    b.process("nothing made", (glass, 0))
    b.process("an emission as reference", (b.co2, 1))
    b.process("sector", (money, 1333))
    b.process("a flow the archive lacks", ("0a0b0c0d-0000-4000-8000-000000000001", 1))
    b.process("withheld", (glass, 1), inputs={b.hard_coal: 1})
    b.process("glass works", (glass, 1), inputs={b.hard_coal: 1})
    technosphere = _linked(b, tmp_path / "a.zip", {uuid_of("withheld").upper(): "its figures cannot be right"})
    assert dict(technosphere.excluded) == {
        uuid_of("cutting"): OWN_USE,
        uuid_of("nothing made"): NO_AMOUNT,
        uuid_of("an emission as reference"): ELEMENTARY_REFERENCE,
        uuid_of("sector"): NOT_PHYSICAL,
        uuid_of("a flow the archive lacks"): ABSENT_REFERENCE,
        uuid_of("withheld"): "withheld after review: its figures cannot be right",
    }
    assert list(technosphere.activities) == [uuid_of("glass works")]
