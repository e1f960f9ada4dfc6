"""Carbon management system (CMS) evaluation: the requirements as versioned data, and a pure scoring function.

A requirement set (``data/cms/<id>-<version>.json``, or a file of the same shape: a published guideline replaces the
shipped one without code) has clauses in plan-do-check-act order, each with requirements, their evidence and scoring
guidance and a weight; a score scale, the score below which a requirement is a gap, and the maturity levels the
overall score reaches. ``evaluate`` scores one assessment (a company's self-assessment or a body's evaluation):
per clause and overall as a percentage of the maximum, the maturity level, and the gap report (each requirement below
the gap score with its evidence to provide); ``compare`` puts a self-assessment beside a body's evaluation.

The shipped set is lowcarbon's illustrative wording, not a published guideline's (its ``basis`` says so).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, model_validator

from lowcarbon.bounded import parse_json, read_path
from lowcarbon.errors import DataFormatError, Problem
from lowcarbon.footprint.model import parse_model_errors
from lowcarbon.footprint.strict import StrictModel
from lowcarbon.footprint.variation import problem

__all__ = [
    "ClauseScore",
    "Evaluation",
    "Gap",
    "RequirementSet",
    "compare",
    "evaluate",
    "load_requirements",
    "shipped_requirement_sets",
]

DATA = "lowcarbon.inventory.data.cms"


class Requirement(StrictModel):
    id: str = Field(min_length=1)
    text: str = Field(min_length=1)
    text_zh: str = Field(min_length=1)
    evidence: list[str] = Field(default_factory=list)
    guidance: str = ""
    weight: float = Field(default=1.0, gt=0)


class Clause(StrictModel):
    id: str = Field(min_length=1)
    pdca: Literal["plan", "do", "check", "act"]
    name: str
    name_zh: str
    requirements: list[Requirement] = Field(min_length=1)


class ScaleScore(StrictModel):
    score: int = Field(ge=0)
    name: str
    name_zh: str


class Scale(StrictModel):
    about: str = ""
    scores: list[ScaleScore] = Field(min_length=2)
    gap_below: int  # a requirement scored below this is a gap

    @property
    def maximum(self) -> int:
        return max(s.score for s in self.scores)


class Level(StrictModel):
    level: int
    name: str
    name_zh: str
    from_percent: float = Field(ge=0, le=100)


class Maturity(StrictModel):
    about: str = ""
    levels: list[Level] = Field(min_length=1)


class RequirementSet(StrictModel):
    """A versioned set of CMS requirements with its scale and maturity levels."""

    id: str = Field(min_length=1)
    version: str = Field(min_length=1)
    status: Literal["illustrative", "draft", "published"]
    title: str
    title_zh: str
    basis: str = Field(min_length=1)  # where the requirements come from
    scale: Scale
    maturity: Maturity
    clauses: list[Clause] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> RequirementSet:
        ids = [r.id for c in self.clauses for r in c.requirements] + [c.id for c in self.clauses]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise problem("repeated_requirement", f"clause and requirement ids must be unique; repeated: {repeated}")
        scores = sorted(s.score for s in self.scale.scores)
        if scores != list(range(scores[0], scores[0] + len(scores))) or scores[0] != 0:
            raise problem("scale_scores", "the scale's scores are 0, 1, 2... without gaps")
        if not 0 < self.scale.gap_below <= self.scale.maximum:
            raise problem("gap_below", "gap_below is one of the scale's scores above 0")
        starts = [level.from_percent for level in self.maturity.levels]
        if starts != sorted(starts) or starts[0] != 0:
            raise problem("maturity_levels", "maturity levels start at 0 % and rise in order")
        return self

    def requirement_ids(self) -> list[str]:
        return [r.id for c in self.clauses for r in c.requirements]


@dataclass(frozen=True)
class ClauseScore:
    clause: str
    pdca: str
    percent: float  # weighted score as a percentage of the maximum


@dataclass(frozen=True)
class Gap:
    requirement: str
    clause: str
    score: int
    text: str
    text_zh: str
    evidence: tuple[str, ...]
    guidance: str


@dataclass(frozen=True)
class Evaluation:
    """One assessment scored: per clause, overall, the maturity level reached, and the gaps."""

    requirement_set: str  # id and version
    clauses: tuple[ClauseScore, ...]
    percent: float
    level: int
    level_name: str
    level_name_zh: str
    gaps: tuple[Gap, ...]


def shipped_requirement_sets() -> list[str]:
    """The shipped sets, as ``<id>-<version>``."""
    folder = resources.files(DATA)
    return sorted(item.name.removesuffix(".json") for item in folder.iterdir() if item.name.endswith(".json"))


def load_requirements(name: str | Path = "lowcarbon-illustrative-1") -> RequirementSet:
    """A shipped set by ``<id>-<version>``, or a requirement set file's path."""
    if isinstance(name, Path) or name not in shipped_requirement_sets():
        location = Path(name)
        if not location.exists():
            shipped = ", ".join(shipped_requirement_sets())
            raise DataFormatError.at(str(name), f"no such requirement set; shipped: {shipped}", id="missing_file")
        text, source = read_path(location, "max_model_bytes").decode("utf-8", errors="replace"), str(location)
    else:
        text, source = resources.files(DATA).joinpath(f"{name}.json").read_text(encoding="utf-8"), f"{name}.json"
    try:
        return RequirementSet.model_validate(parse_json(text, source))
    except ValidationError as exc:
        raise parse_model_errors(exc, source, "requirement set") from None


