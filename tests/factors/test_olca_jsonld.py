"""The openLCA JSON-LD importer: factors from zips written by olca-schema's own ZipWriter, and every malformed input."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import olca_schema as o
import pytest
from olca_schema import zipio

from lowcarbon.errors import DataFormatError
from lowcarbon.factors import olca_jsonld
from lowcarbon.factors.characterization import load_set
from lowcarbon.factors.model import Emission, Factor
from lowcarbon.factors.olca_jsonld import import_jsonld

# Fixed ids keep the fixtures readable and the error messages predictable.
MASS_UNITS, MASS = "00000000-0000-4000-a000-000000000001", "00000000-0000-4000-a000-000000000002"
KG, G, T = (f"00000000-0000-4000-a000-00000000001{i}" for i in range(3))
ENERGY_UNITS, ENERGY = "00000000-0000-4000-a000-000000000003", "00000000-0000-4000-a000-000000000004"
MJ, KWH = "00000000-0000-4000-a000-000000000020", "00000000-0000-4000-a000-000000000021"
CHINA = "00000000-0000-4000-b000-000000000001"
STEEL_SHEET, ELECTRICITY = "00000000-0000-4000-c000-000000000001", "00000000-0000-4000-c000-000000000002"
CO2_FOSSIL, CO2_BIOGENIC = "00000000-0000-4000-c000-000000000011", "00000000-0000-4000-c000-000000000012"
CH4_FOSSIL, N2O = "00000000-0000-4000-c000-000000000013", "00000000-0000-4000-c000-000000000014"
CO2_IN_AIR, CH4_TO_WATER = "00000000-0000-4000-c000-000000000015", "00000000-0000-4000-c000-000000000016"
ROLLING = "00000000-0000-4000-d000-000000000001"  # the unit process: hot rolling of steel sheet
POWER_PLANT = "00000000-0000-4000-d000-000000000002"  # an LCI result per kWh
TO_AIR = "Elementary flows/Emission to air/unspecified"


def mass_and_energy() -> list[Any]:
    """Unit groups and flow properties for mass (kg, g, t) and energy (MJ, kWh), as openLCA's reference data has."""
    mass_units = o.UnitGroup(
        id=MASS_UNITS,
        name="Units of mass",
        units=[
            o.Unit(id=KG, name="kg", conversion_factor=1.0, is_ref_unit=True),
            o.Unit(id=G, name="g", conversion_factor=0.001, is_ref_unit=False),
            o.Unit(id=T, name="t", conversion_factor=1000.0, is_ref_unit=False),
        ],
    )
    energy_units = o.UnitGroup(
        id=ENERGY_UNITS,
        name="Units of energy",
        units=[
            o.Unit(id=MJ, name="MJ", conversion_factor=1.0, is_ref_unit=True),
            o.Unit(id=KWH, name="kWh", conversion_factor=3.6, is_ref_unit=False),
        ],
    )
    physical = o.FlowPropertyType.PHYSICAL_QUANTITY
    mass = o.FlowProperty(id=MASS, name="Mass", flow_property_type=physical, unit_group=mass_units.to_ref())
    energy = o.FlowProperty(id=ENERGY, name="Energy", flow_property_type=physical, unit_group=energy_units.to_ref())
    return [mass_units, energy_units, mass, energy]


def flow(
    flow_id: str, name: str, category: str, cas: str | None = None, kind: str = "ELEMENTARY_FLOW", quantity: str = MASS
) -> o.Flow:
    """A flow with one flow property, its reference: mass unless told otherwise."""
    return o.Flow(
        id=flow_id,
        name=name,
        category=category,
        cas=cas,
        flow_type=o.FlowType[kind],
        flow_properties=[
            o.FlowPropertyFactor(
                conversion_factor=1.0,
                flow_property=o.Ref(id=quantity, ref_type=o.RefType.FlowProperty),
                is_ref_flow_property=True,
            )
        ],
    )


