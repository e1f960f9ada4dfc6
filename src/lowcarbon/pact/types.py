"""The basic value types of PACT's data model: decimal strings with their sign rules, URNs, UUIDs and date-times.

PACT Technical Specifications v3.0.3, §Data Model > Basic Types and the OpenAPI schema's ``components/schemas``
(``Decimal``, ``PositiveNonZeroDecimal``, ``PositiveOrZeroDecimal``, ``NegativeOrZeroDecimal``, ``Urn``): numbers
that need not be integers travel as strings (``"12.5"``), never as JSON numbers, so that no figure loses digits on its
way through a JSON parser; the schema's pattern ``^[+-]?\\d+(\\.\\d+)?$`` has no exponent and no spaces. Each type
is a ``str`` for pydantic that keeps the text exactly as written; ``decimal_value`` reads it as a ``Decimal`` and
``decimal_text`` writes a float in the same form.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, TypeVar

from pydantic import AfterValidator, StringConstraints

__all__ = [
    "DateTime",
    "DecimalText",
    "Dqr",
    "NegativeOrZero",
    "NonEmptyString",
    "Percent",
    "PfId",
    "PositiveNonZero",
    "PositiveOrZero",
    "Urn",
    "date_time_text",
    "decimal_text",
    "decimal_value",
    "is_urn",
    "new_pf_id",
    "parse_date_time",
    "unique",
]

_DECIMAL = re.compile(r"[+-]?\d+(\.\d+)?")
# RFC 8141 §2: "urn:" NID ":" NSS; the NID is 2 to 32 letters, digits and hyphens, starting and ending with a letter
# or digit. The schema itself checks only the "urn:" prefix; the NID rule is the RFC's, which the schema cites.
_URN = re.compile(r"urn:[A-Za-z0-9][A-Za-z0-9-]{0,30}[A-Za-z0-9]:\S+", re.IGNORECASE)
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
# RFC 3339 §5.6 date-time (the schema's ``format: date-time``): a date, "T", a time, and an offset or "Z"
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")


def decimal_value(text: str) -> Decimal:
    """The value of a decimal string that passed validation."""
    return Decimal(text)


def decimal_text(value: float | Decimal) -> str:
    """``value`` as a PACT decimal string: the shortest text that reads back as the same float, no exponent."""
    number = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    if not number.is_finite():
        raise ValueError(f"{value} is not a finite number, which a PACT decimal must be")
    text = format(number.normalize(), "f")
    return "0" if Decimal(text) == 0 else text


def _decimal(check: Callable[[Decimal], bool] | None, rule: str) -> Callable[[str], str]:
    def validate(text: str) -> str:
        if not _DECIMAL.fullmatch(text):
            raise ValueError(f'{text!r} is not a decimal string such as "12.5" or "-0.3" (no exponent, no spaces)')
        if check is not None and not check(Decimal(text)):
            raise ValueError(f"{text} must be {rule}")
        return text

    return validate


DecimalText = Annotated[str, AfterValidator(_decimal(None, ""))]
PositiveNonZero = Annotated[str, AfterValidator(_decimal(lambda v: v > 0, "greater than 0"))]
PositiveOrZero = Annotated[str, AfterValidator(_decimal(lambda v: v >= 0 and not v.is_signed(), "0 or more"))]
NegativeOrZero = Annotated[str, AfterValidator(_decimal(lambda v: v <= 0, "0 or less"))]
# primaryDataShare and exemptedEmissionsPercent are percentages: v3's schema gives them as plain Decimals (v3 lifted
# v2.x's 5 % ceiling on exempted emissions); a share of a whole stays within 0 and 100.
Percent = Annotated[str, AfterValidator(_decimal(lambda v: 0 <= v <= 100, "a percentage from 0 to 100"))]
# DataQualityIndicators: "The value MUST be between 1 and 5 inclusive."
Dqr = Annotated[str, AfterValidator(_decimal(lambda v: 1 <= v <= 5, "a rating from 1 to 5"))]
NonEmptyString = Annotated[str, StringConstraints(min_length=1)]


def is_urn(text: str) -> bool:
    """Whether ``text`` is a URN (RFC 8141's syntax)."""
    return _URN.fullmatch(text) is not None


def _urn(text: str) -> str:
    if not _URN.fullmatch(text):
        raise ValueError(f"{text!r} is not a URN (RFC 8141) such as urn:gtin:4012345000016")
    return text


def _pf_id(text: str) -> str:
    if not _UUID.fullmatch(text):
        raise ValueError(f"{text!r} is not a UUID such as 3893bb5d-da16-4dc1-9185-11d97476c254")
    return text


def parse_date_time(text: str) -> datetime:
    """An RFC 3339 date-time with its offset, in UTC; ValueError for anything else."""
    if not _DATE_TIME.fullmatch(text):
        raise ValueError(f"{text!r} is not a date-time with offset such as 2025-04-23T18:25:43Z (RFC 3339)")
    value = datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
    return value.astimezone(UTC)


def _date_time(text: str) -> str:
    parse_date_time(text)
    return text


def date_time_text(value: datetime) -> str:
    """A UTC date-time as PACT writes it: ``2025-04-23T18:25:43Z`` (whole seconds)."""
    return value.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


Urn = Annotated[str, AfterValidator(_urn)]
PfId = Annotated[str, AfterValidator(_pf_id)]
DateTime = Annotated[str, AfterValidator(_date_time)]

T = TypeVar("T")


def unique(values: Sequence[T], what: str, *, fold: bool = False) -> Sequence[T]:
    """``values`` when no item repeats (the schema's ``uniqueItems``); ValueError naming the repeats otherwise."""
    seen: list[object] = []
    repeated: list[str] = []
    for value in values:
        key = value.lower() if fold and isinstance(value, str) else value
        if key in seen:
            repeated.append(str(value))
        seen.append(key)
    if repeated:
        raise ValueError(f"{what} must not repeat a value; repeated: {', '.join(repeated)}")
    return values


def new_pf_id() -> str:
    """A new random product footprint id (UUID version 4)."""
    return str(uuid.uuid4())
