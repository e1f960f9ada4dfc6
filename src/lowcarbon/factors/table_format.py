"""The factor template: one factor per row, in CSV or Excel, the same columns for shipped sets and users' files.

Columns (a header row first; order does not matter; unknown columns are an error so that typos are caught):

===================  ========  ===================================================================================
column               required  meaning
===================  ========  ===================================================================================
id                   yes       unique within the file, e.g. ``cn-national-2023``
name                 yes       English name
name_zh                        Chinese name
unit                 yes       the unit of activity the factor is per, as pint writes it: kWh, TJ, kg, t, m**3, t*km
geography            yes       ISO 3166 code or a named region, e.g. CN, CN-East grid, GLO
year                           reference year (integer)
category, boundary             free text: what kind of factor; what the value covers
kg_<gas>                       kg of that gas per unit, e.g. ``kg_CO2``, ``kg_CH4-fossil``, ``kg_N2O``; gas ids are
                               those of the characterization sets (factors/data/characterization); methane
                               needs its origin: ``kg_CH4-fossil`` or ``kg_CH4-non-fossil``, never plain CH4
kg_<gas>_<origin>              the same gas of one origin, so one factor can carry fossil and biogenic CO2:
                               ``kg_CO2_fossil``, ``kg_CO2_biogenic``, ``kg_CO2_land_use_change``
origin                         fossil (default), biogenic or land_use_change: the origin of the gases whose
                               column does not name one
co2e, co2e_basis               kg CO2e per unit when only a total is published, and the GWP set it was computed with
source               yes       the citation
source_url                     where to read it
unverified                     true when the value has one unchecked source
uncertainty                    none, lognormal, normal, uniform or triangular
lower, upper                   the 95 % range of the value (2.5th and 97.5th percentiles)
geometric_sd                   lognormal: the geometric standard deviation
dqr_technological, dqr_temporal, dqr_geographical
                               PACT v3 data-quality ratings, 1 (best) to 5
dqr_completeness, dqr_reliability
                               the pedigree matrix's other two indicators, 1 to 5 (for uncertainty, not PACT)
primary_data_share             of a supplier's footprint used as a factor: its PACT primaryDataShare, in percent
purpose                        company (for company, scope 2, reporting only: a footprint warns when it uses one),
                               product, or empty for both
notes                          free text
===================  ========  ===================================================================================

A row needs at least one gas column or ``co2e``. Every problem in a file is reported at once, each with the file,
the row (as a spreadsheet shows it), the column and the fix.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import cast, get_args

from lowcarbon.bounded import Workbook, csv_rows, read_path
from lowcarbon.errors import MAX_PROBLEMS, DataFormatError, Problem, UnitError
from lowcarbon.factors.columns import COLUMNS, column_of, did_you_mean
from lowcarbon.factors.model import (
    ORIGINS,
    PURPOSES,
    DataQuality,
    Emission,
    Factor,
    Origin,
    Purpose,
    Uncertainty,
    UncertaintyType,
)
from lowcarbon.units import check_unit

REQUIRED = ("id", "name", "unit", "geography", "source")
OPTIONAL = (
    "name_zh",
    "year",
    "category",
    "boundary",
    "origin",
    "co2e",
    "co2e_basis",
    "source_url",
    "unverified",
    "uncertainty",
    "lower",
    "upper",
    "geometric_sd",
    "notes",
    "primary_data_share",
    "purpose",
)
DQR = ("technological", "temporal", "geographical", "completeness", "reliability")
GAS_PREFIX = "kg_"
_ZH = {column.name: column.zh for column in COLUMNS}
THOUSANDS = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d*)?([eE][-+]?\d+)?")


class _Problems:
    """Collects every problem of a file, then raises them together."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.items: list[Problem] = []  # the first MAX_PROBLEMS
        self.count = 0

    def add(self, row: int | None, column: str | None, message: str) -> None:
        self.count += 1
        if self.count <= MAX_PROBLEMS:
            parts = (f"row {row}" if row is not None else "", f"column {column}" if column else "")
            place = ", ".join(part for part in parts if part)
            self.items.append(Problem(message, place, self.source, "invalid_factor_table"))

    def raise_if_any(self) -> None:
        if self.items:
            raise DataFormatError(problems=self.items, what="factor file", count=self.count)