def flows() -> dict[str, o.Flow]:
    """The product and elementary flows of the fixtures, by id."""
    elementary = [
        flow(CO2_FOSSIL, "Carbon dioxide, fossil", TO_AIR, "124-38-9"),
        flow(CO2_BIOGENIC, "Carbon dioxide, biogenic", TO_AIR, "124-38-9"),
        flow(CH4_FOSSIL, "Methane, fossil", TO_AIR, "74-82-8"),
        flow(N2O, "Dinitrogen monoxide", TO_AIR, "10024-97-2"),
        flow(CO2_IN_AIR, "Carbon dioxide, in air", "Elementary flows/Resource/in air", "124-38-9"),
        flow(CH4_TO_WATER, "Methane, fossil", "Elementary flows/Emission to water/surface water", "74-82-8"),
    ]
    products = [
        flow(
            STEEL_SHEET,
            "steel sheet, hot rolled",
            "C:Manufacturing/24:Manufacture of basic metals",
            kind="PRODUCT_FLOW",
        ),
        flow(
            ELECTRICITY, "electricity, high voltage", "D:Electricity/351:Electric power", None, "PRODUCT_FLOW", ENERGY
        ),
    ]
    return {item.id: item for item in [*elementary, *products]}


def exchange(
    flow_id: str, amount: float, unit: str = KG, *, is_input: bool = False, reference: bool = False
) -> o.Exchange:
    """An exchange as openLCA writes it: flow, flow property and unit references, amount and direction."""
    quantity = ENERGY if unit in (MJ, KWH) else MASS
    return o.Exchange(
        flow=o.Ref(id=flow_id, ref_type=o.RefType.Flow, name=flows()[flow_id].name),
        flow_property=o.Ref(id=quantity, ref_type=o.RefType.FlowProperty),
        unit=o.Ref(id=unit, ref_type=o.RefType.Unit, name={KG: "kg", G: "g", T: "t", MJ: "MJ", KWH: "kWh"}[unit]),
        amount=amount,
        is_input=is_input,
        is_quantitative_reference=reference,
    )


def rolling_mill(process_id: str = ROLLING, exchanges: list[o.Exchange] | None = None) -> o.Process:
    """Hot rolling: 2 kg of sheet with fossil, biogenic and taken-up CO2, methane in grams, N2O, methane to water."""
    return o.Process(
        id=process_id,
        name="steel sheet production, hot rolling",
        process_type=o.ProcessType.UNIT_PROCESS,
        category="C:Manufacturing/24:Manufacture of basic metals",
        location=o.Ref(id=CHINA, ref_type=o.RefType.Location, name="China"),
        process_documentation=o.ProcessDocumentation(valid_from="2021-01-01", valid_until="2021-12-31"),
        exchanges=exchanges
        if exchanges is not None
        else [
            exchange(STEEL_SHEET, 2.0, reference=True),
            exchange(ELECTRICITY, 3.0, KWH, is_input=True),
            exchange(CO2_FOSSIL, 3.0),
            exchange(CO2_BIOGENIC, 0.6),
            exchange(CH4_FOSSIL, 10.0, G),  # 10 g = 0.01 kg
            exchange(N2O, 0.002),
            exchange(CO2_IN_AIR, 1.0, is_input=True),
            exchange(CH4_TO_WATER, 0.1),  # to water: no greenhouse-gas exchange with the air
        ],
    )


def power_plant() -> o.Process:
    """An LCI result per kWh of electricity: cradle-to-gate, 0.9 kg fossil CO2 and 2 g methane."""
    return o.Process(
        id=POWER_PLANT,
        name="electricity production, hard coal",
        process_type=o.ProcessType.LCI_RESULT,
        location=o.Ref(id=CHINA, ref_type=o.RefType.Location, name="China"),
        process_documentation=o.ProcessDocumentation(valid_from="2020-01-01"),
        exchanges=[
            exchange(ELECTRICITY, 1.0, KWH, reference=True),
            exchange(CO2_FOSSIL, 0.9),
            exchange(CH4_FOSSIL, 2.0, G),
        ],
    )


