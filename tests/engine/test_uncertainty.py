"""Reading distributions from datapackages as bw2calc's use_distributions does, onto fixed sparsity patterns."""

from __future__ import annotations

import math
from pathlib import Path

import bw_processing as bwp
import numpy as np
import pytest
from fsspec.implementations.zip import ZipFileSystem

from lowcarbon.engine import write_datapackage
from lowcarbon.engine.distributions import DISCRETE_UNIFORM, LOGNORMAL, NORMAL, UNDEFINED, Distributions
from lowcarbon.engine.uncertainty import load_uncertain_system
from lowcarbon.errors import DataFormatError

NAN = math.nan


def _indices(rows: list[int], cols: list[int]) -> np.ndarray:
    indices = np.zeros(len(rows), dtype=bwp.INDICES_DTYPE)
    indices["row"], indices["col"] = rows, cols
    return indices


def _params(*rows: tuple[int, float, float, float, float, bool]) -> np.ndarray:
    """stats_arrays rows of (type, loc, scale, minimum, maximum, negative)."""
    params = np.zeros(len(rows), dtype=bwp.UNCERTAINTY_DTYPE)
    for k, (kind, loc, scale, minimum, maximum, negative) in enumerate(rows):
        params[k] = (kind, loc, scale, NAN, minimum, maximum, negative)
    return params


def _inventory(path: Path, *, override: float | None = None) -> list[Path]:
    """Product 1 made by activity 1, product 2 by activity 2, which takes 2 x 0.5 of product 1 (a lognormal
    input stored positive, flipped and rescaled by 2); flow 10 from activity 1 (undefined type without loc: its
    data value, 5) and flow 11 from activity 2 (lognormal). ``override`` writes a second package replacing the
    input by a fixed value."""
    dp = bwp.create_datapackage(fs=ZipFileSystem(str(path / "inventory.zip"), mode="w"), name="inventory")
    dp.add_persistent_vector(
        matrix="technosphere_matrix",
        indices_array=_indices([1, 2, 1], [1, 2, 2]),
        data_array=np.array([1.0, 1.0, 0.5]),
        flip_array=np.array([False, False, True]),
        rescale_array=np.array([1.0, 1.0, 2.0]),
        distributions_array=_params(
            (1, 1.0, NAN, NAN, NAN, False),
            (NORMAL, 1.0, 0.01, NAN, NAN, False),
            (LOGNORMAL, math.log(0.5), 0.1, NAN, NAN, False),
        ),
        name="technosphere",
    )
    dp.add_persistent_vector(
        matrix="biosphere_matrix",
        indices_array=_indices([10, 11], [1, 2]),
        data_array=np.array([5.0, 3.0]),
        distributions_array=_params(
            (UNDEFINED, NAN, NAN, NAN, NAN, False),
            (LOGNORMAL, math.log(3.0), 0.2, NAN, NAN, False),
        ),
        name="biosphere",
    )
    dp.finalize_serialization()
    paths = [path / "inventory.zip"]
    if override is not None:
        second = bwp.create_datapackage(fs=ZipFileSystem(str(path / "override.zip"), mode="w"), name="override")
        second.add_persistent_vector(
            matrix="technosphere_matrix",
            indices_array=_indices([1], [2]),
            data_array=np.array([override]),
            flip_array=np.array([True]),
            name="technosphere-override",
        )
        second.finalize_serialization()
        paths.append(path / "override.zip")
    method = write_datapackage(path / "method", "method", characterization=([10, 11], [1.0, 2.0]))
    return [*paths, method]


