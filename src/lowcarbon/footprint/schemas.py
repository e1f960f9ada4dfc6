"""The footprint domain's values as the API shows them: products, studies, pages of them, a product's comparison;
the organisation's factor library and the factors a study can link to; a study's Monte Carlo runs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field

from lowcarbon.footprint.bundle import ModelFormat
from lowcarbon.footprint.stored import MAX_FILE_CHARS
from lowcarbon.text import MultiLine, SingleLine

__all__ = [
    "FACTOR_SET_PATTERN",
    "MIN_MODEL_CHARS",
    "Comparison",
    "ComparisonVersion",
    "Difference",
    "FactorFile",
    "FactorFileIn",
    "FactorPage",
    "FactorSummary",
    "LibraryCopy",
    "LibraryFile",
    "LibraryFileIn",
    "LibraryFilePage",
    "ModelFormat",
    "MonteCarloContributor",
    "MonteCarloIn",
    "MonteCarloRun",
    "MonteCarloStatistics",
    "NoteIn",
    "Product",
    "ProductIn",
    "ProductPage",
    "ProductRename",
    "Study",
    "StudyIn",
    "StudyPage",
    "StudyStatus",
    "StudySummary",
]


def _json_number(value: object) -> object:
    """A JSON number as it came: true/false and strings are not numbers (pydantic's lax mode would convert them)."""
    if isinstance(value, bool | str):
        raise ValueError("give a number, not a boolean or a string")
    return value


# a whole number as JSON Schema's "integer" means it: 5 and 5.0, never true or "5"
WholeNumber = Annotated[int, BeforeValidator(_json_number)]
MAX_SEED = 2**53 - 1  # the largest integer every JSON reader keeps exact (JavaScript's Number.MAX_SAFE_INTEGER)

# lowcarbon.ports.JobState, spelled out for the OpenAPI document (a test checks they agree)
StudyStatus = Literal["queued", "running", "done", "failed"]

# Every model, YAML or JSON, writes these field names and the shortest boundary at least once (an Excel workbook in
# base64 is far longer): no model the server accepts is shorter than they are together.
_REQUIRED_WORDS = ("product", "name", "declared_unit", "unit", "boundary", "gate-to-gate", "stages")
MIN_MODEL_CHARS = sum(map(len, _REQUIRED_WORDS))


class ProductIn(BaseModel):
    """A new product: its name, unique within the organisation."""

    name: SingleLine = Field(min_length=1, max_length=200)


class ProductRename(BaseModel):
    """A product's new name, unique within the organisation."""

    name: SingleLine = Field(min_length=1, max_length=200)


class NoteIn(BaseModel):
    """What a person says of a version: up to 2,000 characters; empty removes the note."""

    note: MultiLine = Field(max_length=2000)


class Product(BaseModel):
    """A product of the caller's organisation; in a list, with its newest computed version and total."""

    id: int
    organisation_id: int
    name: str
    created_at: datetime
    archived_at: datetime | None = Field(None, description="when it was archived; null while it is in use")
    latest_version: int | None = Field(None, description="the newest computed version, as the products page shows it")
    latest_total: float | None = Field(None, description="its total, kg CO2e per declared unit")
    declared_unit: str | None = Field(None, description="the declared unit that total is per, e.g. '1 kW'")


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
    note: str | None = Field(None, description="What a person says of this version; null when nothing")


class LibraryCopy(BaseModel):
    """A file of the organisation's factor library as a study keeps it: copied when the study was stored, because
    its model links the file's factor set."""

    factor_set: str
    name: str
    size: int = Field(description="bytes")
    sha256: str
    library_file_id: int | None = Field(description="The library file it was copied from; null once that is deleted")


class Study(StudySummary):
    """A study with its result (``Footprint.to_dict()``) when done, or the error when failed, and the files of the
    organisation's factor library it keeps."""

    result: dict[str, Any] | None
    error: str | None
    library_files: list[LibraryCopy] = Field(
        default=[], description="Copies of the library files whose factor sets the model links, as they were"
    )


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


# A factor set's name: no space, no slash (a factor's key is <set>/<id>), no backslash, no control character.
FACTOR_SET_PATTERN = r"^[^\s/\\\u0000-\u001f\u007f]{1,100}$"


class LibraryFileIn(BaseModel):
    """A factor file for the organisation's library: a CSV file as text, or any file's bytes in base64 (an Excel
    file, or a CSV file in GB18030 as Chinese Excel saves it)."""

    name: SingleLine = Field(min_length=5, max_length=255, description="The file's name, ending in .csv or .xlsx")
    content: MultiLine = Field(
        min_length=1,
        max_length=MAX_FILE_CHARS,
        description="The file's text (encoding text), or its bytes in base64 (encoding base64)",
    )
    encoding: Literal["text", "base64"] = Field("text", description="base64 for an Excel file")
    factor_set: str | None = Field(
        None,
        pattern=FACTOR_SET_PATTERN,
        description="The factor set studies link its factors by (factor: <set>/<id>); the file's name without "
        "its ending when not given",
    )


class LibraryFile(BaseModel):
    """A factor file of the organisation's library: its factor set, its file, how many factors, who added it."""

    id: int
    factor_set: str
    name: str
    size: int = Field(description="bytes")
    sha256: str
    factors: int = Field(description="How many factors it holds")
    created_by: int | None = Field(description="The id of the user who uploaded it; null when a machine client did")
    created_by_client: str | None = Field(
        description="The client_id of the machine client that uploaded it; null when a person did"
    )
    created_at: datetime


class LibraryFilePage(BaseModel):
    """One page of the organisation's library files, newest first; ``next`` is the next page's URL, null on the
    last."""

    items: list[LibraryFile]
    next: str | None


class FactorSummary(BaseModel):
    """An emission factor a study can link to (``factor: <key>``): shipped with lowcarbon, or of the caller's
    organisation's library (``own``)."""

    key: str = Field(description="<factor set>/<id>")
    factor_set: str
    name: str
    name_zh: str | None
    unit: str = Field(description="The unit of activity the factor is per")
    geography: str
    year: int | None
    source: str
    source_url: str | None
    kg_co2e: float | None = Field(description="kg CO2e per unit under IPCC AR6 GWP100; null when it cannot be")
    unverified: bool = Field(description="The value has one unconfirmed source")
    own: bool = Field(description="Whether it is of your organisation's library")


class FactorPage(BaseModel):
    """One page of the factors found, best match first; ``next`` is the next page's URL, null on the last."""

    items: list[FactorSummary]
    next: str | None


class MonteCarloIn(BaseModel):
    """A Monte Carlo run of a study: how many iterations (``MIN_ITERATIONS`` to ``MAX_ITERATIONS`` of
    ``footprint.runs``; else 400 ``invalid_iterations``) and the seed (chosen at random when none is given)."""

    iterations: WholeNumber = Field(
        default=1000, description="How many times every uncertain value is sampled: 10 to 100000"
    )
    seed: WholeNumber | None = Field(
        default=None, ge=0, le=MAX_SEED, description="The same seed gives the same numbers: 0 to 2**53 - 1"
    )


class MonteCarloContributor(BaseModel):
    """An uncertain input's share of the total's variance (squared Spearman rank correlation, normalised)."""

    label: str
    label_zh: str
    share: float | None = Field(description="0 to 1 of the explained variance; null when nothing varies")
    rank_correlation: float | None


class MonteCarloStatistics(BaseModel):
    """The total's statistics over the iterations, kg CO2e per declared unit (``footprint_uncertainty``)."""

    iterations: int
    seed: int
    deterministic: float = Field(description="The footprint's total without sampling")
    mean: float
    std: float
    median: float
    p2_5: float
    p97_5: float
    contributors: list[MonteCarloContributor] = Field(description="The inputs that drive the variance, largest first")
    by_stage: dict[str, dict[str, float]] = Field(description="Stage -> its mean, std, p2_5 and p97_5")
    uncertain_inputs: int = Field(description="How many values were sampled in each iteration")
    notes: list[str]


class MonteCarloRun(BaseModel):
    """A Monte Carlo run of a study: where its job stands, how far it got, and its statistics when done."""

    id: int
    study_id: int
    status: StudyStatus
    iterations: int
    seed: int
    done: int | None = Field(description="Iterations done so far, when the worker reports them (same machine)")
    statistics: MonteCarloStatistics | None = Field(description="When done")
    error: str | None = Field(description="When failed")
    created_at: datetime
    job_id: int | None
