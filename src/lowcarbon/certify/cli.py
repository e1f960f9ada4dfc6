"""``lowcarbon certificate``: check a signed certificate offline, and manage a body's signing keys.

``verify FILE [--jwks FILE]`` reads a JWS (compact serialization) or the registry's JSON of a certificate (its
``jws`` field) and checks the signature with the given key set, by default the keys in the local platform's
database. It prints what the certificate certifies and exits 0 when the signature verifies, 1 with the reason when
it does not (tampered, unknown key, malformed). A signature proves who issued the content, never that the
certificate is still valid: status is an online fact, read at the certificate's verification URL.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from lowcarbon.platform.cli import (
    DataDirOpt,
    JsonOpt,
    _actor,
    _fail,
    _in_transaction,
    _reading,
    _settings,
    find_organisation,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["app"]

app = typer.Typer(no_args_is_help=True, help="Certificates: verify a signed certificate; rotate a body's signing key.")

JwksOpt = Annotated[
    Path | None,
    typer.Option("--jwks", help="A JWKS file (e.g. saved from /.well-known/jwks.json); default: the local database's"),
]


def _jws_of(path: Path) -> str:
    """The JWS in the file: the compact serialization itself, or the ``jws`` field of a JSON object."""
    from lowcarbon.bounded import parse_json, read_path

    text = read_path(path).decode("utf-8", errors="replace").strip()
    if text.startswith("{"):
        document = parse_json(text, str(path))
        jws = document.get("jws") if isinstance(document, dict) else None
        if not isinstance(jws, str):
            _fail(f"{path}: a JSON file holds the certificate's JWS in its `jws` field; this one has none")
        return jws.strip()
    return text


@app.command("verify")
def verify(
    file: Annotated[Path, typer.Argument(help="A file holding a JWS, or a certificate's JSON with its `jws`")],
    jwks: JwksOpt = None,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Check a certificate's signature (or that of another document a body signs: an inventory's verification
    statement, a CMS evaluation certificate); exit 0 when it verifies, 1 with the reason when it does not."""
    import json

    from lowcarbon.bounded import parse_json, read_path
    from lowcarbon.certify import signing
    from lowcarbon.errors import LowcarbonError

    try:
        jws = _jws_of(file)
        if jwks is not None:
            keys = signing.parse_jwks(parse_json(read_path(jwks), str(jwks)))
            registry: dict[str, Any] | None = None
        else:
            keys, registry = _reading(data_dir, lambda session: _local(session, jws))
        from lowcarbon.certify.certificates import verify_certificate

        verified = verify_certificate(jws, keys)
    except signing.SignatureInvalid as error:
        claimed = _claimed(jws) if "jws" in locals() else {}
        if as_json:
            typer.echo(json.dumps({"verified": False, "reason": error.reason, "message": str(error), **claimed}))
        else:
            typer.echo(f"NOT VERIFIED ({error.reason}): {error}", err=True)
            if claimed.get("number"):
                typer.echo(f"  it claims to be certificate {claimed['number']} of {claimed.get('holder')}", err=True)
        raise typer.Exit(1) from None
    except LowcarbonError as error:
        _fail(str(error))
    content = verified.payload
    if as_json:
        typer.echo(
            json.dumps(
                {"verified": True, "kid": verified.kid, "content": content, "registry": registry},
                ensure_ascii=False,
                default=str,
            )
        )
        return
    typer.echo(f"VERIFIED: signed by key {verified.kid}")
    for line in _describe(content):
        typer.echo(line)
    where = content.get("verify_url", "the registry")
    if registry is not None:
        typer.echo(f"Status in the local registry on {registry['day']}: {registry['status']}")
    typer.echo(f"Status is an online fact, not part of the signature: check it at {where}")


def _local(session: Session, jws: str) -> tuple[Any, dict[str, Any] | None]:
    """The local database's key set, and the certificate's status there (when it has it)."""
    from lowcarbon.certify import certificates
    from lowcarbon.errors import NotFound
    from lowcarbon.platform.clock import system_clock

    number = _claimed(jws).get("number")
    registry = None
    if isinstance(number, str):
        day = certificates.today(system_clock)
        try:
            view = certificates.public_certificate(session, number, day)
            registry = {"status": view["status"], "day": day.isoformat()}
        except NotFound:
            registry = None
    return certificates.key_set(session), registry


def _claimed(jws: str) -> dict[str, Any]:
    from lowcarbon.certify import signing

    try:
        return signing.peek(jws)[1]
    except Exception:
        return {}


def _describe(content: dict[str, Any]) -> list[str]:
    if "document" in content:  # another document a body signs: an inventory's verification statement, a CMS certificate
        return [
            f"{str(content['document']).replace('_', ' ').capitalize()} {content.get('number')}",
            f"  of          {(content.get('organisation') or {}).get('name')}",
            f"  issued by   {(content.get('body') or {}).get('name')}",
            f"  issued      {content.get('issued')}",
        ]
    lines = [
        f"Certificate {content.get('number')} (revision {content.get('revision')})",
        f"  scheme      {content.get('scheme_name', {}).get('en', content.get('scheme'))}"
        f" / {content.get('scheme_name', {}).get('zh-CN', '')}",
        f"  standard    {content.get('standard')}",
        f"  holder      {content.get('holder')}",
        f"  producer    {content.get('producer')}",
        f"  issued by   {(content.get('body') or {}).get('name')}",
        f"  valid       {content.get('issued')} to {content.get('valid_until')}",
    ]
    for product in content.get("products", []):
        name = product.get("name")
        if product.get("name_zh"):
            name = f"{name} / {product['name_zh']}"
        lines.append(f"  product     {name}: models {', '.join(product.get('models', []))}")
        footprint = product.get("footprint")
        if footprint:
            lines.append(f"  footprint   {footprint['value']:.6g} {footprint['unit']} per {footprint['declared_unit']}")
    return lines


@app.command("rotate-key")
def rotate_key(
    organisation: Annotated[str, typer.Option(help="The certification body, by name or id")],
    data_dir: DataDirOpt = None,
) -> None:
    """Retire the body's signing key and make a new one; what the old key signed still verifies."""
    from lowcarbon.certify import certificates
    from lowcarbon.certify.parties import NoJobs
    from lowcarbon.platform.audit import AuditTrail
    from lowcarbon.platform.clock import system_clock
    from lowcarbon.ports import Ports

    settings = _settings(data_dir=data_dir)
    master = settings.ensure_secret_key().encode("utf-8")

    def work(session: Session) -> str:
        body = find_organisation(session, organisation)
        if body.kind != "certification_body":
            _fail(f"{body.name} is not a certification body")
        ports = Ports(AuditTrail(session, _actor()), NoJobs(), system_clock)
        return certificates.rotate_key(session, ports, body.id, master)

    typer.echo(f"new signing key: {_in_transaction(settings, work, write=True)}")
