"""Reading and writing Brightway datapackages: formats, bw2calc's combination rules, and clear errors."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import bw_processing as bwp
import numpy as np
import pytest
from fsspec.implementations.zip import ZipFileSystem

from lowcarbon.engine import load_system, read_datapackage, write_datapackage
from lowcarbon.errors import DataFormatError

TECH = ([1, 2, 2], [1, 2, 1], [1.0, 1.0, -0.5])
BIO = ([10], [2], [3.0])
# supply for 1 unit of product 1: s1 = 1, s2 = 0.5; inventory of flow 10 = 1.5


def _indices(rows: list[int], cols: list[int]) -> np.ndarray:
    indices = np.zeros(len(rows), dtype=bwp.INDICES_DTYPE)
    indices["row"], indices["col"] = rows, cols
    return indices


@pytest.mark.parametrize("name", ["system", "system.zip"])
def test_write_then_read_round_trip(tmp_path: Path, name: str) -> None:
    """A written directory or zip reads back to the same system."""
    write_datapackage(tmp_path / name, "system", technosphere=TECH, biosphere=BIO, characterization=([10], [2.0]))
    system = load_system([tmp_path / name])
    assert system.characterizations[0].name == "system"
    assert system.score({1: 1.0}) == pytest.approx(3.0, rel=1e-12)  # 1.5 kg x 2


def test_bw_processing_flip_arrays_and_ignored_resources(tmp_path: Path) -> None:
    """Flip negates; array (presample) groups and distributions are ignored, as in static bw2calc."""
    dp = bwp.create_datapackage(fs=ZipFileSystem(str(tmp_path / "dp.zip"), mode="w"), name="dp")
    dp.add_persistent_vector(
        matrix="technosphere_matrix",
        indices_array=_indices([1, 2, 2], [1, 2, 1]),
        data_array=np.array([1.0, 1.0, 0.5]),
        flip_array=np.array([False, False, True]),
        name="tech",
    )
    dp.add_persistent_array(
        matrix="technosphere_matrix",
        indices_array=_indices([2], [1]),
        data_array=np.array([[100.0, 200.0]]),
        name="presamples",
    )
    dp.add_persistent_vector(
        matrix="biosphere_matrix",
        indices_array=_indices([10], [2]),
        data_array=np.array([3.0]),
        distributions_array=np.array(
            [(2, np.log(3.0), 0.1, np.nan, np.nan, np.nan, False)], dtype=bwp.UNCERTAINTY_DTYPE
        ),
        name="bio",
    )
    dp.add_persistent_vector(
        matrix="characterization_matrix", indices_array=_indices([10], [0]), data_array=np.array([2.0]), name="cf"
    )
    dp.finalize_serialization()
    system = load_system([tmp_path / "dp.zip"])
    assert system.score({1: 1.0}) == pytest.approx(3.0, rel=1e-12)


def test_duplicates_sum_within_a_package_and_nan_inserts_nothing(tmp_path: Path) -> None:
    """Two entries at one position in a group add up; a NaN value is skipped."""
    dp = bwp.create_datapackage(fs=ZipFileSystem(str(tmp_path / "dup.zip"), mode="w"), name="dup")
    dp.add_persistent_vector(
        matrix="technosphere_matrix",
        indices_array=_indices([1, 2, 2, 2, 2], [1, 2, 1, 1, 1]),
        data_array=np.array([1.0, 1.0, 0.25, 0.25, np.nan]),
        flip_array=np.array([False, False, True, True, True]),
        name="tech",
    )
    dp.finalize_serialization()
    system = load_system([tmp_path / "dup.zip"])
    np.testing.assert_allclose(system.supply({1: 1.0}), [1.0, 0.5], rtol=1e-12)


def test_characterization_per_package_with_unique_names(tmp_path: Path) -> None:
    """Each characterization datapackage is one vector; equal names are made distinct."""
    write_datapackage(tmp_path / "inv", "inv", technosphere=TECH, biosphere=BIO)
    write_datapackage(tmp_path / "a", "gwp", characterization=([10, 77], [2.0, 5.0]))  # 77: not in biosphere
    write_datapackage(tmp_path / "b", "gwp", characterization=([10], [4.0]))
    system = load_system([tmp_path / "inv", tmp_path / "a", tmp_path / "b"])
    assert system.scores({1: 1.0}) == pytest.approx({"gwp": 3.0, "gwp'": 6.0}, rel=1e-12)


def test_nested_zip_root_is_found(tmp_path: Path) -> None:
    """A zip whose files sit in one top folder still reads."""
    write_datapackage(tmp_path / "flat", "flat", technosphere=TECH, biosphere=BIO, characterization=([10], [1.0]))
    with zipfile.ZipFile(tmp_path / "nested.zip", "w") as archive:
        for file in (tmp_path / "flat").iterdir():
            archive.write(file, f"flat/{file.name}")
    assert load_system([tmp_path / "nested.zip"]).score({1: 1.0}) == pytest.approx(1.5, rel=1e-12)


def _package_with(tmp_path: Path, edit: object) -> Path:
    folder = tmp_path / "bad"
    write_datapackage(folder, "bad", technosphere=TECH, biosphere=BIO)
    metadata = json.loads((folder / "datapackage.json").read_text())
    edit(folder, metadata)  # type: ignore[operator]
    (folder / "datapackage.json").write_text(json.dumps(metadata))
    return folder


def _drop_resources(folder: Path, metadata: dict) -> None:  # type: ignore[type-arg]
    del metadata["resources"]


def _drop_path(folder: Path, metadata: dict) -> None:  # type: ignore[type-arg]
    del metadata["resources"][0]["path"]


def _missing_file(folder: Path, metadata: dict) -> None:  # type: ignore[type-arg]
    (folder / "technosphere.data.npy").unlink()


def _short_data(folder: Path, metadata: dict) -> None:  # type: ignore[type-arg]
    np.save(folder / "technosphere.data.npy", np.array([1.0]))


def _plain_indices(folder: Path, metadata: dict) -> None:  # type: ignore[type-arg]
    np.save(folder / "technosphere.indices.npy", np.array([1, 2, 3]))


def _drop_data(folder: Path, metadata: dict) -> None:  # type: ignore[type-arg]
    metadata["resources"] = [r for r in metadata["resources"] if r["name"] != "technosphere.data"]


def _garbage_npy(folder: Path, metadata: dict) -> None:  # type: ignore[type-arg]
    (folder / "biosphere.data.npy").write_bytes(b"not an array")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (_drop_resources, "datapackage.json needs a 'resources' list"),
        (_drop_path, "has no 'path'"),
        (_missing_file, "file technosphere.data.npy is missing from the datapackage"),
        (_short_data, "data has 1 values for 3 indices"),
        (_plain_indices, "indices must be a structured array with integer fields 'row' and 'col'"),
        (_drop_data, "needs both an indices and a data resource"),
        (_garbage_npy, "biosphere.data.npy is not a readable .npy array"),
    ],
)
def test_malformed_datapackages_name_file_and_field(tmp_path: Path, edit: object, message: str) -> None:
    """Each malformed datapackage raises DataFormatError naming the package and what is wrong."""
    folder = _package_with(tmp_path, edit)
    with pytest.raises(DataFormatError, match="bad") as caught:
        load_system([folder])
    assert message in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_not_a_datapackage(tmp_path: Path) -> None:
    """A plain file, a missing path and a package without a technosphere are refused clearly."""
    plain = tmp_path / "notes.txt"
    plain.write_text("hello")
    with pytest.raises(DataFormatError, match="not a datapackage"):
        read_datapackage(plain)
    with pytest.raises(DataFormatError, match="no such file or directory"):
        read_datapackage(tmp_path / "nothing")
    write_datapackage(tmp_path / "m", "m", characterization=([10], [1.0]))
    with pytest.raises(DataFormatError, match="no technosphere_matrix vector resources"):
        load_system([tmp_path / "m"])


def test_site_generic_characterization_keeps_the_global_location(tmp_path: Path) -> None:
    """Regionalized factors: only those of the global location (``global_index``) count, as in bw2calc."""
    import bw2calc

    write_datapackage(tmp_path / "inv.zip", "inv", technosphere=TECH, biosphere=([10, 11], [2, 2], [3.0, 1.0]))
    method = bwp.create_datapackage(fs=ZipFileSystem(str(tmp_path / "m.zip"), mode="w"), name="m")
    method.add_persistent_vector(
        matrix="characterization_matrix",
        indices_array=_indices([10, 10, 11], [1, 5, 1]),
        data_array=np.array([1.0, 2.0, 10.0]),
        name="cf",
        global_index=1,
    )
    method.finalize_serialization()
    paths = [tmp_path / "inv.zip", tmp_path / "m.zip"]
    ours = load_system(paths).score({1: 1.0})
    lca = bw2calc.LCA({1: 1.0}, data_objs=[bwp.load_datapackage(ZipFileSystem(str(p))) for p in paths])
    lca.lci()
    lca.lcia()
    assert ours == pytest.approx(lca.score, rel=1e-12)
    assert ours == pytest.approx(1.5 * 1.0 + 0.5 * 10.0, rel=1e-12)  # the factor 2.0 of location 5 is left out


def _infinite(folder: Path, metadata: dict) -> None:  # type: ignore[type-arg]
    np.save(folder / "biosphere.data.npy", np.array([np.inf]))


def _string_flag(folder: Path, metadata: dict) -> None:  # type: ignore[type-arg]
    metadata["sum_intra_duplicates"] = "false"


def _text_data(folder: Path, metadata: dict) -> None:  # type: ignore[type-arg]
    np.save(folder / "technosphere.data.npy", np.array(["a", "b", "c"]))


def _directory_resource(folder: Path, metadata: dict) -> None:  # type: ignore[type-arg]
    (folder / "technosphere.data.npy").unlink()
    (folder / "technosphere.data.npy").mkdir()


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (_infinite, "value at row 10, col 2 is inf; every value must be finite"),
        (_string_flag, "field 'sum_intra_duplicates' must be true or false, got 'false'"),
        (_text_data, "data and indices must be numbers"),
        (_directory_resource, "technosphere.data.npy cannot be read"),
    ],
)
def test_more_malformed_datapackages(tmp_path: Path, edit: object, message: str) -> None:
    """Infinite values, string flags, text arrays and unreadable files are DataFormatErrors too."""
    folder = _package_with(tmp_path, edit)
    with pytest.raises(DataFormatError, match="bad") as caught:
        load_system(folder)  # a single path works as well as a list
    assert message in str(caught.value)


def test_non_utf8_json_and_damaged_zip(tmp_path: Path) -> None:
    """A datapackage.json that is not UTF-8 and a zip whose member is corrupt are named clearly."""
    folder = tmp_path / "latin"
    write_datapackage(folder, "latin", technosphere=TECH, biosphere=BIO)
    (folder / "datapackage.json").write_bytes(
        (folder / "datapackage.json").read_text().replace("latin", "caf\xe9", 1).encode("latin-1")
    )
    with pytest.raises(DataFormatError, match="not valid UTF-8 JSON"):
        load_system(folder)
    archive = write_datapackage(tmp_path / "z.zip", "z", technosphere=TECH, biosphere=BIO)
    data = bytearray(archive.read_bytes())
    start = data.find(b"technosphere.data.npy") + 40  # inside the first member's compressed bytes
    data[start : start + 20] = b"\x00" * 20
    archive.write_bytes(bytes(data))
    with pytest.raises(DataFormatError, match=r"z\.zip"):
        load_system(archive)


def test_write_checks_lengths(tmp_path: Path) -> None:
    """Writing triplets of different lengths is refused before anything is written."""
    from lowcarbon.errors import InvalidArrays

    with pytest.raises(InvalidArrays, match="technosphere_matrix: rows \\(2\\), cols \\(1\\) and values \\(1\\)"):
        write_datapackage(tmp_path / "x", "x", technosphere=([1, 2], [1], [1.0]))
    assert not (tmp_path / "x" / "datapackage.json").exists()


def test_a_zip_bomb_in_a_datapackage_is_refused_before_it_unpacks(tmp_path: Path) -> None:
    """A zipped datapackage is read through the bounded reader: a member that unpacks a thousandfold is refused."""
    import zipfile

    from lowcarbon.errors import LimitExceeded

    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", b'{"resources": []}')
        archive.writestr("technosphere.data.npy", b"\0" * 50_000_000)
    with pytest.raises(LimitExceeded) as caught:
        load_system(bomb)
    assert caught.value.code == "max_compression_ratio_exceeded"
    assert "bomb.zip: member 'technosphere.data.npy' unpacks to" in str(caught.value)
