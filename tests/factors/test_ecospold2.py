"""The EcoSpold2 importer: hand-written .spold files (valid against EcoSpold02.xsd), alone, in folders, in zips."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from lowcarbon.errors import DataFormatError
from lowcarbon.factors import ecospold2
from lowcarbon.factors.characterization import load_set
from lowcarbon.factors.ecospold2 import import_ecospold2
from lowcarbon.factors.model import Factor

DATA = Path(__file__).parent / "data" / "ecospold2"
STEEL = DATA / "steel-sheet-hot-rolling.spold"
INCINERATION = DATA / "treatment-of-waste-plastic-incineration.spold"
STEEL_ID = "7d1a1f8e-1b44-4c5a-9a61-2b6f0c9d0a01_7d1a1f8e-1b44-4c5a-9a61-2b6f0c9d0b02"  # activity _ product
INCINERATION_ID = "3c0f5a1e-6d2b-4e8f-8a7c-5b9d1e2f3a01_3c0f5a1e-6d2b-4e8f-8a7c-5b9d1e2f3b02"
METHANE_TO_AIR = "elementaryExchange[@id='7d1a1f8e-1b44-4c5a-9a61-2b6f0c9d0c03']"
METHANE = re.escape(METHANE_TO_AIR)
CHILD = 'xmlns="http://www.EcoInvent.org/EcoSpold02Child"'


def steel_variant(tmp_path: Path, *edits: tuple[str, str], name: str = "variant.spold") -> Path:
    """The steel sheet file with every occurrence of each text replaced (each must occur)."""
    text = STEEL.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, f"{old!r} is not in {STEEL.name}"
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def zip_of(path: Path, members: dict[str, bytes]) -> Path:
    """A zip with exactly these members."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def gases(factor: Factor) -> dict[tuple[str, str], float]:
    """A factor's emissions as (gas, origin) -> net kg per unit (uptake and release are separate emissions)."""
    net: dict[tuple[str, str], float] = {}
    for emission in factor.emissions:
        net[(emission.gas, emission.origin)] = net.get((emission.gas, emission.origin), 0.0) + emission.amount
    return net


STEEL_GASES = {
    ("CO2", "fossil"): 3.0 / 2,
    ("CO2", "biogenic"): (0.6 - 1.0) / 2,  # non-fossil CO2 emitted, CO2 taken from the air
    ("CH4-fossil", "fossil"): 0.01 / 2,  # the 0.1 kg to water does not count
    ("N2O", "fossil"): 0.002 / 2,
}


def test_public_names() -> None:
    """The module exports exactly its documented names."""
    assert sorted(ecospold2.__all__) == ["NAMESPACE", "import_ecospold2"]
    assert all(hasattr(ecospold2, name) for name in ecospold2.__all__)


def test_unit_process_factor() -> None:
    """One .spold file: gases per kg of the 2 kg reference product, with the activity's metadata."""
    report = import_ecospold2(STEEL)
    assert report.skipped == []
    [factor] = report.factors
    assert gases(factor) == pytest.approx(STEEL_GASES)
    assert factor.id == STEEL_ID and factor.key == f"steel-sheet-hot-rolling/{STEEL_ID}"
    assert factor.name == "steel sheet production, hot rolling | steel sheet, hot rolled"
    assert factor.name_zh == "热轧钢板生产"
    assert (factor.unit, factor.geography, factor.year) == ("kg", "CN", 2021)
    assert factor.category == "2410:Manufacture of basic iron and steel"
    assert factor.boundary == "unit process: its own direct emissions only (no upstream)"
    assert factor.source == ("steel-sheet-hot-rolling.spold (EcoSpold2), activity 7d1a1f8e-1b44-4c5a-9a61-2b6f0c9d0a01")


def test_co2e_by_hand() -> None:
    """AR6 CO2e per kg: 1.5 + 0.005 x 29.8 + 0.001 x 273 fossil, -0.2 biogenic."""
    [factor] = import_ecospold2(STEEL).factors
    ar6 = load_set("AR6")
    assert ar6.split(factor) == pytest.approx({"fossil": 1.922, "biogenic": -0.2, "land_use_change": 0.0})
    assert ar6.co2e(factor) == pytest.approx(1.722)


def test_treatment_activity_is_per_unit_treated() -> None:
    """A reference output of -1 kg (waste treated) gives positive emissions per kg treated."""
    [factor] = import_ecospold2(INCINERATION).factors
    assert (factor.unit, factor.geography, factor.year) == ("kg", "GLO", 2019)
    assert gases(factor) == pytest.approx({("CO2", "fossil"): 2.3, ("CO2", "biogenic"): 0.1, ("N2O", "fossil"): 1e-4})
    assert load_set("AR6").co2e(factor) == pytest.approx(2.3 + 0.1 + 1e-4 * 273)


