"""Bad and hostile models as the footprint reads them: at most a hundred problems listed with their count, control
characters refused with their place, the bounded reader's limits as 413 or 400 rather than a list of problems."""

from __future__ import annotations

import base64
import json

import pytest

from lowcarbon.errors import MAX_PROBLEMS, DataFormatError, LimitExceeded
from lowcarbon.factors.table_format import parse_csv
from lowcarbon.footprint.bundle import ModelBundle
from lowcarbon.footprint.compute import prepare
from lowcarbon.footprint.stored import validate
from support.hostile import ROW, limits, workbook_with_sheet


def _model(activities: list[dict[str, object]], name: str = "Widget") -> str:
    stage = {"name": "production", "activities": activities}
    return json.dumps(
        {
            "product": {"name": name},
            "declared_unit": {"amount": 1, "unit": "kg"},
            "boundary": "cradle-to-gate",
            "stages": [stage],
        }
    )


BAD = [{"name": f"a{n}", "amount": -1, "unit": "kg", "factor": "x/y"} for n in range(250)]


def test_an_error_lists_the_first_hundred_problems_and_counts_them_all() -> None:
    with pytest.raises(DataFormatError) as error:
        prepare(ModelBundle(_model(BAD).encode(), "json"))
    assert error.value.count == 250
    assert len(error.value.problems) == MAX_PROBLEMS
    lines = str(error.value).splitlines()
    assert lines[0] == "250 problems in the model, the first 100:"
    assert len(lines) == 1 + MAX_PROBLEMS


def test_validation_details_end_with_how_many_more_there_were() -> None:
    prepared, details = validate(_model(BAD), "json")
    assert prepared is None
    assert len(details) == MAX_PROBLEMS + 1
    assert details[-1]["type"] == "more_problems"
    assert details[-1]["count"] == 150
    assert "150 more problems are not listed" in details[-1]["message"]


def test_a_factor_table_counts_every_bad_row() -> None:
    rows = "\n".join(f"f{n},steel,kg,CN,src,not-a-number" for n in range(300))
    with pytest.raises(DataFormatError) as error:
        parse_csv("id,name,unit,geography,source,co2e\n" + rows, "f.csv", "f")
    assert error.value.count == 300  # one problem a row, each counted though a hundred are listed
    assert len(error.value.problems) == MAX_PROBLEMS


@pytest.mark.parametrize("character", ["\u0000", "\u0007", "\u001b", "\u007f"])
def test_control_characters_in_a_model_are_refused_with_their_place(character: str) -> None:
    with pytest.raises(DataFormatError) as error:
        prepare(ModelBundle(_model([BAD[0] | {"amount": 1}], f"x{character}y").encode(), "json"))
    (problem,) = error.value.problems
    assert problem.place == "product.name"
    assert f"U+{ord(character):04X}" in problem.message


def test_tab_and_newline_are_text() -> None:
    _, details = validate(_model([BAD[0] | {"amount": 1}], "a\tb\nc"), "json")
    assert all("control character" not in detail["message"] for detail in details)


def test_a_limit_is_not_a_problem_of_the_model_but_an_error_of_its_own() -> None:
    workbook = workbook_with_sheet(lambda: [ROW] * 10, ("product", "bom"), 2)
    text = base64.b64encode(workbook).decode()
    with limits(max_model_rows=5), pytest.raises(LimitExceeded) as error:
        validate(text, "xlsx")
    assert error.value.code == "max_model_rows_exceeded"
    assert error.value.status == 400
    with pytest.raises(LimitExceeded) as error:
        validate("[" * 70, "json")
    assert error.value.code == "max_nesting_depth_exceeded"
