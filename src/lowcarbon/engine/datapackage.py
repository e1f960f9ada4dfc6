"""Read Brightway 2.5 datapackages (the bw_processing format) into an ``LCASystem``, as bw2calc interprets them.

A datapackage is a directory or a .zip holding ``datapackage.json`` and ``.npy`` arrays. Its resources come in
groups; a group of one matrix has ``indices`` (structured row/col ids), ``data`` and optionally ``flip`` (True marks
an input: the stored value is negated), ``rescale`` and ``distributions`` arrays. As in bw2calc's static ``LCA``
(``use_arrays`` and ``use_distributions`` off), only ``vector`` groups count and ``array`` groups (presamples) are
ignored. Within a group duplicates are summed when the package's ``sum_intra_duplicates`` is true; across groups a
later group's values replace earlier ones at the same position unless its package's ``sum_inter_duplicates`` is
true, in which case they add. NaN values insert nothing. Biosphere entries of unknown activities and
characterization factors of unknown flows are dropped.

A group's ``distributions`` (stats_arrays parameters, see ``distributions``) are read beside its values for Monte
Carlo (``uncertainty``), which samples them as bw2calc's ``use_distributions=True`` does, then flips and rescales
each sample as a static value is.

Each datapackage that holds a ``characterization_matrix`` is one characterization vector, named by the package.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from lowcarbon.bounded import Archive, parse_json, read_path
from lowcarbon.engine.distributions import Distributions
from lowcarbon.engine.ids import IdIndex
from lowcarbon.engine.solvers import SolverMethod
from lowcarbon.engine.system import Characterization, LCASystem
from lowcarbon.errors import DataFormatError, InvalidArrays, LimitExceeded

TECHNOSPHERE = "technosphere_matrix"
BIOSPHERE = "biosphere_matrix"
CHARACTERIZATION = "characterization_matrix"
GROUP_KINDS = ("indices", "data", "flip", "rescale", "distributions")


@dataclass(frozen=True)
class Group:
    """One vector resource group of one matrix, with the summing rules of its package."""

    rows: NDArray[np.int64]
    cols: NDArray[np.int64]
    values: NDArray[np.float64]
    sum_intra: bool
    sum_inter: bool
    global_index: int | None = None  # characterization: the column id of the global location
    # Monte Carlo: the distribution of each value before flip and rescale, and the factor (-1 for a flipped value,
    # times its rescale) that makes a sample a matrix value; None where the group has no distributions resource.
    distributions: Distributions | None = None
    factors: NDArray[np.float64] | None = None


@dataclass(frozen=True)
class Datapackage:
    """The metadata of one datapackage and the vector groups of each matrix in it, in resource order."""

    source: str
    name: str
    groups: dict[str, list[Group]]


def read_datapackage(path: str | Path) -> Datapackage:
    """Read a datapackage directory or .zip; raises DataFormatError naming the file and field at fault."""
    location = Path(path)
    reader: _DirectoryReader | _ZipReader
    if location.is_dir():
        reader = _DirectoryReader(location)
    elif location.is_file() and zipfile.is_zipfile(location):
        reader = _ZipReader(location)
    elif location.exists():
        raise DataFormatError(f"{location}: not a datapackage; give a directory or a .zip with datapackage.json")
    else:
        raise DataFormatError(f"{location}: no such file or directory")
    with reader:
        return _parse(location, reader)


class _DirectoryReader:
    def __init__(self, root: Path) -> None:
        self.root = root

    def __enter__(self) -> _DirectoryReader:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def read(self, name: str) -> bytes:
        path = self.root / name
        if not path.exists():
            raise DataFormatError(f"{self.root}: file {name} is missing from the datapackage")
        if not path.is_file():
            raise DataFormatError(f"{self.root}: file {name} cannot be read (it is not a file)")
        return read_path(path)


class _ZipReader:
    """A zipped datapackage, read through the bounded reader: its limits are checked before anything unpacks."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.archive = Archive(path, str(path), "zipped datapackage")
        names = self.archive.names()
        tops = [n for n in names if n.endswith("datapackage.json") and n.count("/") <= 1]
        self.prefix = min(tops, key=len)[: -len("datapackage.json")] if tops else ""

    def __enter__(self) -> _ZipReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.archive.close()

    def read(self, name: str) -> bytes:
        if self.prefix + name not in self.archive.names():
            raise DataFormatError(f"{self.path}: file {name} is missing from the datapackage")
        return self.archive.read(self.prefix + name)


