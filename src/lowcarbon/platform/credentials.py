"""Bearer credentials: random tokens, the SHA-256 digests they are stored as, and the CSRF token of a session.

Session cookies and access tokens are 256-bit random values; the database keeps only their SHA-256, so a copy of it
opens no session. A fast hash is enough for values with that much entropy (Argon2 is for what people choose).
The CSRF token of a session is HMAC-SHA256(secret key, session token): tied to that one session, checkable without
the database, and unknowable to another site, which can neither read the cookie nor knows the key.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

__all__ = ["csrf_token", "new_token", "same", "token_digest"]

TOKEN_BYTES = 32
_CSRF_CONTEXT = b"lowcarbon csrf v1\x00"


def new_token() -> str:
    """A new random token of 256 bits, URL-safe base64 (43 characters)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> str:
    """The SHA-256 hex digest a token is stored and looked up by."""
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_token(secret_key: str, session_token: str) -> str:
    """The CSRF token that goes with the session whose cookie holds ``session_token``."""
    return hmac.new(secret_key.encode(), _CSRF_CONTEXT + session_token.encode(), hashlib.sha256).hexdigest()


def same(given: str, expected: str) -> bool:
    """Whether two secrets are equal, compared in time that does not depend on where they differ."""
    return hmac.compare_digest(given.encode(), expected.encode())