def test_zip_of_two_files(tmp_path: Path) -> None:
    """A zip of two .spold files (one in a folder inside it) gives both factors, each naming its member."""
    archive = zip_of(
        tmp_path / "ecoinvent-sample.zip",
        {
            "datasets/steel.spold": STEEL.read_bytes(),
            "incineration.spold": INCINERATION.read_bytes(),
            "MasterData/Units.xml": b"<not-a-dataset/>",  # ecoinvent zips carry master data beside the datasets
        },
    )
    report = import_ecospold2(archive)
    by_id = {factor.id: factor for factor in report.factors}
    assert set(by_id) == {STEEL_ID, INCINERATION_ID} and report.skipped == []
    assert gases(by_id[STEEL_ID]) == pytest.approx(STEEL_GASES)
    assert by_id[STEEL_ID].source.startswith("ecoinvent-sample.zip: datasets/steel.spold (EcoSpold2), activity ")
    assert {factor.factor_set for factor in report.factors} == {"ecoinvent-sample"}


def test_folder_searched_at_any_depth(tmp_path: Path) -> None:
    """A folder gives a factor for each .spold file in it or below."""
    (tmp_path / "datasets" / "waste").mkdir(parents=True)
    (tmp_path / "datasets" / "steel.spold").write_bytes(STEEL.read_bytes())
    (tmp_path / "datasets" / "waste" / "incineration.spold").write_bytes(INCINERATION.read_bytes())
    (tmp_path / "datasets" / "notes.txt").write_text("not a dataset", encoding="utf-8")
    report = import_ecospold2(tmp_path / "datasets", factor_set="sample")
    assert sorted(factor.key for factor in report.factors) == [f"sample/{INCINERATION_ID}", f"sample/{STEEL_ID}"]
    sources = sorted(factor.source for factor in report.factors)
    assert sources[1].startswith("datasets/waste/incineration.spold (EcoSpold2)")


def test_system_terminated_and_grams(tmp_path: Path) -> None:
    """Activity type 2 is an LCI result; a gas given in g is converted to kg."""
    path = steel_variant(
        tmp_path,
        ('type="1"', 'type="2"'),
        (
            'amount="0.01" elementaryExchangeId="0795345f',
            'amount="10" elementaryExchangeId="0795345f',
        ),
        (
            '<name xml:lang="en">Methane, fossil</name>\n        <unitName xml:lang="en">kg</unitName>\n'
            '        <compartment subcompartmentId="7011f0ce',
            '<name xml:lang="en">Methane, fossil</name>\n        <unitName xml:lang="en">g</unitName>\n'
            '        <compartment subcompartmentId="7011f0ce',
        ),
    )
    [factor] = import_ecospold2(path).factors
    assert factor.boundary == "LCI result: cradle-to-gate inventory"
    assert gases(factor) == pytest.approx(STEEL_GASES)


def test_child_activity_dataset(tmp_path: Path) -> None:
    """A childActivityDataset, its parts in the EcoSpold02Child namespace, reads like an activityDataset."""
    path = steel_variant(
        tmp_path,
        ("<activityDataset>", "<childActivityDataset>"),
        ("</activityDataset>", "</childActivityDataset>"),
        ('inheritanceDepth="0"', 'parentActivityId="00000000-0000-4000-8000-000000000001" inheritanceDepth="1"'),
        *(
            (f"<{part}>", f"<{part} {CHILD}>")
            for part in ("activityDescription", "flowData", "administrativeInformation")
        ),
        ("<modellingAndValidation>", f"<modellingAndValidation {CHILD}>"),
    )
    [factor] = import_ecospold2(path).factors
    assert (factor.id, factor.geography, factor.year) == (STEEL_ID, "CN", 2021)
    assert gases(factor) == pytest.approx(STEEL_GASES)


def test_allocated_dataset_keeps_co_products_at_zero(tmp_path: Path) -> None:
    """A co-product in outputGroup 0 with amount 0 (an allocated dataset) leaves the producing one as reference."""
    co_product = (
        '<intermediateExchange id="7d1a1f8e-1b44-4c5a-9a61-2b6f0c9d0b09" unitId="487df68b-4994-4027-8fdc-a4dc298257b7"'
        ' amount="0" intermediateExchangeId="7d1a1f8e-1b44-4c5a-9a61-2b6f0c9d0b0a"><name xml:lang="en">mill scale'
        '</name><unitName xml:lang="en">kg</unitName><outputGroup>0</outputGroup></intermediateExchange>\n'
    )
    path = steel_variant(tmp_path, ("<flowData>\n", f"<flowData>\n{co_product}"))
    [factor] = import_ecospold2(path).factors
    assert factor.id == STEEL_ID and gases(factor) == pytest.approx(STEEL_GASES)


