"""Emission factors from an openLCA JSON-LD zip (the olca-schema format of openLCA 2; openLCA 1.x exports too).

An openLCA JSON-LD export is a zip with one JSON file per dataset in folders such as ``processes/``, ``flows/``,
``flow_properties/``, ``unit_groups/``, ``locations/``, and ``olca-schema.json`` naming the schema version (a zip
without it is version 1, as openLCA reads it; version 1 spells a few fields differently and keeps categories in
``categories/``). Each process becomes an ``inventory_import.Dataset``:

- its elementary exchanges, converted to the reference unit of their flow as openLCA computes reference amounts
  (amount x the unit's factor in its unit group / the flow property's factor in the flow), then to kg;
- its quantitative reference: that exchange's amount and unit are what the factor is per;
- its location code, the year of ``processDocumentation.validFrom`` (else ``validUntil``), its category path, and a
  boundary from ``processType`` (an LCI result carries its upstream, a unit process only its own emissions).

The JSON is parsed with the standard library, not with ``olca_schema``: its ``ZipReader`` scans the whole member list
for every read (quadratic on an ecoinvent-sized export) and finds nothing in a zip whose folders sit one level down;
its ``from_dict`` checks no types (a quoted amount stays text, an unknown ``flowType`` becomes None and the exchange
silently drops out) and it ships no type hints. The tests write their archives with ``olca_schema.zipio.ZipWriter``,
so what this module reads is what the reference implementation writes.

A process that cannot give a trustworthy factor -- two quantitative references, or a greenhouse-gas exchange whose
unit cannot be brought to kg (say its unit group is not in the zip) -- is skipped with the reason. Malformed input
raises ``DataFormatError`` naming the zip, the member inside it and the field. Nothing is written anywhere.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import NamedTuple, Self

from lowcarbon.bounded import Archive, parse_json
from lowcarbon.errors import DataFormatError
from lowcarbon.factors.characterization import CharacterizationSet, load_set
from lowcarbon.factors.flow_mapping import classify_flow
from lowcarbon.factors.inventory_import import Dataset, ElementaryExchange, ImportReport, import_datasets, kilograms_per

__all__ = ["SCHEMA_VERSION", "import_jsonld"]

SCHEMA_VERSION = 2  # the newest olca-schema version this module reads
FLOW_TYPES = ("ELEMENTARY_FLOW", "PRODUCT_FLOW", "WASTE_FLOW")
PROCESS_TYPES = ("UNIT_PROCESS", "LCI_RESULT")
_YEAR = re.compile(r"\s*(\d{4})(?:-|$)")

JsonObject = dict[str, object]


def import_jsonld(
    path: str | Path, factor_set: str | None = None, characterization: CharacterizationSet | None = None
) -> ImportReport:
    """A factor per process with greenhouse-gas exchanges with the air, per unit of its quantitative reference.

    ``factor_set`` defaults to the zip's file name without suffix, ``characterization`` to IPCC AR6. The report's
    ``skipped`` lists first the processes this reader could not interpret, then those without a factor.
    """
    location = Path(path)
    gases = characterization or load_set("AR6")
    with _Archive.open(location) as archive:
        items = [_dataset(archive, member, gases) for member in archive.process_members()]
    return import_datasets(items, factor_set or location.stem, gases)


class _Field(NamedTuple):
    """A place in the archive, for error messages: zip, member, and the JSON path inside the member.

    A tuple, made for every exchange read, and turned into text only for an error.
    """

    archive: str
    member: str
    steps: tuple[str | int, ...] = ()

    def at(self, key: str | int) -> _Field:
        return _Field(self.archive, self.member, (*self.steps, key))

    @property
    def path(self) -> str:
        """The JSON path, e.g. ``exchanges[2].amount``."""
        return "".join(f"[{key}]" if isinstance(key, int) else f".{key}" for key in self.steps).lstrip(".")

    def error(self, problem: str) -> DataFormatError:
        where = f" field {self.path}:" if self.steps else ""
        return DataFormatError(f"{self.archive}: {self.member}:{where} {problem}")


@dataclass(frozen=True)
class _Quantity:
    """A flow property as a flow uses it: its units, and how many of its reference unit one flow reference unit is."""

    per_reference: float  # the flow property factor's conversionFactor
    units: Mapping[str, float]  # unit @id and unit name -> units of the group's reference unit in one of it
    reference_unit: str | None


@dataclass(frozen=True)
class _Flow:
    """What an exchange needs from its flow; ``missing`` says when only the exchange's reference to it was there."""

    name: str
    cas: str | None
    compartments: tuple[str, ...]
    flow_type: str | None
    reference_property: str | None
    reference_unit: str | None
    quantities: Mapping[str, _Quantity | str]  # by flow property @id; text says why that property is unusable
    missing: str | None = None


