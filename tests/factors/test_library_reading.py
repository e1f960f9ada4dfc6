"""The default library reads its shipped sets when first needed, and is then what reading them all at once gives."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from lowcarbon.errors import DataFormatError
from lowcarbon.factors import Factor, FactorLibrary, UnknownFactor, default_library, shipped_sets
from lowcarbon.factors import library as library_module

GAS = "ipcc-2006-stationary-combustion/natural-gas"


def read_at_once() -> FactorLibrary:
    """Every shipped set read at the start, in order: what ``default_library`` was before it read lazily."""
    return FactorLibrary(factor for name in shipped_sets() for factor in library_module._shipped(name))


def keys(library: FactorLibrary) -> list[str]:
    return [factor.key for factor in library]


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The shipped sets read from now on, in order."""
    read: list[str] = []
    real: Callable[[str], tuple[Factor, ...]] = library_module._shipped

    def recording(name: str) -> tuple[Factor, ...]:
        read.append(name)
        return real(name)

    monkeypatch.setattr(library_module, "_shipped", recording)
    return read


def test_a_lookup_by_key_reads_only_its_set(reads: list[str]) -> None:
    """A footprint that links a few factors reads their sets, not the 4,000 factors of all of them."""
    library = default_library()
    assert library.get(GAS).key == GAS
    assert library.get(GAS).key == GAS
    assert reads == ["ipcc-2006-stationary-combustion"]


@pytest.mark.parametrize(
    "first",
    [
        lambda lib: lib.get(GAS),
        lambda lib: lib.get("natural-gas"),  # a bare id: every set, to know whether it is unambiguous
        lambda lib: lib.search("natural gas"),
        lambda lib: len(lib),
        lambda lib: lib.factor_sets,
    ],
)
def test_the_library_is_the_same_whatever_is_asked_first(first: Callable[[FactorLibrary], object]) -> None:
    """Same factors in the same order, same sets, same answers, whichever question reads the sets."""
    library, expected = default_library(), read_at_once()
    first(library)
    assert keys(library) == keys(expected)
    assert library.factor_sets == expected.factor_sets
    assert library.get("natural-gas") == expected.get("natural-gas")
    assert library.search("electricity", geography="CN", limit=None) == expected.search(
        "electricity", geography="CN", limit=None
    )


def test_added_factors_replace_shipped_ones_and_keep_their_place() -> None:
    """A factor added with a shipped key replaces it where it stands, before or after its set is read."""
    mine = replace(read_at_once().get(GAS), name="my natural gas")
    library, expected = default_library(), read_at_once()
    library.add([mine])
    expected.add([mine])
    assert library.get(GAS).name == "my natural gas"
    assert keys(library) == keys(expected)


def test_an_unknown_key_and_a_shipped_set_name_are_refused_as_before() -> None:
    """An unknown key names the search command; a file may not take a shipped set's name."""
    library = default_library()
    with pytest.raises(UnknownFactor, match="lowcarbon factors search"):
        library.get("uk-desnz-2025/no-such-factor")
    with pytest.raises(DataFormatError, match="already in the library"):
        library.import_bytes("uk-desnz-2025.csv", b"id,name\n", "uk-desnz-2025")
