"""The audit trail of studies: every state change is recorded, and the chain verifies afterwards."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine, event

from lowcarbon.footprint import service
from lowcarbon.footprint.tables import Product, Study
from lowcarbon.platform.database import create_engine
from lowcarbon.platform.dependencies import Platform
from lowcarbon.platform.settings import Settings
from support.auth_support import audit_entries, audit_verifies, audited_keys
from support.study_support import (
    FAILING_MODEL,
    PV_MODEL,
    TSHIRT_FACTORS,
    TSHIRT_MODEL,
    client_for,
    create_product,
    inline,
    seed_organisation,
    submit,
    wait_for,
)

_TSHIRT = {"factors.csv": TSHIRT_FACTORS.read_text(encoding="utf-8")}


def test_every_change_is_audited_and_the_chain_verifies(migrated: Settings) -> None:
    """A product's creation, a study's creation (with its job) and its outcome (done or failed) are each one entry;
    the jobs table is the runner's machinery and has none; verify finds no break."""
    acme = seed_organisation(migrated, "Acme")
    model = PV_MODEL.read_text(encoding="utf-8")
    with client_for(inline(migrated), acme.editor) as client:
        product_id = create_product(client)
        done = wait_for(client, submit(client, product_id, model)["id"], timeout=0)
        failed = wait_for(client, submit(client, product_id, FAILING_MODEL)["id"], timeout=0)
        refused = "product: {name: Refused}\nstages: []  # no declared unit nor boundary, and no stage"
        client.post(f"/api/products/{product_id}/studies", json={"model": refused})  # not recorded
    entries = [e for e in audit_entries(migrated) if e.entity in ("product", "study", "job")]
    trail = [(e.entity, e.action, e.actor) for e in entries]
    assert trail[0] == ("product", "create", "user:2")
    for study in (done, failed):
        mine = {("study", str(study["id"])), ("job", str(study["job_id"]))}
        recorded = [(e.entity, e.action) for e in entries if (e.entity, e.entity_id) in mine]
        assert recorded == [("study", "create"), ("study", study["status"])]
    created = next(e for e in entries if (e.entity, e.action, e.entity_id) == ("study", "create", str(done["id"])))
    assert created.after["model_sha256"] == hashlib.sha256(model.encode()).hexdigest()
    assert "model_text" not in created.after and "result" not in created.after
    finished = next(e for e in entries if e.entity == "study" and e.action == "done")
    assert finished.before["status"] == "queued" and finished.after["total"] == done["total"]
    assert audit_verifies(migrated)


def test_a_study_is_stored_in_one_transaction_and_its_result_in_one_more(migrated: Settings) -> None:
    """``POST /api/products/{id}/studies``: one transaction stores the study, its files and its job with one audit
    entry; the runner's hand-over marks the job running (jobs only, no audit entry); one transaction stores the
    result on the study with one audit entry. The result is kept once, on the study, not on the job too."""
    acme = seed_organisation(migrated, "Acme")
    with client_for(inline(migrated), acme.editor) as client:
        product_id = create_product(client)
        writes = _count_writes(Platform.of(client.app).engine)
        before = len(audit_entries(migrated))
        summary = submit(client, product_id, TSHIRT_MODEL.read_text(encoding="utf-8"), files=_TSHIRT)
        done = wait_for(client, summary["id"], timeout=0)
    assert done["status"] == "done"
    assert writes == [
        {"studies", "study_files", "jobs", "audit_log"},  # the request: the study, its file, its job, one entry
        {"jobs"},  # the hand-over: the job is running
        {"studies", "jobs", "audit_log"},  # the outcome: the result on the study, the job done, one entry
    ]
    assert [(e.entity, e.action) for e in audit_entries(migrated)[before:]] == [("study", "create"), ("study", "done")]
    with create_engine(migrated).connect() as connection:
        stored = connection.execute(sa.text("SELECT result, payload FROM jobs WHERE id = :id"), {"id": done["job_id"]})
        result, payload = stored.one()
    assert result is None
    assert (payload if isinstance(payload, dict) else json.loads(payload)) == {"study_id": done["id"]}


def _count_writes(engine: Engine) -> list[set[str]]:
    """The tables each committed transaction on ``engine`` wrote to, in order (filled as transactions commit)."""
    committed: list[set[str]] = []
    current: dict[int, set[str]] = {}

    @event.listens_for(engine, "after_cursor_execute")
    def _wrote(connection: Any, cursor: Any, statement: str, *args: Any) -> None:
        match = re.match(r"\s*(?:INSERT INTO|UPDATE|DELETE FROM)\s+\"?(\w+)", statement, re.IGNORECASE)
        if match:
            current.setdefault(id(connection), set()).add(match.group(1))

    @event.listens_for(engine, "commit")
    def _committed(connection: Any) -> None:
        tables = current.pop(id(connection), set())
        if tables:
            committed.append(tables)

    return committed


def test_what_the_trail_records_of_products_and_studies_is_pinned() -> None:
    """A column added to products or studies enters the append-only trail only when this list says so."""
    # archived_at: when the product was archived (null again when restored)
    assert audited_keys(service.product_state, Product) == [
        "archived_at",
        "created_at",
        "id",
        "name",
        "organisation_id",
    ]
    assert audited_keys(service.study_state, Study, []) == [
        "client_name",
        "created_at",
        "created_by",
        "created_by_client",
        "error",
        "files",
        "id",
        "job_id",
        "library_files",
        "model_format",
        "model_sha256",
        "note",  # the version's note, as its author wrote it
        "product_id",
        "result_sha256",
        "status",
        "total",
        "version",
    ]
