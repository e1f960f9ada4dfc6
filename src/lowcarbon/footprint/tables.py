"""The footprint domain's tables: products of an organisation, and the footprint studies of each product's versions.

A study keeps the exact input it was computed from (``model_text``: YAML or JSON text as sent, or an Excel
workbook's bytes in base64) beside its result, so every figure can be traced back and recomputed, and who submitted
it: a person (``created_by``, a user) or a program (``created_by_client``, a machine client), exactly one of the two.
The factor files its model names are kept beside it (``study_files``), each under the name the model gives it.

An organisation's own factor library (``library_files``) holds the factor files it uploaded once, each the factor set
of its name, which any study of the organisation links (``factor: <set>/<id>``) without naming the file. When a
study is stored, a copy of each library file whose set its model links is kept with it (``study_library_files``),
so that replacing or deleting a library file never changes what a stored study was, or is recomputed, from.
A study's Monte Carlo runs (``monte_carlo_runs``) keep the iterations and seed asked for, the job that runs them
and, once it is done, its statistics with the sampled totals (``FootprintUncertainty.to_dict(samples=True)``).
The revisions that create these tables are in ``migrations/versions`` (branch ``studies``, its name from before the
domain was folded into footprint); a test checks they describe the same schema.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lowcarbon.ports import JobState
from lowcarbon.storage import Base, UTCDateTime

__all__ = [
    "CREATOR",
    "ENCODINGS",
    "FORMATS",
    "STATUSES",
    "LibraryFile",
    "MonteCarloRun",
    "Product",
    "Study",
    "StudyFile",
    "StudyLibraryFile",
]

FORMATS = ("yaml", "json", "xlsx")
STATUSES = tuple(state.value for state in JobState)  # a study stands where its computation (a job) stands
CREATOR = "(created_by IS NULL) <> (created_by_client IS NULL)"  # a person or a machine client, not both
ENCODINGS = ("text", "base64")  # a file kept as its UTF-8 text, or as its bytes in base64 (Excel, GB18030 CSV)


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


class Product(Base):
    """A product of an organisation, whose footprint is studied version by version."""

    __tablename__ = "products"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # archived: out of lists, no new versions


class Study(Base):
    """One version of a product's footprint study: the model as given, and the result computed from it."""

    __tablename__ = "studies"
    __table_args__ = (
        sa.UniqueConstraint("product_id", "version"),
        sa.CheckConstraint(_one_of("model_format", FORMATS), name="model_format"),
        sa.CheckConstraint(_one_of("status", STATUSES), name="status"),
        sa.CheckConstraint(CREATOR, name="creator"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id", ondelete="RESTRICT"))
    version: Mapped[int] = mapped_column()  # 1, 2, ... within the product
    model_text: Mapped[str] = mapped_column(sa.Text())
    model_format: Mapped[str] = mapped_column(sa.String(8))
    status: Mapped[str] = mapped_column(sa.String(16))
    result: Mapped[Any] = mapped_column(sa.JSON(none_as_null=True), nullable=True)  # Footprint.to_dict()
    total: Mapped[float | None] = mapped_column(sa.Float())  # kg CO2e per declared unit
    error: Mapped[str | None] = mapped_column(sa.Text())
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    job_id: Mapped[int | None] = mapped_column(sa.ForeignKey("jobs.id", ondelete="RESTRICT"), unique=True)
    created_by_client: Mapped[int | None] = mapped_column(sa.ForeignKey("machine_clients.id", ondelete="RESTRICT"))
    client_name: Mapped[str | None] = mapped_column(sa.String(64))  # that client's client_id, as the API shows it
    note: Mapped[str | None] = mapped_column(sa.Text())  # what a person says of this version (studies_0007)


class StudyFile(Base):
    """A factor file a study's model names, kept as given: a CSV file's text, an Excel file's bytes in base64."""

    __tablename__ = "study_files"
    __table_args__ = (sa.UniqueConstraint("study_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(sa.ForeignKey("studies.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(sa.String(255))  # relative to the model, as its factor_files give it
    content: Mapped[str] = mapped_column(sa.Text())
    sha256: Mapped[str] = mapped_column(sa.String(64))  # of the file's bytes
    size: Mapped[int] = mapped_column()  # the file's bytes


class LibraryFile(Base):
    """A factor file of an organisation's own library, kept byte for byte: the factor set its factors are linked
    by (the file's stem unless given), who uploaded it and when."""

    __tablename__ = "library_files"
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "factor_set"),
        sa.CheckConstraint(_one_of("encoding", ENCODINGS), name="encoding"),
        sa.CheckConstraint(CREATOR, name="creator"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="RESTRICT"))
    factor_set: Mapped[str] = mapped_column(sa.String(100))  # factor keys are <factor_set>/<id>
    name: Mapped[str] = mapped_column(sa.String(255))  # the file's name as uploaded: its ending tells CSV or Excel
    content: Mapped[str] = mapped_column(sa.Text())
    encoding: Mapped[str] = mapped_column(sa.String(8))
    sha256: Mapped[str] = mapped_column(sa.String(64))  # of the file's bytes
    size: Mapped[int] = mapped_column()  # the file's bytes
    factors: Mapped[int] = mapped_column()  # how many factors it holds
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    created_by_client: Mapped[int | None] = mapped_column(sa.ForeignKey("machine_clients.id", ondelete="RESTRICT"))
    client_name: Mapped[str | None] = mapped_column(sa.String(64))  # that client's client_id, as the API shows it
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class StudyLibraryFile(Base):
    """A library file as it was when a study linking its factor set was stored: a copy, kept with the study."""

    __tablename__ = "study_library_files"
    __table_args__ = (
        sa.UniqueConstraint("study_id", "factor_set"),
        sa.CheckConstraint(_one_of("encoding", ENCODINGS), name="encoding"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(sa.ForeignKey("studies.id", ondelete="RESTRICT"))
    # the library file it was copied from, while that is in the library (deleting it keeps the copy)
    library_file_id: Mapped[int | None] = mapped_column(sa.ForeignKey("library_files.id", ondelete="SET NULL"))
    factor_set: Mapped[str] = mapped_column(sa.String(100))
    name: Mapped[str] = mapped_column(sa.String(255))
    content: Mapped[str] = mapped_column(sa.Text())
    encoding: Mapped[str] = mapped_column(sa.String(8))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int] = mapped_column()


class MonteCarloRun(Base):
    """A Monte Carlo run of a study's footprint, done by a job: what was asked, and the statistics it gave."""

    __tablename__ = "monte_carlo_runs"
    __table_args__ = (
        sa.CheckConstraint(_one_of("status", STATUSES), name="status"),
        sa.CheckConstraint(CREATOR, name="creator"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(sa.ForeignKey("studies.id", ondelete="RESTRICT"), index=True)
    iterations: Mapped[int] = mapped_column()
    seed: Mapped[int] = mapped_column(sa.BigInteger())  # chosen when none is given, so a rerun gives the same numbers
    status: Mapped[str] = mapped_column(sa.String(16))
    result: Mapped[Any] = mapped_column(sa.JSON(none_as_null=True), nullable=True)  # FootprintUncertainty.to_dict()
    error: Mapped[str | None] = mapped_column(sa.Text())
    progress_key: Mapped[str] = mapped_column(sa.String(32))  # names the file the worker reports its progress in
    job_id: Mapped[int | None] = mapped_column(sa.ForeignKey("jobs.id", ondelete="RESTRICT"), unique=True)
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    created_by_client: Mapped[int | None] = mapped_column(sa.ForeignKey("machine_clients.id", ondelete="RESTRICT"))
    client_name: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
