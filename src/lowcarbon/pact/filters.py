"""The ListFootprints filters (also the data of a RequestCreated event), and whether a footprint matches them.

PACT Technical Specifications v3.0.3, ``GET /3/footprints`` > Filtering and ``components/parameters``: productId,
companyId, classification (URNs) and geography (a region, country or subdivision) each take several values, of which
a footprint must match at least one (OR within a criterion), case-insensitively; it must match every criterion given
(AND between criteria). validOn: the validity period contains it (start <= validOn <= end); validAfter: the period
starts after it; validBefore: the period ends before it (``ProductFootprint.validity``); status: Active or
Deprecated, case-insensitive. The host's query of its tables applies the same rules (``service.list_footprints``);
``matches`` is the rule on one document, used for events and by tests.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import field_validator

from lowcarbon.pact.model import PactModel, ProductFootprint
from lowcarbon.pact.types import DateTime, Urn, parse_date_time

__all__ = ["STATUSES", "Filters", "matches"]

STATUSES = ("Active", "Deprecated")


class Filters(PactModel):
    """The criteria of a ListFootprints request or a RequestCreated event; None or empty means not given."""

    productId: list[Urn] | None = None
    companyId: list[Urn] | None = None
    geography: list[str] | None = None
    classification: list[Urn] | None = None
    validOn: DateTime | None = None
    validAfter: DateTime | None = None
    validBefore: DateTime | None = None
    status: str | None = None

    @field_validator("status")
    @classmethod
    def _status(cls, status: str | None) -> str | None:
        if status is None:
            return None
        for known in STATUSES:
            if status.lower() == known.lower():
                return known
        raise ValueError(f"status is Active or Deprecated, not {status!r}")

    def moments(self) -> dict[str, datetime]:
        """validOn, validAfter and validBefore as UTC datetimes, those given."""
        given = {"validOn": self.validOn, "validAfter": self.validAfter, "validBefore": self.validBefore}
        return {name: parse_date_time(text) for name, text in given.items() if text is not None}


def _any(wanted: list[str] | None, have: list[str]) -> bool:
    if not wanted:
        return True
    folded = {value.lower() for value in have}
    return any(value.lower() in folded for value in wanted)


def matches(footprint: ProductFootprint, filters: Filters) -> bool:
    """Whether ``footprint`` meets every criterion of ``filters``."""
    pcf = footprint.pcf
    geography = [pcf.geography] if pcf.geography else []
    if not (
        _any(filters.productId, footprint.productIds)
        and _any(filters.companyId, footprint.companyIds)
        and _any(filters.classification, footprint.productClassifications or [])
        and _any(filters.geography, geography)
    ):
        return False
    if filters.status is not None and footprint.status != filters.status:
        return False
    start, end = footprint.validity()
    moments = filters.moments()
    if "validOn" in moments and not start <= moments["validOn"] <= end:
        return False
    if "validAfter" in moments and not start > moments["validAfter"]:
        return False
    return not ("validBefore" in moments and not end < moments["validBefore"])
