"""benchmarks/catalog.py keeps working: its generator, the import, the server and the LIKE baseline at a tiny size.
No timing is asserted (the benchmark measures; a shared machine varies)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).parents[2] / "benchmarks"


@pytest.fixture
def bench(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(BENCHMARKS))


@pytest.mark.usefixtures("bench")
def test_generator_is_deterministic_and_writes_the_import_columns(tmp_path: Path) -> None:
    """The same seed gives the same file; its header has the import's columns and the specifications."""
    from catalog_products import COLUMNS, generate

    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    generate(500, seed=3, as_of=date(2026, 1, 1)).write(first)
    generate(500, seed=3, as_of=date(2026, 1, 1)).write(second)
    assert first.read_bytes() == second.read_bytes()
    with first.open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    assert tuple(rows[0][: len(COLUMNS)]) == COLUMNS and len(rows[0]) > len(COLUMNS)
    assert len(rows) == 501 and len({row[0] for row in rows[1:]}) == 500


@pytest.mark.usefixtures("bench")
def test_queries_translate_to_like(tmp_path: Path) -> None:
    """Every query has its LIKE statements: facet counts with the total, then the first page."""
    from catalog_products import generate
    from catalog_queries import KINDS, like_statements, make_queries

    queries = make_queries(generate(1000, seed=3), 200, seed=3)
    assert {q.kind for q in queries} == set(KINDS)
    for query in queries:
        facets, page = like_statements(query, "sqlite", date(2026, 1, 1))
        assert "GROUP BY category_code" in facets[0] and "LIMIT 21" in page[0]


@pytest.mark.usefixtures("bench")
def test_benchmark_runs_end_to_end_on_sqlite(capsys: pytest.CaptureFixture[str]) -> None:
    """2,000 rows and 20 queries through `lowcarbon catalog import` and `lowcarbon serve`: every request answers."""
    import catalog

    assert catalog.main(["--rows", "2000", "--queries", "20", "--databases", "sqlite"]) == 0
    printed = capsys.readouterr().out
    assert "import: 2,000 rows" in printed and "2000 added, 0 rejected" in printed
    assert "API: 20 queries" in printed and "0 failed" in printed
    assert "LIKE baseline: every query" in printed and "overall" in printed
