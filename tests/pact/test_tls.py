"""The PACT host over TLS: the self-signed pair (made once, key 0600, reused until it expires), and `lowcarbon serve
--demo --pact-port` over real HTTPS on 127.0.0.1: discovery and token on the https URL, the demo's two PV footprints
(the first deprecated by the second), PACT refused on the plain port and plain HTTP refused on the TLS port."""

from __future__ import annotations

import json
import shutil
import signal
import ssl
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx2
import pytest
from cryptography import x509

from lowcarbon import demo
from lowcarbon.errors import InvalidInput
from lowcarbon.platform import tls
from support.platform_servers import free_port, wait_until_answering


def test_self_signed_pair_is_made_once_for_this_machine(tmp_path: Path) -> None:
    cert_file, key_file = tls.self_signed_pair(tmp_path / "tls")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    certificate = x509.load_pem_x509_certificate(cert_file.read_bytes())
    names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert set(names.get_values_for_type(x509.DNSName)) == {"localhost"}
    assert {str(address) for address in names.get_values_for_type(x509.IPAddress)} == {"127.0.0.1", "::1"}
    made = cert_file.read_bytes()
    assert tls.self_signed_pair(tmp_path / "tls") == (cert_file, key_file) and cert_file.read_bytes() == made
    later = datetime.now(UTC) + timedelta(days=400)  # expired by then: made again
    tls.self_signed_pair(tmp_path / "tls", now=later)
    assert cert_file.read_bytes() != made
    ssl.create_default_context().load_cert_chain(cert_file, key_file)  # a pair that belongs together


def test_a_certificate_needs_its_key(tmp_path: Path) -> None:
    cert_file, key_file = tls.self_signed_pair(tmp_path)
    assert tls.check_pair(None, None) is None
    assert tls.check_pair(cert_file, key_file) == (cert_file, key_file)
    with pytest.raises(InvalidInput, match="together"):
        tls.check_pair(cert_file, None)
    with pytest.raises(InvalidInput, match="no file"):
        tls.check_pair(cert_file, tmp_path / "missing.pem")


def _lowcarbon() -> str:
    return shutil.which("lowcarbon", path=str(Path(sys.executable).parent)) or "lowcarbon"


def test_serve_demo_with_a_pact_port(tmp_path: Path) -> None:
    port, pact_port = free_port(), free_port()
    data_dir = tmp_path / "demo"
    command = [_lowcarbon(), "serve", "--demo", "--port", str(port), "--data-dir", str(data_dir)]
    process = subprocess.Popen(
        [*command, "--pact-port", str(pact_port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    pact = f"https://127.0.0.1:{pact_port}"
    try:
        wait_until_answering(f"http://127.0.0.1:{port}/healthz", alive=lambda: process.poll() is None, timeout=120)
        cert_file, key_file = data_dir / "tls" / tls.CERT_NAME, data_dir / "tls" / tls.KEY_NAME
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        grant = ["pact", "grant", "Tester", "--organisation", "Sunrise PV Co.", "--data-dir", str(data_dir), "--json"]
        granted = subprocess.run(
            [_lowcarbon(), *grant],
            capture_output=True,
            text=True,
            check=True,
        )
        credentials = json.loads(granted.stdout)
        trusted = ssl.create_default_context(cafile=cert_file)  # the self-signed certificate, and no other
        with httpx2.Client(base_url=pact, verify=trusted, trust_env=False, timeout=10.0) as client:
            discovery = client.get("/.well-known/openid-configuration").json()
            assert discovery["token_endpoint"] == f"{pact}/auth/token" and discovery["issuer"] == pact
            token = client.post(
                discovery["token_endpoint"],
                data={"grant_type": "client_credentials"},
                auth=(credentials["client_id"], credentials["client_secret"]),
            )
            assert token.status_code == 200, token.text
            bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
            footprints = client.get("/3/footprints", headers=bearer).json()["data"]
            assert [pf["status"] for pf in footprints] == ["Deprecated", "Active"]
            first, second = footprints
            assert second["precedingPfIds"] == [first["id"]]
            assert {pf["pcf"]["declaredUnitOfMeasurement"] for pf in footprints} == {"piece"}
            assert {pf["companyName"] for pf in footprints} == {"Sunrise PV Co."}
            assert client.get(f"/3/footprints/{first['id']}", headers=bearer).json()["data"]["status"] == "Deprecated"
        with httpx2.Client(trust_env=False, timeout=10.0) as plain:
            refused = plain.get(f"http://127.0.0.1:{port}/3/footprints", headers=bearer)
            assert refused.status_code == 400 and "data" not in refused.json()
            forwarded = {**bearer, "X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"}
            posing = plain.get(f"http://127.0.0.1:{port}/3/footprints", headers=forwarded)
            assert posing.status_code == 400 and "data" not in posing.json()  # a header does not make HTTP secure
            with pytest.raises(httpx2.TransportError):
                plain.get(f"http://127.0.0.1:{pact_port}/3/footprints", headers=bearer)
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert process.returncode in (0, -signal.SIGTERM), output
    assert f"PACT host (v3, TLS with a self-signed certificate unless --pact-cert): {pact}" in output
    assert demo.DEMO_PACT_SECRET in output and "scopes         pact:read pact:events" in output
    assert "Application shutdown complete" in output
