"""Studies with the factor files their models name: sent in JSON or uploaded, computed as the CLI computes the
files on disk, listed and given back byte for byte; a file missing, one more, or badly named stores nothing."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import pytest

from lowcarbon.footprint import compute
from lowcarbon.footprint.stored import MAX_FILES, MAX_FILES_CHARS, validate
from lowcarbon.platform.settings import Settings
from support.auth_support import audit_entries
from support.study_support import (
    PV_MODEL,
    STUDIES_SCOPES,
    TSHIRT_FACTORS,
    TSHIRT_MODEL,
    accepted,
    client_for,
    count_rows,
    create_product,
    inline,
    refusal,
    seed_client,
    seed_organisation,
    use_token,
    wait_for,
)

EXPECTED = json.loads(json.dumps(compute(TSHIRT_MODEL).to_dict()))
MODEL = TSHIRT_MODEL.read_text(encoding="utf-8")
FACTORS = TSHIRT_FACTORS.read_bytes()


def _json(files: list[dict[str, str]], model: str = MODEL) -> dict[str, Any]:
    return {"model": model, "format": "yaml", "files": files}


def _factors(name: str = "factors.csv") -> dict[str, str]:
    return {"name": name, "content": FACTORS.decode("utf-8")}


def _multipart(client: Any, product_id: int, factor_files: list[tuple[str, bytes]], model: bytes | None = None) -> Any:
    files = [("file", ("model.yaml", model if model is not None else MODEL.encode()))]
    files += [("factor_file", (name, content)) for name, content in factor_files]
    return client.post(f"/api/products/{product_id}/studies", files=files)


def test_json_and_multipart_equal_the_cli(migrated: Settings) -> None:
    """The T-shirt with its factors.csv, sent in JSON (as text and as base64) or uploaded, computes to exactly what
    compute() gives for examples/cotton-tshirt/model.yaml; the audit trail records the file's name and digest."""
    acme = seed_organisation(migrated, "Acme")
    encoded = {"name": "factors.csv", "content": base64.b64encode(FACTORS).decode(), "encoding": "base64"}
    with client_for(inline(migrated)) as machine:
        use_token(machine, seed_client(migrated, acme.id, STUDIES_SCOPES))
        product_id = create_product(machine, "Cotton T-shirt")
        url = f"/api/products/{product_id}/studies"
        sent = [
            accepted(machine.post(url, json=_json([_factors()]))),
            accepted(machine.post(url, json=_json([encoded]))),
            accepted(_multipart(machine, product_id, [("factors.csv", FACTORS)])),
        ]
        studies = [wait_for(machine, study["id"], timeout=0) for study in sent]
        listed = machine.get(f"/api/studies/{sent[2]['id']}/files").json()
    for study in studies:
        assert study["status"] == "done", study
        assert study["result"] == EXPECTED and study["total"] == EXPECTED["total"]
    digest = hashlib.sha256(FACTORS).hexdigest()
    assert listed == [{"name": "factors.csv", "size": len(FACTORS), "sha256": digest}]
    assert count_rows(migrated, "study_files") == 3
    created = [e for e in audit_entries(migrated) if (e.entity, e.action) == ("study", "create")]
    assert [entry.after["files"] for entry in created] == [[{"name": "factors.csv", "sha256": digest}]] * 3


def test_missing_extra_and_badly_named_files_store_nothing(migrated: Settings) -> None:
    """A file the model names but not sent, one sent but not named, and names that are absolute, go up, have a
    backslash or another ending are each refused with 400, listed by name; nothing is stored."""
    acme = seed_organisation(migrated, "Acme")
    with client_for(inline(migrated), acme.editor) as person:
        product_id = create_product(person)
        url = f"/api/products/{product_id}/studies"
        missing = person.post(url, json=_json([]))
        extra = person.post(url, json=_json([_factors(), _factors("other.csv")]))
        not_named = person.post(url, json={"model": PV_MODEL.read_text(encoding="utf-8"), "files": [_factors()]})
        bad = person.post(url, json=_json([_factors(name) for name in ("/etc/f.csv", "../f.csv", "a\\f.csv", "f.zip")]))
        uploaded_extra = _multipart(person, product_id, [("factors.csv", FACTORS), ("more.csv", FACTORS)])
        uploaded_missing = _multipart(person, product_id, [])
        excel_as_text = person.post(url, json=_json([_factors(), {"name": "f.xlsx", "content": "x"}]))
    assert refusal(missing) == (400, "invalid_model")
    (problem,) = missing.json()["error"]["details"]
    assert problem["location"] == ["model", "factor_files"]
    assert problem["message"].startswith("the model names factor files that were not sent with it: factors.csv;")
    for response, name in ((extra, "other.csv"), (uploaded_extra, "more.csv"), (not_named, "factors.csv")):
        assert refusal(response) == (400, "invalid_model"), response.text
        assert [d["location"] for d in response.json()["error"]["details"]] == [["files", name]]
        assert "the model does not name this file" in response.json()["error"]["message"]
    assert refusal(uploaded_missing) == (400, "invalid_model")
    assert refusal(bad) == (400, "invalid_input")
    places = [detail["location"] for detail in bad.json()["error"]["details"]]
    assert places == [["files", "/etc/f.csv"], ["files", "../f.csv"], ["files", "a\\f.csv"], ["files", "f.zip"]]
    assert refusal(excel_as_text) == (400, "invalid_input") and "base64" in excel_as_text.json()["error"]["message"]
    assert count_rows(migrated, "studies") == count_rows(migrated, "study_files") == count_rows(migrated, "jobs") == 0


