"""The carbon-inclusive methodologies (lowcarbon.inclusive.methodology): each one's arithmetic against figures worked
out by hand from its sources, the quantities an event must carry, the versions kept, and a data file's errors named
with the methodology, the term and the fix."""

from __future__ import annotations

import copy
import json
import math
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from lowcarbon.errors import DataFormatError, NotFound
from lowcarbon.inclusive import methodology as module
from lowcarbon.inclusive.methodology import (
    REASONS,
    InvalidEvent,
    Methodology,
    UnknownMethodology,
    all_versions,
    check_references,
    load_methodologies,
    methodologies,
    methodology,
    reduction,
)
from lowcarbon.inclusive.reasons import reason_text
from lowcarbon.inclusive.terms import TermError, parse_term

SHIPPED = json.loads(resources.files("lowcarbon.inclusive").joinpath("data/methodologies.json").read_text("utf-8"))
BEHAVIOURS = {
    "metro_trip",
    "bus_trip",
    "shared_bicycle",
    "walking",
    "ride_sharing",
    "food_order_no_cutlery",
    "labelled_product_purchase",
    "second_hand_sale",
}
CAR_PER_KM = 5.98 / 22  # Beijing MaaS: 22 km by private car emits 5.98 kg CO2e
METRO_PER_KM = 1.35 / 22  # ... and by metro 1.35 kg


def kg(behaviour: str, version: str | None = None, **quantities: float) -> float:
    return reduction(methodology(behaviour, version), quantities).kg


# --- arithmetic, by hand --------------------------------------------------------------------------------------


def test_metro_trip_uses_the_beijing_per_km_factors() -> None:
    found = reduction(methodology("metro_trip"), {"distance_km": 12.5})
    assert found.version == "2024.1"
    assert found.baseline_kg == pytest.approx(12.5 * 5.98 / 22, abs=1e-6)  # 3.397727
    assert found.project_kg == pytest.approx(12.5 * 1.35 / 22, abs=1e-6)  # 0.767045
    assert found.kg == pytest.approx(2.630682, abs=1e-9)  # 12.5 * 4.63 / 22 = 2.6306818..., to the milligram
    assert dict(found.parameters) == {"ef_car": pytest.approx(CAR_PER_KM), "ef_metro": pytest.approx(METRO_PER_KM)}


def test_metro_trip_of_22_km_saves_the_beijing_difference() -> None:
    assert kg("metro_trip", distance_km=22) == pytest.approx(5.98 - 1.35, abs=1e-6)  # 4.63 kg


def test_the_old_metro_version_credits_guangzhou_per_trip_whatever_the_distance() -> None:
    assert kg("metro_trip", "2023.1", distance_km=3) == 0.5419
    assert kg("metro_trip", "2023.1", distance_km=40) == 0.5419


def test_bus_trip() -> None:
    assert kg("bus_trip", distance_km=10) == pytest.approx(10 * (5.98 / 22 - 0.1), abs=1e-6)  # 1.718182


def test_shared_bicycle_and_walking_replace_an_illustrative_trip() -> None:
    assert kg("shared_bicycle", distance_km=3.5) == pytest.approx(0.35, abs=1e-9)
    assert kg("walking", distance_km=4) == pytest.approx(0.4, abs=1e-9)


def test_ride_sharing_saves_the_car_less_the_persons_share() -> None:
    found = reduction(methodology("ride_sharing"), {"distance_km": 22, "passengers": 4})
    assert found.baseline_kg == pytest.approx(5.98, abs=1e-6)
    assert found.project_kg == pytest.approx(5.98 / 4, abs=1e-6)  # 1.495
    assert found.kg == pytest.approx(4.485, abs=1e-6)


def test_food_order_without_cutlery_saves_meituans_203_2_g() -> None:
    assert kg("food_order_no_cutlery") == 0.2032  # 203.2 g, converted to kg by pint when loaded


