"""Certificates anyone can check: the guards on the way to one (closed non-conformities, an opinion the differences
allow, the scheme's criteria), the frozen evidence, the public registry and JWKS (read by an independent JOSE library),
signatures that fail when tampered with, signed by another body or by an unknown key, key rotation, revocation shown
at once and expiry the day after the expiry date. On SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import json
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from jwcrypto import jwk, jws

from lowcarbon.certify import keys, signing
from lowcarbon.certify.certificates import CHINA
from lowcarbon.platform.database import create_engine
from support.certify_support import World, move_data, world

__all__ = ["world"]


def _moves(world: World, caller: str, application_id: int, **data: Any) -> Any:
    return world.call(caller, "POST", f"/api/certify/applications/{application_id}/moves", json=data)


def _code(response: Any) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def test_open_non_conformity_blocks_the_inspection_until_answered_and_closed(world: World) -> None:
    application_id = world.apply()
    world.bring(application_id, "inspection")
    base = f"/api/certify/applications/{application_id}"
    found = world.call("verifier", "POST", f"{base}/findings", json={"severity": "major", "text": "电表未校准"})
    assert found.status_code == 201, found.text
    finding = found.json()["id"]
    assert _code(_moves(world, "verifier", application_id, **move_data("complete_inspection")))[0] == 409
    assert (
        world.call("applicant", "POST", f"{base}/findings", json={"severity": "minor", "text": "x"}).status_code == 403
    )
    assert world.call("verifier", "POST", f"{base}/findings/{finding}/close").status_code == 409  # not answered
    evidence = world.call(
        "applicant",
        "POST",
        f"{base}/documents",
        json={
            "name": "calibration.pdf",
            "media_type": "application/pdf",
            "content_base64": base64.b64encode(b"%PDF-1.4 calibration").decode(),
        },
    )
    assert evidence.status_code == 201, evidence.text
    answer = {"corrective_action": "重新校准", "evidence_id": evidence.json()["id"]}
    assert world.call("applicant", "POST", f"{base}/findings/{finding}/answer", json=answer).status_code == 200
    assert world.call("verifier", "POST", f"{base}/findings/{finding}/close").status_code == 200
    assert _moves(world, "verifier", application_id, **move_data("complete_inspection")).status_code == 200
    document = world.call("verifier", "GET", f"{base}/documents/{evidence.json()['id']}")
    assert document.content == b"%PDF-1.4 calibration"
    assert world.call("stranger", "GET", f"{base}/documents/{evidence.json()['id']}").status_code == 404


def test_checklist_must_be_recorded_and_met(world: World) -> None:
    application_id = world.apply()
    world.bring(application_id, "inspection")
    assert _code(_moves(world, "verifier", application_id, move="complete_inspection"))[0] == 400
    checklist = {**move_data("complete_inspection")["checklist"], "packaging": False}
    assert _moves(world, "verifier", application_id, move="complete_inspection", checklist=checklist).status_code == 200
    world.move("verifier", application_id, "verify")
    world.move("reviewer", application_id, "recommend")
    refused = _moves(world, "decider", application_id, move="grant")
    assert _code(refused) == (409, "conflict") and "packaging" in refused.json()["error"]["message"]
    assert _moves(world, "decider", application_id, move="refuse", note="包装不符合").json()["state"] == "refused"


def _declaring(world: World, declared: float, scheme: str, category: str) -> int:
    body = {
        "body_id": world.organisations["Greenmark Cert"],
        "scheme": scheme,
        "category": category,
        "studies": [{"study_id": world.study_id, "models": ["AT-9"], "declared_value": declared}],
        "producer": "Acme",
        "scope": "T-shirts",
    }
    response = world.call("applicant", "POST", "/api/certify/applications", json=body)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_verification_recomputes_and_a_material_difference_cannot_be_positive(world: World) -> None:
    """The verifier sees the engine's total beside the declared value; 9 declared for the T-shirt's 6.378 is a
    material misstatement: positive is refused, qualified passes, and the low-carbon threshold (8) then fails."""
    application_id = _declaring(world, 9.0, "low-carbon-product", "textile-garments")
    world.bring(application_id, "verification")
    recomputed = world.call("verifier", "GET", f"/api/certify/applications/{application_id}/recomputed").json()
    study = world.call("applicant", "GET", f"/api/studies/{world.study_id}").json()
    assert recomputed[0]["recomputed"] == study["total"] and recomputed[0]["declared_value"] == 9.0
    assert abs(recomputed[0]["relative"] - abs(study["total"] - 9.0) / 9.0) < 1e-12
    assert world.call("applicant", "GET", f"/api/certify/applications/{application_id}/recomputed").status_code == 403
    refused = _moves(world, "verifier", application_id, **move_data("verify"))
    assert _code(refused) == (400, "invalid_input") and "materiality" in refused.json()["error"]["message"]
    loose = _moves(world, "verifier", application_id, **{**move_data("verify"), "materiality": 0.5})
    assert loose.status_code == 200, loose.text  # a 41 % difference is within a 50 % threshold
    world.move("reviewer", application_id, "return_to_verification")
    assert (
        _moves(world, "verifier", application_id, **{**move_data("verify"), "opinion": "qualified"}).status_code == 200
    )
    world.move("reviewer", application_id, "recommend")
    refused = _moves(world, "decider", application_id, move="grant")
    assert _code(refused) == (409, "conflict") and "threshold" in refused.json()["error"]["message"]


def test_an_adverse_opinion_cannot_be_granted(world: World) -> None:
    application_id = world.apply("carbon-footprint-label", "textiles")
    world.bring(application_id, "verification")
    assert _moves(world, "verifier", application_id, **{**move_data("verify"), "opinion": "adverse"}).status_code == 200
    world.move("reviewer", application_id, "recommend")
    assert _code(_moves(world, "decider", application_id, move="grant"))[0] == 409


def test_the_application_keeps_its_frozen_copy(world: World) -> None:
    """A new version of the product after applying changes nothing the body reads or the certificate says."""
    application_id = world.apply("carbon-footprint-label", "textiles")
    before = world.call("verifier", "GET", f"/api/certify/applications/{application_id}").json()["studies"][0]
    product_id = world.call("applicant", "GET", f"/api/studies/{world.study_id}").json()["product_id"]
    model = world.call("applicant", "GET", f"/api/studies/{world.study_id}/model").text.replace(
        "amount: 1\n", "amount: 2\n", 1
    )
    second = world.call(
        "applicant", "POST", f"/api/products/{product_id}/studies", json={"model": model, "files": []}, params={}
    )
    assert second.status_code in (202, 400), second.text
    after = world.call("verifier", "GET", f"/api/certify/applications/{application_id}").json()["studies"][0]
    assert after == before
    world.bring(application_id, "certified")
    number = world.call("applicant", "GET", f"/api/certify/applications/{application_id}").json()["certificate"]
    content = world.call(None, "GET", f"/api/public/certificates/{number}").json()["content"]
    footprint = content["products"][0]["footprint"]
    assert footprint["value"] == before["declared_value"] and footprint["fingerprint"] == before["fingerprint"]


def _tshirt(share: float) -> dict[str, Any]:
    """The T-shirt's model with its first amount times ``share``, and its factor file."""
    import yaml

    from support.study_support import TSHIRT_FACTORS, TSHIRT_MODEL

    model = yaml.safe_load(TSHIRT_MODEL.read_text(encoding="utf-8"))
    activity = model["stages"][0]["activities"][0]
    activity["amount"] = activity["amount"] * share
    files = [{"name": "factors.csv", "content": TSHIRT_FACTORS.read_text(encoding="utf-8")}]
    return {"model": yaml.safe_dump(model, allow_unicode=True), "files": files}


