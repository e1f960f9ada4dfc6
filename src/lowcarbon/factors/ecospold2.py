"""Emission factors from EcoSpold2 datasets (ecoinvent 3 ``.spold`` files): one file, a folder of them, or a zip.

An EcoSpold2 file holds activities (``activityDataset``; ``childActivityDataset``, whose parts are in the
EcoSpold02Child namespace) under ``<ecoSpold xmlns="http://www.EcoInvent.org/EcoSpold02">``. Each activity becomes an
``inventory_import.Dataset``:

- the reference product is the intermediate exchange in outputGroup 0; the factor is per the absolute value of its
  amount in its unitName (a treatment activity writes its reference as a negative output: -1 kg of waste treated);
- id and name join the activity and its reference product ("<activity id>_<intermediateExchangeId>" and
  "activity name | product name"), as ecoinvent names its files and openLCA its processes: one activity can make
  several products, each with its own dataset;
- elementary exchanges keep name, casNumber, compartment / subcompartment and direction (inputGroup: taken from
  nature, outputGroup: released to it), their amount made kg from their unitName;
- geography shortname, the start year of the time period, the ISIC classification, and a boundary from the
  activity type (1 unit process: its own emissions only; 2 system terminated: an LCI result with its upstream).

Texts are taken in English where a field has several languages (Chinese, where given, as ``name_zh``).

Parsed with the standard library's ElementTree rather than ``pyecospold``, which validates every file against the
XSD and fails it whole at the first deviation, extracts a zip into a temporary folder on disk, does not look into
sub-folders, returns all languages of a field as one list, ships no type hints, and brings lxml for what a few
element lookups do here.

An activity that cannot give a trustworthy factor -- several reference products (an unallocated multi-output
dataset), or a greenhouse gas in a unit that is no mass -- is skipped with the reason. Malformed input raises
``DataFormatError`` naming the file (and the member inside a zip) and the element or attribute. Nothing is written.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lowcarbon.bounded import Archive, parse_xml, read_path
from lowcarbon.errors import DataFormatError
from lowcarbon.factors.characterization import CharacterizationSet, load_set
from lowcarbon.factors.flow_mapping import classify_flow
from lowcarbon.factors.inventory_import import Dataset, ElementaryExchange, ImportReport, import_datasets, kilograms_per

__all__ = ["NAMESPACE", "import_ecospold2"]

NAMESPACE = "http://www.EcoInvent.org/EcoSpold02"
CHILD_NAMESPACE = "http://www.EcoInvent.org/EcoSpold02Child"
_ECOSPOLD1 = "http://www.EcoInvent.org/EcoSpold01"
_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_DATASETS = (f"{{{NAMESPACE}}}activityDataset", f"{{{NAMESPACE}}}childActivityDataset")
_YEAR = re.compile(r"\s*(\d{4})(?:-|$)")
SUFFIX = ".spold"


def import_ecospold2(
    path: str | Path, factor_set: str | None = None, characterization: CharacterizationSet | None = None
) -> ImportReport:
    """A factor per activity with greenhouse-gas exchanges with the air, per unit of its reference product.

    ``path`` is a ``.spold`` file, a folder searched for ``.spold`` files at any depth, or a zip of them.
    ``factor_set`` defaults to the path's name without suffix, ``characterization`` to IPCC AR6. The report's
    ``skipped`` lists first the activities this reader could not interpret, then those without a factor.
    """
    location = Path(path)
    gases = characterization or load_set("AR6")
    items = [
        _dataset(element, _Place(source, _local(element.tag)), gases)
        for source, root in _documents(location)
        for element in _activity_datasets(root, source)
    ]
    return import_datasets(items, factor_set or location.stem, gases)


@dataclass(frozen=True)
class _Place:
    """Where an element is, for error messages: the file (or "zip: member") and an element path inside it."""

    source: str
    path: str

    def at(self, step: str) -> _Place:
        return _Place(self.source, f"{self.path}/{step}")

    def error(self, problem: str) -> DataFormatError:
        return DataFormatError(f"{self.source}: {self.path}: {problem}")


def _documents(location: Path) -> Iterator[tuple[str, ET.Element]]:
    """Each EcoSpold2 file's root element, with the name errors and sources give it."""
    if location.is_dir():
        files = sorted(file for file in location.rglob("*") if file.is_file() and file.suffix.lower() == SUFFIX)
        if not files:
            raise DataFormatError(f"{location}: no {SUFFIX} files in this folder or below; give EcoSpold2 datasets")
        for file in files:
            yield from _file_document(file, f"{location.name}/{file.relative_to(location).as_posix()}")
    elif not location.is_file():
        raise DataFormatError(f"{location}: no such file or folder; give a .spold file, a folder or a zip of them")
    elif location.suffix.lower() == ".zip" or zipfile.is_zipfile(location):
        yield from _zip_documents(location)
    else:
        yield from _file_document(location, location.name)


