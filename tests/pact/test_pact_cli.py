"""`lowcarbon pact grant` and `lowcarbon pact certificate`: a customer's credentials for an organisation named by id
or by name, that then read its footprints over HTTPS; an unknown organisation is one line and exit status 1."""

from __future__ import annotations

import base64
import json
import stat
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from lowcarbon.cli import app
from lowcarbon.platform.app import create_app
from lowcarbon.platform.settings import Settings

runner = CliRunner()


def _run(*arguments: str) -> tuple[int, str]:
    result = runner.invoke(app, list(arguments))
    return result.exit_code, result.output


def _organisation(data_dir: Path, name: str) -> int:
    code, output = _run(
        "admin", "create-organisation", name, "--kind", "manufacturer", "--data-dir", str(data_dir), "--json"
    )
    assert code == 0, output
    return int(json.loads(output)["id"])


def test_grant_by_name_or_id_gives_credentials_that_read_footprints(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    organisation = _organisation(data_dir, "Sunrise PV Co.")
    _organisation(data_dir, "Other Co.")
    code, output = _run(
        "pact", "grant", "Metro", "--organisation", "Sunrise PV Co.", "--data-dir", str(data_dir), "--json"
    )
    assert code == 0, output
    by_name = json.loads(output)
    assert set(by_name) == {"client_id", "client_secret"}
    code, output = _run(
        "pact", "grant", "Metro 2", "--organisation", str(organisation), "--data-dir", str(data_dir), "--json"
    )
    assert code == 0, output
    by_id = json.loads(output)
    assert by_id["client_id"] != by_name["client_id"]
    with TestClient(create_app(Settings(data_dir=data_dir)), base_url="https://pact.example") as client:
        for credentials in (by_name, by_id):
            basic = base64.b64encode(f"{credentials['client_id']}:{credentials['client_secret']}".encode()).decode()
            token = client.post(
                "/auth/token", data={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {basic}"}
            )
            assert token.status_code == 200 and token.json()["scope"] == "pact:read pact:events", token.text
            listed = client.get("/3/footprints", headers={"Authorization": f"Bearer {token.json()['access_token']}"})
            assert listed.status_code == 200 and listed.json() == {"data": []}


def test_grant_prints_a_sentence_without_json(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    _organisation(data_dir, "Sunrise PV Co.")
    code, output = _run("pact", "grant", "Metro", "--organisation", "Sunrise PV Co.", "--data-dir", str(data_dir))
    assert code == 0, output
    assert "Metro may now read the PACT footprints of Sunrise PV Co." in output
    assert "client_id: lc_" in output and "client_secret: " in output


def test_grant_for_an_unknown_organisation_fails(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    _organisation(data_dir, "Sunrise PV Co.")
    for unknown in ("Nobody Ltd.", "999"):
        code, output = _run("pact", "grant", "Metro", "--organisation", unknown, "--data-dir", str(data_dir), "--json")
        assert code == 1
        assert f"error: no organisation has the id or name {unknown!r}" in output


def test_certificate_is_made_once_and_reused(tmp_path: Path) -> None:
    code, output = _run("pact", "certificate", str(tmp_path / "tls"))
    assert code == 0, output
    cert, key = tmp_path / "tls" / "pact-cert.pem", tmp_path / "tls" / "pact-key.pem"
    assert f"certificate: {cert}" in output and f"key: {key}" in output
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    first = cert.read_bytes()
    assert _run("pact", "certificate", str(tmp_path / "tls"))[0] == 0
    assert cert.read_bytes() == first
    assert _run("pact", "certificate", str(tmp_path / "tls"), "--force")[0] == 0
    assert cert.read_bytes() != first
