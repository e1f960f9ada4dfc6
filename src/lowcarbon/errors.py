"""The one exception tree of lowcarbon: every error says what went wrong and what to do about it.

    LowcarbonError                      base of everything we raise on purpose
    ├── EngineError                     a life-cycle system cannot be built or solved
    │   ├── NonsquareTechnosphere       products and activities differ in number (also ValueError)
    │   ├── SingularTechnosphere        the technosphere cannot be inverted (also ArithmeticError)
    │   ├── InaccurateSolution          a solve did not reach the required accuracy (also ArithmeticError)
    │   ├── UnknownId                   an id is not in the matrix it was looked up in (also KeyError)
    │   │   └── OutsideTechnosphere     a demand names a product the technosphere does not have
    │   └── InvalidArrays               (row, col, value) arrays that cannot form a matrix (also ValueError)
    ├── DataFormatError                 an input file is malformed (also ValueError); names the file and field
    └── UnitError                       a unit is unknown, or cannot be converted to the one needed (also ValueError)

Each class inherits from a built-in type too, so callers can catch either (as pint does).
"""

from __future__ import annotations


class LowcarbonError(Exception):
    """Base class of every error lowcarbon raises on purpose."""

    code = "error"


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


class DataFormatError(LowcarbonError, ValueError):
    """An input file is malformed; the message names the file, the field and the fix."""

    code = "data_format_error"


class UnitError(LowcarbonError, ValueError):
    """A unit is unknown, or has another dimension than the one needed; the message names the place."""

    code = "unit_error"
