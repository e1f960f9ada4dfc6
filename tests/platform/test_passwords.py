"""Passwords: Argon2id hashes, the length rule, and Unicode normalisation."""

from __future__ import annotations

import pytest

from lowcarbon.errors import InvalidInput
from lowcarbon.platform.passwords import MIN_LENGTH, hash_password, needs_rehash, verify_password


def test_hash_and_verify() -> None:
    """A hash is Argon2id, salted (two hashes differ), and verifies only its own password."""
    password = "a long passphrase of words"
    first, second = hash_password(password), hash_password(password)
    assert first.startswith("$argon2id$") and first != second
    assert verify_password(first, password) and verify_password(second, password)
    assert not verify_password(first, "a long passphrase of word")
    assert not needs_rehash(first)


def test_malformed_hash_does_not_verify() -> None:
    """A malformed stored hash verifies nothing instead of raising."""
    assert not verify_password("not a hash", "a long passphrase of words")


def test_length_rule() -> None:
    """Passwords shorter than MIN_LENGTH characters are refused, naming the rule."""
    with pytest.raises(InvalidInput, match=f"use at least {MIN_LENGTH}"):
        hash_password("x" * (MIN_LENGTH - 1))
    assert verify_password(hash_password("x" * MIN_LENGTH), "x" * MIN_LENGTH)


def test_unicode_normalised() -> None:
    """The same characters composed or decomposed (é as one code point or e + accent) are the same password."""
    composed, decomposed = "caf\u00e9 au lait, s'il vous plaît", "cafe\u0301 au lait, s'il vous plaît"
    assert composed != decomposed
    assert verify_password(hash_password(composed), decomposed)