def test_labelled_product_purchase() -> None:
    # 3 units of a product declared at 2.5 kg CO2e each; a conventional one emits 10 % more (illustrative)
    found = reduction(methodology("labelled_product_purchase"), {"declared_footprint_kg": 2.5, "units": 3})
    assert (found.baseline_kg, found.project_kg, found.kg) == pytest.approx((8.25, 7.5, 0.75), abs=1e-9)
    assert set(methodology("labelled_product_purchase").references) == {"certificate_number"}


def test_second_hand_sale_is_production_emissions_times_replacement_rate() -> None:
    assert kg("second_hand_sale", production_footprint_kg=80) == pytest.approx(40.0, abs=1e-9)  # 80 kg x 0.5


def test_every_reduction_is_rounded_to_the_milligram_and_adds_up() -> None:
    for m in methodologies():
        quantities = {name: 2.0 for name in m.quantities}
        found = reduction(m, quantities)
        assert found.kg == round(found.baseline_kg - found.project_kg, 6)
        assert found.kg == round(found.kg, 6)


# --- the data --------------------------------------------------------------------------------------------------


def test_the_shipped_behaviours() -> None:
    assert {m.behaviour for m in methodologies()} == BEHAVIOURS
    assert len(methodologies()) == len(BEHAVIOURS)
    assert methodology("metro_trip").quantities == {"distance_km": "km"}  # the HTTP contract's name


def test_old_versions_stay_and_the_highest_is_current() -> None:
    versions = [m.version for m in all_versions() if m.behaviour == "metro_trip"]
    assert versions == ["2023.1", "2024.1"]
    assert methodology("metro_trip").version == "2024.1"
    assert methodology("metro_trip", "2023.1").parameters["gz_metro_reduction_per_trip"].value == 0.5419


def test_unknown_behaviour_and_version() -> None:
    with pytest.raises(UnknownMethodology) as caught:
        methodology("teleporting")
    assert caught.value.reason == "unknown_behaviour"
    assert isinstance(caught.value, NotFound)
    with pytest.raises(UnknownMethodology) as caught:
        methodology("metro_trip", "1999.1")
    assert caught.value.reason == "unknown_version"
    assert "2023.1, 2024.1" in str(caught.value)
    with pytest.raises(UnknownMethodology, match="teleporting"):
        methodology("teleporting", "2024.1")


def test_every_parameter_has_a_source_or_says_it_has_none() -> None:
    for m in all_versions():
        for p in m.parameters.values():
            if p.unsourced:
                assert p.note and "illustrative" in p.note, (m.key, p.name)
            else:
                assert "REFERENCE.md" in (p.source or ""), (m.key, p.name)


def test_sourced_figures_are_the_references() -> None:
    metro = methodology("metro_trip").parameters
    assert metro["ef_car"].value * 22 == pytest.approx(5.98) and metro["ef_car"].derivation == "5.98 kg CO2e / 22 km"
    assert metro["ef_metro"].value * 22 == pytest.approx(1.35)
    cutlery = methodology("food_order_no_cutlery").parameters["disposables_per_order"]
    assert (cutlery.value, cutlery.unit, cutlery.unsourced) == (203.2, "g_CO2e", False)
    assert SHIPPED["equivalences"]["tree_kg"]["value"] == 17.9
    unsourced = {(m.behaviour, p.name) for m in methodologies() for p in m.parameters.values() if p.unsourced}
    assert unsourced == {
        ("bus_trip", "ef_bus"),
        ("shared_bicycle", "ef_displaced_trip"),
        ("walking", "ef_displaced_trip"),
        ("labelled_product_purchase", "label_advantage"),
        ("second_hand_sale", "replacement_rate"),
    }


def test_timing_from_beijing_maas_and_metros_five_trips_a_day() -> None:
    assert methodology("walking").delay_hours == 0
    assert methodology("shared_bicycle").delay_hours == 0
    assert methodology("metro_trip").delay_hours == 48
    assert methodology("bus_trip").delay_hours == 48
    assert {m.claim_window_days for m in methodologies()} == {7}
    assert methodology("metro_trip").caps.day_events == 5


