"""schemathesis over the whole HTTP API, long: at least ``--cases`` generated requests, on SQLite and PostgreSQL,
logged in by bearer token and by session cookie, every check on.

    python benchmarks/fuzz_api.py [--cases 10000] [--max-examples 100] [--seed 20261128] [--databases sqlite postgresql]

The suite's short run (tests/platform/test_fuzz.py) made long: the same app, callers and checks
(tests/support/fuzz_support.py), with ``--max-examples`` cases per operation and generation mode. It runs each
database with each way of logging in, then again with the next seed, until ``--cases`` requests have been made in
all, each run on a new database (PostgreSQL: a new schema on ``LOWCARBON_TEST_POSTGRESQL_URL``, by default the test
server on 127.0.0.1:5432). It prints each run, then the cases, the failures by check (of the responses each check
looked at, with an example of each failure) and the time in all; it exits 1 when anything failed.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))
from lowcarbon.platform.migrate import upgrade
from lowcarbon.platform.settings import Settings
from support.backends import postgresql_schema
from support.fuzz_support import AUTHS, SEED, FuzzRun, fuzz, fuzzed_app

DATABASES = ("sqlite", "postgresql")


@contextmanager
def database(kind: str) -> Iterator[Settings]:
    """Settings of a new, migrated database of ``kind``, dropped afterwards."""
    with tempfile.TemporaryDirectory() as folder:
        if kind == "sqlite":
            settings = Settings(data_dir=Path(folder))
            upgrade(settings)
            yield settings
        else:
            with postgresql_schema() as url:
                settings = Settings(data_dir=Path(folder), database_url=url)
                upgrade(settings)
                yield settings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000, help="requests to make in all, at least")
    parser.add_argument("--max-examples", type=int, default=100, help="cases per operation and generation mode")
    parser.add_argument("--seed", type=int, default=SEED, help="the first run's seed; each pass takes the next")
    parser.add_argument("--databases", nargs="+", choices=DATABASES, default=list(DATABASES))
    parser.add_argument("--seconds", type=float, default=600.0, help="at most this long per run")
    options = parser.parse_args()

    total, start = FuzzRun(), time.monotonic()
    for seed in itertools.count(options.seed):
        for kind, auth in itertools.product(options.databases, AUTHS):
            skip = ("/auth/logout",) if auth == "cookie" else ()
            with database(kind) as settings, fuzzed_app(settings, auth) as (app, caller):
                run = fuzz(
                    app, caller, max_examples=options.max_examples, seconds=options.seconds, seed=seed, skip=skip
                )
            summary = run.report() if run.failures else run.report().splitlines()[0]
            print(f"{kind:10} {auth:6} seed {seed}: {summary}", flush=True)
            total.cases += run.cases
            total.checked.update(run.checked)
            total.failures.update(run.failures)
            total.examples.update(run.examples)
        if total.cases >= options.cases:
            break
    total.seconds = time.monotonic() - start
    print(f"\nIn all: {total.report()}")
    return 1 if total.failures else 0


if __name__ == "__main__":
    sys.exit(main())
