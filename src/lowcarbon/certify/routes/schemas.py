"""What the certify API takes: applications, moves, findings and documents, checked by pydantic (unknown fields
refused, texts without control characters, sizes bounded)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from lowcarbon.text import SingleLine

__all__ = ["AnswerIn", "ApplicationIn", "DocumentIn", "FindingIn", "MoveIn", "StudyRef"]

ModelNumber = Annotated[SingleLine, Field(min_length=1, max_length=100)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StudyRef(_In):
    """A footprint study of yours that the application carries (frozen), with the product models it stands for."""

    study_id: int = Field(ge=1, le=2**53 - 1)
    models: list[ModelNumber] = Field(min_length=1, max_length=50)
    declared_value: float | None = Field(
        None, description="The footprint you declare (kg CO2e per declared unit); by default the study's total"
    )


class ApplicationIn(_In):
    """An application to a certification body."""

    body_id: int = Field(ge=1, le=2**53 - 1, description="The certification body (an organisation) applied to")
    scheme: Annotated[SingleLine, Field(max_length=64)]
    category: Annotated[SingleLine, Field(max_length=64)]
    studies: list[StudyRef] = Field(min_length=1, max_length=20)
    producer: Annotated[SingleLine, Field(min_length=1, max_length=200)]
    sites: list[Annotated[SingleLine, Field(min_length=1, max_length=200)]] = Field(default=[], max_length=20)
    scope: Annotated[SingleLine, Field(min_length=1, max_length=1000)]
    renews: Annotated[SingleLine, Field(max_length=32)] | None = None


class MoveIn(_In):
    """A move of the workflow and what it carries (see the workflow's `needs`)."""

    move: Annotated[SingleLine, Field(max_length=64)]
    note: Annotated[str, Field(max_length=2000)] | None = None
    opinion: Literal["positive", "qualified", "adverse"] | None = None
    materiality: float | None = Field(None, description="A fraction: 0.05 for 5 % (the default)")
    data_sources_checked: bool | None = None
    pcr_checked: bool | None = None
    findings: Annotated[str, Field(max_length=4000)] | None = None
    checklist: dict[Annotated[str, Field(max_length=64)], bool] | None = Field(None, max_length=50)
    outcome: Literal["conforming", "nonconforming"] | None = None
    models: list[list[ModelNumber]] | None = Field(None, max_length=20)


class FindingIn(_In):
    """A finding of the body."""

    severity: Literal["major", "minor", "observation"]
    text: Annotated[str, Field(min_length=1, max_length=2000)]


class AnswerIn(_In):
    """The applicant's answer to a finding."""

    corrective_action: Annotated[str, Field(min_length=1, max_length=2000)]
    evidence_id: int | None = Field(None, ge=1, le=2**53 - 1)


class DocumentIn(_In):
    """A document, its bytes in base64 (at most 10 MiB)."""

    name: Annotated[SingleLine, Field(min_length=1, max_length=200)]
    media_type: Annotated[SingleLine, Field(max_length=100)] = "application/octet-stream"
    content_base64: Annotated[str, Field(max_length=14 * 1024 * 1024)]