class _Archive:
    """An open JSON-LD zip: members listed once; flows, units, categories and locations kept once read."""

    def __init__(self, zip_file: Archive, name: str) -> None:
        self._zip = zip_file
        self.name = name
        self._names = frozenset(zip_file.names())
        self._flows: dict[str, _Flow] = {}
        self._units: dict[str, tuple[Mapping[str, float], str | None] | str] = {}
        self._categories: dict[str, tuple[str, ...]] = {}
        self._locations: dict[str, str | None] = {}
        self.root = self._root()
        self.version = self._version()

    @classmethod
    def open(cls, path: Path) -> _Archive:
        if path.is_dir():
            raise DataFormatError(f"{path}: is a folder; give the openLCA JSON-LD zip itself (File > Export > JSON-LD)")
        if not path.is_file():
            raise DataFormatError(f"{path}: no such file; give the path of an openLCA JSON-LD zip export")
        zip_file = Archive(path, str(path), "openLCA JSON-LD zip (File > Export > JSON-LD)")
        try:
            return cls(zip_file, path.name)
        except BaseException:
            zip_file.close()
            raise

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._zip.close()

    def _root(self) -> str:
        """The folder holding ``processes/``: "" in openLCA's exports, "name/" when a folder was zipped."""
        roots = {
            "".join(f"{part}/" for part in parts[:-2])
            for parts in (PurePosixPath(name).parts for name in self._names if name.endswith(".json"))
            if len(parts) >= 2 and parts[-2] == "processes"
        }
        if not roots:
            hint = (
                "it is an ILCD archive: use lowcarbon.factors.ilcd_factors.import_ilcd"
                if any(name.startswith("ILCD/") for name in self._names)
                else "export processes from openLCA with File > Export > JSON-LD"
            )
            raise DataFormatError(
                f"{self.name}: no processes/<uuid>.json in the zip, so it is no openLCA JSON-LD export of processes; "
                f"{hint}"
            )
        return min(roots, key=len)

    def _version(self) -> int:
        """The olca-schema version the zip declares; 1 without ``olca-schema.json``, as openLCA reads it."""
        member = f"{self.root}olca-schema.json"
        if member not in self._names:
            return 1
        place = _Field(self.name, member).at("version")
        value = self.json(member).get("version")
        text = str(value).strip() if isinstance(value, int | float | str) and not isinstance(value, bool) else ""
        match = re.fullmatch(r"(\d+)(?:\.0+)?", text)  # openLCA writes 2; some tools write 2.0 or "2.0"
        if match is None:
            raise place.error(f"{value!r} is not a schema version number such as 2")
        version = int(match.group(1))
        if version > SCHEMA_VERSION:
            raise place.error(
                f"olca-schema version {version} is newer than this reader knows ({SCHEMA_VERSION}); export with "
                "openLCA 2 or update lowcarbon"
            )
        return version

    def process_members(self) -> Iterator[str]:
        folder = f"{self.root}processes/"
        for name in sorted(self._names):
            if name.startswith(folder) and name.endswith(".json") and "/" not in name[len(folder) :]:
                yield name

    def json(self, member: str) -> JsonObject:
        """The JSON object in a member, parsed anew each time: the callers keep what is worth keeping."""
        place = _Field(self.name, member)
        value = parse_json(self._zip.read(member), f"{self.name}: {member}")
        if not isinstance(value, dict):
            raise place.error(f"holds a JSON {type(value).__name__}, not the object of one dataset")
        return value

    def entity(self, folder: str, entity_id: str) -> tuple[JsonObject, _Field] | None:
        """The dataset ``<folder>/<id>.json`` and its place, or None when the zip does not have it."""
        member = f"{self.root}{folder}/{entity_id}.json"
        return (self.json(member), _Field(self.name, member)) if member in self._names else None

    def flow(self, reference: JsonObject, place: _Field) -> _Flow:
        """The flow an exchange references; from the reference alone when the zip lacks the flow's file."""
        flow_id = _required_text(reference, "@id", place)
        if flow_id not in self._flows:
            found = self.entity("flows", flow_id)
            self._flows[flow_id] = (
                self._read_flow(*found)
                if found is not None
                else _Flow(
                    name=_text(reference, "name", place) or flow_id,
                    cas=None,
                    compartments=self.category(reference, place),
                    flow_type=_flow_type(reference, place),
                    reference_property=None,
                    reference_unit=_text(reference, "refUnit", place),
                    quantities={},
                    missing=f"flows/{flow_id}.json is not in the zip",
                )
            )
        return self._flows[flow_id]

    def _read_flow(self, data: JsonObject, place: _Field) -> _Flow:
        quantities: dict[str, _Quantity | str] = {}
        reference_property: str | None = None
        for i, factor in enumerate(_objects(data, "flowProperties", place)):
            at = place.at("flowProperties").at(i)
            property_ref = _object(factor, "flowProperty", at)
            if property_ref is None:
                raise at.at("flowProperty").error("missing; every flow property factor names its flow property")
            property_id = _required_text(property_ref, "@id", at.at("flowProperty"))
            if _flag(factor, ("isRefFlowProperty", "referenceFlowProperty"), at):
                reference_property = property_id
            per_reference = _number(factor, "conversionFactor", at)
            units = self.units(property_id)
            quantities[property_id] = (
                units
                if isinstance(units, str)
                else _Quantity(1.0 if per_reference is None else per_reference, units[0], units[1])
            )
        reference = quantities.get(reference_property or "")
        return _Flow(
            name=_text(data, "name", place) or PurePosixPath(place.member).stem,
            cas=_text(data, "cas", place),
            compartments=self.category(data, place),
            flow_type=_flow_type(data, place),
            reference_property=reference_property,
            reference_unit=reference.reference_unit if isinstance(reference, _Quantity) else None,
            quantities=quantities,
        )

    def units(self, property_id: str) -> tuple[Mapping[str, float], str | None] | str:
        """The units of a flow property's unit group by id and name, with the reference unit; or why there are none."""
        if property_id not in self._units:
            self._units[property_id] = self._read_units(property_id)
        return self._units[property_id]

    def _read_units(self, property_id: str) -> tuple[Mapping[str, float], str | None] | str:
        found = self.entity("flow_properties", property_id)
        if found is None:
            return f"flow_properties/{property_id}.json is not in the zip"
        data, place = found
        group_ref = _object(data, "unitGroup", place)
        if group_ref is None:
            raise place.at("unitGroup").error("missing; a flow property names the unit group of its units")
        group_id = _required_text(group_ref, "@id", place.at("unitGroup"))
        group = self.entity("unit_groups", group_id)
        if group is None:
            return f"unit_groups/{group_id}.json is not in the zip"
        units: dict[str, float] = {}
        reference_unit: str | None = None
        for i, unit in enumerate(_objects(group[0], "units", group[1])):
            at = group[1].at("units").at(i)
            name = _required_text(unit, "name", at)
            factor = _number(unit, "conversionFactor", at)
            if factor is None or factor <= 0:
                raise at.at("conversionFactor").error(f"{factor!r}: give how many reference units one {name} is")
            if _flag(unit, ("isRefUnit", "referenceUnit"), at):
                reference_unit = name
            units[name] = factor
            unit_id = _text(unit, "@id", at)
            if unit_id:
                units[unit_id] = factor
        return units, reference_unit

    def location_code(self, location_id: str) -> str | None:
        """The code of a location (e.g. "CN") from ``locations/<id>.json``; None when absent."""
        if location_id not in self._locations:
            found = self.entity("locations", location_id)
            self._locations[location_id] = _text(found[0], "code", found[1]) if found else None
        return self._locations[location_id]

    def category(self, data: JsonObject, place: _Field) -> tuple[str, ...]:
        """The category path: a "a/b/c" text in schema 2, a reference to ``categories/`` in schema 1."""
        value = data.get("category")
        if value is None or isinstance(value, str):
            return tuple(part.strip() for part in (value or "").split("/") if part.strip())
        if not isinstance(value, dict):
            raise place.at("category").error(f"is a {type(value).__name__}, not a path text or a category reference")
        return self._category_path(value, place.at("category"))

    def _category_path(self, reference: JsonObject, place: _Field) -> tuple[str, ...]:
        """A schema-1 category's path, parents first, from ``categories/<id>.json`` (its name alone if absent)."""
        category_id = _text(reference, "@id", place)
        if category_id is None or (found := self.entity("categories", category_id)) is None:
            name = _text(reference, "name", place)
            return (name,) if name else ()
        if category_id not in self._categories:
            self._categories[category_id] = ()  # stops a cycle of parents
            data, at = found
            parent = _object(data, "category", at)
            name = _text(data, "name", at)
            self._categories[category_id] = (
                *(self._category_path(parent, at.at("category")) if parent is not None else ()),
                *((name,) if name else ()),
            )
        return self._categories[category_id]