def _parse(location: Path, reader: _DirectoryReader | _ZipReader) -> Datapackage:
    raw = reader.read("datapackage.json")
    try:
        metadata = parse_json(raw, f"{location}: datapackage.json")
    except LimitExceeded:
        raise
    except DataFormatError as exc:
        reason = exc.problems[0].message
        raise DataFormatError(f"{location}: datapackage.json is not valid UTF-8 JSON ({reason})") from None
    if not isinstance(metadata, dict) or not isinstance(metadata.get("resources"), list):
        raise DataFormatError(f"{location}: datapackage.json needs a 'resources' list")
    sum_intra = _flag(location, metadata, "sum_intra_duplicates", True)
    sum_inter = _flag(location, metadata, "sum_inter_duplicates", False)
    grouped: dict[tuple[str, str], dict[str, Any]] = {}
    for position, resource in enumerate(metadata["resources"]):
        if not isinstance(resource, dict):
            raise DataFormatError(f"{location}: resources[{position}] must be an object")
        matrix = resource.get("matrix")
        if matrix not in (TECHNOSPHERE, BIOSPHERE, CHARACTERIZATION) or resource.get("category") != "vector":
            continue
        kind = resource.get("kind")
        if kind not in GROUP_KINDS:
            continue
        for field in ("path", "group"):
            if not isinstance(resource.get(field), str):
                raise DataFormatError(
                    f"{location}: resources[{position}] ({resource.get('name')}) has no '{field}'; "
                    "every resource needs a path and a group"
                )
        arrays = grouped.setdefault((matrix, resource["group"]), {})
        arrays[kind] = _load_array(location, reader, resource["path"])
        if kind == "indices" and resource.get("global_index") is not None:
            arrays["global_index"] = resource["global_index"]
    groups: dict[str, list[Group]] = {TECHNOSPHERE: [], BIOSPHERE: [], CHARACTERIZATION: []}
    for (matrix, label), arrays in grouped.items():
        groups[matrix].append(_group(location, f"{matrix} group '{label}'", arrays, sum_intra, sum_inter))
    name = str(metadata.get("name") or location.stem)
    return Datapackage(source=str(location), name=name, groups=groups)


def _flag(location: Path, metadata: dict[str, Any], key: str, default: bool) -> bool:
    value = metadata.get(key, default)
    if not isinstance(value, bool):
        raise DataFormatError(f"{location}: datapackage.json field {key!r} must be true or false, got {value!r}")
    return value


def _load_array(location: Path, reader: _DirectoryReader | _ZipReader, name: str) -> NDArray[Any]:
    try:
        array: NDArray[Any] = np.load(io.BytesIO(reader.read(name)), allow_pickle=False)
        return array
    except ValueError as exc:
        raise DataFormatError(f"{location}: {name} is not a readable .npy array ({exc})") from None


def _group(location: Path, what: str, arrays: dict[str, Any], sum_intra: bool, sum_inter: bool) -> Group:
    if "indices" not in arrays or "data" not in arrays:
        raise DataFormatError(f"{location}: {what} needs both an indices and a data resource")
    indices = arrays["indices"]
    if indices.dtype.names is None or not {"row", "col"} <= set(indices.dtype.names):
        raise DataFormatError(
            f"{location}: {what}: indices must be a structured array with integer fields 'row' and 'col' "
            f"(bw_processing's INDICES_DTYPE), got dtype {indices.dtype}"
        )
    try:
        values = np.asarray(arrays["data"], dtype=np.float64).ravel()
        rows = np.asarray(indices["row"], dtype=np.int64)
        cols = np.asarray(indices["col"], dtype=np.int64)
    except (ValueError, TypeError) as exc:
        raise DataFormatError(f"{location}: {what}: data and indices must be numbers ({exc})") from None
    if values.size != indices.size:
        raise DataFormatError(
            f"{location}: {what}: data has {values.size} values for {indices.size} indices; they must match"
        )
    distributions = _distributions(location, what, arrays.get("distributions"), values)
    factors = np.ones(values.size)
    if "flip" in arrays:
        flip = np.asarray(arrays["flip"], dtype=bool).ravel()
        if flip.size != values.size:
            raise DataFormatError(f"{location}: {what}: flip has {flip.size} entries for {values.size} values")
        factors = np.where(flip, -1.0, 1.0)
    if "rescale" in arrays:
        rescale = np.asarray(arrays["rescale"], dtype=np.float64).ravel()
        if rescale.size != values.size:
            raise DataFormatError(f"{location}: {what}: rescale has {rescale.size} entries for {values.size} values")
        factors = factors * rescale
    values = values * factors
    infinite = np.flatnonzero(np.isinf(values))
    if infinite.size:
        k = int(infinite[0])
        raise DataFormatError(
            f"{location}: {what}: value at row {int(rows[k])}, col {int(cols[k])} is {values[k]}; "
            f"every value must be finite ({infinite.size} are not)"
        )
    keep = ~np.isnan(values)
    global_index = arrays.get("global_index")
    if global_index is not None:  # site-generic LCIA: bw2calc keeps only the factors of the global location
        keep &= cols == int(global_index)
    kept = np.flatnonzero(keep)
    return Group(
        rows[kept],
        cols[kept],
        values[kept],
        sum_intra,
        sum_inter,
        global_index,
        distributions.take(kept) if distributions is not None else None,
        factors[kept] if distributions is not None else None,
    )


