"""Certificates, the bodies' signing keys and the public registry.

A certificate is issued when an application is granted: a number unique per scheme and year (``CFL-2026-00001``),
its content (holder, producer, sites, product models, standard, scope, the declared footprint and declared unit
where the scheme has one, issue and expiry dates, the issuing body, where to check it) signed by the body as a JWS
(EdDSA over Ed25519, the key's id in the header). Each change of its models is a new signed revision; the old ones
are kept. Its status (valid, suspended, revoked, withdrawn) is an online fact, not part of what is signed: a valid or
suspended certificate reads ``expired`` the day after its expiry date, in China Standard Time.

A body's keys are made on first use and kept sealed with a key derived from the platform's secret (``master``);
rotating makes a new key and retires the old one, which stays in the JWKS so what it signed still verifies.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy.orm import Session

from lowcarbon.certify import keys, signing, workflow
from lowcarbon.certify.parties import Actor, party_of, text_field
from lowcarbon.certify.schemes import get_scheme
from lowcarbon.certify.tables import Application, Certificate, CertificateRevision, FrozenStudy, Move, SigningKey
from lowcarbon.errors import Conflict, InvalidInput, NotFound
from lowcarbon.ports import Clock, Ports
from lowcarbon.storage import serialize, snapshot

__all__ = [
    "CHINA",
    "active_key",
    "certificate_view",
    "check_renewable",
    "china_day",
    "issue",
    "jwks",
    "list_certificates",
    "move_certificate",
    "number_of_application",
    "on_change",
    "public_certificate",
    "rotate_key",
    "search",
    "signature_of",
    "status_on",
    "today",
    "verify_certificate",
]

CHINA = ZoneInfo("Asia/Shanghai")  # certificates' dates are calendar dates in China Standard Time
SURVEILLANCE_OUTCOMES = ("conforming", "nonconforming")
_ORGANISATIONS = sa.table("organisations", sa.column("id"), sa.column("name"))


def china_day(moment: datetime) -> date:
    """The calendar date of ``moment`` in China Standard Time, the date certificates are issued and expire by."""
    return moment.astimezone(CHINA).date()


def today(clock: Clock) -> date:
    """The date now in China Standard Time."""
    return china_day(clock())


CertificateListener = Callable[[Session, Certificate, Mapping[str, Any]], None]
_listeners: list[CertificateListener] = []


def on_change(listener: CertificateListener) -> None:
    """Call ``listener(session, certificate, content)`` in the transaction of every certificate issued or moved
    (``content``: its current signed content). The catalog listens, so that it is current when the change commits."""
    if listener not in _listeners:
        _listeners.append(listener)


def _changed(session: Session, certificate: Certificate) -> None:
    content = _revision(session, certificate).content
    for listener in _listeners:
        listener(session, certificate, content)


def status_on(certificate: Certificate, day: date) -> str:
    """The certificate's status on ``day``: its stored status, or ``expired`` after its expiry date."""
    if certificate.status in ("valid", "suspended") and day > certificate.valid_until:
        return "expired"
    return certificate.status


# --- keys ------------------------------------------------------------------------------------------------------


def active_key(session: Session, ports: Ports, body_id: int, master: bytes) -> tuple[Ed25519PrivateKey, str]:
    """The body's signing key and its kid, made (and recorded) when it has none."""
    row = session.scalar(
        sa.select(SigningKey)
        .where(SigningKey.organisation_id == body_id, SigningKey.retired_at.is_(None))
        .order_by(SigningKey.id.desc())
    )
    if row is None:
        row = _new_key(session, ports, body_id, master)
    return keys.unseal(base64.b64decode(row.sealed), master, kid=row.kid), row.kid


def _new_key(session: Session, ports: Ports, body_id: int, master: bytes) -> SigningKey:
    private, thumbprint = keys.new_key()
    kid = f"{body_id}.{thumbprint}"  # whose key it is: a certificate's body must be its key's (verify_certificate)
    public = signing.public_jwk(private.public_key(), kid)
    row = SigningKey(
        organisation_id=body_id,
        kid=kid,
        public_x=public["x"],
        sealed=base64.b64encode(keys.seal(private, master, kid=kid)).decode("ascii"),
        created_at=ports.clock(),
    )
    session.add(row)
    session.flush()
    ports.audit.record("create", "signing_key", row.id, None, snapshot(row, hidden=("sealed",)))
    return row


