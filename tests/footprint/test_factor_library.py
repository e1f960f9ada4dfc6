"""The organisation's own factor library over the API: files added once (checked whole), listed, read, deleted, by
role and by scope; the factors a study links from it, copied into the study so that it computes the same whatever
later happens to the library; and another organisation neither seeing nor using them."""

from __future__ import annotations

import hashlib

import pytest

from lowcarbon.factors import shipped_sets
from lowcarbon.footprint import service
from lowcarbon.footprint.stored import compute_stored
from lowcarbon.platform.database import create_engine, session_factory
from lowcarbon.platform.jobs import LocalProcessPoolRunner
from lowcarbon.platform.settings import Settings
from support.auth_support import audit_entries, audit_verifies
from support.library_support import (
    BRACKET_MODEL,
    BRACKET_TOTAL,
    NEW_STEEL_CSV,
    STEEL_BAR_AR6,
    STEEL_CSV,
    STEEL_SET,
    send_file,
    upload_file,
    workbook,
)
from support.study_support import (
    STUDIES_SCOPES,
    client_for,
    count_rows,
    create_product,
    inline,
    refusal,
    seed_client,
    seed_organisation,
    submit,
    use_token,
    wait_for,
)


def _recomputed(settings: Settings, study_id: int) -> float:
    """The study's total computed again as its job computes it: from what the study keeps (the inputs hook)."""
    engine = create_engine(settings)
    try:
        with session_factory(engine)() as session:
            inputs = service.stored_inputs(session, {"study_id": study_id})
    finally:
        engine.dispose()
    return float(compute_stored(inputs)["total"])


def test_editors_add_files_every_role_reads_them_and_admins_delete_them(migrated: Settings) -> None:
    """An editor uploads a CSV file (201, its factor count, its Location); every role lists and reads it, byte for
    byte; a viewer may not add nor delete (403); an admin deletes it (204), after which it is gone (404). Each
    change is one audit entry with the file's digest, not its content."""
    acme = seed_organisation(migrated, "Acme")
    with client_for(migrated, acme.editor) as editor:
        added = upload_file(editor, f"{STEEL_SET}.csv", STEEL_CSV)
        assert added.status_code == 201, added.text
        file = added.json()
        assert added.headers["location"] == f"/api/factor-files/{file['id']}"
        assert (file["factor_set"], file["name"], file["factors"]) == (STEEL_SET, "acme-steel.csv", 2)
        assert file["sha256"] == hashlib.sha256(STEEL_CSV.encode()).hexdigest() and file["size"] == len(
            STEEL_CSV.encode()
        )
        assert (file["created_by"], file["created_by_client"]) == (2, None)
    with client_for(migrated, acme.viewer) as viewer:
        assert viewer.get("/api/factor-files").json() == {"items": [file], "next": None}
        assert viewer.get(f"/api/factor-files/{file['id']}").json() == file
        content = viewer.get(f"/api/factor-files/{file['id']}/content")
        assert content.content == STEEL_CSV.encode() and content.headers["content-type"].startswith("text/csv")
        assert refusal(upload_file(viewer, "more.csv", NEW_STEEL_CSV)) == (403, "forbidden")
        assert refusal(viewer.delete(f"/api/factor-files/{file['id']}")) == (403, "forbidden")
    with client_for(migrated, acme.admin) as admin:
        assert admin.delete(f"/api/factor-files/{file['id']}").status_code == 204
        assert refusal(admin.get(f"/api/factor-files/{file['id']}")) == (404, "not_found")
        assert refusal(admin.delete(f"/api/factor-files/{file['id']}")) == (404, "not_found")
    entries = [e for e in audit_entries(migrated) if e.entity == "library_file"]
    assert [(e.action, e.entity_id) for e in entries] == [("create", str(file["id"])), ("delete", str(file["id"]))]
    assert entries[0].after["sha256"] == file["sha256"] and "content" not in entries[0].after
    assert entries[1].before == entries[0].after and entries[1].after is None
    assert audit_verifies(migrated)