def write_archive(
    path: Path, processes: list[o.Process], leave_out: tuple[str, ...] = (), extra: tuple[Any, ...] = ()
) -> Path:
    """A JSON-LD zip by olca-schema's ZipWriter: processes, the data they reference but ``leave_out``, ``extra``."""
    china = o.Location(id=CHINA, name="China", code="CN")
    reference_data = [*mass_and_energy(), *flows().values(), china]
    with zipio.ZipWriter(path) as writer:
        for entity in [*(item for item in reference_data if item.id not in leave_out), *processes, *extra]:
            writer.write(entity)
    return path


def write_zip(path: Path, members: Mapping[str, str | bytes]) -> Path:
    """A zip with exactly these members, for inputs olca-schema would not write."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path


def members_of(archive: Path) -> dict[str, bytes]:
    """Every member of a zip by name, to rewrite one of them."""
    with zipfile.ZipFile(archive) as source:
        return {name: source.read(name) for name in source.namelist()}


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """The rolling mill and the power plant with all they reference, as one openLCA JSON-LD export."""
    return write_archive(tmp_path / "steel-export.zip", [rolling_mill(), power_plant()])


def by_id(factors: list[Factor]) -> dict[str, Factor]:
    """Factors by id."""
    return {factor.id: factor for factor in factors}


def gases(factor: Factor) -> dict[tuple[str, str], float]:
    """A factor's emissions as (gas, origin) -> net kg per unit (uptake and release are separate emissions)."""
    net: dict[tuple[str, str], float] = {}
    for emission in factor.emissions:
        net[(emission.gas, emission.origin)] = net.get((emission.gas, emission.origin), 0.0) + emission.amount
    return net


def test_public_names() -> None:
    """The module exports exactly its documented names."""
    assert sorted(olca_jsonld.__all__) == ["SCHEMA_VERSION", "import_jsonld"]
    assert all(hasattr(olca_jsonld, name) for name in olca_jsonld.__all__)


def test_unit_process_factor(archive: Path) -> None:
    """Gases per kg of sheet: divided by the 2 kg reference, grams made kg, uptake negative, water left out."""
    report = import_jsonld(archive)
    assert report.skipped == []
    factor = by_id(report.factors)[ROLLING]
    assert gases(factor) == pytest.approx(
        {
            ("CO2", "fossil"): 3.0 / 2,
            ("CO2", "biogenic"): (0.6 - 1.0) / 2,  # emitted 0.6 kg, taken from the air 1.0 kg
            ("CH4-fossil", "fossil"): 0.010 / 2,  # 10 g, not 10 kg, and not the 0.1 kg to water
            ("N2O", "fossil"): 0.002 / 2,
        }
    )
    assert all(isinstance(emission, Emission) for emission in factor.emissions)
    assert (factor.name, factor.unit, factor.geography, factor.year) == (
        "steel sheet production, hot rolling",
        "kg",
        "CN",
        2021,
    )
    assert factor.factor_set == "steel-export" and factor.key == f"steel-export/{ROLLING}"
    assert factor.category == "C:Manufacturing / 24:Manufacture of basic metals"
    assert factor.boundary == "unit process: its own direct emissions only (no upstream)"
    assert factor.source == f"steel-export.zip (openLCA JSON-LD), process {ROLLING}"


def test_co2e_by_hand(archive: Path) -> None:
    """AR6 CO2e per kg: 1.5 + 0.005 x 29.8 + 0.001 x 273 fossil, -0.2 biogenic."""
    factor = by_id(import_jsonld(archive).factors)[ROLLING]
    ar6 = load_set("AR6")
    fossil = 1.5 * 1 + 0.005 * 29.8 + 0.001 * 273  # 1.5 + 0.149 + 0.273 = 1.922
    assert ar6.split(factor) == pytest.approx({"fossil": fossil, "biogenic": -0.2, "land_use_change": 0.0})
    assert ar6.co2e(factor) == pytest.approx(1.722)


def test_lci_result_per_kwh(archive: Path) -> None:
    """An LCI result is cradle-to-gate and per the unit of its reference exchange, here kWh."""
    factor = by_id(import_jsonld(archive).factors)[POWER_PLANT]
    assert (factor.unit, factor.year, factor.geography) == ("kWh", 2020, "CN")
    assert factor.boundary == "LCI result: cradle-to-gate inventory"
    assert gases(factor) == pytest.approx({("CO2", "fossil"): 0.9, ("CH4-fossil", "fossil"): 0.002})
    assert load_set("AR6").co2e(factor) == pytest.approx(0.9 + 0.002 * 29.8)


