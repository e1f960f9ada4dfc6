"""The footprint domain's values as the API shows them: products, studies, pages of them, and a product's comparison."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from lowcarbon.footprint.bundle import ModelFormat
from lowcarbon.text import MultiLine, SingleLine

__all__ = [
    "MIN_MODEL_CHARS",
    "Comparison",
    "ComparisonVersion",
    "Difference",
    "FactorFile",
    "FactorFileIn",
    "ModelFormat",
    "Product",
    "ProductIn",
    "ProductPage",
    "Study",
    "StudyIn",
    "StudyPage",
    "StudyStatus",
    "StudySummary",
]

# lowcarbon.ports.JobState, spelled out for the OpenAPI document (a test checks they agree)
StudyStatus = Literal["queued", "running", "done", "failed"]

# Every model, YAML or JSON, writes these field names and the shortest boundary at least once (an Excel workbook in
# base64 is far longer): no model the server accepts is shorter than they are together.
_REQUIRED_WORDS = ("product", "name", "declared_unit", "unit", "boundary", "gate-to-gate", "stages")
MIN_MODEL_CHARS = sum(map(len, _REQUIRED_WORDS))


class ProductIn(BaseModel):
    """A new product: its name, unique within the organisation."""

    name: SingleLine = Field(min_length=1, max_length=200)


class Product(BaseModel):
    """A product of the caller's organisation."""

    id: int
    organisation_id: int
    name: str
    created_at: datetime


class FactorFileIn(BaseModel):
    """A factor file the model names in ``factor_files``: a CSV file as text, or any file's bytes in base64."""

    name: SingleLine = Field(min_length=1, max_length=255, description="The name the model gives it, e.g. factors.csv")
    content: MultiLine = Field(description="The file's text (encoding text), or its bytes in base64 (encoding base64)")
    encoding: Literal["text", "base64"] = Field("text", description="base64 for an Excel file")


class StudyIn(BaseModel):
    """A new study: the product model as YAML or JSON text, or an Excel workbook's bytes in base64 (``xlsx``), and
    the factor files it names."""

    model: MultiLine = Field(
        min_length=MIN_MODEL_CHARS, description="The model file's content; for xlsx, its bytes in base64."
    )
    format: ModelFormat = "yaml"
    files: list[FactorFileIn] = Field(default=[], description="Each factor file the model names, and no other")


class FactorFile(BaseModel):
    """A factor file a study keeps: its name as the model gives it, its size and SHA-256 digest of its bytes."""

    name: str
    size: int = Field(description="bytes")
    sha256: str


class StudySummary(BaseModel):
    """A study without its result: which version, where its computation stands, and its total when done."""

    id: int
    product_id: int
    version: int
    status: StudyStatus
    model_format: ModelFormat
    total: float | None = Field(description="kg CO2e per declared unit, when done")
    created_by: int | None = Field(description="The id of the user who submitted it; null when a machine client did")
    created_by_client: str | None = Field(
        description="The client_id of the machine client that submitted it; null when a person did"
    )
    created_at: datetime
    job_id: int | None


class Study(StudySummary):
    """A study with its result (``Footprint.to_dict()``) when done, or the error when failed."""

    result: dict[str, Any] | None
    error: str | None


class ProductPage(BaseModel):
    """One page of products, newest first; ``next`` is the URL of the next page, null on the last."""

    items: list[Product]
    next: str | None


class StudyPage(BaseModel):
    """One page of a product's studies, newest first; ``next`` is the URL of the next page, null on the last."""

    items: list[StudySummary]
    next: str | None


class ComparisonVersion(BaseModel):
    """One computed version of a product: its total, by stage, and the change from the version before it."""

    version: int
    study_id: int
    created_at: datetime
    unit: str
    total: float
    by_stage: dict[str, float]
    change: float | None = Field(description="total minus the previous compared version's total")
    change_percent: float | None = Field(description="change in % of the previous total (null when that is 0)")


Aspect = Literal["boundary", "characterization", "pcr", "declared_unit", "factors"]


class Difference(BaseModel):
    """A way the compared versions differ that makes their totals differ for reasons other than the product."""

    aspect: Aspect
    values: dict[int, str] = Field(description="version -> what it has (for factors: the factors whose values differ)")
    message: str


class Comparison(BaseModel):
    """The computed versions of a product, oldest first: CFP performance tracking over time."""

    product: Product
    stages: list[str] = Field(description="Every stage of any version, in order of first appearance")
    comparable: bool = Field(description="Whether every version reports in the same unit (declared unit)")
    versions: list[ComparisonVersion]
    differences: list[Difference] = Field(
        default=[],
        description="Boundary, GWP set, PCR, declared unit or factor values that differ between versions: a "
        "comparison needs them equal (ISO 14067 6.6)",
    )