def test_samples_are_flipped_and_rescaled_and_fixed_values_are_their_loc(tmp_path: Path) -> None:
    model = load_uncertain_system(_inventory(tmp_path))
    tech = model.technosphere
    assert tech.distributions.size == 2  # the production of product 1 has no uncertainty
    technosphere, biosphere, _, draws = model.sample(np.random.default_rng(1))
    matrix = tech.matrix(technosphere).toarray()
    # uncertain entries in CSR order: (1, 2) the input, then (2, 2) the production of product 2
    assert matrix[0, 1] == pytest.approx(-2.0 * draws[0], rel=1e-15)
    assert matrix[1, 1] == pytest.approx(draws[1], rel=1e-15)
    assert matrix[0, 0] == 1.0
    emissions = model.biosphere.matrix(biosphere).toarray()
    assert emissions[0, 0] == 5.0  # undefined without loc: the data value
    assert emissions[1, 1] == pytest.approx(draws[2], rel=1e-15)
    assert draws[0] > 0 and draws[2] > 0


def test_many_samples_centre_on_the_datapackage_values(tmp_path: Path) -> None:
    model = load_uncertain_system(_inventory(tmp_path))
    rng = np.random.default_rng(2)
    inputs = np.array([model.technosphere.matrix(model.sample(rng)[0]).toarray()[0, 1] for _ in range(4000)])
    # -2 x lognormal(ln 0.5, 0.1): mean -exp(0.005)
    assert inputs.mean() == pytest.approx(-math.exp(0.1**2 / 2), rel=0.01)


def test_a_later_group_replaces_an_earlier_uncertain_value(tmp_path: Path) -> None:
    """bw2calc: a later package's value at the same position replaces the earlier one, distribution and all."""
    model = load_uncertain_system(_inventory(tmp_path, override=0.25))
    assert model.technosphere.distributions.size == 1  # only the production of product 2 is left uncertain
    matrix = model.technosphere.matrix(model.sample(np.random.default_rng(3))[0]).toarray()
    assert matrix[0, 1] == -0.25


def test_the_pattern_holds_samples_that_are_zero(tmp_path: Path) -> None:
    """A discrete uniform emission of 0 or 1 keeps its slot: only values change, never the pattern."""
    nan = [NAN, NAN]
    zero_or_one = Distributions([DISCRETE_UNIFORM, 1], [NAN, 2.0], nan, nan, [0.0, NAN], [2.0, NAN], [False, False])
    write_datapackage(
        tmp_path / "dp",
        "dp",
        technosphere=([1], [1], [1.0]),
        biosphere=([10, 11], [1, 1], [1.0, 2.0]),
        characterization=([10, 11], [1.0, 1.0]),
        distributions={"biosphere": zero_or_one},
    )
    model = load_uncertain_system([tmp_path / "dp"])
    rng = np.random.default_rng(4)
    seen = set()
    for _ in range(20):
        values = model.sample(rng)[1]
        assert model.biosphere.matrix(values).nnz == model.biosphere.nnz == 2
        seen.add(float(values[0]))
    assert seen == {0.0, 1.0}


def test_invalid_distributions_name_the_file_and_group(tmp_path: Path) -> None:
    dp = bwp.create_datapackage(fs=ZipFileSystem(str(tmp_path / "bad.zip"), mode="w"), name="bad")
    dp.add_persistent_vector(
        matrix="technosphere_matrix",
        indices_array=_indices([1], [1]),
        data_array=np.array([1.0]),
        distributions_array=_params((LOGNORMAL, 0.0, -1.0, NAN, NAN, False)),
        name="tech",
    )
    dp.finalize_serialization()
    with pytest.raises(DataFormatError, match=r"bad\.zip: technosphere_matrix group 'tech'.*scale must be a positive"):
        load_uncertain_system(tmp_path / "bad.zip")


def test_the_deterministic_system_is_load_systems(tmp_path: Path) -> None:
    """The uncertain system's deterministic values are the static ones (the data arrays), as bw2calc's LCA."""
    model = load_uncertain_system(_inventory(tmp_path))
    static = model.technosphere.matrix(np.asarray(model.technosphere.static)).toarray()
    np.testing.assert_allclose(static, model.system.technosphere.toarray())
    assert model.system.score({2: 1.0}) == pytest.approx(3.0 * 2.0 + 5.0 * 1.0, rel=1e-12)
