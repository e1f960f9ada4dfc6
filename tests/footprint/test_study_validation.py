"""Validation of a study before anything is stored: factor-file names the file system would refuse, models whose
system cannot be built; and the job's errors, which never show the server's temporary folder."""

from __future__ import annotations

import base64
import tempfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from lowcarbon.errors import SingularTechnosphere
from lowcarbon.footprint import compute
from lowcarbon.footprint import stored as study_compute
from lowcarbon.footprint.excel import write_excel_starter
from lowcarbon.footprint.stored import compute_stored, name_problem, validate
from lowcarbon.platform.settings import Settings
from support.study_support import (
    FAILING_MODEL,
    PV_MODEL,
    TSHIRT_FACTORS,
    TSHIRT_MODEL,
    accepted,
    client_for,
    count_rows,
    create_product,
    inline,
    refusal,
    seed_organisation,
    wait_for,
)

MODEL = TSHIRT_MODEL.read_text(encoding="utf-8")
FACTORS = TSHIRT_FACTORS.read_bytes()
CLASHING = "model.yaml/f.csv"  # its folder would be the model's own file
TOO_LONG = "光" * 100 + ".csv"  # 304 bytes in UTF-8: longer than a file system's name
BAD_PROCESS = PV_MODEL.read_text(encoding="utf-8").replace("process: solar-glass", "process: no-such-process", 1)
TEMP = tempfile.gettempdir()


def _naming(name: str) -> str:
    return MODEL.replace("factor_files: [factors.csv]", f"factor_files: ['{name}']")


@pytest.mark.parametrize("name", [CLASHING, "Model.JSON/f.csv", "MODEL.xlsx", "model.csv", TOO_LONG, f"a/{TOO_LONG}"])
def test_names_the_file_system_would_refuse_are_problems(name: str) -> None:
    """A first part named like the model's own file (model.<anything>, in any case), or any part over 255 bytes."""
    problem = name_problem(name)
    assert problem is not None
    assert ("model.<format>" in problem) != ("255 bytes" in problem)


@pytest.mark.parametrize("name", ["models/f.csv", "data/model.csv", "光" * 80 + ".csv", "my model.yaml.csv"])
def test_names_near_the_limits_are_kept(name: str) -> None:
    assert name_problem(name) is None


@pytest.mark.parametrize("name", [CLASHING, TOO_LONG])
def test_such_names_are_refused_by_the_api_and_nothing_is_stored(migrated: Settings, name: str) -> None:
    """The same file in JSON or as a multipart factor_file: 400 naming the file and its problem, never a 500."""
    acme = seed_organisation(migrated, "Acme")
    with client_for(inline(migrated), acme.editor) as person:
        product_id = create_product(person)
        url = f"/api/products/{product_id}/studies"
        sent = person.post(
            url, json={"model": _naming(name), "files": [{"name": name, "content": FACTORS.decode("utf-8")}]}
        )
        uploaded = person.post(
            url, files=[("file", ("model.yaml", _naming(name).encode())), ("factor_file", (name, FACTORS))]
        )
    for response in (sent, uploaded):
        assert refusal(response) == (400, "invalid_input"), response.text
        (detail,) = response.json()["error"]["details"]
        assert detail["location"] == ["files", name]
        assert detail["message"] == name_problem(name)
    assert count_rows(migrated, "studies") == count_rows(migrated, "study_files") == count_rows(migrated, "jobs") == 0


def test_a_model_naming_such_a_file_is_refused() -> None:
    """The model's own factor_files are held to the same names; nothing is written."""
    (problem,) = validate(_naming(CLASHING), "yaml", {})[1]
    assert problem["location"] == ["model", "factor_files"] and "model.<format>" in problem["message"]


def test_a_model_whose_system_cannot_be_built_is_refused(migrated: Settings) -> None:
    """A link to a process the model does not have is found when the model is checked, as compute's build finds
    it: 400 invalid_model with its place, without the server's folder, and nothing stored."""
    acme = seed_organisation(migrated, "Acme")
    with client_for(inline(migrated), acme.editor) as person:
        product_id = create_product(person)
        response = person.post(f"/api/products/{product_id}/studies", json={"model": BAD_PROCESS})
    assert refusal(response) == (400, "invalid_model"), response.text
    (detail,) = response.json()["error"]["details"]
    assert detail["location"] == ["model", "stages[0].activities[1].process"]
    assert detail["message"].startswith("no process 'no-such-process' in this model; processes are [")
    assert TEMP not in response.text and "lowcarbon-study-" not in response.text
    assert count_rows(migrated, "studies") == count_rows(migrated, "jobs") == 0


