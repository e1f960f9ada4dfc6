"""UK DESNZ greenhouse-gas conversion factors (the "flat file for automatic processing") as lowcarbon factors.

The flat file has one row per ID: ``ID, Scope, Level 1-4, Column Text, UOM, GHG/Unit, GHG Conversion Factor <year>``.
An activity (an ID without its last ``_n``) has a total row (``kg CO2e``) and, for most, its CO2, CH4 and N2O parts,
already CO2e-weighted with IPCC AR5 GWPs. One factor per activity is made from the total; the parts, being CO2e and
not masses, go into the notes. What is not an emission factor is skipped with the reason, in ``ImportReport.skipped``:
energy contents (``kWh (Net CV)`` per unit), rows DESNZ publishes no value for, zeros (a battery car's tailpipe),
per-mile rows (the per-km factor is the same one; pint converts miles), and an activity listed again under another
reporting category with the same value (a lorry's km under Delivery vehicles, Freighting goods and Managed assets).
"Outside of scopes" rows are the biogenic CO2 of burning biomass: a mass of CO2, kept with origin biogenic.

Each factor carries the attribution the Open Government Licence asks for, and the file's SHA-256.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lowcarbon.bounded import Workbook, read_path
from lowcarbon.errors import DataFormatError
from lowcarbon.factors.glossary import Glossary, load_glossary
from lowcarbon.factors.inventory_import import ImportReport
from lowcarbon.factors.model import Emission, Factor

ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0. Source: Department for "
    "Energy Security and Net Zero, Greenhouse gas reporting: conversion factors {year}."
)
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
PUBLICATION_URL = "https://www.gov.uk/government/publications/greenhouse-gas-reporting-conversion-factors-{year}"
GWP_BASIS = "IPCC AR5 GWP100"  # DESNZ's methodology paper: AR5 100-year GWPs (CH4 28, N2O 265)
SHEET = "Factors by Category"
TOTAL = "kg CO2e"
PARTS = {"kg CO2e of CO2 per unit": "CO2", "kg CO2e of CH4 per unit": "CH4", "kg CO2e of N2O per unit": "N2O"}
ENERGY_CONTENT = ("kWh (Net CV)", "kWh (net)")  # a GHG/Unit that is an energy per unit, not an emission
OUTSIDE_SCOPES = "Outside of scopes"

# DESNZ's units of measure, as pint writes them (lowcarbon.units); the name keeps DESNZ's own text.
UNITS = {
    "km": "km",
    "miles": "mile",
    "tonne.km": "t*km",
    "tonnes": "t",
    "kg": "kg",
    "passenger.km": "pkm",
    "litres": "L",
    "kWh (Net CV)": "kWh",
    "kWh (Gross CV)": "kWh",
    "kWh": "kWh",
    "GJ": "GJ",
    "cubic metres": "m**3",
    "million litres": "megaliter",
    "Room per night": "room_night",
    "per FTE Working Hour": "person*hour",
}
UNIT_TEXT = {  # the unit in a factor's English name: "per tonne", not "per tonnes"
    "tonnes": "tonne",
    "litres": "litre",
    "cubic metres": "cubic metre",
    "Room per night": "room-night",
    "per FTE Working Hour": "FTE working hour",
}

# What each DESNZ category covers, by the start of its Level 1 name.
BOUNDARIES = (
    (
        "WTT- ",
        "well-to-tank: extracting, refining and transporting the fuel or energy before it is used; add it to "
        "the use factor for a cradle-to-use value",
    ),
    ("Fuels", "burning the fuel at the point of use; its supply is the well-to-tank (WTT) factor"),
    (
        "Bioenergy",
        "burning the bioenergy at the point of use: CH4 and N2O (its biogenic CO2 is the Outside of scopes "
        "factor); its supply is the well-to-tank (WTT) factor",
    ),
    (OUTSIDE_SCOPES, "biogenic CO2 released by burning the bioenergy, reported outside the scopes"),
    ("Refrigerant", "release of the gas or blend to air (leakage), per mass released"),
    ("UK electricity T&D", "transmission and distribution losses of the UK grid electricity an electric vehicle uses"),
    ("UK electricity for EVs", "generating the UK grid electricity an electric vehicle uses"),
    ("UK electricity", "generating UK grid electricity (location-based); losses and supply are separate factors"),
    ("Managed assets- electricity", "generating UK grid electricity (location-based)"),
    ("Transmission and distribution", "transmission and distribution losses of UK grid electricity or heat"),
    ("Heat and steam", "supplying heat and steam"),
    ("Water supply", "supplying mains water"),
    ("Water treatment", "treating waste water"),
    (
        "Material use",
        "producing the material (cradle to gate) by the route the column text names: primary "
        "production, re-used, or an open-loop or closed-loop recycled source",
    ),
    ("Waste disposal", "treating the waste from collection to disposal by the route the column text names"),
    ("Hotel stay", "one room for one night in an average hotel of the country"),
    ("Homeworking", "one employee working from home for one hour: office equipment and heating"),
)
VEHICLES = (
    "running the vehicle (fuel burnt; for electric vehicles in travel and freight, the electricity); its fuel "
    "supply is the well-to-tank (WTT) factor"
)
# When one activity is listed under several reporting categories with one value, the factor keeps this one.
PREFERRED = ("Freighting goods", "Delivery vehicles", "Passenger vehicles", "UK electricity")
REFRIGERANT_TOTAL = "Total emissions including non-Kyoto products"


@dataclass(frozen=True)
class DesnzRow:
    """One value of DESNZ's factors: a row of the flat file, or a cell of the full set."""

    id: str  # where it is: the flat file's ID (1_100_1000_15_1) or the full set's cell ('Fuels'!D23)
    activity: str  # one activity in one unit: the ID without its last part, or the cell of the kg CO2e value
    scope: str
    levels: tuple[str, ...]  # Level 1 (the category; the full set's sheet) to 4, blanks left out
    column_text: str
    uom: str
    ghg: str  # the GHG/Unit column: kg CO2e, kg CO2e of CO2 per unit, ..., kWh (Net CV)
    value: float | None

    @property
    def terms(self) -> tuple[str, ...]:
        """Levels and column text, each once, in order."""
        return tuple(dict.fromkeys([*self.levels, *([self.column_text] if self.column_text else [])]))


