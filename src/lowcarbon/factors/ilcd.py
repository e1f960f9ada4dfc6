"""Read ILCD zip archives (openLCA, soda4LCA, TianGong LCA) into plain, typed, immutable values.

An ILCD archive is a zip that holds a folder ``ILCD/`` with one XML file per dataset: ``processes/``, ``flows/``,
``flowproperties/``, ``unitgroups/`` and others (the EU JRC's ILCD format 1.1). This module reads what a footprint
needs from processes, flows, flow properties and unit groups; it writes nothing anywhere.

    with IlcdArchive.open("tiangong-lca-data-ilcd.zip") as archive:
        for process in archive.processes():
            print(process.name_en, process.reference_amount, process.reference_unit)

Datasets are parsed when first asked for and then kept, so one pass over all processes reads every file once.
An exchange's amount is in the reference unit of its flow's reference flow property, as ILCD defines it; that unit
is resolved through flow -> flow property -> unit group. A flow that an exchange references but the archive lacks
leaves the exchange with ``flow=None`` and ``unit=None``, and its reference in ``IlcdArchive.missing_flows``.

Every malformed input raises ``lowcarbon.errors.DataFormatError`` naming the archive, the file inside it, the field
(an XPath-like element path) and what to do.
"""

from __future__ import annotations

import math
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import MappingProxyType, TracebackType
from typing import Literal, Self, TypeVar

from lowcarbon.bounded import Archive, parse_xml
from lowcarbon.errors import DataFormatError

_T = TypeVar("_T")

__all__ = [
    "IlcdArchive",
    "IlcdExchange",
    "IlcdFlow",
    "IlcdFlowProperty",
    "IlcdProcess",
    "IlcdUncertainty",
    "IlcdUnit",
]

Direction = Literal["input", "output"]

_COMMON = "http://lca.jrc.it/ILCD/Common"
_PROCESS = "http://lca.jrc.it/ILCD/Process"
_FLOW = "http://lca.jrc.it/ILCD/Flow"
_FLOW_PROPERTY = "http://lca.jrc.it/ILCD/FlowProperty"
_UNIT_GROUP = "http://lca.jrc.it/ILCD/UnitGroup"
_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_IN_PROCESS = f"{{{_PROCESS}}}"
_FLOW_REF = f"{_IN_PROCESS}referenceToFlowDataSet"

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_CAS = re.compile(r"0*([1-9]\d{1,6}-\d{2}-\d)")
_FLOW_TYPES = {"Elementary flow": "elementary", "Product flow": "product", "Waste flow": "waste"}


@dataclass(frozen=True, slots=True)
class IlcdUnit:
    """A unit of a unit group: ``factor`` of the group's reference unit make one of it (t: 1000 kg)."""

    name: str
    factor: float


_UnitGroup = tuple[tuple[IlcdUnit, ...], IlcdUnit | None]  # (all units, the reference unit)


@dataclass(frozen=True, slots=True)
class IlcdFlowProperty:
    """A flow property (mass, energy, volume...) with the reference unit of its unit group (None if absent)."""

    uuid: str
    name: str
    reference_unit: IlcdUnit | None
    units: tuple[IlcdUnit, ...] = ()  # every unit of the unit group, the reference unit among them


@dataclass(frozen=True, slots=True)
class IlcdFlow:
    """A flow dataset: what an exchange moves, with the unit its amounts are given in."""

    uuid: str
    name_en: str  # English name (baseName and the other name parts, comma-joined); else the first name given
    name_zh: str | None
    flow_type: str  # "elementary", "product", "waste", or the raw typeOfDataSet when it is another ("" if absent)
    cas: str | None  # a well-formed CAS number without leading zeros ("124-38-9"); other text as given
    compartments: tuple[str, ...]  # elementary flow categorisation, e.g. ("Emissions", "Emissions to air", ...)
    reference_property_uuid: str | None
    reference_unit: str | None  # the reference unit of the reference flow property; None if not resolvable
    classification: tuple[str, ...] = ()  # the product/waste classification, top level first


@dataclass(frozen=True, slots=True)
class IlcdUncertainty:
    """An exchange's uncertainty as the dataset gives it; None where a value is not given."""

    distribution: str | None  # "log-normal", "normal", "triangular", "uniform" or "undefined"
    relative_sd95: float | None  # relativeStandardDeviation95In, in percent
    minimum: float | None
    maximum: float | None