def _jwcrypto_verifies(token: str, jwks_document: dict[str, Any]) -> dict[str, Any]:
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    key = next(k for k in jwks_document["keys"] if k["kid"] == header["kid"])
    verifier = jws.JWS()
    verifier.deserialize(token)
    verifier.verify(jwk.JWK(**key), alg="EdDSA")
    return dict(json.loads(verifier.payload))


def test_public_registry_and_jwks_without_login(world: World) -> None:
    number = world.certificate("carbon-footprint-label", "textiles")
    jwks_document = world.call(None, "GET", "/.well-known/jwks.json").json()
    assert all(k["kty"] == "OKP" and k["crv"] == "Ed25519" and k["kid"] for k in jwks_document["keys"])
    found = world.call(None, "GET", "/api/public/certificates", params={"q": number}).json()
    assert [item["number"] for item in found["items"]] == [number]
    item = found["items"][0]
    assert {"number", "status", "holder", "scheme", "valid_until", "jws"} <= set(item)
    assert (
        item["status"] == "valid" and item["holder"] == "Acme Textiles" and item["scheme"] == "carbon-footprint-label"
    )
    payload = _jwcrypto_verifies(item["jws"], jwks_document)  # an independent JOSE library
    assert payload["number"] == number and payload["products"][0]["footprint"]["declared_unit"] == "1 item"
    one = world.call(None, "GET", f"/api/public/certificates/{number}").json()
    kid = json.loads(base64.urlsafe_b64decode(item["jws"].split(".")[0] + "=="))["kid"]
    assert one["jws"] == item["jws"] and one["signature"] == {"valid": True, "kid": kid}
    assert kid.startswith(f"{world.organisations['Greenmark Cert']}.")
    by_holder = world.call(None, "GET", "/api/public/certificates", params={"q": "acme textiles", "limit": 1}).json()
    assert len(by_holder["items"]) == 1 and by_holder["next"]
    page_two = world.call(None, "GET", by_holder["next"]).json()
    assert page_two["items"] and page_two["items"][0]["number"] != by_holder["items"][0]["number"]
    assert world.call(None, "GET", "/api/public/certificates/NOPE-1").status_code == 404
    assert world.call(None, "GET", "/api/public/certificates", params={"status": "bogus"}).status_code == 422