def test_factor_set_and_characterization(archive: Path) -> None:
    """The factor set name and the characterization set are the caller's when given."""
    factor = by_id(import_jsonld(archive, factor_set="mill", characterization=load_set("AR5")).factors)[ROLLING]
    assert factor.key == f"mill/{ROLLING}"
    assert load_set("AR5").co2e(factor) == pytest.approx(1.5 - 0.2 + 0.005 * 30 + 0.001 * 265)


def test_reference_in_tonnes_and_gas_in_tonnes(tmp_path: Path) -> None:
    """A reference exchange in t makes a factor per t; a gas given in t is converted to kg through its unit group."""
    process = rolling_mill(exchanges=[exchange(STEEL_SHEET, 1.0, T, reference=True), exchange(CO2_FOSSIL, 1.8, T)])
    factor = import_jsonld(write_archive(tmp_path / "t.zip", [process])).factors[0]
    assert (factor.unit, gases(factor)) == ("t", {("CO2", "fossil"): pytest.approx(1800.0)})


def test_reference_without_unit_takes_the_flows_unit(tmp_path: Path) -> None:
    """A reference exchange without a unit is in its flow's reference unit, as openLCA reads it."""
    reference = exchange(STEEL_SHEET, 4.0, reference=True)
    reference.unit = None
    report = import_jsonld(
        write_archive(tmp_path / "a.zip", [rolling_mill(exchanges=[reference, exchange(CO2_FOSSIL, 2.0)])])
    )
    assert (report.factors[0].unit, gases(report.factors[0])) == ("kg", {("CO2", "fossil"): 0.5})


def test_amount_in_another_flow_property(tmp_path: Path) -> None:
    """Methane given in litres of its volume property: amount x unit factor / flow property factor is kg."""
    volume_units = o.UnitGroup(
        id="00000000-0000-4000-a000-000000000005",
        name="Units of volume",
        units=[
            o.Unit(id="00000000-0000-4000-a000-000000000030", name="m3", conversion_factor=1.0, is_ref_unit=True),
            o.Unit(id="00000000-0000-4000-a000-000000000031", name="l", conversion_factor=0.001, is_ref_unit=False),
        ],
    )
    volume = o.FlowProperty(id="00000000-0000-4000-a000-000000000006", name="Volume", unit_group=volume_units.to_ref())
    methane = flows()[CH4_FOSSIL]
    # 1 kg of methane is 1.4 m3 (openLCA's factor: units of this property per reference unit of the flow)
    methane.flow_properties.append(
        o.FlowPropertyFactor(conversion_factor=1.4, flow_property=volume.to_ref(), is_ref_flow_property=False)
    )
    in_litres = exchange(CH4_FOSSIL, 700.0)  # 700 l = 0.7 m3 = 0.5 kg
    in_litres.flow_property = volume.to_ref()
    in_litres.unit = volume_units.units[1].to_ref()
    process = rolling_mill(exchanges=[exchange(STEEL_SHEET, 1.0, reference=True), in_litres])
    path = write_archive(tmp_path / "v.zip", [process], leave_out=(CH4_FOSSIL,), extra=(volume_units, volume, methane))
    assert gases(import_jsonld(path).factors[0]) == pytest.approx({("CH4-fossil", "fossil"): 0.5})


def test_skipped_processes_say_why(tmp_path: Path) -> None:
    """No gas, no reference, or two references: each process is skipped with its reason."""
    processes = [
        rolling_mill("p-water", [exchange(STEEL_SHEET, 1.0, reference=True), exchange(CH4_TO_WATER, 1.0)]),
        rolling_mill("p-no-reference", [exchange(CO2_FOSSIL, 1.0)]),
        rolling_mill(
            "p-two-references",
            [exchange(STEEL_SHEET, 1.0, reference=True), exchange(ELECTRICITY, 1.0, KWH, reference=True)],
        ),
    ]
    report = import_jsonld(write_archive(tmp_path / "skips.zip", processes))
    assert report.factors == []
    assert dict(report.skipped) == {
        "p-two-references": "exchanges [0, 1] are all marked as the quantitative reference; openLCA allows one",
        "p-water": "no greenhouse-gas exchange with the air",
        "p-no-reference": "no reference flow amount",
    }


