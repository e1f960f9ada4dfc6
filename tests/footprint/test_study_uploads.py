"""New studies as uploaded files (multipart/form-data): the same study as the JSON body gives, and the refusals."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from lowcarbon.footprint import compute
from lowcarbon.footprint.excel import write_excel_starter
from lowcarbon.footprint.stored import MAX_MODEL_CHARS
from lowcarbon.footprint.uploads import MAX_UPLOAD
from lowcarbon.platform.settings import Settings
from support.study_support import (
    PV_MODEL,
    STUDIES_SCOPES,
    accepted,
    client_for,
    count_rows,
    create_product,
    inline,
    refusal,
    seed_client,
    seed_organisation,
    submit,
    upload,
    use_token,
    wait_for,
)


def test_uploaded_yaml_equals_the_json_body(migrated: Settings) -> None:
    """examples/pv-module/model.yaml uploaded by a client gives the study the JSON body gives, and keeps the text."""
    acme = seed_organisation(migrated, "Acme")
    with client_for(inline(migrated)) as machine:
        use_token(machine, seed_client(migrated, acme.id, STUDIES_SCOPES))
        product_id = create_product(machine)
        uploaded = accepted(upload(machine, product_id, "model.yaml", PV_MODEL.read_bytes()))
        sent = submit(machine, product_id, PV_MODEL.read_text(encoding="utf-8"))
        by_file, by_json = wait_for(machine, uploaded["id"], timeout=0), wait_for(machine, sent["id"], timeout=0)
    assert uploaded["model_format"] == "yaml" and by_file["status"] == "done"
    assert by_file["total"] == by_json["total"] == compute(PV_MODEL).total
    assert by_file["result"] == by_json["result"]


def test_uploaded_excel_equals_the_json_body(migrated: Settings, tmp_path: Path) -> None:
    """An Excel model uploaded by a person (CSRF token in the form) gives the total of the same workbook sent as
    base64 in JSON, and of ``lowcarbon footprint`` on the file."""
    acme = seed_organisation(migrated, "Acme")
    workbook = write_excel_starter(tmp_path / "Kettle.xlsx")
    with client_for(inline(migrated), acme.editor) as person:
        product_id = create_product(person)
        csrf = person.headers.pop("X-CSRF-Token")
        uploaded = accepted(upload(person, product_id, "Kettle.xlsx", workbook.read_bytes(), {"csrf_token": csrf}))
        person.headers["X-CSRF-Token"] = csrf
        sent = submit(person, product_id, base64.b64encode(workbook.read_bytes()).decode(), "xlsx")
        by_file, by_json = wait_for(person, uploaded["id"], timeout=0), wait_for(person, sent["id"], timeout=0)
    assert uploaded["model_format"] == "xlsx" and by_file["status"] == "done", by_file
    assert by_file["total"] == by_json["total"] == compute(workbook).total
    assert by_file["result"] == by_json["result"]


def test_the_format_field_or_the_file_name_tells_the_format(migrated: Settings) -> None:
    """The format field names the format (and wins over the name); without it the name's ending tells it; a name
    with another ending, an unknown format, a missing or empty file are 400 invalid_input, and nothing is stored."""
    acme = seed_organisation(migrated, "Acme")
    model = PV_MODEL.read_bytes()
    with client_for(inline(migrated)) as machine:
        use_token(machine, seed_client(migrated, acme.id, STUDIES_SCOPES))
        product_id = create_product(machine)
        named = accepted(upload(machine, product_id, "pv.txt", model, {"format": "yaml"}))
        yml = accepted(upload(machine, product_id, "PV.YML", model))
        refused = {
            "no format": upload(machine, product_id, "pv.txt", model),
            "unknown format": upload(machine, product_id, "model.yaml", model, {"format": "csv"}),
            "no file": machine.post(f"/api/products/{product_id}/studies", files={"format": (None, "yaml")}),
            "empty": upload(machine, product_id, "model.yaml", b""),
            "not UTF-8": upload(machine, product_id, "model.yaml", "name: 光伏".encode("gb18030")),
        }
    assert named["model_format"] == yml["model_format"] == "yaml"
    for case, response in refused.items():
        assert refusal(response) == (400, "invalid_input"), (case, response.text)
    messages = {case: response.json()["error"]["message"] for case, response in refused.items()}
    assert messages["no format"].startswith("cannot tell the format of the file 'pv.txt': name it .yaml, .yml")
    assert messages["unknown format"] == "format 'csv' is not a model format: give yaml, json or xlsx"
    assert messages["no file"] == "send the model file in the form field `file`"
    assert count_rows(migrated, "studies") == 2


@pytest.mark.parametrize(
    ("filename", "size"),
    [
        ("model.yaml", MAX_MODEL_CHARS + 1),  # a byte more than a study keeps
        ("model.xlsx", MAX_MODEL_CHARS // 4 * 3 + 1),  # base64 would be longer than a study keeps
        ("model.json", MAX_UPLOAD + 1),  # refused by its Content-Length, before the form is read
    ],
)
def test_a_file_larger_than_a_study_keeps_is_413(migrated: Settings, filename: str, size: int) -> None:
    """A model file over its format's limit is 413 payload_too_large, with the limit in the message; nothing stored."""
    acme = seed_organisation(migrated, "Acme")
    with client_for(inline(migrated)) as machine:
        use_token(machine, seed_client(migrated, acme.id, STUDIES_SCOPES))
        product_id = create_product(machine)
        response = upload(machine, product_id, filename, b"#" * size)
    assert refusal(response) == (413, "payload_too_large"), response.text
    assert "at most" in response.json()["error"]["message"]
    assert count_rows(migrated, "studies") == 0


