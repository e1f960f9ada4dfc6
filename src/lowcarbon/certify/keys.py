"""A certification body's signing keys, sealed at rest under one master secret.

A private key is stored only as a sealed blob: AES-256-GCM under a key derived from the master secret with
HKDF-SHA256 (a fresh salt per blob, so no two blobs share an encryption key, and a fresh nonce), with the key's
``kid`` as associated data, so that a sealed key copied onto another kid's row does not open. The master secret
lives outside the database (a file in the data directory, or a value in the settings), so a copy of the database
alone signs nothing.

Blob, version 1 (80 bytes)::

    b"LCK1" | salt (16) | nonce (12) | AES-GCM(raw Ed25519 private key (32)) + tag (16)

The version is authenticated with the kid. Anything that does not open (another master secret, another kid, a
changed byte, an unknown version) is ``KeyUnavailable``: the message says which of these can be told apart.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from lowcarbon.certify.signing import b64url_decode, jwk_thumbprint
from lowcarbon.errors import InvalidInput, LowcarbonError

__all__ = [
    "MASTER_SIZE",
    "KeyUnavailable",
    "master_secret",
    "master_secret_from_text",
    "new_key",
    "seal",
    "unseal",
]

MASTER_SIZE = 32  # bytes of a master secret made here; one given in the settings may be longer
_VERSION = b"LCK1"
_SALT, _NONCE, _KEY, _TAG = 16, 12, 32, 16
_BLOB_SIZE = len(_VERSION) + _SALT + _NONCE + _KEY + _TAG
_INFO = b"lowcarbon certify signing key v1"


class KeyUnavailable(LowcarbonError, RuntimeError):
    """A signing key cannot be opened or the master secret cannot be read: the body cannot sign until the master
    secret that sealed its keys is restored."""

    code = "signing_key_unavailable"
    status = 503


def new_key() -> tuple[Ed25519PrivateKey, str]:
    """A new Ed25519 signing key and its kid, the RFC 7638 thumbprint of its public key."""
    key = Ed25519PrivateKey.generate()
    return key, jwk_thumbprint(key.public_key())


def _encryption_key(master: bytes, salt: bytes) -> bytes:
    if len(master) < MASTER_SIZE:
        raise InvalidInput(f"a master secret is at least {MASTER_SIZE} bytes, not {len(master)}")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_INFO).derive(master)


def _associated(kid: str) -> bytes:
    return _VERSION + kid.encode("utf-8")


def seal(key: Ed25519PrivateKey, master: bytes, *, kid: str) -> bytes:
    """``key`` encrypted under ``master`` for the row of ``kid`` (a version-1 blob, see the module docstring)."""
    salt, nonce = os.urandom(_SALT), os.urandom(_NONCE)
    raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    sealed = AESGCM(_encryption_key(master, salt)).encrypt(nonce, raw, _associated(kid))
    return _VERSION + salt + nonce + sealed


def unseal(blob: bytes, master: bytes, *, kid: str) -> Ed25519PrivateKey:
    """The private key sealed in ``blob`` for ``kid``; KeyUnavailable when it does not open."""
    if not blob.startswith(_VERSION):
        raise KeyUnavailable(f"the sealed key of {kid!r} is not a version-1 blob (it starts {bytes(blob[:4])!r})")
    if len(blob) != _BLOB_SIZE:
        raise KeyUnavailable(f"the sealed key of {kid!r} is {len(blob)} bytes, not {_BLOB_SIZE}: it was cut or changed")
    salt = blob[len(_VERSION) : len(_VERSION) + _SALT]
    nonce = blob[len(_VERSION) + _SALT : len(_VERSION) + _SALT + _NONCE]
    try:
        raw = AESGCM(_encryption_key(master, salt)).decrypt(nonce, blob[-(_KEY + _TAG) :], _associated(kid))
    except InvalidTag:
        raise KeyUnavailable(
            f"the sealed key of {kid!r} does not open: the master secret is not the one that sealed it, the blob"
            " was changed, or it was sealed for another kid; restore the master secret (certify-master.key or the"
            " setting) that was in use when the key was made"
        ) from None
    return Ed25519PrivateKey.from_private_bytes(raw)


def master_secret_from_text(text: str) -> bytes:
    """The master secret given as base64url text in the settings (padding optional, at least 32 bytes)."""
    value = text.strip().rstrip("=")
    try:
        secret = b64url_decode(value)
    except ValueError:
        raise InvalidInput(
            "the master secret must be base64url text (as `openssl rand -base64 32 | tr +/ -_`)"
        ) from None
    if len(secret) < MASTER_SIZE:
        raise InvalidInput(f"the master secret must be at least {MASTER_SIZE} bytes, not {len(secret)}")
    return secret


def master_secret(path: Path) -> bytes:
    """The 32-byte master secret in the file ``path``, made (mode 0600) when there is none.

    A new secret is written to a temporary file beside it, flushed to disk, and then linked to ``path``: a hard
    link does not replace a file that another process made meanwhile (a rename would, and the keys that process
    sealed would never open again), so every process ends up with the one secret. KeyUnavailable when the file
    exists but does not hold 32 bytes: it must be restored, never made anew.
    """
    if not path.exists():
        _create(path)
    try:
        secret = path.read_bytes()
    except OSError as error:
        raise KeyUnavailable(f"the master secret {path} cannot be read: {error.strerror}") from None
    if len(secret) != MASTER_SIZE:
        raise KeyUnavailable(
            f"the master secret {path} holds {len(secret)} bytes, not {MASTER_SIZE}: restore it from a backup;"
            " a new one would not open the keys sealed under the old one"
        )
    return secret


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as file:
            os.fchmod(file.fileno(), 0o600)  # whatever the umask
            file.write(secrets.token_bytes(MASTER_SIZE))
            file.flush()
            os.fsync(file.fileno())
        with contextlib.suppress(FileExistsError):  # another process made it first: its secret is the one
            os.link(temporary, path)
        _sync_directory(path.parent)
    finally:
        temporary.unlink(missing_ok=True)


def _sync_directory(directory: Path) -> None:
    """Make the new directory entry durable (POSIX; a no-op where directories cannot be opened)."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
