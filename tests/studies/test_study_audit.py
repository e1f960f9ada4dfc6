"""The audit trail of studies: every state change is recorded, and the chain verifies afterwards."""

from __future__ import annotations

import hashlib

from auth_support import audit_entries, audit_verifies
from study_support import PV_MODEL, client_for, create_product, inline, seed_organisation, submit, wait_for
from test_study_api import FAILING_MODEL

from lowcarbon.platform.settings import Settings


def test_every_change_is_audited_and_the_chain_verifies(migrated: Settings) -> None:
    """Product, study and job changes (created, started, done or failed) are each one entry; verify finds no break."""
    acme = seed_organisation(migrated, "Acme")
    model = PV_MODEL.read_text(encoding="utf-8")
    with client_for(inline(migrated), acme.editor) as client:
        product_id = create_product(client)
        done = wait_for(client, submit(client, product_id, model)["id"], timeout=0)
        failed = wait_for(client, submit(client, product_id, FAILING_MODEL)["id"], timeout=0)
        client.post(f"/api/products/{product_id}/studies", json={"model": "stages: []"})  # refused: not recorded
    entries = [e for e in audit_entries(migrated) if e.entity in ("product", "study", "job")]
    trail = [(e.entity, e.action, e.actor) for e in entries]
    assert trail[0] == ("product", "create", "user:2")
    for study in (done, failed):
        mine = {("study", str(study["id"])), ("job", str(study["job_id"]))}
        recorded = [(e.entity, e.action) for e in entries if (e.entity, e.entity_id) in mine]
        assert recorded == [
            ("job", "create"),
            ("study", "create"),
            ("job", "start"),
            ("job", study["status"]),
            ("study", study["status"]),
        ]
    created = next(e for e in entries if (e.entity, e.action, e.entity_id) == ("study", "create", str(done["id"])))
    assert created.after["model_sha256"] == hashlib.sha256(model.encode()).hexdigest()
    assert "model_text" not in created.after and "result" not in created.after
    finished = next(e for e in entries if e.entity == "study" and e.action == "done")
    assert finished.before["status"] == "queued" and finished.after["total"] == done["total"]
    assert audit_verifies(migrated)
