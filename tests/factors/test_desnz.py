"""The DESNZ flat-file importer on a small workbook in DESNZ's layout, made here: what becomes a factor, and why not."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import pytest
from openpyxl import Workbook

from lowcarbon.errors import DataFormatError
from lowcarbon.factors import load_set
from lowcarbon.factors.desnz import UNITS, import_desnz_flat
from lowcarbon.factors.model import Emission
from lowcarbon.units import parse_unit

HEADER = ("ID", "Scope", "Level 1", "Level 2", "Level 3", "Level 4", "Column Text", "UOM", "GHG/Unit")
HGV = ("HGV refrigerated (all diesel)", "Rigid (>7.5 tonnes-17 tonnes)", None, "100% Laden")
PARTS = ("kg CO2e of CO2 per unit", "kg CO2e of CH4 per unit", "kg CO2e of N2O per unit")
# ID, scope, level 1, (levels 2-4, column text), unit, GHG/Unit, value
ROWS: list[tuple[str, str, str, tuple[str | None, ...], str, str, float | str | None]] = [
    ("1_100_1000_15_1", "Scope 1", "Fuels", ("Gaseous fuels", "Butane", None, None), "tonnes", "kg CO2e", 3033.38067),
    ("1_100_1000_15_2", "Scope 1", "Fuels", ("Gaseous fuels", "Butane", None, None), "tonnes", PARTS[0], 3029.26),
    ("1_100_1000_15_3", "Scope 1", "Fuels", ("Gaseous fuels", "Butane", None, None), "tonnes", PARTS[1], 2.52),
    ("1_100_1000_15_4", "Scope 1", "Fuels", ("Gaseous fuels", "Butane", None, None), "tonnes", PARTS[2], 1.60067),
    ("6_301_3050_4_1", "Scope 1", "SECR kWh pass & delivery vehs", ("Cars (by size)", "Small car", None, "Diesel"),
     "km", "kWh (Net CV)", 0.55),
    ("19_500_5002_15_1", "Scope 3", "Material use", ("Construction", "Aggregates", None, "Open-loop source"), "tonnes",
     "kg CO2e", None),
    ("5_305_3115_4_1", "Scope 1", "Delivery vehicles", ("HGVs refrigerated (all diesel)", *HGV[1:]), "km", "kg CO2e",
     0.84101),
    ("27_306_3115_4_1", "Scope 3", "Freighting goods", HGV, "km", "kg CO2e", 0.84101),
    ("27_306_3115_4_2", "Scope 3", "Freighting goods", HGV, "km", PARTS[0], 0.83439),
    ("27_306_3115_9_1", "Scope 3", "Freighting goods", HGV, "miles", "kg CO2e", 1.35348),
    ("27_306_3115_14_1", "Scope 3", "Freighting goods", HGV, "tonne.km", "kg CO2e", 0.25145),
    ("31_312_3115_4_1", "Scope 3", "Managed assets- vehicles", ("Managed HGV refrigerated (all diesel)", *HGV[1:]),
     "km", "kg CO2e", 0.84101),
    ("4_301_3076_4_1", "Scope 1", "Passenger vehicles", ("Cars (by size)", "Average car", None,
     "Battery Electric Vehicle"), "km", "kg CO2e", 0),
    ("99_104_1043_15_2", "Outside of scopes", "Outside of scopes", ("Biomass", "Wood logs", None, None), "tonnes",
     PARTS[0], 1436.23),
    ("30_700_7009_13_1", "Scope 3", "Hotel stay", ("Hotel stay", "China", None, None), "Room per night", "kg CO2e",
     53.5),
    ("7_200_2030_3_1", "Scope 1", "Refrigerant & other", ("Kyoto protocol products", "HFC-134a", None,
     "Emissions including only Kyoto products"), "kg", "kg CO2e", 1300),
    ("7_200_2031_3_1", "Scope 1", "Refrigerant & other", ("Kyoto protocol products", "HFC-134a", None,
     "Total emissions including non-Kyoto products"), "kg", "kg CO2e", 1300),
]  # fmt: skip


def flat_file(path: Path, rows: Sequence[tuple[object, ...]] = (), *, year: int = 2025) -> Path:
    """A workbook laid out as DESNZ's flat file: a front page, and the factors under a header on row 6."""
    book = Workbook()
    front = book.active
    assert front is not None
    front.title = "Front page"
    front.append(["UK Government GHG Conversion Factors for Company Reporting"])
    front.append(["Year:", year])
    sheet = book.create_sheet("Factors by Category")
    sheet.append(["UK Government GHG Conversion Factors for Company Reporting"])
    sheet.append(["Factors by Category"])
    sheet.append(["Freeze panes are active on this sheet."])
    sheet.append([])
    sheet.append([None, None, "Category"])
    sheet.append([*HEADER, f"GHG Conversion Factor {year}"])
    for row_id, scope, first, rest, unit, ghg, value in rows or ROWS:  # type: ignore[misc]
        sheet.append([row_id, scope, first, *rest, unit, ghg, value])
    book.save(path)
    return path


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    path = flat_file(tmp_path_factory.mktemp("desnz") / "ghg-conversion-factors-2025-flat-format.xlsx")
    report = import_desnz_flat(path)
    return path, {"factors": {f.id: f for f in report.factors}, "skipped": dict(report.skipped)}