@dataclass(frozen=True, slots=True)
class IlcdExchange:
    """One input or output of a process, in the reference unit of its flow."""

    internal_id: str  # dataSetInternalID, what referenceToReferenceFlow points at
    flow_uuid: str  # refObjectId as written (whitespace stripped); may be "" or not a UUID in sloppy data
    direction: Direction
    amount: float | None  # resultingAmount, else meanAmount; None when the dataset gives neither
    mean_amount: float | None
    unit: str | None  # the flow's reference unit; None when the flow or its unit cannot be resolved
    flow: IlcdFlow | None  # None when the flow dataset is absent from the archive
    uncertainty: IlcdUncertainty | None = None
    data_derivation: str | None = None  # dataDerivationTypeStatus, e.g. "Measured", "Calculated"


@dataclass(frozen=True, slots=True)
class IlcdProcess:
    """A process dataset: what it is, where and when, and its exchanges."""

    uuid: str
    name_en: str
    name_zh: str | None
    dataset_type: str | None  # typeOfDataSet, e.g. "Unit process, single operation", "LCI result"
    location: str | None  # ILCD location code, e.g. "CN", "SH-CN", "GLO"
    reference_year: int | None
    classification: tuple[str, ...]  # top level first
    reference_exchange: IlcdExchange | None  # the (first) reference flow; None if the dataset names none
    exchanges: tuple[IlcdExchange, ...]
    source_file: str  # the file inside the archive, e.g. "ILCD/processes/<uuid>.xml"
    reference_exchanges: tuple[IlcdExchange, ...] = ()  # all reference flows (a few datasets name two)
    version: str | None = None  # dataSetVersion, e.g. "00.01.005": with the UUID, what a citation names

    @property
    def reference_amount(self) -> float:
        """The amount of the reference flow: every exchange is per this much of it.

        Raises DataFormatError when the dataset names no reference flow or that exchange has no amount.
        """
        exchange = self._reference()
        if exchange.amount is None:
            raise DataFormatError(
                f"{self.source_file} (process {self.uuid}): exchanges/exchange[@dataSetInternalID="
                f"{exchange.internal_id}]: the reference flow has neither resultingAmount nor meanAmount; give it one"
            )
        return exchange.amount

    @property
    def reference_unit(self) -> str | None:
        """The unit of the reference flow's amount; None when its flow or unit is absent from the archive.

        Raises DataFormatError when the dataset names no reference flow.
        """
        return self._reference().unit

    def _reference(self) -> IlcdExchange:
        if self.reference_exchange is None:
            raise DataFormatError(
                f"{self.source_file} (process {self.uuid}): processInformation/quantitativeReference/"
                "referenceToReferenceFlow is missing; name the dataSetInternalID of the reference exchange there"
            )
        return self.reference_exchange


def _clark(path: str, namespace: str) -> str:
    """Turn "a/common:b" into ElementTree's "{ns}a/{common ns}b", unprefixed steps in ``namespace``."""
    steps = []
    for step in path.split("/"):
        prefix, _, local = step.rpartition(":")
        steps.append(f"{{{_COMMON if prefix == 'common' else namespace}}}{local}")
    return "/".join(steps)


def _fields(namespace: str, **paths: str) -> dict[str, tuple[str, str]]:
    """Each field's (readable path for messages, ElementTree path)."""
    return {name: (path, _clark(path, namespace)) for name, path in paths.items()}


_P = _fields(
    _PROCESS,
    uuid="processInformation/dataSetInformation/common:UUID",
    name="processInformation/dataSetInformation/name",
    classes="processInformation/dataSetInformation/classificationInformation/common:classification",
    reference="processInformation/quantitativeReference/referenceToReferenceFlow",
    location="processInformation/geography/locationOfOperationSupplyOrProduction",
    year="processInformation/time/common:referenceYear",
    type="modellingAndValidation/LCIMethodAndAllocation/typeOfDataSet",
    exchange="exchanges/exchange",
    version="administrativeInformation/publicationAndOwnership/common:dataSetVersion",
)
_F = _fields(
    _FLOW,
    uuid="flowInformation/dataSetInformation/common:UUID",
    name="flowInformation/dataSetInformation/name",
    cas="flowInformation/dataSetInformation/CASNumber",
    classes="flowInformation/dataSetInformation/classificationInformation/common:classification",
    compartments="flowInformation/dataSetInformation/classificationInformation/common:elementaryFlowCategorization",
    reference="flowInformation/quantitativeReference/referenceToReferenceFlowProperty",
    type="modellingAndValidation/LCIMethod/typeOfDataSet",
    property="flowProperties/flowProperty",
    property_ref="referenceToFlowPropertyDataSet",
)
_FP = _fields(
    _FLOW_PROPERTY,
    uuid="flowPropertiesInformation/dataSetInformation/common:UUID",
    name="flowPropertiesInformation/dataSetInformation/common:name",
    unit_group="flowPropertiesInformation/quantitativeReference/referenceToReferenceUnitGroup",
)
_UG = _fields(
    _UNIT_GROUP,
    reference="unitGroupInformation/quantitativeReference/referenceToReferenceUnit",
    unit="units/unit",
    name="name",
    value="meanValue",
)


