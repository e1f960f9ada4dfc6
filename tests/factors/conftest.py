"""Fixtures for factor tests: the real TianGong ILCD archive (full, or the shipped subset), and small hand-made ILCD
zips built by code."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest
from tiangong_data import ARCHIVES, TianGong

from lowcarbon.factors.ilcd import IlcdArchive

_HEAD = '<?xml version="1.0" encoding="utf-8"?>\n'
_NS = 'xmlns:common="http://lca.jrc.it/ILCD/Common"'


@pytest.fixture(scope="session", params=ARCHIVES, ids=[source.name for source in ARCHIVES])
def tiangong_source(request: pytest.FixtureRequest) -> TianGong:
    """A real TianGong archive and the figures it must give: the subset always, the full archive when it is there."""
    source: TianGong = request.param
    return source


@pytest.fixture(scope="session")
def tiangong(tiangong_source: TianGong) -> Iterator[IlcdArchive]:
    """That archive with every process parsed once, shared by all tests of the session."""
    with IlcdArchive.open(tiangong_source.path) as archive:
        for _ in archive.processes():
            pass
        yield archive


class IlcdXml:
    """Minimal ILCD 1.1 datasets as XML text, for hand-made archives."""

    @staticmethod
    def exchange(internal_id: str, flow: str, amount: str = "1.0", direction: str = "Output", extra: str = "") -> str:
        """An <exchange> whose meanAmount and resultingAmount are ``amount`` (omitted when "")."""
        amounts = f"<meanAmount>{amount}</meanAmount><resultingAmount>{amount}</resultingAmount>" if amount else ""
        return (
            f'<exchange dataSetInternalID="{internal_id}">'
            f'<referenceToFlowDataSet type="flow data set" refObjectId="{flow}" uri="../flows/{flow}.xml"/>'
            f"<exchangeDirection>{direction}</exchangeDirection>{amounts}{extra}</exchange>"
        )

    @staticmethod
    def process(uuid: str | None, exchanges: str, reference: str | None = "0", name: str = "Test process") -> str:
        """A processDataSet; ``uuid=None`` leaves out the UUID, ``reference=None`` the reference flow."""
        uuid_element = f"<common:UUID>{uuid}</common:UUID>" if uuid is not None else ""
        ref = f"<referenceToReferenceFlow>{reference}</referenceToReferenceFlow>" if reference is not None else ""
        return (
            f'{_HEAD}<processDataSet xmlns="http://lca.jrc.it/ILCD/Process" {_NS} version="1.1">'
            f"<processInformation><dataSetInformation>{uuid_element}"
            f'<name><baseName xml:lang="en">{name}</baseName><baseName xml:lang="zh">测试过程</baseName></name>'
            "</dataSetInformation>"
            f'<quantitativeReference type="Reference flow(s)">{ref}</quantitativeReference>'
            "<time><common:referenceYear>2020</common:referenceYear></time>"
            '<geography><locationOfOperationSupplyOrProduction location="CN"/></geography>'
            "</processInformation><modellingAndValidation><LCIMethodAndAllocation>"
            "<typeOfDataSet>Unit process, single operation</typeOfDataSet></LCIMethodAndAllocation>"
            f"</modellingAndValidation><exchanges>{exchanges}</exchanges></processDataSet>"
        )

    @staticmethod
    def flow(uuid: str, name: str, flow_property: str, flow_type: str = "Product flow") -> str:
        """A flowDataSet with one flow property, its reference."""
        return (
            f'{_HEAD}<flowDataSet xmlns="http://lca.jrc.it/ILCD/Flow" {_NS} version="1.1">'
            f"<flowInformation><dataSetInformation><common:UUID>{uuid}</common:UUID>"
            f'<name><baseName xml:lang="en">{name}</baseName></name></dataSetInformation>'
            "<quantitativeReference><referenceToReferenceFlowProperty>0</referenceToReferenceFlowProperty>"
            "</quantitativeReference></flowInformation>"
            f"<modellingAndValidation><LCIMethod><typeOfDataSet>{flow_type}</typeOfDataSet></LCIMethod>"
            "</modellingAndValidation><flowProperties>"
            f'<flowProperty dataSetInternalID="0"><referenceToFlowPropertyDataSet refObjectId="{flow_property}"/>'
            "<meanValue>1.0</meanValue></flowProperty></flowProperties></flowDataSet>"
        )

    @staticmethod
    def flow_property(uuid: str, name: str, unit_group: str) -> str:
        """A flowPropertyDataSet pointing at a unit group."""
        return (
            f'{_HEAD}<flowPropertyDataSet xmlns="http://lca.jrc.it/ILCD/FlowProperty" {_NS} version="1.1">'
            f"<flowPropertiesInformation><dataSetInformation><common:UUID>{uuid}</common:UUID>"
            f'<common:name xml:lang="en">{name}</common:name></dataSetInformation>'
            f'<quantitativeReference><referenceToReferenceUnitGroup refObjectId="{unit_group}"/>'
            "</quantitativeReference></flowPropertiesInformation></flowPropertyDataSet>"
        )

    @staticmethod
    def unit_group(uuid: str, units: Mapping[str, float], reference: int = 0) -> str:
        """A unitGroupDataSet with ``units`` (name: factor) numbered in order."""
        rows = "".join(
            f'<unit dataSetInternalID="{i}"><name>{name}</name><meanValue>{factor}</meanValue></unit>'
            for i, (name, factor) in enumerate(units.items())
        )
        return (
            f'{_HEAD}<unitGroupDataSet xmlns="http://lca.jrc.it/ILCD/UnitGroup" {_NS} version="1.1">'
            f"<unitGroupInformation><dataSetInformation><common:UUID>{uuid}</common:UUID></dataSetInformation>"
            f"<quantitativeReference><referenceToReferenceUnit>{reference}</referenceToReferenceUnit>"
            f"</quantitativeReference></unitGroupInformation><units>{rows}</units></unitGroupDataSet>"
        )


@pytest.fixture
def ilcd_xml() -> IlcdXml:
    """Builders of minimal ILCD datasets."""
    return IlcdXml()


@pytest.fixture
def write_zip(tmp_path: Path) -> Callable[[Mapping[str, str | bytes]], Path]:
    """Write {name inside the zip: content} as a zip in tmp_path and return its path."""

    def write(files: Mapping[str, str | bytes]) -> Path:
        path = tmp_path / f"archive{len(list(tmp_path.glob('*.zip')))}.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in files.items():
                archive.writestr(name, content)
        return path

    return write
