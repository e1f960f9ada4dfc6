"""Bad input to the certification API is a 4xx with a stable code and stores nothing: an unknown scheme or
category, an organisation that is no certification body, a study of another organisation, a document that is not
base64, a finding of no known severity, a move with what it needs missing. On SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from support.certify_support import World, world
from support.study_support import count_rows

__all__ = ["world"]


def _application(world: World, **change: Any) -> Any:
    body = {
        "body_id": world.organisations["Greenmark Cert"],
        "scheme": "carbon-footprint-label",
        "category": "textiles",
        "studies": [{"study_id": world.study_id, "models": ["AT-1"]}],
        "producer": "Acme",
        "scope": "T-shirts",
    } | change
    return world.call("applicant", "POST", "/api/certify/applications", json=body)


def _refused(response: Any) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def test_bad_applications_store_nothing(world: World) -> None:
    before = count_rows(world.settings, "certify_applications")
    assert _refused(_application(world, scheme="no-such-scheme")) == (404, "not_found")
    assert _refused(_application(world, category="bicycles")) == (404, "not_found")
    assert _refused(_application(world, body_id=world.organisations["Rival Textiles"])) == (400, "invalid_input")
    assert _refused(_application(world, studies=[])) == (422, "validation_error")
    assert _refused(_application(world, producer="Acme\x00")) == (422, "validation_error")
    assert _refused(_application(world, studies=[{"study_id": world.study_id, "models": []}]))[0] == 422
    stranger = world.call(
        "stranger",
        "POST",
        "/api/certify/applications",
        json={
            "body_id": world.organisations["Greenmark Cert"],
            "scheme": "carbon-footprint-label",
            "category": "textiles",
            "studies": [{"study_id": world.study_id, "models": ["X"]}],
            "producer": "Rival",
            "scope": "T",
        },
    )
    assert _refused(stranger) == (404, "not_found")  # another organisation's study
    assert count_rows(world.settings, "certify_applications") == before
    assert count_rows(world.settings, "certify_frozen_studies") == before


def test_bad_documents_findings_and_moves_change_nothing(world: World) -> None:
    application = world.apply()
    base = f"/api/certify/applications/{application}"
    documents = count_rows(world.settings, "certify_documents")
    bad = world.call("applicant", "POST", f"{base}/documents", json={"name": "x.pdf", "content_base64": "%%%"})
    assert _refused(bad) == (400, "invalid_input")
    assert count_rows(world.settings, "certify_documents") == documents
    world.move("verifier", application, "accept")
    finding = world.call("verifier", "POST", f"{base}/findings", json={"severity": "fatal", "text": "x"})
    assert _refused(finding) == (422, "validation_error")
    reject = world.call("verifier", "POST", f"{base}/moves", json={"move": "request_documents"})  # needs a note
    assert _refused(reject) == (400, "invalid_input")
    view = world.call("applicant", "GET", base).json()
    assert view["state"] == "document_review" and view["findings"] == [] and len(view["moves"]) == 1
