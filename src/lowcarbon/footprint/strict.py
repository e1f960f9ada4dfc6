"""The base of every value of a product model: strict about fields, numbers and text, and frozen."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

from lowcarbon.text import control_problem

__all__ = ["StrictModel"]


class StrictModel(BaseModel):
    """Unknown fields are errors (typos are caught), NaN and infinity are no numbers, texts have no control
    characters (a NUL, which PostgreSQL cannot store, or a bell), values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @field_validator("*", mode="after")
    @classmethod
    def _plain_text(cls, value: Any) -> Any:
        texts = value if isinstance(value, (list, tuple)) else (value,)
        for text in texts:
            problem = control_problem(text, multiline=True) if isinstance(text, str) else None
            if problem is not None:
                raise ValueError(problem)
        return value
