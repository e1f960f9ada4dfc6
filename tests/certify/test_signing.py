"""Certificates as JWS (lowcarbon.certify.signing): agreement with an independent JOSE library (jwcrypto), each
refusal with its reason, key rotation, and JWKS checking."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwcrypto import jwk as jose_jwk
from jwcrypto import jws as jose_jws

from lowcarbon.certify.signing import (
    MAX_JWS,
    REASONS,
    KeySet,
    SignatureInvalid,
    b64url_decode,
    b64url_encode,
    jwk_thumbprint,
    parse_jwks,
    peek,
    public_jwk,
    sign,
    verify,
)
from lowcarbon.errors import DataFormatError, InvalidInput, LowcarbonError

CERTIFICATE = {
    "number": "CFP-2026-000123",
    "holder": "隆基绿能科技股份有限公司",
    "value": 412.3,
    "valid_until": "2029-12-05",
    "products": [{"model": "LR5-72HTH-550M"}],
}


def keyed() -> tuple[Ed25519PrivateKey, str]:
    key = Ed25519PrivateKey.generate()
    return key, jwk_thumbprint(key.public_key())


def jwks_of(*keys: tuple[Ed25519PrivateKey, str]) -> dict[str, Any]:
    return {"keys": [public_jwk(key.public_key(), kid) for key, kid in keys]}


def reason_of(jws: str, jwks: dict[str, Any]) -> str:
    with pytest.raises(SignatureInvalid) as caught:
        verify(jws, jwks)
    return caught.value.reason


def forged(header: dict[str, Any], payload: dict[str, Any], signature: bytes = b"\0" * 64) -> str:
    parts = [json.dumps(header).encode(), json.dumps(payload).encode(), signature]
    return ".".join(b64url_encode(part) for part in parts)


def test_sign_writes_the_documented_header_and_canonical_payload() -> None:
    key, kid = keyed()
    jws = sign(CERTIFICATE, key, kid)
    header, payload, _ = jws.split(".")
    assert (
        b64url_decode(header) == json.dumps({"alg": "EdDSA", "kid": kid, "typ": "JOSE"}, separators=(",", ":")).encode()
    )
    expected = json.dumps(CERTIFICATE, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    assert b64url_decode(payload) == expected
    assert sign(dict(reversed(CERTIFICATE.items())), key, kid) == jws  # same content, same JWS


def test_our_jws_verifies_with_jwcrypto_and_our_jwks() -> None:
    key, kid = keyed()
    jws = sign(CERTIFICATE, key, kid)
    keyset = jose_jwk.JWKSet.from_json(json.dumps(jwks_of(keyed(), (key, kid))))
    token = jose_jws.JWS()
    token.deserialize(jws, key=keyset, alg="EdDSA")
    assert json.loads(token.payload) == CERTIFICATE
    assert token.jose_header["kid"] == kid


def test_jwcrypto_jws_verifies_with_ours() -> None:
    theirs = jose_jwk.JWK.generate(kty="OKP", crv="Ed25519", kid="their-key")
    token = jose_jws.JWS(json.dumps(CERTIFICATE).encode())
    token.add_signature(theirs, alg="EdDSA", protected=json.dumps({"alg": "EdDSA", "kid": "their-key"}))
    jws = token.serialize(compact=True)
    verified = verify(jws, {"keys": [theirs.export_public(as_dict=True)]})
    assert verified.payload == CERTIFICATE
    assert verified.kid == "their-key"
    assert verified.header == {"alg": "EdDSA", "kid": "their-key"}


def test_thumbprint_agrees_with_rfc_8037_and_jwcrypto() -> None:
    # RFC 8037, appendix A.3: the thumbprint of the example key
    rfc = Ed25519PrivateKey.from_private_bytes(b64url_decode("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"))
    assert public_jwk(rfc.public_key(), "k")["x"] == "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
    assert jwk_thumbprint(rfc.public_key()) == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
    key, kid = keyed()
    assert jose_jwk.JWK(**public_jwk(key.public_key(), kid)).thumbprint() == kid


def test_rotation_old_and_new_keys_both_verify() -> None:
    old, new = keyed(), keyed()
    jwks = jwks_of(old, new)
    assert verify(sign(CERTIFICATE, *old), jwks).kid == old[1]
    assert verify(sign(CERTIFICATE, *new), jwks).kid == new[1]
    assert reason_of(sign(CERTIFICATE, *old), jwks_of(new)) == "unknown_key"  # once the old key is retired


def test_tampered_payload_and_header_are_bad_signatures() -> None:
    key, kid = keyed()
    jwks = jwks_of((key, kid))
    header, _, signature = sign(CERTIFICATE, key, kid).split(".")
    changed = b64url_encode(json.dumps({**CERTIFICATE, "value": 41.23}).encode())
    assert reason_of(f"{header}.{changed}.{signature}", jwks) == "bad_signature"
    other_header = b64url_encode(json.dumps({"alg": "EdDSA", "kid": kid, "typ": "JWT"}).encode())
    _, payload, _ = sign(CERTIFICATE, key, kid).split(".")
    assert reason_of(f"{other_header}.{payload}.{signature}", jwks) == "bad_signature"


def test_another_key_under_the_same_kid_is_a_bad_signature() -> None:
    key, kid = keyed()
    impostor = Ed25519PrivateKey.generate()
    assert reason_of(sign(CERTIFICATE, impostor, kid), jwks_of((key, kid))) == "bad_signature"


def test_unknown_kid_and_no_kid() -> None:
    key, kid = keyed()
    jwks = jwks_of((key, kid))
    assert reason_of(sign(CERTIFICATE, key, "another"), jwks) == "unknown_key"
    assert reason_of(forged({"alg": "EdDSA"}, CERTIFICATE), jwks) == "unknown_key"
    assert reason_of(forged({"alg": "EdDSA", "kid": ""}, CERTIFICATE), jwks) == "unknown_key"


@pytest.mark.parametrize("alg", ["none", "HS256", "ES256", "RS256", "eddsa", None, 1])
def test_other_algorithms_are_unsupported(alg: object) -> None:
    key, kid = keyed()
    jws = forged({"alg": alg, "kid": kid}, CERTIFICATE, signature=b"" if alg == "none" else b"\1" * 32)
    assert reason_of(jws, jwks_of((key, kid))) == "unsupported_algorithm"


def test_hs256_with_the_public_key_as_secret_is_refused() -> None:
    """The classic confusion: an HMAC made with the published public key as its secret."""
    key, kid = keyed()
    secret = jose_jwk.JWK(kty="oct", k=public_jwk(key.public_key(), kid)["x"])
    token = jose_jws.JWS(json.dumps(CERTIFICATE).encode())
    token.add_signature(secret, alg="HS256", protected=json.dumps({"alg": "HS256", "kid": kid}))
    assert reason_of(token.serialize(compact=True), jwks_of((key, kid))) == "unsupported_algorithm"


DUPLICATE = b'{"alg":"none","alg":"EdDSA"}'


def malformed_inputs() -> dict[str, str]:
    key, kid = keyed()
    header, payload, signature = sign(CERTIFICATE, key, kid).split(".")

    def with_payload(data: bytes) -> str:
        return f"{header}.{b64url_encode(data)}.{signature}"

    return {
        "two parts": f"{header}.{payload}",
        "four parts": f"{header}.{payload}.{signature}.{signature}",
        "empty": "",
        "bad base64": f"{header}.{payload}!.{signature}",
        "padded base64": f"{header}=.{payload}.{signature}",
        "standard base64": f"{header}.+{payload[1:]}.{signature}",
        "non-canonical base64": f"{header}.{b64url_encode(b'{}')[:-1]}D.{signature}",
        "header not JSON": f"{b64url_encode(b'alg EdDSA')}.{payload}.{signature}",
        "header an array": f"{b64url_encode(b'[]')}.{payload}.{signature}",
        "duplicate names": f"{b64url_encode(DUPLICATE)}.{payload}.{signature}",
        "payload not JSON": with_payload(b"not json"),
        "payload not UTF-8": with_payload(b'{"a":"\xff"}'),
        "payload a string": with_payload(b'"certified"'),
        "NaN": with_payload(b'{"value":NaN}'),
        "deep nesting": with_payload(b'{"a":' + b"[" * 40 + b"]" * 40 + b"}"),
        "very deep nesting": with_payload(b"[" * 40000),
        "crit": forged({"alg": "EdDSA", "kid": kid, "crit": ["exp"], "exp": 1}, CERTIFICATE),
        "huge": with_payload(b'{"a":"' + b"x" * MAX_JWS + b'"}'),
    }


@pytest.mark.parametrize("name", list(malformed_inputs()))
def test_malformed_inputs(name: str) -> None:
    key, kid = keyed()
    assert reason_of(malformed_inputs()[name], jwks_of((key, kid))) == "malformed"


def test_a_signed_payload_that_is_no_object_is_malformed() -> None:
    """Even with a good signature: the signature is not what makes a document a certificate."""
    key, kid = keyed()
    header = b64url_encode(json.dumps({"alg": "EdDSA", "kid": kid}).encode())
    payload = b64url_encode(b"[1, 2]")
    signature = b64url_encode(key.sign(f"{header}.{payload}".encode()))
    assert reason_of(f"{header}.{payload}.{signature}", jwks_of((key, kid))) == "malformed"


def test_huge_input_is_refused_before_decoding() -> None:
    key, kid = keyed()
    assert reason_of("a" * (MAX_JWS + 1), jwks_of((key, kid))) == "malformed"
    with pytest.raises(InvalidInput, match="at most"):
        sign({"a": "x" * MAX_JWS}, key, kid)


def test_peek_shows_what_a_tampered_jws_claims() -> None:
    key, kid = keyed()
    header, _, signature = sign(CERTIFICATE, key, kid).split(".")
    claim = {**CERTIFICATE, "holder": "Someone Else Ltd"}
    tampered = f"{header}.{b64url_encode(json.dumps(claim).encode())}.{signature}"
    assert peek(tampered) == ({"alg": "EdDSA", "kid": kid, "typ": "JOSE"}, claim)
    with pytest.raises(SignatureInvalid) as caught:
        peek("a.b")
    assert caught.value.reason == "malformed"


def test_the_error_is_one_of_the_tree_with_both_languages() -> None:
    key, kid = keyed()
    with pytest.raises(SignatureInvalid) as caught:
        verify(sign(CERTIFICATE, key, kid), jwks_of(keyed()))
    error = caught.value
    assert isinstance(error, LowcarbonError) and isinstance(error, ValueError)
    assert (error.code, error.status, error.reason) == ("signature_invalid", 400, "unknown_key")
    assert error.details is not None and error.details[0]["type"] == "unknown_key"
    assert error.message("zh-CN") == "证书并非由本登记系统的密钥签发。"
    assert error.message("en") in str(error)
    assert all(set(words) == {"en", "zh-CN"} and all(words.values()) for words in REASONS.values())


def test_a_key_set_round_trips_through_its_document() -> None:
    first, second = keyed(), keyed()
    keyset = parse_jwks(json.dumps(jwks_of(second, first)))
    assert isinstance(keyset, KeySet) and set(keyset.keys) == {first[1], second[1]}
    assert parse_jwks(keyset.document()).document() == keyset.document()
    assert [jwk["kid"] for jwk in keyset.document()["keys"]] == sorted([first[1], second[1]])
    assert verify(sign(CERTIFICATE, *first), keyset).payload == CERTIFICATE


@pytest.mark.parametrize(
    ("change", "place"),
    [
        ({"kty": "EC"}, "keys[0].kty"),
        ({"crv": "X25519"}, "keys[0].crv"),
        ({"x": b64url_encode(b"\1" * 31)}, "keys[0].x"),
        ({"x": "not base64!"}, "keys[0].x"),
        ({"kid": None}, "keys[0].kid"),
        ({"use": "enc"}, "keys[0].use"),
        ({"alg": "ES256"}, "keys[0].alg"),
        ({"d": b64url_encode(b"\1" * 32)}, "keys[0].d"),
    ],
)
def test_a_bad_key_in_a_jwks_is_named(change: dict[str, Any], place: str) -> None:
    key, kid = keyed()
    document = {"keys": [{**public_jwk(key.public_key(), kid), **change}]}
    with pytest.raises(DataFormatError) as caught:
        parse_jwks(document)
    assert [problem.place for problem in caught.value.problems] == [place]


def test_jwks_documents_that_are_no_key_set() -> None:
    key, kid = keyed()
    twice = {"keys": [public_jwk(key.public_key(), kid)] * 2}
    for document in ("not json", "[]", '{"keys": {}}', json.dumps(twice), "{" * 300_000):
        with pytest.raises(DataFormatError):
            parse_jwks(document)
