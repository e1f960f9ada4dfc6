"""PACT (WBCSD's Partnership for Carbon Transparency): exchange product footprints with customers and suppliers.

``model`` is PACT v3's data model (ProductFootprint, CarbonFootprint), ``events`` its CloudEvents, ``filters`` the
ListFootprints criteria, ``mapping`` the way between our ``Footprint`` result and a ProductFootprint (and from a
supplier's ProductFootprint to a factor); ``service`` publishes footprints and answers the host API's questions,
``routes`` is the host API itself. See README.md for the field-by-field mapping.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lowcarbon.pact.events import PactError, parse_event
    from lowcarbon.pact.filters import Filters, matches
    from lowcarbon.pact.model import SPEC_VERSION, CarbonFootprint, DataQualityIndicators, ProductFootprint

# The names below load from their modules on first use (PEP 562): the command line imports the package (its cli)
# without building the data model's pydantic classes.
_MODULES = {
    **dict.fromkeys(("PactError", "parse_event"), "events"),
    **dict.fromkeys(("Filters", "matches"), "filters"),
    **dict.fromkeys(("SPEC_VERSION", "CarbonFootprint", "DataQualityIndicators", "ProductFootprint"), "model"),
}


def __getattr__(name: str) -> object:
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value = getattr(import_module(f"{__name__}.{_MODULES[name]}"), name)
    return value


__all__ = [
    "SPEC_VERSION",
    "CarbonFootprint",
    "DataQualityIndicators",
    "Filters",
    "PactError",
    "ProductFootprint",
    "matches",
    "parse_event",
]


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
