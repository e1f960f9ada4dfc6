"""JSON, YAML and XML from outside: nesting, numbers, aliases and entities bounded; every parser error a
DataFormatError, never a RecursionError or a ValueError of Python's own."""

from __future__ import annotations

import pytest

from lowcarbon.bounded import json_depth, parse_json, parse_xml, parse_yaml
from lowcarbon.errors import DataFormatError, LimitExceeded
from support.hostile import (
    ENTITY_BOMB,
    EXTERNAL_ENTITY,
    alias_bomb_yaml,
    deep_json,
    deep_yaml,
    limits,
    long_integer_json,
    long_integer_yaml,
)


def test_json_depth_counts_brackets_outside_strings() -> None:
    assert json_depth(b'{"a": [1, {"b": "[[[{{{"}], "c": "\\"[["}', 100) == 3
    assert json_depth(b"[]", 100) == 1
    assert json_depth(b'"just a string"', 100) == 0
    assert json_depth(b"[" * 1000, 10) == 10  # counting stops at the bound


def test_deep_json_is_refused_before_parsing() -> None:
    with pytest.raises(LimitExceeded) as error:
        parse_json(deep_json(100_000), "deep.json")
    assert error.value.code == "max_nesting_depth_exceeded"
    assert error.value.status == 400
    assert parse_json(b"[" * 64 + b"]" * 64, "ok.json") is not None


def test_long_numbers_are_refused_before_python_converts_them() -> None:
    with pytest.raises(LimitExceeded, match="a number has 5,000 characters") as error:
        parse_json(long_integer_json(), "long.json")
    assert error.value.code == "max_number_digits_exceeded"
    with limits(max_number_digits=5):
        assert parse_json(b"[12345, 1.234]", "ok.json") == [12345, 1.234]
        with pytest.raises(LimitExceeded):
            parse_json(b"[1.23456]", "float.json")


@pytest.mark.parametrize("text", [b"[NaN]", b"[Infinity]", b"[-Infinity]", b"[1e999]"])
def test_numbers_that_are_not_finite_are_refused(text: bytes) -> None:
    with pytest.raises(DataFormatError, match=r"finite|too large"):
        parse_json(text, "x.json")


def test_invalid_json_and_utf8_are_data_format_errors() -> None:
    with pytest.raises(DataFormatError, match=r"^x\.json: not valid JSON \(Expecting"):
        parse_json(b"{", "x.json")
    with pytest.raises(DataFormatError, match=r"^x\.json: cannot be read as UTF-8"):
        parse_json(b'["\xff"]', "x.json")


def test_yaml_alias_bomb_is_refused_on_the_events() -> None:
    with pytest.raises(LimitExceeded) as error:
        parse_yaml(alias_bomb_yaml().decode(), "alias.yaml")
    assert error.value.code == "max_document_nodes_exceeded"
    assert "with its aliases expanded" in str(error.value)


def test_yaml_aliases_within_the_bound_are_read() -> None:
    text = "base: &b {unit: kg, amount: 1}\nitems: [*b, *b, *b]\n"
    assert parse_yaml(text, "ok.yaml")["items"][2] == {"unit": "kg", "amount": 1}
    with limits(max_document_nodes=10), pytest.raises(LimitExceeded):  # 1 + 1+4 + 1+3*(1+4) values
        parse_yaml(text, "ok.yaml")


def test_a_recursive_alias_is_refused() -> None:
    with pytest.raises(DataFormatError, match=r"the alias \*a is inside its own anchor"):
        parse_yaml("a: &a [1, *a]\n", "loop.yaml")


def test_deep_and_long_yaml() -> None:
    with pytest.raises(DataFormatError):
        parse_yaml(deep_yaml(100_000).decode(), "deep.yaml")
    with pytest.raises(LimitExceeded, match="max_nesting_depth"):
        parse_yaml("x: " + "[" * 65 + "]" * 65, "deep.yaml")
    with pytest.raises(LimitExceeded, match=r"long\.yaml: line 4: a number has 5,000 characters"):
        parse_yaml(long_integer_yaml().decode(), "long.yaml")
    with pytest.raises(LimitExceeded, match="a number"):
        parse_yaml("x: " + ":".join(["59"] * 60), "sexagesimal.yaml")  # YAML 1.1 base 60: 60**60
    digest = "1" + "ab" * 64  # a long plain text that starts with a digit is text, not a number
    assert parse_yaml(f"x: {digest}", "text.yaml") == {"x": digest}


def test_yaml_errors_are_one_line() -> None:
    with pytest.raises(DataFormatError) as error:
        parse_yaml("a: [1, 2\nb: c", "x.yaml")
    assert "\n" not in str(error.value) and "<unicode string>" not in str(error.value)
    assert str(error.value).startswith("x.yaml: not valid YAML (")
    assert str(error.value).endswith("at line 2, column 2)")  # the place, in the file the message names


@pytest.mark.parametrize("document", [ENTITY_BOMB, EXTERNAL_ENTITY])
def test_xml_with_a_dtd_is_refused(document: bytes) -> None:
    with pytest.raises(DataFormatError, match=r"^p\.xml: has a DTD or entity") as error:
        parse_xml(document, "p.xml")
    assert error.value.problems[0].id == "xml_dtd"


def test_xml_is_parsed_and_errors_placed() -> None:
    assert parse_xml(b"<a><b>1</b></a>", "ok.xml").findtext("b") == "1"
    with pytest.raises(DataFormatError, match=r"^bad\.xml: not valid XML \(mismatched tag: line 1"):
        parse_xml(b"<a><b></a>", "bad.xml")
