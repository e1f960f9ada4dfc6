"""The factor template (CSV and Excel): what it reads, and every problem reported at once with row and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from lowcarbon.errors import DataFormatError
from lowcarbon.factors import Emission, read_factor_file
from lowcarbon.factors.table_format import parse_csv, read_factor_bytes

HEADER = "id,name,name_zh,unit,geography,year,kg_CO2,kg_CH4-fossil,kg_N2O,origin,source,unverified,dqr_temporal,"
GOOD = (
    HEADER
    + """uncertainty,lower,upper
boiler-gas,Natural gas boiler,天然气锅炉,MJ,CN,2023,0.0561,0.000001,1e-7,,Test source,false,2,lognormal,0.05,0.06
wood,Wood chips burned,木屑燃烧,kg,CN,2022,1.6,,,biogenic,Test source,yes,,,,
"""
)


def test_reads_gases_origin_quality_and_uncertainty() -> None:
    """Gas columns become emissions with the row's origin; ratings, range and flags are kept."""
    gas, wood = parse_csv(GOOD, "good.csv", "mine")
    assert gas.key == "mine/boiler-gas"
    assert gas.emissions == (
        Emission("CO2", 0.0561, "fossil"),
        Emission("CH4-fossil", 0.000001, "fossil"),
        Emission("N2O", 1e-7, "fossil"),
    )
    assert gas.name_zh == "天然气锅炉"
    assert gas.year == 2023
    assert gas.data_quality.ratings() == {"temporal": 2.0}
    assert (gas.uncertainty.distribution, gas.uncertainty.lower, gas.uncertainty.upper) == ("lognormal", 0.05, 0.06)
    assert wood.emissions == (Emission("CO2", 1.6, "biogenic"),)
    assert wood.unverified and not gas.unverified


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    """Bad unit, number, origin, rating, year, missing value, duplicate id: all in one error, each placed."""
    text = """id,name,unit,geography,source,kg_CO2,origin,dqr_reliability,year,colour
a,A,furlongz,CN,s,1,,,,
b,B,kg,CN,s,abc,,,,
c,C,kg,CN,s,1,volcanic,,,
d,D,kg,CN,s,1,,7,,
e,E,kg,CN,s,1,,,20x3,
f,F,kg,CN,s,,,,,
"""
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFormatError) as info:
        read_factor_file(path)
    message = str(info.value)
    assert "bad.csv, row 1, column colour: unknown column" in message
    # the unknown column stops the file before rows are read; fix it and the row problems show together
    path.write_text(text.replace(",colour", "").replace(",,,,\n", ",,,\n"), encoding="utf-8")
    with pytest.raises(DataFormatError) as info:
        read_factor_file(path)
    message = str(info.value)
    assert "6 problems" in message
    assert "row 2, column unit: unit 'furlongz' is not known" in message
    assert "row 3, column kg_CO2: 'abc' is not a number" in message
    assert "row 4, column origin: 'volcanic' is not one of fossil, biogenic, land_use_change" in message
    assert "row 5, column dqr_reliability: 7.0 is outside the PACT range 1 to 5" in message
    assert "row 6, column year: '20x3' is not a year" in message
    assert "row 7: no value: give kg_<gas> columns (e.g. kg_CO2) or co2e" in message


def test_missing_required_columns_and_duplicates() -> None:
    """Missing required columns are named; a repeated id points at its first row."""
    with pytest.raises(DataFormatError, match="column source: required column is missing"):
        parse_csv("id,name,unit,geography,kg_CO2\na,A,kg,CN,1\n", "x.csv", "x")
    with pytest.raises(DataFormatError, match="row 3, column id: id 'a' is already used in row 2"):
        parse_csv("id,name,unit,geography,source,kg_CO2\na,A,kg,CN,s,1\na,B,kg,CN,s,2\n", "x.csv", "x")
    with pytest.raises(DataFormatError, match="the file is empty"):
        parse_csv("", "x.csv", "x")


