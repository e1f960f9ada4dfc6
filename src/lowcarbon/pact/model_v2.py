"""PACT v2.3's data model and events, for partners still on it: ProductFootprint, CarbonFootprint and the rest.

Written from the PACT Technical Specifications v2.3.3 (github.com/wbcsd/data-exchange-protocol, ``spec/v2``): its
OpenAPI schema (``components/schemas``) and the normative text of §Data Model (Data Type ProductFootprint,
CarbonFootprint, DataQualityIndicators, Assurance, ProductOrSectorSpecificRule, DeclaredUnit, CpcCode) and §Action
Events. Field names are the specification's own. Differences from v3 worth knowing (``mapping_v2`` bridges them):

- ``version`` (a whole number, 0 to 2^31-1) and ``updated`` (only once the footprint changed) exist; ``comment`` and
  ``productCategoryCpc`` (a UN CPC code) are required;
- values are per one declared unit (``declaredUnit``, seven units, no piece) and ``unitaryProductAmount`` says how
  many declared units the product holds; ``pCfExcludingBiogenic``, ``fossilGhgEmissions``, the carbon contents are
  0 or more, ``biogenicCarbonWithdrawal`` 0 or less (§CarbonFootprint properties);
- ``characterizationFactors`` (AR6 or AR5) and ``crossSectoralStandardsUsed`` are required though deprecated;
  ``exemptedEmissionsPercent`` and ``primaryDataShare`` are JSON numbers from 0 to 100;
- ``dqi`` has six ratings, ``assurance`` replaces v3's verification;
- the events are ``org.wbcsd.pathfinder.ProductFootprintRequest.Created.v1`` (data: a ProductFootprint fragment and
  a comment), ``.Fulfilled.v1``, ``.Rejected.v1`` and ``org.wbcsd.pathfinder.ProductFootprint.Published.v1``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from lowcarbon.pact.events import PactError
from lowcarbon.pact.model import EmissionFactorSource, PactModel, ProductOrSectorSpecificRule, Region
from lowcarbon.pact.types import DateTime, DecimalText, NegativeOrZero, NonEmptyString, PfId, PositiveNonZero, Urn
from lowcarbon.pact.types import PositiveOrZero as ZeroOrMore

__all__ = [
    "CREATED",
    "DECLARED_UNITS",
    "FULFILLED",
    "PUBLISHED",
    "REJECTED",
    "SPEC_VERSION",
    "Assurance",
    "CarbonFootprint",
    "DataQualityIndicators",
    "ProductFootprint",
    "parse_event",
]

SPEC_VERSION = "2.3.0"  # what our v2 documents declare: the data model of Technical Specifications 2.3
CREATED = "org.wbcsd.pathfinder.ProductFootprintRequest.Created.v1"
FULFILLED = "org.wbcsd.pathfinder.ProductFootprintRequest.Fulfilled.v1"
REJECTED = "org.wbcsd.pathfinder.ProductFootprintRequest.Rejected.v1"
PUBLISHED = "org.wbcsd.pathfinder.ProductFootprint.Published.v1"

DeclaredUnit = Literal[
    "liter", "kilogram", "cubic meter", "kilowatt hour", "megajoule", "ton kilometer", "square meter"
]  # §DeclaredUnit
DECLARED_UNITS: tuple[str, ...] = DeclaredUnit.__args__  # type: ignore[attr-defined]
CrossSectoralStandardUsed = Literal["GHG Protocol Product standard", "ISO Standard 14067", "ISO Standard 14044"]
CrossSectoralStandard = Literal[
    "ISO14067", "ISO14083", "ISO14040-44", "GHGP-Product", "PEF", "PACT-1.0", "PACT-2.0", "PACT-3.0"
]
Share = Annotated[float, Field(ge=0, le=100)]
Rating = Annotated[float, Field(ge=1, le=3)]  # FloatBetween1And3: the DQR scale of the PACT Methodology 2


class DataQualityIndicators(PactModel):
    """§DataQualityIndicators: coverage of the assessment (percent) and five ratings from 1 to 3."""

    coveragePercent: Share
    technologicalDQR: Rating
    temporalDQR: Rating
    geographicalDQR: Rating
    completenessDQR: Rating
    reliabilityDQR: Rating


class Assurance(PactModel):
    """§Assurance: whether the PCF was assured, and by whom, at what level, for which boundary."""

    assurance: bool
    providerName: str
    coverage: Literal["corporate level", "product line", "PCF system", "product level"] | None = None
    level: Literal["limited", "reasonable"] | None = None
    boundary: Literal["Gate-to-Gate", "Cradle-to-Gate"] | None = None
    completedAt: DateTime | None = None
    standardName: str | None = None
    comments: str | None = None


class CarbonFootprint(PactModel):
    """§CarbonFootprint: kg CO2e (and kg C) per declared unit."""

    declaredUnit: DeclaredUnit
    unitaryProductAmount: PositiveNonZero
    productMassPerDeclaredUnit: ZeroOrMore | None = None
    pCfExcludingBiogenic: ZeroOrMore
    pCfIncludingBiogenic: DecimalText | None = None
    fossilGhgEmissions: ZeroOrMore
    fossilCarbonContent: ZeroOrMore
    biogenicCarbonContent: ZeroOrMore
    dLucGhgEmissions: ZeroOrMore | None = None
    landManagementGhgEmissions: DecimalText | None = None
    otherBiogenicGhgEmissions: ZeroOrMore | None = None
    iLucGhgEmissions: ZeroOrMore | None = None
    biogenicCarbonWithdrawal: NegativeOrZero | None = None
    aircraftGhgEmissions: ZeroOrMore | None = None
    characterizationFactors: Literal["AR6", "AR5"]
    ipccCharacterizationFactorsSources: list[Annotated[str, Field(pattern=r"^AR\d+$")]] = Field(min_length=1)
    crossSectoralStandardsUsed: list[CrossSectoralStandardUsed] = Field(min_length=1)
    crossSectoralStandards: list[CrossSectoralStandard] | None = Field(default=None, min_length=1)
    productOrSectorSpecificRules: list[ProductOrSectorSpecificRule] | None = Field(default=None, min_length=1)
    biogenicAccountingMethodology: Literal["PEF", "ISO", "GHGP", "Quantis"] | None = None
    boundaryProcessesDescription: str
    referencePeriodStart: DateTime
    referencePeriodEnd: DateTime
    geographyRegionOrSubregion: Region | None = None
    geographyCountry: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    geographyCountrySubdivision: str | None = Field(default=None, pattern=r"^[A-Z]{2}-[A-Z0-9]{1,3}$")
    secondaryEmissionFactorSources: list[EmissionFactorSource] | None = Field(default=None, min_length=1)
    exemptedEmissionsPercent: Annotated[float, Field(ge=0, le=5)]  # §CarbonFootprint: 0 to 5 percent
    exemptedEmissionsDescription: str
    packagingEmissionsIncluded: bool
    packagingGhgEmissions: ZeroOrMore | None = None
    allocationRulesDescription: str | None = None
    uncertaintyAssessmentDescription: str | None = None
    primaryDataShare: Share | None = None
    dqi: DataQualityIndicators | None = None
    assurance: Assurance | None = None

    @model_validator(mode="after")
    def _rules(self) -> CarbonFootprint:
        given = [self.geographyRegionOrSubregion, self.geographyCountry, self.geographyCountrySubdivision]
        if sum(value is not None for value in given) > 1:
            raise ValueError("give at most one of geographyRegionOrSubregion, geographyCountry, ...Subdivision")
        if self.packagingGhgEmissions is not None and not self.packagingEmissionsIncluded:
            raise ValueError("packagingGhgEmissions is defined only when packagingEmissionsIncluded is true")
        # §CarbonFootprint primaryDataShare and dqi: a reference period reaching into 2025 or later needs
        # primaryDataShare; an earlier one needs primaryDataShare or dqi
        if self.primaryDataShare is None and (self.dqi is None or self.referencePeriodEnd[:4] >= "2025"):
            raise ValueError("give primaryDataShare (or, for reference periods ending before 2025, dqi)")
        return self

    @property
    def geography(self) -> str | None:
        return self.geographyCountrySubdivision or self.geographyCountry or self.geographyRegionOrSubregion


class ProductFootprint(PactModel):
    """§ProductFootprint (v2.3)."""

    id: PfId
    specVersion: str = Field(pattern=r"^2\.\d+\.\d+(-\d{8})?$")
    precedingPfIds: list[PfId] | None = Field(default=None, min_length=1)
    version: int = Field(ge=0, le=2**31 - 1)
    created: DateTime
    updated: DateTime | None = None
    status: Literal["Active", "Deprecated"]
    statusComment: str | None = None
    validityPeriodStart: DateTime | None = None
    validityPeriodEnd: DateTime | None = None
    companyName: NonEmptyString
    companyIds: list[Urn] = Field(min_length=1)
    productDescription: str
    productIds: list[Urn] = Field(min_length=1)
    productClassifications: list[Urn] | None = Field(default=None, min_length=1)
    productCategoryCpc: NonEmptyString
    productNameCompany: NonEmptyString
    comment: str
    pcf: CarbonFootprint
    extensions: list[dict[str, Any]] | None = None


class _Event(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)

    specversion: str = Field(min_length=1)
    id: str = Field(min_length=1, max_length=200)
    source: str = Field(min_length=1, max_length=500)
    time: DateTime

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


class RequestCreatedData(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)

    pf: dict[str, Any]  # a ProductFootprint fragment: the properties the footprints asked for have
    comment: str | None = None


class RequestCreatedEvent(_Event):
    type: Literal["org.wbcsd.pathfinder.ProductFootprintRequest.Created.v1"]
    data: RequestCreatedData


class RequestFulfilledData(PactModel):
    requestEventId: str = Field(min_length=1)
    pfs: list[ProductFootprint] = Field(min_length=1)


class RequestFulfilledEvent(_Event):
    type: Literal["org.wbcsd.pathfinder.ProductFootprintRequest.Fulfilled.v1"]
    data: RequestFulfilledData


class RequestRejectedData(PactModel):
    requestEventId: str = Field(min_length=1)
    error: PactError


class RequestRejectedEvent(_Event):
    type: Literal["org.wbcsd.pathfinder.ProductFootprintRequest.Rejected.v1"]
    data: RequestRejectedData


class PublishedData(PactModel):
    pfIds: list[PfId] = Field(min_length=1)


class PublishedEvent(_Event):
    type: Literal["org.wbcsd.pathfinder.ProductFootprint.Published.v1"]
    data: PublishedData


AnyEvent = RequestCreatedEvent | RequestFulfilledEvent | RequestRejectedEvent | PublishedEvent
_EVENT: TypeAdapter[AnyEvent] = TypeAdapter(Annotated[AnyEvent, Field(discriminator="type")])  # type: ignore[arg-type, maybe-unrecognized-str-typeform]


def parse_event(data: Any) -> AnyEvent:
    """The v2 event of a parsed JSON body; pydantic's ValidationError names every problem."""
    return _EVENT.validate_python(data)