def _private_key(world: World, kid: str) -> Any:
    engine = create_engine(world.settings)
    try:
        with engine.connect() as connection:
            sealed = connection.execute(
                sa.text("SELECT sealed FROM certify_keys WHERE kid = :k"), {"k": kid}
            ).scalar_one()
    finally:
        engine.dispose()
    return keys.unseal(base64.b64decode(sealed), world.settings.ensure_secret_key().encode(), kid=kid)


def _replace_jws(world: World, number: str, token: str) -> None:
    engine = create_engine(world.settings)
    try:
        with engine.begin() as connection:
            certificate_id = connection.execute(
                sa.text("SELECT id FROM certify_certificates WHERE number = :n"), {"n": number}
            ).scalar_one()
            connection.execute(
                sa.text("UPDATE certify_certificate_revisions SET jws = :j WHERE certificate_id = :c"),
                {"j": token, "c": certificate_id},
            )
    finally:
        engine.dispose()


def test_tampered_foreign_and_unknown_signatures_fail_on_the_public_page(world: World) -> None:
    number = world.certificate("carbon-footprint-label", "textiles")
    public = world.call(None, "GET", f"/api/public/certificates/{number}").json()
    header, payload, signature = public["jws"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["products"][0]["footprint"]["value"] = 1.0
    tampered = ".".join([header, signing.b64url_encode(json.dumps(claims).encode()), signature])
    unknown_key, unknown_kid = keys.new_key()
    unknown = signing.sign(public["content"], unknown_key, f"999.{unknown_kid}")  # a key the registry lacks
    other_kid = world.call("other_body", "POST", "/api/certify/keys/rotate").json()["kid"]
    foreign = signing.sign(public["content"], _private_key(world, other_kid), other_kid)  # another body's, for ours
    cases = {"bad_signature": tampered, "unknown_key": unknown, "wrong_issuer": foreign}
    for reason, token in cases.items():
        _replace_jws(world, number, token)
        shown = world.call(None, "GET", f"/api/public/certificates/{number}").json()
        assert shown["signature"]["valid"] is False and shown["signature"]["reason"] == reason
        page = world.call(None, "GET", f"/verify/{number}")
        assert page.status_code == 200 and 'data-valid="false"' in page.text
    _replace_jws(world, number, public["jws"])
    assert world.call(None, "GET", f"/api/public/certificates/{number}").json()["signature"]["valid"] is True


def test_rotation_keeps_old_certificates_valid(world: World) -> None:
    old = world.certificate("carbon-footprint-label", "textiles")
    old_kid = world.call(None, "GET", f"/api/public/certificates/{old}").json()["signature"]["kid"]
    assert world.call("verifier", "POST", "/api/certify/keys/rotate").status_code == 403  # an admin rotates
    rotated = world.call("decider", "POST", "/api/certify/keys/rotate")
    assert rotated.status_code == 200 and rotated.json()["kid"] != old_kid
    new = world.certificate("carbon-footprint-label", "textiles")
    new_view = world.call(None, "GET", f"/api/public/certificates/{new}").json()
    assert new_view["signature"] == {"valid": True, "kid": rotated.json()["kid"]}
    old_view = world.call(None, "GET", f"/api/public/certificates/{old}").json()
    assert old_view["signature"] == {"valid": True, "kid": old_kid}
    kids = {k["kid"] for k in world.call(None, "GET", "/.well-known/jwks.json").json()["keys"]}
    assert {old_kid, rotated.json()["kid"]} <= kids
    listed = world.call("decider", "GET", "/api/certify/keys").json()
    assert [k["kid"] for k in listed if k["retired_at"] is None] == [rotated.json()["kid"]]


def test_revocation_shows_at_once_and_expiry_the_day_after(world: World) -> None:
    number = world.certificate("carbon-footprint-label", "textiles")
    page = world.call(None, "GET", f"/verify/{number}")
    assert 'data-status="valid"' in page.text
    response = world.call("verifier", "POST", f"/api/certify/certificates/{number}/moves", json=move_data("revoke"))
    assert response.status_code == 200
    assert 'data-status="revoked"' in world.call(None, "GET", f"/verify/{number}").text
    assert world.call(None, "GET", f"/api/public/certificates/{number}").json()["status"] == "revoked"

    valid = world.certificate("carbon-footprint-label", "textiles")
    until = date.fromisoformat(world.call(None, "GET", f"/api/public/certificates/{valid}").json()["valid_until"])
    saved = world.clock.now
    try:
        world.clock.now = datetime.combine(until, datetime.max.time().replace(microsecond=0), CHINA)
        assert world.call(None, "GET", f"/api/public/certificates/{valid}").json()["status"] == "valid"
        world.clock.now += timedelta(seconds=1)  # 00:00 the next day in China
        assert world.call(None, "GET", f"/api/public/certificates/{valid}").json()["status"] == "expired"
        expired = world.call(None, "GET", "/api/public/certificates", params={"status": "expired", "q": valid}).json()
        assert [item["number"] for item in expired["items"]] == [valid]
    finally:
        world.clock.now = saved