def test_a_model_naming_a_path_outside_its_folder_is_refused() -> None:
    """The model's own factor_files are checked too: a name going up or absolute is a problem of the model."""
    model = MODEL.replace("factor_files: [factors.csv]", "factor_files: [../factors.csv, /tmp/factors.csv]")
    _, problems = validate(model, "yaml", {})
    assert [p["location"] for p in problems] == [["model", "factor_files"]] * 2
    assert "no .. in it" in problems[0]["message"] and "not an absolute path" in problems[1]["message"]


def test_file_count_and_size_are_bounded() -> None:
    """More than MAX_FILES files, or more than MAX_FILES_CHARS characters together, are refused before reading."""
    many = {f"f{n}.csv": "x" for n in range(MAX_FILES + 1)}
    assert "at most 16" in validate(MODEL, "yaml", many)[1][0]["message"]
    large = {f"f{n}.csv": "x" * (MAX_FILES_CHARS // 3 + 1) for n in range(3)}
    assert "characters together" in validate(MODEL, "yaml", large)[1][0]["message"]


def test_a_bad_factor_table_is_refused_with_its_problems(migrated: Settings) -> None:
    """A factors.csv that is no factor table is 400 invalid_model at files.factors.csv, before anything is stored."""
    acme = seed_organisation(migrated, "Acme")
    with client_for(inline(migrated), acme.editor) as person:
        product_id = create_product(person)
        response = person.post(
            f"/api/products/{product_id}/studies", json=_json([{"name": "factors.csv", "content": "id,name\n"}])
        )
    assert refusal(response) == (400, "invalid_model")
    assert response.json()["error"]["details"][0]["location"] == ["files", "factors.csv"]
    assert count_rows(migrated, "studies") == 0


@pytest.mark.parametrize("name", ["factors.csv", "data/因子.csv"])
def test_a_file_comes_back_byte_for_byte(migrated: Settings, name: str) -> None:
    """GET /api/studies/{id}/files/{name} answers the very bytes sent (a byte order mark and CRLF included) to a
    reader of the organisation; another organisation gets 404, as for a file the study does not have."""
    acme, rival = seed_organisation(migrated, "Acme"), seed_organisation(migrated, "Rival")
    content = b"\xef\xbb\xbf" + FACTORS.replace(b"\n", b"\r\n")
    model = MODEL.replace("factor_files: [factors.csv]", f"factor_files: ['{name}']").replace("factors/", "因子/")
    if name == "factors.csv":
        model = MODEL
    with client_for(inline(migrated), acme.editor) as editor, client_for(inline(migrated), acme.viewer) as viewer:
        product_id = create_product(editor)
        body = {
            "model": model,
            "files": [{"name": name, "content": base64.b64encode(content).decode(), "encoding": "base64"}],
        }
        study = accepted(editor.post(f"/api/products/{product_id}/studies", json=body))
        assert wait_for(editor, study["id"], timeout=0)["total"] == EXPECTED["total"]
        response = viewer.get(f"/api/studies/{study['id']}/files/{name}")
        assert response.status_code == 200 and response.content == content
        assert response.headers["content-type"].startswith("text/csv")
        assert "attachment" in response.headers["content-disposition"]
        assert viewer.get(f"/api/studies/{study['id']}/files/nothing.csv").status_code == 404
    with client_for(inline(migrated), rival.editor) as other:
        for path in (f"/api/studies/{study['id']}/files/{name}", f"/api/studies/{study['id']}/files"):
            assert refusal(other.get(path)) == (404, "not_found")