def _dataset(archive: _Archive, member: str, gases: CharacterizationSet) -> Dataset | tuple[str, str]:
    """The dataset of one process file, or (process id, why it cannot give a factor)."""
    data = archive.json(member)
    place = _Field(archive.name, member)
    process_id = _text(data, "@id", place) or PurePosixPath(member).stem
    exchanges = _objects(data, "exchanges", place)
    references = [
        i
        for i, exchange in enumerate(exchanges)
        if _flag(exchange, ("isQuantitativeReference", "quantitativeReference"), place.at("exchanges").at(i))
    ]
    if len(references) > 1:
        return process_id, f"exchanges {references} are all marked as the quantitative reference; openLCA allows one"
    elementary: list[ElementaryExchange] = []
    for i, exchange in enumerate(exchanges):
        if i in references:
            continue
        at = place.at("exchanges").at(i)
        reference = _object(exchange, "flow", at)
        if reference is None:
            raise at.at("flow").error("missing; every exchange names its flow")
        if _flow_type(reference, at.at("flow")) in ("PRODUCT_FLOW", "WASTE_FLOW"):
            continue  # the reference says so; no need to read the flow's file
        flow = archive.flow(reference, at.at("flow"))
        if flow.flow_type in ("PRODUCT_FLOW", "WASTE_FLOW"):
            continue
        # an elementary flow, or one of unknown type: only an exchange of a known gas with the air will count
        direction = "input" if _flag(exchange, ("isInput", "input"), at) else "output"
        kilograms = _kilograms(exchange, flow, at)
        if isinstance(kilograms, str):
            if classify_flow(flow.name, flow.cas, flow.compartments, direction, gases) is not None:
                return process_id, f"exchanges[{i}] ({flow.name}): {kilograms}"
            continue  # not a greenhouse gas: its amount does not matter here
        elementary.append(ElementaryExchange(flow.name, flow.cas, flow.compartments, direction, kilograms))
    amount, unit = _reference(archive, exchanges, references, place)
    process_type = _text(data, "processType", place)
    if process_type is not None and process_type not in PROCESS_TYPES:
        raise place.at("processType").error(f"{process_type!r} is none of {', '.join(PROCESS_TYPES)}")
    return Dataset(
        id=process_id,
        name=_text(data, "name", place) or process_id,
        source=f"{archive.name} (openLCA JSON-LD), process {process_id}",
        reference_amount=amount,
        reference_unit=unit,
        exchanges=tuple(elementary),
        boundary=(
            "LCI result: cradle-to-gate inventory"
            if process_type == "LCI_RESULT"
            else "unit process: its own direct emissions only (no upstream)"
        ),
        geography=_location(archive, data, place),
        year=_year(data, place),
        category=" / ".join(archive.category(data, place)),
    )


