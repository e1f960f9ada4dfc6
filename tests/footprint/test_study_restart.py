"""Durable jobs: a study queued by a service that stopped before computing it is computed after a restart, from what
the database keeps (the job's payload names the study; the model and its files are read from the study's rows)."""

from __future__ import annotations

import pytest

from lowcarbon.footprint import compute
from lowcarbon.platform.jobs import LocalProcessPoolRunner
from lowcarbon.platform.settings import Settings
from support.study_support import (
    TSHIRT_FACTORS,
    TSHIRT_MODEL,
    client_for,
    count_rows,
    create_product,
    seed_organisation,
    submit,
    wait_for,
)


def test_a_queued_study_is_computed_after_a_restart(migrated: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first app accepts the study but its process "stops" before any worker runs the job (the hand-over is
    lost); the second app, started on the same database, takes the job over at start-up and runs it in its own
    process pool: the study ends done with the footprint `lowcarbon footprint` computes from the files."""
    acme = seed_organisation(migrated, "Acme")
    files = {"factors.csv": TSHIRT_FACTORS.read_text(encoding="utf-8")}
    with monkeypatch.context() as lost:
        lost.setattr(LocalProcessPoolRunner, "_start", lambda self, job_id, path, payload: None)
        with client_for(migrated, acme.editor) as first:
            product_id = create_product(first)
            study = submit(first, product_id, TSHIRT_MODEL.read_text(encoding="utf-8"), files=files)
            assert wait_for(first, study["id"], timeout=1)["status"] == "running"  # handed over, never run
    assert count_rows(migrated, "jobs") == 1
    with client_for(migrated, acme.editor) as second:  # start-up recovers the job of the stopped process
        done = wait_for(second, study["id"], timeout=60)
    assert done["status"] == "done", done
    assert done["total"] == pytest.approx(compute(TSHIRT_MODEL).total, rel=1e-12)
    assert count_rows(migrated, "jobs") == 1  # the same job, run again: not a new one
