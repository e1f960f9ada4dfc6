"""The caps and anti-fraud rules (lowcarbon.inclusive.rules): each cap at its boundary, each hold, the claim window,
the delay before crediting, and the order the rules answer in."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest

from lowcarbon.inclusive import rules as module
from lowcarbon.inclusive.methodology import methodology
from lowcarbon.inclusive.rules import (
    Decision,
    Event,
    History,
    RecentEvent,
    apply_caps,
    assess,
    credit_at,
    local_day,
    points,
)

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
METRO = methodology("metro_trip")  # 5 trips a day, 50 kg a month; 120 km/h; burst: more than 2 in 15 min
WALKING = methodology("walking")  # 2 kg a day, 40 kg a month; 15 km/h
FOOD = methodology("food_order_no_cutlery")  # 3 orders a day, 60 a month
TIANANMEN = (39.9087, 116.3975)
SHANGHAI = (31.2304, 121.4737)  # 1,067 km from Tiananmen


def event(
    quantities: dict[str, float] | None = None, *, at: datetime = NOW, partner: str = "maas", **kwargs: object
) -> Event:
    return Event(at, {"distance_km": 12.5} if quantities is None else quantities, partner, "person-1", **kwargs)  # type: ignore[arg-type]


def test_a_clean_trip_is_credited_in_full_after_the_delay() -> None:
    decision = assess(METRO, event(), History(), NOW)
    assert decision.outcome == "credit" and decision.reason is None
    assert decision.kg == pytest.approx(12.5 * 4.63 / 22, abs=1e-6)  # 2.630682
    assert decision.points == 26  # 10 points per kg, rounded down
    assert decision.credit_at == NOW + timedelta(days=2)  # Beijing MaaS: metro after 2 days
    assert decision.reduction is not None and decision.reduction.version == "2024.1"


def test_walking_is_credited_at_once() -> None:
    assert credit_at(WALKING, NOW) == NOW
    assert assess(WALKING, event({"distance_km": 3}), History(), NOW).credit_at == NOW


# --- caps --------------------------------------------------------------------------------------------------------


def test_metro_daily_cap_of_five_trips() -> None:
    assert assess(METRO, event(), History(events_today=4, kg_today=10), NOW).outcome == "credit"
    decision = assess(METRO, event(), History(events_today=5, kg_today=12), NOW)
    assert (decision.outcome, decision.reason, decision.kg, decision.points) == ("credit", "cap_reached", 0.0, 0)


def test_metro_monthly_cap_of_50_kg_credits_the_rest_then_nothing() -> None:
    partial = assess(METRO, event(), History(kg_month=49.0), NOW)
    assert (partial.outcome, partial.reason, partial.kg, partial.points) == ("credit", "capped", 1.0, 10)
    exact = assess(METRO, event(), History(kg_month=50 - 2.630682), NOW)
    assert (exact.reason, exact.kg) == (None, 2.630682)  # up to the cap exactly: in full
    full = assess(METRO, event(), History(kg_month=50.0), NOW)
    assert (full.reason, full.kg) == ("cap_reached", 0.0)


def test_walking_daily_cap_of_2_kg_and_monthly_of_40_kg() -> None:
    walk = event({"distance_km": 5})  # 0.5 kg
    assert apply_caps(WALKING, 0.5, History(kg_today=1.5)) == (0.5, None)
    assert apply_caps(WALKING, 0.5, History(kg_today=1.8)) == (0.2, "capped")
    assert apply_caps(WALKING, 0.5, History(kg_today=2.0)) == (0.0, "cap_reached")
    assert apply_caps(WALKING, 0.5, History(kg_today=0.0, kg_month=39.7)) == (0.3, "capped")
    assert apply_caps(WALKING, 0.5, History(kg_month=40.0)) == (0.0, "cap_reached")
    assert assess(WALKING, walk, History(kg_today=1.9), NOW).kg == pytest.approx(0.1)


def test_monthly_event_cap() -> None:
    assert apply_caps(FOOD, 0.2032, History(events_today=2, events_month=59)) == (0.2032, None)
    assert apply_caps(FOOD, 0.2032, History(events_today=0, events_month=60)) == (0.0, "cap_reached")
    assert apply_caps(FOOD, 0.2032, History(events_today=3, events_month=3)) == (0.0, "cap_reached")


# --- holds -------------------------------------------------------------------------------------------------------


def test_impossible_speed_from_distance_and_duration() -> None:
    assert assess(METRO, event({"distance_km": 30, "duration_min": 10}), History(), NOW).reason == "impossible_speed"
    assert assess(METRO, event({"distance_km": 30, "duration_min": 14}), History(), NOW).reason == "impossible_speed"
    at_limit = assess(METRO, event({"distance_km": 30, "duration_min": 15}), History(), NOW)  # 120 km/h exactly
    assert (at_limit.outcome, at_limit.reason) == ("credit", None)
    held = assess(WALKING, event({"distance_km": 10, "duration_min": 30}), History(), NOW)  # 20 km/h walking
    assert (held.outcome, held.reason, held.kg, held.credit_at) == ("hold", "impossible_speed", 0.0, None)
    assert held.reduction is not None and held.reduction.kg == pytest.approx(1.0)  # for the reviewer
    assert assess(METRO, event({"distance_km": 5, "duration_min": 0}), History(), NOW).reason == "impossible_speed"


def test_impossible_speed_between_two_events_places() -> None:
    earlier = RecentEvent(NOW - timedelta(hours=2), "maas", place=TIANANMEN)
    here = event(place=SHANGHAI)
    assert assess(METRO, here, History(recent=(earlier,)), NOW).reason == "impossible_speed"  # 530 km/h
    four_hours = RecentEvent(NOW - timedelta(hours=4), "maas", place=TIANANMEN)  # 267 km/h: a fast train
    assert assess(METRO, here, History(recent=(four_hours,)), NOW).outcome == "credit"
    without_place = RecentEvent(NOW - timedelta(hours=2), "maas")
    assert assess(METRO, here, History(recent=(without_place,)), NOW).outcome == "credit"


def test_the_same_trip_from_another_partner() -> None:
    trip = event({"distance_km": 12.5, "duration_min": 30}, partner="maas")
    overlapping = RecentEvent(NOW - timedelta(minutes=10), "metro-operator", duration_min=25)
    history = History(recent=(overlapping,))
    assert assess(METRO, trip, history, NOW).reason == "same_trip_other_partner"
    # the same partner's own earlier trip is not another partner's report (it is a burst's business)
    mine = RecentEvent(NOW - timedelta(minutes=10), "maas", duration_min=25)
    assert assess(METRO, trip, History(recent=(mine,)), NOW).outcome == "credit"
    # a trip that ended 6 minutes before this one began is another trip (5 minutes' slack)
    before = RecentEvent(NOW - timedelta(minutes=36), "metro-operator", duration_min=20)
    assert assess(METRO, trip, History(recent=(before,)), NOW).outcome == "credit"
    within_slack = RecentEvent(NOW - timedelta(minutes=34), "metro-operator", duration_min=20)
    assert assess(METRO, trip, History(recent=(within_slack,)), NOW).reason == "same_trip_other_partner"


def test_orders_are_not_trips() -> None:
    other = RecentEvent(NOW - timedelta(minutes=1), "other-platform")
    assert assess(FOOD, event({}), History(recent=(other,)), NOW).outcome == "credit"


def test_burst_more_than_n_events_within_m_minutes() -> None:
    # metro: more than 2 events within 15 minutes
    one = (RecentEvent(NOW - timedelta(minutes=14), "maas"),)
    assert assess(METRO, event(), History(recent=one), NOW).outcome == "credit"
    two = (*one, RecentEvent(NOW - timedelta(minutes=3), "maas"))
    assert assess(METRO, event(), History(recent=two), NOW).reason == "burst"
    spread = (RecentEvent(NOW - timedelta(minutes=16), "maas"), RecentEvent(NOW - timedelta(minutes=3), "maas"))
    assert assess(METRO, event(), History(recent=spread), NOW).outcome == "credit"
    # events arrive out of order: later ones count too
    around = (RecentEvent(NOW - timedelta(minutes=5), "maas"), RecentEvent(NOW + timedelta(minutes=5), "maas"))
    assert assess(METRO, event(), History(recent=around), NOW + timedelta(minutes=6)).reason == "burst"
    # one before and one after, 30 minutes apart: no span of 15 minutes holds three
    apart = (RecentEvent(NOW - timedelta(minutes=14), "maas"), RecentEvent(NOW + timedelta(minutes=14), "maas"))
    assert assess(METRO, event(), History(recent=apart), NOW + timedelta(minutes=15)).outcome == "credit"


# --- rejects -----------------------------------------------------------------------------------------------------


def test_claim_window_of_seven_days() -> None:
    assert assess(METRO, event(at=NOW - timedelta(days=7)), History(), NOW).outcome == "credit"
    late = assess(METRO, event(at=NOW - timedelta(days=7, seconds=1)), History(), NOW)
    assert (late.outcome, late.reason) == ("reject", "too_old")


def test_in_future_beyond_the_clock_skew() -> None:
    assert assess(METRO, event(at=NOW + timedelta(minutes=5)), History(), NOW).outcome == "credit"
    ahead = assess(METRO, event(at=NOW + timedelta(minutes=6)), History(), NOW)
    assert (ahead.outcome, ahead.reason) == ("reject", "in_future")


def test_bad_quantities_and_references_are_rejected_with_their_reason() -> None:
    assert assess(METRO, event({}), History(), NOW) == Decision("reject", "missing_quantity")
    assert assess(METRO, event({"distance_km": 0.1}), History(), NOW).reason == "not_eligible"
    purchase = methodology("labelled_product_purchase")
    quantities = {"declared_footprint_kg": 2.0, "units": 1}
    assert assess(purchase, event(quantities), History(), NOW).reason == "missing_reference"
    with_certificate = event(quantities, references={"certificate_number": "CFP-2026-000123"})
    assert assess(purchase, with_certificate, History(), NOW).kg == pytest.approx(0.2)


def test_no_reduction_is_rejected() -> None:
    bus = methodology("bus_trip")
    assert assess(bus, event({"distance_km": 1}), History(), NOW).outcome == "credit"
    # a methodology whose project term is as large as its baseline saves nothing
    food = methodology("food_order_no_cutlery")
    broken = dataclasses.replace(food, project_term=food.baseline_term)
    decision = assess(broken, event({}), History(), NOW)
    assert (decision.outcome, decision.reason) == ("reject", "no_reduction")


def test_a_reject_comes_before_a_hold_and_a_hold_before_a_cap() -> None:
    fast_and_old = event({"distance_km": 30, "duration_min": 5}, at=NOW - timedelta(days=8))
    assert assess(METRO, fast_and_old, History(), NOW).reason == "too_old"
    fast_and_capped = event({"distance_km": 30, "duration_min": 5})
    assert assess(METRO, fast_and_capped, History(events_today=5), NOW).reason == "impossible_speed"


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        assess(METRO, event(at=NOW.replace(tzinfo=None)), History(), NOW)


# --- helpers -----------------------------------------------------------------------------------------------------


def test_the_days_of_the_caps_are_china_standard_time() -> None:
    assert local_day(datetime(2026, 3, 10, 15, 59, tzinfo=UTC)) == date(2026, 3, 10)
    assert local_day(datetime(2026, 3, 10, 16, 0, tzinfo=UTC)) == date(2026, 3, 11)  # midnight in Beijing


def test_points_round_down() -> None:
    assert points(METRO, 2.630682) == 26
    assert points(METRO, 0.3) == 3  # 0.3 * 10 is 3.0000000000000004 in floats, not 2.99...
    assert points(FOOD, 0.2032) == 2
    assert points(METRO, 0.0) == 0


def test_the_module_exports_what_it_names() -> None:
    for name in module.__all__:
        assert hasattr(module, name), name
