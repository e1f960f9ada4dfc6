"""Test servers on loopback: a free port, a bounded wait for a server to answer, uvicorn in a thread, and
``lowcarbon serve`` in a process of its own (whose memory a test can measure)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2
import uvicorn
from fastapi import FastAPI

from lowcarbon.platform.settings import Settings

STARTUP_TIMEOUT = 30.0  # seconds a test server may take to answer


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until_answering(
    url: str, *, alive: Callable[[], bool] | None = None, timeout: float = STARTUP_TIMEOUT
) -> None:
    """Poll ``url`` until it answers at all, for at most ``timeout`` seconds; ``alive()`` False ends the wait early."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if alive is not None and not alive():
            raise AssertionError(f"the server stopped before {url} answered")
        try:
            httpx2.get(url, timeout=1.0, trust_env=False)  # no proxy: loopback only
            return
        except httpx2.TransportError:
            time.sleep(0.05)
    raise AssertionError(f"{url} did not answer within {timeout} s")


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` with uvicorn in a thread on a loopback port taken by the server itself; yields its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(f"{base}/healthz", alive=thread.is_alive)
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@contextmanager
def serving_process(settings: Settings, **environment: str) -> Iterator[tuple[str, int]]:
    """Run ``lowcarbon serve`` for ``settings`` in its own process on a free loopback port (with the further
    ``LOWCARBON_*`` ``environment``); yields its base URL and process id, and stops it afterwards."""
    port = free_port()
    inherited = {name: value for name, value in os.environ.items() if not name.startswith("LOWCARBON_")}
    variables = {
        **inherited,
        "LOWCARBON_DATA_DIR": str(settings.data_dir),
        "LOWCARBON_DATABASE_URL": settings.database_url,
        "LOWCARBON_PORT": str(port),
        **environment,
    }
    executable = shutil.which("lowcarbon", path=str(Path(sys.executable).parent)) or "lowcarbon"
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen([executable, "serve"], env=variables, stdout=subprocess.DEVNULL, stderr=log)
        base = f"http://127.0.0.1:{port}"
        try:
            try:
                wait_until_answering(f"{base}/healthz", alive=lambda: process.poll() is None)
            except AssertionError:
                log.seek(0)
                raise AssertionError(log.read().decode(errors="replace")[-2000:]) from None
            yield base, process.pid
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