def test_files_come_as_json_text_base64_excel_and_gb18030(migrated: Settings) -> None:
    """A file comes in a JSON body too: CSV text, an Excel workbook in base64 under a factor set of its own, and a
    CSV file in GB18030 as Chinese Excel saves it, whose name has a space; each comes back byte for byte."""
    acme = seed_organisation(migrated, "Acme")
    excel = workbook(
        [["id", "name", "unit", "geography", "source", "kg_CO2"], ["pp", "Polypropylene", "kg", "CN", "S", 1.9]]
    )
    chinese = "编号,名称,单位,地理范围,来源,kg_CO2\npe,聚乙烯,kg,CN,供应商,2.1\n".encode("gb18030")
    with client_for(migrated, acme.editor) as client:
        as_text = send_file(client, "steel.csv", STEEL_CSV)
        as_excel = send_file(client, "Plastics 2024.xlsx", excel, factor_set="plastics-2024")
        as_gbk = upload_file(client, "塑料 2024.csv", chinese)
        for response, factors in ((as_text, 2), (as_excel, 1), (as_gbk, 1)):
            assert response.status_code == 201, response.text
            assert response.json()["factors"] == factors
        assert [as_text.json()["factor_set"], as_excel.json()["factor_set"], as_gbk.json()["factor_set"]] == [
            "steel",
            "plastics-2024",
            "塑料-2024",  # the file's name, a dash for its space
        ]
        for response, sent in ((as_excel, excel), (as_gbk, chinese)):
            assert client.get(f"/api/factor-files/{response.json()['id']}/content").content == sent
        found = client.get("/api/factors", params={"q": "聚乙烯", "limit": 100}).json()["items"]
        assert [item["key"] for item in found if item["own"]] == ["塑料-2024/pe"]


def test_a_file_is_checked_whole_and_every_problem_told(migrated: Settings) -> None:
    """A file with problems in its header and several rows is refused with 400 invalid_factor_file listing each
    (row and column as the spreadsheet shows them), a gas no GWP set knows among them; a file that is not CSV or
    Excel, or Excel sent as text, is 400 invalid_input; nothing is kept."""
    acme = seed_organisation(migrated, "Acme")
    broken = (
        "id,name,unit,geography,source,kg_CO2,colour\na,A,kg,CN,S,abc,red\nb,B,blorbs,CN,S,1,blue\nc,C,kg,CN,,1,green\n"
    )
    unknown_gas = "id,name,unit,geography,source,kg_XYZ\nx,X,kg,CN,S,1\n"
    with client_for(migrated, acme.editor) as client:
        refused = upload_file(client, "broken.csv", broken)
        assert refusal(refused) == (400, "invalid_factor_file")
        places = [tuple(problem["location"]) for problem in refused.json()["error"]["details"]]
        assert places == [
            ("file", "row 1, column colour"),
            ("file", "row 2, column kg_CO2"),
            ("file", "row 3, column unit"),
            ("file", "row 4, column source"),
        ]
        gas = upload_file(client, "gases.csv", unknown_gas)
        assert refusal(gas) == (400, "invalid_factor_file")
        assert gas.json()["error"]["details"][0]["location"] == ["file", "factor x"]
        assert "XYZ" in gas.json()["error"]["details"][0]["message"]
        assert refusal(upload_file(client, "factors.txt", STEEL_CSV)) == (400, "invalid_input")
        assert refusal(send_file(client, "factors.xlsx", "id,name")) == (400, "invalid_input")
        assert refusal(upload_file(client, "steel.csv", STEEL_CSV, factor_set="my steel")) == (400, "invalid_input")
    assert count_rows(migrated, "library_files") == 0


def test_a_set_name_that_is_taken_is_a_conflict(migrated: Settings) -> None:
    """A factor set that ships with lowcarbon, or that the library has already, is 409; another name is not."""
    acme = seed_organisation(migrated, "Acme")
    shipped = shipped_sets()[0]
    with client_for(migrated, acme.editor) as client:
        assert refusal(upload_file(client, f"{shipped}.csv", STEEL_CSV)) == (409, "conflict")
        assert refusal(upload_file(client, "steel.csv", STEEL_CSV, factor_set="model")) == (409, "conflict")
        assert upload_file(client, "steel.csv", STEEL_CSV).status_code == 201
        assert refusal(upload_file(client, "other.csv", NEW_STEEL_CSV, factor_set="steel")) == (409, "conflict")
        assert upload_file(client, "steel.csv", NEW_STEEL_CSV, factor_set="steel-2025").status_code == 201