def test_build_problems_of_factor_links_and_units_are_listed_at_once() -> None:
    """Every broken link and unit at once, each at its place in the model."""
    model = PV_MODEL.read_text(encoding="utf-8")
    model = model.replace("factor: cn-electricity-footprint/cn-footprint-national-2023", "factor: nowhere/nothing", 1)
    model = model.replace("amount: 11.7985\n        unit: kWh", "amount: 11.7985\n        unit: m3", 1)
    _, problems = validate(model, "yaml")
    assert [p["location"] for p in problems] == [
        ["model", "stages[1].activities[1].factor"],
        ["model", "processes[0].inputs[1].unit"],
    ]
    assert "no factor 'nowhere/nothing'" in problems[0]["message"] and "m3" in problems[1]["message"]


def test_a_job_failing_in_the_solve_keeps_an_error_without_the_folder(migrated: Settings) -> None:
    """A model whose processes make only each other builds, so it is accepted; the solve fails, and the study's
    error is the engine's message."""
    acme = seed_organisation(migrated, "Acme")
    with client_for(inline(migrated), acme.editor) as person:
        product_id = create_product(person)
        study = accepted(person.post(f"/api/products/{product_id}/studies", json={"model": FAILING_MODEL}))
        failed = wait_for(person, study["id"], timeout=0)
    assert failed["status"] == "failed"
    assert failed["error"].startswith("The technosphere is singular")
    assert TEMP not in failed["error"]


def test_the_job_computes_from_the_stored_bundle_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """The job reads the model and its factor files from what the study keeps, never from a temporary folder: with
    temporary folders made impossible it still computes what `lowcarbon footprint` computes on the files."""

    def no_folder(*args: object, **kwargs: object) -> Any:
        raise AssertionError("a temporary folder was made")

    monkeypatch.setattr(tempfile, "mkdtemp", no_folder)
    monkeypatch.setattr(tempfile, "TemporaryDirectory", no_folder)
    model = TSHIRT_MODEL.read_text(encoding="utf-8")
    files = {"factors.csv": TSHIRT_FACTORS.read_text(encoding="utf-8")}
    outcome = compute_stored({"model_text": model, "model_format": "yaml", "files": files})
    assert outcome["total"] == pytest.approx(compute(TSHIRT_MODEL).total, rel=1e-12)


def test_the_job_lets_errors_through_as_they_are(monkeypatch: pytest.MonkeyPatch) -> None:
    """The job's errors reach the runner unchanged, which keeps lowcarbon's messages as they are."""
    for error in (SingularTechnosphere("singular"), ZeroDivisionError("nothing")):

        def failing(bundle: object, library: object = None, *, error: BaseException = error) -> Any:
            raise error

        monkeypatch.setattr(study_compute, "compute", failing)
        with pytest.raises(type(error)) as raised:
            compute_stored({"model_text": MODEL, "model_format": "yaml"})
        assert raised.value is error


def test_a_model_that_cannot_be_read_is_one_problem_at_the_model() -> None:
    """YAML, JSON or a workbook that cannot be read: one problem at ["model"], its message without the file name."""
    for text, model_format, start in (
        ("stages: [", "yaml", "not valid YAML ("),
        ("{", "json", "not valid JSON ("),
        (base64.b64encode(b"not a workbook").decode(), "xlsx", "not a readable Excel workbook ("),
    ):
        (problem,) = validate(text, model_format)[1]
        assert problem["location"] == ["model"] and problem["message"].startswith(start), problem


def test_a_workbooks_problems_name_sheet_row_and_column_in_the_message(tmp_path: Path) -> None:
    """A workbook's problems are placed by sheet, row and column, for people: in the message, at ["model"]."""
    workbook = write_excel_starter(tmp_path / "kettle.xlsx")
    sheet = load_workbook(workbook)
    sheet["bom"]["D2"] = "kWh"  # the first line's amount is in kg of a process's product
    sheet.save(workbook)
    problems = validate(base64.b64encode(workbook.read_bytes()).decode(), "xlsx")[1]
    assert [p["location"] for p in problems] == [["model"]]
    assert problems[0]["message"].startswith("sheet bom, row 2, column unit: cannot convert kWh to kg")


def test_badly_named_files_are_listed_with_the_other_problems_of_the_files() -> None:
    """A bad name in factor_files, a named file not sent and a file sent but not named: all three at once."""
    model = MODEL.replace("factor_files: [factors.csv]", f"factor_files: ['{CLASHING}', factors.csv]")
    problems = validate(model, "yaml", {"other.csv": FACTORS.decode("utf-8")})[1]
    assert [p["location"] for p in problems] == [
        ["model", "factor_files"],
        ["files", "other.csv"],
        ["model", "factor_files"],
    ]
    assert "model.<format>" in problems[0]["message"] and "not sent with it: factors.csv;" in problems[2]["message"]
