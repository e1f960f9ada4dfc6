"""JSON, YAML and XML documents from outside, parsed within the limits, every parser error a DataFormatError.

    data = parse_json(content, "model.json")     # nesting, number length, NaN/Infinity checked
    data = parse_yaml(text, "model.yaml")        # nesting, number length, aliases expanded: all bounded
    root = parse_xml(content, "process.xml")     # no DTD, no entities (defusedxml)

JSON's nesting is measured before ``json`` parses (its decoder recurses, and a RecursionError would be a crash);
YAML's nesting and size with its aliases expanded are measured on the parser's events before anything is composed
(a "billion laughs" document expands to more values than memory holds); numbers longer than ``max_number_digits``
are refused before Python converts them (past 4,300 digits it raises a ValueError), and so are numbers that are not
finite. XML is parsed by defusedxml, which refuses entity declarations and external references.
"""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import defusedxml.ElementTree as SafeET
import yaml
from defusedxml import DefusedXmlException

from lowcarbon.bounded.limits import active, exceeded
from lowcarbon.errors import DataFormatError

__all__ = ["check_json_depth", "json_depth", "parse_json", "parse_xml", "parse_yaml"]

# what a JSON text's nesting depends on: brackets, quotes and backslashes (which escape a quote); the rest goes
_NOT_NESTING = bytes(b for b in range(256) if b not in b'[]{}"\\')
_OPENERS, _CLOSERS, _QUOTE = frozenset(b"[{"), frozenset(b"]}"), ord('"')
_YAML_NUMBERS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
_YAML_RESOLVER = yaml.resolver.Resolver()  # what the safe loaders take a plain scalar for: a number, a date, a text
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when the wheel has it: ten times faster


def json_depth(data: bytes, stop: int) -> int:
    """The deepest nesting of arrays and objects in the JSON text ``data``, counted no further than ``stop``.

    A request's body is checked before it is parsed, so the work is done at C's speed where it can be: everything
    but brackets, quotes and backslashes is deleted, then the escaped backslashes and quotes, then each pair of
    adjacent quotes (a string without brackets, or the end of one string and the start of the next: neither
    nests); only what is left, the brackets and the strings holding brackets, is walked."""
    nesting = data.translate(None, _NOT_NESTING)
    nesting = nesting.replace(b"\\\\", b"").replace(b'\\"', b"").replace(b"\\", b"").replace(b'""', b"")
    depth = deepest = 0
    in_string = False
    for token in nesting:
        if token == _QUOTE:
            in_string = not in_string
        elif in_string:
            continue
        elif token in _OPENERS:
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest >= stop:
                    break
        elif token in _CLOSERS:
            depth -= 1
    return deepest


def check_json_depth(data: bytes | str, source: str) -> None:
    """LimitExceeded when the JSON text ``data`` nests deeper than ``max_nesting_depth``."""
    limit = active().max_nesting_depth
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if json_depth(raw, limit + 1) > limit:
        raise exceeded("max_nesting_depth", source, f"the JSON nests deeper than {limit} levels")


def parse_json(data: bytes | str, source: str) -> Any:
    """The JSON document ``data``; DataFormatError for invalid JSON, LimitExceeded past a limit."""
    check_json_depth(data, source)
    try:
        return json.loads(
            data,
            parse_int=_number(source, int),
            parse_float=_number(source, float),
            parse_constant=_not_a_number(source),
        )
    except UnicodeDecodeError as exc:
        raise DataFormatError.at(source, f"cannot be read as UTF-8 text ({exc})", id="not_utf8") from None
    except json.JSONDecodeError as exc:
        raise DataFormatError.at(source, f"not valid JSON ({exc})", id="syntax") from None
    except RecursionError:  # the depth was measured; a deep call stack of the caller's own is left
        raise exceeded("max_nesting_depth", source, "the JSON nests too deep for this process") from None


