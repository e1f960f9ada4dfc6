"""A person's link to their carbon account: ``/carbon-account/<token>``, where the token is the person's row id and
an HMAC-SHA256 of it under a key derived from the platform's secret. A partner asks for it for one of its
pseudonyms (a signed request) and hands it to the person in its app; the operator cannot open an account without the
person's link, and the link names nobody."""

from __future__ import annotations

import hashlib
import hmac

from lowcarbon.errors import NotFound

__all__ = ["account_token", "person_of"]

_CONTEXT = b"lowcarbon inclusive account link v1"


def _mac(person_id: int, key: bytes) -> str:
    derived = hmac.new(key, _CONTEXT, hashlib.sha256).digest()
    return hmac.new(derived, str(person_id).encode(), hashlib.sha256).hexdigest()[:32]


def account_token(person_id: int, key: bytes) -> str:
    """The token of person ``person_id``'s account link."""
    return f"{person_id}-{_mac(person_id, key)}"


def person_of(token: str, key: bytes) -> int:
    """The person whose account ``token`` opens; NotFound for any token that is not one (never saying why)."""
    person, _, mac = token.partition("-")
    if not person.isdigit() or len(person) > 18 or not hmac.compare_digest(_mac(int(person), key), mac):
        raise NotFound("no carbon account has this link")
    return int(person)
