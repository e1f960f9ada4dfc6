"""The green product catalog at a million models: import time, and search latency through the HTTP API on SQLite and
PostgreSQL, beside the same queries written with SQL LIKE.

    python benchmarks/catalog.py [--rows 1000000] [--queries 1000] [--like-queries N] [--seed 7]
                                 [--databases sqlite,postgresql] [--postgresql-url URL] [--out FILE.csv] [--keep]
    python benchmarks/catalog.py --quick          # a smoke run: 20,000 rows, 100 queries

Generates ``--rows`` product models (``catalog_products``: 100 categories, ~2,000 brands, Chinese and English names)
into a CSV, then for each database: times ``lowcarbon catalog import FILE`` as a user runs it (a fresh ``--data-dir``
for SQLite; for PostgreSQL a new database on the server of ``--postgresql-url``, dropped afterwards), starts
``lowcarbon serve`` on a free loopback port, warms it with one request (which reads the search columns into memory),
and sends ``--queries`` searches (``catalog_queries``: text, facets, both, sorted) one after another over one
keep-alive connection, timing each from request to last byte. Then, the server stopped, runs the LIKE baseline
directly against the same database: at a million rows one LIKE search scans the table twice, so only
``--like-queries`` of them (every k-th query, default 100 above 100,000 rows, else all) are run, as the output says.

Prints median, p95 and p99 per kind and overall, beside the LIKE baseline's; then the API's times by what the queries
hold (a brand, a model number, full-width forms, which filters), slowest first, to tell where time goes; the answers
that said ``estimated: true`` and those that found nothing; the targets (p95 under 50 ms; an import of 1,000,000
rows under 2 minutes); and the load average before and after (the machine is shared: say it with the figures).
Exits 1 if the import or any request fails.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx2
import sqlalchemy as sa

from catalog_products import generate
from catalog_queries import KINDS, BenchQuery, like_statements, make_queries

P95_TARGET_MS = 50.0
IMPORT_TARGET_S = 120.0
IMPORT_TARGET_ROWS = 1_000_000
CHINA = timedelta(hours=8)


def lowcarbon() -> list[str]:
    script = Path(sys.executable).with_name("lowcarbon")
    return [str(script)] if script.is_file() else [sys.executable, "-c", "from lowcarbon.cli import run; run()"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


@dataclass
class Timings:
    """Request times in seconds, by kind, with what the answers said."""

    seconds: dict[str, list[float]] = field(default_factory=dict)
    by_shape: dict[str, list[float]] = field(default_factory=dict)
    estimated: int = 0
    empty: int = 0
    failures: list[str] = field(default_factory=list)

    def add(self, query: BenchQuery, seconds: float) -> None:
        self.seconds.setdefault(query.kind, []).append(seconds)
        first = query.shape.split()[0]
        shape = f"sorted, {'text' if 'q' in query.params else 'filters'}" if query.kind == "sorted" else first
        self.by_shape.setdefault(f"{query.kind}: {shape}", []).append(seconds)

    def every(self) -> list[float]:
        return [s for kind in self.seconds.values() for s in kind]


def stats(seconds: Sequence[float]) -> tuple[int, float, float, float, float]:
    """Count, median, p95, p99 and maximum, in milliseconds (nearest rank)."""
    if not seconds:
        return 0, float("nan"), float("nan"), float("nan"), float("nan")
    ordered = sorted(seconds)

    def rank(p: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, round(p * len(ordered)) - 1))] * 1000

    return len(ordered), statistics.median(ordered) * 1000, rank(0.95), rank(0.99), ordered[-1] * 1000


@contextmanager
def database(backend: str, postgresql_url: str, keep: bool) -> Iterator[tuple[Path, str]]:
    """A fresh data directory and database URL (SQLite: a file in the directory; PostgreSQL: a new database)."""
    folder = Path(tempfile.mkdtemp(prefix=f"lowcarbon-catalog-{backend}-"))
    name = f"lowcarbon_catalog_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(postgresql_url, isolation_level="AUTOCOMMIT") if backend == "postgresql" else None
    try:
        if admin is None:
            yield folder, f"sqlite:///{folder / 'lowcarbon.db'}"
        else:
            with admin.connect() as connection:
                connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
            yield folder, sa.make_url(postgresql_url).set(database=name).render_as_string(hide_password=False)
    finally:
        if keep:
            print(f"  kept: data dir {folder}" + (f", database {name}" if admin is not None else ""))
        else:
            subprocess.run(["rm", "-rf", str(folder)], check=False)
            if admin is not None:
                with admin.connect() as connection:
                    connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if admin is not None:
            admin.dispose()


def environment(data_dir: Path, url: str) -> dict[str, str]:
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("LOWCARBON_")}
    variables = {**inherited, "LOWCARBON_DATA_DIR": str(data_dir)}
    if not url.startswith("sqlite"):
        variables["LOWCARBON_DATABASE_URL"] = url
    return variables


def import_csv(csv_path: Path, data_dir: Path, url: str) -> tuple[float, dict[str, object]]:
    """Seconds ``lowcarbon catalog import`` took, and its report."""
    command = [*lowcarbon(), "catalog", "import", str(csv_path), "--data-dir", str(data_dir), "--json"]
    started = time.perf_counter()
    done = subprocess.run(command, env=environment(data_dir, url), capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"import failed ({done.returncode}): {done.stdout[-2000:]} {done.stderr[-2000:]}")
    report: dict[str, object] = json.loads(done.stdout)
    return elapsed, report


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def search_api(data_dir: Path, url: str, queries: Sequence[BenchQuery]) -> tuple[Timings, float, float]:
    """Times of ``queries`` through a fresh ``lowcarbon serve``; and the warm-up request's seconds, the server's RSS."""
    port = free_port()
    command = [*lowcarbon(), "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data_dir)]
    server = subprocess.Popen(
        command, env=environment(data_dir, url), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    timings = Timings()
    try:
        with httpx2.Client(base_url=f"http://127.0.0.1:{port}", timeout=120, trust_env=False) as http:
            for _ in range(600):
                if server.poll() is not None:
                    raise SystemExit(f"lowcarbon serve stopped ({server.returncode})")
                try:
                    http.get("/healthz")
                    break
                except httpx2.TransportError:
                    time.sleep(0.1)
            started = time.perf_counter()
            warm = http.get("/api/catalog/products", params={"limit": 1})
            warm_seconds = time.perf_counter() - started
            if warm.status_code != 200:
                timings.failures.append(f"warm-up: {warm.status_code} {warm.text[:200]}")
            for query in queries:
                started = time.perf_counter()
                answer = http.get("/api/catalog/products", params=query.params)
                body = answer.content
                timings.add(query, time.perf_counter() - started)
                if answer.status_code != 200:
                    timings.failures.append(f"{query.params}: {answer.status_code} {body[:200]!r}")
                    continue
                found = json.loads(body)
                timings.estimated += bool(found.get("estimated"))
                timings.empty += found["total"] == 0
        rss = rss_mib(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return timings, warm_seconds, rss


def search_like(url: str, dialect: str, queries: Sequence[BenchQuery], today: date) -> Timings:
    """Times of ``queries`` written with LIKE, straight against the database."""
    engine = sa.create_engine(url)
    timings = Timings()
    try:
        with engine.connect() as connection:
            for query in queries:
                started = time.perf_counter()
                for sql, bound in like_statements(query, dialect, today):
                    connection.execute(sa.text(sql), bound).all()
                timings.add(query, time.perf_counter() - started)
    finally:
        engine.dispose()
    return timings


def print_table(api: Timings, like: Timings, like_count: int, total: int) -> None:
    subset = "every query" if like_count == total else f"{like_count} of the {total} queries (every k-th)"
    print(f"  {'':<10} {'API':>38}   {'LIKE baseline: ' + subset:>52}")
    print(f"  {'kind':<10} {'n':>5} {'median':>9} {'p95':>9} {'p99':>9}   {'n':>5} {'median':>9} {'p95':>9} {'p99':>9}")
    for kind in (*KINDS, "overall"):
        a = api.every() if kind == "overall" else api.seconds.get(kind, [])
        b = like.every() if kind == "overall" else like.seconds.get(kind, [])
        n, med, p95, p99, _ = stats(a)
        ln, lmed, lp95, lp99, _ = stats(b)
        print(
            f"  {kind:<10} {n:>5} {med:>7.1f}ms {p95:>7.1f}ms {p99:>7.1f}ms   "
            f"{ln:>5} {lmed:>7.0f}ms {lp95:>7.0f}ms {lp99:>7.0f}ms"
        )
    print("  API by what the query holds:")
    for shape, seconds in sorted(api.by_shape.items(), key=lambda item: -stats(item[1])[2]):
        n, med, p95, _, top = stats(seconds)
        print(f"    {shape:<34} {n:>5} median {med:>7.1f} ms  p95 {p95:>7.1f} ms  max {top:>7.1f} ms")


def run(backend: str, csv_path: Path, rows: int, queries: list[BenchQuery], args: argparse.Namespace) -> bool:
    """Import, measure and print for one database; False when something failed."""
    print(f"\n== {backend} ==")
    with database(backend, args.postgresql_url, args.keep) as (data_dir, url):
        seconds, report = import_csv(csv_path, data_dir, url)
        verdict = ("met" if seconds < IMPORT_TARGET_S else "MISSED") if rows >= IMPORT_TARGET_ROWS else "n/a here"
        print(
            f"  import: {rows:,} rows in {seconds:.1f} s = {rows / seconds:,.0f} rows/s, migration included "
            f"({report['added']} added, {report['rejected']} rejected; target {IMPORT_TARGET_S:.0f} s for "
            f"{IMPORT_TARGET_ROWS:,} rows: {verdict})  load {load()}"
        )
        api, warm, rss = search_api(data_dir, url, queries)
        today = (datetime.now(UTC) + CHINA).date()
        step = max(1, len(queries) // args.like_queries) if args.like_queries else len(queries) + 1
        like_queries = queries[::step][: args.like_queries]
        like = search_like(url, backend, like_queries, today)
        n, med, p95, p99, top = stats(api.every())
        print(
            f"  serve: first request (waits for the search columns in memory) {warm:.2f} s; "
            f"server RSS {rss:.0f} MiB after the queries; load {load()}"
        )
        print(
            f"  API: {n} queries, median {med:.1f} ms, p95 {p95:.1f} ms (target {P95_TARGET_MS:.0f}: "
            f"{'met' if p95 < P95_TARGET_MS else 'MISSED'}), p99 {p99:.1f} ms, max {top:.1f} ms; "
            f"{api.estimated} answers estimated, {api.empty} found nothing, {len(api.failures)} failed"
        )
        print_table(api, like, len(like_queries), len(queries))
        for failure in api.failures[:10]:
            print(f"  FAILED {failure}")
        return report["rejected"] == 0 and not api.failures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument(
        "--like-queries", type=int, default=None, help="LIKE queries run (default: all up to 100k rows)"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--databases", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    parser.add_argument(
        "--postgresql-url",
        default=os.environ.get(
            "LOWCARBON_BENCH_POSTGRESQL_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
        help="a server where a database may be created and dropped",
    )
    parser.add_argument("--out", type=Path, help="write the CSV here (default: a temporary file, removed)")
    parser.add_argument("--keep", action="store_true", help="keep the CSV, data directories and databases")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 20,000 rows and 100 queries")
    args = parser.parse_args(argv)
    if args.quick:
        args.rows, args.queries = 20_000, 100
    if args.like_queries is None:
        args.like_queries = args.queries if args.rows <= 100_000 else min(args.queries, 100)
    backends = [b.strip() for b in args.databases.split(",") if b.strip()]
    unknown = set(backends) - {"sqlite", "postgresql"}
    if unknown:
        parser.error(f"unknown database(s): {', '.join(sorted(unknown))}")
    print(f"catalog benchmark: {args.rows:,} rows, {args.queries} queries, seed {args.seed}; load average {load()}")
    started = time.perf_counter()
    generated = generate(args.rows, seed=args.seed)
    queries = make_queries(generated, args.queries, seed=args.seed)
    folder = None if args.out else Path(tempfile.mkdtemp(prefix="lowcarbon-catalog-csv-"))
    csv_path = args.out or folder / "products.csv"  # type: ignore[operator]
    generated.write(csv_path)
    print(
        f"generated {args.rows:,} products ({len(generated.brands):,} brands, {len(generated.categories)} categories) "
        f"into {csv_path} ({csv_path.stat().st_size / 2**20:.0f} MiB) in {time.perf_counter() - started:.1f} s"
    )
    del generated
    ok = True
    try:
        for backend in backends:
            ok = run(backend, csv_path, args.rows, queries, args) and ok
    finally:
        if folder is not None and not args.keep:
            subprocess.run(["rm", "-rf", str(folder)], check=False)
    print(f"\nload average at the end {load()}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
