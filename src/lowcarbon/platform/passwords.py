"""Passwords: Argon2id hashes (argon2-cffi's defaults, RFC 9106's low-memory profile) and the length rule.

A password is Unicode-normalised (NFKC) before it is hashed or checked, so that the same characters typed on
different keyboards give the same password, as NIST SP 800-63B asks.
"""

from __future__ import annotations

import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from lowcarbon.errors import InvalidInput

__all__ = ["MAX_LENGTH", "MIN_LENGTH", "check_rules", "hash_password", "needs_rehash", "verify_password"]

MIN_LENGTH = 15  # NIST SP 800-63B-4: at least 15 characters where the password is the only factor
MAX_LENGTH = 1024  # long enough for any passphrase, short enough to bound the work of one login

_hasher = PasswordHasher()


def _normalise(password: str) -> str:
    return unicodedata.normalize("NFKC", password)


def check_rules(password: str) -> None:
    """Raise InvalidInput, naming the rule, when ``password`` is too short or too long."""
    length = len(_normalise(password))
    if length < MIN_LENGTH:
        raise InvalidInput(f"the password has {length} characters; use at least {MIN_LENGTH} (a passphrase is fine)")
    if length > MAX_LENGTH:
        raise InvalidInput(f"the password has {length} characters; use at most {MAX_LENGTH}")


def hash_password(password: str) -> str:
    """The Argon2id hash of ``password``, after checking it against the rules."""
    check_rules(password)
    return _hasher.hash(_normalise(password))


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``; False for a malformed hash too."""
    try:
        return _hasher.verify(password_hash, _normalise(password))
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's, so a successful login should replace it."""
    return _hasher.check_needs_rehash(password_hash)