def rotate_key(session: Session, ports: Ports, body_id: int, master: bytes) -> str:
    """Retire the body's current key (it still verifies what it signed) and make a new one; the new kid."""
    serialize(session, f"certify:keys:{body_id}")
    for row in session.scalars(
        sa.select(SigningKey).where(SigningKey.organisation_id == body_id, SigningKey.retired_at.is_(None))
    ):
        before = snapshot(row, hidden=("sealed",))
        row.retired_at = ports.clock()
        ports.audit.record("retire", "signing_key", row.id, before, snapshot(row, hidden=("sealed",)))
    return _new_key(session, ports, body_id, master).kid


def key_set(session: Session, body_id: int | None = None) -> signing.KeySet:
    """The public keys of every body (or of one), retired ones included."""
    query = sa.select(SigningKey.kid, SigningKey.public_x)
    if body_id is not None:
        query = query.where(SigningKey.organisation_id == body_id)
    return signing.KeySet(
        {kid: Ed25519PublicKey.from_public_bytes(signing.b64url_decode(x)) for kid, x in session.execute(query)}
    )


def verify_certificate(jws: str, key_set: signing.KeySet | Mapping[str, Any]) -> signing.Verified:
    """The certificate's JWS verified with ``key_set`` (SignatureInvalid otherwise), and signed by a key of the body
    it names: a body's kids are ``<body id>.<thumbprint>``, so one body cannot sign for another (``wrong_issuer``)."""
    verified = signing.verify(jws, key_set)
    body = verified.payload.get("body")
    named = body.get("id") if isinstance(body, dict) else None
    if verified.kid.partition(".")[0] != str(named):
        raise signing.SignatureInvalid("wrong_issuer", f"signed by key {verified.kid!r}, names body {named!r}")
    return verified


def signature_of(session: Session, jws: str, content: Mapping[str, Any], kid: str) -> dict[str, Any]:
    """Whether ``jws``, stored beside ``content`` and said to be signed by ``kid``, verifies with the bodies' keys
    and says exactly ``content``: ``{"valid", "kid"}``, and the ``reason`` when it is not valid (one of
    ``signing.REASONS``, or ``content_differs``). What a registry shows beside any signed document of a body."""
    try:
        verified = verify_certificate(jws, key_set(session))
    except signing.SignatureInvalid as error:
        return {"valid": False, "kid": kid, "reason": error.reason}
    if verified.payload != content:
        return {"valid": False, "kid": verified.kid, "reason": "content_differs"}
    return {"valid": True, "kid": verified.kid}


def jwks(session: Session) -> dict[str, Any]:
    """Every body's public keys as a JWKS (RFC 7517)."""
    return key_set(session).document()


def list_keys(session: Session, body_id: int) -> list[dict[str, Any]]:
    rows = session.scalars(sa.select(SigningKey).where(SigningKey.organisation_id == body_id).order_by(SigningKey.id))
    return [{"kid": r.kid, "created_at": r.created_at, "retired_at": r.retired_at} for r in rows]


# --- issuing ---------------------------------------------------------------------------------------------------


def issue(
    session: Session, ports: Ports, application: Application, user_id: int, *, master: bytes, base_url: str
) -> Certificate:
    """Issue the certificate of a granted application: number, content, signature, first revision."""
    scheme = get_scheme(application.scheme)
    issued = today(ports.clock)
    serialize(session, f"certify:number:{scheme.id}:{issued.year}")
    serial = (
        session.scalar(
            sa.select(sa.func.max(Certificate.serial)).where(
                Certificate.scheme == scheme.id, Certificate.year == issued.year
            )
        )
        or 0
    ) + 1
    number = f"{scheme.prefix}-{issued.year}-{serial:05d}"
    try:
        valid_until = issued.replace(year=issued.year + scheme.validity_years) - timedelta(days=1)
    except ValueError:  # 29 February
        valid_until = issued.replace(year=issued.year + scheme.validity_years, day=28)
    frozen = list(
        session.scalars(
            sa.select(FrozenStudy).where(FrozenStudy.application_id == application.id).order_by(FrozenStudy.id)
        )
    )
    holder = _name(session, application.applicant_id)
    certificate = Certificate(
        number=number,
        scheme=scheme.id,
        year=issued.year,
        serial=serial,
        application_id=application.id,
        body_id=application.body_id,
        holder_id=application.applicant_id,
        holder=holder,
        products=_searchable(frozen, [f.models for f in frozen]),
        status="valid",
        issued_on=issued,
        valid_until=valid_until,
        revision=1,
        status_changed_at=ports.clock(),
        created_at=ports.clock(),
    )
    session.add(certificate)
    session.flush()
    content = {
        "number": number,
        "revision": 1,
        "scheme": scheme.id,
        "scheme_name": dict(scheme.name),
        "standard": scheme.standard,
        "category": {"code": application.category, "name": dict(scheme.category(application.category).name)},
        "holder": holder,
        "producer": application.producer,
        "sites": list(application.sites),
        "products": [_product(scheme.declares_value, f, f.models) for f in frozen],
        "scope": application.scope,
        "issued": issued.isoformat(),
        "valid_until": valid_until.isoformat(),
        "body": {"id": application.body_id, "name": _name(session, application.body_id)},
        "verify_url": f"{base_url.rstrip('/')}/verify/{number}",
        "status_note": "status is an online fact: check it at verify_url",
    }
    if application.renews:
        content["renews"] = application.renews
    _sign(session, ports, certificate, content, master)
    ports.audit.record("issue", "certificate", certificate.id, None, _state(certificate))
    _changed(session, certificate)
    return certificate