class _Dataset:
    """One parsed XML dataset and the file it came from, with helpers that name the file in every error."""

    __slots__ = ("archive", "fields", "member", "root")

    def __init__(self, root: ET.Element, member: str, archive: Path, fields: dict[str, tuple[str, str]]) -> None:
        self.root, self.member, self.archive, self.fields = root, member, archive, fields

    def error(self, field: str, problem: str, fix: str) -> DataFormatError:
        """An error naming the file, the field (a key of ``fields``, or a path as is), the problem and the fix."""
        readable = self.fields[field][0] if field in self.fields else field
        return DataFormatError(f"{self.member} in {self.archive}: {readable}: {problem}; {fix}")

    def find(self, field: str, within: ET.Element | None = None) -> ET.Element | None:
        return (self.root if within is None else within).find(self.fields[field][1])

    def findall(self, field: str, within: ET.Element | None = None) -> list[ET.Element]:
        return (self.root if within is None else within).findall(self.fields[field][1])

    def text(self, field: str, within: ET.Element | None = None) -> str | None:
        return _text(self.find(field, within))

    def number(self, field: str, within: ET.Element | None = None) -> float | None:
        return self.to_number(self.text(field, within), field)

    def to_number(self, raw: str | None, field: str) -> float | None:
        if raw is None:
            return None
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):  # float() accepts "NaN" and "inf", which no amount may be
            raise self.error(field, f"{raw!r} is not a number", "write a decimal number such as 1.5E-3")
        return value

    def uuid(self) -> str:
        value = self.text("uuid")
        if value is None:
            raise self.error("uuid", "missing or empty", "give the dataset its UUID (every ILCD dataset needs one)")
        return value


def _text(element: ET.Element | None) -> str | None:
    """The element's stripped text, None when it is absent or blank."""
    if element is None or element.text is None:
        return None
    return element.text.strip() or None


def _names(parts: Iterable[ET.Element]) -> tuple[str, str | None]:
    """(English name, Chinese name) from name parts: each language's parts comma-joined, as openLCA shows them."""
    by_lang: dict[str, list[str]] = {}
    for part in parts:
        text = _text(part)
        if text is not None:
            by_lang.setdefault(part.get(_LANG, "en").lower(), []).append(text)
    joined = {lang: ", ".join(texts) for lang, texts in by_lang.items()}
    zh = next((text for lang, text in joined.items() if lang.startswith("zh")), None)
    en = joined.get("en") or next(iter(joined.values()), "")
    return en, zh


def _attr(element: ET.Element | None, name: str) -> str | None:
    """An attribute's stripped value, None when the element or attribute is absent or blank."""
    value = None if element is None else element.get(name)
    return None if value is None else value.strip() or None


def _children(element: ET.Element | None) -> list[ET.Element]:
    return [] if element is None else list(element)


def _texts(element: ET.Element | None) -> tuple[str, ...]:
    """The non-blank texts of an element's children, in document order."""
    return tuple(text for child in _children(element) if (text := _text(child)) is not None)


def _cas(raw: str | None) -> str | None:
    if raw is None or raw == "-":
        return None
    match = _CAS.fullmatch(raw)
    return match.group(1) if match else raw


def _parse_unit_group(dataset: _Dataset) -> _UnitGroup:
    """The units of a unit group and its reference unit."""
    units: dict[str, IlcdUnit] = {}
    for element in dataset.findall("unit"):
        name = dataset.text("name", element)
        factor = dataset.number("value", element)
        if name is None or factor is None:
            raise dataset.error("units/unit", "a unit lacks its name or meanValue", "give every unit both")
        units[element.get("dataSetInternalID", "")] = IlcdUnit(name, factor)
    reference = units.get(dataset.text("reference") or "")
    return tuple(units.values()), reference