def _distributions(location: Path, what: str, params: Any, values: NDArray[np.float64]) -> Distributions | None:
    """A group's distributions; an entry without uncertainty (type 0 or 1) is its ``loc``, as bw2calc samples it,
    or its data value where ``loc`` is not given."""
    if params is None:
        return None
    if params.shape != values.shape:
        raise DataFormatError(
            f"{location}: {what}: distributions has {params.size} entries for {values.size} values; they must match"
        )
    try:
        distributions = Distributions.from_stats_arrays(params)
    except InvalidArrays as exc:
        raise DataFormatError(f"{location}: {what}: {exc}") from None
    fixed = ~distributions.uncertain & np.isnan(distributions.loc)
    if not np.any(fixed):
        return distributions
    loc = np.where(fixed, values, distributions.loc)
    d = distributions
    return Distributions(d.kind, loc, d.scale, d.shape, d.minimum, d.maximum, d.negative)


def combine(groups: Sequence[Group], row_index: IdIndex, col_index: IdIndex | None) -> sparse.csr_matrix:
    """The matrix bw2calc would build from these groups, in order, over the two indexes.

    ``col_index`` None builds a diagonal (characterization) matrix from the row ids alone. Entries whose ids
    are not in the indexes are dropped.
    """
    shape = (len(row_index), len(col_index) if col_index is not None else len(row_index))
    result = sparse.csr_matrix(shape, dtype=np.float64)
    for group in groups:
        r = row_index.find(group.rows)
        c = col_index.find(group.cols) if col_index is not None else r
        keep = (r >= 0) & (c >= 0)
        r, c, v = r[keep], c[keep], group.values[keep]
        if not group.sum_intra:
            r, c, v = _last_of_duplicates(r, c, v, shape[1])
        part = sparse.csr_matrix((v, (r, c)), shape=shape)  # sums duplicates
        if not group.sum_inter and result.nnz:
            covered = sparse.csr_matrix((np.ones(r.size), (r, c)), shape=shape)
            covered.data[:] = 1.0
            result = result - result.multiply(covered)
        result = result + part
    return sparse.csr_matrix(result)


def _last_of_duplicates(
    rows: NDArray[np.intp], cols: NDArray[np.intp], values: NDArray[np.float64], width: int
) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.float64]]:
    """One entry per position, the last one given (a group that does not sum its duplicates)."""
    keys = rows.astype(np.int64) * width + cols
    _, last = np.unique(keys[::-1], return_index=True)
    chosen = keys.size - 1 - last
    return rows[chosen], cols[chosen], values[chosen]


def load_system(paths: str | Path | Iterable[str | Path], *, method: SolverMethod = "auto") -> LCASystem:
    """Read datapackages and build the system bw2calc's static ``LCA`` would build from them together.

    One difference: bw2calc folds every characterization matrix it is given into one; here each datapackage
    holding one is a characterization vector of its own (a method), so several methods are scored together.
    """
    return system_from_packages(read_datapackages(paths), method=method)


def read_datapackages(paths: str | Path | Iterable[str | Path]) -> list[Datapackage]:
    """Read one datapackage or several, in order."""
    return [read_datapackage(p) for p in ([paths] if isinstance(paths, str | Path) else paths)]


def system_from_packages(packages: Sequence[Datapackage], *, method: SolverMethod = "auto") -> LCASystem:
    """The system of ``load_system`` from datapackages already read."""
    global_indices = {
        g.global_index for p in packages for g in p.groups[CHARACTERIZATION] if g.global_index is not None
    }
    if len(global_indices) > 1:
        raise DataFormatError(
            f"characterization datapackages disagree on the global location's index ({sorted(global_indices)}); "
            "site-generic scores need one value for GLO, as in bw2calc"
        )
    tech = [g for p in packages for g in p.groups[TECHNOSPHERE]]
    bio = [g for p in packages for g in p.groups[BIOSPHERE]]
    if not tech:
        raise DataFormatError(
            f"{', '.join(p.source for p in packages) or 'no datapackage'}: no technosphere_matrix vector "
            "resources; give the datapackage of the inventory database"
        )
    products = IdIndex(np.concatenate([g.rows for g in tech]), "product")
    activities = IdIndex(np.concatenate([g.cols for g in tech]), "activity")
    flows = IdIndex(np.concatenate([g.rows for g in bio]) if bio else np.zeros(0, np.int64), "flow")
    characterizations = []
    for name, groups in characterization_groups(packages):
        factors = combine(groups, flows, None).diagonal()
        present = np.flatnonzero(factors)
        characterizations.append(Characterization(name, flows.ids[present], factors[present]))
    return LCASystem.from_matrices(
        combine(tech, products, activities),
        combine(bio, flows, activities),
        products,
        activities,
        flows,
        characterizations,
        method=method,
    )


