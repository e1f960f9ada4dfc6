"""Certificates as signed documents: JWS compact serialization (RFC 7515) with EdDSA over Ed25519 (RFC 8037).

Signing and verifying are pure functions over values: a payload (a JSON object) and a key in, a JWS string out; a
JWS and a key set (JWKS, RFC 7517) in, the verified header and payload out. Keys come in as arguments, so a test
signs with a throwaway key and the body's sealed keys (``lowcarbon.certify.keys``) or a hardware store can sign
the same way. Only ``cryptography`` is used: no JOSE library decides what we accept.

What ``verify`` refuses, checked in this order, each a ``SignatureInvalid`` with a stable ``reason``:

    malformed               not three base64url parts (canonical, unpadded), longer than ``MAX_JWS``, a header or
                            payload that is not a JSON object (duplicate names, NaN, nesting past ``MAX_DEPTH``), a
                            ``crit`` header (no extension is understood, so none may be required)
    unsupported_algorithm   ``alg`` other than ``EdDSA``: ``none``, ``HS256`` (which would take a public key as a
                            shared secret) and every other
    unknown_key             no ``kid``, or a ``kid`` that is not in the key set
    bad_signature           the signature does not match: the header or payload was changed, or another key signed

The protected header ``sign`` writes is ``{"alg":"EdDSA","kid":...,"typ":"JOSE"}``: ``typ`` is RFC 7515's value for
the compact serialization, which says what the string is without claiming a media type we have not registered.
A payload is serialized as sorted, compact UTF-8 JSON, so the same certificate always signs to the same bytes (and
Ed25519 being deterministic, to the same JWS).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from lowcarbon.errors import DataFormatError, InvalidInput, LowcarbonError, Problem

__all__ = [
    "ALGORITHM",
    "MAX_DEPTH",
    "MAX_JWKS",
    "MAX_JWS",
    "REASONS",
    "KeySet",
    "Reason",
    "SignatureInvalid",
    "Verified",
    "b64url_decode",
    "b64url_encode",
    "jwk_thumbprint",
    "parse_jwks",
    "peek",
    "public_jwk",
    "sign",
    "verify",
]

ALGORITHM = "EdDSA"
MAX_JWS = 64 * 1024  # characters: a certificate is a few hundred bytes; past this nothing is decoded
MAX_JWKS = 256 * 1024  # characters of a JWKS document
MAX_DEPTH = 16  # nesting of a header's or payload's JSON
_ED25519_SIZE = 32  # bytes of a public key (RFC 8032)
_SIGNATURE_SIZE = 64

Reason = Literal["malformed", "unsupported_algorithm", "unknown_key", "bad_signature", "wrong_issuer"]

# reason -> its words, for pages and for the error's English message
REASONS: Mapping[Reason, Mapping[str, str]] = {
    "malformed": {
        "en": "This is not a well-formed signed certificate.",
        "zh-CN": "这不是格式正确的签名证书。",
    },
    "unsupported_algorithm": {
        "en": "The certificate is signed with an algorithm this registry does not accept.",
        "zh-CN": "证书的签名算法不被本登记系统接受。",
    },
    "unknown_key": {
        "en": "The certificate was not signed with a key of this registry.",
        "zh-CN": "证书并非由本登记系统的密钥签发。",
    },
    "bad_signature": {
        "en": "The signature does not match: the certificate was altered or not issued by this registry.",
        "zh-CN": "签名不符：证书已被篡改，或并非由本登记系统签发。",
    },
    "wrong_issuer": {
        "en": "The certificate names a certification body other than the one whose key signed it.",
        "zh-CN": "证书载明的认证机构与签名密钥所属的机构不一致。",
    },
}


class SignatureInvalid(LowcarbonError, ValueError):
    """A JWS does not verify; ``reason`` says why (one of ``REASONS``, also the ``type`` of its one detail), the
    message adds what was found."""

    code = "signature_invalid"
    status = 400

    def __init__(self, reason: Reason, detail: str = "") -> None:
        english = REASONS[reason]["en"]
        message = f"{english} ({detail})" if detail else english
        # the reason in the API's error shape too, so that a client reads it without parsing the message
        super().__init__(message, details=[{"location": ["jws"], "message": message, "type": reason}], reason=reason)
        self.why: Reason = reason

    @property
    def reason(self) -> Reason:
        """One of ``REASONS``: stable, for programs and translations."""
        return self.why

    def message(self, lang: str) -> str:
        """The reason in ``lang`` ("zh-CN" or "en"; English for any other), without the technical detail."""
        words = REASONS[self.why]
        return words.get(lang, words["en"])


@dataclass(frozen=True)
class Verified:
    """What a verified JWS says: its protected header, its payload, and the ``kid`` of the key that signed it."""

    header: Mapping[str, Any]
    payload: dict[str, Any]
    kid: str


@dataclass(frozen=True)
class KeySet:
    """A key set as ``verify`` uses it: public keys by ``kid``. ``document()`` is its JWKS."""

    keys: Mapping[str, Ed25519PublicKey]

    def document(self) -> dict[str, Any]:
        """The JWKS document, as served at ``/.well-known/jwks.json``, keys ordered by kid."""
        return {"keys": [public_jwk(self.keys[kid], kid) for kid in sorted(self.keys)]}


def b64url_encode(data: bytes) -> str:
    """``data`` in base64url without padding (RFC 7515 section 2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """The bytes of unpadded base64url ``text``; ValueError unless it is the one canonical encoding of them
    (so that no two strings carry the same signed bytes)."""
    if not text.isascii() or any(char in "+/=" or char.isspace() for char in text):
        raise ValueError("not base64url")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except binascii.Error as error:
        raise ValueError("not base64url") from error
    if b64url_encode(data) != text:
        raise ValueError("not canonical base64url")
    return data


def _json(value: Mapping[str, Any]) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False).encode()


