"""The service over real HTTP on loopback: ``serve`` answers /healthz, and a database that is down is reported."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx2
import pytest
from typer.testing import CliRunner

from lowcarbon import __version__
from lowcarbon.platform.app import create_app
from lowcarbon.platform.cli import app as platform_cli
from lowcarbon.platform.migrate import current_revision, head_revision
from lowcarbon.platform.settings import Settings
from support.platform_servers import free_port, serving, wait_until_answering


def _get(url: str) -> httpx2.Response:
    return httpx2.get(url, timeout=10.0, trust_env=False)


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_answers_healthz(settings: Settings, workers: int) -> None:
    """`serve` migrates the database, listens on the given loopback port, reports ok, and stops on SIGTERM; with
    ``--workers 2``, two processes answer on the port."""
    port = free_port()
    environment = {**os.environ, "LOWCARBON_DATABASE_URL": settings.database_url}
    command = [sys.executable, "-m", "lowcarbon.platform", "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", str(workers)]
    process = subprocess.Popen(
        [*command, "--data-dir", str(settings.data_dir)],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_answering(f"{base}/healthz", alive=lambda: process.poll() is None)
        response = _get(f"{base}/healthz")
        assert response.status_code == 200
        assert response.json() == {
            "status": "ok",
            "service": "lowcarbon",
            "version": __version__,
            "database": {"state": "ok"},
        }
        missing = _get(f"{base}/no/such/page")
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
        assert current_revision(settings) == head_revision()
        if workers > 1:
            children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
            assert len(children) >= workers
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert process.returncode in (0, -signal.SIGTERM), output  # uvicorn re-raises the signal once it has shut down
    assert f"on http://127.0.0.1:{port}" in output and "Application shutdown complete" in output


def test_serve_refuses_workers_with_the_pact_port(settings: Settings) -> None:
    result = CliRunner().invoke(
        platform_cli,
        ["serve", "--workers", "2", "--pact-port", str(free_port()), "--data-dir", str(settings.data_dir)],
        env={"LOWCARBON_DATABASE_URL": settings.database_url},
    )
    assert result.exit_code == 1
    assert "--workers serves the plain port only" in result.output


def _unreachable(backend: str, tmp_path: Path) -> Settings:
    if backend == "sqlite":
        blocker = tmp_path / "a-file"
        blocker.write_text("")
        return Settings(data_dir=tmp_path, database_url=f"sqlite:///{blocker}/lowcarbon.db")
    return Settings(data_dir=tmp_path, database_url=f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/test")


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_healthz_reports_unreachable_database(backend: str, tmp_path: Path) -> None:
    """With a database that cannot be reached, /healthz answers 503 with the database's error in a stable shape."""
    with serving(create_app(_unreachable(backend, tmp_path))) as base:
        response = _get(f"{base}/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable" and body["version"] == __version__
    assert body["database"]["state"] == "unreachable"
    assert body["database"]["error"]["code"] == "database_unreachable"
    expected = "OperationalError: unable to open database file" if backend == "sqlite" else "OperationalError: "
    assert body["database"]["error"]["message"].startswith(expected)
    assert set(body) == {"status", "service", "version", "database"}


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_serve_refuses_to_start_without_its_database(backend: str, tmp_path: Path) -> None:
    """`serve` with an unreachable database prints one error line and exits 1 instead of serving."""
    settings = _unreachable(backend, tmp_path)
    result = CliRunner().invoke(platform_cli, ["serve"], env={"LOWCARBON_DATABASE_URL": settings.database_url})
    assert result.exit_code == 1
    assert result.output.startswith("error: cannot migrate the database: OperationalError: ")
    assert result.output.count("\n") == 1