def test_a_session_upload_needs_the_csrf_token(migrated: Settings) -> None:
    """With the session cookie, an upload without the CSRF token (header or form field), or with a wrong one, is 403
    csrf_failed; with the token in the header it is accepted."""
    acme = seed_organisation(migrated, "Acme")
    with client_for(inline(migrated), acme.editor) as person:
        product_id = create_product(person)
        csrf = person.headers.pop("X-CSRF-Token")
        refused = [
            upload(person, product_id, "model.yaml", PV_MODEL.read_bytes()),
            upload(person, product_id, "model.yaml", PV_MODEL.read_bytes(), {"csrf_token": "0" * 64}),
            person.post(f"/api/products/{product_id}/studies", files={"csrf_token": ("csrf.txt", csrf.encode())}),
        ]
        person.headers["X-CSRF-Token"] = csrf
        accepted(upload(person, product_id, "model.yaml", PV_MODEL.read_bytes()))
    for response in refused:
        assert refusal(response) == (403, "csrf_failed"), response.text
    assert count_rows(migrated, "studies") == 1


def test_the_json_body_is_validated_and_other_bodies_refused(migrated: Settings) -> None:
    """A JSON body without the model is 422 validation_error at body.model; a body of another type is 415."""
    acme = seed_organisation(migrated, "Acme")
    with client_for(inline(migrated), acme.editor) as person:
        product_id = create_product(person)
        url = f"/api/products/{product_id}/studies"
        missing = person.post(url, json={"format": "yaml"})
        wrong_format = person.post(url, json={"model": PV_MODEL.read_text(encoding="utf-8"), "format": "csv"})
        empty = person.post(url)
        text = person.post(url, content=PV_MODEL.read_bytes(), headers={"Content-Type": "text/yaml"})
    assert refusal(missing) == (422, "validation_error")
    assert missing.json()["error"]["details"][0]["location"] == ["body", "model"]
    assert wrong_format.json()["error"]["details"][0]["location"] == ["body", "format"]
    assert refusal(empty) == (422, "validation_error") and empty.json()["error"]["details"][0]["location"] == ["body"]
    assert refusal(text) == (415, "unsupported_media_type")
    assert count_rows(migrated, "studies") == 0


def test_the_model_file_comes_back_byte_for_byte(migrated: Settings, tmp_path: Path) -> None:
    """GET /api/studies/{id}/model answers the very file uploaded: the YAML text, and the Excel workbook itself."""
    acme, rival = seed_organisation(migrated, "Acme"), seed_organisation(migrated, "Rival")
    workbook = write_excel_starter(tmp_path / "Kettle.xlsx")
    with client_for(inline(migrated), acme.viewer) as viewer, client_for(inline(migrated), acme.editor) as editor:
        product_id = create_product(editor)
        for name, content, media in (
            ("model.yaml", PV_MODEL.read_bytes(), "application/yaml"),
            ("Kettle.xlsx", workbook.read_bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ):
            study = accepted(upload(editor, product_id, name, content))
            response = viewer.get(f"/api/studies/{study['id']}/model")
            assert response.status_code == 200 and response.content == content
            assert response.headers["content-type"].startswith(media)
            suffix = name.rsplit(".", 1)[1]
            assert (
                f'filename="study-{study["id"]}-v{study["version"]}.{suffix}"'
                in response.headers["content-disposition"]
            )
    with client_for(inline(migrated), rival.editor) as other:
        assert other.get(f"/api/studies/{study['id']}/model").status_code == 404
