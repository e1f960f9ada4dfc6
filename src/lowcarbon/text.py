"""Text as lowcarbon takes it from outside: no NUL and no other control character, in one reusable type.

    SingleLine   names, ids: no C0 control character (U+0000 to U+001F) and no DEL (U+007F)
    MultiLine    a file's text, a description: the same, but tab, line feed and carriage return are allowed
    Email        an email address: as SingleLine, stated in the JSON schema as ``format: email`` (which has no
                 control characters) rather than a pattern, as a format and a pattern together are hard to generate

Both are ``str`` to pydantic models and FastAPI parameters, with the rule stated in their JSON schema as a
``pattern``; give lengths with ``Field`` as the default (``name: SingleLine = Field(max_length=200)``), so that they
are checked first, with pydantic's own message. A value that breaks the rule is a 422 ``validation_error`` whose
detail names the field and the first character refused, never the value: ``body.name: must not contain control
characters; found U+0000 at character 2``. PostgreSQL refuses NUL in text while SQLite stores it, so refusing here
makes both databases answer alike. Text read by hand (HTML forms, services) is checked with ``check_text``, which
raises ``ControlCharacters`` (an ``InvalidInput`` answered 422 with the same detail).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from lowcarbon.errors import InvalidInput

__all__ = [
    "MULTI_LINE_PATTERN",
    "SINGLE_LINE_PATTERN",
    "ControlCharacters",
    "Email",
    "MultiLine",
    "NoControls",
    "SingleLine",
    "check_text",
    "control_problem",
]

SINGLE_LINE_PATTERN = r"^[^\x00-\x1f\x7f]*$"
MULTI_LINE_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"  # tab (09), line feed (0a), carriage return (0d) pass
_REFUSED = {
    False: re.compile(r"[\x00-\x1f\x7f]"),
    True: re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"),
}
_TYPE = "control_character"


class ControlCharacters(InvalidInput):
    """A text field holds a control character; ``details`` names the field and the first character refused."""

    code = "validation_error"  # as pydantic's refusal of the same field over the API
    status = 422


def control_problem(text: str, *, multiline: bool = False) -> str | None:
    """What is wrong with ``text``, ``must not contain control characters; found U+0000 at character 2``, or None
    when it has no control character (tab, line feed and carriage return are allowed when ``multiline``)."""
    found = _REFUSED[multiline].search(text)
    if found is None:
        return None
    return f"must not contain control characters; found U+{ord(found.group()):04X} at character {found.start() + 1}"


def check_text(text: str, field: str, *, multiline: bool = False) -> str:
    """``text`` when it has no control character; ControlCharacters naming ``field`` otherwise."""
    problem = control_problem(text, multiline=multiline)
    if problem is None:
        return text
    detail = {"location": [field], "message": problem, "type": _TYPE}
    raise ControlCharacters(f"{field}: {problem}", details=[detail])


@dataclass(frozen=True)
class NoControls:
    """The rule as pydantic metadata: ``Annotated[str, NoControls()]``; ``multiline`` allows tab, LF and CR; a
    ``format`` that has no control characters itself is stated instead of the pattern."""

    multiline: bool = False
    format: str | None = None

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_after_validator_function(self._validate, handler(source))

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        json_schema = handler(schema)
        if self.format is not None:
            json_schema["format"] = self.format
        else:
            json_schema["pattern"] = MULTI_LINE_PATTERN if self.multiline else SINGLE_LINE_PATTERN
        return json_schema

    def _validate(self, text: str) -> str:
        problem = control_problem(text, multiline=self.multiline)
        if problem is not None:
            raise PydanticCustomError(_TYPE, problem)
        return text


SingleLine = Annotated[str, NoControls()]
MultiLine = Annotated[str, NoControls(multiline=True)]
Email = Annotated[str, NoControls(format="email")]
