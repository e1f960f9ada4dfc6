"""Sustained ingestion of behaviour events through the HTTP API, as partners send them, on SQLite and PostgreSQL.

    python benchmarks/ledger.py [--events 1000000] [--people 100000] [--batch 1000] [--clients 2] [--workers 2]
                                [--backend sqlite|postgresql|both] [--postgresql-url URL]

Starts ``lowcarbon serve --workers N`` on a fresh database (SQLite in a temporary directory; PostgreSQL in a new
schema of the server at ``--postgresql-url``, dropped afterwards), registers a partner with ``lowcarbon admin
create-partner``, then streams signed batches of ``--batch`` events from ``--clients`` threads (every rule applied:
signature, replay window, idempotency, methodologies, caps, anti-fraud, the double-entry ledger). Prints events per
second over the whole run and the median (p50) and p99 batch latency, then checks that the ledger reconciles. The
events: ``--people`` riders, metro and bus trips, shared bicycles, walking and food orders over the last three
days, each event once (the benchmark measures new events; a retried batch is cheaper).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.client import HTTPConnection
from pathlib import Path
from queue import Empty, Queue
from typing import Any
from urllib.request import urlopen

import sqlalchemy as sa

from lowcarbon.inclusive.partners import signature

BEHAVIOURS = (
    ("metro_trip", lambda r: {"distance_km": round(r.uniform(2, 30), 2), "duration_min": round(r.uniform(10, 60))}),
    ("bus_trip", lambda r: {"distance_km": round(r.uniform(1, 15), 2), "duration_min": round(r.uniform(10, 50))}),
    ("shared_bicycle", lambda r: {"distance_km": round(r.uniform(0.5, 8), 2), "duration_min": round(r.uniform(5, 40))}),
    ("walking", lambda r: {"distance_km": round(r.uniform(0.5, 5), 2), "duration_min": round(r.uniform(10, 60))}),
    ("food_order_no_cutlery", lambda r: {}),
)
TARGETS = {"sqlite": 20_000, "postgresql": 25_000}  # events/s, issue 15 (and a p99 batch latency under 100 ms)


def lowcarbon() -> list[str]:
    script = Path(sys.executable).with_name("lowcarbon")
    return [str(script)] if script.is_file() else [sys.executable, "-c", "from lowcarbon.cli import run; run()"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def database(backend: str, postgresql_url: str) -> Iterator[tuple[Path, str]]:
    """A data directory and a database URL, new and empty."""
    with tempfile.TemporaryDirectory(prefix="lowcarbon-ledger-") as folder:
        data_dir = Path(folder)
        if backend == "sqlite":
            yield data_dir, f"sqlite:///{data_dir / 'lowcarbon.db'}"
            return
        name = f"lowcarbon_bench_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(postgresql_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{name}"')
        try:
            url = sa.make_url(postgresql_url).update_query_dict({"options": f"-csearch_path={name}"})
            yield data_dir, url.render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP SCHEMA "{name}" CASCADE')
            admin.dispose()


def batches(events: int, people: int, size: int, seed: int = 7) -> list[list[dict[str, object]]]:
    """The events in batches, made before the clock starts."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    made, batch = [], []
    for number in range(events):
        behaviour, quantities = BEHAVIOURS[number % len(BEHAVIOURS)]
        when = now - timedelta(days=1 + rng.random() * 2, minutes=rng.randrange(0, 600))
        batch.append(
            {
                "id": f"e{number}",
                "person": f"p{rng.randrange(people)}",
                "behaviour": behaviour,
                "occurred_at": when.isoformat(),
                "quantities": quantities(rng),
            }
        )
        if len(batch) == size:
            made.append(batch)
            batch = []
    if batch:
        made.append(batch)
    return made


@dataclass
class Streamed:
    """What the clients measured: the run's seconds, each batch's latency, each failed batch's error."""

    seconds: float
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def summary(self, events: int) -> dict[str, Any]:
        """Events per second over the run, the p50 and p99 batch latency (ms), the failed batches."""
        latencies = sorted(self.latencies)
        return {
            "events_per_second": events / self.seconds,
            "p50_ms": statistics.median(latencies) * 1000,
            "p99_ms": latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))] * 1000,
            "seconds": self.seconds,
            "failed_batches": float(len(self.failures)),
            "first_failure": self.failures[0] if self.failures else "",
        }