def test_excel_template(tmp_path: Path) -> None:
    """The same columns in an Excel workbook's "factors" sheet read the same factors."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "notes"
    sheet = workbook.create_sheet("factors")
    for line in GOOD.strip().splitlines():
        sheet.append(line.split(","))
    workbook.save(tmp_path / "factors.xlsx")
    from_excel = read_factor_file(tmp_path / "factors.xlsx", "mine")
    assert from_excel == parse_csv(GOOD, "good.csv", "mine")


def test_unreadable_files(tmp_path: Path) -> None:
    """A missing file, a non-UTF-8 CSV and a broken workbook each get a clear error."""
    with pytest.raises(DataFormatError, match="no such file"):
        read_factor_file(tmp_path / "none.csv")
    (tmp_path / "latin.csv").write_bytes("id,name\n\xe9\n".encode("latin-1"))
    with pytest.raises(DataFormatError, match="neither UTF-8 nor GB18030"):
        read_factor_file(tmp_path / "latin.csv")
    (tmp_path / "broken.xlsx").write_bytes(b"not a workbook")
    with pytest.raises(DataFormatError, match="not a readable Excel workbook"):
        read_factor_file(tmp_path / "broken.xlsx")


def test_decimal_commas_and_methane_origin() -> None:
    """0,5306 is refused (it is no 5,306); 1,234.5 is a thousands group; fossil methane needs fossil origin."""
    header = "id,name,unit,geography,source,kg_CO2,kg_CH4-fossil,origin\n"
    with pytest.raises(DataFormatError, match="'0,5306': write numbers with a decimal point"):
        parse_csv(header + 'a,A,kWh,CN,s,"0,5306",,\n', "x.csv", "x")
    (factor,) = parse_csv(header + 'a,A,kWh,CN,s,"1,234.5",,\n', "x.csv", "x")
    assert factor.emissions[0].amount == 1234.5
    with pytest.raises(DataFormatError, match="CH4-fossil does not fit origin biogenic"):
        parse_csv(header + "a,A,kg,CN,s,,0.1,biogenic\n", "x.csv", "x")


def test_files_people_have_gbk_semicolons_and_chinese_headers() -> None:
    """Excel in Chinese saves CSV as GBK (GB18030 reads it), some locales separate cells by semicolons, and a
    header may name columns in Chinese or in both languages."""
    text = "编号;名称（name）;中文名称;单位;地理范围;kg_CO2;来源\nsteel;Steel;钢;kg;CN;1,900.5;测试\n"
    (factor,) = read_factor_bytes(text.encode("gbk"), "gbk.csv", "s")
    assert (factor.id, factor.name_zh, factor.unit) == ("steel", "钢", "kg")
    assert factor.emissions[0].amount == 1900.5
    tabs = "id\tname\tunit\tgeography\tkg_CO2\tsource\nx\tX\tkg\tCN\t2\ts\n"
    assert read_factor_bytes(tabs.encode(), "tabs.csv", "s")[0].emissions[0].amount == 2


def test_header_and_row_problems_are_told_at_once_with_did_you_mean() -> None:
    text = "id,nmae,unit,geography,kg_CO2,source\nx,X,kg,CN,abc,s\ny,Y,parsec-fortnights,CN,1,s\n"
    with pytest.raises(DataFormatError) as error:
        parse_csv(text, "f.csv", "s")
    message = str(error.value)
    assert "f.csv, row 1, column nmae: unknown column; did you mean 'name'?" in message
    assert "f.csv, row 1, column name: required column is missing (in Chinese: 名称)" in message
    assert "f.csv, row 2, column kg_CO2: 'abc' is not a number" in message
    assert "row 3, column unit" in message
    assert "row 2, column name: is empty" not in message  # a missing column is told once, in the header


def test_the_templates_read_back_in_both_formats(tmp_path: Path) -> None:
    """`lowcarbon factors template` writes a CSV and a workbook whose bilingual headers and example row read back;
    the workbook has an instructions sheet and drop-down lists; nothing is overwritten."""
    from openpyxl import load_workbook

    from lowcarbon.factors.template import write_templates

    csv_path, xlsx_path = write_templates(tmp_path)
    for path in (csv_path, xlsx_path):
        (factor,) = read_factor_file(path)
        assert (factor.id, factor.unit, factor.emissions[0].amount) == ("example-1", "kg", 1.0)
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel in Chinese opens UTF-8 with its mark
    book = load_workbook(xlsx_path)
    assert book.sheetnames == ["factors", "说明 instructions"]
    listed = {str(rule.sqref).split(":")[0] for rule in book["factors"].data_validations.dataValidation}
    names = [str(cell.value) for cell in book["factors"][1]]
    chosen = {names[book["factors"][cell].column - 1] for cell in listed}
    assert chosen == {"单位（unit）", "碳来源（origin）", "未核实（unverified）", "不确定性分布（uncertainty）"}
    with pytest.raises(DataFormatError, match="already exists"):
        write_templates(tmp_path)
