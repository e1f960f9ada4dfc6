"""The US EPA supply-chain factor importer on small CSV files in EPA's layout, made here."""

from __future__ import annotations

from pathlib import Path

import pytest

from lowcarbon.errors import DataFormatError
from lowcarbon.factors.epa_supply_chain import import_epa_supply_chain
from lowcarbon.units import parse_unit

HEADER = (
    "2017 NAICS Code,2017 NAICS Title,GHG,Unit,Supply Chain Emission Factors without Margins,"
    "Margins of Supply Chain Emission Factors,Supply Chain Emission Factors with Margins,Reference USEEIO Code"
)
CO2E_UNIT = '"kg CO2e/2022 USD, purchaser price"'
MASS = "kg/2022 USD, purchaser price"


def co2e_file(path: Path, *rows: str) -> Path:
    """The CO2e file as EPA writes it: CRLF line ends, a title quoted only where it has a comma."""
    lines = [HEADER, *rows] if rows else [
        HEADER,
        f"331110,Iron and Steel Mills and Ferroalloy Manufacturing,All GHGs,{CO2E_UNIT},0.769,0.018,0.787,331110",
        f"327310,Cement Manufacturing,All GHGs,{CO2E_UNIT},1.101,0.04,1.141,327310",
    ]  # fmt: skip
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())
    return path


def by_gas_file(path: Path, carbon_dioxide: str = "7.00e-01") -> Path:
    """The by-gas file as EPA writes it: every field quoted; masses in kg, the unspecified F-gases in CO2e."""
    title = "Iron and Steel Mills and Ferroalloy Manufacturing"
    gases = [  # 0.7 + 0.002 * 28 + 1e-4 * 265 + 1e-6 * 1300 + 0.003 = 0.7868 under AR5: the total's 0.787
        ("Carbon dioxide", MASS, carbon_dioxide),
        ("Methane", MASS, "2.00e-03"),
        ("Nitrous oxide", MASS, "1.00e-04"),
        ("HFC-134a", MASS, "1.00e-06"),
        ("Sulfur hexafluoride", MASS, "0.00e+00"),
        ("HFCs and PFCs, unspecified", "kg CO2e/2022 USD, purchaser price", "3.00e-03"),
    ]
    lines = [
        ",".join(f'"{name}"' for name in HEADER.split(",")),
        *(f'"331110","{title}","{gas}","{unit}","0","0","{value}","331110"' for gas, unit, value in gases),
    ]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())
    return path


def test_a_factor_per_naics_code_with_the_total_with_margins(tmp_path: Path) -> None:
    """The factor is the CO2e with margins (AR5) per 2022 USD, with EPA's citation, the file's hash and the gases."""
    report = import_epa_supply_chain(co2e_file(tmp_path / "co2e.csv"), by_gas_file(tmp_path / "gases.csv"))
    steel, cement = report.factors
    assert (steel.id, steel.unit, steel.geography, steel.year) == ("naics-331110", "USD_2022", "US", 2022)
    assert (steel.co2e, steel.co2e_basis, steel.emissions, steel.factor_set) == (
        0.787,
        "IPCC AR5 GWP100",
        (),
        "us-epa-supply-chain-1.3",
    )
    assert (
        steel.name
        == "Iron and Steel Mills and Ferroalloy Manufacturing (NAICS 331110), per 2022 US dollar at purchaser price"
    )
    assert steel.name_zh.startswith("钢铁冶炼和铁合金制造（NAICS 331110）")
    assert steel.source.startswith("U.S. EPA Office of Research and Development (2024). Supply Chain Greenhouse Gas")
    assert steel.source_url == "https://doi.org/10.23719/1531143"
    assert "Without margins (cradle to the point of production) 0.769, margins 0.018" in steel.notes
    assert "CO2 0.7, CH4 0.002 (EPA does not say whether fossil or biogenic), N2O 0.0001" in steel.notes
    assert "fluorinated gases 0.0043 kg CO2e under AR5, of which 0.003 published as CO2e only" in steel.notes
    assert "co2e.csv (sha256 " in steel.notes and "gases.csv (sha256 " in steel.notes
    assert cement.name_zh.startswith("水泥制造") and "By gas" not in cement.notes  # no gases for it in the file
    parse_unit(steel.unit, "test")
    assert report.skipped == []


def test_files_not_in_epa_layout_or_disagreeing_are_refused(tmp_path: Path) -> None:
    """Another header, a by-gas row in the CO2e file, a text value, or gases that miss the total: each is an error."""
    (tmp_path / "a.csv").write_text("NAICS,Title\n1,x\n")
    with pytest.raises(DataFormatError, match="not EPA's supply-chain factor columns"):
        import_epa_supply_chain(tmp_path / "a.csv")
    with pytest.raises(DataFormatError, match="row 2: 2 fields; EPA's rows have 8"):
        import_epa_supply_chain(co2e_file(tmp_path / "short.csv", "331110,Steel"))
    gas_row = f'331110,Steel,Carbon dioxide,"{MASS}",0.7,0.01,0.71,331110'
    with pytest.raises(DataFormatError, match="Carbon dioxide in kg/2022 USD, purchaser price: not the CO2e file"):
        import_epa_supply_chain(co2e_file(tmp_path / "b.csv", gas_row))
    text_row = f"331110,Steel,All GHGs,{CO2E_UNIT},0.7,0.01,n/a,331110"
    with pytest.raises(DataFormatError, match="'n/a' is not a number"):
        import_epa_supply_chain(co2e_file(tmp_path / "c.csv", text_row))
    with pytest.raises(DataFormatError, match=r"NAICS 331110: the gases with margins add up to 0\.8868 kg CO2e"):
        import_epa_supply_chain(co2e_file(tmp_path / "d.csv"), by_gas_file(tmp_path / "g.csv", "8.00e-01"))
    empty_row = f"331110,Steel,All GHGs,{CO2E_UNIT},,,,331110"
    assert import_epa_supply_chain(co2e_file(tmp_path / "e.csv", empty_row)).skipped == [
        ("331110", "no positive value with margins ('')")
    ]