def _parse_flow_property(dataset: _Dataset, unit_groups: Callable[[str], _UnitGroup | None]) -> IlcdFlowProperty:
    """A flow property with the units of its unit group, resolved through ``unit_groups`` (by UUID)."""
    name_en, _ = _names(dataset.findall("name"))
    ref = _attr(dataset.find("unit_group"), "refObjectId")
    group = None if ref is None else unit_groups(ref)
    units, reference = group if group is not None else ((), None)
    return IlcdFlowProperty(dataset.uuid(), name_en, reference, units)


def _parse_flow(dataset: _Dataset, properties: Callable[[str], IlcdFlowProperty | None]) -> IlcdFlow:
    """A flow dataset, its reference unit resolved through ``properties`` (flow property by UUID)."""
    name_en, name_zh = _names(_children(dataset.find("name")))
    reference_id = dataset.text("reference")
    reference_uuid = None
    for element in dataset.findall("property"):
        if element.get("dataSetInternalID") == reference_id:
            reference_uuid = _attr(dataset.find("property_ref", element), "refObjectId")
    prop = properties(reference_uuid) if reference_uuid else None
    raw_type = dataset.text("type") or ""
    return IlcdFlow(
        uuid=dataset.uuid(),
        name_en=name_en,
        name_zh=name_zh,
        flow_type=_FLOW_TYPES.get(raw_type, raw_type),
        cas=_cas(dataset.text("cas")),
        compartments=_texts(dataset.find("compartments")),
        reference_property_uuid=reference_uuid,
        reference_unit=prop.reference_unit.name if prop and prop.reference_unit else None,
        classification=_texts(dataset.find("classes")),
    )


def _exchange_parts(element: ET.Element) -> dict[str, str]:
    """An <exchange>'s child elements' texts by local name (the first of each), read in one pass for speed."""
    parts: dict[str, str] = {}
    for child in element:
        text = _text(child)
        if text is not None and child.tag.startswith(_IN_PROCESS):
            parts.setdefault(child.tag[len(_IN_PROCESS) :], text)
    return parts


def _parse_exchange(dataset: _Dataset, element: ET.Element, flows: Callable[[str], IlcdFlow | None]) -> IlcdExchange:
    """One <exchange>, its flow resolved through ``flows`` (flow by reference)."""
    internal_id = element.get("dataSetInternalID")
    if internal_id is None:
        raise dataset.error("exchange", "an exchange has no dataSetInternalID", "number the exchanges 0, 1, 2...")
    where = f"exchanges/exchange[@dataSetInternalID={internal_id}]"
    ref = element.find(_FLOW_REF)
    if ref is None:
        raise dataset.error(f"{where}/referenceToFlowDataSet", "missing", "reference the exchange's flow dataset")
    flow_uuid = _attr(ref, "refObjectId") or ""
    parts = _exchange_parts(element)
    direction = parts.get("exchangeDirection", "")
    if direction.lower() not in ("input", "output"):
        raise dataset.error(f"{where}/exchangeDirection", f"{direction!r} is not Input or Output", "write either")

    def number(name: str) -> float | None:
        return dataset.to_number(parts.get(name), f"{where}/{name}")

    mean, resulting = number("meanAmount"), number("resultingAmount")
    spread = (number("relativeStandardDeviation95In"), number("minimumAmount"), number("maximumAmount"))
    distribution = parts.get("uncertaintyDistributionType")
    given = distribution is not None or spread != (None, None, None)
    flow = flows(flow_uuid) if flow_uuid else None
    return IlcdExchange(
        internal_id=internal_id,
        flow_uuid=flow_uuid,
        direction="input" if direction.lower() == "input" else "output",
        amount=mean if resulting is None else resulting,
        mean_amount=mean,
        unit=flow.reference_unit if flow else None,
        flow=flow,
        uncertainty=IlcdUncertainty(distribution, *spread) if given else None,
        data_derivation=parts.get("dataDerivationTypeStatus"),
    )


