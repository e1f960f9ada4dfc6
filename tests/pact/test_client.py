"""The PACT client against our own host over real HTTPS on 127.0.0.1 (self-signed certificate): discovery, token,
every page of a long list, one footprint, the errors; and, through httpx's MockTransport, what a bad host answers."""

from __future__ import annotations

import socket
import ssl
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx2
import pytest
import uvicorn

from lowcarbon.errors import DataFormatError, NotFound, PermissionDenied
from lowcarbon.pact import service
from lowcarbon.pact.cli import grant_access
from lowcarbon.pact.client import HostError, PactClient
from lowcarbon.pact.model import ProductFootprint
from lowcarbon.pact.settings import PactSettings
from lowcarbon.platform import accounts, tls
from lowcarbon.platform.app import create_app
from lowcarbon.platform.audit import AuditTrail
from lowcarbon.platform.database import create_engine, session_factory
from lowcarbon.platform.migrate import upgrade
from lowcarbon.platform.settings import Settings
from support.pact_documents import document

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
COUNT, PAGE = 25, 4  # 7 pages


def _publish(settings: Settings) -> tuple[list[str], tuple[str, str]]:
    engine = create_engine(settings)
    try:
        with session_factory(engine, write=True).begin() as session:
            audit = AuditTrail(session, "test")
            owner = accounts.create_organisation(session, name="Sunrise PV Co.", kind="manufacturer", actor="test")
            client = grant_access(session, organisation_id=owner.id, customer="buyer", actor="test", now=NOW)
            ids = [str(uuid.UUID(int=number + 1)) for number in range(COUNT)]
            for number, pf_id in enumerate(ids):
                footprint = document(id=pf_id, productIds=[f"urn:gtin:{number:014d}"])
                service.publish(
                    session,
                    audit,
                    organisation_id=owner.id,
                    footprint=ProductFootprint.model_validate(footprint),
                    now=NOW,
                )
    finally:
        engine.dispose()
    return ids, (client.client_id, client.secret)


@pytest.fixture(scope="module")
def https_host(
    tmp_path_factory: pytest.TempPathFactory, databases: Callable[..., Settings]
) -> Iterator[tuple[str, Path, list[str], tuple[str, str]]]:
    """Our host over TLS on a loopback port, in a thread, on each backend: (base URL, its certificate, footprint ids,
    credentials)."""
    root = tmp_path_factory.mktemp("pact-host")
    settings = databases(root / "data")
    upgrade(settings)
    ids, credentials = _publish(settings)
    cert_file, key_file = tls.self_signed_pair(root / "tls")
    app = create_app(settings)
    app.state.pact_settings = PactSettings(page_size=PAGE)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", ssl_certfile=str(cert_file), ssl_keyfile=str(key_file))
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    base = f"https://127.0.0.1:{port}"
    try:
        _wait(f"{base}/healthz", cert_file, thread)
        yield base, cert_file, ids, credentials
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def _wait(url: str, cert_file: Path, thread: threading.Thread) -> None:
    """Until the TLS server answers (wait_until_answering speaks no TLS to a self-signed host)."""
    trusted = ssl.create_default_context(cafile=cert_file)
    for _ in range(600):
        assert thread.is_alive(), "the server stopped"
        try:
            httpx2.get(url, verify=trusted, timeout=1.0, trust_env=False)
            return
        except httpx2.TransportError:
            time.sleep(0.05)
    raise AssertionError(f"{url} did not answer")


def _client(host: tuple[str, Path, list[str], tuple[str, str]], secret: str | None = None) -> PactClient:
    base, cert_file, _, (client_id, client_secret) = host
    http = httpx2.Client(verify=ssl.create_default_context(cafile=cert_file), trust_env=False, timeout=10.0)
    return PactClient(base, client_id, secret or client_secret, http=http)


def test_pages_through_every_footprint(https_host: Any) -> None:
    base, _, ids, _ = https_host
    with _client(https_host) as client:
        assert client.token_endpoint() == f"{base}/auth/token"
        footprints = list(client.footprints())
        assert [footprint.id for footprint in footprints] == ids
        assert {footprint.status for footprint in footprints} == {"Active"}
        (found,) = client.footprints({"productId": "urn:gtin:00000000000003"})
        assert found.id == ids[3]
        assert client.footprint(ids[0]).id == ids[0]
        with pytest.raises(NotFound):
            client.footprint(str(uuid.uuid4()))


def test_refused_credentials(https_host: Any) -> None:
    with _client(https_host, secret="wrong-secret") as client, pytest.raises(PermissionDenied):
        client.authenticate()


def test_a_limit_on_footprints(https_host: Any) -> None:
    with _client(https_host) as client:
        client.max_footprints = 5
        with pytest.raises(DataFormatError, match="more than 5"):
            list(client.footprints())


def _mock(handler: Any) -> PactClient:
    return PactClient(
        "https://supplier.example", "id", "secret", http=httpx2.Client(transport=httpx2.MockTransport(handler))
    )


def _answers(request: httpx2.Request, page: dict[str, Any], headers: dict[str, str] | None = None) -> httpx2.Response:
    if request.url.path == "/.well-known/openid-configuration":
        return httpx2.Response(200, json={"token_endpoint": "https://supplier.example/auth/token"})
    if request.url.path == "/auth/token":
        assert request.headers["authorization"].startswith("Basic ")
        return httpx2.Response(200, json={"access_token": "t", "token_type": "bearer"})
    return httpx2.Response(200, json=page, headers=headers or {})


def test_a_link_to_another_host_is_not_followed() -> None:
    link = {"Link": '<https://elsewhere.example/3/footprints?offset=1>; rel="next"'}
    client = _mock(lambda request: _answers(request, {"data": []}, link))
    with pytest.raises(HostError, match="not on the host"):
        list(client.footprints())


def test_an_invalid_footprint_is_refused() -> None:
    client = _mock(lambda request: _answers(request, {"data": [{"id": "not a footprint"}]}))
    with pytest.raises(DataFormatError, match="not a valid PACT v3 ProductFootprint"):
        list(client.footprints())


def test_an_expired_token_is_fetched_again() -> None:
    calls: list[str] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        calls.append(request.url.path)
        if request.url.path == "/3/footprints" and calls.count("/3/footprints") == 1:
            return httpx2.Response(401, json={"code": "TokenExpired", "message": "expired"})
        return _answers(request, {"data": []})

    assert list(_mock(handler).footprints()) == []
    assert calls.count("/auth/token") == 2