def _product(declares: bool, frozen: FrozenStudy, models: list[str]) -> dict[str, Any]:
    product: dict[str, Any] = {"name": frozen.product, "name_zh": frozen.product_zh, "models": list(models)}
    if declares:
        product["footprint"] = {
            "value": frozen.declared_value,
            "unit": "kg CO2e",
            "declared_unit": frozen.declared_unit,
            "fingerprint": frozen.fingerprint,
        }
    return product


def _searchable(frozen: list[FrozenStudy], models: list[list[str]]) -> str:
    words = [w for f, ms in zip(frozen, models, strict=True) for w in (f.product, f.product_zh or "", *ms) if w]
    return " | ".join(words)[:2000]


def _sign(session: Session, ports: Ports, certificate: Certificate, content: dict[str, Any], master: bytes) -> None:
    private, kid = active_key(session, ports, certificate.body_id, master)
    session.add(
        CertificateRevision(
            certificate_id=certificate.id,
            revision=content["revision"],
            content=content,
            jws=signing.sign(content, private, kid),
            kid=kid,
            created_at=ports.clock(),
        )
    )
    session.flush()


def _name(session: Session, organisation_id: int) -> str:
    return str(session.scalar(sa.select(_ORGANISATIONS.c.name).where(_ORGANISATIONS.c.id == organisation_id)))


def _state(certificate: Certificate) -> dict[str, Any]:
    return snapshot(certificate)


def check_renewable(session: Session, *, holder_id: int, number: str, scheme: str) -> None:
    """A renewal names a certificate of the holder's, of the same scheme, that is not revoked or withdrawn."""
    certificate = session.scalar(sa.select(Certificate).where(Certificate.number == number))
    if certificate is None or certificate.holder_id != holder_id:
        raise NotFound(f"your organisation holds no certificate {number}")
    if certificate.scheme != scheme or certificate.status in ("revoked", "withdrawn"):
        raise InvalidInput(f"certificate {number} cannot be renewed under {scheme}: it is {certificate.status}")


def number_of_application(session: Session, application_id: int) -> str | None:
    return session.scalar(sa.select(Certificate.number).where(Certificate.application_id == application_id))


# --- moves -----------------------------------------------------------------------------------------------------


def _certificate(session: Session, number: str) -> Certificate:
    certificate = session.scalar(sa.select(Certificate).where(Certificate.number == number))
    if certificate is None:
        raise NotFound(f"no certificate {number}")
    return certificate


def move_certificate(
    session: Session, ports: Ports, actor: Actor, number: str, move: str, data: Mapping[str, Any], *, master: bytes
) -> dict[str, Any]:
    """Make ``move`` on certificate ``number`` (surveil, change_models, suspend, reinstate, revoke, withdraw) when
    the workflow allows it to the actor; a change of models is signed as a new revision."""
    certificate = _certificate(session, number)
    party = party_of(actor.organisation_id, certificate.holder_id, certificate.body_id, "certificate")
    state = status_on(certificate, today(ports.clock))
    mine = session.scalars(
        sa.select(Move.name).where(Move.certificate_id == certificate.id, Move.user_id == actor.user_id)
    )
    transition = workflow.check(
        workflow.CERTIFICATE, state, move, party=party, editor=actor.editor, earlier_moves_by_caller=list(mine)
    )
    note = data.get("note")
    if "note" in transition.needs or note:
        note = text_field(note, "note", 2000, multiline=True)
    before = _state(certificate)
    record: dict[str, Any] | None = None
    if move == "surveil":
        outcome = data.get("outcome")
        if outcome not in SURVEILLANCE_OUTCOMES:
            raise InvalidInput(f"outcome is one of {', '.join(SURVEILLANCE_OUTCOMES)}")
        record = {"outcome": outcome}
    elif move == "change_models":
        record = {"models": _change_models(session, ports, certificate, data.get("models"), master)}
    session.add(
        Move(
            certificate_id=certificate.id,
            name=move,
            from_state=state,
            to_state=transition.target,
            user_id=actor.user_id,
            note=note if isinstance(note, str) else None,
            data=record,
            at=ports.clock(),
        )
    )
    if transition.target != certificate.status:
        certificate.status = transition.target
        certificate.status_changed_at = ports.clock()
    session.flush()
    ports.audit.record(move, "certificate", certificate.id, before, _state(certificate))
    _changed(session, certificate)
    return certificate_view(session, certificate, today(ports.clock), actor=actor)