def _parse_process(dataset: _Dataset, flows: Callable[[str], IlcdFlow | None]) -> IlcdProcess:
    """A process dataset with its exchanges and reference flow(s)."""
    uuid = dataset.uuid()
    exchanges = tuple(_parse_exchange(dataset, element, flows) for element in dataset.findall("exchange"))
    by_id = {exchange.internal_id: exchange for exchange in exchanges}
    references = []
    for element in dataset.findall("reference"):
        internal_id = _text(element)
        if internal_id not in by_id:
            raise dataset.error(
                "reference", f"names exchange {internal_id!r}, which the dataset does not have", "name an existing one"
            )
        references.append(by_id[internal_id])
    name_en, name_zh = _names(_children(dataset.find("name")))
    year = dataset.text("year")
    if year is not None and not year.isdigit():
        raise dataset.error("year", f"{year!r} is not a year", "write a four-digit year such as 2019")
    return IlcdProcess(
        uuid=uuid,
        name_en=name_en,
        name_zh=name_zh,
        dataset_type=dataset.text("type"),
        location=_attr(dataset.find("location"), "location"),
        reference_year=int(year) if year is not None else None,
        classification=_texts(dataset.find("classes")),
        reference_exchange=references[0] if references else None,
        exchanges=exchanges,
        source_file=dataset.member,
        reference_exchanges=tuple(references),
        version=dataset.text("version"),
    )


def _ilcd_prefix(names: list[str]) -> str | None:
    """The path of the outermost ``ILCD/`` folder in the zip ("ILCD/" or e.g. "export/ILCD/"), if any."""
    best: str | None = None
    for name in names:
        parts = name.split("/")
        for i, part in enumerate(parts[:-1]):
            if part.upper() == "ILCD":
                prefix = "/".join(parts[: i + 1]) + "/"
                if best is None or len(prefix) < len(best):
                    best = prefix
                break
    return best


def _index(names: list[str], prefix: str) -> dict[str, dict[str, str]]:
    """Folder ("processes", "flows"...) -> dataset key (lower-case UUID from the file name) -> member name."""
    folders: dict[str, dict[str, str]] = {}
    for name in sorted(names):
        if not name.startswith(prefix) or not name.lower().endswith(".xml"):
            continue
        parts = name[len(prefix) :].split("/")
        if len(parts) != 2:
            continue
        stem = PurePosixPath(parts[1]).stem
        match = _UUID.match(stem)  # soda4LCA names files "<uuid>_<version>.xml"; the last version wins
        folders.setdefault(parts[0].lower(), {})[(match.group(0) if match else stem).lower()] = name
    return folders


