"""Each activity's reference product: own ids, separate product ids, waste treatments, and loops."""

from __future__ import annotations

import pytest

from lowcarbon.engine import Characterization, LCASystem, supply_chain
from lowcarbon.errors import SingularTechnosphere

GWP = Characterization.from_mapping("gwp", {900: 1.0})


def test_separate_ids_with_a_loop_and_a_waste_treatment() -> None:
    """Electricity (101) made by activity 2 and coal (102) by activity 1 supply each other; activity 3 treats ash
    (103, production -1). Nothing has its own id, and the loop allows a wrong pairing: the matching must not take
    an input for a production."""
    technosphere = ([101, 102, 102, 101, 103, 103], [2, 2, 1, 1, 2, 3], [1.0, -0.4, 1.0, -0.05, 0.2, -1.0])
    system = LCASystem(technosphere, ([900] * 3, [2, 1, 3], [1.0, 0.5, 0.1]), [GWP])
    assert system.products.ids[system.reference_products].tolist() == [102, 101, 103]
    (root,) = supply_chain(system, {101: 1.0}, cutoff=0.0)
    assert (root.activity_id, root.direct_score) == (2, pytest.approx(1.0))
    scores = system.activity_scores()[0]
    assert scores.tolist() == pytest.approx(
        [system.score({102: 1.0}), system.score({101: 1.0}), system.score({103: 1.0})]
    )


def test_an_unrelated_waste_treatment_does_not_reshuffle_own_ids() -> None:
    """Adding a waste treatment with a product id of its own leaves the own-id activities as they were."""
    base = ([1, 2, 2, 1], [1, 2, 1, 2], [1.0, 1.0, -0.4, -0.05])
    with_waste = ([*base[0], 50, 50], [*base[1], 2, 7], [*base[2], 0.3, -1.0])
    system = LCASystem(with_waste, ([900, 900], [1, 7], [1.0, 2.0]), [GWP])
    assert system.products.ids[system.reference_products].tolist() == [1, 2, 50]


def test_no_possible_pairing_is_structurally_singular() -> None:
    """Products 20 and 30 appear only in activity 3, so one of them cannot get a producer."""
    technosphere = ([10, 10, 10, 20, 30], [1, 2, 3, 3, 3], [1.0, 1.0, -0.1, 1.0, 0.5])
    system = LCASystem(technosphere, ([900], [1], [1.0]), [GWP])
    with pytest.raises(SingularTechnosphere, match="structurally singular"):
        system.reference_products  # noqa: B018
