"""The ``$filter`` of PACT v2.3's ListFootprints: the OData subset the specification allows, as a predicate.

v2.3.3 §Action ListFootprints > Filtering and the Filter request parameter: comparisons ``eq``, ``lt``, ``le``,
``gt``, ``ge`` of a quoted value with ``created``, ``updated``, ``productCategoryCpc``, ``pcf/geographyCountry``,
``pcf/referencePeriodStart``, ``pcf/referencePeriodEnd``; ``and`` between them; and ``companyIds/any(x:(x eq
'...'))``, ``productIds/any(...)``. Each clause may stand in parentheses. A host that supports filtering "CAN
refuse to process the specific filter statement if it does not support the filter statement or parts of it" with
the error NotImplemented: ``parse`` raises ``Unsupported`` for anything else (``or``, ``not``, other properties,
unquoted values). Times compare as instants (``2023-01-01T00:00:00.000Z`` equals ``2023-01-01T00:00:00Z``), the
rest as text; identifiers case-insensitively.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from lowcarbon.pact.types import parse_date_time

__all__ = ["Unsupported", "parse"]

Predicate = Callable[[dict[str, Any]], bool]
_PATHS = {
    "created": ("created",),
    "updated": ("updated",),
    "productcategorycpc": ("productCategoryCpc",),
    "pcf/geographycountry": ("pcf", "geographyCountry"),
    "pcf/referenceperiodstart": ("pcf", "referencePeriodStart"),
    "pcf/referenceperiodend": ("pcf", "referencePeriodEnd"),
}
_TIMES = {"created", "updated", "pcf/referenceperiodstart", "pcf/referenceperiodend"}
_QUOTED = r"'((?:[^']|'')*)'"
_COMPARISON = re.compile(rf"([A-Za-z/]+)\s+(eq|lt|le|gt|ge)\s+{_QUOTED}", re.IGNORECASE)
_ANY = re.compile(rf"(companyIds|productIds)/any\(\s*(\w+)\s*:\s*\(?\s*\2\s+eq\s+{_QUOTED}\s*\)?\s*\)", re.IGNORECASE)
_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: a == b,
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
}


class Unsupported(ValueError):
    """A ``$filter`` this host does not process (the specification's NotImplemented)."""


def _clauses(text: str) -> list[str]:
    """``text`` split at its top-level ``and``s (outside parentheses and quotes)."""
    parts, depth, quoted, start = [], 0, False, 0
    lowered = text.lower()
    index = 0
    while index < len(text):
        char = text[index]
        if char == "'":
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
        elif not quoted and char == ")":
            depth -= 1
        elif not quoted and depth == 0 and lowered.startswith(" and ", index):
            parts.append(text[start:index])
            start = index = index + 5
            continue
        index += 1
    if quoted or depth != 0:
        raise Unsupported("unbalanced quotes or parentheses")
    parts.append(text[start:])
    return [part.strip() for part in parts]


def _bare(clause: str) -> str:
    while clause.startswith("(") and clause.endswith(")") and not _clauses(clause[1:-1])[1:]:
        inner = clause[1:-1].strip()
        if _ANY.fullmatch(clause) or inner.count("(") != inner.count(")"):
            break
        clause = inner
    return clause


def _value(document: dict[str, Any], path: tuple[str, ...]) -> Any:
    found: Any = document
    for key in path:
        found = found.get(key) if isinstance(found, dict) else None
    return found


def _comparison(name: str, operator: str, literal: str) -> Predicate:
    key = name.lower()
    if key not in _PATHS:
        raise Unsupported(f"filtering on {name} is not supported")
    path, compare = _PATHS[key], _ORDER[operator.lower()]
    if key in _TIMES:
        try:
            wanted = parse_date_time(literal)
        except ValueError:
            raise Unsupported(f"{literal!r} is no RFC 3339 date-time") from None
        return lambda document: (
            isinstance(_value(document, path), str) and compare(parse_date_time(_value(document, path)), wanted)
        )
    return lambda document: isinstance(_value(document, path), str) and compare(_value(document, path), literal)


def _member(key: str, wanted: str) -> Predicate:
    return lambda document: wanted in {value.lower() for value in document.get(key, [])}


def parse(text: str) -> Predicate:
    """The predicate of a ``$filter`` statement; Unsupported for what this host does not process."""
    tests: list[Predicate] = []
    for clause in _clauses(text.strip()):
        clause = _bare(clause)
        if found := _ANY.fullmatch(clause):
            field, wanted = found.group(1), found.group(3).replace("''", "'").lower()
            key = "companyIds" if field.lower() == "companyids" else "productIds"
            tests.append(_member(key, wanted))
        elif found := _COMPARISON.fullmatch(clause):
            tests.append(_comparison(found.group(1), found.group(2), found.group(3).replace("''", "'")))
        else:
            raise Unsupported(f"the filter clause {clause!r} is not supported by this host")
    return lambda document: all(test(document) for test in tests)