def characterization_groups(packages: Sequence[Datapackage]) -> list[tuple[str, list[Group]]]:
    """Each characterization vector's name and groups: one per datapackage holding any, named by the package
    (with a prime added to a name already taken)."""
    vectors: list[tuple[str, list[Group]]] = []
    names: set[str] = set()
    for package in packages:
        if package.groups[CHARACTERIZATION]:
            name = package.name
            while name in names:
                name += "'"
            names.add(name)
            vectors.append((name, package.groups[CHARACTERIZATION]))
    return vectors


def write_datapackage(
    path: str | Path,
    name: str,
    *,
    technosphere: tuple[Any, Any, Any] | None = None,
    biosphere: tuple[Any, Any, Any] | None = None,
    characterization: tuple[Any, Any] | None = None,
    distributions: Mapping[str, Distributions] | None = None,
) -> Path:
    """Write a datapackage directory (or .zip when ``path`` ends in .zip) that bw2calc and ``load_system`` read.

    Technosphere values are written as given: negative for inputs, without flip arrays (so an input's lognormal
    distribution is ``negative``). ``characterization`` is (flow ids, factors). ``distributions`` maps
    "technosphere", "biosphere" or "characterization" to one distribution per value of that matrix, written as
    its group's stats_arrays ``distributions`` array.
    """
    unknown = set(distributions or {}) - {"technosphere", "biosphere", "characterization"}
    if unknown:
        raise InvalidArrays(f"distributions for {sorted(unknown)}: give technosphere, biosphere or characterization")
    resources: list[dict[str, Any]] = []
    files: dict[str, bytes] = {}
    matrices: list[tuple[str, tuple[Any, Any, Any]]] = []
    if technosphere is not None:
        matrices.append((TECHNOSPHERE, technosphere))
    if biosphere is not None:
        matrices.append((BIOSPHERE, biosphere))
    if characterization is not None:
        ids = np.asarray(characterization[0], dtype=np.int64)
        matrices.append((CHARACTERIZATION, (ids, np.zeros_like(ids), characterization[1])))
    for matrix, (rows, cols, values) in matrices:
        group = matrix.removesuffix("_matrix")
        if not len(rows) == len(cols) == len(values):
            raise InvalidArrays(
                f"{matrix}: rows ({len(rows)}), cols ({len(cols)}) and values ({len(values)}) differ in length"
            )
        indices = np.zeros(len(rows), dtype=[("row", "<i8"), ("col", "<i8")])
        indices["row"], indices["col"] = rows, cols
        arrays: list[tuple[str, NDArray[Any]]] = [("indices", indices), ("data", np.asarray(values, dtype=np.float64))]
        if distributions and group in distributions:
            if len(distributions[group]) != len(rows):
                raise InvalidArrays(f"{matrix}: {len(distributions[group])} distributions for {len(rows)} values")
            arrays.append(("distributions", distributions[group].to_stats_arrays()))
        for kind, array in arrays:
            buffer = io.BytesIO()
            np.save(buffer, array, allow_pickle=False)
            files[f"{group}.{kind}.npy"] = buffer.getvalue()
            resources.append(
                {
                    "profile": "data-resource",
                    "format": "npy",
                    "mediatype": "application/octet-stream",
                    "name": f"{group}.{kind}",
                    "matrix": matrix,
                    "kind": kind,
                    "path": f"{group}.{kind}.npy",
                    "group": group,
                    "category": "vector",
                    "nrows": len(rows),
                }
            )
    metadata = {
        "profile": "data-package",
        "name": name,
        "resources": resources,
        "combinatorial": False,
        "sequential": False,
        "seed": None,
        "64_bit_indices": True,
        "sum_intra_duplicates": True,
        "sum_inter_duplicates": False,
        "matrix_serialize_format_type": "numpy",
    }
    files["datapackage.json"] = json.dumps(metadata, indent=2).encode()
    target = Path(path)
    if target.suffix == ".zip":
        target.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for file_name, content in files.items():
                archive.writestr(file_name, content)
    else:
        target.mkdir(parents=True, exist_ok=True)
        for file_name, content in files.items():
            (target / file_name).write_bytes(content)
    return target
