"""The ILCD reader: the real TianGong archive read in full (or its shipped subset), and every malformed input
reported by file and field."""

from __future__ import annotations

import dataclasses
import zipfile
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from tiangong_data import FULL_PATH, SUBSET_DIR, SUBSET_PATH, TianGong

from lowcarbon.errors import DataFormatError
from lowcarbon.factors import ilcd
from lowcarbon.factors.ilcd import IlcdArchive, IlcdUncertainty

if TYPE_CHECKING:
    from conftest import IlcdXml

WriteZip = Callable[[Mapping[str, str | bytes]], Path]

# Values below were read from the XML files in the archive (unzip -p ... ILCD/processes/<uuid>.xml); the subset has
# these datasets too. Counts that differ between the full archive and the subset are in tiangong_data.py.
ALUMINIUM = "c9b5db20-c9c6-4f30-aba4-cc807110078e"  # Aluminum electrolysis and ingot casting, 160 kA
CO2_FOSSIL_AIR = "08a91e70-3ddc-11dd-923d-0050c2490048"
SULFUR_DIOXIDE_ABSENT = "6ce44f77-d181-4396-8fa2-2276eeeb4c08"
BIOETHANOL_NO_REFERENCE = "bf02f843-5587-443f-9d16-2d5485375df1"

KG, T = "93a60a57-a4c8-11da-a746-0800200c9a66", "93a60a56-a3c8-11da-a746-0800200b9a66"  # unit group, property
STEEL, WATER = "00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002"
ABSENT = "00000000-0000-4000-8000-0000000000ff"
PROCESS = "00000000-0000-4000-8000-000000000010"


def test_public_names() -> None:
    """The module exports exactly its documented names, each of which exists."""
    assert sorted(ilcd.__all__) == [
        "IlcdArchive",
        "IlcdExchange",
        "IlcdFlow",
        "IlcdFlowProperty",
        "IlcdProcess",
        "IlcdUncertainty",
        "IlcdUnit",
    ]
    assert all(hasattr(ilcd, name) for name in ilcd.__all__)


def test_archive_carries_the_mit_notice(tiangong_source: TianGong) -> None:
    """Either archive holds TianGong's MIT notice; the subset is the full archive's files, unchanged."""
    with zipfile.ZipFile(tiangong_source.path) as archive:
        licence = archive.read("ILCD/LICENSE.txt")
        names = archive.namelist()
    assert b"MIT License" in licence and b"Copyright (c) 2023 linancn" in licence
    if tiangong_source.path == SUBSET_PATH:
        assert (SUBSET_DIR / "LICENSE.txt").read_bytes() == licence  # the notice beside the subset is the same
        assert {name.split("/")[1] for name in names if name.count("/") == 2} == {
            "processes",
            "flows",
            "flowproperties",
            "unitgroups",
            "sources",
            "contacts",
        }
    else:
        with zipfile.ZipFile(FULL_PATH) as full, zipfile.ZipFile(SUBSET_PATH) as subset:
            assert all(subset.read(name) == full.read(name) for name in subset.namelist())


def test_process_and_flow_counts(tiangong: IlcdArchive, tiangong_source: TianGong) -> None:
    """Every process and flow dataset is read: the full archive's 4,133 and 3,021 are the data README's."""
    expected = tiangong_source.expected
    assert sum(1 for _ in tiangong.processes()) == expected.processes
    flows = tiangong.flows()
    assert len(flows) == expected.flows
    assert Counter(flow.flow_type for flow in flows.values()) == expected.flow_types


def test_dataset_types(tiangong: IlcdArchive, tiangong_source: TianGong) -> None:
    """The distribution of typeOfDataSet is the data README's; some datasets (35 in full) do not state one."""
    counts = Counter(process.dataset_type for process in tiangong.processes())
    assert counts == tiangong_source.expected.dataset_types


