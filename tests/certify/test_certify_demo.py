"""The demo's certification data (Greenmark Certification Ltd. with keys, certificates in all three schemes, one
suspended and one revoked, an application at every stage in progress; the audit trail intact), and
``lowcarbon certificate verify`` on the demo's certificates: 0 when the signature verifies, 1 with the reason when
it is tampered with, signed by an unknown key or malformed."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from lowcarbon import demo
from lowcarbon.certify import keys, signing, workflow
from lowcarbon.cli import app as lowcarbon
from lowcarbon.platform.app import create_app
from lowcarbon.platform.settings import Settings
from support.auth_support import audit_verifies

SCHEMES = {"carbon-footprint-label", "low-carbon-product", "environmental-label"}


@pytest.fixture
def seeded(migrated: Settings) -> Settings:
    demo.seed(migrated)
    return migrated


def test_demo_certifies_in_every_scheme_with_an_application_at_each_stage(seeded: Settings) -> None:
    with TestClient(create_app(seeded)) as client:
        items = client.get("/api/public/certificates", params={"limit": 100}).json()["items"]
        by_status: dict[str, list[str]] = {}
        for item in items:
            by_status.setdefault(item["status"], []).append(item["scheme"])
            assert item["body"]["name"] == demo.certify_demo.BODY
            view = client.get(f"/api/public/certificates/{item['number']}").json()
            assert view["signature"]["valid"] is True
        assert set(by_status["valid"]) == SCHEMES
        assert len(by_status["suspended"]) == 1 and len(by_status["revoked"]) == 1
        assert client.get("/.well-known/jwks.json").json()["keys"]
        login = client.post("/auth/login", json={"email": demo.certify_demo.VERIFIER, "password": demo.DEMO_PASSWORD})
        client.headers["X-CSRF-Token"] = login.json()["csrf_token"]
        states = {a["state"] for a in client.get("/api/certify/applications", params={"limit": 100}).json()["items"]}
    machine = workflow.machine(workflow.APPLICATION)
    in_progress = {state for state in machine.states if not machine.final(state)}
    assert in_progress <= states
    assert audit_verifies(seeded)
    demo.seed(seeded)  # again: adds nothing
    with TestClient(create_app(seeded)) as client:
        assert len(client.get("/api/public/certificates", params={"limit": 100}).json()["items"]) == len(items)


def _cli(*arguments: str, database: str | None = None) -> tuple[int, str]:
    environment = {"LOWCARBON_DATABASE_URL": database} if database else {}
    result = CliRunner().invoke(lowcarbon, list(arguments), env=environment)
    return result.exit_code, result.output


def test_certificate_verify_command(seeded: Settings, tmp_path: Path) -> None:
    with TestClient(create_app(seeded)) as client:
        number = client.get("/api/public/certificates", params={"status": "valid"}).json()["items"][0]["number"]
        document = client.get(f"/api/public/certificates/{number}").json()
        (tmp_path / "jwks.json").write_text(client.get("/.well-known/jwks.json").text)
    (tmp_path / "certificate.json").write_text(json.dumps(document, ensure_ascii=False))
    (tmp_path / "certificate.jws").write_text(document["jws"] + "\n")
    data_dir = str(seeded.data_dir)
    url = seeded.database_url if seeded.database_url.startswith("postgresql") else None
    for name in ("certificate.json", "certificate.jws"):
        code, output = _cli("certificate", "verify", str(tmp_path / name), "--data-dir", data_dir, database=url)
        assert code == 0, output
        assert number in output and "online fact" in output and "valid" in output
    code, output = _cli(
        "certificate", "verify", str(tmp_path / "certificate.jws"), "--jwks", str(tmp_path / "jwks.json")
    )
    assert code == 0 and document["content"]["holder"] in output

    header, payload, signature = document["jws"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["valid_until"] = "2099-12-31"
    tampered = f"{header}.{signing.b64url_encode(json.dumps(claims).encode())}.{signature}"
    stranger, kid = keys.new_key()
    other_body, other_thumbprint = keys.new_key()  # a key of another body (id 999), in the key set given
    other_kid = f"999.{other_thumbprint}"
    jwks = json.loads((tmp_path / "jwks.json").read_text())
    jwks["keys"].append(signing.public_jwk(other_body.public_key(), other_kid))
    (tmp_path / "jwks.json").write_text(json.dumps(jwks))
    cases = {
        "wrong_issuer": signing.sign(document["content"], other_body, other_kid),
        "bad_signature": tampered,
        "unknown_key": signing.sign(document["content"], stranger, kid),
        "malformed": "not.a-jws",
    }
    for reason, token in cases.items():
        (tmp_path / "bad.jws").write_text(token)
        code, output = _cli("certificate", "verify", str(tmp_path / "bad.jws"), "--jwks", str(tmp_path / "jwks.json"))
        assert code == 1 and reason in output, (reason, output)
        if reason == "wrong_issuer":
            continue  # the local database knows no body 999: its key is unknown there
        code, output = _cli(
            "certificate", "verify", str(tmp_path / "bad.jws"), "--data-dir", data_dir, "--json", database=url
        )
        assert code == 1 and json.loads(output)["reason"] == reason
    (tmp_path / "empty.json").write_text("{}")
    code, output = _cli("certificate", "verify", str(tmp_path / "empty.json"), "--jwks", str(tmp_path / "jwks.json"))
    assert code == 1 and "jws" in output