def read_factor_file(path: str | Path, factor_set: str | None = None) -> list[Factor]:
    """Factors from a CSV (UTF-8, or GB18030/GBK as Chinese Excel saves it; commas, semicolons or tabs) or Excel
    (.xlsx, first sheet or one named "factors") file."""
    location = Path(path)
    return read_factor_bytes(read_path(location), str(location), factor_set or location.stem)


def read_factor_bytes(data: bytes, source: str, factor_set: str) -> list[Factor]:
    """Factors from the bytes of a CSV or Excel file named ``source`` (its ending tells which)."""
    if source.lower().endswith((".xlsx", ".xlsm")):
        return parse_rows(_excel_rows(data, source), source, factor_set)
    return parse_csv(decoded_text(data, source), source, factor_set)


def decoded_text(data: bytes, source: str) -> str:
    """A CSV file's text: UTF-8 (a byte order mark dropped), else GB18030, which includes GBK and GB2312 and is
    what Excel in Chinese saves "CSV" as; DataFormatError when it is neither."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        message = f"neither UTF-8 nor GB18030/GBK text ({exc}); save the CSV as UTF-8"
        raise DataFormatError.at(source, message, id="not_utf8") from None


def parse_csv(text: str, source: str, factor_set: str) -> list[Factor]:
    """Factors from CSV text, its cells separated by commas, semicolons or tabs (whichever the header row has
    most of); ``source`` names it in error messages."""
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=header.count)
    return parse_rows(csv_rows(text, source, delimiter=delimiter), source, factor_set)


def _excel_rows(data: bytes, source: str) -> Iterator[list[str]]:
    with Workbook(data, source) as workbook:
        names = workbook.sheetnames
        for row in workbook.rows("factors" if "factors" in names else names[0]):
            yield ["" if cell is None else str(cell) for cell in row]


def parse_rows(rows: Iterable[list[str]], source: str, factor_set: str) -> list[Factor]:
    """Factors from a header row and data rows of strings."""
    problems = _Problems(source)
    iterator = iter(rows)
    header = [column_of(h) for h in next(iterator, [])]
    if not any(header):
        problems.add(None, None, "the file is empty; the first row must name the columns (id, name, unit, ...)")
        problems.raise_if_any()
    known = sorted(set(REQUIRED) | set(OPTIONAL) | {f"dqr_{d}" for d in DQR})
    for column in header:
        if column and column not in known and not column.startswith(GAS_PREFIX):
            hint = did_you_mean(column, known) or " (see `lowcarbon factors template`)"
            problems.add(1, column, f"unknown column{hint}")
    missing = [column for column in REQUIRED if column not in header]
    for column in missing:
        problems.add(1, column, f"required column is missing (in Chinese: {_ZH[column]})")
    factors: list[Factor] = []  # the rows are checked too, so that every problem is told at once
    seen: dict[str, int] = {}
    for number, values in enumerate(iterator, start=2):
        if not any(v.strip() for v in values):
            continue
        row = {column: (values[k].strip() if k < len(values) else "") for k, column in enumerate(header) if column}
        factor = _factor(row, number, problems, factor_set, missing)
        if factor is not None:
            if factor.id in seen:
                problems.add(number, "id", f"id {factor.id!r} is already used in row {seen[factor.id]}")
            seen[factor.id] = number
            factors.append(factor)
    problems.raise_if_any()
    return factors


PLAIN_METHANE = (
    "methane needs its origin, which sets its GWP (AR6: fossil 29.8, non-fossil 27.0): name the column "
    "kg_CH4-fossil (coal, oil, natural gas) or kg_CH4-non-fossil (biomass, livestock, landfill, rice)"
)


def gas_column(column: str, origin: str) -> tuple[str, str]:
    """The gas and its origin of a ``kg_<gas>`` or ``kg_<gas>_<origin>`` column; ``origin`` when it names none."""
    gas = column[len(GAS_PREFIX) :]
    for named in ORIGINS:
        if gas.endswith(f"_{named}"):
            return gas[: -len(named) - 1], named
    return gas, origin


def _number(row: Mapping[str, str], column: str, number: int, problems: _Problems) -> float | None:
    text = row.get(column, "")
    if not text:
        return None
    if "," in text and not THOUSANDS.fullmatch(text):
        problems.add(
            number, column, f"{text!r}: write numbers with a decimal point, e.g. 0.5306 (commas only group thousands)"
        )
        return None
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        problems.add(number, column, f"{text!r} is not a number")
        return None
    if not math.isfinite(value):
        problems.add(number, column, f"{text!r} is not a finite number")
        return None
    return value


def _factor(
    row: Mapping[str, str], number: int, problems: _Problems, factor_set: str, missing: Iterable[str] = ()
) -> Factor | None:
    """The row's factor, or None after adding its problems (or when the header lacks a ``missing`` column)."""
    before = problems.count
    absent = set(missing)
    for column in REQUIRED:
        if column not in absent and not row.get(column):
            problems.add(number, column, "is empty; every factor needs it")
    if row.get("unit"):
        try:
            check_unit(row["unit"], f"{problems.source}, row {number}, column unit")
        except UnitError as exc:
            problems.add(number, "unit", exc.reason)
    origin = row.get("origin") or "fossil"
    if origin not in ORIGINS:
        problems.add(number, "origin", f"{origin!r} is not one of {', '.join(ORIGINS)}")
        origin = "fossil"
    emissions = []
    before_values = problems.count
    for column, text in row.items():
        if column.startswith(GAS_PREFIX) and text:
            amount = _number(row, column, number, problems)
            gas, gas_origin = gas_column(column, origin)
            if gas == "CH4":
                problems.add(number, column, PLAIN_METHANE)
            elif (gas == "CH4-fossil") != (gas_origin == "fossil") and gas.startswith("CH4-"):
                problems.add(
                    number,
                    column,
                    f"{gas} does not fit origin {gas_origin}: fossil methane is CH4-fossil, other CH4-non-fossil",
                )
            if amount is not None:
                emissions.append(Emission(gas, amount, cast(Origin, gas_origin)))
    co2e = _number(row, "co2e", number, problems)
    if not emissions and co2e is None and problems.count == before_values:
        problems.add(number, None, "no value: give kg_<gas> columns (e.g. kg_CO2) or co2e")
    year = None
    if row.get("year"):
        try:
            year = int(row["year"])
        except ValueError:
            problems.add(number, "year", f"{row['year']!r} is not a year")
    distribution = row.get("uncertainty") or "none"
    if distribution not in get_args(UncertaintyType):
        problems.add(number, "uncertainty", f"{distribution!r} is not one of {', '.join(get_args(UncertaintyType))}")
        distribution = "none"
    ratings = {}
    for name in DQR:
        rating = _number(row, f"dqr_{name}", number, problems)
        if rating is not None and not 1 <= rating <= 5:
            problems.add(number, f"dqr_{name}", f"{rating} is outside the PACT range 1 to 5")
        ratings[name] = rating
    share = _number(row, "primary_data_share", number, problems)
    if share is not None and not 0 <= share <= 100:
        problems.add(number, "primary_data_share", f"{share} is not a percentage from 0 to 100")
    purpose = row.get("purpose", "")
    if purpose not in PURPOSES:
        problems.add(number, "purpose", f"{purpose!r} is not company, product or empty")
        purpose = ""
    unverified_text = row.get("unverified", "").lower()
    if unverified_text not in ("", "true", "false", "yes", "no", "1", "0"):
        problems.add(number, "unverified", f"{row['unverified']!r} is not true or false")
    if problems.count > before or absent:
        return None
    return Factor(
        id=row["id"],
        name=row["name"],
        unit=row["unit"],
        geography=row["geography"],
        source=row["source"],
        factor_set=factor_set,
        name_zh=row.get("name_zh") or None,
        year=year,
        emissions=tuple(emissions),
        co2e=co2e,
        co2e_basis=row.get("co2e_basis") or None,
        co2e_origin=cast(Origin, origin),
        category=row.get("category", ""),
        boundary=row.get("boundary", ""),
        source_url=row.get("source_url") or None,
        data_quality=DataQuality(**ratings),
        uncertainty=Uncertainty(
            distribution=cast(UncertaintyType, distribution),
            lower=_number(row, "lower", number, problems),
            upper=_number(row, "upper", number, problems),
            geometric_sd=_number(row, "geometric_sd", number, problems),
        ),
        unverified=unverified_text in ("true", "yes", "1"),
        notes=row.get("notes", ""),
        primary_data_share=share / 100 if share is not None else None,
        purpose=cast(Purpose, purpose),
    )
