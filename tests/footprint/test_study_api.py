"""The studies API end to end: products, studies computed by jobs, access rules, pagination and comparison."""

from __future__ import annotations

import json

import yaml

from lowcarbon.footprint import compute
from lowcarbon.footprint.schemas import MIN_MODEL_CHARS
from lowcarbon.platform.settings import Settings
from support.study_support import (
    FAILING_MODEL,
    PV_MODEL,
    client_for,
    count_rows,
    create_product,
    inline,
    seed_organisation,
    submit,
    wait_for,
)


def _pv_with_more_silicon(factor: float) -> str:
    data = yaml.safe_load(PV_MODEL.read_text(encoding="utf-8"))
    data["stages"][0]["activities"][0]["amount"] *= factor
    return yaml.safe_dump(data, allow_unicode=True)


def test_study_equals_the_cli_result(migrated: Settings) -> None:
    """A study of the PV module computed through the API stores exactly what compute() gives for the same file."""
    acme = seed_organisation(migrated, "Acme")
    with client_for(inline(migrated), acme.editor) as client:
        product_id = create_product(client)
        accepted = submit(client, product_id, PV_MODEL.read_text(encoding="utf-8"))
        assert accepted["version"] == 1 and accepted["status"] == "queued" and accepted["job_id"] is not None
        study = wait_for(client, accepted["id"], timeout=0)
        listed = client.get("/api/products").json()["items"]
    expected = json.loads(json.dumps(compute(PV_MODEL).to_dict()))
    assert study["status"] == "done" and study["error"] is None
    assert study["result"] == expected
    assert study["total"] == expected["total"]
    # the products list gives what the products page shows: the newest computed version, its total and unit
    assert [(p["latest_version"], p["latest_total"], p["declared_unit"]) for p in listed] == [
        (1, expected["total"], "1 kW")
    ]


def test_study_through_the_process_pool(migrated: Settings) -> None:
    """With the local runner the study is computed in a worker process, and the result is the same."""
    assert migrated.job_runner == "local"
    acme = seed_organisation(migrated, "Acme")
    with client_for(migrated, acme.editor) as client:
        product_id = create_product(client)
        accepted = submit(client, product_id, PV_MODEL.read_text(encoding="utf-8"))
        study = wait_for(client, accepted["id"])
    assert study["status"] == "done", study
    assert study["total"] == compute(PV_MODEL).total


def test_invalid_model_lists_every_problem_and_stores_nothing(migrated: Settings) -> None:
    """An invalid model is 400 invalid_model with each problem in details; no study and no job are stored."""
    acme = seed_organisation(migrated, "Acme")
    model = "product: {name: x}\nboundary: nowhere\nstages: []\ncolour: red\n"
    with client_for(inline(migrated), acme.editor) as client:
        product_id = create_product(client)
        response = client.post(f"/api/products/{product_id}/studies", json={"model": model, "format": "yaml"})
        refused_files = client.post(
            f"/api/products/{product_id}/studies",
            json={"model": PV_MODEL.read_text(encoding="utf-8") + "factor_files: [factors.csv]\n"},
        )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_model" and error["message"].startswith("4 problems in the model")
    places = {tuple(detail["location"]): detail["message"] for detail in error["details"]}
    assert set(places) == {("model", "declared_unit"), ("model", "boundary"), ("model", "stages"), ("model", "colour")}
    assert places[("model", "declared_unit")] == "required field is missing"
    assert refused_files.status_code == 400
    assert refused_files.json()["error"]["details"][0]["location"] == ["model", "factor_files"]
    assert count_rows(migrated, "studies") == 0 and count_rows(migrated, "jobs") == 0


def test_job_failure_is_stored_with_its_error(migrated: Settings) -> None:
    """A model that validates but cannot be computed ends failed, with the engine's error on study and job."""
    acme = seed_organisation(migrated, "Acme")
    with client_for(inline(migrated), acme.editor) as client:
        product_id = create_product(client)
        study = wait_for(client, submit(client, product_id, FAILING_MODEL)["id"], timeout=0)
        listed = client.get(f"/api/products/{product_id}/studies").json()["items"]
        comparison = client.get(f"/api/products/{product_id}/comparison").json()
    assert study["status"] == "failed" and study["result"] is None and study["total"] is None
    assert study["error"].startswith("The technosphere is singular")
    assert [item["status"] for item in listed] == ["failed"]
    assert comparison["versions"] == []


