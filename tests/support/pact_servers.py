"""Support for the PACT tests: our app served over TLS on a loopback port in a thread, and work in a transaction of
a data directory's database."""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import httpx2
import uvicorn
from sqlalchemy.orm import Session

from lowcarbon.platform.app import create_app
from lowcarbon.platform.database import create_engine, session_factory
from lowcarbon.platform.settings import Settings

__all__ = ["in_transaction", "serving_https", "trusting"]

T = TypeVar("T")


@contextmanager
def serving_https(settings: Settings, cert: Path, key: Path) -> Iterator[str]:
    """The app of ``settings`` over TLS (``cert``, ``key``) on 127.0.0.1; yields its base URL once it answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(settings), log_level="warning", ssl_certfile=str(cert), ssl_keyfile=str(key))
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    base = f"https://127.0.0.1:{port}"
    trusted = ssl.create_default_context(cafile=cert)
    try:
        for _ in range(600):
            assert thread.is_alive(), "the server stopped"
            try:
                httpx2.get(f"{base}/healthz", verify=trusted, timeout=1.0, trust_env=False)
                break
            except httpx2.TransportError:
                time.sleep(0.05)
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def in_transaction(settings: Settings, work: Callable[[Session], T]) -> T:
    """``work`` done in one write transaction on the database of ``settings``; what it answers."""
    engine = create_engine(settings)
    try:
        with session_factory(engine, write=True).begin() as session:
            return work(session)
    finally:
        engine.dispose()


def trusting(cert: Path) -> httpx2.Client:
    """An HTTP client that trusts the test hosts' self-signed certificate."""
    return httpx2.Client(verify=ssl.create_default_context(cafile=cert), trust_env=False, timeout=30.0)
