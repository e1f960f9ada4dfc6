"""Text from outside: every C0 control character and DEL is refused, naming the field and the character; tab, line
feed and carriage return pass in multi-line text; the JSON schema's pattern says the same as the check."""

from __future__ import annotations

import re

import pytest
from pydantic import BaseModel, Field, ValidationError

from lowcarbon.errors import InvalidInput
from lowcarbon.text import (
    MULTI_LINE_PATTERN,
    SINGLE_LINE_PATTERN,
    ControlCharacters,
    Email,
    MultiLine,
    SingleLine,
    check_text,
    control_problem,
)

CONTROLS = [chr(code) for code in range(0x20)] + ["\x7f"]
LINE_BREAKS = ["\t", "\n", "\r"]


class Named(BaseModel):
    name: SingleLine = Field(max_length=5)
    notes: MultiLine = ""
    email: Email = "a@b.example"


@pytest.mark.parametrize("control", CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
def test_every_control_character_is_refused_in_a_single_line(control: str) -> None:
    problem = control_problem(f"x{control}y")
    assert problem == f"must not contain control characters; found U+{ord(control):04X} at character 2"
    assert re.fullmatch(SINGLE_LINE_PATTERN, f"x{control}y") is None


@pytest.mark.parametrize("control", CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
def test_multi_line_text_allows_tab_and_line_breaks_only(control: str) -> None:
    allowed = control in LINE_BREAKS
    assert (control_problem(f"x{control}y", multiline=True) is None) == allowed
    assert (re.fullmatch(MULTI_LINE_PATTERN, f"x{control}y") is not None) == allowed


def test_other_text_passes() -> None:
    for text in ("", "PV module 光伏组件", "a\u00a0b", "emoji 🌱", "\u0085 and \u2028 are not C0"):
        assert control_problem(text) is None and check_text(text, "name") == text
        assert re.fullmatch(SINGLE_LINE_PATTERN, text)


def test_check_text_names_the_field_as_a_422() -> None:
    with pytest.raises(ControlCharacters) as raised:
        check_text("ab\x00", "name")
    error = raised.value
    assert isinstance(error, InvalidInput) and (error.status, error.code) == (422, "validation_error")
    assert str(error) == "name: must not contain control characters; found U+0000 at character 3"
    assert error.details == [
        {"location": ["name"], "message": "must not contain control characters; found U+0000 at character 3",
         "type": "control_character"}
    ]  # fmt: skip


def test_the_pydantic_types_refuse_with_the_field_and_the_message() -> None:
    with pytest.raises(ValidationError) as raised:
        Named(name="x\x07y", notes="line\r\nline\tcell\x1b")
    assert [(e["loc"], e["type"], e["msg"]) for e in raised.value.errors()] == [
        (("name",), "control_character", "must not contain control characters; found U+0007 at character 2"),
        (("notes",), "control_character", "must not contain control characters; found U+001B at character 16"),
    ]
    assert Named(name="x y", notes="line\r\nline\tcell").notes == "line\r\nline\tcell"


def test_lengths_are_checked_first_with_pydantics_message() -> None:
    with pytest.raises(ValidationError) as raised:
        Named(name="x\x00yyyyy")
    assert [e["type"] for e in raised.value.errors()] == ["string_too_long"]


def test_the_json_schema_states_the_rule() -> None:
    properties = Named.model_json_schema()["properties"]
    assert properties["name"] == {"maxLength": 5, "pattern": SINGLE_LINE_PATTERN, "title": "Name", "type": "string"}
    assert properties["notes"]["pattern"] == MULTI_LINE_PATTERN
    assert properties["email"]["format"] == "email" and "pattern" not in properties["email"]  # the format has none
    with pytest.raises(ValidationError):
        Named(name="x", email="a\x00@b.example")
