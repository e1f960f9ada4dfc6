"""What an inventory's verification and a CMS evaluation end with, and what they refuse, over HTTP on SQLite and
PostgreSQL: the materiality decides which opinions the verifier may give; the statement and the certificate are
signed with the body's certificate key, verify with the published JWKS and stop verifying when changed; they read
in Chinese and English as HTML and PDF; bad input is a 4xx with a stable code and nothing is stored."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lowcarbon.certify import certificates, signing
from lowcarbon.cli import app as lowcarbon
from lowcarbon.platform.database import create_engine, session_factory
from support.certify_support import World, world
from support.engagement_support import TOP, URLS, bring, move, sample, start

__all__ = ["world"]

VERIFICATIONS = URLS["verification"]
EVALUATIONS = URLS["evaluation"]


def _error(response: object) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]  # type: ignore[attr-defined]


def _at_work(world: World) -> tuple[int, int]:
    engagement_id, activity_id = start(world, "verification")
    bring(world, "verification", engagement_id, "verification", activity_id)
    assert sample(world, engagement_id, activity_id).status_code == 201
    return engagement_id, activity_id


def _finding(world: World, engagement_id: int, **body: object) -> dict[str, object]:
    response = world.call("verifier", "POST", f"{VERIFICATIONS}/{engagement_id}/findings", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_material_misstatements_refuse_a_positive_opinion_until_corrected(world: World) -> None:
    """5 % materiality of the worked example's total: a misstatement above it bars a positive opinion (400) and is
    shown in the assessment; once corrected, the opinion may be positive."""
    engagement_id, _ = _at_work(world)
    view = world.call("verifier", "GET", f"{VERIFICATIONS}/{engagement_id}").json()
    total = view["inventory"]["total"]
    assert view["assessment"]["threshold_t"] == pytest.approx(total * 0.05)
    above = round(total * 0.06, 3)
    finding = _finding(
        world, engagement_id, kind="misstatement", text="电表读数重复计入 double-counted", amount_t=above
    )
    view = world.call("verifier", "GET", f"{VERIFICATIONS}/{engagement_id}").json()
    assert view["assessment"]["material"] is True and view["assessment"]["uncorrected_t"] == pytest.approx(above)
    refused = world.call(
        "verifier", "POST", f"{VERIFICATIONS}/{engagement_id}/moves", json={"move": "conclude", "opinion": "positive"}
    )
    assert _error(refused) == (400, "invalid_input") and "materiality" in refused.json()["error"]["message"]
    assert world.call("verifier", "GET", f"{VERIFICATIONS}/{engagement_id}").json()["state"] == "verification"
    corrected = world.call(
        "verifier",
        "POST",
        f"{VERIFICATIONS}/{engagement_id}/findings/{finding['id']}/correct",
        json={"correction": "the March reading was removed from the inventory"},
    )
    assert corrected.status_code == 200 and corrected.json()["status"] == "corrected"
    again = world.call(
        "verifier",
        "POST",
        f"{VERIFICATIONS}/{engagement_id}/findings/{finding['id']}/correct",
        json={"correction": "x"},
    )
    assert _error(again) == (409, "conflict")
    concluded = move(world, "verification", "verifier", engagement_id, "conclude")
    assert concluded["state"] == "review" and concluded["conclusion"]["opinion"] == "positive"
    assert concluded["conclusion"]["assessment"]["corrected_t"] == pytest.approx(above)


def test_a_qualified_statement_says_so_and_verifies(world: World) -> None:
    """Uncorrected misstatements above materiality: the verifier concludes qualified; the reviewer issues; the
    statement is signed by the body's key, verifies with the JWKS, names the opinion and the misstatements, and
    reads in Chinese and English, HTML and PDF, without an account."""
    engagement_id, _ = _at_work(world)
    total = world.call("verifier", "GET", f"{VERIFICATIONS}/{engagement_id}").json()["inventory"]["total"]
    _finding(world, engagement_id, kind="misstatement", text="understated diesel", amount_t=-round(total * 0.1, 3))
    _finding(world, engagement_id, kind="nonconformity", text="无校准记录 no calibration records")
    move(world, "verification", "verifier", engagement_id, "conclude", opinion="qualified", basis="Diesel understated.")
    view = move(world, "verification", "reviewer", engagement_id, "issue")
    number = view["statement"]
    assert number.startswith("VS-")
    public = world.call(None, "GET", f"/api/inventory/statements/{number}")
    assert public.status_code == 200
    found = public.json()
    content = found["content"]
    assert found["signature"]["valid"] is True and found["signature"]["kid"].startswith(f"{content['body']['id']}.")
    assert content["opinion"] == "qualified" and content["material"] is True
    assert content["uncorrected_misstatements_t"] == pytest.approx(round(total * 0.1, 3))
    assert content["inventory"]["total"] == pytest.approx(total) and content["assurance"] == "reasonable"
    assert content["verification_standard"] == "ISO 14064-3:2019" and content["findings"] == {"total": 2, "open": 2}
    assert content["verify_url"].endswith(f"/inventory/statements/{number}")
    jwks = world.call(None, "GET", "/.well-known/jwks.json").json()
    verified = certificates.verify_certificate(found["jws"], jwks)
    assert verified.payload == content
    chinese = world.call(None, "GET", f"/api/inventory/statements/{number}/statement.html?lang=zh-CN")
    assert chinese.status_code == 200 and "温室气体核查声明" in chinese.text and "保留意见" in chinese.text
    assert "示例电机有限公司" in chinese.text  # the organisation as the inventory reports it, in Chinese
    assert content["inventory"]["organisation"] == "Example Motors Co., Ltd."
    english = world.call(None, "GET", f"/api/inventory/statements/{number}/statement.html?lang=en")
    assert "Greenhouse gas verification statement" in english.text and "The signature verifies" in english.text
    pdf = world.call(None, "GET", f"/api/inventory/statements/{number}/statement.pdf?lang=zh-CN")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def _tampered(jws: str, change: dict[str, object]) -> str:
    header, payload, signature = jws.split(".")
    content = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    content.update(change)
    encoded = signing.b64url_encode(json.dumps(content, separators=(",", ":")).encode())
    return f"{header}.{encoded}.{signature}"


def test_a_changed_statement_does_not_verify(world: World) -> None:
    """The statement's JWS with its total or opinion changed is a bad signature; naming another body, the wrong
    issuer; and the registry says so when the stored content differs from what was signed."""
    engagement_id, activity_id = start(world, "verification")
    assert bring(world, "verification", engagement_id, "issued", activity_id)["issue"] == "reviewer"
    number = world.call("applicant", "GET", f"{VERIFICATIONS}/{engagement_id}").json()["statement"]
    found = world.call(None, "GET", f"/api/inventory/statements/{number}").json()
    jwks = world.call(None, "GET", "/.well-known/jwks.json").json()
    for change in ({"opinion": "adverse"}, {"inventory": {**found["content"]["inventory"], "total": 1.0}}):
        with pytest.raises(signing.SignatureInvalid) as refused:
            certificates.verify_certificate(_tampered(found["jws"], change), jwks)
        assert refused.value.reason == "bad_signature"
    header, payload, _ = found["jws"].split(".")
    with pytest.raises(signing.SignatureInvalid) as refused:
        signing.verify(f"{header}.{payload}.{signing.b64url_encode(bytes(64))}", jwks)
    assert refused.value.reason == "bad_signature"
    with pytest.raises(signing.SignatureInvalid) as refused:
        certificates.verify_certificate(_tampered(found["jws"], {"body": {"id": 999999, "name": "Forger"}}), jwks)
    assert refused.value.reason == "bad_signature"
    engine = create_engine(world.settings)
    try:
        with session_factory(engine).begin() as session:
            kid = found["signature"]["kid"]
            changed = {**found["content"], "opinion": "adverse"}
            assert certificates.signature_of(session, found["jws"], changed, kid) == {
                "valid": False,
                "kid": kid,
                "reason": "content_differs",
            }
            assert certificates.signature_of(session, found["jws"], found["content"], kid)["valid"] is True
    finally:
        engine.dispose()


def test_evaluation_gaps_need_corrective_actions_before_the_certificate(world: World) -> None:
    """The body scores a requirement below the gap score: the certificate is refused (409) until the organisation
    plans a corrective action for it; a gap that is none is 400; the signed certificate lists the gap and its
    action, the maturity level and the scores by clause, and verifies."""
    engagement_id, _ = start(world, "evaluation")
    own = {**TOP, "suppliers.1": 3}
    move(world, "evaluation", "applicant", engagement_id, "submit", scores=own)
    move(world, "evaluation", "verifier", engagement_id, "accept")
    scores = {**TOP, "audit.1": 1}
    evidence = {rid: "审核记录 audit records" for rid in scores}
    view = move(world, "evaluation", "verifier", engagement_id, "evaluate", scores=scores, evidence=evidence)
    gaps = [gap["requirement"] for gap in view["conclusion"]["evaluation"]["gaps"]]
    assert gaps == ["audit.1"]
    assert view["self_assessment"]["evaluation"]["percent"] > 0 and "audit" in view["conclusion"]["difference"]
    refused = world.call("reviewer", "POST", f"{EVALUATIONS}/{engagement_id}/moves", json={"move": "certify"})
    assert _error(refused) == (409, "conflict") and "audit.1" in refused.json()["error"]["message"]
    not_a_gap = world.call(
        "applicant", "PUT", f"{EVALUATIONS}/{engagement_id}/actions", json={"actions": {"policy.1": "x"}}
    )
    assert _error(not_a_gap) == (400, "invalid_input")
    by_body = world.call(
        "verifier", "PUT", f"{EVALUATIONS}/{engagement_id}/actions", json={"actions": {"audit.1": "x"}}
    )
    assert _error(by_body) == (403, "forbidden")
    planned = world.call(
        "applicant",
        "PUT",
        f"{EVALUATIONS}/{engagement_id}/actions",
        json={"actions": {"audit.1": "每年内审 yearly internal audit"}},
    )
    assert planned.status_code == 200 and planned.json()["actions"] == {"audit.1": "每年内审 yearly internal audit"}
    certified = move(world, "evaluation", "reviewer", engagement_id, "certify")
    number = certified["statement"]
    assert number.startswith("CMS-")
    found = world.call(None, "GET", f"/api/inventory/statements/{number}").json()
    content = found["content"]
    assert found["signature"]["valid"] is True
    assert content["gaps"] == [
        {"requirement": "audit.1", "clause": "audit", "score": 1, "action": "每年内审 yearly internal audit"}
    ]
    assert content["requirement_set"]["status"] == "illustrative" and content["level"] >= 1
    html = world.call(None, "GET", f"/api/inventory/statements/{number}/statement.html?lang=zh-CN").text
    assert "碳管理体系评价证书" in html and "示例性" in html


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"move": "accept"}, 400, "invalid_input"),  # no assurance, no materiality
        ({"move": "accept", "assurance": "reasonable", "materiality_percent": 0}, 400, "invalid_input"),
        ({"move": "accept", "assurance": "reasonable", "materiality_percent": 101}, 400, "invalid_input"),
        ({"move": "accept", "assurance": "absolute", "materiality_percent": 5}, 422, "validation_error"),
        ({"move": "accept", "assurance": "limited", "materiality_percent": 5, "extra": 1}, 422, "validation_error"),
        ({"move": "decline"}, 400, "invalid_input"),  # no note
        ({"move": "conclude", "opinion": "positive"}, 409, "illegal_transition"),
    ],
)
def test_bad_moves_are_refused_and_change_nothing(
    world: World, body: dict[str, object], status: int, code: str
) -> None:
    engagement_id, _ = start(world, "verification")
    response = world.call("verifier", "POST", f"{VERIFICATIONS}/{engagement_id}/moves", json=body)
    assert _error(response) == (status, code), response.text
    view = world.call("applicant", "GET", f"{VERIFICATIONS}/{engagement_id}").json()
    assert view["state"] == "requested" and view["moves"] == [] and view["terms"] is None


def test_bad_samples_findings_and_requests(world: World) -> None:
    engagement_id, activity_id = _at_work(world)
    url = f"{VERIFICATIONS}/{engagement_id}"
    cases = [
        ("POST", f"{url}/findings", {"kind": "misstatement", "text": "no amount"}, (400, "invalid_input")),
        ("POST", f"{url}/findings", {"kind": "misstatement", "text": "zero", "amount_t": 0}, (400, "invalid_input")),
        ("POST", f"{url}/findings", {"kind": "nonconformity", "text": "amount", "amount_t": 2}, (400, "invalid_input")),
        ("POST", f"{url}/findings", {"kind": "opinion", "text": "x"}, (422, "validation_error")),
        ("POST", f"{url}/findings", {"kind": "nonconformity", "text": "x", "sample_id": 999999}, (404, "not_found")),
        ("POST", f"{url}/samples", {"activity_id": 999999, "evidence": "bills"}, (404, "not_found")),
        ("POST", f"{url}/samples", {"activity_id": activity_id, "evidence": ""}, (422, "validation_error")),
        (
            "POST",
            f"{url}/samples",
            {"activity_id": activity_id, "evidence": "x", "document": {"name": "a.pdf", "content_base64": "%%%"}},
            (400, "invalid_input"),
        ),
        ("POST", VERIFICATIONS, {"inventory_id": 999999, "body_id": 1}, (400, "invalid_input")),
        (
            "POST",
            EVALUATIONS,
            {"body_id": world.organisations["Greenmark Cert"], "requirement_set": "../../etc/passwd"},
            (400, "invalid_input"),
        ),
        (
            "POST",
            EVALUATIONS,
            {"body_id": world.organisations["Acme Textiles"], "requirement_set": "lowcarbon-illustrative-1"},
            (400, "invalid_input"),
        ),
    ]
    before = world.call("verifier", "GET", url).json()
    for method, path, body, expected in cases:
        caller = "applicant" if path in (VERIFICATIONS, EVALUATIONS) else "verifier"
        response = world.call(caller, method, path, json=body)
        assert _error(response) == expected, (path, body, response.text)
    after = world.call("verifier", "GET", url).json()
    assert (after["samples"], after["findings"]) == (before["samples"], before["findings"])
    assert world.call(None, "GET", "/api/inventory/statements/VS-1999-00001").status_code == 404


def test_an_inventory_is_verified_once_at_a_time_and_evidence_files_are_kept(world: World) -> None:
    engagement_id, activity_id = _at_work(world)
    view = world.call("applicant", "GET", f"{VERIFICATIONS}/{engagement_id}").json()
    twice = world.call(
        "applicant",
        "POST",
        VERIFICATIONS,
        json={"inventory_id": view["inventory"]["id"], "body_id": world.organisations["Greenmark Cert"]},
    )
    assert _error(twice) == (409, "conflict")
    document = {"name": "bills.pdf", "content_base64": base64.b64encode(b"%PDF-1.4 bills").decode()}
    added = sample(world, engagement_id, activity_id, document=document)
    assert added.status_code == 201 and added.json()["document_sha256"]
    got = world.call("applicant", "GET", f"{VERIFICATIONS}/{engagement_id}/samples/{added.json()['id']}/document")
    assert got.status_code == 200 and got.content == b"%PDF-1.4 bills"


def test_the_verify_command_checks_a_statement(world: World, tmp_path: Path) -> None:
    """``lowcarbon certificate verify`` checks a statement as it checks a certificate, with the published JWKS."""
    engagement_id, activity_id = start(world, "verification")
    bring(world, "verification", engagement_id, "issued", activity_id)
    number = world.call("applicant", "GET", f"{VERIFICATIONS}/{engagement_id}").json()["statement"]
    found = world.call(None, "GET", f"/api/inventory/statements/{number}").json()
    (tmp_path / "jwks.json").write_text(world.call(None, "GET", "/.well-known/jwks.json").text)
    (tmp_path / "statement.json").write_text(json.dumps(found, ensure_ascii=False))
    command = ["certificate", "verify", str(tmp_path / "statement.json"), "--jwks", str(tmp_path / "jwks.json")]
    result = CliRunner().invoke(lowcarbon, command)
    assert result.exit_code == 0, result.output
    assert f"Verification statement {number}" in result.output and "Acme Textiles" in result.output
    (tmp_path / "statement.json").write_text(json.dumps({**found, "jws": _tampered(found["jws"], {"opinion": "x"})}))
    result = CliRunner().invoke(lowcarbon, command)
    assert result.exit_code == 1 and "bad_signature" in result.output