def test_machine_clients_need_the_domains_scopes(migrated: Settings) -> None:
    """A client with studies:write adds and deletes files but may not read them; one with studies:read reads them
    but may not add; the file says which client added it."""
    acme = seed_organisation(migrated, "Acme")
    credentials = seed_client(migrated, acme.id, STUDIES_SCOPES)
    with client_for(migrated) as machine:
        use_token(machine, credentials, scope="studies:write")
        added = upload_file(machine, "steel.csv", STEEL_CSV)
        assert added.status_code == 201, added.text
        assert (added.json()["created_by"], added.json()["created_by_client"]) == (None, credentials[0])
        assert refusal(machine.get("/api/factor-files")) == (403, "insufficient_scope")
        assert refusal(machine.get("/api/factors")) == (403, "insufficient_scope")
        use_token(machine, credentials, scope="studies:read")
        assert [item["id"] for item in machine.get("/api/factor-files").json()["items"]] == [added.json()["id"]]
        assert refusal(upload_file(machine, "more.csv", NEW_STEEL_CSV)) == (403, "insufficient_scope")
        assert refusal(machine.delete(f"/api/factor-files/{added.json()['id']}")) == (403, "insufficient_scope")
        use_token(machine, credentials, scope="studies:write")
        assert machine.delete(f"/api/factor-files/{added.json()['id']}").status_code == 204
    actors = [e.actor for e in audit_entries(migrated) if e.entity == "library_file"]
    assert actors == [f"client:{credentials[0]}"] * 2


def test_a_study_computes_with_a_library_factor_and_keeps_a_copy(migrated: Settings) -> None:
    """A model that links acme-steel/steel-bar without naming a file computes with the library's value: 3 kg of
    steel at 2.0 kg CO2 + 0.01 kg fossil CH4 (29.8) per kg is 6.894 kg CO2e. The study lists its copy of the file;
    the files the model names are none; the audit entry records the copy's digest."""
    acme = seed_organisation(migrated, "Acme")
    with client_for(inline(migrated), acme.editor) as client:
        file = upload_file(client, f"{STEEL_SET}.csv", STEEL_CSV).json()
        study = wait_for(client, submit(client, create_product(client), BRACKET_MODEL)["id"], timeout=0)
        assert client.get(f"/api/studies/{study['id']}/files").json() == []
    assert study["status"] == "done", study
    assert study["total"] == pytest.approx(BRACKET_TOTAL, rel=1e-12)
    assert pytest.approx(6.894) == BRACKET_TOTAL
    line = study["result"]["lines"][0]
    assert line["link"] == "acme-steel/steel-bar" and line["kg_co2e"] == pytest.approx(3 * STEEL_BAR_AR6)
    copy = {"factor_set": STEEL_SET, "name": "acme-steel.csv", "size": file["size"], "sha256": file["sha256"]}
    assert study["library_files"] == [{**copy, "library_file_id": file["id"]}]
    created = next(e for e in audit_entries(migrated) if (e.entity, e.action) == ("study", "create"))
    assert created.after["library_files"] == [
        {"factor_set": STEEL_SET, "name": "acme-steel.csv", "sha256": file["sha256"], "library_file_id": file["id"]}
    ]