def test_gas_without_its_unit_group_is_skipped(tmp_path: Path) -> None:
    """Methane in g whose unit group the zip lacks cannot be converted: the process is skipped, not undercounted."""
    report = import_jsonld(write_archive(tmp_path / "no-units.zip", [rolling_mill()], leave_out=(MASS_UNITS,)))
    assert report.factors == []
    [(process_id, reason)] = report.skipped
    assert process_id == ROLLING
    assert reason.startswith("exchanges[2] (Carbon dioxide, fossil): cannot convert its amount: ")
    assert f"unit_groups/{MASS_UNITS}.json is not in the zip" in reason


def test_flow_known_only_by_reference(tmp_path: Path) -> None:
    """A gas flow absent from the zip is read from the exchange's reference when the exchange uses its unit."""
    absent = "00000000-0000-4000-c000-0000000000ff"
    reference = o.Ref(
        id=absent,
        ref_type=o.RefType.Flow,
        name="Carbon dioxide, fossil",
        category=TO_AIR,
        flow_type=o.FlowType.ELEMENTARY_FLOW,
        ref_unit="kg",
    )
    in_kg = exchange(CO2_FOSSIL, 1.0)
    in_kg.flow = reference
    in_g = exchange(CO2_FOSSIL, 1000.0, G)
    in_g.flow = reference
    reference_exchange = exchange(STEEL_SHEET, 1.0, reference=True)
    processes = [rolling_mill("in-kg", [reference_exchange, in_kg]), rolling_mill("in-g", [reference_exchange, in_g])]
    report = import_jsonld(write_archive(tmp_path / "partial.zip", processes))
    assert [(factor.id, gases(factor)) for factor in report.factors] == [("in-kg", {("CO2", "fossil"): 1.0})]
    assert report.skipped == [
        (
            "in-g",
            f"exchanges[1] (Carbon dioxide, fossil): cannot convert its amount: flows/{absent}.json is not in the zip",
        )
    ]


def test_other_flows_with_unknown_units_do_not_matter(tmp_path: Path) -> None:
    """An elementary flow that is no greenhouse gas needs no unit conversion, even when the zip cannot give one."""
    water = o.Ref(
        id="00000000-0000-4000-c000-0000000000fe",
        ref_type=o.RefType.Flow,
        name="Water, river",
        category="Elementary flows/Resource/in water",
        flow_type=o.FlowType.ELEMENTARY_FLOW,
    )
    odd = exchange(CO2_FOSSIL, 5.0, G, is_input=True)
    odd.flow = water
    process = rolling_mill(exchanges=[exchange(STEEL_SHEET, 1.0, reference=True), odd, exchange(CO2_FOSSIL, 1.0)])
    assert gases(import_jsonld(write_archive(tmp_path / "w.zip", [process])).factors[0]) == {("CO2", "fossil"): 1.0}


def test_zipped_export_folder(tmp_path: Path, archive: Path) -> None:
    """An export folder zipped with its folder name in front of every member is read the same."""
    nested = write_zip(tmp_path / "nested.zip", {f"export/{name}": data for name, data in members_of(archive).items()})
    assert gases(by_id(import_jsonld(nested).factors)[ROLLING]) == gases(by_id(import_jsonld(archive).factors)[ROLLING])