def _file_document(file: Path, source: str) -> Iterator[tuple[str, ET.Element]]:
    yield source, parse_xml(read_path(file), source)


def _zip_documents(location: Path) -> Iterator[tuple[str, ET.Element]]:
    with Archive(location, str(location)) as archive:
        members = sorted(name for name in archive.names() if name.lower().endswith(SUFFIX) and "__MACOSX/" not in name)
        if not members:
            raise DataFormatError(f"{location}: no {SUFFIX} files in the zip; give a zip of EcoSpold2 datasets")
        for member in members:
            source = f"{location.name}: {member}"
            yield source, parse_xml(archive.read(member), source)


def _activity_datasets(root: ET.Element, source: str) -> list[ET.Element]:
    if root.tag != f"{{{NAMESPACE}}}ecoSpold":
        hint = (
            "it is EcoSpold 1, which this reader does not read"
            if root.tag.startswith(f"{{{_ECOSPOLD1}}}")
            else f'an EcoSpold2 file starts <ecoSpold xmlns="{NAMESPACE}">'
        )
        raise DataFormatError(f"{source}: the root element is {root.tag}, so this is no EcoSpold2 dataset; {hint}")
    datasets = [child for child in root if child.tag in _DATASETS]
    if not datasets:
        raise DataFormatError(f"{source}: ecoSpold: holds no activityDataset or childActivityDataset element")
    return datasets


def _dataset(element: ET.Element, place: _Place, gases: CharacterizationSet) -> Dataset | tuple[str, str]:
    """The dataset of one activity, or (its id, why it cannot give a factor)."""
    description = _required(element, "activityDescription", place)
    activity = _required(description, "activity", place.at("activityDescription"))
    at_activity = place.at("activityDescription/activity")
    activity_id = _required_attribute(activity, "id", at_activity)
    activity_name = _text(activity, "activityName")
    if activity_name is None:
        raise at_activity.at("activityName").error("missing or empty; every activity has a name")
    kind = (activity.get("type") or "1").strip()
    if kind not in ("1", "2"):
        raise at_activity.error(f"@type {kind!r} is neither 1 (unit process) nor 2 (system terminated)")
    flow_data = _required(element, "flowData", place)
    at_flows = place.at("flowData")
    reference = _reference_product(flow_data, at_flows)
    if isinstance(reference, str):
        return activity_id, reference
    product_id = (reference.get("intermediateExchangeId") or "").strip() if reference is not None else ""
    dataset_id = f"{activity_id}_{product_id}" if product_id else activity_id
    exchanges: list[ElementaryExchange] = []
    for exchange in _children(flow_data, "elementaryExchange"):
        at = _exchange_place(at_flows, exchange)
        item = _elementary(exchange, at)
        kilograms = kilograms_per(item.unit) if item.unit else None
        if kilograms is None:
            if classify_flow(item.name, item.cas, item.compartments, item.direction, gases) is not None:
                return dataset_id, f"{at.path} ({item.name}): unit {item.unit!r} is no mass unit, so no mass of a gas"
            continue  # not a greenhouse gas: its unit does not matter here
        exchanges.append(
            ElementaryExchange(item.name, item.cas, item.compartments, item.direction, item.amount * kilograms)
        )
    product = _text(reference, "name") if reference is not None else None
    geography = _child(description, "geography")
    return Dataset(
        id=dataset_id,
        name=f"{activity_name} | {product}" if product else activity_name,
        name_zh=_text(activity, "activityName", "zh"),
        source=f"{place.source} (EcoSpold2), activity {activity_id}",
        reference_amount=abs(_amount(reference, _exchange_place(at_flows, reference)))
        if reference is not None
        else None,
        reference_unit=_text(reference, "unitName") if reference is not None else None,
        exchanges=tuple(exchanges),
        boundary=(
            "LCI result: cradle-to-gate inventory"
            if kind == "2"
            else "unit process: its own direct emissions only (no upstream)"
        ),
        geography=(_text(geography, "shortname") or "") if geography is not None else "",
        year=_year(description, place.at("activityDescription")),
        category=_classification(description),
    )