def evaluate(requirements: RequirementSet, scores: Mapping[str, int], source: str = "assessment") -> Evaluation:
    """Score an assessment (requirement id -> score on the set's scale); DataFormatError naming each requirement
    missing, unknown or scored off the scale."""
    _check(requirements, scores, source)
    maximum = requirements.scale.maximum
    clauses, gaps = [], []
    earned = possible = 0.0
    for clause in requirements.clauses:
        got = sum(r.weight * scores[r.id] for r in clause.requirements)
        top = sum(r.weight * maximum for r in clause.requirements)
        clauses.append(ClauseScore(clause.id, clause.pdca, 100 * got / top))
        earned, possible = earned + got, possible + top
        gaps += [
            Gap(r.id, clause.id, scores[r.id], r.text, r.text_zh, tuple(r.evidence), r.guidance)
            for r in clause.requirements
            if scores[r.id] < requirements.scale.gap_below
        ]
    percent = 100 * earned / possible
    level = [lv for lv in requirements.maturity.levels if percent >= lv.from_percent][-1]
    name = f"{requirements.id}-{requirements.version}"
    return Evaluation(name, tuple(clauses), percent, level.level, level.name, level.name_zh, tuple(gaps))


def compare(self_assessment: Evaluation, evaluation: Evaluation) -> dict[str, float]:
    """Clause by clause, the body's percent minus the company's own (negative: the company rated itself higher)."""
    own = {c.clause: c.percent for c in self_assessment.clauses}
    return {c.clause: c.percent - own[c.clause] for c in evaluation.clauses}


def _check(requirements: RequirementSet, scores: Mapping[str, int], source: str) -> None:
    known = requirements.requirement_ids()
    valid = {s.score for s in requirements.scale.scores}
    problems = [
        Problem("no score given; score every requirement", rid, source, "missing") for rid in known if rid not in scores
    ]
    problems += [
        Problem(f"not a requirement of {requirements.id}-{requirements.version}", rid, source, "unknown_requirement")
        for rid in scores
        if rid not in known
    ]
    problems += [
        Problem(f"score {score!r} is not on the scale ({', '.join(map(str, sorted(valid)))})", rid, source, "scale")
        for rid, score in scores.items()
        if rid in known and (isinstance(score, bool) or score not in valid)
    ]
    if problems:
        raise DataFormatError(problems=problems, what="assessment")