def test_other_organisations_products_do_not_exist(migrated: Settings) -> None:
    """Another organisation's product and study are 404 to read and to write, and absent from lists."""
    acme, rival = seed_organisation(migrated, "Acme"), seed_organisation(migrated, "Rival")
    with client_for(inline(migrated), acme.editor) as client:
        product_id = create_product(client)
        study_id = submit(client, product_id, PV_MODEL.read_text(encoding="utf-8"))["id"]
    with client_for(inline(migrated), rival.admin) as client:
        responses = [
            client.get(f"/api/products/{product_id}/studies"),
            client.get(f"/api/studies/{study_id}"),
            client.get(f"/api/products/{product_id}/comparison"),
            client.post(f"/api/products/{product_id}/studies", json={"model": PV_MODEL.read_text(encoding="utf-8")}),
        ]
        missing = client.get("/api/products/999999/studies")
        listed = client.get("/api/products").json()
    for response in responses:
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found", response.text
    assert responses[0].json() == missing.json() | {
        "error": {"code": "not_found", "message": f"your organisation has no product {product_id}"}
    }
    assert listed == {"items": [], "next": None}
    assert count_rows(migrated, "studies") == 1


def test_viewer_reads_but_cannot_create(migrated: Settings) -> None:
    """A viewer is refused (403) creating products and studies, and may read everything of their organisation."""
    acme = seed_organisation(migrated, "Acme")
    with client_for(inline(migrated), acme.admin) as client:
        product_id = create_product(client)  # an admin may create, as an editor may
        submit(client, product_id, PV_MODEL.read_text(encoding="utf-8"))
    with client_for(inline(migrated), acme.viewer) as client:
        refused = [
            client.post("/api/products", json={"name": "Another"}),
            client.post(f"/api/products/{product_id}/studies", json={"model": "x"}),
        ]
        reads = [
            client.get("/api/products"),
            client.get(f"/api/products/{product_id}/studies"),
            client.get(f"/api/products/{product_id}/comparison"),
        ]
    for response in refused:
        assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden", response.text
    assert [response.status_code for response in reads] == [200, 200, 200]
    assert count_rows(migrated, "products") == 1 and count_rows(migrated, "studies") == 1


def test_logged_out_requests_are_refused(migrated: Settings) -> None:
    """Without a session every studies endpoint is 401 not_authenticated."""
    with client_for(inline(migrated)) as client:
        responses = [
            client.get("/api/products"),
            client.post("/api/products", json={"name": "x"}),
            client.get("/api/products/1/studies"),
            client.get("/api/studies/1"),
            client.get("/api/products/1/comparison"),
        ]
    assert {(r.status_code, r.json()["error"]["code"]) for r in responses} == {(401, "not_authenticated")}


def test_pagination_walks_every_item_once(migrated: Settings) -> None:
    """Pages of 2 give 5 products newest first via `next`, the last page has next null; bad cursors are 400."""
    acme = seed_organisation(migrated, "Acme")
    with client_for(inline(migrated), acme.editor) as client:
        ids = [create_product(client, f"Product {n}") for n in range(5)]
        pages, url = [], "/api/products?limit=2"
        while url is not None:
            page = client.get(url).json()
            pages.append([item["id"] for item in page["items"]])
            url = page["next"]
        exact = client.get("/api/products?limit=5").json()
        bad_cursor = client.get("/api/products?cursor=not-a-cursor")
        bad_limit = client.get("/api/products?limit=0")
        for _ in range(3):
            submit(client, ids[0], FAILING_MODEL)
        studies = client.get(f"/api/products/{ids[0]}/studies?limit=2").json()
        rest = client.get(studies["next"]).json()
    assert pages == [ids[4:2:-1], ids[2:0:-1], ids[:1]]
    assert len(exact["items"]) == 5 and exact["next"] is None
    assert bad_cursor.status_code == 400 and bad_cursor.json()["error"]["code"] == "invalid_input"
    assert bad_limit.status_code == 422
    assert [s["version"] for s in studies["items"]] == [3, 2] and [s["version"] for s in rest["items"]] == [1]
    assert rest["next"] is None