def test_known_process(tiangong: IlcdArchive) -> None:
    """A real process has its bilingual names, location, year, classification, reference flow and amounts."""
    process = tiangong.process(ALUMINIUM)
    assert process.uuid == ALUMINIUM
    assert process.name_en == (
        "Aluminum electrolysis and ingot casting ; Primary aluminum ingot ; Electrolysis 160kA autobaking tank process"
        " ; Alumina for metallurgy"
    )
    assert process.name_zh == "铝电解与铸锭 ; 原生铝锭 ; 电解 160kA自焙槽工艺 ; 冶金用氧化铝"
    assert process.dataset_type == "Unit process, black box"
    assert (process.location, process.reference_year) == ("CN", 2005)
    assert process.classification == ("Unit processes", "Materials production", "Metals and semimetals")
    assert process.source_file == f"ILCD/processes/{ALUMINIUM}.xml"
    assert len(process.exchanges) == 9
    assert (process.reference_amount, process.reference_unit) == (1000.0, "kg")
    reference = process.reference_exchange
    assert reference is not None and reference.internal_id == "7" and reference.direction == "output"
    assert reference.flow is not None and reference.flow.name_zh == "原铝，铸锭"

    by_id = {exchange.internal_id: exchange for exchange in process.exchanges}
    co2, coal, so2 = by_id["8"], by_id["2"], by_id["0"]
    assert (co2.flow_uuid, co2.direction, co2.amount, co2.mean_amount, co2.unit) == (
        CO2_FOSSIL_AIR,
        "output",
        17290.0,
        17290.0,
        "kg",
    )
    assert co2.data_derivation == "Missing unimportant" and co2.uncertainty is None
    assert (coal.direction, coal.amount, coal.unit) == ("input", 7961.0, "kg")
    # The name parts beyond baseName are joined as openLCA shows them.
    assert coal.flow is not None
    assert coal.flow.name_en == "hard coal, from underground and open pit mining, consumption mix, at power plant"
    # Sulfur dioxide's flow dataset is one of those absent from the archive: the amount stays, flow and unit do not.
    assert (so2.flow_uuid, so2.amount, so2.flow, so2.unit) == (SULFUR_DIOXIDE_ABSENT, 65.443, None, None)


def test_uncertainty_and_missing_reference_flow(tiangong: IlcdArchive, tiangong_source: TianGong) -> None:
    """Range and distribution are kept; a process without a reference flow says so when its amount is asked for."""
    process = tiangong.process(BIOETHANOL_NO_REFERENCE)
    soda = process.exchanges[0]
    assert (soda.direction, soda.amount, soda.unit) == ("input", 132.0, "kg")
    assert soda.uncertainty == IlcdUncertainty(distribution="uniform", relative_sd95=None, minimum=46.0, maximum=400.0)
    assert process.reference_exchange is None
    with pytest.raises(
        DataFormatError, match=rf"ILCD/processes/{BIOETHANOL_NO_REFERENCE}\.xml.*referenceToReferenceFlow"
    ):
        _ = process.reference_amount
    without_reference = [p for p in tiangong.processes() if p.reference_exchange is None]
    assert BIOETHANOL_NO_REFERENCE in {p.uuid for p in without_reference}
    assert len(without_reference) == tiangong_source.expected.without_reference
    assert sum(len(p.reference_exchanges) == 2 for p in tiangong.processes()) == tiangong_source.expected.two_references


def test_carbon_dioxide_flows(tiangong: IlcdArchive, tiangong_source: TianGong) -> None:
    """Flows carry CAS numbers (leading zeros dropped) and compartments; CO2 exists for air, soil and resources."""
    co2 = tiangong.flow(CO2_FOSSIL_AIR)
    assert (co2.name_en, co2.name_zh, co2.flow_type, co2.cas, co2.reference_unit) == (
        "carbon dioxide (fossil)",
        None,
        "elementary",
        "124-38-9",
        "kg",
    )
    assert co2.compartments == ("Emissions", "Emissions to air", "Emissions to air, unspecified")
    assert co2.reference_property_uuid == T
    with_cas = [flow for flow in tiangong.flows().values() if flow.cas == "124-38-9"]
    assert len(with_cas) == tiangong_source.expected.co2_cas_flows
    assert {flow.compartments[:2] for flow in with_cas if flow.flow_type == "elementary"} == {
        ("Emissions", "Emissions to air"),
        ("Emissions", "Emissions to soil"),
        ("Resources", "Resources from air"),
    }
    assert tiangong.flow("16e5f88d-6275-4be5-9b11-67af4822298c").cas == "108-95-2"  # phenol, "000108-95-2" in XML
    assert sum(flow.cas is not None for flow in tiangong.flows().values()) == tiangong_source.expected.cas_flows


