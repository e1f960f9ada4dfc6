"""Input: the contract of `lowcarbon inventory compute FILE --json`, the Excel template read back, and bad input
reported with the file, the field and the fix, in English and Chinese."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook
from typer.testing import CliRunner

from lowcarbon.cli import app
from lowcarbon.errors import DataFormatError
from lowcarbon.inventory.compute import compute_inventory
from lowcarbon.inventory.excel import ACTIVITIES, ORGANISATION, SITES, template_bytes
from lowcarbon.inventory.messages import chinese, problem_lines
from lowcarbon.inventory.read import load_inventory, read_inventory
from support.inventory_support import EXAMPLE, filled_template

runner = CliRunner()


def test_the_command_line_contract() -> None:
    """`lowcarbon inventory compute FILE --json` prints total, by_category "1" to "6" and by_scope in t CO2e, and
    by_scope "1" + "2-location" + "3" equals total (run as outside checks run it)."""
    executable = shutil.which("lowcarbon", path=str(Path(sys.executable).parent)) or "lowcarbon"
    done = subprocess.run(
        [executable, "inventory", "compute", str(EXAMPLE), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert set(payload["by_category"]) == {"1", "2", "3", "4", "5", "6"}
    assert set(payload["by_scope"]) == {"1", "2-location", "2-market", "3"}
    scopes = payload["by_scope"]
    assert scopes["1"] + scopes["2-location"] + scopes["3"] == pytest.approx(payload["total"], rel=1e-12)
    assert sum(payload["by_category"].values()) == pytest.approx(payload["total"], rel=1e-12)
    assert payload["unit"] == "t CO2e" and payload["gwp"] == "IPCC AR6 GWP100"
    assert payload["base_year"]["restated"] is True


def test_the_table_and_allocation_commands(tmp_path: Path) -> None:
    """Without --json a table by category and scope; `allocate --factors` writes the factor file."""
    shown = runner.invoke(app, ["inventory", "compute", str(EXAMPLE)])
    assert shown.exit_code == 0, shown.output
    assert "By ISO 14064-1 category" in shown.output and "2-market" in shown.output
    out = tmp_path / "site-allocation.csv"
    written = runner.invoke(app, ["inventory", "allocate", str(EXAMPLE), "--factors", str(out)])
    assert written.exit_code == 0, written.output
    assert out.read_text(encoding="utf-8").splitlines()[1].startswith("plant-a-motor-small-2023,")


def test_the_excel_template_gives_the_same_inventory(tmp_path: Path) -> None:
    """The example typed into the Excel template computes to the same totals as its YAML; the template has its
    instructions sheet and drop-down lists."""
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    path = tmp_path / "inventory.xlsx"
    path.write_bytes(filled_template(data))
    from_excel = compute_inventory(*load_inventory(path))
    from_yaml = compute_inventory(*load_inventory(EXAMPLE))
    assert from_excel.totals == from_yaml.totals
    book = load_workbook(io.BytesIO(template_bytes()))
    assert book.sheetnames[0] == "说明 Instructions"
    assert book[ACTIVITIES].data_validations.dataValidation, "the kind column has a drop-down list"
    cli = runner.invoke(app, ["inventory", "compute", str(path), "--json"])
    assert cli.exit_code == 0 and json.loads(cli.output)["total"] == pytest.approx(from_yaml.total)


def test_a_bad_cell_is_named_by_sheet_row_and_column() -> None:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["activities"][2]["amount"] = "five"
    with pytest.raises(DataFormatError) as caught:
        read_inventory(filled_template(data), "inventory.xlsx")
    (problem,) = caught.value.problems
    assert problem.place == "sheet 活动数据 Activities, row 4, column amount"
    assert chinese(problem) == "inventory.xlsx：sheet 活动数据 Activities, row 4, column amount：须为数字"


def _one(**fields: Any) -> dict[str, Any]:
    """An inventory change with one record of plant A in 2023 (the fields given replace the defaults)."""
    return {
        "activities": [{"site": "plant-a", "year": 2023, "kind": "electricity", "amount": 1, "unit": "kWh", **fields}]
    }


FACTOR_3 = {"kind": "factor", "category": "3", "factor": "x/y", "unit": "kg"}
BAD = [
    pytest.param({"approach": "ownership"}, "approach", "literal_error", "取值须为", id="unknown-approach"),
    pytest.param(_one(site="plant-c"), "(top level)", "unknown_site", "记录引用的场所不在 sites 中", id="unknown-site"),
    pytest.param(_one(year=None, month="2023-13"), "activities[0]", "month_format", "YYYY-MM", id="bad-month"),
    pytest.param(_one(**FACTOR_3), "activities[0]", "scope3_needed", "须给出 scope3_category", id="no-scope3"),
    pytest.param(
        _one(**FACTOR_3, scope3_category=1), "activities[0]", "scope3_iso_mismatch", "计入另一个", id="wrong-category"
    ),
    pytest.param(
        _one(market={"instrument": "supplier", "source": "a contract"}),
        "activities[0].market",
        "supplier_factor",
        "供电商工具须给出",
        id="supplier-without-factor",
    ),
    pytest.param(
        {"organisation": {"name": "X", "colour": "green"}},
        "organisation.colour",
        "extra_forbidden",
        "未知字段",
        id="unknown-field",
    ),
]


@pytest.mark.parametrize(("change", "place", "id", "zh"), BAD)
def test_bad_input_names_the_file_the_field_and_the_fix(
    example_data: dict[str, Any], change: dict[str, Any], place: str, id: str, zh: str
) -> None:
    example_data.update(change)
    content = yaml.safe_dump(example_data, allow_unicode=True).encode()
    with pytest.raises(DataFormatError) as caught:
        read_inventory(content, "company.yaml")
    problem = next(p for p in caught.value.problems if p.id == id)
    assert (problem.source, problem.place) == ("company.yaml", place)
    assert zh in chinese(problem)
    assert chinese(problem).startswith("company.yaml：")


def test_the_command_line_prints_each_problem_in_both_languages(tmp_path: Path) -> None:
    path = tmp_path / "company.yaml"
    path.write_text("organisation: {name: X}\nreporting_year: 2023\napproach: control\nsites: []\n", encoding="utf-8")
    done = runner.invoke(app, ["inventory", "compute", str(path), "--json"])
    assert done.exit_code == 1
    assert f"error: {path}: approach: Input should be 'equity_share', 'financial_control' or" in done.output
    assert f"error: {path}：approach：取值须为" in done.output
    assert "sites：至少需要 1 项" in done.output


def test_a_file_of_another_kind_is_refused() -> None:
    with pytest.raises(DataFormatError) as caught:
        read_inventory(b"a,b\n", "inventory.csv")
    assert caught.value.problems[0].id == "format"
    lines = problem_lines(caught.value)
    assert lines[0].startswith("inventory.csv: an inventory file is YAML") and lines[1].startswith("inventory.csv：")


def test_a_missing_file_and_the_template_command(tmp_path: Path) -> None:
    """A file that is not there is named in both languages; `inventory template` writes the workbook."""
    done = runner.invoke(app, ["inventory", "compute", str(tmp_path / "nowhere.yaml")])
    assert done.exit_code == 1
    assert "nowhere.yaml: no such file" in done.output and "nowhere.yaml：文件不存在" in done.output
    written = runner.invoke(app, ["inventory", "template", str(tmp_path / "blank.xlsx")])
    assert written.exit_code == 0, written.output
    assert load_workbook(tmp_path / "blank.xlsx").sheetnames == ["说明 Instructions", ORGANISATION, SITES, ACTIVITIES]