def _reference(
    archive: _Archive, exchanges: list[JsonObject], references: list[int], place: _Field
) -> tuple[float | None, str | None]:
    """The quantitative reference's amount and unit name (the flow's reference unit when the exchange gives none)."""
    if not references:
        return None, None
    at = place.at("exchanges").at(references[0])
    exchange = exchanges[references[0]]
    unit_ref = _object(exchange, "unit", at)
    if unit_ref is not None:
        return _number(exchange, "amount", at), _text(unit_ref, "name", at.at("unit"))
    flow_ref = _object(exchange, "flow", at)
    if flow_ref is None:
        raise at.at("flow").error("missing; every exchange names its flow")
    return _number(exchange, "amount", at), archive.flow(flow_ref, at.at("flow")).reference_unit


def _kilograms(exchange: JsonObject, flow: _Flow, place: _Field) -> float | str:
    """An elementary exchange's amount in kg, or why it cannot be had."""
    amount = _in_reference_unit(exchange, flow, place)
    if isinstance(amount, str):
        return amount
    if flow.reference_unit is None:
        return f"the flow's reference unit is unknown ({flow.missing or 'its unit group has no reference unit'})"
    per_unit = kilograms_per(flow.reference_unit)
    if per_unit is None:
        return f"its reference unit {flow.reference_unit!r} is not a mass unit, so it is no mass of a gas"
    return amount * per_unit


