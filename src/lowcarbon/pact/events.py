"""PACT v3's events (Action Events, ``POST /3/events``): CloudEvents 1.0 in structured JSON mode, and the Error object.

From the OpenAPI schema of the PACT Technical Specifications v3.0.3: ``BaseEvent`` (type, specversion, id, source,
time, data, all required), its four kinds told apart by ``type`` (``org.wbcsd.pact.ProductFootprint.<Kind>.3``),
and ``Error`` (a code from the schema's enumeration and a message). A data recipient asks for footprints with a
RequestCreated event whose data are the ListFootprints filters (``filters.Filters``) and a comment; the data owner
answers with RequestFulfilled (the footprints) or RequestRejected (an Error); a data owner tells a recipient of new
or changed footprints with Published (their ids). ``parse_event`` reads any of them.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator

from lowcarbon.pact.filters import Filters
from lowcarbon.pact.model import PactModel, ProductFootprint
from lowcarbon.pact.types import DateTime, PfId, unique

__all__ = [
    "CLOUDEVENTS_MEDIA_TYPE",
    "ERROR_CODES",
    "EVENT_TYPES",
    "ErrorCode",
    "Event",
    "PactError",
    "PublishedEvent",
    "RequestCreatedEvent",
    "RequestFulfilledEvent",
    "RequestRejectedEvent",
    "parse_event",
]

CLOUDEVENTS_MEDIA_TYPE = "application/cloudevents+json"
_PREFIX = "org.wbcsd.pact.ProductFootprint."

ErrorCode = Literal["BadRequest", "AccessDenied", "TokenExpired", "NotFound", "InternalError", "NotImplemented"]
ERROR_CODES: tuple[str, ...] = ErrorCode.__args__  # type: ignore[attr-defined]


class PactError(PactModel):
    """``Error``: what a host answers a failed action with, and what a RequestRejected event carries."""

    code: ErrorCode
    message: str


class _Event(BaseModel):
    """``BaseEvent``: the CloudEvents attributes every PACT event has."""

    model_config = ConfigDict(extra="allow", frozen=True)

    specversion: Literal["1.0"]
    id: str = Field(min_length=1, max_length=200)  # unique together with source (CloudEvents 1.0 §3.1.1)
    source: str = Field(min_length=1, max_length=500)
    time: DateTime

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


class RequestCreatedData(Filters):
    """What a data recipient asks for: the ListFootprints filters, and a comment to the data owner."""

    comment: str | None = None


class RequestCreatedEvent(_Event):
    type: Literal["org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3"]
    data: RequestCreatedData


class RequestFulfilledData(PactModel):
    requestEventId: str = Field(min_length=1)
    pfs: list[ProductFootprint] = Field(min_length=1)


class RequestFulfilledEvent(_Event):
    type: Literal["org.wbcsd.pact.ProductFootprint.RequestFulfilledEvent.3"]
    data: RequestFulfilledData


class RequestRejectedData(PactModel):
    requestEventId: str = Field(min_length=1)
    error: PactError


class RequestRejectedEvent(_Event):
    type: Literal["org.wbcsd.pact.ProductFootprint.RequestRejectedEvent.3"]
    data: RequestRejectedData


class PublishedData(PactModel):
    pfIds: list[PfId] = Field(min_length=1)  # "one or more IDs of the updated or created PCF(s)" (§Publishing updates)

    @field_validator("pfIds")
    @classmethod
    def _unique(cls, ids: list[str]) -> list[str]:
        return list(unique(ids, "pfIds", fold=True))


class PublishedEvent(_Event):
    type: Literal["org.wbcsd.pact.ProductFootprint.PublishedEvent.3"]
    data: PublishedData


Event = Annotated[
    RequestCreatedEvent | RequestFulfilledEvent | RequestRejectedEvent | PublishedEvent, Field(discriminator="type")
]
EVENT_TYPES: tuple[str, ...] = tuple(
    _PREFIX + kind + ".3"
    for kind in ("RequestCreatedEvent", "RequestFulfilledEvent", "RequestRejectedEvent", "PublishedEvent")
)
_EVENT: TypeAdapter[Event] = TypeAdapter(Event)


def parse_event(data: Any) -> RequestCreatedEvent | RequestFulfilledEvent | RequestRejectedEvent | PublishedEvent:
    """The event of a parsed JSON body; pydantic's ValidationError names every problem."""
    return _EVENT.validate_python(data)
