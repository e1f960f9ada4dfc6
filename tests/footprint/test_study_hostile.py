"""The contract on hostile input over HTTP, on both databases: the hostile model files as a study's model (JSON body
and multipart upload) and as a factor file answer 4xx within 10 s each, the server's peak memory growing by less
than 300 MB over them all; a product named with a control character is 422; deep JSON to /auth/login is 400 or 422.

The server runs as ``lowcarbon serve`` in a process of its own, so that its memory is its own (``VmHWM``).
"""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from contextlib import ExitStack

import httpx2
import pytest

from lowcarbon.platform.migrate import upgrade
from lowcarbon.platform.settings import Settings
from support.backends import BACKENDS, postgresql_schema
from support.hostile import CORPUS, FACTOR_CORPUS, deep_json, peak_rss_mb
from support.platform_servers import serving_process
from support.study_support import seed_client, seed_organisation

SECONDS, MEGABYTES = 10, 300
VALID = (
    "product: {name: Widget}\ndeclared_unit: {amount: 1, unit: kg}\nboundary: cradle-to-gate\n"
    "stages:\n  - name: production\n    activities:\n"
    "      - {name: power, amount: 1, unit: kWh, factor: cn-grid-electricity/cn-national-2023}\n"
)


@pytest.fixture(scope="module", params=BACKENDS)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[httpx2.Client, int, int]]:
    """A served platform on each backend, with an organisation's machine client signed in: the client, the server's
    pid and a product's id, after one valid study has warmed the server up. One per module: a start takes seconds."""
    with ExitStack() as stack:
        data_dir = tmp_path_factory.mktemp("hostile") / "data"
        url = stack.enter_context(postgresql_schema()) if request.param == "postgresql" else ""
        settings = Settings(data_dir=data_dir, database_url=url)
        upgrade(settings)
        organisation = seed_organisation(settings, "Hostile Test")
        credentials = seed_client(settings, organisation.id, "studies:read studies:write")
        yield from _signed_in(settings, credentials)


def _signed_in(settings: Settings, credentials: tuple[str, str]) -> Iterator[tuple[httpx2.Client, int, int]]:
    with (
        serving_process(settings, LOWCARBON_JOB_RUNNER="inline") as (base, pid),
        httpx2.Client(base_url=base, timeout=60, trust_env=False) as client,
    ):
        token = client.post("/auth/token", data={"grant_type": "client_credentials"}, auth=credentials)
        client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        product = client.post("/api/products", json={"name": "Widget"}).json()["id"]
        warm = client.post(f"/api/products/{product}/studies", json={"model": VALID, "format": "yaml"})
        assert warm.status_code == 202, warm.text
        yield client, pid, product


def _refused(response: httpx2.Response, started: float) -> None:
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:500])
    assert response.json()["error"]["code"], response.text[:500]
    assert len(response.content) < 100_000
    assert time.monotonic() - started < SECONDS


def _sent(file_name: str, content: bytes) -> tuple[str, str]:
    """The model's text (or base64) and format as a JSON body carries it."""
    model_format = file_name.rsplit(".", 1)[1]
    if model_format == "xlsx":
        return base64.b64encode(content).decode("ascii"), "xlsx"
    return content.decode("utf-8"), model_format


def test_hostile_files_cost_a_4xx_and_bounded_memory(server: tuple[httpx2.Client, int, int]) -> None:
    client, pid, product = server
    studies = f"/api/products/{product}/studies"
    before = peak_rss_mb(pid)
    for file_name, make in CORPUS.values():
        content = make()
        text, model_format = _sent(file_name, content)
        started = time.monotonic()
        _refused(client.post(studies, json={"model": text, "format": model_format}), started)
        started = time.monotonic()
        _refused(client.post(studies, files={"file": (file_name, content)}), started)
    for file_name, make in FACTOR_CORPUS.values():
        content = make()
        model = VALID.replace("stages:", f"factor_files: [{file_name}]\nstages:")
        started = time.monotonic()
        upload = {"file": ("model.yaml", model.encode()), "factor_file": (file_name, content)}
        _refused(client.post(studies, files=upload), started)
        started = time.monotonic()
        sent = {"name": file_name, "content": base64.b64encode(content).decode(), "encoding": "base64"}
        _refused(client.post(studies, json={"model": model, "format": "yaml", "files": [sent]}), started)
    growth = peak_rss_mb(pid) - before
    assert growth < MEGABYTES, f"the server grew by {growth:.0f} MB"
    assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize("name", ["x\u0000y", "x\u0007y", "\u001b[31mred"])
def test_a_product_named_with_a_control_character_is_422(server: tuple[httpx2.Client, int, int], name: str) -> None:
    client, _, _ = server
    response = client.post("/api/products", json={"name": name})
    assert response.status_code == 422, response.text
    assert response.json()["error"]["details"][0]["location"][-1] == "name"


def test_deep_json_to_login_is_a_client_error(server: tuple[httpx2.Client, int, int]) -> None:
    client, pid, _ = server
    before = peak_rss_mb(pid)
    for body in (deep_json(1_000), b"[" * 100_000, b'{"email": ' + b"[" * 5000 + b"]" * 5000 + b"}"):
        response = client.post("/auth/login", content=body, headers={"Content-Type": "application/json"})
        assert response.status_code in (400, 422), response.text
    assert peak_rss_mb(pid) - before < MEGABYTES
