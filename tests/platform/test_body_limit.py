"""The bound on request bodies: over real HTTP on loopback, a chunked body past the limit is 413 payload_too_large in
the one error shape wherever it is read (a route, the CSRF check, FastAPI's body parsing, a page), a declared length
past it is refused before the body is read, and the server carries on; in process, what the middleware lets by."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import httpx2
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from pydantic import BaseModel
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lowcarbon.platform.app import create_app
from lowcarbon.platform.body_limit import BodyLimit
from lowcarbon.platform.forms import MAX_MULTIPART
from lowcarbon.platform.http_errors import install_error_handlers
from lowcarbon.platform.settings import Settings
from support.auth_support import EMAIL, PASSWORD, seed
from support.platform_servers import serving

MIB = 1024 * 1024
BOUNDARY = "lowcarbon-test-boundary"
SENT = 40 * MIB  # the factor file of the report: well past the limit


class _Tally:
    """Outside the app: how many body bytes the app (the body limit first) took from the server, per request."""

    def __init__(self, app: ASGIApp, taken: list[int]) -> None:
        self.app, self.taken = app, taken

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        index = len(self.taken)
        self.taken.append(0)

        async def tallied() -> Message:
            message = await receive()
            self.taken[index] += len(message.get("body", b""))
            return message

        await self.app(scope, tallied, send)


def _multipart(size: int) -> Iterator[bytes]:
    """A multipart form with a model file and a ``size``-byte factor file, as chunks."""
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="model.yaml"\r\n\r\nstages: []\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="factor_file"; filename="f.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()
    yield head
    yield from _filler(size)
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


def _filler(size: int) -> Iterator[bytes]:
    chunk = b"x" * MIB
    for _ in range(size // MIB):
        yield chunk


def _refused(response: httpx2.Response) -> None:
    assert response.status_code == 413, response.text[:300]
    assert response.json() == {
        "error": {
            "code": "payload_too_large",
            "message": f"the body has more than {MAX_MULTIPART:,} bytes; a request body has at most {MAX_MULTIPART:,} "
            "bytes",
        }
    }


def _log_in(web: httpx2.Client) -> str:
    response = web.post("/auth/login", json={"email": EMAIL, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return str(response.json()["csrf_token"])


def test_chunked_bodies_past_the_limit_are_413_wherever_they_are_read(migrated: Settings) -> None:
    """A 40 MiB factor file sent chunked (no Content-Length) to the studies API with a bearer token, the same
    with the session cookie and no CSRF header (the CSRF check reads the form first), a chunked JSON body to a
    route with a body parameter, and a chunked upload to a page: each is 413 payload_too_large, the app takes no
    more than the limit of the body (the server reads the rest and drops it, so the client gets the answer and the
    connection stays usable), nothing is stored, and the server answers the next requests as usual."""
    seeded = seed(migrated, scopes="studies:read studies:write")
    app, taken = create_app(migrated), list[int]()
    app.add_middleware(_Tally, taken=taken)
    with serving(app) as base, httpx2.Client(base_url=base, trust_env=False, timeout=60) as web:
        token = _log_in(web)
        product = web.post("/api/products", json={"name": "PV module"}, headers={"X-CSRF-Token": token})
        assert product.status_code == 201, product.text
        studies = f"/api/products/{product.json()['id']}/studies"
        issued = httpx2.post(
            f"{base}/auth/token",
            data={"grant_type": "client_credentials"},
            auth=(seeded.client_id, seeded.client_secret),
            trust_env=False,
        )
        bearer = {"Authorization": f"Bearer {issued.json()['access_token']}"}
        form = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}

        def chunked(path: str, headers: dict[str, str], client: httpx2.Client = web) -> httpx2.Response:
            return client.post(path, content=_multipart(SENT), headers=headers)

        with httpx2.Client(base_url=base, trust_env=False, timeout=60) as machine:
            _refused(chunked(studies, form | bearer, machine))
        _refused(chunked(studies, form))  # the session cookie, no CSRF header: check_csrf reads the form
        big_json = iter([b'{"name": "', *_filler(20 * MIB), b'"}'])
        _refused(web.post("/api/products", content=big_json, headers={"Content-Type": "application/json"} | bearer))
        page = chunked(f"/products/{product.json()['id']}/studies", form)
        assert page.status_code == 413 and "payload_too_large" in page.text, page.text[:300]
        assert web.get("/healthz").status_code == 200
        assert web.get(studies, headers=bearer).json()["items"] == []
        again = web.post("/api/products", json={"name": "Inverter"}, headers={"X-CSRF-Token": token})
        assert again.status_code == 201, again.text
    assert max(taken) <= MAX_MULTIPART + MIB, taken  # the limit, and at most the one message that passed it


def test_a_declared_length_past_the_limit_is_refused_before_the_body(migrated: Settings) -> None:
    """Content-Length: 40 MiB, and no byte of body sent: the 413 comes at once, in the one error shape."""
    with serving(create_app(migrated)) as base:
        host, port = base.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as connection:
            connection.sendall(
                f"POST /api/products/1/studies HTTP/1.1\r\nHost: {host}\r\nContent-Type: multipart/form-data; "
                f"boundary={BOUNDARY}\r\nContent-Length: {SENT}\r\n\r\n".encode()
            )
            answer = b""
            while b"}}" not in answer and (chunk := connection.recv(65536)):
                answer += chunk
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 413 "), head
        assert body.startswith(b'{"error":{"code":"payload_too_large","message":"the body has 41,943,040 bytes;')
        assert httpx2.get(f"{base}/healthz", trust_env=False).status_code == 200


class _Name(BaseModel):
    name: str


def _small_app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/raw")
    async def raw(request: Request) -> dict[str, int]:
        return {"size": len(await request.body())}

    @app.post("/parsed")
    def parsed(body: _Name) -> dict[str, str]:
        return {"name": body.name}

    @app.post("/swallowed")
    async def swallowed(request: Request) -> dict[str, Any]:
        try:
            await request.body()
        except Exception:
            raise RuntimeError("the reader failed in its own way") from None
        return {}

    app.add_middleware(BodyLimit, max_bytes=16)
    return app


def test_bodies_up_to_the_limit_pass_and_longer_ones_are_413_whoever_reads_them() -> None:
    """16 bytes pass untouched, chunked or not; 17 sent chunked are 413 whether the route reads the body, FastAPI
    parses it (which would answer 400) or the route turns the error into a crash (which would be 500); 17 declared
    are 413 before the route runs."""
    json = {"Content-Type": "application/json"}
    with TestClient(_small_app(), raise_server_exceptions=False) as client:
        assert client.post("/raw", content=b"x" * 16).json() == {"size": 16}
        assert client.post("/raw", content=iter([b"x" * 8, b"x" * 8])).json() == {"size": 16}
        assert client.post("/parsed", content=iter([b'{"name":', b'"abcde"}']), headers=json).json() == {
            "name": "abcde"
        }
        for path, body in (("/raw", b"x" * 17), ("/parsed", b'{"name": "abcdefgh"}'), ("/swallowed", b"x" * 17)):
            response = client.post(path, content=iter([body[:10], body[10:]]), headers=json)
            assert response.status_code == 413, (path, response.text)
            assert response.json()["error"]["code"] == "payload_too_large"
            assert "more than 16 bytes" in response.json()["error"]["message"]
        declared = client.post("/swallowed", content=b"x" * 17)
        assert declared.json()["error"]["message"] == "the body has 17 bytes; a request body has at most 16 bytes"
