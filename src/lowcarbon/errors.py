"""The one exception tree of lowcarbon: every error says what went wrong and what to do about it.

    LowcarbonError                      base of everything we raise on purpose
    ├── EngineError                     a life-cycle system cannot be built or solved
    │   ├── NonsquareTechnosphere       products and activities differ in number (also ValueError)
    │   ├── SingularTechnosphere        the technosphere cannot be inverted (also ArithmeticError)
    │   ├── InaccurateSolution          a solve did not reach the required accuracy (also ArithmeticError)
    │   ├── UnknownId                   an id is not in the matrix it was looked up in (also KeyError)
    │   │   └── OutsideTechnosphere     a demand names a product the technosphere does not have
    │   └── InvalidArrays               (row, col, value) arrays that cannot form a matrix (also ValueError)
    ├── DataFormatError                 an input file is malformed (also ValueError); ``problems`` lists each one
    │   └── LimitExceeded      413/400  an input is past a limit of the bounded reader (``lowcarbon.bounded``)
    ├── UnitError                       a unit is unknown, or cannot be converted to the one needed (also ValueError)
    ├── InvalidInput               400  a value breaks a rule the message names (also ValueError); ``details``
    │   ├── (text.ControlCharacters 422  a text field holds a control character; in lowcarbon.text)
    │   ├── (InvalidEvent          400  an event does not fit its carbon-inclusive methodology; ``reason`` is a
    │   │                               code of REASONS; in lowcarbon.inclusive.reasons)
    │   └── (InvalidInventory      400  a GHG inventory or a change to it cannot be read or computed; ``details``;
    │                                   in lowcarbon.inventory.service)
    ├── NotFound                   404  a referenced record does not exist (also LookupError)
    │   └── (UnknownMethodology    404  no such behaviour or version; in lowcarbon.inclusive.reasons)
    ├── PermissionDenied           403  the caller is known but may not do this
    ├── Conflict                   409  the record would clash with one that exists (also ValueError)
    ├── PayloadTooLarge            413  a file or body is larger than the place it is sent to takes
    ├── (SignatureInvalid          400  a signed document (JWS) does not verify; ``reason`` says why (also
    │                                   ValueError); in lowcarbon.certify.signing)
    ├── (KeyUnavailable            503  a sealed signing key, or the master secret, cannot be opened (also
    │                                   RuntimeError); in lowcarbon.certify.keys)
    ├── HostError                  502  a partner's host (PACT) cannot be reached or answers what its protocol does
    │                                   not allow (also ConnectionError)
    └── DaskUnavailable            503  a Dask scheduler is configured but cannot be reached (also ConnectionError)
        └── DaskNotInstalled       503  a Dask scheduler is configured but ``distributed`` is not installed

Each class inherits from a built-in type too, so callers can catch either (as pint does). Each knows the HTTP
``status`` it is answered with (400 unless it says otherwise) and a stable ``code``: any layer raises them, and the
platform only maps them to responses (``lowcarbon.platform.http_errors``). ``details`` of an error are its problems
one by one, each ``{"location": [...], "message": ..., "type": ...}``, in the shape of the API's validation errors.

A ``Problem`` is one problem of an input as a value: the file (``source``), the place in it, a stable message id with
its parameters, the English message and the fix, so that no caller parses an error's text to find its parts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

Detail = dict[str, Any]  # {"location": [...], "message": ..., "type": ...}


@dataclass(frozen=True)
class Problem:
    """One problem of an input file: where it is, what it is (a message id and its parameters), and the fix.

    ``message`` is the whole English sentence (the fix included), as ``str(problem)`` shows it after the place.
    """

    message: str
    place: str = ""  # in the file: "stages[0].activities[1].unit", "sheet bom, row 3, column unit", "row 4"
    source: str = ""  # the file as its user names it: "model.yaml", "factors.csv"
    id: str = "invalid"  # stable, for translations and programs: "unknown_field", "missing", "unknown_factor"...
    params: Mapping[str, Any] = field(default_factory=dict)
    fix: str = ""

    def __str__(self) -> str:
        where = self.source
        if self.place:  # a row of a table follows its file with a comma, as "factors.csv, row 3, column unit"
            joint = ", " if where and self.place.startswith("row ") else ": "
            where = f"{where}{joint}{self.place}" if where else self.place
        return f"{where}: {self.message}" if where else self.message

    def located(self, place: str) -> Problem:
        """The same problem at another place (e.g. the sheet and row of an Excel model)."""
        return Problem(self.message, place, self.source, self.id, self.params, self.fix)


class LowcarbonError(Exception):
    """Base class of every error lowcarbon raises on purpose."""

    code = "error"
    status = 400
    details: list[Detail] | None = None
    context: dict[str, Any] | None = None  # facts a client acts on (a state and its legal moves), as JSON

    def __init__(self, *args: object, details: list[Detail] | None = None, reason: str | None = None) -> None:
        super().__init__(*args)
        if details is not None:
            self.details = details
        self._reason = reason

    @property
    def reason(self) -> str:
        """What is wrong without the place the message starts with (given where a raiser prefixes one)."""
        return self._reason if self._reason is not None else str(self)


class EngineError(LowcarbonError):
    """A life-cycle system cannot be built or solved."""

    code = "engine_error"


class NonsquareTechnosphere(EngineError, ValueError):
    """The technosphere has a different number of products (rows) and activities (columns)."""

    code = "nonsquare_technosphere"


class SingularTechnosphere(EngineError, ArithmeticError):
    """The technosphere matrix is singular, so no unique supply exists for a demand."""

    code = "singular_technosphere"


class InaccurateSolution(EngineError, ArithmeticError):
    """A solve finished, but its verified residual is above the tolerance."""

    code = "inaccurate_solution"


class UnknownId(EngineError, KeyError):
    """An id is not among the ids of the matrix axis it was looked up in."""

    code = "unknown_id"

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class OutsideTechnosphere(UnknownId):
    """A demand names a product that is not a row of the technosphere."""

    code = "outside_technosphere"


class InvalidArrays(EngineError, ValueError):
    """Row, column and value arrays that cannot form a matrix."""

    code = "invalid_arrays"


MAX_PROBLEMS = 100  # problems an error lists; ``count`` tells how many there were


class DataFormatError(LowcarbonError, ValueError):
    """An input file is malformed; the message names the file, the field and the fix.

    ``problems`` holds the problems as values, the first ``MAX_PROBLEMS`` of them, and ``count`` how many there
    were, so that a bad file never makes a large answer. Raised with problems only, the message is made from them:
    the one problem's line, or a count line (``3 problems in the model:``, ``250 problems in the model, the first
    100:``) and a line each. Raised with a message only, it is one problem without a place.
    """

    code = "data_format_error"

    def __init__(
        self, message: str = "", *, problems: Iterable[Problem] = (), what: str = "file", count: int = 0
    ) -> None:
        """``count``: how many problems there were, when ``problems`` are only the first of them."""
        listed: list[Problem] = []
        seen = 0
        for problem in problems:  # counted to the end, kept to the first MAX_PROBLEMS
            seen += 1
            if seen <= MAX_PROBLEMS:
                listed.append(problem)
        count = max(count, seen)
        if not message:
            lines = "\n".join(map(str, listed))
            shown = f", the first {MAX_PROBLEMS}" if count > MAX_PROBLEMS else ""
            message = lines if count == 1 else f"{count} problems in the {what}{shown}:\n{lines}"
        super().__init__(message)
        self.problems: tuple[Problem, ...] = tuple(listed) or (Problem(message),)
        self.count = max(count, 1)

    @classmethod
    def at(cls, source: str, message: str, *, place: str = "", id: str = "invalid") -> DataFormatError:
        """The error of one problem of the file ``source``: ``source: message`` (with the place between)."""
        return cls(problems=[Problem(message, place, source, id)])


class LimitExceeded(DataFormatError):
    """An input is past a limit of the bounded reader: 413 for a size (of a file, unpacked, a ratio), 400 for a
    count or a depth (rows, nesting, digits); its code names the limit (``max_rows_exceeded``)."""

    def __init__(self, limit: str, source: str, message: str, *, place: str = "", status: int = 413) -> None:
        super().__init__(problems=[Problem(message, place, source, f"{limit}_exceeded", {"limit": limit})])
        self.limit = limit
        self.code = f"{limit}_exceeded"
        self.status = status


class UnitError(LowcarbonError, ValueError):
    """A unit is unknown, or has another dimension than the one needed; the message names the place."""

    code = "unit_error"


class InvalidInput(LowcarbonError, ValueError):
    """A value breaks a rule (a length, a choice, a format); the message names the value and the rule."""

    code = "invalid_input"
    status = 400


class NotFound(LowcarbonError, LookupError):
    """A referenced record (an organisation, a product, a study) does not exist, or is not the caller's to see."""

    code = "not_found"
    status = 404

    def __str__(self) -> str:  # LookupError subclasses like KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class PermissionDenied(LowcarbonError):
    """The caller is known but may not do this."""

    code = "forbidden"
    status = 403


class Conflict(LowcarbonError, ValueError):
    """The record would clash with one that exists, e.g. an email address already taken."""

    code = "conflict"
    status = 409


class PayloadTooLarge(LowcarbonError):
    """A request body, or a file in it, is larger than the place it is sent to takes; the message gives the limit."""

    code = "payload_too_large"
    status = 413


class HostError(LowcarbonError, ConnectionError):
    """A partner's host (a supplier's or customer's PACT host) could not be reached, or answered what its protocol does
    not allow (a 5xx, a body that is no answer)."""

    code = "pact_host_error"
    status = 502


class DaskUnavailable(LowcarbonError, ConnectionError):
    """``LOWCARBON_DASK_SCHEDULER`` names a Dask scheduler that does not answer (``lowcarbon.scale``)."""

    code = "dask_unavailable"
    status = 503


class DaskNotInstalled(DaskUnavailable):
    """``LOWCARBON_DASK_SCHEDULER`` is set, but the ``distributed`` package (extra ``dask``) is not installed."""

    code = "dask_not_installed"
