"""The DESNZ full-set reader on a small workbook in DESNZ's presentation layout, made here: sheets, blocks, merged
cells and column labels become the flat file's rows, each named by its cell."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from lowcarbon.errors import DataFormatError
from lowcarbon.factors.desnz_full_set import import_desnz_full_set, read_full_set

GASES = ["kg CO2e", "kg CO2e of CO2 per unit", "kg CO2e of CH4 per unit", "kg CO2e of N2O per unit"]
REFRIGERATED = "HGV (refrigerated, all diesel)"
SIZE = "100,000\N{EN DASH}199,999 dwt"  # DESNZ writes ranges with an en dash
SHEETS: dict[str, tuple[str, list[Sequence[object]]]] = {
    "Freighting goods": (
        "Scope 3",
        [
            [None, None, None, "Average laden", None, None, None, "50% Laden"],  # row 8: labels over merged columns
            ["Activity", "Type", "Unit", *GASES, *GASES],
            [REFRIGERATED, "Rigid (>3.5 - 7.5 tonnes)", "tonne.km", 0.64319, 0.6377, 0.00011, 0.00538],
            [None, None, "km", 0.5948, 0.58937, 0.00011, 0.00532, 0.55557, 0.55014, 0.00011, 0.00532],
            [None, None, "miles", 0.95723, 0.9485, 0.00018, 0.00855],
            [None, "Rigid (>7.5 tonnes-17 tonnes)", "km", 0.7263, 0.71968, 0.00013, 0.00648],
            [],
            ["FAQs"],
            ["Why is 0.1 a number in a question?", None, None, 0.1],
            [],
            ["Activity", "Type", "Size", "Unit", *GASES],  # row 18: a block with one level more
            ["Cargo ship", "Bulk carrier", "200,000+ dwt", "tonne.km", 0.00253, 0.0025, 1.12e-06, 3e-05],
            [None, None, SIZE, "tonne.km", 0.00304, 0.003, 1.12e-06, 4e-05],
        ],
    ),
    "Outside of scopes": (
        "Outside of Scopes",
        [[], ["Activity", "Type", "Unit", "kg CO2e of CO2 per unit"], ["Biomass", "Wood logs", "tonnes", 1436.23]],
    ),
    "SECR kWh pass & delivery vehs": (
        "Scope 1",
        [
            [None, None, None, "Diesel"],
            ["Activity", "Type", "Unit", "kWh (Net CV)"],
            ["Cars (by size)", "Small car", "km", 0.55011],
        ],
    ),
}


def full_set(path: Path, sheets: dict[str, tuple[str, list[Sequence[object]]]] = SHEETS, year: int = 2026) -> Path:
    """A workbook in the full set's layout: an index without a scope, then a sheet per category."""
    book = Workbook()
    index = book.active
    assert index is not None
    index.title = "Index"
    index.append(["Activity", "Unit", "kg CO2e"])  # no Scope: line, so not a factor sheet
    index.append(["Fuels", "tonnes", 1])
    for name, (scope, rows) in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(["UK Government GHG Conversion Factors for Company Reporting"])
        sheet.append([name])
        sheet.append(["Emissions source:", name, "Next publication date: ", "June 2027", "Factor set:", "Full set"])
        sheet.append(["Scope:", scope, "Version:", 1, "Year:", year])
        sheet.append([])
        sheet.append(["Guidance"])
        sheet.append([])
        for row in rows:
            sheet.append(list(row))
    book.save(path)
    return path


def test_each_value_is_the_row_the_flat_file_would_have(tmp_path: Path) -> None:
    """Levels repeat down merged cells and reset below a new one; labels span their columns; cells name the rows."""
    year, rows = read_full_set(full_set(tmp_path / "full.xlsx").read_bytes(), "full.xlsx")
    assert year == 2026
    by_id = {row.id: row for row in rows}
    d10 = by_id["'Freighting goods'!D10"]
    assert (d10.levels, d10.column_text, d10.uom, d10.ghg, d10.value, d10.scope) == (
        ("Freighting goods", REFRIGERATED, "Rigid (>3.5 - 7.5 tonnes)"),
        "Average laden",
        "tonne.km",
        "kg CO2e",
        0.64319,
        "Scope 3",
    )
    assert by_id["'Freighting goods'!E10"].activity == "'Freighting goods'!D10"  # the CO2 part of that total
    assert by_id["'Freighting goods'!H11"].column_text == "50% Laden"
    assert by_id["'Freighting goods'!K11"].activity == "'Freighting goods'!H11"
    assert by_id["'Freighting goods'!D13"].levels == ("Freighting goods", REFRIGERATED, "Rigid (>7.5 tonnes-17 tonnes)")
    assert by_id["'Freighting goods'!E20"].levels == ("Freighting goods", "Cargo ship", "Bulk carrier", SIZE)
    assert "'Freighting goods'!D16" not in by_id  # the number in the FAQ is no factor
    assert not any(row.id.startswith("'Index'") for row in rows)


def test_factors_from_the_full_set(tmp_path: Path) -> None:
    """The same rules as the flat file: per mile and energy content skipped; ids from the cells."""
    report = import_desnz_full_set(full_set(tmp_path / "ghg-conversion-factors-2026-full-set.xlsx"))
    factors = {f.id: f for f in report.factors}
    assert sorted(factors) == [
        "freighting-goods-d10",
        "freighting-goods-d11",
        "freighting-goods-d13",
        "freighting-goods-e19",
        "freighting-goods-e20",
        "freighting-goods-h11",
        "outside-of-scopes-d10",
    ]
    lorry = factors["freighting-goods-h11"]
    assert lorry.name == f"Freighting goods: {REFRIGERATED}, Rigid (>3.5 - 7.5 tonnes), 50% Laden, per km"
    assert lorry.name_zh.startswith("货物运输：公路运输：冷藏重型货车（全部柴油）")
    assert (lorry.co2e, lorry.year, lorry.factor_set) == (0.55557, 2026, "uk-desnz-2026")
    assert "CO2 0.55014, CH4 0.00011, N2O 0.00532" in lorry.notes
    assert lorry.source.endswith("conversion factors 2026. Full set, cell 'Freighting goods'!H11.")
    skipped = dict(report.skipped)
    assert skipped["'Freighting goods'!D12"].startswith("per mile: the same factor as 'Freighting goods'!D11")
    assert skipped["'SECR kWh pass & delivery vehs'!D10"].startswith("energy content")
    assert factors["outside-of-scopes-d10"].co2e_origin == "biogenic"


def test_sheets_that_disagree_on_the_year_are_refused(tmp_path: Path) -> None:
    """A workbook mixing years is not one factor set."""
    path = full_set(tmp_path / "mixed.xlsx", {"Freighting goods": SHEETS["Freighting goods"]})
    book = Workbook()
    book.save(tmp_path / "empty.xlsx")
    with pytest.raises(DataFormatError, match=r"the factor sheets give the years \[\]"):
        read_full_set((tmp_path / "empty.xlsx").read_bytes(), "empty.xlsx")
    other = full_set(tmp_path / "2025.xlsx", {"Outside of scopes": SHEETS["Outside of scopes"]}, year=2025)
    mixed = load_workbook(path)
    old = load_workbook(other)
    target = mixed.create_sheet("Outside of scopes")
    for row in old["Outside of scopes"].iter_rows(values_only=True):
        target.append(list(row))
    mixed.save(path)
    with pytest.raises(DataFormatError, match=r"the factor sheets give the years \[2025, 2026\]"):
        read_full_set(path.read_bytes(), "mixed.xlsx")
