"""The product model as the guided editor's form data, and back, without loss.

The form data is a flat, ordered list of fields, each ``(place, text)``: the place is the model's own place of the
value, as the checker names it in its problems (``product.name``, ``declared_unit.amount``,
``stages[1].activities[0].factor``, ``processes[0].outputs[1].mass_kg``, ``omitted_stages["use"]``), and the
text what the field shows. So a problem of the model lands on its field, and every value a model can hold (its
parameters, scenarios, uncertainties and data-quality ratings too, which the editor keeps as they are) has a field.

``form_of`` writes a model's fields; ``model_data`` reads fields back into the model's data, the numbers and flags as
numbers and flags where the model has them (an amount that is no number is a formula); ``model_yaml`` is that data
as YAML text, which is how the editor's model is stored. ``parse_model(model_data(form_of(m)))`` equals ``m``. A
model that cannot be read yet (while it is written) goes to fields with ``form_of_data`` from its parsed YAML or JSON.

Fields come from outside: ``model_data`` takes at most ``MAX_FIELDS`` of them, places of at most ``MAX_PLACE_CHARS``
characters and ``MAX_DEPTH`` parts, and says which field is wrong (InvalidInput, code ``invalid_form``).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

import yaml

from lowcarbon.errors import InvalidInput
from lowcarbon.footprint.model import ProductModel

__all__ = [
    "MAX_DEPTH",
    "MAX_FIELDS",
    "MAX_PLACE_CHARS",
    "MAX_TEXT_CHARS",
    "Field",
    "InvalidForm",
    "form_of",
    "form_of_data",
    "model_data",
    "model_yaml",
    "place_of",
]

Field = tuple[str, str]  # (place, text)
MAX_FIELDS = 50_000  # a model of a few thousand lines, each with its dozen fields
MAX_PLACE_CHARS = 300
MAX_TEXT_CHARS = 20_000
MAX_DEPTH = 8  # parts of a place: scenarios[0].lines[1].amount has 5, an uncertainty's pedigree score 6


class InvalidForm(InvalidInput):
    """Form data that is no model's: a place that cannot be read, a value both a list and a field, too many fields."""

    code = "invalid_form"


# The places whose text is a number (the others are text); ``*`` is any index or key.
_NUMBERS = re.compile(
    r"^(?:"
    r"declared_unit\.amount|reference_flow\.amount|fossil_carbon_content_kg_c|cut_off\.max_exempted_percent"
    r"|biogenic_carbon\.(?:content_kg_c|stored_kg_c)"
    r"|(?:stages\[\*\]\.activities|processes\[\*\]\.inputs)\[\*\]\.(?:"
    r"amount|dqr\.\w+|(?:uncertainty|factor_uncertainty)\.(?:gsd|sigma|std|minimum|maximum|basic_uncertainty))"
    r"|processes\[\*\]\.outputs\[\*\]\.(?:amount|mass_kg|energy_mj|value)"
    r"|parameters\[\*\]\.(?:value|low|high)"
    r"|scenarios\[\*\]\.parameters\[\*\]|scenarios\[\*\]\.lines\[\*\]\.amount"
    r")$"
)
_INTEGERS = re.compile(r"^(?:stages\[\*\]\.activities|processes\[\*\]\.inputs)\[\*\]\.\w+\.pedigree\.\w+$")
_FLAGS = re.compile(
    r"^(?:(?:stages\[\*\]\.activities|processes\[\*\]\.inputs)\[\*\]\.(?:avoided|aircraft|exempted)"
    r"|biogenic_carbon\.uptake)$"
)
_NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_PART = re.compile(r'\.?([A-Za-z_]\w*)|\[(\d{1,6})\]|\[("(?:[^"\\]|\\.)*")\]')
_NAME = re.compile(r"^[A-Za-z_]\w*$")


def form_of(model: ProductModel) -> list[Field]:
    """The model's fields, in the model's order: what it says, without the values it leaves at their defaults."""
    return form_of_data(model.model_dump(mode="json", exclude_defaults=True))


def form_of_data(data: Mapping[str, Any]) -> list[Field]:
    """The fields of a model's data as read from YAML or JSON, checked or not (the editor shows a model being
    written as it is); an activity's formula shows in its amount, where it is written."""
    fields: list[Field] = []
    _flatten(data, "", fields, 0)
    formulas = {place.removesuffix(".formula"): text for place, text in fields if place.endswith("].formula")}
    shown = [(p, formulas.get(p.removesuffix(".amount"), t) if p.endswith("].amount") else t) for p, t in fields]
    return [(place, text) for place, text in shown if not (place.endswith("].formula") and place[:-8] in formulas)]