def sign(payload: Mapping[str, Any], key: Ed25519PrivateKey, kid: str) -> str:
    """``payload`` signed by ``key`` as a JWS compact serialization whose header names ``kid``.

    TypeError or ValueError when the payload is not JSON (a date must be given as its ISO text, no NaN);
    InvalidInput when the JWS would be longer than ``verify`` takes.
    """
    header = {"alg": ALGORITHM, "kid": kid, "typ": "JOSE"}
    signing_input = f"{b64url_encode(_json(header))}.{b64url_encode(_json(payload))}"
    jws = f"{signing_input}.{b64url_encode(key.sign(signing_input.encode('ascii')))}"
    if len(jws) > MAX_JWS:
        raise InvalidInput(f"the signed document would be {len(jws)} characters; verify takes at most {MAX_JWS}")
    return jws


def _raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def public_jwk(key: Ed25519PublicKey, kid: str) -> dict[str, Any]:
    """``key`` as a JWK (RFC 8037 section 2) for a JWKS: OKP, Ed25519, for signatures with EdDSA."""
    return {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(_raw(key)), "kid": kid, "use": "sig", "alg": ALGORITHM}


def jwk_thumbprint(key: Ed25519PublicKey) -> str:
    """The RFC 7638 thumbprint of ``key``: base64url SHA-256 of its required members in order; new keys' kid."""
    members = json.dumps({"crv": "Ed25519", "kty": "OKP", "x": b64url_encode(_raw(key))}, separators=(",", ":"))
    return b64url_encode(hashlib.sha256(members.encode("ascii")).digest())


def parse_jwks(document: str | bytes | Mapping[str, Any]) -> KeySet:
    """The key set of a JWKS document (its text, or the parsed JSON), every key checked.

    Each key must be ``{"kty": "OKP", "crv": "Ed25519", "x": <32 bytes>, "kid": ...}``, with ``use`` ``sig`` and
    ``alg`` ``EdDSA`` when given, no private part ``d``, and a kid no other key has. DataFormatError lists the
    problems by place (``keys[1].x``).
    """
    if isinstance(document, str | bytes):
        if len(document) > MAX_JWKS:
            raise DataFormatError.at("JWKS", f"the document is longer than {MAX_JWKS} characters")
        try:
            document = json.loads(document)
        except (ValueError, RecursionError) as error:
            raise DataFormatError.at("JWKS", f"not JSON: {error}") from error
    keys = document.get("keys") if isinstance(document, Mapping) else None
    if not isinstance(keys, list):
        raise DataFormatError.at("JWKS", 'a JWKS is an object with a "keys" array', place="keys")
    found: dict[str, Ed25519PublicKey] = {}
    problems: list[Problem] = []
    for index, jwk in enumerate(keys):
        place = f"keys[{index}]"
        problem = _jwk_problem(jwk, found)
        if problem is not None:
            field, message = problem
            problems.append(Problem(message, f"{place}.{field}" if field else place, "JWKS", "invalid_jwk"))
            continue
        found[jwk["kid"]] = Ed25519PublicKey.from_public_bytes(b64url_decode(jwk["x"]))
    if problems:
        raise DataFormatError(problems=problems, what="JWKS")
    return KeySet(found)