def test_openlca_1_export(tmp_path: Path) -> None:
    """A schema-1 zip (openLCA 1.x): no olca-schema.json, input/quantitativeReference, categories by reference."""

    def ref(kind: str, ref_id: str, name: str) -> dict[str, str]:
        """A schema-1 reference."""
        return {"@type": kind, "@id": ref_id, "name": name}

    members: dict[str, object] = {
        "categories/c-air.json": {
            "@type": "Category",
            "@id": "c-air",
            "name": "Emission to air",
            "category": ref("Category", "c-root", "Elementary flows"),
        },
        "categories/c-root.json": {"@type": "Category", "@id": "c-root", "name": "Elementary flows"},
        "categories/c-unspecified.json": {
            "@type": "Category",
            "@id": "c-unspecified",
            "name": "unspecified",
            "category": ref("Category", "c-air", "Emission to air"),
        },
        "unit_groups/ug.json": {
            "@type": "UnitGroup",
            "@id": "ug",
            "name": "Units of mass",
            "units": [
                {"@type": "Unit", "@id": "u-kg", "name": "kg", "conversionFactor": 1.0, "referenceUnit": True},
                {"@type": "Unit", "@id": "u-g", "name": "g", "conversionFactor": 0.001},
            ],
        },
        "flow_properties/fp.json": {
            "@type": "FlowProperty",
            "@id": "fp",
            "name": "Mass",
            "unitGroup": ref("UnitGroup", "ug", "Units of mass"),
        },
        "flows/f-ch4.json": {
            "@type": "Flow",
            "@id": "f-ch4",
            "name": "Methane, fossil",
            "cas": "74-82-8",
            "flowType": "ELEMENTARY_FLOW",
            "category": ref("Category", "c-unspecified", "unspecified"),
            "flowProperties": [
                {
                    "@type": "FlowPropertyFactor",
                    "conversionFactor": 1.0,
                    "referenceFlowProperty": True,
                    "flowProperty": ref("FlowProperty", "fp", "Mass"),
                }
            ],
        },
        "flows/f-cement.json": {
            "@type": "Flow",
            "@id": "f-cement",
            "name": "cement",
            "flowType": "PRODUCT_FLOW",
            "flowProperties": [
                {
                    "@type": "FlowPropertyFactor",
                    "conversionFactor": 1.0,
                    "referenceFlowProperty": True,
                    "flowProperty": ref("FlowProperty", "fp", "Mass"),
                }
            ],
        },
        "processes/p-kiln.json": {
            "@type": "Process",
            "@id": "p-kiln",
            "name": "clinker kiln",
            "processType": "UNIT_PROCESS",
            "exchanges": [
                {
                    "@type": "Exchange",
                    "input": False,
                    "quantitativeReference": True,
                    "amount": 1.0,
                    "flow": ref("Flow", "f-cement", "cement"),
                    "unit": ref("Unit", "u-kg", "kg"),
                    "flowProperty": ref("FlowProperty", "fp", "Mass"),
                },
                {
                    "@type": "Exchange",
                    "input": False,
                    "amount": 3.0,
                    "flow": ref("Flow", "f-ch4", "Methane, fossil"),
                    "unit": ref("Unit", "u-g", "g"),
                    "flowProperty": ref("FlowProperty", "fp", "Mass"),
                },
            ],
        },
    }
    path = write_zip(tmp_path / "v1.zip", {name: json.dumps(value) for name, value in members.items()})
    [factor] = import_jsonld(path).factors  # methane counts only if its category chain resolves to "Emission to air"
    assert (factor.unit, gases(factor)) == ("kg", {("CH4-fossil", "fossil"): pytest.approx(0.003)})


# Errors: every malformed input names the file, the member inside the zip and the field.


def test_missing_file_or_folder(tmp_path: Path) -> None:
    """A path that is no file, or a folder, says so."""
    with pytest.raises(DataFormatError, match=r"absent\.zip: no such file"):
        import_jsonld(tmp_path / "absent.zip")
    with pytest.raises(DataFormatError, match=r"is a folder; give the openLCA JSON-LD zip itself"):
        import_jsonld(tmp_path)


