"""US EPA Supply Chain Greenhouse Gas Emission Factors (v1.3, by 2017 NAICS-6, per 2022 US dollar) as factors.

EPA publishes two CSV files: ``..._NAICS_CO2e_USD2022.csv`` with one row per commodity (all GHGs in kg CO2e per 2022
USD at purchaser price, computed with IPCC AR5 GWP100: USEEIO v2.2's indicator AR5-100), and ``..._NAICS_byGHG_...``
with each gas's mass. The factor is the CO2e total with margins (cradle to the point of sale). It stays a CO2e total:
EPA does not say whether methane is fossil or biogenic, and one part ("HFCs and PFCs, unspecified") is published in
CO2e only, so the gases cannot be characterized again under AR6. The gases, and the values without margins, are in
each factor's notes; the gases are checked against the total. The factors are public domain (works of the US
Government); each keeps EPA's recommended citation.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

from lowcarbon.bounded import csv_rows, read_path
from lowcarbon.errors import DataFormatError
from lowcarbon.factors.characterization import load_set
from lowcarbon.factors.glossary import Glossary, load_glossary
from lowcarbon.factors.inventory_import import ImportReport
from lowcarbon.factors.model import Factor

CITATION = (
    "U.S. EPA Office of Research and Development (2024). Supply Chain Greenhouse Gas Emission Factors v1.3 by NAICS-6. "
    "https://doi.org/10.23719/1531143"
)
DOI_URL = "https://doi.org/10.23719/1531143"
GWP_BASIS = "IPCC AR5 GWP100"
CODE, TITLE, GHG, UNIT_COLUMN = "2017 NAICS Code", "2017 NAICS Title", "GHG", "Unit"
WITHOUT, MARGINS, WITH = (
    "Supply Chain Emission Factors without Margins",
    "Margins of Supply Chain Emission Factors",
    "Supply Chain Emission Factors with Margins",
)
USEEIO = "Reference USEEIO Code"
COLUMNS = (CODE, TITLE, GHG, UNIT_COLUMN, WITHOUT, MARGINS, WITH, USEEIO)
CO2E_UNIT = "kg CO2e/2022 USD, purchaser price"
MASS_UNIT = "kg/2022 USD, purchaser price"
UNIT = "USD_2022"  # lowcarbon.units: US dollars of 2022, a dimension of its own
UNSPECIFIED = "HFCs and PFCs, unspecified"  # published in kg CO2e, not as a mass
MAIN = ("Carbon dioxide", "Methane", "Nitrous oxide")
# EPA's gas names -> the gas ids of lowcarbon's characterization sets
GASES = {
    "Carbon dioxide": "CO2",
    "Methane": "CH4",
    "Nitrous oxide": "N2O",
    "Sulfur hexafluoride": "SF6",
    "Nitrogen trifluoride": "NF3",
    "HFC-23": "HFC-23",
    "HFC-32": "HFC-32",
    "HFC-125": "HFC-125",
    "HFC-134a": "HFC-134a",
    "HFC-143a": "HFC-143a",
    "HFC-236fa": "HFC-236fa",
    "Carbon tetrafluoride": "PFC-14",
    "Hexafluoroethane": "PFC-116",
    "Perfluoropropane": "PFC-218",
    "Perfluorocyclobutane": "PFC-C-318",
    "Perfluorobutane": "PFC-31-10",
    "Perfluorohexane": "PFC-51-14",
}
# The CO2e file has 3 decimals and the gas file 3 significant digits: their sums agree to a few thousandths.
AGREEMENT = 0.006  # kg CO2e per USD


def import_epa_supply_chain(
    co2e_path: str | Path,
    by_gas_path: str | Path | None = None,
    factor_set: str = "us-epa-supply-chain-1.3",
    glossary: Glossary | None = None,
) -> ImportReport:
    """A factor per NAICS commodity of EPA's CO2e file; with the by-gas file, each factor's gases in its notes."""
    co2e_file = Path(co2e_path)
    data = read_path(co2e_file)
    totals = read_table(data, co2e_file.name)
    provenance = [f"{co2e_file.name} (sha256 {hashlib.sha256(data).hexdigest()})"]
    gases: dict[str, dict[str, float]] = {}
    if by_gas_path is not None:
        gas_file = Path(by_gas_path)
        gas_data = read_path(gas_file)
        gases = _by_code(read_table(gas_data, gas_file.name), gas_file.name)
        provenance.append(f"{gas_file.name} (sha256 {hashlib.sha256(gas_data).hexdigest()})")
    return epa_factors(totals, gases, factor_set, " and ".join(provenance), glossary or load_glossary())


def read_table(data: bytes, source: str) -> list[dict[str, str]]:
    """The rows of one of EPA's CSV files as dicts; DataFormatError when its columns are not EPA's."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataFormatError.at(source, f"not UTF-8 text ({exc})", id="not_utf8") from None
    rows = csv_rows(text, source)
    header = [name.strip() for name in next(rows, [])]
    if tuple(header) != COLUMNS:
        message = f"the columns are not EPA's supply-chain factor columns ({', '.join(COLUMNS)})"
        raise DataFormatError.at(source, message, id="epa_layout")
    table = []
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(COLUMNS):
            message = f"{len(row)} fields; EPA's rows have {len(COLUMNS)}"
            raise DataFormatError.at(source, message, place=f"row {number}", id="epa_layout")
        table.append(dict(zip(COLUMNS, (cell.strip() for cell in row), strict=True)))
    return table