def test_processes_with_carbon_dioxide(tiangong: IlcdArchive, tiangong_source: TianGong) -> None:
    """Processes with an exchange whose flow's name mentions carbon dioxide: 780 in full (the README's 812 is a text
    search, see tiangong_data.py)."""

    def mentions(process: ilcd.IlcdProcess) -> bool:
        return any(
            e.flow is not None and ("carbon dioxide" in e.flow.name_en.lower() or "二氧化碳" in (e.flow.name_zh or ""))
            for e in process.exchanges
        )

    assert ALUMINIUM in {process.uuid for process in tiangong.processes() if mentions(process)}
    assert sum(mentions(process) for process in tiangong.processes()) == tiangong_source.expected.mentioning_co2


def test_missing_flows(tiangong: IlcdArchive, tiangong_source: TianGong) -> None:
    """Referenced but absent flows are reported (130 UUIDs in full), and references that are not UUIDs at all (64)."""
    expected = tiangong_source.expected
    missing, invalid = tiangong.missing_flows, tiangong.invalid_flow_references
    assert len(missing) == expected.missing_flows
    assert SULFUR_DIOXIDE_ABSENT in missing
    assert len(invalid) == expected.invalid_references
    assert expected.invalid_examples <= invalid
    unresolved = [e for p in tiangong.processes() for e in p.exchanges if e.flow is None]
    assert len(unresolved) == expected.unresolved_exchanges
    assert {e.flow_uuid for e in unresolved} == missing | invalid
    with pytest.raises(KeyError):
        tiangong.flow(SULFUR_DIOXIDE_ABSENT)


def test_search_in_chinese_and_english(tiangong: IlcdArchive, tiangong_source: TianGong) -> None:
    """Search finds Chinese and English names, ignoring case and full-width forms."""
    electric = tiangong.search("电")
    assert len(electric) == tiangong_source.expected.electric
    assert all("电" in (process.name_zh or "") for process in electric)
    assert ALUMINIUM in {process.uuid for process in tiangong.search("铝电解")}
    assert ALUMINIUM in {process.uuid for process in tiangong.search("ALUMINUM ELECTROLYSIS and ingot")}
    # The name is written with full-width brackets (U+FF08, U+FF09): 铝电解电容器\uff0825V 100uf\uff09.
    assert [p.uuid for p in tiangong.search("电容器(25v 100UF)")] == ["1c235e8c-3a1c-4b6c-9221-5db6f3b743d8"]
    assert tiangong.search("no such process anywhere") == []


def test_currency_units_of_the_input_output_datasets(tiangong: IlcdArchive) -> None:
    """CEEIO sector datasets are in EUR: 10,000 CNY of output written as 1,333.33 EUR (CNY / 7.5)."""
    process = tiangong.process("307f6710-f25e-449b-ab65-a1feb2e981c0")
    assert process.name_zh == "电力和热力生产与供应| 中国环境扩展投入产出（CEEIO）数据库 | 2018"
    assert process.reference_unit == "EUR"
    assert process.reference_amount == pytest.approx(10_000 / 7.5)
    assert process.reference_exchange is not None and process.reference_exchange.flow is not None
    market_value = tiangong.flow_property(process.reference_exchange.flow.reference_property_uuid or "")
    units = {unit.name: unit.factor for unit in market_value.units}
    # The unit group says 1 CNY = 7.5 EUR, the inverse of the rate the amounts were converted with: do not use it.
    assert (units["EUR"], units["CNY"]) == (1.0, 7.5)


def test_values_are_immutable(tiangong: IlcdArchive) -> None:
    """Processes, exchanges and flows are frozen dataclasses holding tuples."""
    process = tiangong.process(ALUMINIUM)
    with pytest.raises(dataclasses.FrozenInstanceError):
        process.name_en = "changed"  # type: ignore[misc]
    assert isinstance(process.exchanges, tuple) and isinstance(process.classification, tuple)
    with pytest.raises(KeyError):
        tiangong.process("00000000-0000-0000-0000-000000000000")


