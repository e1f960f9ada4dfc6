"""Small ILCD archives for the linking tests, written by code: unit groups, products, greenhouse gases and processes.

    archive = IlcdBuilder()
    coal = archive.product("coal")
    archive.process("coal mine", (coal, 1000), inputs={archive.hard_coal: 1000}, outputs={archive.co2: 10})
    path = archive.write(tmp_path / "linked.zip")

Every UUID is derived from a name (uuid5), so a test can name a dataset by the name it gave it.
"""

from __future__ import annotations

import uuid
import zipfile
from collections.abc import Mapping
from pathlib import Path

_HEAD = '<?xml version="1.0" encoding="utf-8"?>\n'
_COMMON = 'xmlns:common="http://lca.jrc.it/ILCD/Common"'
_NAMESPACE = uuid.UUID("6f1c3b4e-0d1e-4c6a-9a3b-2f1e0c9d8b7a")
# (unit group, flow property, reference unit, other units {name: factor})
_UNITS = {
    "kg": ("Units of mass", "Mass", {"kg": 1.0, "t": 1000.0}),
    "MJ": ("Units of energy", "Net calorific value", {"MJ": 1.0, "kWh": 3.6}),
    "Item(s)": ("Units of items", "Number of items", {"Item(s)": 1.0}),
    "EUR": ("Units of currency", "Market value", {"EUR": 1.0}),
}
AIR = ("Emissions", "Emissions to air", "Emissions to air, unspecified")
GROUND = ("Resources", "Resources from ground")


def uuid_of(name: str) -> str:
    """The UUID the builder gives the dataset named ``name``."""
    return str(uuid.uuid5(_NAMESPACE, name))


