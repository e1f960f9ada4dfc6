"""The Excel template: the same model as YAML, with problems placed by sheet, row and column."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from lowcarbon.errors import DataFormatError
from lowcarbon.footprint import compute
from lowcarbon.footprint.excel import write_excel_starter
from lowcarbon.footprint.starter import write_starter


def test_excel_starter_equals_yaml_starter(tmp_path: Path) -> None:
    """The two starters describe the same product, so their footprints are equal line for line."""
    excel = compute(write_excel_starter(tmp_path / "Kettle.xlsx"))
    yaml_model = compute(write_starter(str(tmp_path / "Kettle")))
    assert excel.total == pytest.approx(yaml_model.total, rel=1e-12)
    assert excel.by_stage == pytest.approx(yaml_model.by_stage, rel=1e-12)
    assert [line.kg_co2e for line in excel.lines] == pytest.approx([line.kg_co2e for line in yaml_model.lines])


def test_problems_name_sheet_row_and_column(tmp_path: Path) -> None:
    """Schema and link problems point at the cell a practitioner has to fix."""
    path = write_excel_starter(tmp_path / "Broken.xlsx")
    workbook = load_workbook(path)
    workbook["bom"]["D3"] = "kg"  # row 3: electricity for assembly, in kg instead of kWh
    workbook["bom"]["C4"] = "lots"  # row 4: amount is not a number
    workbook.save(path)
    with pytest.raises(DataFormatError) as info:
        compute(path)
    assert "sheet bom, row 4, column amount: Input should be a valid number" in str(info.value)
    workbook["bom"]["C4"] = 1.0
    workbook.save(path)
    with pytest.raises(DataFormatError) as info:
        compute(path)
    assert "sheet bom, row 3, column unit: cannot convert kg to kWh" in str(info.value)


def test_missing_sheet_and_broken_file(tmp_path: Path) -> None:
    """A workbook without a bom sheet, or no workbook at all, is refused clearly."""
    path = write_excel_starter(tmp_path / "Thin.xlsx")
    workbook = load_workbook(path)
    del workbook["bom"]
    workbook.save(path)
    with pytest.raises(DataFormatError, match="needs a sheet named 'bom'"):
        compute(path)
    (tmp_path / "fake.xlsx").write_bytes(b"not a workbook")
    with pytest.raises(DataFormatError, match="not a readable Excel workbook"):
        compute(tmp_path / "fake.xlsx")
    with pytest.raises(DataFormatError, match="already exists"):
        write_excel_starter(path)


def test_excel_is_as_strict_as_yaml(tmp_path: Path) -> None:
    """Unknown product fields and rows without a stage are refused; a stage's rows may be apart."""
    path = write_excel_starter(tmp_path / "Strict.xlsx")
    workbook = load_workbook(path)
    workbook["product"].append(("boundry", "cradle-to-grave"))
    workbook["bom"].append((None, "orphan", 1.0, "kWh", "cn-grid-electricity/cn-national-2023"))
    workbook.save(path)
    with pytest.raises(DataFormatError) as info:
        compute(path)
    message = str(info.value)
    assert "sheet product, row 10, column field: unknown field 'boundry'" in message
    assert "sheet bom, row 5, column stage: empty" in message
    workbook = load_workbook(path)
    workbook["product"].delete_rows(10)
    workbook["bom"]["A5"] = "raw_material_acquisition"  # the same stage as row 2, after production rows
    workbook.save(path)
    result = compute(path)
    assert list(result.by_stage) == ["raw_material_acquisition", "production"]
    assert result.by_stage["raw_material_acquisition"] == pytest.approx(0.5306 / 1.1 + 0.5306, rel=1e-12)


def test_carbon_contents_and_omitted_stages_from_the_product_sheet(tmp_path: Path) -> None:
    """The product sheet states fossil carbon, stored biogenic carbon and why a CFP leaves stages out."""
    path = write_excel_starter(tmp_path / "Complete.xlsx")
    workbook = load_workbook(path)
    sheet = workbook["product"]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "boundary":
            row[1].value = "cradle-to-grave"
    for field, value in (
        ("functional_unit", "boiling 1.7 L of water"),
        ("fossil_carbon_content_kg_c", 0.3),
        ("biogenic_carbon_kg_c", 0.1),
        ("biogenic_stored_kg_c", 0.05),
        ("omitted_stages", "use: the kettle is not used here; end_of_life: returned to the maker"),
    ):
        sheet.append((field, value))
    workbook.save(path)
    result = compute(path)
    assert result.fossil_carbon_content == 0.3
    assert result.biogenic_carbon_content == 0.1
    assert result.kind == "CFP"