def test_not_a_zip(tmp_path: Path) -> None:
    """A file that is no zip is named, with what to give instead."""
    text = tmp_path / "export.zip"
    text.write_text("name,amount\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"export\.zip: not a readable openLCA JSON-LD zip"):
        import_jsonld(text)


def test_zip_without_processes(tmp_path: Path) -> None:
    """A zip without processes/ is no JSON-LD export of processes; an ILCD zip is pointed to its importer."""
    with pytest.raises(DataFormatError, match=r"flows\.zip: no processes/<uuid>\.json in the zip"):
        import_jsonld(write_zip(tmp_path / "flows.zip", {"flows/a.json": "{}"}))
    with pytest.raises(DataFormatError, match=r"ILCD archive: use lowcarbon\.factors\.ilcd_factors\.import_ilcd"):
        import_jsonld(write_zip(tmp_path / "ilcd.zip", {"ILCD/processes/a.xml": "<processDataSet/>"}))


def test_malformed_json(tmp_path: Path, archive: Path) -> None:
    """Text that is no JSON, or JSON that is no object, names the member and the place."""
    member = f"processes/{ROLLING}.json"
    broken = write_zip(tmp_path / "broken.zip", {**members_of(archive), member: '{"@id": "x",\n  "name": }'})
    with pytest.raises(DataFormatError, match=rf"broken\.zip: {member}: not valid JSON \(.* line 2 column 11"):
        import_jsonld(broken)
    array = write_zip(tmp_path / "array.zip", {**members_of(archive), member: "[]"})
    with pytest.raises(DataFormatError, match=rf"array\.zip: {member}: holds a JSON list, not the object"):
        import_jsonld(array)


def test_damaged_member(tmp_path: Path) -> None:
    """A member whose bytes fail the zip's checksum is named, with the advice to export again."""
    path = tmp_path / "damaged.zip"
    payload = json.dumps(rolling_mill().to_dict()).encode()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as target:
        target.writestr(f"processes/{ROLLING}.json", payload)
    data = bytearray(path.read_bytes())
    start = data.index(payload)
    data[start + 10] ^= 0xFF  # one flipped byte inside the stored member
    path.write_bytes(bytes(data))
    with pytest.raises(DataFormatError, match=rf"damaged\.zip: member 'processes/{ROLLING}\.json' cannot be unpacked"):
        import_jsonld(path)


ProcessEdit = Callable[[dict[str, Any]], None]


def set_in_exchange(index: int, key: str, value: object) -> ProcessEdit:
    """An edit that sets one field of one exchange of the process JSON (None deletes it)."""

    def edit(process: dict[str, Any]) -> None:
        if value is None:
            del process["exchanges"][index][key]
        else:
            process["exchanges"][index][key] = value

    return edit


def set_field(path: tuple[str | int, ...], value: object) -> ProcessEdit:
    """An edit that sets a nested field of a dataset's JSON."""

    def edit(process: dict[str, Any]) -> None:
        target = process
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return edit


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (set_in_exchange(2, "amount", "3,0"), r"field exchanges\[2\]\.amount: is a str \('3,0'\), not a number"),
        (set_in_exchange(2, "isInput", "yes"), r"field exchanges\[2\]\.isInput: is a str \('yes'\), not true or false"),
        (set_in_exchange(2, "flow", None), r"field exchanges\[2\]\.flow: missing; every exchange names its flow"),
        (set_in_exchange(2, "flow", "CO2"), r"field exchanges\[2\]\.flow: is a str, not an object"),
        (set_in_exchange(2, "amount", float("nan")), r"NaN is not a number JSON allows; give a finite number"),
        (set_field(("exchanges",), {}), r"field exchanges: is a dict, not a list"),
        (set_field(("processType",), "SYSTEM"), r"field processType: 'SYSTEM' is none of UNIT_PROCESS, LCI_RESULT"),
        (
            set_field(("processDocumentation", "validFrom"), "next year"),
            r"field processDocumentation\.validFrom: 'next year' is not a date",
        ),
    ],
)
def test_malformed_process_fields(tmp_path: Path, archive: Path, edit: ProcessEdit, message: str) -> None:
    """A field of the wrong type or value names the zip, the process member and the field's JSON path."""
    member = f"processes/{ROLLING}.json"
    process = json.loads(members_of(archive)[member])
    edit(process)
    path = write_zip(tmp_path / "edited.zip", {**members_of(archive), member: json.dumps(process)})
    with pytest.raises(DataFormatError, match=rf"edited\.zip: {member}: {message}"):
        import_jsonld(path)


