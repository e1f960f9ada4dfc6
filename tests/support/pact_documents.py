"""ProductFootprint documents for the tests, written for lowcarbon (not copied from the specification)."""

from __future__ import annotations

import copy
from typing import Any

PF_ID = "3893bb5d-da16-4dc1-9185-11d97476c254"


def document(**changes: Any) -> dict[str, Any]:
    """A complete, valid v3 ProductFootprint of a PV module; ``changes`` replace top-level or ``pcf__`` fields."""
    doc: dict[str, Any] = {
        "id": PF_ID,
        "specVersion": "3.0.3",
        "created": "2026-01-05T08:00:00Z",
        "status": "Active",
        "companyName": "Sunrise PV Co.",
        "companyIds": ["urn:lowcarbon:organisation:sunrise-pv"],
        "productDescription": "Monocrystalline PV module, 550 Wp, aluminium frame",
        "productIds": ["urn:gtin:06901234567892"],
        "productClassifications": ["urn:pact:productclassification:un-cpc:46410"],
        "productNameCompany": "Sunrise M550",
        "pcf": {
            "declaredUnitOfMeasurement": "piece",
            "declaredUnitAmount": "1",
            "productMassPerDeclaredUnit": "27.5",
            "referencePeriodStart": "2025-01-01T00:00:00Z",
            "referencePeriodEnd": "2026-01-01T00:00:00Z",
            "geographyCountry": "CN",
            "pcfExcludingBiogenicUptake": "246.3",
            "pcfIncludingBiogenicUptake": "245.1",
            "fossilCarbonContent": "0.4",
            "biogenicCarbonContent": "0.33",
            "fossilGhgEmissions": "240.0",
            "landUseChangeGhgEmissions": "1.5",
            "biogenicCO2Uptake": "-1.2",
            "aircraftGhgEmissions": "0",
            "ipccCharacterizationFactors": ["AR6"],
            "crossSectoralStandards": ["ISO14067", "PACT-3.0"],
            "exemptedEmissionsPercent": "1.2",
            "primaryDataShare": "62.5",
            "dqi": {"technologicalDQR": "1.6", "geographicalDQR": "2", "temporalDQR": "1.2"},
        },
    }
    for key, value in changes.items():
        target, name = (doc["pcf"], key.removeprefix("pcf__")) if key.startswith("pcf__") else (doc, key)
        if value is _DROP:
            target.pop(name, None)
        else:
            target[name] = copy.deepcopy(value)
    return doc


_DROP = object()
DROP: Any = _DROP  # a change that removes the field