def _reference_product(flow_data: ET.Element, place: _Place) -> ET.Element | str | None:
    """The intermediate exchange in outputGroup 0, None when there is none, or why there is no single one."""
    references = [
        exchange
        for exchange in _children(flow_data, "intermediateExchange")
        if _group(exchange, _exchange_place(place, exchange)) == ("output", 0)
    ]
    if len(references) > 1:
        # an allocated dataset may keep its co-products in outputGroup 0 with amount 0
        producing = [exchange for exchange in references if _amount(exchange, _exchange_place(place, exchange))]
        if len(producing) != 1:
            return (
                f"{len(producing)} reference products (outputGroup 0 with an amount): a multi-output activity that "
                "is not allocated; import the datasets of an allocated system model"
            )
        return producing[0]
    return references[0] if references else None


def _exchange_place(place: _Place, exchange: ET.Element) -> _Place:
    return place.at(f"{_local(exchange.tag)}[@id='{exchange.get('id', '')}']")


@dataclass(frozen=True)
class _Elementary:
    """An elementary exchange as the file gives it, before its amount is made kg."""

    name: str
    cas: str | None
    compartments: tuple[str, ...]
    direction: str
    amount: float
    unit: str | None


def _elementary(exchange: ET.Element, place: _Place) -> _Elementary:
    name = _text(exchange, "name")
    if name is None:
        raise place.at("name").error("missing or empty; every elementary exchange names its substance")
    compartment = _required(exchange, "compartment", place)
    compartments = tuple(
        text for text in (_text(compartment, "compartment"), _text(compartment, "subcompartment")) if text
    )
    if not compartments:
        raise place.at("compartment").error("has neither compartment nor subcompartment text")
    direction, _group_number = _group(exchange, place)
    return _Elementary(
        name=name,
        cas=(exchange.get("casNumber") or "").strip() or None,
        compartments=compartments,
        direction=direction,
        amount=_amount(exchange, place),
        unit=_text(exchange, "unitName"),
    )


def _group(exchange: ET.Element, place: _Place) -> tuple[str, int]:
    """("input" or "output", the group number) from an exchange's inputGroup or outputGroup."""
    for direction in ("input", "output"):
        element = _child(exchange, f"{direction}Group")
        if element is not None:
            text = (element.text or "").strip()
            if not text.isdigit():
                raise place.at(f"{direction}Group").error(f"{text!r} is not a group number")
            return direction, int(text)
    raise place.error("has neither inputGroup nor outputGroup; give the exchange its direction")


def _amount(exchange: ET.Element, place: _Place) -> float:
    text = exchange.get("amount")
    if text is None:
        raise place.error("@amount is missing; every exchange has an amount")
    try:
        value = float(text)
    except ValueError:
        raise place.error(f"@amount {text!r} is not a number; write it as 0.5 or 5E-1") from None
    if not math.isfinite(value):
        raise place.error(f"@amount is {text!r}; give a finite number")
    return value


def _year(description: ET.Element, place: _Place) -> int | None:
    """The first year of the time period the data is valid for (endDate's when startDate is absent)."""
    period = _child(description, "timePeriod")
    if period is None:
        return None
    for attribute in ("startDate", "endDate"):
        text = period.get(attribute)
        if text is not None:
            match = _YEAR.match(text)
            if match is None:
                raise place.at("timePeriod").error(f"@{attribute} {text!r} is not a date such as 2021-01-01")
            return int(match.group(1))
    return None


def _classification(description: ET.Element) -> str:
    """The ISIC class ("2410:Manufacture of basic iron and steel"), else the first classification given."""
    values: list[str] = []
    for classification in _children(description, "classification"):
        value = _text(classification, "classificationValue")
        if value:
            if (_text(classification, "classificationSystem") or "").startswith("ISIC"):
                return value
            values.append(value)
    return values[0] if values else ""


# Element access in either namespace (a child dataset's parts are in the EcoSpold02Child one).


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    tags = (f"{{{NAMESPACE}}}{name}", f"{{{CHILD_NAMESPACE}}}{name}")
    return [child for child in element if child.tag in tags]


def _child(element: ET.Element, name: str) -> ET.Element | None:
    found = _children(element, name)
    return found[0] if found else None


def _required(element: ET.Element, name: str, place: _Place) -> ET.Element:
    child = _child(element, name)
    if child is None:
        raise place.at(name).error("missing; an EcoSpold2 dataset needs it")
    return child


def _required_attribute(element: ET.Element, name: str, place: _Place) -> str:
    value = (element.get(name) or "").strip()
    if not value:
        raise place.error(f"@{name} is missing or empty; it is required")
    return value


def _text(element: ET.Element, name: str, language: str = "en") -> str | None:
    """A multilingual text: the one in ``language``; for English, else the first given; None if empty."""
    texts = [(child.get(_LANG, ""), (child.text or "").strip()) for child in _children(element, name)]
    texts = [(lang, text) for lang, text in texts if text]
    for lang, text in texts:
        if lang.lower().startswith(language):
            return text
    return texts[0][1] if texts and language == "en" else None
