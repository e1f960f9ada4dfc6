"""Work done aside in a forked child: the same results as done here, in order; done here when the child fails;
a child whose results are not read is stopped."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from lowcarbon.catalog.aside import Aside


def squares(parent: int) -> Iterator[tuple[int, int, bool]]:
    for number in range(25_000):  # more than one batch of the child's file
        yield number, number * number, os.getpid() != parent


def test_the_child_makes_the_results_in_order() -> None:
    parent = os.getpid()
    with Aside(lambda: squares(parent)) as aside:
        results = list(aside.results())
    assert [(n, s) for n, s, _ in results] == [(n, n * n) for n in range(25_000)]
    assert all(elsewhere for _, _, elsewhere in results)  # made in the child, not here


def test_without_fork_the_results_are_made_here() -> None:
    parent = os.getpid()
    with Aside(lambda: squares(parent), fork=False) as aside:
        results = list(aside.results())
    assert len(results) == 25_000 and not any(elsewhere for _, _, elsewhere in results)


def test_a_failing_child_leaves_the_work_to_this_process() -> None:
    parent = os.getpid()

    def fails_in_the_child() -> Iterator[int]:
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        yield from range(3)

    with Aside(fails_in_the_child) as aside:
        assert list(aside.results()) == [0, 1, 2]


def test_leaving_early_stops_the_child() -> None:
    def forever() -> Iterator[int]:
        while True:
            yield 1

    with pytest.raises(KeyError), Aside(forever) as aside:
        child = aside._pid
        assert child is not None
        raise KeyError("the caller's own work fails")
    with pytest.raises(ChildProcessError):
        os.waitpid(child, os.WNOHANG)  # stopped and reaped