def _jwk_problem(jwk: object, found: Mapping[str, object]) -> tuple[str, str] | None:
    """What is wrong with one JWK, as (field, message), or None when it is an Ed25519 verification key."""
    if not isinstance(jwk, Mapping):
        return "", "a key is a JSON object"
    expected = {"kty": "OKP", "crv": "Ed25519"}
    for field, value in expected.items():
        if jwk.get(field) != value:
            return field, f"must be {value!r} (only Ed25519 keys sign certificates), not {jwk.get(field)!r}"
    for field, value in {"use": "sig", "alg": ALGORITHM}.items():
        if field in jwk and jwk[field] != value:
            return field, f"must be {value!r} when given, not {jwk[field]!r}"
    if "d" in jwk:
        return "d", "a public key set must not hold a private key: remove d"
    kid = jwk.get("kid")
    if not isinstance(kid, str) or not kid:
        return "kid", "every key needs a kid, as signatures name their key by it"
    if kid in found:
        return "kid", f"kid {kid!r} is given twice"
    x = jwk.get("x")
    try:
        size = len(b64url_decode(x)) if isinstance(x, str) else -1
    except ValueError:
        size = -1
    if size != _ED25519_SIZE:
        return "x", f"must be the {_ED25519_SIZE}-byte public key in unpadded base64url"
    return None


def peek(jws: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The header and payload of ``jws`` without verifying anything: what a forged or altered one claims, to show
    beside the refusal. SignatureInvalid ``malformed`` when it is no JWS."""
    header, payload, _ = _parts(jws)
    return header, payload


def verify(jws: str, jwks: Mapping[str, Any] | KeySet) -> Verified:
    """The header and payload of ``jws`` once its signature is checked against ``jwks`` (a JWKS document, or a
    ``KeySet`` parsed once); SignatureInvalid with the reason otherwise (see the module's docstring).

    A JWKS holding several keys (the old and the new during a rotation) verifies what each of them signed. A JWKS
    document that is no key set is DataFormatError (the registry's configuration, not the document, is wrong).
    """
    keys = jwks if isinstance(jwks, KeySet) else parse_jwks(jwks)
    header, payload, signature = _parts(jws)
    alg = header.get("alg")
    if alg != ALGORITHM:
        raise SignatureInvalid("unsupported_algorithm", f"alg {str(alg)[:40]!r}")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise SignatureInvalid("unknown_key", "the header names no kid")
    key = keys.keys.get(kid)
    if key is None:
        raise SignatureInvalid("unknown_key", f"kid {kid[:80]!r}")
    signing_input = jws.rpartition(".")[0].encode("ascii")
    if len(signature) != _SIGNATURE_SIZE:
        raise SignatureInvalid("bad_signature", f"the signature is {len(signature)} bytes, not {_SIGNATURE_SIZE}")
    try:
        key.verify(signature, signing_input)
    except InvalidSignature:
        raise SignatureInvalid("bad_signature", f"kid {kid[:80]!r}") from None
    return Verified(header, payload, kid)


def _parts(jws: str) -> tuple[dict[str, Any], dict[str, Any], bytes]:
    """The decoded header, payload and signature of a compact JWS, each checked for shape only."""
    if not isinstance(jws, str):
        raise SignatureInvalid("malformed", "a JWS is text")
    if len(jws) > MAX_JWS:
        raise SignatureInvalid("malformed", f"longer than {MAX_JWS} characters")
    parts = jws.split(".")
    if len(parts) != 3:
        raise SignatureInvalid("malformed", f"{len(parts)} parts separated by dots, not 3")
    try:
        decoded = [b64url_decode(part) for part in parts]
    except ValueError as error:
        raise SignatureInvalid("malformed", str(error)) from None
    header = _object(decoded[0], "header")
    if "crit" in header:
        raise SignatureInvalid("malformed", "the header requires extensions (crit) that are not understood")
    return header, _object(decoded[1], "payload"), decoded[2]


def _object(data: bytes, what: str) -> dict[str, Any]:
    """``data`` as a JSON object: UTF-8, no duplicate names, no NaN or Infinity, nested at most ``MAX_DEPTH``."""
    try:
        value = json.loads(data.decode("utf-8"), object_pairs_hook=_unique, parse_constant=_no_constant)
    except (ValueError, RecursionError) as error:
        raise SignatureInvalid("malformed", f"the {what} is not JSON: {str(error)[:80]}") from None
    if not isinstance(value, dict):
        raise SignatureInvalid("malformed", f"the {what} is not a JSON object")
    if _depth(value) > MAX_DEPTH:
        raise SignatureInvalid("malformed", f"the {what} is nested deeper than {MAX_DEPTH}")
    return value


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    names = [name for name, _ in pairs]
    if len(set(names)) != len(names):
        raise ValueError("a name is given twice")  # RFC 7515 section 4: such a header must be rejected
    return dict(pairs)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _depth(value: object) -> int:
    """How deeply ``value`` nests, counted without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is not None:
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in children)
    return deepest