def _flatten(value: Any, place: str, fields: list[Field], depth: int) -> None:
    if depth > MAX_DEPTH:
        raise InvalidForm(f"{place}: nested deeper than a model's {MAX_DEPTH} levels")
    if isinstance(value, Mapping):
        for key, item in value.items():
            name = str(key)
            _flatten(item, f"{place}.{name}" if place and _NAME.match(name) else place + _key(name), fields, depth + 1)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _flatten(item, f"{place}[{index}]", fields, depth + 1)
    elif value is not None:
        fields.append((place, _text(value)))


def _key(name: str) -> str:
    return name if _NAME.match(name) else f"[{json.dumps(name, ensure_ascii=False)}]"


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def place_of(parts: Sequence[str | int]) -> str:
    """The place of a value given as its parts (``["stages", 0, "name"]`` is ``stages[0].name``)."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text and _NAME.match(part) else _key(part))
    return text


def model_data(fields: Iterable[Sequence[Any]]) -> dict[str, Any]:
    """The model's data from its fields, in their order; a field left empty says nothing (the model's default).
    Items of a list are ordered by their index and numbered again from 0, so a row taken out leaves no gap.
    InvalidForm names the first field that cannot be read."""
    root: dict[str, Any] = {}
    for count, field in enumerate(fields, start=1):
        if count > MAX_FIELDS:
            raise InvalidForm(f"the form has more than {MAX_FIELDS:,} fields")
        if not (isinstance(field, Sequence) and len(field) == 2 and all(isinstance(x, str) for x in field)):
            raise InvalidForm(f"field {count}: a field is a pair [place, text]")
        place, text = field
        if len(place) > MAX_PLACE_CHARS or len(text) > MAX_TEXT_CHARS:
            raise InvalidForm(
                f"field {count}: a place has at most {MAX_PLACE_CHARS} characters, a text {MAX_TEXT_CHARS}"
            )
        parts = _parts(place, count)
        if not text.strip():
            continue
        _put(root, parts, _value(_shape(parts), text), place)
    data: dict[str, Any] = _lists(root)
    return data


def _parts(place: str, count: int) -> list[str | int]:
    parts: list[str | int] = []
    at = 0
    while at < len(place):
        match = _PART.match(place, at)
        if match is None or (at == 0 and match.group(0).startswith(".")):
            raise InvalidForm(f"field {count}: {place!r} is not the place of a model's value")
        name, index, quoted = match.groups()
        parts.append(int(index) if index is not None else name if name is not None else json.loads(quoted))
        at = match.end()
    if not parts or not isinstance(parts[0], str) or len(parts) > MAX_DEPTH:
        raise InvalidForm(f"field {count}: {place!r} is not the place of a model's value")
    return parts


def _shape(parts: Sequence[str | int]) -> str:
    """The place with each index and each key of a mapping of the author's written ``[*]``, to match the patterns."""
    shape = ""
    for position, part in enumerate(parts):
        keyed = position > 0 and parts[position - 1] in ("parameters", "factors") and str(parts[0]) == "scenarios"
        if isinstance(part, int) or keyed or (position > 0 and parts[position - 1] == "omitted_stages"):
            shape += "[*]"
        else:
            shape += f".{part}" if shape else str(part)
    return shape


def _value(shape: str, text: str) -> Any:
    """The text as the model's value at a place of ``shape``: a number, a whole number, a flag or a text. A text
    that is no number where a number belongs stays a text: a formula, or a mistake the checker names."""
    text = text.strip() if _NUMBERS.match(shape) or _INTEGERS.match(shape) or _FLAGS.match(shape) else text
    if _INTEGERS.match(shape) and _INTEGER.match(text):
        return int(text)
    if _NUMBERS.match(shape) and _NUMBER.match(text):
        return int(text) if _INTEGER.match(text) and "amount" not in shape else float(text)
    if _FLAGS.match(shape) and text.lower() in ("true", "false"):
        return text.lower() == "true"
    return text


def _put(root: dict[str, Any], parts: Sequence[str | int], value: Any, place: str) -> None:
    node: Any = root
    for position, part in enumerate(parts):
        last = position == len(parts) - 1
        # a list is kept as a mapping of its indices until the end, so that indices may come in any order
        child = {} if not last else value
        key: Any = ("#", part) if isinstance(part, int) else part
        if last:
            if key in node:
                raise InvalidForm(f"{place}: given twice")
            node[key] = child
            return
        existing = node.setdefault(key, child)
        if not isinstance(existing, dict):
            raise InvalidForm(f"{place}: {place_of(parts[: position + 1])} is a value, not a list or a group")
        node = existing


def _lists(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    indexed = [key for key in node if isinstance(key, tuple)]
    if indexed and len(indexed) != len(node):
        raise InvalidForm("a value is both a list and a group of fields")
    if indexed:
        return [_lists(node[key]) for key in sorted(indexed, key=lambda key: key[1])]
    return {key: _lists(value) for key, value in node.items()}


def model_yaml(data: Mapping[str, Any]) -> str:
    """The model's data as YAML text, in its order, Chinese as written."""
    return yaml.safe_dump(dict(data), allow_unicode=True, sort_keys=False, width=120)
