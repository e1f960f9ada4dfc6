"""Fixtures for engine tests: random Brightway datapackages written by bw_processing itself."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from lowcarbon.engine.distributions import Distributions
from lowcarbon.engine.synthetic import SyntheticSystem, exchange_distributions, generate


@dataclass(frozen=True)
class WrittenSystem:
    """A generated system and the datapackages that hold it."""

    system: SyntheticSystem
    inventory: list[Path]  # the inventory datapackage(s), in the order bw2calc gets them
    methods: list[Path]  # one characterization datapackage per vector
    product_ids: np.ndarray
    method_names: list[str]


def _indices(rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    import bw_processing as bwp

    indices = np.zeros(len(rows), dtype=bwp.INDICES_DTYPE)
    indices["row"], indices["col"] = rows, cols
    return indices


def _package(path: Path, name: str):  # type: ignore[no-untyped-def]
    import bw_processing as bwp
    from fsspec.implementations.zip import ZipFileSystem

    return bwp.create_datapackage(fs=ZipFileSystem(str(path), mode="w"), name=name)


def write_system(
    folder: Path,
    system: SyntheticSystem,
    *,
    product_offset: int = 0,
    split_overrides: bool = False,
    rng_seed: int = 0,
    distributions: dict[str, Distributions] | None = None,
) -> WrittenSystem:
    """Write ``system`` as datapackages: inputs positive with flip arrays, as bw2data writes them.

    ``distributions`` ("technosphere", "biosphere": one per exchange, of its magnitude, as
    ``synthetic.exchange_distributions`` makes them) are written as the groups' ``distributions`` arrays.

    ``product_offset`` gives products ids of their own (activity id + offset), as bw25 product nodes have.
    ``split_overrides`` writes a second inventory package that replaces some technosphere values (bw2calc
    lets a later package's values replace earlier ones) and adds biosphere entries of an unknown activity.
    """
    rng = np.random.default_rng(rng_seed)
    rows, cols, values = system.technosphere
    rows = rows + product_offset  # every technosphere row is a product
    dp = _package(folder / "inventory.zip", "inventory")
    dp.add_persistent_vector(
        matrix="technosphere_matrix",
        indices_array=_indices(rows, cols),
        data_array=np.abs(values),
        flip_array=values < 0,
        name="technosphere",
        **_distributions_array(distributions, "technosphere"),
    )
    b_rows, b_cols, b_values = system.biosphere
    dp.add_persistent_vector(
        matrix="biosphere_matrix",
        indices_array=_indices(b_rows, b_cols),
        data_array=b_values,
        name="biosphere",
        **_distributions_array(distributions, "biosphere"),
    )
    dp.finalize_serialization()
    inventory = [folder / "inventory.zip"]
    if split_overrides:
        chosen = rng.choice(rows.size, size=max(1, rows.size // 20), replace=False)
        off = (values[chosen] < 0) & (rows[chosen] != cols[chosen] + product_offset)
        chosen = chosen[off]
        override = _package(folder / "override.zip", "override")
        override.add_persistent_vector(
            matrix="technosphere_matrix",
            indices_array=_indices(rows[chosen], cols[chosen]),
            data_array=np.abs(values[chosen]) * 0.5,
            flip_array=np.ones(chosen.size, dtype=bool),
            name="technosphere-override",
        )
        unknown_activity = int(system.activity_ids.max()) + 12345
        override.add_persistent_vector(
            matrix="biosphere_matrix",
            indices_array=_indices(b_rows[:3], np.full(3, unknown_activity)),
            data_array=np.ones(3),
            name="biosphere-unknown-activity",
        )
        override.finalize_serialization()
        inventory.append(folder / "override.zip")
    methods, names = [], []
    for k, (flow_ids, factors) in enumerate(system.characterizations):
        name = f"method-{k}"
        path = folder / f"{name}.zip"
        mp = _package(path, name)
        # a factor for a flow the biosphere does not have is ignored by bw2calc, and must be by us
        ids = np.concatenate([flow_ids, [999_999_999]])
        mp.add_persistent_vector(
            matrix="characterization_matrix",
            indices_array=_indices(ids, np.zeros(ids.size, dtype=np.int64)),
            data_array=np.concatenate([factors, [1.0]]),
            name=name,
            identifier=[name],
        )
        mp.finalize_serialization()
        methods.append(path)
        names.append(name)
    return WrittenSystem(system, inventory, methods, system.activity_ids + product_offset, names)


def _distributions_array(distributions: dict[str, Distributions] | None, matrix: str) -> dict[str, np.ndarray]:
    if distributions is None or matrix not in distributions:
        return {}
    return {"distributions_array": distributions[matrix].to_stats_arrays()}


@pytest.fixture
def written(tmp_path: Path) -> Callable[..., WrittenSystem]:
    """Factory: generate a random system with the given options and write it into a fresh folder."""
    counter = iter(range(1000))

    def make(
        product_offset: int = 0, split_overrides: bool = False, distributions_seed: int | None = None, **options: float
    ) -> WrittenSystem:
        """``distributions_seed`` puts a distribution on every exchange (``synthetic.exchange_distributions``)."""
        folder = tmp_path / f"system-{next(counter)}"
        folder.mkdir()
        system = generate(**options)  # type: ignore[arg-type]
        distributions = None if distributions_seed is None else exchange_distributions(system, distributions_seed)
        return write_system(
            folder, system, product_offset=product_offset, split_overrides=split_overrides, distributions=distributions
        )

    return make