def _small_archive(xml: IlcdXml, prefix: str = "ILCD/") -> dict[str, str | bytes]:
    """A process making 2,000 kg of steel from 5 kg of water, with one exchange whose flow is absent."""
    exchanges = (
        xml.exchange("0", STEEL, "2000.0")
        + xml.exchange(
            "1",
            WATER,
            "5",
            "Input",
            "<uncertaintyDistributionType>log-normal</uncertaintyDistributionType>"
            "<relativeStandardDeviation95In>20</relativeStandardDeviation95In>",
        )
        + xml.exchange("2", ABSENT, "0.5")
    )
    return {
        f"{prefix}processes/{PROCESS}.xml": xml.process(PROCESS, exchanges, name="Steel making"),
        f"{prefix}flows/{STEEL}.xml": xml.flow(STEEL, "steel", T),
        f"{prefix}flows/{WATER}.xml": xml.flow(WATER, "water", T, "Elementary flow"),
        f"{prefix}flowproperties/{T}.xml": xml.flow_property(T, "Mass", KG),
        f"{prefix}unitgroups/{KG}.xml": xml.unit_group(KG, {"t": 1000.0, "kg": 1.0}, reference=1),
    }


def test_hand_made_archive(ilcd_xml: IlcdXml, write_zip: WriteZip, tmp_path: Path) -> None:
    """Units resolve through flow property and unit group, in a nested ILCD folder; nothing is written."""
    path = write_zip(_small_archive(ilcd_xml, "export/ILCD/"))
    before = sorted(tmp_path.rglob("*"))
    with IlcdArchive.open(path) as archive:
        (process,) = archive.processes()
        assert (process.name_en, process.name_zh, process.reference_amount, process.reference_unit) == (
            "Steel making",
            "测试过程",
            2000.0,
            "kg",
        )
        water = process.exchanges[1]
        assert (water.direction, water.amount, water.unit) == ("input", 5.0, "kg")
        assert water.uncertainty == IlcdUncertainty("log-normal", 20.0, None, None)
        assert archive.missing_flows == {ABSENT} and archive.invalid_flow_references == frozenset()
        assert [unit.name for unit in archive.flow_property(T).units] == ["t", "kg"]
        assert archive.search("STEEL") == [process] and archive.search("测试") == [process]
    assert sorted(tmp_path.rglob("*")) == before


def test_bad_paths(tmp_path: Path) -> None:
    """A path that does not exist, or a folder, is a DataFormatError that asks for an ILCD zip."""
    with pytest.raises(DataFormatError, match=r"does not exist; give the path of an ILCD \.zip"):
        IlcdArchive.open(tmp_path / "nowhere.zip")
    with pytest.raises(DataFormatError, match="is a folder"):
        IlcdArchive.open(tmp_path)


def test_not_a_zip(tmp_path: Path) -> None:
    """A file that is not a zip is reported as such."""
    path = tmp_path / "data.zip"
    path.write_text("<processDataSet/>")
    with pytest.raises(DataFormatError, match=r"data\.zip: not a readable ILCD zip archive"):
        IlcdArchive.open(path)


def test_zip_without_ilcd_folder(ilcd_xml: IlcdXml, write_zip: WriteZip) -> None:
    """A zip without an ILCD/ folder is reported, with what an ILCD archive should hold."""
    path = write_zip({f"processes/{PROCESS}.xml": ilcd_xml.process(PROCESS, ilcd_xml.exchange("0", STEEL))})
    with pytest.raises(DataFormatError, match=r"no ILCD/ folder in the zip; an ILCD archive holds ILCD/processes"):
        IlcdArchive.open(path)