def test_comparison_of_two_versions(migrated: Settings) -> None:
    """Two computed versions compare by total and stage, with the change from the first to the second."""
    acme = seed_organisation(migrated, "Acme")
    with client_for(inline(migrated), acme.editor) as client:
        product_id = create_product(client)
        first = wait_for(client, submit(client, product_id, PV_MODEL.read_text(encoding="utf-8"))["id"], timeout=0)
        second = wait_for(client, submit(client, product_id, _pv_with_more_silicon(0.5))["id"], timeout=0)
        comparison = client.get(f"/api/products/{product_id}/comparison").json()
    assert comparison["product"]["id"] == product_id and comparison["comparable"] is True
    old, new = comparison["versions"]
    assert (old["version"], new["version"]) == (1, 2)
    assert old["total"] == first["total"] and new["total"] == second["total"] < first["total"]
    assert old["change"] is None and new["change"] == new["total"] - old["total"]
    assert new["change_percent"] == 100 * new["change"] / abs(old["total"])
    assert old["by_stage"] == first["result"]["by_stage"] and new["by_stage"] == second["result"]["by_stage"]
    assert comparison["stages"] == list(first["result"]["by_stage"])
    assert old["unit"] == first["result"]["unit"]
    assert comparison["differences"] == []  # same boundary, GWP set, PCR, unit and factor values


def test_a_comparison_names_what_differs_besides_the_product(migrated: Settings) -> None:
    """A version computed with AR5 differs from one with AR6 in its GWP set: the comparison says so."""
    acme = seed_organisation(migrated, "Acme")
    text = PV_MODEL.read_text(encoding="utf-8")
    with client_for(inline(migrated), acme.editor) as client:
        product_id = create_product(client)
        wait_for(client, submit(client, product_id, text)["id"], timeout=0)
        wait_for(client, submit(client, product_id, text.replace("gwp: AR6", "gwp: AR5"))["id"], timeout=0)
        comparison = client.get(f"/api/products/{product_id}/comparison").json()
    (difference,) = comparison["differences"]
    assert difference["aspect"] == "characterization"
    assert difference["values"] == {"1": "IPCC AR6 GWP100", "2": "IPCC AR5 GWP100"}


def test_control_characters_are_refused_naming_the_field(migrated: Settings) -> None:
    """NUL and BEL in a product's name, a model or a factor file's name are 422 at that field, on both databases
    (PostgreSQL cannot store NUL, SQLite would), and nothing is stored."""
    acme = seed_organisation(migrated, "Acme")
    model = PV_MODEL.read_text(encoding="utf-8")
    with client_for(inline(migrated), acme.editor) as client:
        product_id = create_product(client)
        url = f"/api/products/{product_id}/studies"
        refused = {
            ("body", "name"): [client.post("/api/products", json={"name": f"x{c}y"}) for c in "\x00\x07"],
            ("body", "model"): [client.post(url, json={"model": model + "# \x00\n"})],
            ("body", "files", 0, "name"): [
                client.post(url, json={"model": model, "files": [{"name": "f\x00.csv", "content": ""}]})
            ],
            ("path", "name"): [client.get("/api/studies/1/files/f%00.csv")],
        }
    for location, responses in refused.items():
        for response in responses:
            assert response.status_code == 422, response.text
            detail = response.json()["error"]["details"][0]
            assert (detail["location"], detail["type"]) == (list(location), "control_character")
            assert detail["message"].startswith("must not contain control characters; found U+00")
    assert count_rows(migrated, "products") == 1 and count_rows(migrated, "studies") == 0


def test_a_model_shorter_than_any_model_is_refused_as_the_schema_says(migrated: Settings) -> None:
    """The schema's minimum length of a model is below the smallest model the server accepts, and the server
    refuses what is shorter as the schema says (422 at body.model), before reading it."""
    smallest = "{product: {name: a}, declared_unit: {unit: g}, boundary: gate-to-gate, stages: [{name: a}]}"
    acme = seed_organisation(migrated, "Acme")
    with client_for(inline(migrated), acme.editor) as client:
        product_id = create_product(client)
        url = f"/api/products/{product_id}/studies"
        schema = client.get("/openapi.json").json()["paths"]["/api/products/{product_id}/studies"]["post"]
        minimum = schema["requestBody"]["content"]["application/json"]["schema"]["properties"]["model"]["minLength"]
        short = client.post(url, json={"model": "x" * (minimum - 1)})
        accepted_smallest = client.post(url, json={"model": smallest})
    assert minimum == MIN_MODEL_CHARS <= len(smallest)
    assert short.status_code == 422 and short.json()["error"]["details"][0]["location"] == ["body", "model"]
    assert accepted_smallest.status_code == 202, accepted_smallest.text
