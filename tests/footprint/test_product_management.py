"""Managing products over the API, on SQLite and PostgreSQL: rename (unique per organisation), archive and restore
(hidden from the list, no new version, studies kept), and a note on each version; every change audited."""

from __future__ import annotations

from lowcarbon.platform.settings import Settings
from support.auth_support import audit_entries, audit_verifies
from support.study_support import (
    PV_MODEL,
    client_for,
    create_product,
    inline,
    refusal,
    seed_organisation,
    submit,
)


def _names(client: object, query: str = "") -> list[str]:
    return [item["name"] for item in client.get(f"/api/products{query}").json()["items"]]  # type: ignore[attr-defined]


def test_a_product_is_renamed_with_a_name_unique_in_its_organisation(migrated: Settings) -> None:
    ours, theirs = seed_organisation(migrated, "Sunrise PV"), seed_organisation(migrated, "Other Co")
    with client_for(migrated, theirs.editor) as other:
        create_product(other, "Panel B")  # another organisation's name is no conflict
    with client_for(migrated, ours.editor) as client:
        first, second = create_product(client, "Panel A"), create_product(client, "Panel C")
        renamed = client.patch(f"/api/products/{first}", json={"name": " Panel B "})
        assert renamed.status_code == 200 and renamed.json()["name"] == "Panel B", renamed.text
        assert refusal(client.patch(f"/api/products/{second}", json={"name": "Panel B"})) == (409, "conflict")
        assert refusal(client.patch(f"/api/products/{second}", json={"name": ""})) == (422, "validation_error")
        assert client.patch(f"/api/products/{first}", json={"name": "Panel B"}).status_code == 200  # unchanged
        assert sorted(_names(client)) == ["Panel B", "Panel C"]
    with client_for(migrated, ours.viewer) as viewer:
        assert refusal(viewer.patch(f"/api/products/{first}", json={"name": "X"})) == (403, "forbidden")
    with client_for(migrated, theirs.editor) as other:
        assert refusal(other.patch(f"/api/products/{first}", json={"name": "X"})) == (404, "not_found")
    renames = [e for e in audit_entries(migrated) if e.action == "rename"]
    assert [(e.entity, e.before["name"], e.after["name"]) for e in renames] == [("product", "Panel A", "Panel B")]
    assert audit_verifies(migrated)


def test_an_archived_product_is_hidden_takes_no_version_and_keeps_its_studies(migrated: Settings) -> None:
    settings = inline(migrated)
    ours = seed_organisation(settings, "Sunrise PV")
    model = PV_MODEL.read_text(encoding="utf-8")
    with client_for(settings, ours.editor) as client:
        product = create_product(client, "PV module")
        create_product(client, "Inverter")
        study = submit(client, product, model)
        archived = client.post(f"/api/products/{product}/archive")
        assert archived.status_code == 200 and archived.json()["archived_at"] is not None, archived.text
        assert _names(client) == ["Inverter"]
        assert _names(client, "?archived=true") == ["PV module"]
        refused = client.post(f"/api/products/{product}/studies", json={"model": model, "format": "yaml"})
        assert refusal(refused) == (409, "conflict") and "restore" in refused.json()["error"]["message"]
        assert client.get(f"/api/studies/{study['id']}").json()["status"] == "done"  # its studies stay
        assert client.get(f"/api/products/{product}/studies").json()["items"][0]["id"] == study["id"]
        assert client.post(f"/api/products/{product}/archive").status_code == 200  # again: nothing changes
        restored = client.post(f"/api/products/{product}/restore")
        assert restored.status_code == 200 and restored.json()["archived_at"] is None
        assert sorted(_names(client)) == ["Inverter", "PV module"] and _names(client, "?archived=true") == []
        assert submit(client, product, model)["version"] == 2
    actions = [e.action for e in audit_entries(settings) if e.entity == "product"]
    assert actions == ["create", "create", "archive", "restore"]
    assert audit_verifies(settings)


def test_a_note_on_each_version(migrated: Settings) -> None:
    settings = inline(migrated)
    ours, theirs = seed_organisation(settings, "Sunrise PV"), seed_organisation(settings, "Other Co")
    with client_for(settings, ours.editor) as client:
        product = create_product(client)
        study = submit(client, product, PV_MODEL.read_text(encoding="utf-8"))
        assert study["note"] is None
        noted = client.put(f"/api/studies/{study['id']}/note", json={"note": "  硅片来自供应商 EPD\nchecked  "})
        assert noted.status_code == 200 and noted.json()["note"] == "硅片来自供应商 EPD\nchecked", noted.text
        assert client.get(f"/api/studies/{study['id']}").json()["note"] == "硅片来自供应商 EPD\nchecked"
        listed = client.get(f"/api/products/{product}/studies").json()["items"]
        assert listed[0]["note"] == "硅片来自供应商 EPD\nchecked"
        assert refusal(client.put(f"/api/studies/{study['id']}/note", json={"note": "x" * 2001})) == (
            422,
            "validation_error",
        )
        assert client.put(f"/api/studies/{study['id']}/note", json={"note": ""}).json()["note"] is None
    with client_for(settings, ours.viewer) as viewer:
        assert refusal(viewer.put(f"/api/studies/{study['id']}/note", json={"note": "x"})) == (403, "forbidden")
    with client_for(settings, theirs.editor) as other:
        assert refusal(other.put(f"/api/studies/{study['id']}/note", json={"note": "x"})) == (404, "not_found")
    notes = [e for e in audit_entries(settings) if e.action == "note"]
    assert [(e.before["note"], e.after["note"]) for e in notes] == [
        (None, "硅片来自供应商 EPD\nchecked"),
        ("硅片来自供应商 EPD\nchecked", None),
    ]
    assert audit_verifies(settings)
