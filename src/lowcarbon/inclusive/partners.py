"""Partners and their signed batches.

A partner signs each batch with its secret: ``X-Signature: sha256=<hex HMAC-SHA256 over timestamp + "." + raw
body>``, ``X-Timestamp`` in Unix seconds; a batch more than ``WINDOW`` seconds from the server's clock is a replay
(or a badly set clock) and refused. Both checks are done on the raw bytes before anything is parsed, so a bad
signature costs nothing and changes nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lowcarbon.errors import Conflict, InvalidInput, LowcarbonError, NotFound
from lowcarbon.inclusive.tables import Partner
from lowcarbon.ports import AuditLog
from lowcarbon.storage import snapshot

__all__ = ["WINDOW", "BadSignature", "NewPartner", "create_partner", "signature", "verified_partner"]

WINDOW = 300  # seconds: the replay window
_ORGANISATIONS = sa.table("organisations", sa.column("id"), sa.column("kind"))


class BadSignature(LowcarbonError):
    """A batch whose partner, timestamp or signature does not check out: 401, nothing changed."""

    code = "invalid_signature"
    status = 401


@dataclass(frozen=True)
class NewPartner:
    """A partner just registered: its id and its secret, shown this once."""

    id: int
    name: str
    secret: str


def create_partner(
    session: Session,
    audit: AuditLog,
    now: datetime,
    *,
    organisation_id: int,
    name: str,
    region: str | None = None,
    secret: str | None = None,
) -> NewPartner:
    """Register a partner platform (an organisation of kind ``partner_platform``) with a new secret (or
    ``secret``, at least 32 characters: the demo's published one)."""
    kind = session.scalar(sa.select(_ORGANISATIONS.c.kind).where(_ORGANISATIONS.c.id == organisation_id))
    if kind is None:
        raise NotFound(f"no organisation {organisation_id}")
    if kind != "partner_platform":
        raise InvalidInput(f"organisation {organisation_id} is a {kind}, not a partner platform")
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidInput("a partner's name is 1 to 200 characters")
    if session.scalar(sa.select(Partner.id).where(Partner.name == name)) is not None:
        raise Conflict(f"a partner is named {name!r} already")
    if secret is not None and not 32 <= len(secret) <= 200:
        raise InvalidInput("a partner's secret is 32 to 200 characters")
    secret = secret or secrets.token_urlsafe(32)
    partner = Partner(organisation_id=organisation_id, name=name, secret=secret, region=region, created_at=now)
    session.add(partner)
    session.flush()
    audit.record("create", "inclusive_partner", partner.id, None, snapshot(partner, hidden=("secret",)))
    return NewPartner(partner.id, partner.name, secret)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The ``X-Signature`` value of ``body`` sent at ``timestamp`` (the header's text) with ``secret``."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verified_partner(
    session: Session, *, partner_id: str | None, timestamp: str | None, signed: str | None, body: bytes, now: datetime
) -> Partner:
    """The partner whose signature ``signed`` over ``body`` checks out at ``now``; BadSignature otherwise (the
    message says which check failed, never the expected value)."""
    if not partner_id or not partner_id.isdigit() or not timestamp or not signed:
        raise BadSignature("send X-Partner-Id, X-Timestamp and X-Signature: sha256=<hex>")
    if not timestamp.isdigit() or abs(int(timestamp) - now.timestamp()) > WINDOW:
        raise BadSignature(f"X-Timestamp is not within {WINDOW} seconds of the server's time (a replay?)")
    partner = session.get(Partner, int(partner_id))
    if partner is None or partner.disabled_at is not None:
        raise BadSignature("no such partner, or it is disabled")
    if not hmac.compare_digest(signature(partner.secret, timestamp, body), signed):
        raise BadSignature("the signature does not match the body and timestamp")
    return partner