def epa_factors(
    totals: Iterable[Mapping[str, str]],
    gases: Mapping[str, Mapping[str, float]],
    factor_set: str,
    provenance: str,
    glossary: Glossary,
) -> ImportReport:
    """Factors from the CO2e file's rows; ``gases`` (NAICS code -> EPA gas name -> value with margins) adds notes."""
    report = ImportReport()
    for number, row in enumerate(totals, start=2):
        code = row[CODE]
        if row[GHG] != "All GHGs" or row[UNIT_COLUMN] != CO2E_UNIT:
            raise DataFormatError.at(provenance, f"{row[GHG]} in {row[UNIT_COLUMN]}: not the CO2e file", id="epa_unit")
        with_margins = _value(row[WITH], provenance, number)
        if with_margins is None or with_margins <= 0:
            report.skipped.append((code, f"no positive value with margins ({row[WITH]!r})"))
            continue
        notes = [
            f"Spend-based (EEIO) factor of the US economy: USEEIO v2.2 commodity {row[USEEIO]}, GHG data of 2022. "
            f"Without margins (cradle to the point of production) {row[WITHOUT]}, margins {row[MARGINS]} kg CO2e per "
            "2022 USD."
        ]
        if code in gases:
            notes.append(_gas_note(code, gases[code], with_margins, provenance))
        notes.append(
            "A screening proxy outside the US: convert the spend to 2022 US dollars at purchaser price (exchange rate "
            "and price index) and prefer process data (GB/T 24067). Public domain (17 U.S.C. 105); EPA gives no "
            f"warranty and does not endorse lowcarbon. Imported by lowcarbon from {provenance}."
        )
        title = row[TITLE]
        report.factors.append(
            Factor(
                id=f"naics-{code}",
                name=f"{title} (NAICS {code}), per 2022 US dollar at purchaser price",
                name_zh=f"{glossary.zh(title)}（NAICS {code}），每2022年美元（购买者价格）",
                unit=UNIT,
                geography="US",
                source=f"{CITATION}. NAICS {code}.",
                factor_set=factor_set,
                year=2022,
                co2e=with_margins,
                co2e_basis=GWP_BASIS,
                category="spend-based supply chain (EEIO)",
                boundary=(
                    "cradle to the point of sale (with margins: production plus transport, wholesale and retail), "
                    "per 2022 US dollar at purchaser price; US economy average"
                ),
                source_url=DOI_URL,
                notes=" ".join(notes),
            )
        )
    return report


def _by_code(rows: Iterable[Mapping[str, str]], source: str) -> dict[str, dict[str, float]]:
    gases: dict[str, dict[str, float]] = defaultdict(dict)
    for number, row in enumerate(rows, start=2):
        name = row[GHG]
        expected = CO2E_UNIT if name == UNSPECIFIED else MASS_UNIT
        if name not in GASES and name != UNSPECIFIED:
            raise DataFormatError.at(source, f"gas {name!r} is not one lowcarbon maps", place=f"row {number}")
        if row[UNIT_COLUMN] != expected:
            raise DataFormatError.at(source, f"{name} in {row[UNIT_COLUMN]!r}, not {expected!r}", place=f"row {number}")
        value = _value(row[WITH], source, number)
        if value is not None:
            gases[row[CODE]][name] = value
    return gases


def _gas_note(code: str, gases: Mapping[str, float], total: float, source: str) -> str:
    """The gases with margins, in words; DataFormatError when under AR5 they do not add up to ``total``."""
    ar5 = load_set("AR5")
    co2, ch4, n2o = (gases.get(name, 0.0) for name in MAIN)
    fluorinated = gases.get(UNSPECIFIED, 0.0) + sum(
        amount * ar5.gwp(GASES[name]) for name, amount in gases.items() if name not in (*MAIN, UNSPECIFIED)
    )
    summed = co2 + ch4 * ar5.gwp("CH4") + n2o * ar5.gwp("N2O") + fluorinated
    if abs(summed - total) > AGREEMENT:
        message = f"NAICS {code}: the gases with margins add up to {summed:.4g} kg CO2e under AR5, the total is {total}"
        raise DataFormatError.at(source, message, id="epa_gases")
    return (
        f"By gas with margins, kg per 2022 USD: CO2 {co2:g}, CH4 {ch4:g} (EPA does not say whether fossil or "
        f"biogenic), N2O {n2o:g}; fluorinated gases {fluorinated:.3g} kg CO2e under AR5, of which "
        f"{gases.get(UNSPECIFIED, 0.0):g} published as CO2e only ({UNSPECIFIED})."
    )


def _value(text: str, source: str, number: int) -> float | None:
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise DataFormatError.at(source, f"{text!r} is not a number", place=f"row {number}", id="epa_value") from None