def test_to_dict_is_json_and_lists_quantities_and_sources() -> None:
    for m in all_versions():
        data = json.loads(json.dumps(m.to_dict()))
        assert data["behaviour"] == m.behaviour and data["quantities"] == dict(m.quantities)
    data = methodology("bus_trip").to_dict()
    assert data["parameters"]["ef_bus"]["unsourced"] is True and data["parameters"]["ef_bus"]["source"] is None


def test_methodology_is_frozen() -> None:
    m = methodology("walking")
    with pytest.raises(AttributeError):
        m.version = "2099.1"  # type: ignore[misc]
    assert isinstance(m, Methodology)


# --- bad quantities --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("behaviour", "quantities", "reason"),
    [
        ("metro_trip", {}, "missing_quantity"),
        ("ride_sharing", {"distance_km": 10}, "missing_quantity"),
        ("metro_trip", {"distance_km": 5, "fare_yuan": 4}, "unknown_quantity"),
        ("food_order_no_cutlery", {"orders": 1}, "unknown_quantity"),
        ("metro_trip", {"distance_km": -3}, "negative_quantity"),
        ("metro_trip", {"distance_km": math.nan}, "invalid_quantity"),
        ("metro_trip", {"distance_km": math.inf}, "invalid_quantity"),
        ("metro_trip", {"distance_km": "12"}, "invalid_quantity"),
        ("metro_trip", {"distance_km": True}, "invalid_quantity"),
        ("metro_trip", {"distance_km": 5, "duration_min": -1}, "negative_quantity"),
        ("metro_trip", {"distance_km": 0.2}, "not_eligible"),  # below 0.5 km
        ("metro_trip", {"distance_km": 150}, "not_eligible"),  # above 100 km
        ("ride_sharing", {"distance_km": 10, "passengers": 1}, "not_eligible"),
        ("ride_sharing", {"distance_km": 10, "passengers": 2.5}, "not_eligible"),  # a whole number of people
        ("labelled_product_purchase", {"declared_footprint_kg": 2, "units": 0}, "not_eligible"),
    ],
)
def test_bad_quantities_have_a_reason(behaviour: str, quantities: dict[str, Any], reason: str) -> None:
    with pytest.raises(InvalidEvent) as caught:
        reduction(methodology(behaviour), quantities)
    assert caught.value.reason == reason
    assert caught.value.text("zh-CN") == REASONS[reason]["zh-CN"]
    assert behaviour in str(caught.value)


def test_the_optional_duration_is_taken() -> None:
    assert kg("metro_trip", distance_km=22, duration_min=40) == pytest.approx(4.63, abs=1e-6)


def test_a_missing_certificate_number() -> None:
    m = methodology("labelled_product_purchase")
    with pytest.raises(InvalidEvent) as caught:
        check_references(m, {"certificate_number": "  "})
    assert caught.value.reason == "missing_reference"
    check_references(m, {"certificate_number": "CFP-2026-000123"})
    check_references(methodology("metro_trip"), {})


def test_reasons_have_both_languages() -> None:
    for reason, texts in REASONS.items():
        assert set(texts) == {"zh-CN", "en"}, reason
        assert reason_text(reason, "fr") == texts["en"]
    assert reason_text("made_up") == "made_up"
    with pytest.raises(ValueError, match="not a reason code"):
        InvalidEvent("made_up", "x")


# --- a bad data file -------------------------------------------------------------------------------------------


def write(tmp_path: Path, document: dict[str, Any]) -> Path:
    path = tmp_path / "methodologies.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def metro_2024(document: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = next(
        m for m in document["methodologies"] if m["behaviour"] == "metro_trip" and m["version"] == "2024.1"
    )
    return entry


def test_the_shipped_file_loads_through_the_path(tmp_path: Path) -> None:
    loaded = load_methodologies(write(tmp_path, SHIPPED))
    assert [m.key for m in loaded] == [m.key for m in all_versions()]