@contextmanager
def serving(command: list[str], environment: dict[str, str], port: int, cwd: Path | None = None) -> Iterator[None]:
    """The server ``command`` running, answering ``/healthz`` on ``port``; stopped afterwards."""
    server = subprocess.Popen(command, env=environment, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                with urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as health:
                    if health.status == 200:
                        break
            except OSError:
                time.sleep(0.1)
        yield
    finally:
        server.terminate()
        server.wait(timeout=30)


def stream(port: int, path: str, bodies: list[bytes], partner: dict[str, Any], clients: int) -> Streamed:
    """Send every body, signed as ``partner``, from ``clients`` threads; a batch that fails to arrive is sent again."""
    work: Queue[bytes] = Queue()
    for body in bodies:
        work.put(body)
    streamed = Streamed(0.0)

    def client() -> None:
        # a connection per batch, as partners' retrying senders open them: the kernel spreads them over the
        # server's processes (kept alive, each would stay with the process that took it first); the
        # standard library's client, whose CPU on this machine is a small part of the server's
        while True:
            try:
                body = work.get_nowait()
            except Empty:
                return
            stamp = str(int(time.time()))
            headers = {
                "X-Partner-Id": str(partner["id"]),
                "X-Timestamp": stamp,
                "X-Signature": signature(partner["secret"], stamp, body),
                "Content-Type": "application/json",
            }
            started = time.perf_counter()
            http = HTTPConnection("127.0.0.1", port, timeout=60)
            try:
                http.request("POST", path, body=body, headers=headers)
                answer = http.getresponse()
                text = answer.read()
            except OSError as error:  # counted, and the batch sent again, as a partner would
                streamed.failures.append(repr(error))
                work.put(body)
                continue
            finally:
                http.close()
            streamed.latencies.append(time.perf_counter() - started)
            if answer.status != 200:
                streamed.failures.append(f"{answer.status} {text[:200]!r}")

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    streamed.seconds = time.perf_counter() - started
    return streamed


def bodies_of(args: argparse.Namespace) -> list[bytes]:
    """The benchmark's batches as request bodies."""
    return [json.dumps({"events": batch}).encode() for batch in batches(args.events, args.people, args.batch)]


def run(backend: str, args: argparse.Namespace, bodies: list[bytes] | None = None) -> dict[str, Any]:
    """lowcarbon's ingestion of ``bodies`` (the benchmark's batches by default) on a new database of ``backend``."""
    bodies = bodies_of(args) if bodies is None else bodies
    with database(backend, args.postgresql_url) as (data_dir, url):
        environment = {**os.environ, "LOWCARBON_DATA_DIR": str(data_dir), "LOWCARBON_DATABASE_URL": url}
        made = subprocess.run(
            [*lowcarbon(), "admin", "create-partner", "Bench Partner", "--json"],
            env=environment,
            capture_output=True,
            text=True,
            check=True,
        )
        partner = json.loads(made.stdout)
        port = free_port()
        command = [*lowcarbon(), "serve", "--port", str(port), "--workers", str(args.workers)]
        with serving(command, environment, port):
            streamed = stream(port, "/api/inclusive/events", bodies, partner, args.clients)
        reconciled = subprocess.run(
            [*lowcarbon(), "ledger", "reconcile"], env=environment, capture_output=True, text=True
        )
    return {**streamed.summary(args.events), "reconciled": float(reconciled.returncode == 0)}


def arguments(description: str) -> argparse.ArgumentParser:
    """The options both ledger benchmarks take."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="server processes (lowcarbon serve --workers)")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument(
        "--postgresql-url",
        default=os.environ.get("LOWCARBON_TEST_POSTGRESQL_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
    )
    return parser


def backends(args: argparse.Namespace) -> tuple[str, ...]:
    """The backends asked for."""
    return ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)


def describe(args: argparse.Namespace) -> str:
    """The run's first line: its input, clients, processes and the machine's load."""
    return (
        f"{args.events:,} events from {args.people:,} people in batches of {args.batch}, {args.clients} clients,"
        f" {args.workers} server processes; load average {os.getloadavg()[0]:.2f}"
    )


def measured(found: dict[str, Any]) -> str:
    """A run's figures on one line."""
    return (
        f"{found['events_per_second']:>9,.0f} events/s  p50 {found['p50_ms']:6.1f} ms  p99 {found['p99_ms']:6.1f} ms  "
        f"{found['seconds']:6.1f} s  failed batches {found['failed_batches']:.0f}"
    )


def main() -> None:
    args = arguments(__doc__.split("\n\n")[0]).parse_args()
    print(describe(args))
    for backend in backends(args):
        found = run(backend, args)
        print(
            f"{backend:<10} {measured(found)}  ledger {'reconciles' if found['reconciled'] else 'DOES NOT reconcile'}"
            f"  (targets: {TARGETS[backend]:,} events/s, p99 100 ms)"
        )
        if found["first_failure"]:
            print(f"           first failed batch: {found['first_failure']}")


if __name__ == "__main__":
    main()