def _number(source: str, kind: Callable[[str], int | float]) -> Callable[[str], int | float]:
    limit = active().max_number_digits

    def convert(text: str) -> int | float:
        if len(text) > limit:
            raise exceeded("max_number_digits", source, f"a number has {len(text):,} characters")
        value = kind(text)
        if isinstance(value, float) and not math.isfinite(value):
            raise DataFormatError.at(source, f"the number {text} is too large to be stored", id="not_finite")
        return value

    return convert


def _not_a_number(source: str) -> Callable[[str], float]:
    def refuse(text: str) -> float:
        raise DataFormatError.at(source, f"{text} is not a number JSON allows; give a finite number", id="not_finite")

    return refuse


def parse_yaml(text: str, source: str) -> Any:
    """The YAML document ``text`` (safe tags only); DataFormatError for invalid YAML, LimitExceeded past a limit."""
    try:
        _check_yaml(text, source)
        return yaml.load(text, Loader=_YAML_LOADER)
    except DataFormatError:
        raise
    except (yaml.YAMLError, ValueError, OverflowError) as exc:  # or a tagged value the constructors cannot convert
        # the parser's lines (problem, context, place) as one, without its name for the text it was given
        message = " ".join(str(exc).replace('in "<unicode string>", ', "at ").split())
        raise DataFormatError.at(source, f"not valid YAML ({message})", id="syntax") from None


def _check_yaml(text: str, source: str) -> None:
    """Walk the parser's events: the nesting, the values with aliases expanded, plain numbers' length."""
    limits = active()
    sizes: dict[str, int] = {}  # a finished anchor's node -> its values, aliases inside expanded
    opened: list[tuple[str | None, int]] = []  # the collections being read: anchor, values before it
    values = 0
    for event in yaml.parse(text, Loader=_YAML_LOADER):
        if isinstance(event, yaml.AliasEvent):
            if any(anchor == event.anchor for anchor, _ in opened):
                raise DataFormatError.at(source, f"the alias *{event.anchor} is inside its own anchor", id="cycle")
            values += sizes.get(event.anchor or "", 1)
        elif isinstance(event, yaml.ScalarEvent):
            values += 1
            if event.anchor:
                sizes[event.anchor] = 1
            plain = not event.style  # None, or "" from libyaml
            if plain and len(event.value) > limits.max_number_digits and _is_number(event.value):
                what = f"a number has {len(event.value):,} characters"
                raise exceeded("max_number_digits", source, what, place=_line(event))
        elif isinstance(event, yaml.CollectionStartEvent):
            values += 1
            opened.append((event.anchor, values - 1))
            if len(opened) > limits.max_nesting_depth:
                what = f"the YAML nests deeper than {limits.max_nesting_depth} levels"
                raise exceeded("max_nesting_depth", source, what, place=_line(event))
        elif isinstance(event, yaml.CollectionEndEvent):
            anchor, before = opened.pop()
            if anchor:
                sizes[anchor] = values - before
        if values > limits.max_document_nodes:
            what = f"the YAML has more than {limits.max_document_nodes:,} values with its aliases expanded"
            raise exceeded("max_document_nodes", source, what, place=_line(event))


def _is_number(value: str) -> bool:
    """Whether the safe loaders read the plain scalar ``value`` as an integer or a float."""
    tag = _YAML_RESOLVER.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
    return tag in _YAML_NUMBERS


def _line(event: yaml.Event) -> str:
    mark = event.start_mark
    return f"line {mark.line + 1}" if mark is not None else ""


def parse_xml(data: bytes, source: str) -> ET.Element:
    """The XML document ``data``'s root element; DataFormatError for invalid XML, a DTD or an entity."""
    try:
        root: ET.Element = SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        message = f"has a DTD or entity ({exc}), which lowcarbon does not read"
        raise DataFormatError.at(source, message, id="xml_dtd") from None
    except ET.ParseError as exc:
        raise DataFormatError.at(source, f"not valid XML ({exc})", id="syntax") from None
    return root
