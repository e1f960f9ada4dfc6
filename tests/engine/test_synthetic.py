"""The synthetic systems have the shape the benchmark promises."""

from __future__ import annotations

import numpy as np

from lowcarbon.engine import Characterization, LCASystem
from lowcarbon.engine.synthetic import generate


def test_default_shape_is_ecoinvent_sized_and_hub_shaped() -> None:
    """20,000 activities, about 8 distinct inputs and 5 flows each, 2,000 flows, hubs supplying thousands."""
    system = generate()
    rows, cols, _ = system.technosphere
    assert system.activity_ids.size == 20_000
    inputs = rows.size - 20_000
    assert 7.5 < inputs / 20_000 < 8.5
    pairs = np.unique(np.stack([rows, cols]), axis=1)
    assert pairs.shape[1] == rows.size  # no duplicate exchanges
    bio_rows, _, _ = system.biosphere
    assert 4.5 < bio_rows.size / 20_000 < 5.5
    assert np.unique(bio_rows).size <= 2_000
    supplied = np.unique(rows[20_000:], return_counts=True)[1]
    assert supplied.max() > 1_000  # a hub
    assert np.median(supplied) < 10  # a long tail


def test_generated_system_is_productive() -> None:
    """Every supply is non-negative for a positive demand when no activity is a waste treatment."""
    generated = generate(activities=500, flows=50, seed=3)
    system = LCASystem(
        generated.technosphere, generated.biosphere, [Characterization("c", *generated.characterizations[0])]
    )
    supply = system.supply({int(generated.activity_ids[0]): 1.0})
    assert np.all(supply >= 0)
    assert supply.max() >= 1.0