def test_a_stored_study_computes_the_same_after_its_library_file_is_deleted_or_replaced(migrated: Settings) -> None:
    """Version 1 linked the library's steel; the file is then deleted and a new one uploaded under the same set.
    Version 1 computed again from what it keeps gives its total still, and says its file is no longer in the
    library; version 2, stored afterwards, computes with the new value (3 kg at 1.5 kg CO2 per kg)."""
    acme = seed_organisation(migrated, "Acme")
    with client_for(inline(migrated), acme.editor) as client:
        old = upload_file(client, f"{STEEL_SET}.csv", STEEL_CSV).json()
        product_id = create_product(client)
        first = wait_for(client, submit(client, product_id, BRACKET_MODEL)["id"], timeout=0)
        assert client.delete(f"/api/factor-files/{old['id']}").status_code == 204
        assert _recomputed(migrated, first["id"]) == pytest.approx(BRACKET_TOTAL, rel=1e-12)
        new = upload_file(client, f"{STEEL_SET}.csv", NEW_STEEL_CSV)
        assert new.status_code == 201, new.text
        second = wait_for(client, submit(client, product_id, BRACKET_MODEL)["id"], timeout=0)
        kept = client.get(f"/api/studies/{first['id']}").json()
    assert _recomputed(migrated, first["id"]) == pytest.approx(BRACKET_TOTAL, rel=1e-12)
    assert kept["total"] == first["total"] and kept["library_files"][0]["library_file_id"] is None
    assert kept["library_files"][0]["sha256"] == old["sha256"]
    assert second["total"] == pytest.approx(3 * 1.5, rel=1e-12)
    assert second["library_files"][0]["sha256"] == new.json()["sha256"]


