"""Map arbitrary integer ids to matrix positions and back."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from lowcarbon.errors import UnknownId


class IdIndex:
    """The sorted, unique integer ids of one matrix axis; position ``k`` holds ``ids[k]``."""

    __slots__ = ("_lookup", "ids", "label")

    def __init__(self, ids: ArrayLike, label: str = "id") -> None:
        array = np.unique(np.asarray(ids, dtype=np.int64))
        array.setflags(write=False)
        self.ids: NDArray[np.int64] = array
        self.label = label
        self._lookup: NDArray[np.intp] | None = None
        # Database ids are usually dense: then a lookup table beats binary search by an order of magnitude.
        if array.size and int(array[-1]) - int(array[0]) <= 16 * array.size + 1024:
            lookup = np.full(int(array[-1]) - int(array[0]) + 1, -1, dtype=np.intp)
            lookup[array - array[0]] = np.arange(array.size)
            self._lookup = lookup

    def __len__(self) -> int:
        return int(self.ids.size)

    def __contains__(self, id_: object) -> bool:
        try:
            value = int(id_)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            return False
        k = int(np.searchsorted(self.ids, value))
        return k < self.ids.size and int(self.ids[k]) == value

    def __repr__(self) -> str:
        return f"IdIndex({self.label}, {len(self)} ids)"

    def find(self, ids: ArrayLike) -> NDArray[np.intp]:
        """Positions of ``ids``, with -1 where an id is absent (or is not a whole number)."""
        given = np.asarray(ids)
        if given.dtype.kind == "f":  # 1.5 is no id; it must not become 1
            whole = np.isfinite(given) & (given == np.round(given))
            found = self.find(np.where(whole, given, 0).astype(np.int64))
            return np.where(whole, found, -1).astype(np.intp)
        values = given.astype(np.int64)
        if self.ids.size == 0:
            return np.full(values.shape, -1, dtype=np.intp)
        if self._lookup is not None:
            offsets = values - self.ids[0]
            inside = (offsets >= 0) & (offsets < self._lookup.size)
            return np.where(inside, self._lookup[np.where(inside, offsets, 0)], -1).astype(np.intp, copy=False)
        positions = np.searchsorted(self.ids, values)
        clipped = np.minimum(positions, self.ids.size - 1)
        return np.where(self.ids[clipped] == values, clipped, -1).astype(np.intp)

    def positions(self, ids: ArrayLike | Iterable[int]) -> NDArray[np.intp]:
        """Positions of ``ids``; raises UnknownId naming the first id that is absent."""
        values = np.asarray(ids if isinstance(ids, np.ndarray) else list(ids), dtype=np.int64)  # type: ignore[arg-type]
        found = self.find(values)
        missing = values[found < 0]
        if missing.size:
            raise UnknownId(
                f"{self.label} {int(missing[0])} is not in this system "
                f"({missing.size} unknown of {values.size}); use one of the {len(self)} {self.label}s "
                "present in the matrix data"
            )
        return found

    def position(self, id_: int) -> int:
        """Position of one id; raises UnknownId if absent."""
        return int(self.positions(np.array([id_]))[0])