def test_skipped_activities_say_why(tmp_path: Path) -> None:
    """Two producing reference products, a gas in m3, no reference product, or no gas: each is skipped with why."""
    (tmp_path / "in").mkdir()
    co_product = (
        '<intermediateExchange id="x" unitId="487df68b-4994-4027-8fdc-a4dc298257b7" amount="0.5"'
        ' intermediateExchangeId="y"><name xml:lang="en">mill scale</name><unitName xml:lang="en">kg</unitName>'
        "<outputGroup>0</outputGroup></intermediateExchange>\n"
    )
    steel_variant(tmp_path, ("<flowData>\n", f"<flowData>\n{co_product}"), name="in/a-multi.spold")
    steel_variant(
        tmp_path,
        (
            '<name xml:lang="en">Methane, fossil</name>\n        <unitName xml:lang="en">kg</unitName>\n'
            '        <compartment subcompartmentId="7011f0ce',
            '<name xml:lang="en">Methane, fossil</name>\n        <unitName xml:lang="en">m3</unitName>\n'
            '        <compartment subcompartmentId="7011f0ce',
        ),
        name="in/b-m3.spold",
    )
    steel_variant(tmp_path, ("<outputGroup>0</outputGroup>", "<outputGroup>2</outputGroup>"), name="in/c-none.spold")
    steel_variant(
        tmp_path,
        ('xml:lang="en">air<', 'xml:lang="en">soil<'),
        ('xml:lang="en">in air<', 'xml:lang="en">in ground<'),
        ("non-urban air or from high stacks", "agricultural"),
        name="in/d-no-gas.spold",
    )
    report = import_ecospold2(tmp_path / "in")
    assert report.factors == []
    assert report.skipped == [
        (
            "7d1a1f8e-1b44-4c5a-9a61-2b6f0c9d0a01",
            "2 reference products (outputGroup 0 with an amount): a multi-output activity that is not allocated; "
            "import the datasets of an allocated system model",
        ),
        (
            STEEL_ID,
            f"activityDataset/flowData/{METHANE_TO_AIR} (Methane, fossil): unit 'm3' is no mass unit, so no mass of "
            "a gas",
        ),
        ("7d1a1f8e-1b44-4c5a-9a61-2b6f0c9d0a01", "no reference flow amount"),
        (STEEL_ID, "no greenhouse-gas exchange with the air"),
    ]


def test_unknown_reference_unit_is_skipped(tmp_path: Path) -> None:
    """A reference unit lowcarbon's units do not know (ecoinvent's "guest night") is skipped by the importer."""
    path = steel_variant(
        tmp_path,
        (
            '<unitName xml:lang="en">kg</unitName>\n        <outputGroup>0',
            '<unitName xml:lang="en">guest night</unitName>\n        <outputGroup>0',
        ),
    )
    report = import_ecospold2(path)
    assert report.skipped == [(STEEL_ID, "reference unit 'guest night' is not a physical unit lowcarbon knows")]


# Errors: every malformed input names the file (and the member inside a zip) and the element or attribute.


def test_missing_path_and_empty_inputs(tmp_path: Path) -> None:
    """A path that is not there, a folder without .spold files and a zip without them each say so."""
    with pytest.raises(DataFormatError, match=r"absent\.spold: no such file or folder"):
        import_ecospold2(tmp_path / "absent.spold")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataFormatError, match=r"empty: no \.spold files in this folder or below"):
        import_ecospold2(tmp_path / "empty")
    with pytest.raises(DataFormatError, match=r"units\.zip: no \.spold files in the zip"):
        import_ecospold2(zip_of(tmp_path / "units.zip", {"MasterData/Units.xml": b"<x/>"}))


def test_not_a_zip(tmp_path: Path) -> None:
    """A .zip file that is no zip is named."""
    path = tmp_path / "datasets.zip"
    path.write_text("not a zip", encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"datasets\.zip: not a readable zip archive"):
        import_ecospold2(path)


def test_malformed_xml_in_a_zip(tmp_path: Path) -> None:
    """XML that is not well-formed names the zip, the member, the line and the column."""
    broken = STEEL.read_bytes().replace(b"</activityName>", b"</activityNam>", 1)
    archive = zip_of(tmp_path / "broken.zip", {"a.spold": STEEL.read_bytes(), "b/broken.spold": broken})
    with pytest.raises(
        DataFormatError,
        match=r"broken\.zip: b/broken\.spold: not valid XML \(mismatched tag: line 10, column 73\)",
    ):
        import_ecospold2(archive)