def test_a_queued_study_computes_with_its_copy_when_the_library_changed_meanwhile(
    migrated: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A study is accepted but its job is not run (the service stops); meanwhile its library file is replaced.
    When the service starts again and runs the job, the study computes with the file as it was when stored."""
    acme = seed_organisation(migrated, "Acme")
    with monkeypatch.context() as lost:
        lost.setattr(LocalProcessPoolRunner, "_start", lambda self, job_id, path, payload: None)
        with client_for(migrated, acme.editor) as first:
            old = upload_file(first, f"{STEEL_SET}.csv", STEEL_CSV).json()
            study = submit(first, create_product(first), BRACKET_MODEL)
            assert first.delete(f"/api/factor-files/{old['id']}").status_code == 204
            assert upload_file(first, f"{STEEL_SET}.csv", NEW_STEEL_CSV).status_code == 201
    with client_for(migrated, acme.editor) as second:  # start-up recovers the job of the stopped process
        done = wait_for(second, study["id"], timeout=60)
    assert done["status"] == "done", done
    assert done["total"] == pytest.approx(BRACKET_TOTAL, rel=1e-12)


def test_validation_sees_the_library(migrated: Settings) -> None:
    """A link to a factor the library's set does not have, or to a set the library does not have, is a problem of
    the model at its place (400 invalid_model, nothing stored); a file the model names provides its set itself,
    and the library's set of that name is then not copied."""
    acme = seed_organisation(migrated, "Acme")
    unknown_id = BRACKET_MODEL.replace("acme-steel/steel-bar", "acme-steel/steel-plate")
    unknown_set = BRACKET_MODEL.replace("acme-steel/steel-bar", "acme-alloys/steel-bar")
    named = BRACKET_MODEL.replace("boundary:", "factor_files: [acme-steel.csv]\nboundary:")
    with client_for(inline(migrated), acme.editor) as client:
        upload_file(client, f"{STEEL_SET}.csv", STEEL_CSV)
        product_id = create_product(client)
        for model, missing in ((unknown_id, "acme-steel/steel-plate"), (unknown_set, "acme-alloys/steel-bar")):
            response = client.post(f"/api/products/{product_id}/studies", json={"model": model})
            assert refusal(response) == (400, "invalid_model")
            (problem,) = response.json()["error"]["details"]
            assert problem["location"] == ["model", "stages[0].activities[0].factor"]
            assert missing in problem["message"]
        own_file = submit(client, product_id, named, files={"acme-steel.csv": NEW_STEEL_CSV})
        own_file = wait_for(client, own_file["id"], timeout=0)
    assert own_file["total"] == pytest.approx(3 * 1.5) and own_file["library_files"] == []
    assert count_rows(migrated, "studies") == 1 and count_rows(migrated, "study_library_files") == 0


def test_another_organisation_neither_sees_nor_uses_the_files(migrated: Settings) -> None:
    """Rival's editor finds none of Acme's files or factors (404 for a file, not in the lists, its set no set),
    cannot delete them, and cannot link them: the same model is invalid for Rival."""
    acme, rival = seed_organisation(migrated, "Acme"), seed_organisation(migrated, "Rival")
    with client_for(inline(migrated), acme.editor) as client:
        file = upload_file(client, f"{STEEL_SET}.csv", STEEL_CSV).json()
        assert [i["key"] for i in client.get("/api/factors", params={"q": "钢筋"}).json()["items"] if i["own"]] == [
            "acme-steel/steel-bar",
            "acme-steel/rebar",
        ]
    with client_for(inline(migrated), rival.editor) as other:
        assert refusal(other.get(f"/api/factor-files/{file['id']}")) == (404, "not_found")
        assert refusal(other.get(f"/api/factor-files/{file['id']}/content")) == (404, "not_found")
        assert refusal(other.delete(f"/api/factor-files/{file['id']}")) == (404, "not_found")
        assert other.get("/api/factor-files").json()["items"] == []
        assert not [i for i in other.get("/api/factors", params={"q": "钢筋"}).json()["items"] if i["own"]]
        assert refusal(other.get("/api/factors", params={"set": STEEL_SET})) == (400, "invalid_input")
        response = other.post(f"/api/products/{create_product(other)}/studies", json={"model": BRACKET_MODEL})
        assert refusal(response) == (400, "invalid_model")
        # Rival's own set of the same name is Rival's: no clash with Acme's
        assert upload_file(other, f"{STEEL_SET}.csv", NEW_STEEL_CSV).status_code == 201
    assert count_rows(migrated, "library_files") == 2


def test_the_factor_search_finds_shipped_and_own_factors_with_filters_and_pages(migrated: Settings) -> None:
    """GET /api/factors searches in Chinese and English, keeps a geography's prefix, a unit's dimension (t finds
    factors per kg) and one set, gives each factor's AR6 value and source, and pages with the next URL."""
    acme = seed_organisation(migrated, "Acme")
    with client_for(migrated, acme.viewer) as viewer, client_for(migrated, acme.editor) as editor:
        upload_file(editor, f"{STEEL_SET}.csv", STEEL_CSV)
        own = viewer.get("/api/factors", params={"set": STEEL_SET}).json()["items"]
        assert own == [  # the newest first, when no words rank them
            {
                "key": "acme-steel/steel-bar",
                "factor_set": STEEL_SET,
                "name": "Steel bar",
                "name_zh": "钢筋棒材",
                "unit": "kg",
                "geography": "CN-East",
                "year": 2024,
                "source": "Acme supplier EPD 2024",
                "source_url": "https://example.com/epd",
                "kg_co2e": pytest.approx(STEEL_BAR_AR6),
                "unverified": False,
                "own": True,
            },
            {
                "key": "acme-steel/rebar",
                "factor_set": STEEL_SET,
                "name": "Hot-rolled rebar",
                "name_zh": "热轧带肋钢筋",
                "unit": "t",
                "geography": "CN",
                "year": 2023,
                "source": "Supplier declaration",
                "source_url": None,
                "kg_co2e": pytest.approx(1800 - 5),
                "unverified": True,
                "own": True,
            },
        ]

        def keys(**query: str) -> list[str]:
            return [
                item["key"] for item in viewer.get("/api/factors", params={"set": STEEL_SET, **query}).json()["items"]
            ]

        assert keys(q="steel bar") == keys(q="钢筋棒材") == ["acme-steel/steel-bar"]
        assert keys(geography="CN-East") == ["acme-steel/steel-bar"]
        assert keys(unit="kg") == keys(unit="t") == ["acme-steel/steel-bar", "acme-steel/rebar"]  # newest year first
        assert keys(unit="kWh") == []
        assert refusal(viewer.get("/api/factors", params={"unit": "blorbs"}))[0] == 400
        first = viewer.get("/api/factors", params={"q": "electricity", "limit": 3}).json()
        assert len(first["items"]) == 3 and first["next"].startswith("/api/factors?q=electricity&limit=3&cursor=")
        second = viewer.get(first["next"]).json()
        every = viewer.get("/api/factors", params={"q": "electricity", "limit": 6}).json()["items"]
        assert [item["key"] for item in first["items"] + second["items"]] == [item["key"] for item in every]
        shipped = [item for item in every if not item["own"]]
        assert shipped and all(item["source"] and item["kg_co2e"] is not None for item in shipped)
