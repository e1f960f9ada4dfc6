"""Factors written as a factor-template CSV (``table_format``), the format of the shipped sets; it reads back as is."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from lowcarbon.factors.model import Emission, Factor

LEADING = ("id", "name", "name_zh", "unit", "geography", "year", "category", "boundary", "origin")
TRAILING = ("co2e", "co2e_basis", "source", "source_url", "unverified", "notes")


def factor_csv(factors: Sequence[Factor]) -> str:
    """The CSV text of ``factors``: the template's columns, a ``kg_<gas>`` column for each gas any factor has (with
    its origin in the column's name when it differs from the row's ``origin``), in the order they first appear.
    ValueError for what these columns cannot hold yet (see ``_check``)."""
    _check(factors)
    gas_columns = list(dict.fromkeys(_gas_column(e, f.co2e_origin) for f in factors for e in f.emissions))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*LEADING, *gas_columns, *TRAILING])
    for factor in factors:
        gases = {_gas_column(e, factor.co2e_origin): _number(e.amount) for e in factor.emissions}
        writer.writerow(
            [
                factor.id,
                factor.name,
                factor.name_zh or "",
                factor.unit,
                factor.geography,
                "" if factor.year is None else str(factor.year),
                factor.category,
                factor.boundary,
                factor.co2e_origin,
                *(gases.get(column, "") for column in gas_columns),
                "" if factor.co2e is None else _number(factor.co2e),
                factor.co2e_basis or "",
                factor.source,
                factor.source_url or "",
                "true" if factor.unverified else "false",
                factor.notes,
            ]
        )
    return out.getvalue()


def _check(factors: Iterable[Factor]) -> None:
    """ValueError for a factor with ratings, an uncertainty or a primary data share (not written yet), or with one gas
    of one origin twice."""
    for factor in factors:
        if factor.data_quality.ratings() or factor.uncertainty.distribution != "none" or factor.primary_data_share:
            raise ValueError(f"{factor.key}: data-quality ratings, uncertainty and primary data share are not written")
        columns = [_gas_column(e, factor.co2e_origin) for e in factor.emissions]
        if len(columns) != len(set(columns)):
            raise ValueError(f"{factor.key}: one gas of one origin twice")


def _gas_column(emission: Emission, row_origin: str) -> str:
    suffix = "" if emission.origin == row_origin else f"_{emission.origin}"
    return f"kg_{emission.gas}{suffix}"


def _number(value: float) -> str:
    """The shortest text that reads back as the same float (``repr``), without a trailing ``.0``."""
    text = repr(value)
    return text[:-2] if text.endswith(".0") else text