def edit_member(folder: str, entity_id: str, edit: ProcessEdit) -> Callable[[dict[str, bytes]], str]:
    """An edit of one reference-data member; returns the member's name."""

    def apply(members: dict[str, bytes]) -> str:
        member = f"{folder}/{entity_id}.json"
        data = json.loads(members[member])
        edit(data)
        members[member] = json.dumps(data).encode()
        return member

    return apply


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (edit_member("flows", CH4_FOSSIL, set_field(("flowType",), "EMISSION")), r"field flowType: 'EMISSION' is none"),
        (edit_member("flows", CH4_FOSSIL, set_field(("name",), 42)), r"field name: is a int \(42\), not text"),
        (edit_member("flows", CH4_FOSSIL, set_field(("category",), 7)), r"field category: is a int, not a path text"),
        (
            edit_member("flows", CH4_FOSSIL, set_field(("flowProperties",), [1])),
            r"field flowProperties\[0\]: is a int, not an object",
        ),
        (
            edit_member("flows", CH4_FOSSIL, lambda flow: flow["flowProperties"][0].pop("flowProperty")),
            r"field flowProperties\[0\]\.flowProperty: missing; every flow property factor names its flow property",
        ),
        (
            edit_member("flow_properties", MASS, lambda quantity: quantity.pop("unitGroup")),
            r"field unitGroup: missing; a flow property names the unit group of its units",
        ),
        (
            edit_member("unit_groups", MASS_UNITS, lambda group: group["units"][1].pop("name")),
            r"field units\[1\]\.name: missing or empty; it is required here",
        ),
        (
            edit_member("unit_groups", MASS_UNITS, set_field(("units", 1, "conversionFactor"), 0)),
            r"field units\[1\]\.conversionFactor: 0\.0: give how many reference units one g is",
        ),
    ],
)
def test_malformed_reference_data(
    tmp_path: Path, archive: Path, edit: Callable[[dict[str, bytes]], str], message: str
) -> None:
    """A malformed flow, flow property or unit group names its own member and field."""
    members = members_of(archive)
    member = edit(members)
    with pytest.raises(DataFormatError, match=rf"edited\.zip: {member}: {message}"):
        import_jsonld(write_zip(tmp_path / "edited.zip", members))


def test_process_not_utf8(tmp_path: Path, archive: Path) -> None:
    """A process file that is not UTF-8 text is named."""
    member = f"processes/{ROLLING}.json"
    latin1 = write_zip(
        tmp_path / "latin1.zip", {**members_of(archive), member: '{"name": "Stahl, geh\xe4rtet"}'.encode("latin-1")}
    )
    with pytest.raises(DataFormatError, match=rf"latin1\.zip: {member}: cannot be read as UTF-8 text"):
        import_jsonld(latin1)


def test_schema_version(tmp_path: Path, archive: Path) -> None:
    """A newer schema version than this reader knows, or one that is no number, is refused with the fix."""
    newer = write_zip(tmp_path / "v3.zip", {**members_of(archive), "olca-schema.json": '{"version": 3}'})
    with pytest.raises(DataFormatError, match=r"olca-schema\.json: field version: olca-schema version 3 is newer"):
        import_jsonld(newer)
    odd = write_zip(tmp_path / "odd.zip", {**members_of(archive), "olca-schema.json": '{"version": "two"}'})
    with pytest.raises(DataFormatError, match=r"field version: 'two' is not a schema version number"):
        import_jsonld(odd)


def test_library_imports_every_inventory_format(archive: Path, tmp_path: Path) -> None:
    """FactorLibrary.import_file tells JSON-LD, EcoSpold2 and a factor table apart by their content."""
    from lowcarbon.factors import FactorLibrary
    from lowcarbon.factors.library import inventory_kind

    spold = Path(__file__).parent / "data" / "ecospold2"
    assert inventory_kind(archive) == "jsonld"
    assert inventory_kind(spold) == "ecospold2"
    assert inventory_kind(spold / "steel-sheet-hot-rolling.spold") == "ecospold2"
    library = FactorLibrary()
    assert library.import_file(archive) and library.import_file(spold, "ecoinvent-like")
    assert {f.factor_set for f in library} == {archive.stem, "ecoinvent-like"}