def _change_models(
    session: Session, ports: Ports, certificate: Certificate, models: object, master: bytes
) -> list[list[str]]:
    current = _revision(session, certificate)
    products = current.content["products"]
    if (
        not isinstance(models, list)
        or len(models) != len(products)
        or not all(isinstance(m, list) and m and all(isinstance(x, str) for x in m) for m in models)
    ):
        raise InvalidInput(f"give `models`: one list of model numbers for each of the {len(products)} products")
    cleaned = [[text_field(x, "model number", 100) for x in m][:50] for m in models]
    content = {
        **current.content,
        "revision": current.revision + 1,
        "products": [{**p, "models": m} for p, m in zip(products, cleaned, strict=True)],
    }
    certificate.revision = current.revision + 1
    frozen = list(
        session.scalars(
            sa.select(FrozenStudy)
            .where(FrozenStudy.application_id == certificate.application_id)
            .order_by(FrozenStudy.id)
        )
    )
    certificate.products = _searchable(frozen, cleaned)
    _sign(session, ports, certificate, content, master)
    return cleaned


def _revision(session: Session, certificate: Certificate) -> CertificateRevision:
    revision = session.scalar(
        sa.select(CertificateRevision).where(
            CertificateRevision.certificate_id == certificate.id, CertificateRevision.revision == certificate.revision
        )
    )
    assert revision is not None, "a certificate has its current revision"
    return revision


# --- reading ---------------------------------------------------------------------------------------------------


def certificate_view(
    session: Session, certificate: Certificate, day: date, *, actor: Actor | None = None
) -> dict[str, Any]:
    """A certificate as the registry shows it: the contract's fields (number, status, holder, scheme,
    valid_until, jws), its content, whether its signature verifies with the bodies' keys, its history of moves
    and, for a party (``actor``), the moves it may make now."""
    revision = _revision(session, certificate)
    status = status_on(certificate, day)
    signature = signature_of(session, revision.jws, revision.content, revision.kid)
    moves = session.scalars(sa.select(Move).where(Move.certificate_id == certificate.id).order_by(Move.id))
    view: dict[str, Any] = {
        "number": certificate.number,
        "status": status,
        "holder": certificate.holder,
        "scheme": certificate.scheme,
        "valid_until": certificate.valid_until.isoformat(),
        "issued": certificate.issued_on.isoformat(),
        "body": revision.content.get("body"),
        "revision": certificate.revision,
        "status_changed_at": certificate.status_changed_at,
        "content": revision.content,
        "jws": revision.jws,
        "signature": signature,
        "history": [
            {"name": m.name, "from": m.from_state, "to": m.to_state, "note": m.note, "at": m.at} for m in moves
        ],
        "surveillance_due": _surveillance_due(session, certificate).isoformat(),
    }
    if actor is not None:
        party = party_of(actor.organisation_id, certificate.holder_id, certificate.body_id, "certificate")
        machine = workflow.machine(workflow.CERTIFICATE)
        view["legal_moves"] = machine.legal_moves(status)
        view["your_moves"] = machine.legal_moves(status, party) if actor.editor else []
    return view


def _surveillance_due(session: Session, certificate: Certificate) -> date:
    last = session.scalar(
        sa.select(sa.func.max(Move.at)).where(Move.certificate_id == certificate.id, Move.name == "surveil")
    )
    start = china_day(last) if isinstance(last, datetime) else certificate.issued_on
    months = get_scheme(certificate.scheme).surveillance_months
    year, month = divmod(start.month - 1 + months, 12)
    return start.replace(year=start.year + year, month=month + 1, day=min(start.day, 28))


def public_certificate(session: Session, number: str, day: date) -> dict[str, Any]:
    """Certificate ``number`` as anyone may read it; NotFound when there is none."""
    return certificate_view(session, _certificate(session, number), day)


def get_certificate(session: Session, actor: Actor, number: str, day: date) -> dict[str, Any]:
    """Certificate ``number`` for a party to it (its holder or its body); NotFound for anyone else."""
    certificate = _certificate(session, number)
    party_of(actor.organisation_id, certificate.holder_id, certificate.body_id, "certificate")
    return certificate_view(session, certificate, day, actor=actor)