class IlcdArchive:
    """An open ILCD zip archive; datasets are parsed on first use and kept. Use as a context manager."""

    def __init__(self, path: Path, archive: Archive, prefix: str) -> None:
        """Use ``IlcdArchive.open(path)``."""
        self.path = path
        self._zip = archive
        self._files = _index(archive.names(), prefix)
        self._processes: dict[str, IlcdProcess] = {}
        self._flows: dict[str, IlcdFlow | None] = {}
        self._properties: dict[str, IlcdFlowProperty | None] = {}
        self._unit_groups: dict[str, _UnitGroup | None] = {}
        self._search_keys: list[tuple[str, IlcdProcess]] | None = None

    @classmethod
    def open(cls, path: str | Path) -> IlcdArchive:
        """Open an ILCD zip (a zip holding an ``ILCD/`` folder). Raises DataFormatError if it is not one."""
        path = Path(path)
        if not path.is_file():
            problem = "is a folder" if path.is_dir() else "does not exist"
            raise DataFormatError(f"{path}: {problem}; give the path of an ILCD .zip file")
        archive = Archive(path, str(path), "ILCD zip archive")
        prefix = _ilcd_prefix(archive.names())
        if prefix is None:
            archive.close()
            raise DataFormatError(
                f"{path}: no ILCD/ folder in the zip; an ILCD archive holds ILCD/processes/*.xml, ILCD/flows/*.xml..."
                " (zip the ILCD folder itself, or export the data as ILCD from openLCA or soda4LCA)"
            )
        return cls(path, archive, prefix)

    def close(self) -> None:
        """Close the zip file; parsed datasets stay usable."""
        self._zip.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"IlcdArchive({str(self.path)!r}, processes={len(self._files.get('processes', {}))})"

    def _read(self, member: str, root_tag: str, namespace: str, fields: dict[str, tuple[str, str]]) -> _Dataset:
        """Parse one XML file of the archive, checking its root element."""
        where = f"{member} in {self.path}"
        root = parse_xml(self._zip.read(member), where)
        if root.tag != f"{{{namespace}}}{root_tag}":
            raise DataFormatError(
                f"{where}: the root element is {root.tag}, not {root_tag} in namespace {namespace}; "
                f"put only {root_tag} files in this folder"
            )
        return _Dataset(root, member, self.path, fields)

    def _member(self, folder: str, uuid: str) -> str | None:
        return self._files.get(folder, {}).get(uuid.lower())

    def _unit_group(self, uuid: str) -> _UnitGroup | None:
        def load(member: str) -> _UnitGroup:
            return _parse_unit_group(self._read(member, "unitGroupDataSet", _UNIT_GROUP, _UG))

        return self._cached(self._unit_groups, "unitgroups", uuid, load)

    def _property(self, uuid: str) -> IlcdFlowProperty | None:
        def load(member: str) -> IlcdFlowProperty:
            return _parse_flow_property(
                self._read(member, "flowPropertyDataSet", _FLOW_PROPERTY, _FP), self._unit_group
            )

        return self._cached(self._properties, "flowproperties", uuid, load)

    def _flow(self, uuid: str) -> IlcdFlow | None:
        def load(member: str) -> IlcdFlow:
            return _parse_flow(self._read(member, "flowDataSet", _FLOW, _F), self._property)

        return self._cached(self._flows, "flows", uuid, load)

    def _cached(self, store: dict[str, _T | None], folder: str, uuid: str, load: Callable[[str], _T]) -> _T | None:
        """The parsed dataset of ``uuid`` in ``folder``, read once; None when the archive lacks it."""
        key = uuid.lower()
        if key not in store:
            member = self._member(folder, key)
            store[key] = None if member is None else load(member)
        return store[key]

    def _process(self, key: str, member: str) -> IlcdProcess:
        if key not in self._processes:
            dataset = self._read(member, "processDataSet", _PROCESS, _P)
            self._processes[key] = _parse_process(dataset, self._flow)
        return self._processes[key]

    def processes(self) -> Iterator[IlcdProcess]:
        """Every process dataset, in file-name order."""
        for key, member in self._files.get("processes", {}).items():
            yield self._process(key, member)

    def process(self, uuid: str) -> IlcdProcess:
        """The process dataset with this UUID; KeyError if the archive has none."""
        member = self._files.get("processes", {}).get(uuid.strip().lower())
        if member is None:
            raise KeyError(f"no process dataset {uuid} in {self.path}")
        return self._process(uuid.strip().lower(), member)

    def flows(self) -> Mapping[str, IlcdFlow]:
        """Every flow dataset of the archive, by lower-case UUID (read-only)."""
        flows = {key: self._flow(key) for key in self._files.get("flows", {})}
        return MappingProxyType({key: flow for key, flow in flows.items() if flow is not None})

    def flow(self, uuid: str) -> IlcdFlow:
        """The flow dataset with this UUID; KeyError if the archive has none."""
        flow = self._flow(uuid.strip())
        if flow is None:
            raise KeyError(f"no flow dataset {uuid} in {self.path}")
        return flow

    def flow_property(self, uuid: str) -> IlcdFlowProperty:
        """The flow property with this UUID (an IlcdFlow's ``reference_property_uuid``); KeyError if absent."""
        prop = self._property(uuid.strip())
        if prop is None:
            raise KeyError(f"no flow property dataset {uuid} in {self.path}")
        return prop

    def search(self, text: str) -> list[IlcdProcess]:
        """Processes whose English or Chinese name contains ``text``, ignoring case and full/half width."""
        if self._search_keys is None:
            self._search_keys = [(_fold(f"{p.name_en}\n{p.name_zh or ''}"), p) for p in self.processes()]
        needle = _fold(text.strip())
        return [process for key, process in self._search_keys if needle in key]

    @property
    def missing_flows(self) -> frozenset[str]:
        """UUIDs that exchanges reference but the archive has no flow dataset for (reads every process)."""
        return frozenset(ref for ref in self._unresolved() if _UUID.fullmatch(ref))

    @property
    def invalid_flow_references(self) -> frozenset[str]:
        """Exchange flow references that are not UUIDs at all ("" for an empty one), e.g. a flow's name."""
        return frozenset(ref for ref in self._unresolved() if not _UUID.fullmatch(ref))

    def _unresolved(self) -> set[str]:
        return {e.flow_uuid for p in self.processes() for e in p.exchanges if e.flow is None}


def _fold(text: str) -> str:
    """Fold case and full-width forms (NFKC), so that a search matches either way of writing."""
    return unicodedata.normalize("NFKC", text).casefold()