def test_malformed_process_xml(ilcd_xml: IlcdXml, write_zip: WriteZip) -> None:
    """A process file that is not well-formed XML is named, with the parser's line and column."""
    files = _small_archive(ilcd_xml)
    files[f"ILCD/processes/{PROCESS}.xml"] = str(files[f"ILCD/processes/{PROCESS}.xml"])[:-40]
    with IlcdArchive.open(write_zip(files)) as archive, pytest.raises(DataFormatError) as error:
        list(archive.processes())
    assert f"ILCD/processes/{PROCESS}.xml in " in str(error.value)
    assert "not valid XML (no element found: line 2" in str(error.value)


def test_process_without_uuid(ilcd_xml: IlcdXml, write_zip: WriteZip) -> None:
    """A process without a UUID is named, with the field it lacks."""
    files = _small_archive(ilcd_xml)
    files[f"ILCD/processes/{PROCESS}.xml"] = ilcd_xml.process(None, ilcd_xml.exchange("0", STEEL))
    with IlcdArchive.open(write_zip(files)) as archive, pytest.raises(DataFormatError) as error:
        archive.process(PROCESS)
    message = str(error.value)
    assert f"ILCD/processes/{PROCESS}.xml" in message
    assert "processInformation/dataSetInformation/common:UUID: missing or empty; give the dataset its UUID" in message


MALFORMED: dict[str, tuple[Callable[[IlcdXml], str], str, str]] = {
    "no flow reference": (
        lambda xml: '<exchange dataSetInternalID="0"><exchangeDirection>Output</exchangeDirection></exchange>',
        "0",
        r"exchange\[@dataSetInternalID=0\]/referenceToFlowDataSet: missing",
    ),
    "dangling reference flow": (
        lambda xml: xml.exchange("0", STEEL),
        "3",
        r"referenceToReferenceFlow: names exchange '3', which the dataset does not have",
    ),
    "amount not a number": (
        lambda xml: xml.exchange("0", STEEL, "lots"),
        "0",
        r"exchange\[@dataSetInternalID=0\]/meanAmount: 'lots' is not a number",
    ),
    "amount NaN": (
        lambda xml: xml.exchange("0", STEEL, "NaN"),
        "0",
        r"exchange\[@dataSetInternalID=0\]/meanAmount: 'NaN' is not a number",
    ),
    "bad direction": (
        lambda xml: xml.exchange("0", STEEL, direction="Sideways"),
        "0",
        r"exchange\[@dataSetInternalID=0\]/exchangeDirection: 'Sideways' is not Input or Output",
    ),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_fields(ilcd_xml: IlcdXml, write_zip: WriteZip, case: str) -> None:
    """Missing flow references, dangling reference flows, non-numbers and bad directions name their field."""
    exchanges, reference, expected = MALFORMED[case]
    files = _small_archive(ilcd_xml)
    files[f"ILCD/processes/{PROCESS}.xml"] = ilcd_xml.process(PROCESS, exchanges(ilcd_xml), reference)
    with IlcdArchive.open(write_zip(files)) as archive, pytest.raises(DataFormatError, match=expected):
        archive.process(PROCESS)


def test_wrong_dataset_in_a_folder(ilcd_xml: IlcdXml, write_zip: WriteZip) -> None:
    """A flow dataset in processes/ is reported with the root element that was expected."""
    files = _small_archive(ilcd_xml)
    files[f"ILCD/processes/{PROCESS}.xml"] = ilcd_xml.flow(PROCESS, "not a process", T)
    with IlcdArchive.open(write_zip(files)) as archive, pytest.raises(DataFormatError, match="not processDataSet"):
        list(archive.processes())


def test_reference_flow_without_amount(ilcd_xml: IlcdXml, write_zip: WriteZip) -> None:
    """A reference exchange without any amount is read, and reported when its amount is required."""
    files = _small_archive(ilcd_xml)
    files[f"ILCD/processes/{PROCESS}.xml"] = ilcd_xml.process(PROCESS, ilcd_xml.exchange("0", STEEL, ""))
    with IlcdArchive.open(write_zip(files)) as archive:
        process = archive.process(PROCESS)
    assert process.reference_exchange is not None and process.reference_exchange.amount is None
    assert process.reference_unit == "kg"
    with pytest.raises(DataFormatError, match="neither resultingAmount nor meanAmount"):
        _ = process.reference_amount