def signed_content(session: Session, number: str) -> tuple[dict[str, Any], str]:
    """The current revision's content and JWS of certificate ``number``."""
    revision = _revision(session, _certificate(session, number))
    return revision.content, revision.jws


STATUSES = ("valid", "suspended", "revoked", "withdrawn", "expired")


def search(
    session: Session, day: date, *, q: str | None, status: str | None, limit: int, after: int | None
) -> list[tuple[int, dict[str, Any]]]:
    """Up to ``limit`` certificates whose number, holder or products contain ``q`` (any case), with ``status`` on
    ``day``, newest first, those issued before certificate ``after``: each with its row id (the page's cursor)."""
    query = sa.select(Certificate)
    if q:
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            sa.or_(
                Certificate.number.ilike(pattern, escape="\\"),
                Certificate.holder.ilike(pattern, escape="\\"),
                Certificate.products.ilike(pattern, escape="\\"),
            )
        )
    if status is not None:
        if status not in STATUSES:
            raise InvalidInput(f"status is one of {', '.join(STATUSES)}")
        if status == "expired":
            query = query.where(Certificate.status.in_(("valid", "suspended")), Certificate.valid_until < day)
        elif status in ("valid", "suspended"):
            query = query.where(Certificate.status == status, Certificate.valid_until >= day)
        else:
            query = query.where(Certificate.status == status)
    if after is not None:
        query = query.where(Certificate.id < after)
    rows = session.scalars(query.order_by(Certificate.id.desc()).limit(limit))
    return [(certificate.id, _listed(session, certificate, day)) for certificate in rows]


def _listed(session: Session, certificate: Certificate, day: date) -> dict[str, Any]:
    revision = _revision(session, certificate)
    return {
        "number": certificate.number,
        "status": status_on(certificate, day),
        "holder": certificate.holder,
        "scheme": certificate.scheme,
        "scheme_name": revision.content.get("scheme_name"),
        "products": revision.content.get("products"),
        "issued": certificate.issued_on.isoformat(),
        "valid_until": certificate.valid_until.isoformat(),
        "body": revision.content.get("body"),
        "jws": revision.jws,
    }


def list_certificates(session: Session, organisation_id: int, day: date) -> list[dict[str, Any]]:
    """The certificates the organisation holds or issued, newest first."""
    rows = session.scalars(
        sa.select(Certificate)
        .where(sa.or_(Certificate.holder_id == organisation_id, Certificate.body_id == organisation_id))
        .order_by(Certificate.id.desc())
        .limit(500)
    )
    return [_listed(session, c, day) for c in rows]


def application_of(session: Session, number: str) -> Application:
    application = session.get(Application, _certificate(session, number).application_id)
    if application is None:
        raise Conflict(f"certificate {number} has no application")
    return application


def label_content(content: Mapping[str, Any]) -> Any:
    """The label of a certificate's content (its first product's declared footprint, where the scheme has one)."""
    from lowcarbon.certify.label import LabelContent

    first = content["products"][0]
    footprint = first.get("footprint") or {}
    return LabelContent(
        content["scheme"],
        content["scheme_name"]["zh-CN"],
        content["scheme_name"]["en"],
        content["number"],
        content["holder"],
        first.get("name_zh") or first["name"],
        footprint.get("value"),
        footprint.get("unit", ""),
        footprint.get("declared_unit", ""),
        date.fromisoformat(content["valid_until"]),
        content["verify_url"],
    )


def document_content(content: Mapping[str, Any]) -> Any:
    """The PDF certificate's content."""
    from lowcarbon.certify.document import CertificateContent, ProductModel

    first = content["products"][0].get("footprint") or {}
    return CertificateContent(
        number=content["number"],
        scheme=content["scheme"],
        scheme_name_zh=content["scheme_name"]["zh-CN"],
        scheme_name_en=content["scheme_name"]["en"],
        standard=content["standard"],
        holder=content["holder"],
        producer=content["producer"],
        sites=tuple(content.get("sites", ())),
        products=tuple(
            ProductModel(p.get("name_zh") or p["name"], p["name"], tuple(p["models"])) for p in content["products"]
        ),
        scope=content["scope"],
        footprint=first.get("value"),
        footprint_unit=first.get("unit", ""),
        declared_unit=first.get("declared_unit", ""),
        issued=date.fromisoformat(content["issued"]),
        expires=date.fromisoformat(content["valid_until"]),
        body=content["body"]["name"],
        verification_url=content["verify_url"],
    )