def test_a_unit_error_names_the_methodology_the_term_and_the_fix(tmp_path: Path) -> None:
    document = copy.deepcopy(SHIPPED)
    metro_2024(document)["parameters"]["ef_car"]["unit"] = "kg_CO2e"  # per km forgotten
    with pytest.raises(DataFormatError) as caught:
        load_methodologies(write(tmp_path, document))
    (problem,) = caught.value.problems
    assert problem.id == "unit_mismatch"
    assert problem.place.endswith("formula.baseline")
    assert "metro_trip 2024.1" in problem.message and "term baseline" in problem.message
    assert "kg_CO2e * km" in problem.message
    assert problem.fix == "give ef_car in kg_CO2e / km (it is in kg_CO2e), or change the term"
    assert str(tmp_path) in str(caught.value)


def test_terms_adding_different_kinds_and_unknown_units(tmp_path: Path) -> None:
    document = copy.deepcopy(SHIPPED)
    metro_2024(document)["formula"]["project"] = "distance_km * ef_metro + distance_km"
    document["methodologies"][0]["parameters"]["gz_metro_reduction_per_trip"]["unit"] = "kg CO2-Eq"
    with pytest.raises(DataFormatError) as caught:
        load_methodologies(write(tmp_path, document))
    ids = {(p.id, p.place.split(".", 1)[1]) for p in caught.value.problems}
    assert ids == {
        ("unit_mismatch", "formula.project"),
        ("unknown_unit", "parameters.gz_metro_reduction_per_trip.unit"),
    }


@pytest.mark.parametrize(
    ("change", "problem_id"),
    [
        (lambda m: m["formula"].update(baseline="__import__('os').getcwd()"), "bad_term"),
        (lambda m: m["formula"].update(baseline="distance_km ** 2"), "bad_term"),
        (lambda m: m["formula"].update(baseline="distance_km * ef_taxi"), "unknown_name"),
        (lambda m: m["formula"].pop("project"), "missing"),
        (lambda m: m["parameters"]["ef_car"].update(source=None), "unsourced"),
        (lambda m: m.pop("delay_hours"), "missing"),
        (lambda m: m.update(version="latest"), "invalid"),
        (lambda m: m["eligibility"].update(fare=1), "unknown_name"),
        (lambda m: m["caps"]["day"].update(events=-1), "not_a_number"),
        (lambda m: m["references"].update(certificate_number="the number"), "invalid"),
        (lambda m: m["quantities"].update(distance_km="kilometres please"), "unknown_unit"),
    ],
)
def test_other_data_errors(tmp_path: Path, change: Any, problem_id: str) -> None:
    document = copy.deepcopy(SHIPPED)
    change(metro_2024(document))
    with pytest.raises(DataFormatError) as caught:
        load_methodologies(write(tmp_path, document))
    assert [p.id for p in caught.value.problems] == [problem_id]
    assert "methodology metro_trip " in str(caught.value)


def test_every_problem_of_a_file_is_listed(tmp_path: Path) -> None:
    document = copy.deepcopy(SHIPPED)
    metro = metro_2024(document)
    metro["parameters"]["ef_metro"].update(source=None)  # unsourced, and not marked so
    metro["parameters"]["ef_car"]["unit"] = "kg_CO2e / m**2"  # and a unit error besides
    with pytest.raises(DataFormatError) as caught:
        load_methodologies(write(tmp_path, document))
    assert sorted(p.id for p in caught.value.problems) == ["unit_mismatch", "unsourced"]
    assert caught.value.problems[1].fix == "give ef_car in kg_CO2e / km (it is in kg_CO2e / m**2), or change the term"


def test_a_version_listed_twice(tmp_path: Path) -> None:
    document = copy.deepcopy(SHIPPED)
    document["methodologies"].append(copy.deepcopy(metro_2024(document)))
    with pytest.raises(DataFormatError, match="listed twice"):
        load_methodologies(write(tmp_path, document))


def test_the_term_reader_refuses_everything_but_arithmetic() -> None:
    for text in ("a.b", "f(x)", "[1]", "x if y else z", "lambda: 1", "a < b", "'text'", "True * x", "x @ y"):
        with pytest.raises(TermError):
            parse_term(text)
    assert parse_term("-(a + 2.5) / b * c - 1") is not None


def test_the_module_exports_what_it_names() -> None:
    for name in module.__all__:
        assert hasattr(module, name), name