def test_damaged_zip_member(tmp_path: Path) -> None:
    """A member that fails the zip's checksum is named."""
    path = tmp_path / "damaged.zip"
    payload = STEEL.read_bytes()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("steel.spold", payload)
    data = bytearray(path.read_bytes())
    data[data.index(payload) + 500] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(DataFormatError, match=r"damaged\.zip: member 'steel\.spold' cannot be unpacked"):
        import_ecospold2(path)


def test_not_ecospold2(tmp_path: Path) -> None:
    """An EcoSpold 1 file, another XML document, or an ecoSpold without activities is refused with the reason."""
    version1 = tmp_path / "v1.spold"
    version1.write_text('<ecoSpold xmlns="http://www.EcoInvent.org/EcoSpold01"><dataset/></ecoSpold>', encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"v1\.spold: the root element is .* it is EcoSpold 1"):
        import_ecospold2(version1)
    other = tmp_path / "other.spold"
    other.write_text("<processDataSet/>", encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"other\.spold: the root element is processDataSet, so this is no"):
        import_ecospold2(other)
    empty = tmp_path / "empty.spold"
    empty.write_text('<ecoSpold xmlns="http://www.EcoInvent.org/EcoSpold02"/>', encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"empty\.spold: ecoSpold: holds no activityDataset"):
        import_ecospold2(empty)


GROUPLESS_METHANE = (  # the methane exchange's outputGroup, and enough after it to be unique
    '</compartment>\n        <outputGroup>4</outputGroup>\n      </elementaryExchange>\n      <elementaryExchange id="'
    '7d1a1f8e-1b44-4c5a-9a61-2b6f0c9d0c04"',
    '</compartment>\n      </elementaryExchange>\n      <elementaryExchange id="7d1a1f8e-1b44-4c5a-9a61-2b6f0c9d0c04"',
)


@pytest.mark.parametrize(
    ("edits", "message"),
    [
        ([('id="7d1a1f8e-1b44-4c5a-9a61-2b6f0c9d0a01" ', "")], r"activityDescription/activity: @id is missing"),
        (
            [(">steel sheet production, hot rolling<", "><"), (">热轧钢板生产<", "><")],
            r"activity/activityName: missing or empty; every activity has a name",
        ),
        ([('type="1"', 'type="7"')], r"activity: @type '7' is neither 1 \(unit process\) nor 2"),
        ([('amount="0.01"', 'amount="1,5"')], rf"flowData/{METHANE}: @amount '1,5' is not a number"),
        ([('amount="0.01"', 'amount="NaN"')], rf"flowData/{METHANE}: @amount is 'NaN'; give a finite number"),
        ([('amount="0.01" ', "")], rf"flowData/{METHANE}: @amount is missing"),
        ([GROUPLESS_METHANE], rf"flowData/{METHANE}: has neither inputGroup nor outputGroup"),
        ([("<outputGroup>0</outputGroup>", "<outputGroup>zero</outputGroup>")], r"outputGroup: 'zero' is not a group"),
        ([('startDate="2021-01-01"', 'startDate="soon"')], r"timePeriod: @startDate 'soon' is not a date"),
        (
            [('<name xml:lang="en">Methane, fossil</name>', "<name/>")],
            rf"flowData/{METHANE}/name: missing or empty; every elementary exchange names its substance",
        ),
        (
            [
                ('<subcompartment xml:lang="en">non-urban air or from high stacks</subcompartment>', ""),
                ('<compartment xml:lang="en">air</compartment>', "<compartment/>"),
            ],
            r"elementaryExchange\[@id='7d1a1f8e-1b44-4c5a-9a61-2b6f0c9d0c01'\]/compartment: has neither compartment",
        ),
        (
            [("<flowData>", "<flowDatum>"), ("</flowData>", "</flowDatum>")],
            r"flowData: missing; an EcoSpold2 dataset needs it",
        ),
    ],
)
def test_malformed_fields(tmp_path: Path, edits: list[tuple[str, str]], message: str) -> None:
    """A missing or malformed element or attribute names the file and its element path."""
    with pytest.raises(DataFormatError, match=rf"^variant\.spold: activityDataset/.*{message}"):
        import_ecospold2(steel_variant(tmp_path, *edits))


def test_elementary_exchange_without_compartment(tmp_path: Path) -> None:
    """An elementary exchange without its compartment cannot be placed in air, water or soil: refused."""
    text = STEEL.read_text(encoding="utf-8")
    start = text.index("<compartment subcompartmentId")
    end = text.index("</compartment>\n        <outputGroup>", start) + len("</compartment>\n")
    path = tmp_path / "variant.spold"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(
        DataFormatError, match=r"elementaryExchange\[@id='7d1a1f8e-1b44-4c5a-9a61-2b6f0c9d0c01'\]/compartment: missing"
    ):
        import_ecospold2(path)
