"""PACT (WBCSD's Partnership for Carbon Transparency): exchange product footprints with customers and suppliers.

``model`` is PACT v3's data model (ProductFootprint, CarbonFootprint), ``events`` its CloudEvents, ``filters`` the
ListFootprints criteria, ``mapping`` the way between our ``Footprint`` result and a ProductFootprint (and from a
supplier's ProductFootprint to a factor); ``service`` publishes footprints and answers the host API's questions,
``routes`` is the host API itself. See README.md for the field-by-field mapping.
"""

from __future__ import annotations

from lowcarbon.pact.events import PactError, parse_event
from lowcarbon.pact.filters import Filters, matches
from lowcarbon.pact.model import SPEC_VERSION, CarbonFootprint, DataQualityIndicators, ProductFootprint

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