@dataclass(frozen=True)
class Layout:
    """Which of DESNZ's files the rows come from, as a factor's notes and id tell it."""

    name: str  # "flat file", "full set"
    reference: str  # what names a value in it: "ID", "cell"

    def factor_id(self, activity: str) -> str:
        """A factor's id: the flat file's activity ID as it is; a cell ('Fuels'!D23) as fuels-d23."""
        return activity if self.reference == "ID" else re.sub(r"[^a-z0-9]+", "-", activity.lower()).strip("-")


FLAT_FILE = Layout("flat file", "ID")
FULL_SET = Layout("full set", "cell")
Candidate = tuple[DesnzRow, list[DesnzRow]]  # an activity's total row and its other rows (the parts by gas)


def import_desnz_flat(
    path: str | Path, factor_set: str | None = None, glossary: Glossary | None = None
) -> ImportReport:
    """A factor per DESNZ activity of the flat file at ``path``, each with its Chinese name from the glossary."""
    return import_desnz(path, read_flat_file, FLAT_FILE, factor_set, glossary)


def import_desnz(
    path: str | Path,
    reader: Callable[[bytes, str], tuple[int, list[DesnzRow]]],
    layout: Layout,
    factor_set: str | None = None,
    glossary: Glossary | None = None,
) -> ImportReport:
    """The factors of the DESNZ file at ``path``, read by ``reader`` (flat file or full set); the set is named
    uk-desnz-<year> unless ``factor_set`` names it."""
    location = Path(path)
    data = read_path(location)
    year, rows = reader(data, location.name)
    provenance = f"{location.name}, sha256 {hashlib.sha256(data).hexdigest()}"
    set_name = factor_set or f"uk-desnz-{year}"
    return desnz_factors(rows, year, set_name, layout, provenance, glossary or load_glossary())


def read_flat_file(data: bytes, source: str) -> tuple[int, list[DesnzRow]]:
    """The factor year and the rows of a flat file's bytes; DataFormatError when its layout is not DESNZ's."""
    with Workbook(data, source) as workbook:
        if SHEET not in workbook.sheetnames:
            raise DataFormatError.at(source, f"no sheet {SHEET!r}: not a DESNZ flat file", id="desnz_layout")
        return _rows(workbook.rows(SHEET), source)


