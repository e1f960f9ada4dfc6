"""A crash in the middle of ingestion loses nothing and counts nothing twice, on SQLite and PostgreSQL: ``lowcarbon
serve`` runs in its own process and is killed with SIGKILL at random moments while a partner streams signed batches
and retries each until it is answered; the server is started again each time. Afterwards every event is stored once,
the credits equal the credited events' reductions, and the ledger reconciles."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2
import sqlalchemy as sa

from lowcarbon.inclusive import ledger, partners
from lowcarbon.platform.database import create_engine, session_factory
from lowcarbon.platform.settings import Settings
from support.platform_servers import free_port, wait_until_answering

BATCHES, SIZE, PEOPLE = 24, 100, 300


def _batches() -> list[bytes]:
    rng = random.Random(11)
    start = datetime.now(UTC) - timedelta(days=3)
    made = []
    for b in range(BATCHES):
        events = [
            {
                "id": f"e{b}-{n}",
                "person": f"p{rng.randrange(PEOPLE)}",
                "behaviour": "shared_bicycle",
                "occurred_at": (start + timedelta(minutes=b * SIZE + n)).isoformat(),
                "quantities": {"distance_km": round(rng.uniform(0.5, 5), 2), "duration_min": 20},
            }
            for n in range(SIZE)
        ]
        made.append(json.dumps({"events": events}).encode())
    return made


def _serve(settings: Settings, port: int) -> subprocess.Popen[bytes]:
    """``lowcarbon serve`` on ``port``, answering."""
    variables = {name: value for name, value in os.environ.items() if not name.startswith("LOWCARBON_")}
    variables |= {
        "LOWCARBON_DATA_DIR": str(settings.data_dir),
        "LOWCARBON_DATABASE_URL": settings.database_url,
        "LOWCARBON_PORT": str(port),
    }
    executable = shutil.which("lowcarbon", path=str(Path(sys.executable).parent)) or "lowcarbon"
    process = subprocess.Popen(
        [executable, "serve"], env=variables, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    wait_until_answering(f"http://127.0.0.1:{port}/healthz", alive=lambda: process.poll() is None)
    return process


def _send(base: dict[str, str], partner: partners.NewPartner, body: bytes) -> list[dict[str, Any]]:
    """Send until answered: a refused connection or a dropped one (the server killed) is tried again."""
    while True:
        stamp = str(int(time.time()))
        headers = {
            "X-Partner-Id": str(partner.id),
            "X-Timestamp": stamp,
            "X-Signature": partners.signature(partner.secret, stamp, body),
            "Content-Type": "application/json",
        }
        try:
            answer = httpx2.post(f"{base['url']}/api/inclusive/events", content=body, headers=headers, timeout=10)
        except httpx2.HTTPError:
            time.sleep(0.05)
            continue
        if answer.status_code == 200:
            return list(answer.json()["results"])
        time.sleep(0.05)


def test_killed_server_loses_and_doubles_nothing(migrated: Settings, tmp_path: Path) -> None:
    from lowcarbon.inclusive.pages import register_partner

    engine = create_engine(migrated)
    try:
        with session_factory(engine, write=True).begin() as session:
            partner = register_partner(session, "test", datetime.now(UTC), name="Bikes")
    finally:
        engine.dispose()
    bodies = _batches()
    base: dict[str, str] = {}
    answers: list[list[dict[str, Any]]] = []
    done = threading.Event()

    def client() -> None:
        for body in bodies:
            answers.append(_send(base, partner, body))
        done.set()

    rng = random.Random(5)
    port = free_port()
    base["url"] = f"http://127.0.0.1:{port}"
    sender = threading.Thread(target=client)
    kills = 0
    for round_ in range(7):
        server = _serve(migrated, port)
        if round_ == 0:
            sender.start()
        if round_ == 6:  # the last server lives until the partner is done
            done.wait(timeout=180)
            server.terminate()
            server.wait(timeout=30)
            break
        time.sleep(rng.uniform(0.1, 0.8))
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=30)
        kills += 1
    sender.join(timeout=60)
    assert kills == 6 and len(answers) == BATCHES
    engine = create_engine(migrated)
    try:
        with session_factory(engine)() as session:
            stored = session.execute(sa.text("SELECT count(*), count(DISTINCT event_id) FROM inclusive_events")).one()
            assert tuple(stored) == (BATCHES * SIZE, BATCHES * SIZE)
            credited = session.execute(
                sa.text("SELECT coalesce(sum(reduction_kg), 0) FROM inclusive_events WHERE status = 'credited'")
            ).scalar_one()
            person_kg = session.execute(
                sa.text("SELECT coalesce(sum(kg), 0) FROM inclusive_entries WHERE account LIKE 'person:%'")
            ).scalar_one()
            assert abs(float(credited) - float(person_kg)) < 1e-6
            assert ledger.reconcile(session) == []
    finally:
        engine.dispose()
