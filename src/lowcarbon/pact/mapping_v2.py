"""Our published footprints (v3 ProductFootprints) as PACT v2.3 ProductFootprints, for partners still on v2.

Every footprint is published once, as v3 (``mapping``); the ``/2/`` endpoints serve this view of it. What each v2.3
property comes from (v2.3.3 §Data Model; v3.0.3 §Data Model):

- ``id``, ``precedingPfIds``, ``created``, ``status``, ``validityPeriodStart``/``End``, ``companyName``,
  ``companyIds``, ``productDescription``, ``productIds``, ``productClassifications``, ``productNameCompany``: the
  same properties; ``comment``: the same, else "" (required in v2);
- ``specVersion`` 2.3.0; ``version`` 1: a published footprint never changes but for its status, and a new version is
  a new footprint with its own id (precedingPfIds), as v3 asks; ``updated``: when it was deprecated, if it was;
- ``productCategoryCpc``: the code of the first classification ``urn:cpc:<code>`` (v2.3's example of a UN CPC URN)
  or ``urn:pact:productclassification:un-cpc:<code>`` (v3's examples); a footprint without one has no v2.3 form
  (the property is required and we do not guess a code);
- ``pcf``: v3 states values per ``declaredUnitAmount`` of ``declaredUnitOfMeasurement``; v2 per one
  ``declaredUnit``, with ``unitaryProductAmount`` declared units in the product. A unit v2 has keeps its name,
  ``unitaryProductAmount`` = declaredUnitAmount, and every kg CO2e and kg C value is divided by it. ``piece`` (not
  in v2) becomes ``kilogram`` through ``productMassPerDeclaredUnit`` (the mass of the declared amount, ``mapping``):
  ``unitaryProductAmount`` = that mass, values divided by it; a piece without a mass has no v2.3 form. Hour and
  megabit second have none either;
- ``pCfExcludingBiogenic``, ``pCfIncludingBiogenic``, ``fossilGhgEmissions``, ``fossilCarbonContent``,
  ``biogenicCarbonContent`` (required in v2: a footprint not stating it has no v2.3 form), ``dLucGhgEmissions``
  (v3 landUseChangeGhgEmissions), ``landManagementGhgEmissions`` (the sum of v3's three land-management values),
  ``otherBiogenicGhgEmissions`` (v3 biogenicNonCO2Emissions), ``biogenicCarbonWithdrawal`` (v3 biogenicCO2Uptake),
  ``aircraftGhgEmissions``, ``packagingGhgEmissions``: scaled as said;
- ``characterizationFactors``: AR6 when v3's ipccCharacterizationFactors hold it, else AR5, else no v2.3 form;
  ``ipccCharacterizationFactorsSources``: v3's list; ``crossSectoralStandardsUsed``: ISO14067 -> "ISO Standard
  14067", ISO14040-44 -> "ISO Standard 14044", GHGP-Product -> "GHG Protocol Product standard" (none of them: no
  v2.3 form); ``crossSectoralStandards``: v3's values v2.3 lists;
- ``exemptedEmissionsPercent`` (a number; v2 allows 0 to 5), ``exemptedEmissionsDescription`` (else ""),
  ``boundaryProcessesDescription`` (else ""), ``packagingEmissionsIncluded`` (else false: v2 requires an answer and
  a v3 footprint that does not state one reports no packaging figure), ``allocationRulesDescription``,
  ``productOrSectorSpecificRules``, ``secondaryEmissionFactorSources``, the geography, ``primaryDataShare`` (a
  number): the same;
- ``dqi``: not carried (v2 asks six ratings on a 1-3 scale, v3 has three on 1-5); ``assurance``: v3's verification
  with a provider as ``{"assurance": true, ...}``.

``to_v2`` raises InvalidInput naming why a footprint has no v2.3 form; the host leaves such footprints out of
``/2/footprints`` and answers NoSuchFootprint for them.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from lowcarbon.errors import InvalidInput
from lowcarbon.pact import model_v2
from lowcarbon.pact.types import date_time_text, decimal_text, decimal_value

__all__ = ["cpc_code", "to_v2"]

_STANDARDS_USED = {
    "ISO14067": "ISO Standard 14067",
    "ISO14040-44": "ISO Standard 14044",
    "GHGP-Product": "GHG Protocol Product standard",
}
_SCALED = {  # v2 property <- v3 property, both kg CO2e (or kg C) per declared unit
    "pCfExcludingBiogenic": "pcfExcludingBiogenicUptake",
    "pCfIncludingBiogenic": "pcfIncludingBiogenicUptake",
    "fossilGhgEmissions": "fossilGhgEmissions",
    "fossilCarbonContent": "fossilCarbonContent",
    "biogenicCarbonContent": "biogenicCarbonContent",
    "dLucGhgEmissions": "landUseChangeGhgEmissions",
    "otherBiogenicGhgEmissions": "biogenicNonCO2Emissions",
    "biogenicCarbonWithdrawal": "biogenicCO2Uptake",
    "aircraftGhgEmissions": "aircraftGhgEmissions",
    "packagingGhgEmissions": "packagingGhgEmissions",
}
_LAND_MANAGEMENT = (
    "landManagementFossilGhgEmissions",
    "landManagementBiogenicCO2Emissions",
    "landManagementBiogenicCO2Removals",
)
_COPIED = (
    "referencePeriodStart",
    "referencePeriodEnd",
    "geographyRegionOrSubregion",
    "geographyCountry",
    "geographyCountrySubdivision",
    "secondaryEmissionFactorSources",
    "productOrSectorSpecificRules",
    "allocationRulesDescription",
)
_TOP = (
    "id",
    "precedingPfIds",
    "created",
    "status",
    "validityPeriodStart",
    "validityPeriodEnd",
    "companyName",
    "companyIds",
    "productDescription",
    "productIds",
    "productClassifications",
    "productNameCompany",
)


def cpc_code(classifications: list[str] | None) -> str | None:
    """The code of the first classification ``urn:cpc:<code>`` or ``urn:pact:...:un-cpc:<code>`` (the forms of the
    specifications' examples: v2.3 §Product Classification Examples, v3 examples 2 and 3)."""
    for urn in classifications or []:
        lowered = urn.lower()
        for prefix in ("urn:cpc:", ":un-cpc:"):
            at = 0 if lowered.startswith(prefix) else lowered.find(prefix) if prefix.startswith(":") else -1
            code = urn[at + len(prefix) :] if at >= 0 else ""
            if code and ":" not in code:
                return code
    return None


def _per_unit(pcf: dict[str, Any]) -> tuple[str, Decimal]:
    """v2's declared unit and how many of them the v3 declared amount is (its unitaryProductAmount)."""
    unit, amount = pcf["declaredUnitOfMeasurement"], decimal_value(pcf["declaredUnitAmount"])
    if unit in model_v2.DECLARED_UNITS:
        return unit, amount
    if unit == "piece":
        mass = decimal_value(pcf.get("productMassPerDeclaredUnit") or "0")
        if mass > 0:
            return "kilogram", mass
        raise InvalidInput("a footprint per piece without the product's mass has no v2.3 form (v2 has no piece)")
    raise InvalidInput(f"PACT v2.3 has no declared unit for {unit!r}")


def _carbon_footprint(pcf: dict[str, Any]) -> dict[str, Any]:
    unit, amount = _per_unit(pcf)
    out: dict[str, Any] = {"declaredUnit": unit, "unitaryProductAmount": decimal_text(amount)}
    if pcf["declaredUnitOfMeasurement"] == unit and decimal_value(pcf.get("productMassPerDeclaredUnit") or "0") > 0:
        out["productMassPerDeclaredUnit"] = decimal_text(decimal_value(pcf["productMassPerDeclaredUnit"]) / amount)
    for v2_name, v3_name in _SCALED.items():
        if pcf.get(v3_name) is not None:
            out[v2_name] = decimal_text(decimal_value(pcf[v3_name]) / amount)
    land = [decimal_value(pcf[name]) for name in _LAND_MANAGEMENT if pcf.get(name) is not None]
    if land:
        out["landManagementGhgEmissions"] = decimal_text(sum(land, Decimal(0)) / amount)
    if "biogenicCarbonContent" not in out:
        raise InvalidInput("the footprint states no biogenicCarbonContent, which v2.3 requires")
    reports = list(pcf["ipccCharacterizationFactors"])
    chosen = next((report for report in ("AR6", "AR5") if report in reports), None)
    used = [_STANDARDS_USED[name] for name in pcf["crossSectoralStandards"] if name in _STANDARDS_USED]
    if chosen is None or not used:
        raise InvalidInput("v2.3 needs AR6 or AR5 and ISO 14067, ISO 14044 or the GHG Protocol Product standard")
    listed = model_v2.CrossSectoralStandard.__args__  # type: ignore[attr-defined]
    standards = [name for name in pcf["crossSectoralStandards"] if name in listed]
    out |= {
        "characterizationFactors": chosen,
        "ipccCharacterizationFactorsSources": reports,
        "crossSectoralStandardsUsed": used,
        "crossSectoralStandards": standards or None,
        "boundaryProcessesDescription": pcf.get("boundaryProcessesDescription") or "",
        "exemptedEmissionsPercent": float(decimal_value(pcf["exemptedEmissionsPercent"])),
        "exemptedEmissionsDescription": pcf.get("exemptedEmissionsDescription") or "",
        "packagingEmissionsIncluded": bool(pcf.get("packagingEmissionsIncluded")),
    }
    out |= {name: pcf[name] for name in _COPIED if pcf.get(name) is not None}
    if pcf.get("primaryDataShare") is not None:
        out["primaryDataShare"] = float(decimal_value(pcf["primaryDataShare"]))
    verification = pcf.get("verification") or {}
    if verification.get("providerName"):
        kept = ("providerName", "completedAt", "standardName", "comments")
        out["assurance"] = {"assurance": True, **{key: verification[key] for key in kept if key in verification}}
        if verification.get("coverage") == "product level":
            out["assurance"]["coverage"] = "product level"
    return {key: value for key, value in out.items() if value is not None}


def to_v2(document: dict[str, Any], *, updated: datetime | None = None) -> dict[str, Any]:
    """The v2.3 ProductFootprint of a v3 one (JSON in, JSON out), validated; InvalidInput when it has none."""
    cpc = cpc_code(document.get("productClassifications"))
    if cpc is None:
        raise InvalidInput("the footprint has no urn:cpc: classification, and v2.3 requires productCategoryCpc")
    out: dict[str, Any] = {key: document[key] for key in _TOP if document.get(key) is not None}
    out |= {
        "specVersion": model_v2.SPEC_VERSION,
        "version": 1,
        "productCategoryCpc": cpc,
        "comment": document.get("comment") or "",
        "pcf": _carbon_footprint(document["pcf"]),
    }
    if updated is not None:
        out["updated"] = date_time_text(updated)
    try:
        return model_v2.ProductFootprint.model_validate(out).to_json()
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, error['loc']))}: {error['msg']}" for error in exc.errors())
        raise InvalidInput(f"the footprint has no valid v2.3 form: {problems}") from None