def _rows(cells: Iterable[Sequence[Any]], source: str) -> tuple[int, list[DesnzRow]]:
    iterator = iter(cells)
    names: list[str] = []
    number = 0
    for header in iterator:
        number += 1
        names = [_text(cell) for cell in header]
        if names[:1] == ["ID"]:
            break
    else:
        raise DataFormatError.at(source, f"sheet {SHEET!r} has no header row starting with ID", id="desnz_layout")
    value_columns = [k for k, name in enumerate(names) if re.fullmatch(r"GHG Conversion Factor \d{4}", name)]
    wanted = ["ID", "Scope", "Level 1", "Level 2", "Level 3", "Level 4", "Column Text", "UOM", "GHG/Unit"]
    if len(value_columns) != 1 or any(name not in names for name in wanted):
        message = f"row {number} is not the flat file's header ({', '.join(wanted)}, GHG Conversion Factor <year>)"
        raise DataFormatError.at(source, message, id="desnz_layout")
    value_column = value_columns[0]
    year = int(names[value_column][-4:])
    at = {name: names.index(name) for name in wanted}
    rows = []
    for cells in iterator:
        number += 1
        values = [_text(cell) for cell in cells]
        if not values or not values[at["ID"]]:
            continue
        cell = cells[value_column] if value_column < len(cells) else None
        if cell is not None and not isinstance(cell, int | float):
            raise DataFormatError.at(source, f"{cell!r} is not a number", place=f"row {number}", id="desnz_value")
        field = {name: values[k] if k < len(values) else "" for name, k in at.items()}
        levels = tuple(field[f"Level {n}"] for n in range(1, 5) if field[f"Level {n}"])
        rows.append(
            DesnzRow(
                field["ID"],
                field["ID"].rsplit("_", 1)[0],
                field["Scope"],
                levels,
                field["Column Text"],
                field["UOM"],
                field["GHG/Unit"],
                None if cell is None else float(cell),
            )
        )
    return year, rows


def desnz_factors(
    rows: Iterable[DesnzRow], year: int, factor_set: str, layout: Layout, provenance: str, glossary: Glossary
) -> ImportReport:
    """Factors from DESNZ rows (see the module's docstring for what is kept); ``layout`` says which file they are
    from and ``provenance`` names it."""
    by_activity: dict[str, list[DesnzRow]] = defaultdict(list)
    for row in rows:
        by_activity[row.activity].append(row)
    report = ImportReport()
    candidates: list[Candidate] = []
    for activity, group in by_activity.items():
        reason = _unusable(group, by_activity)
        if reason:
            report.skipped.append((activity, reason))
            continue
        total = next(row for row in group if row.ghg in (TOTAL, "kg CO2e of CO2 per unit"))
        candidates.append((total, [row for row in group if row is not total]))
    kept, merged, also = _merge_same(candidates)
    report.skipped.extend(merged)
    unknown_units = sorted({total.uom for total, _ in kept if total.uom not in UNITS})
    if unknown_units:
        raise DataFormatError(f"{provenance}: DESNZ units lowcarbon does not map yet: {', '.join(unknown_units)}")
    for total, parts in kept:
        others = also.get(total.activity, [])
        report.factors.append(_factor(total, parts, others, year, factor_set, layout, provenance, glossary))
    return report


def _unusable(group: Sequence[DesnzRow], by_activity: dict[str, list[DesnzRow]]) -> str:
    """Why an activity makes no factor, or "" when it makes one."""
    first = group[0]
    if all(row.ghg in ENERGY_CONTENT for row in group):
        return f"energy content ({first.ghg} per {first.uom}), not an emission factor"
    totals = [row for row in group if row.ghg == TOTAL]
    if not totals and first.levels[0] == OUTSIDE_SCOPES:
        totals = [row for row in group if row.ghg == "kg CO2e of CO2 per unit"]
    if len(totals) != 1:
        return f"{len(totals)} total rows ({TOTAL}); DESNZ gives one"
    total = totals[0]
    if total.value is None:
        return "no value: DESNZ publishes no factor for it"
    if total.value == 0:
        return "zero: nothing to count in this scope (e.g. a battery car's tailpipe); not shipped as a factor"
    if total.value < 0:
        return "negative: not a DESNZ conversion factor lowcarbon expects"
    if total.uom == "miles":
        per_km = _same_in_km(total, by_activity)
        if per_km:
            return f"per mile: the same factor as {per_km} per km (pint converts miles to km)"
    return ""


def _same_in_km(row: DesnzRow, by_activity: dict[str, list[DesnzRow]]) -> str:
    for activity, group in by_activity.items():
        other = group[0]
        if (other.uom, other.scope, other.levels, other.column_text) == ("km", row.scope, row.levels, row.column_text):
            return activity
    return ""