class IlcdBuilder:
    """Collects datasets as XML files and writes them as an ILCD zip."""

    def __init__(self) -> None:
        self.files: dict[str, str] = {}
        self._properties: dict[str, str] = {}  # reference unit -> flow property UUID
        for unit, (group, prop, units) in _UNITS.items():
            self._unit_group(uuid_of(group), units)
            self._flow_property(uuid_of(prop), prop, uuid_of(group))
            self._properties[unit] = uuid_of(prop)
        self.co2 = self.gas("carbon dioxide (fossil)", "124-38-9")
        self.co2_biogenic = self.gas("carbon dioxide (biogenic)", "124-38-9")
        self.ch4 = self.gas("methane (fossil)", "74-82-8")
        self.n2o = self.gas("nitrous oxide", "10024-97-2")
        self.hard_coal = self.gas("hard coal", None, GROUND)

    def product(self, name: str, unit: str = "kg", *, waste: bool = False) -> str:
        """A product (or waste) flow in ``unit``; returns its UUID."""
        kind = "Waste flow" if waste else "Product flow"
        return self._flow(name, unit, kind, None, ())

    def gas(self, name: str, cas: str | None, compartments: tuple[str, ...] = AIR) -> str:
        """An elementary flow in kg; returns its UUID."""
        return self._flow(name, "kg", "Elementary flow", cas, compartments)

    def process(
        self,
        name: str,
        reference: tuple[str, float],
        *,
        inputs: Mapping[str, float] | None = None,
        outputs: Mapping[str, float] | None = None,
        location: str = "CN",
        year: int | None = 2020,
        kind: str = "Unit process, single operation",
        reference_is_input: bool = False,
    ) -> str:
        """A process dataset: its reference flow (flow UUID, amount), then its inputs and outputs (flow UUID:
        amount, elementary or not); returns its UUID."""
        process = uuid_of(name)
        rows = [(reference[0], reference[1], "Input" if reference_is_input else "Output")]
        rows += [(flow, amount, "Input") for flow, amount in (inputs or {}).items()]
        rows += [(flow, amount, "Output") for flow, amount in (outputs or {}).items()]
        exchanges = "".join(
            f'<exchange dataSetInternalID="{k}">'
            f'<referenceToFlowDataSet type="flow data set" refObjectId="{flow}" uri="../flows/{flow}.xml"/>'
            f"<exchangeDirection>{direction}</exchangeDirection>"
            f"<meanAmount>{amount!r}</meanAmount><resultingAmount>{amount!r}</resultingAmount></exchange>"
            for k, (flow, amount, direction) in enumerate(rows)
        )
        time = f"<time><common:referenceYear>{year}</common:referenceYear></time>" if year is not None else ""
        self.files[f"ILCD/processes/{process}.xml"] = (
            f'{_HEAD}<processDataSet xmlns="http://lca.jrc.it/ILCD/Process" {_COMMON} version="1.1">'
            f"<processInformation><dataSetInformation><common:UUID>{process}</common:UUID>"
            f'<name><baseName xml:lang="en">{name}</baseName><baseName xml:lang="zh">{name}（中文）</baseName></name>'
            "</dataSetInformation>"
            '<quantitativeReference type="Reference flow(s)"><referenceToReferenceFlow>0</referenceToReferenceFlow>'
            f"</quantitativeReference>{time}"
            f'<geography><locationOfOperationSupplyOrProduction location="{location}"/></geography>'
            "</processInformation><modellingAndValidation><LCIMethodAndAllocation>"
            f"<typeOfDataSet>{kind}</typeOfDataSet></LCIMethodAndAllocation></modellingAndValidation>"
            "<administrativeInformation><publicationAndOwnership>"
            "<common:dataSetVersion>01.00.000</common:dataSetVersion></publicationAndOwnership>"
            f"</administrativeInformation><exchanges>{exchanges}</exchanges></processDataSet>"
        )
        return process

    def write(self, path: Path) -> Path:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in sorted(self.files.items()):
                archive.writestr(name, content)
        return path

    def _flow(self, name: str, unit: str, kind: str, cas: str | None, compartments: tuple[str, ...]) -> str:
        flow = uuid_of(f"flow {name}")
        categories = "".join(f'<common:category level="{k}">{c}</common:category>' for k, c in enumerate(compartments))
        classification = (
            "<classificationInformation><common:elementaryFlowCategorization>"
            f"{categories}</common:elementaryFlowCategorization></classificationInformation>"
            if compartments
            else ""
        )
        cas_number = f"<CASNumber>{cas}</CASNumber>" if cas else ""
        self.files[f"ILCD/flows/{flow}.xml"] = (
            f'{_HEAD}<flowDataSet xmlns="http://lca.jrc.it/ILCD/Flow" {_COMMON} version="1.1">'
            f"<flowInformation><dataSetInformation><common:UUID>{flow}</common:UUID>"
            f'<name><baseName xml:lang="en">{name}</baseName></name>{classification}{cas_number}'
            "</dataSetInformation><quantitativeReference><referenceToReferenceFlowProperty>0"
            "</referenceToReferenceFlowProperty></quantitativeReference></flowInformation>"
            f"<modellingAndValidation><LCIMethod><typeOfDataSet>{kind}</typeOfDataSet></LCIMethod>"
            "</modellingAndValidation><flowProperties>"
            f'<flowProperty dataSetInternalID="0"><referenceToFlowPropertyDataSet '
            f'refObjectId="{self._properties[unit]}"/><meanValue>1.0</meanValue></flowProperty>'
            "</flowProperties></flowDataSet>"
        )
        return flow

    def _flow_property(self, prop: str, name: str, group: str) -> None:
        self.files[f"ILCD/flowproperties/{prop}.xml"] = (
            f'{_HEAD}<flowPropertyDataSet xmlns="http://lca.jrc.it/ILCD/FlowProperty" {_COMMON} version="1.1">'
            f"<flowPropertiesInformation><dataSetInformation><common:UUID>{prop}</common:UUID>"
            f'<common:name xml:lang="en">{name}</common:name></dataSetInformation>'
            f'<quantitativeReference><referenceToReferenceUnitGroup refObjectId="{group}"/>'
            "</quantitativeReference></flowPropertiesInformation></flowPropertyDataSet>"
        )

    def _unit_group(self, group: str, units: Mapping[str, float]) -> None:
        rows = "".join(
            f'<unit dataSetInternalID="{k}"><name>{name}</name><meanValue>{factor}</meanValue></unit>'
            for k, (name, factor) in enumerate(units.items())
        )
        self.files[f"ILCD/unitgroups/{group}.xml"] = (
            f'{_HEAD}<unitGroupDataSet xmlns="http://lca.jrc.it/ILCD/UnitGroup" {_COMMON} version="1.1">'
            f"<unitGroupInformation><dataSetInformation><common:UUID>{group}</common:UUID></dataSetInformation>"
            "<quantitativeReference><referenceToReferenceUnit>0</referenceToReferenceUnit></quantitativeReference>"
            f"</unitGroupInformation><units>{rows}</units></unitGroupDataSet>"
        )
