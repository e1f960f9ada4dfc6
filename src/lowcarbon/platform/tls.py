"""The platform's TLS listener: its certificate and key, and serving the app on a plain and a TLS port at once.

PACT asks a host to offer its actions over HTTPS only, so ``lowcarbon serve --pact-port PORT`` runs a second
listener with TLS beside the plain one, in the same process and asyncio loop, on the same app (the PACT routes
refuse requests that did not come over TLS). Its certificate and key come from ``--pact-cert``/``--pact-key``;
without them ``self_signed_pair`` makes a self-signed pair for this machine (127.0.0.1, ::1 and localhost) once in
the data directory, the key readable by its owner only, and reuses it until it expires. A self-signed certificate
is for testing on one machine: a client must be told to trust it (``httpx.Client(verify=cert)``,
``NODE_TLS_REJECT_UNAUTHORIZED=0``).
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from lowcarbon.errors import InvalidInput

if TYPE_CHECKING:
    import uvicorn

__all__ = [
    "CERT_NAME",
    "KEY_NAME",
    "LOCAL_NAMES",
    "check_pair",
    "self_signed_pair",
    "serve_together",
    "write_self_signed",
]

CERT_NAME, KEY_NAME = "pact-cert.pem", "pact-key.pem"
LOCAL_NAMES = ("localhost", "127.0.0.1", "::1")
_DAYS = 365


def write_self_signed(
    cert_file: Path, key_file: Path, *, names: Sequence[str] = LOCAL_NAMES, now: datetime | None = None
) -> None:
    """Write a new self-signed certificate for ``names`` (host names and IP addresses) and its key (mode 0600)."""
    start = (now or datetime.now(UTC)) - timedelta(minutes=5)  # a client's clock a little behind still accepts it
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0]), _organisation()])
    alternative = [_general_name(name) for name in names]
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=_DAYS))
        .add_extension(x509.SubjectAlternativeName(alternative), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_bytes = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    key_file.parent.mkdir(parents=True, exist_ok=True)
    cert_file.parent.mkdir(parents=True, exist_ok=True)
    key_file.unlink(missing_ok=True)  # created anew, so that its mode is 0600 from the first byte
    descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(key_bytes)
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))


def self_signed_pair(directory: Path, *, now: datetime | None = None) -> tuple[Path, Path]:
    """The self-signed (certificate, key) kept in ``directory``: made there the first time, made again when it
    has expired or is unreadable, else reused."""
    cert_file, key_file = directory / CERT_NAME, directory / KEY_NAME
    if not _usable(cert_file, key_file, now or datetime.now(UTC)):
        write_self_signed(cert_file, key_file, now=now)
    return cert_file, key_file


def check_pair(cert_file: Path | None, key_file: Path | None) -> tuple[Path, Path] | None:
    """A certificate and key given together, both files that exist; None when neither is given."""
    if cert_file is None and key_file is None:
        return None
    if cert_file is None or key_file is None:
        raise InvalidInput("give the TLS certificate and its key together (--pact-cert and --pact-key)")
    for file in (cert_file, key_file):
        if not file.is_file():
            raise InvalidInput(f"no file {file}: give a PEM certificate and its PEM key")
    return cert_file, key_file


async def serve_together(servers: Sequence[uvicorn.Server]) -> None:
    """Run the servers in this loop until one stops (a signal, a failure to bind), then stop the others."""
    tasks = [asyncio.create_task(server.serve()) for server in servers]
    await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for server in servers:
        server.should_exit = True
    await asyncio.gather(*tasks)


def _usable(cert_file: Path, key_file: Path, now: datetime) -> bool:
    try:
        certificate = x509.load_pem_x509_certificate(cert_file.read_bytes())
        serialization.load_pem_private_key(key_file.read_bytes(), password=None)
    except (OSError, ValueError):
        return False
    return certificate.not_valid_after_utc > now + timedelta(days=1)


def _organisation() -> x509.NameAttribute[str]:
    return x509.NameAttribute(NameOID.ORGANIZATION_NAME, "lowcarbon (self-signed, for testing)")


def _general_name(name: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        return x509.DNSName(name)