def _merge_same(
    candidates: list[Candidate],
) -> tuple[list[Candidate], list[tuple[str, str]], dict[str, list[DesnzRow]]]:
    """One factor per activity and value listed under several reporting categories: the kept candidates, the others
    with the reason, and the others' total rows by the activity kept in their place."""
    groups: dict[tuple[object, ...], list[Candidate]] = defaultdict(list)
    for candidate in candidates:
        groups[_sameness(candidate[0])].append(candidate)
    kept: list[Candidate] = []
    merged: list[tuple[str, str]] = []
    also: dict[str, list[DesnzRow]] = defaultdict(list)
    for candidate in candidates:
        best = min(groups[_sameness(candidate[0])], key=_preference)
        if best is candidate:
            kept.append(candidate)
        else:
            total, kept_total = candidate[0], best[0]
            reason = f"same activity and value as {kept_total.activity} ({kept_total.levels[0]})"
            merged.append((total.activity, reason))
            also[kept_total.activity].append(total)
    return kept, merged, also


def _sameness(row: DesnzRow) -> tuple[object, ...]:
    """What makes two rows the same activity: the levels below the reporting category, the unit and the value."""
    second = row.levels[1].lower().removeprefix("managed ").replace("hgvs ", "hgv ") if len(row.levels) > 1 else ""
    text = "refrigerant" if "Kyoto products" in row.column_text else row.column_text
    return (row.ghg == TOTAL, second, row.levels[2:], text, row.uom, row.value)


def _preference(candidate: Candidate) -> tuple[int, int]:
    row = candidate[0]
    category = PREFERRED.index(row.levels[0]) if row.levels[0] in PREFERRED else len(PREFERRED)
    return category, 0 if row.column_text == REFRIGERANT_TOTAL else 1


def _factor(
    total: DesnzRow,
    parts: Sequence[DesnzRow],
    others: Sequence[DesnzRow],
    year: int,
    factor_set: str,
    layout: Layout,
    provenance: str,
    glossary: Glossary,
) -> Factor:
    assert total.value is not None
    category, *detail = total.terms
    unit_text = UNIT_TEXT.get(total.uom, total.uom)
    name = f"{category}: {', '.join([*detail, f'per {unit_text}'])}"
    name_zh = glossary.title(category, detail, "每" + glossary.zh(total.uom))
    biogenic = category == OUTSIDE_SCOPES
    notes = [f"DESNZ {year} {layout.name}, {layout.reference} {total.id} ({total.scope})."]
    split = [f"{PARTS[p.ghg]} {p.value:g}" for p in parts if p.ghg in PARTS and p.value is not None]
    if split and not biogenic:
        notes.append(f"Of which, in kg CO2e ({GWP_BASIS} as DESNZ weighs them): {', '.join(split)}.")
    if others:
        listed = "; ".join(f"{o.activity} under {o.levels[0]} ({o.scope})" for o in others)
        notes.append(f"DESNZ lists the same value also as {listed}.")
    notes.append(
        "A UK factor for company reporting: outside the UK it is a proxy. Values as DESNZ publishes them, "
        f"unmodified. Licence: {LICENCE_URL}. Imported by lowcarbon from {provenance}."
    )
    geography = next((code for term in detail if (code := glossary.place(term))), "GB")
    return Factor(
        id=layout.factor_id(total.activity),
        name=name,
        name_zh=name_zh,
        unit=UNITS[total.uom],
        geography=geography,
        source=f"{ATTRIBUTION.format(year=year)} {layout.name.capitalize()}, {layout.reference} {total.id}.",
        factor_set=factor_set,
        year=year,
        emissions=(Emission("CO2", total.value, "biogenic"),) if biogenic else (),
        co2e=None if biogenic else total.value,
        co2e_basis=None if biogenic else GWP_BASIS,
        co2e_origin="biogenic" if biogenic or category == "Bioenergy" else "fossil",
        category=" / ".join(total.levels[:2]),
        boundary=f"{total.scope}: {_boundary(category)}",
        source_url=PUBLICATION_URL.format(year=year),
        notes=" ".join(notes),
    )


def _boundary(category: str) -> str:
    return next((text for start, text in BOUNDARIES if category.startswith(start)), VEHICLES)


def _text(cell: object) -> str:
    return "" if cell is None else " ".join(str(cell).split())
