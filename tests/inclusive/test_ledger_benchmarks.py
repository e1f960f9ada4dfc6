"""benchmarks/ledger.py and benchmarks/ledger_floor.py keep working: at a tiny size, on both databases, every batch
arrives, the floors store every event and lowcarbon's ledger reconciles. No timing is asserted (the benchmarks
measure; a shared machine varies)."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.backends import BACKENDS, POSTGRESQL_URL

BENCHMARKS = Path(__file__).parents[2] / "benchmarks"


@pytest.fixture
def args(monkeypatch: pytest.MonkeyPatch) -> object:
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    from ledger import arguments

    return arguments("test").parse_args(
        ["--events", "3000", "--people", "300", "--batch", "500", "--postgresql-url", POSTGRESQL_URL]
    )


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_floors_and_lowcarbon_take_the_same_batches(backend: str, args: object) -> None:
    import ledger
    import ledger_floor

    bodies = ledger.bodies_of(args)
    assert len(bodies) == 6
    for level in ledger_floor.LEVELS:
        found = ledger_floor.floor(backend, level, bodies, args)
        assert (found["events"], found["failed_batches"], found["first_failure"]) == (3000, 0, ""), level
        assert found["entries"] == (0 if level == "events" else 3000), level
        assert (found["balances"] > 0) == (level == "ledger"), level
        assert found["events_per_second"] > 0 and found["p99_ms"] >= found["p50_ms"] > 0
    found = ledger.run(backend, args, bodies)
    assert (found["failed_batches"], found["reconciled"]) == (0, 1.0), found["first_failure"]


def test_the_floor_refuses_a_wrong_signature(args: object) -> None:
    """The floor checks the signature as lowcarbon does: a batch signed with another secret is 401 and not stored."""
    import ledger
    import ledger_floor

    bodies = ledger.bodies_of(args)[:1]
    with ledger_floor.floor_database("sqlite", POSTGRESQL_URL) as database:
        with ledger_floor.serving_floor(database, "ledger", 1) as port:
            streamed = ledger.stream(port, "/events", bodies, {"id": 1, "secret": "another"}, 1)
        assert streamed.failures and streamed.failures[0].startswith("401")
        assert ledger_floor._stored(database) == {"events": 0, "entries": 0, "balances": 0}
