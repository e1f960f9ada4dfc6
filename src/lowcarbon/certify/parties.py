"""Who acts on a certification case, as the service sees them (the routes build it from the caller)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from lowcarbon.certify.workflow import Party
from lowcarbon.errors import InvalidInput, NotFound
from lowcarbon.text import check_text

__all__ = ["Actor", "NoJobs", "party_of", "text_field"]

EDITING_ROLES = frozenset({"editor", "admin"})


@dataclass(frozen=True)
class Actor:
    """A person of an organisation: the organisation, the person and their role there."""

    organisation_id: int
    user_id: int
    role: str

    @property
    def editor(self) -> bool:
        return self.role in EDITING_ROLES


def party_of(organisation_id: int, applicant_id: int, body_id: int, what: str) -> Party:
    """The side of a case the organisation is on; NotFound (hidden as if it did not exist) when on neither."""
    if organisation_id == applicant_id:
        return "applicant"
    if organisation_id == body_id:
        return "body"
    raise NotFound(f"no {what} of your organisation by that id")


def text_field(value: object, field: str, limit: int, *, multiline: bool = False) -> str:
    """``value`` as a field's text: a string of 1 to ``limit`` characters (stripped) without control characters."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{field}: give a text")
    if len(value) > limit:
        raise InvalidInput(f"{field}: at most {limit} characters")
    return check_text(value.strip(), field, multiline=multiline)


class NoJobs:
    """A job queue for work that queues nothing (reading studies, rotating keys): it knows no running jobs, so a
    study reads as its row says, and submitting is a bug."""

    def submit(self, kind: str, payload: Mapping[str, Any], *, organisation_id: int | None) -> int:
        raise AssertionError(f"certification queues no {kind} job")

    def states(self, job_ids: Iterable[int]) -> dict[int, Any]:
        return {}