def _in_reference_unit(exchange: JsonObject, flow: _Flow, place: _Field) -> float | str:
    """The amount in the flow's reference unit: amount x unit factor / flow property factor, as openLCA computes it."""
    amount = _number(exchange, "amount", place) or 0.0
    unit_ref = _object(exchange, "unit", place)
    property_ref = _object(exchange, "flowProperty", place)
    unit_id = _text(unit_ref, "@id", place.at("unit")) if unit_ref is not None else None
    unit_name = _text(unit_ref, "name", place.at("unit")) if unit_ref is not None else None
    property_id = _text(property_ref, "@id", place.at("flowProperty")) if property_ref is not None else None
    # openLCA reads a missing property or unit as the flow's reference one; a flow known only by its reference in
    # the exchange has just the reference unit's name, which is enough when the exchange uses that unit
    same_property = property_id in (None, flow.reference_property) or flow.missing is not None
    if same_property and (unit_ref is None or unit_name == flow.reference_unit):
        return amount
    quantity = flow.quantities.get(property_id or flow.reference_property or "")
    if quantity is None:
        return f"cannot convert its amount: {flow.missing or f'the flow has no flow property {property_id}'}"
    if isinstance(quantity, str):
        return f"cannot convert its amount: {quantity}"
    if unit_ref is None:
        factor: float | None = 1.0  # the amount is in the reference unit of the exchange's flow property
    else:
        factor = quantity.units.get(unit_id or "", quantity.units.get(unit_name or ""))
    if factor is None:
        return f"cannot convert its amount: unit {unit_name or unit_id!r} is not in the unit group of its flow property"
    if quantity.per_reference == 0:
        return f"cannot convert its amount: flow property {property_id} has a conversion factor of 0"
    return amount * factor / quantity.per_reference


def _location(archive: _Archive, data: JsonObject, place: _Field) -> str:
    """The location code (e.g. "CN"), from the location's file, else the name in the reference."""
    reference = _object(data, "location", place)
    if reference is None:
        return ""
    at = place.at("location")
    location_id = _text(reference, "@id", at)
    code = archive.location_code(location_id) if location_id else None
    return code or _text(reference, "code", at) or _text(reference, "name", at) or ""


def _year(data: JsonObject, place: _Field) -> int | None:
    """The first year the process is valid for: validFrom's, else validUntil's."""
    documentation = _object(data, "processDocumentation", place)
    if documentation is None:
        return None
    at = place.at("processDocumentation")
    for key in ("validFrom", "validUntil"):
        text = _text(documentation, key, at)
        if text is not None:
            match = _YEAR.match(text)
            if match is None:
                raise at.at(key).error(f"{text!r} is not a date such as 2021-01-01")
            return int(match.group(1))
    return None


def _flow_type(data: JsonObject, place: _Field) -> str | None:
    flow_type = _text(data, "flowType", place)
    if flow_type is not None and flow_type not in FLOW_TYPES:
        raise place.at("flowType").error(f"{flow_type!r} is none of {', '.join(FLOW_TYPES)}")
    return flow_type


# Typed access to parsed JSON: each names the field it was asked for when the value has the wrong type.


def _text(data: JsonObject, key: str, place: _Field) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise place.at(key).error(f"is a {type(value).__name__} ({value!r}), not text")
    return value.strip() or None


def _required_text(data: JsonObject, key: str, place: _Field) -> str:
    value = _text(data, key, place)
    if value is None:
        raise place.at(key).error("missing or empty; it is required here")
    return value


def _number(data: JsonObject, key: str, place: _Field) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise place.at(key).error(f"is a {type(value).__name__} ({value!r}), not a number; write it without quotes")
    if not math.isfinite(value):
        raise place.at(key).error(f"is {value!r}; give a finite number")
    return float(value)


def _flag(data: JsonObject, keys: tuple[str, ...], place: _Field) -> bool:
    """A boolean field, under its schema-2 name or its schema-1 name; absent means false, as openLCA reads it."""
    for key in keys:
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, bool):
            raise place.at(key).error(f"is a {type(value).__name__} ({value!r}), not true or false")
        return value
    return False


def _object(data: JsonObject, key: str, place: _Field) -> JsonObject | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise place.at(key).error(f"is a {type(value).__name__}, not an object")
    return value


def _objects(data: JsonObject, key: str, place: _Field) -> list[JsonObject]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise place.at(key).error(f"is a {type(value).__name__}, not a list")
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise place.at(key).at(i).error(f"is a {type(item).__name__}, not an object")
    return value
