"""A body's signing keys sealed at rest (lowcarbon.certify.keys): round trip, every way a blob does not open, and
the master secret file."""

from __future__ import annotations

import stat
import threading
from pathlib import Path

import pytest

from lowcarbon.certify.keys import (
    MASTER_SIZE,
    KeyUnavailable,
    master_secret,
    master_secret_from_text,
    new_key,
    seal,
    unseal,
)
from lowcarbon.certify.signing import b64url_encode, jwk_thumbprint, public_jwk, sign, verify
from lowcarbon.errors import InvalidInput

MASTER = bytes(range(32))


def test_a_sealed_key_opens_and_signs_as_before() -> None:
    key, kid = new_key()
    assert kid == jwk_thumbprint(key.public_key())
    blob = seal(key, MASTER, kid=kid)
    opened = unseal(blob, MASTER, kid=kid)
    assert opened.public_key() == key.public_key()
    jwks = {"keys": [public_jwk(key.public_key(), kid)]}
    assert verify(sign({"n": 1}, opened, kid), jwks).payload == {"n": 1}


def test_blobs_are_versioned_and_never_repeat() -> None:
    key, kid = new_key()
    first, second = seal(key, MASTER, kid=kid), seal(key, MASTER, kid=kid)
    assert first.startswith(b"LCK1") and len(first) == 80
    assert first != second  # a fresh salt and nonce each time
    raw = key.private_bytes_raw()
    assert raw not in first


def test_wrong_master_does_not_open() -> None:
    key, kid = new_key()
    blob = seal(key, MASTER, kid=kid)
    with pytest.raises(KeyUnavailable, match="does not open") as caught:
        unseal(blob, bytes(32), kid=kid)
    assert (caught.value.code, caught.value.status) == ("signing_key_unavailable", 503)


def test_a_key_moved_to_another_kid_does_not_open() -> None:
    key, kid = new_key()
    _, other = new_key()
    with pytest.raises(KeyUnavailable):
        unseal(seal(key, MASTER, kid=kid), MASTER, kid=other)


@pytest.mark.parametrize("index", [0, 3, 4, 20, 30, 40, 79])
def test_any_flipped_byte_does_not_open(index: int) -> None:
    key, kid = new_key()
    blob = bytearray(seal(key, MASTER, kid=kid))
    blob[index] ^= 0x01
    with pytest.raises(KeyUnavailable):
        unseal(bytes(blob), MASTER, kid=kid)


def test_cut_or_lengthened_blobs_do_not_open() -> None:
    key, kid = new_key()
    blob = seal(key, MASTER, kid=kid)
    for changed in (blob[:-1], blob + b"\0", b"", b"LCK1"):
        with pytest.raises(KeyUnavailable):
            unseal(changed, MASTER, kid=kid)


def test_a_short_master_is_refused() -> None:
    key, kid = new_key()
    with pytest.raises(InvalidInput, match="at least 32 bytes"):
        seal(key, b"short", kid=kid)


def test_master_secret_file_is_made_once_with_mode_0600(tmp_path: Path) -> None:
    path = tmp_path / "data" / "certify-master.key"
    secret = master_secret(path)
    assert len(secret) == MASTER_SIZE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes() == secret
    assert master_secret(path) == secret
    assert [entry.name for entry in path.parent.iterdir()] == ["certify-master.key"]  # no temporary file left


def test_processes_racing_to_make_the_secret_agree(tmp_path: Path) -> None:
    path = tmp_path / "certify-master.key"
    results: list[bytes] = []
    threads = [threading.Thread(target=lambda: results.append(master_secret(path))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8 and len(set(results)) == 1


@pytest.mark.parametrize("content", [b"", b"x" * 31, b"x" * 33])
def test_a_damaged_master_file_is_not_replaced(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "certify-master.key"
    path.write_bytes(content)
    with pytest.raises(KeyUnavailable, match="restore it"):
        master_secret(path)
    assert path.read_bytes() == content


def test_master_secret_from_text() -> None:
    text = b64url_encode(MASTER)
    assert master_secret_from_text(text) == MASTER
    assert master_secret_from_text(f"  {text}=\n") == MASTER
    longer = bytes(48)
    assert master_secret_from_text(b64url_encode(longer)) == longer
    for bad in ("", "not base64url!", b64url_encode(bytes(16)), text.replace("-", "+") + "+/"):
        with pytest.raises(InvalidInput):
            master_secret_from_text(bad)
