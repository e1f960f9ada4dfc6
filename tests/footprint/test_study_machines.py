"""The studies API for machine clients: bearer tokens with studies:read and studies:write, per organisation."""

from __future__ import annotations

from alembic.script import ScriptDirectory

from lowcarbon.platform.app import DOMAINS, create_app
from lowcarbon.platform.migrate import alembic_config
from lowcarbon.platform.settings import Settings
from support.auth_support import FakeClock, audit_entries
from support.study_support import (
    PV_MODEL,
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


def test_a_client_studies_a_product_as_a_person_does(migrated: Settings) -> None:
    """A client with studies:read and studies:write adds a product and a study and reads its result, which equals the
    result of the same model submitted by a person; each study says who submitted it, and the audit trail too."""
    acme = seed_organisation(migrated, "Acme")
    credentials = seed_client(migrated, acme.id, STUDIES_SCOPES)
    model = PV_MODEL.read_text(encoding="utf-8")
    with client_for(inline(migrated)) as machine:
        use_token(machine, credentials)
        product_id = create_product(machine)
        by_client = wait_for(machine, submit(machine, product_id, model)["id"], timeout=0)
        listed = machine.get(f"/api/products/{product_id}/studies").json()["items"]
    with client_for(inline(migrated), acme.editor) as person:
        by_person = wait_for(person, submit(person, product_id, model)["id"], timeout=0)
        versions = person.get(f"/api/products/{product_id}/comparison").json()["versions"]
    assert by_client["status"] == by_person["status"] == "done"
    assert by_client["result"] == by_person["result"] and by_client["total"] == by_person["total"]
    assert (by_client["created_by"], by_client["created_by_client"]) == (None, credentials[0])
    assert by_person["created_by"] is not None and by_person["created_by_client"] is None
    assert listed[0]["created_by_client"] == credentials[0]
    assert [version["total"] for version in versions] == [by_client["total"]] * 2
    actors = {(e.entity, e.action): e.actor for e in audit_entries(migrated) if e.entity_id == str(by_client["id"])}
    assert actors[("study", "create")] == f"client:{credentials[0]}"


def test_the_read_scope_does_not_write_nor_the_write_scope_read(migrated: Settings) -> None:
    """A token with only studies:read is refused changes with 403 insufficient_scope (naming the scope it lacks);
    one with only studies:write may add but not read."""
    acme = seed_organisation(migrated, "Acme")
    credentials = seed_client(migrated, acme.id, STUDIES_SCOPES)
    with client_for(inline(migrated)) as machine:
        use_token(machine, credentials, scope="studies:write")
        product_id = create_product(machine)
        reading = machine.get("/api/products")
        use_token(machine, credentials, scope="studies:read")
        refused = [
            machine.post("/api/products", json={"name": "Another"}),
            machine.post(f"/api/products/{product_id}/studies", json={"model": PV_MODEL.read_text(encoding="utf-8")}),
        ]
        listed = machine.get("/api/products").json()["items"]
    assert refusal(reading) == (403, "insufficient_scope")
    assert reading.headers["www-authenticate"].endswith('error="insufficient_scope", scope="studies:read"')
    for response in refused:
        assert refusal(response) == (403, "insufficient_scope"), response.text
        assert "studies:write" in response.json()["error"]["message"]
    assert [item["id"] for item in listed] == [product_id]
    assert count_rows(migrated, "studies") == 0


def test_tokens_that_are_missing_unknown_or_expired(migrated: Settings) -> None:
    """No credentials: 401 not_authenticated; an unknown token, or one past its expiry: 401 invalid_token."""
    acme = seed_organisation(migrated, "Acme")
    credentials = seed_client(migrated, acme.id, STUDIES_SCOPES)
    clock = FakeClock()
    with client_for(inline(migrated), clock=clock) as machine:
        anonymous = machine.get("/api/products")
        machine.headers["Authorization"] = "Bearer no-such-token"
        unknown = machine.get("/api/products")
        use_token(machine, credentials)
        fresh = machine.get("/api/products")
        clock.advance(seconds=migrated.token_seconds)
        expired = [machine.get("/api/products"), machine.post("/api/products", json={"name": "Late"})]
    assert refusal(anonymous) == (401, "not_authenticated")
    assert refusal(unknown) == (401, "invalid_token")
    assert fresh.status_code == 200
    for response in expired:
        assert refusal(response) == (401, "invalid_token"), response.text
    assert count_rows(migrated, "products") == 0


def test_another_organisations_client_finds_nothing(migrated: Settings) -> None:
    """Another organisation's client, with both scopes, gets 404 for the product and study and an empty list."""
    acme, rival = seed_organisation(migrated, "Acme"), seed_organisation(migrated, "Rival")
    with client_for(inline(migrated), acme.editor) as person:
        product_id = create_product(person)
        model = PV_MODEL.read_text(encoding="utf-8")
        study_id = submit(person, product_id, model)["id"]
    with client_for(inline(migrated)) as machine:
        use_token(machine, seed_client(migrated, rival.id, STUDIES_SCOPES))
        responses = [
            machine.get(f"/api/products/{product_id}/studies"),
            machine.get(f"/api/studies/{study_id}"),
            machine.get(f"/api/products/{product_id}/comparison"),
            machine.post(f"/api/products/{product_id}/studies", json={"model": model}),
        ]
        listed = machine.get("/api/products").json()
    for response in responses:
        assert refusal(response) == (404, "not_found"), response.text
    assert listed == {"items": [], "next": None}
    assert count_rows(migrated, "studies") == 1


def test_openapi_names_both_credentials_and_both_bodies(migrated: Settings) -> None:
    """The OpenAPI document gives each studies route the session cookie or OAuth2 with the route's scope, and the
    new-study route a JSON body and a multipart upload."""
    document = create_app(migrated).openapi()
    paths = document["paths"]
    for path, method, scope in (
        ("/api/products", "get", "studies:read"),
        ("/api/products", "post", "studies:write"),
        ("/api/studies/{study_id}", "get", "studies:read"),
        ("/api/products/{product_id}/studies", "post", "studies:write"),
    ):
        security = paths[path][method]["security"]
        assert {"OAuth2": [scope]} in security, (path, method, security)
        assert any("APIKeyCookie" in requirement for requirement in security), (path, method, security)
    body = paths["/api/products/{product_id}/studies"]["post"]["requestBody"]["content"]
    assert body["application/json"]["schema"]["required"] == ["model"]
    assert body["multipart/form-data"]["schema"]["properties"]["file"]["format"] == "binary"
    assert "413" in paths["/api/products/{product_id}/studies"]["post"]["responses"]


def test_the_api_document_lists_the_scopes_with_what_each_allows(migrated: Settings) -> None:
    """The OpenAPI document's client-credentials flow names every domain's scopes (the footprint domain's studies,
    PACT's, certification's, the inventory's) and what each allows."""
    with client_for(migrated) as client:
        schemes = client.get("/openapi.json").json()["components"]["securitySchemes"]
    flows = [scheme["flows"]["clientCredentials"] for scheme in schemes.values() if "flows" in scheme]
    assert [sorted(flow["scopes"]) for flow in flows] == [
        [
            "certify:read",
            "inventory:read",
            "inventory:write",
            "pact:events",
            "pact:read",
            "studies:read",
            "studies:write",
        ]
    ]
    assert all(text for flow in flows for text in flow["scopes"].values())


def test_each_domain_names_a_migration_branch_that_exists() -> None:
    """A domain's descriptor names its Alembic branch, which the migrations on disk have; a domain without tables of
    its own (the report) names none."""
    revisions = ScriptDirectory.from_config(alembic_config()).walk_revisions()
    labels = {label for revision in revisions for label in revision.branch_labels}
    assert {domain.name: domain.migration_branch for domain in DOMAINS} == {
        "footprint": "studies",
        "report": None,
        "pact": "pact",
        "certify": "certify",
        "catalog": "catalog",
        "inclusive": "inclusive",
        "inventory": "inventory",
    }
    assert {domain.migration_branch for domain in DOMAINS} - {None} <= labels