def test_an_activity_is_one_factor_with_its_attribution_and_its_file(imported: tuple[Path, dict[str, object]]) -> None:
    """The total is the factor, the parts (already CO2e, AR5) are in the notes; the OGL statement is its source."""
    path, result = imported
    factors = result["factors"]
    assert isinstance(factors, dict)
    butane = factors["1_100_1000_15"]
    assert (butane.unit, butane.geography, butane.year, butane.factor_set) == ("t", "GB", 2025, "uk-desnz-2025")
    assert (butane.co2e, butane.co2e_basis, butane.co2e_origin, butane.emissions) == (
        3033.38067,
        "IPCC AR5 GWP100",
        "fossil",
        (),
    )
    assert butane.name == "Fuels: Gaseous fuels, Butane, per tonne"
    assert butane.name_zh == "燃料燃烧：气体燃料，丁烷，每吨"
    assert butane.source == (
        "Contains public sector information licensed under the Open Government Licence v3.0. Source: Department for "
        "Energy Security and Net Zero, Greenhouse gas reporting: conversion factors 2025. "
        "Flat file, ID 1_100_1000_15_1."
    )
    assert (
        butane.source_url
        == "https://www.gov.uk/government/publications/greenhouse-gas-reporting-conversion-factors-2025"
    )
    assert "CO2 3029.26, CH4 2.52, N2O 1.60067" in butane.notes
    assert hashlib.sha256(path.read_bytes()).hexdigest() in butane.notes
    assert butane.boundary.startswith("Scope 1: burning the fuel")


def test_what_is_not_a_factor_is_skipped_with_the_reason(imported: tuple[Path, dict[str, object]]) -> None:
    """Energy contents, blanks, zeros, miles and the same activity under another reporting category."""
    _, result = imported
    factors, skipped = result["factors"], result["skipped"]
    assert isinstance(factors, dict) and isinstance(skipped, dict)
    assert sorted(factors) == [
        "1_100_1000_15",
        "27_306_3115_14",
        "27_306_3115_4",
        "30_700_7009_13",
        "7_200_2031_3",
        "99_104_1043_15",
    ]
    assert skipped["6_301_3050_4"].startswith("energy content (kWh (Net CV) per km)")
    assert skipped["19_500_5002_15"].startswith("no value")
    assert skipped["4_301_3076_4"].startswith("zero")
    assert skipped["27_306_3115_9"] == "per mile: the same factor as 27_306_3115_4 per km (pint converts miles to km)"
    assert skipped["5_305_3115_4"] == "same activity and value as 27_306_3115_4 (Freighting goods)"
    assert skipped["31_312_3115_4"] == "same activity and value as 27_306_3115_4 (Freighting goods)"
    assert skipped["7_200_2030_3"] == "same activity and value as 7_200_2031_3 (Refrigerant & other)"
    lorry = factors["27_306_3115_4"]
    assert "5_305_3115_4 under Delivery vehicles (Scope 1); 31_312_3115_4 under Managed assets- vehicles" in lorry.notes
    assert lorry.name_zh.startswith("货物运输：公路运输：冷藏重型货车")


def test_biogenic_co2_places_and_units(imported: tuple[Path, dict[str, object]]) -> None:
    """Outside-of-scopes CO2 is a biogenic mass of CO2; a hotel stay is in its country; every unit is pint's."""
    _, result = imported
    factors = result["factors"]
    assert isinstance(factors, dict)
    wood = factors["99_104_1043_15"]
    assert wood.emissions == (Emission("CO2", 1436.23, "biogenic"),) and wood.co2e is None
    assert load_set("AR6").split(wood)["biogenic"] == pytest.approx(1436.23)
    hotel = factors["30_700_7009_13"]
    assert (hotel.geography, hotel.unit, hotel.name) == ("CN", "room_night", "Hotel stay: China, per room-night")
    assert factors["27_306_3115_14"].unit == "t*km"
    for text in UNITS.values():
        parse_unit(text, "desnz.UNITS")


def test_a_file_not_in_desnz_layout_is_refused(tmp_path: Path) -> None:
    """No factor sheet, no header row, or a text where a value belongs: each is a DataFormatError naming the place."""
    other = Workbook()
    other.save(tmp_path / "other.xlsx")
    with pytest.raises(DataFormatError, match="no sheet 'Factors by Category': not a DESNZ flat file"):
        import_desnz_flat(tmp_path / "other.xlsx")
    text = flat_file(tmp_path / "text.xlsx", [("1_1_1_1_1", "Scope 1", "Fuels", ("a", "b", None, None), "kg",
                                                 "kg CO2e", "n/a")])  # fmt: skip
    with pytest.raises(DataFormatError, match=r"row 7.*'n/a' is not a number"):
        import_desnz_flat(text)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Factors by Category"
    sheet.append(["no header here"])
    book.save(tmp_path / "headless.xlsx")
    with pytest.raises(DataFormatError, match="no header row starting with ID"):
        import_desnz_flat(tmp_path / "headless.xlsx")
