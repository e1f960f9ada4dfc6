"""A study's Monte Carlo runs over HTTP and on its page: the job's statistics equal ``footprint_uncertainty`` on
the same files and seed (inline and in the process pool), the iterations are bounded with a stable error code, a
run is audited when asked for and when done, and the page shows the form, the progress bar and the statistics."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import sqlalchemy as sa

from lowcarbon.footprint.montecarlo import footprint_uncertainty
from lowcarbon.footprint.stored import progress_done, progress_file
from lowcarbon.platform.database import create_engine
from lowcarbon.platform.settings import Settings
from support.auth_support import audit_entries, audit_verifies
from support.study_support import (
    POLL_SECONDS,
    PV_MODEL,
    client_for,
    create_product,
    inline,
    refusal,
    seed_organisation,
    submit,
    wait_for,
)
from support.web_support import csrf_of, form_login

STATISTICS = ("iterations", "seed", "deterministic", "mean", "std", "median", "p2_5", "p97_5", "uncertain_inputs")


def _expected(iterations: int, seed: int) -> dict[str, Any]:
    """What ``footprint_uncertainty`` gives for the PV module's file, as JSON reads it back."""
    return dict(json.loads(json.dumps(footprint_uncertainty(PV_MODEL, iterations, seed).to_dict())))


def _computed_study(client: Any) -> int:
    study = wait_for(client, submit(client, create_product(client), PV_MODEL.read_text(encoding="utf-8"))["id"])
    assert study["status"] == "done", study
    return int(study["id"])


def _wait_for_run(client: Any, study_id: int) -> dict[str, Any]:
    deadline = time.monotonic() + POLL_SECONDS
    while True:
        run = client.get(f"/api/studies/{study_id}/monte-carlo").json()
        if run["status"] in ("done", "failed") or time.monotonic() > deadline:
            return dict(run)
        time.sleep(0.2)


def test_the_run_equals_footprint_uncertainty_for_the_same_seed(migrated: Settings) -> None:
    acme = seed_organisation(migrated, "Acme")
    with client_for(inline(migrated), acme.editor) as client:
        study_id = _computed_study(client)
        accepted = client.post(f"/api/studies/{study_id}/monte-carlo", json={"iterations": 300, "seed": 42})
        assert accepted.status_code == 202, accepted.text
        assert accepted.headers["location"] == f"/api/studies/{study_id}/monte-carlo"
        assert accepted.json()["status"] == "queued" and accepted.json()["seed"] == 42
        run = client.get(f"/api/studies/{study_id}/monte-carlo").json()
    expected = _expected(300, 42)
    assert run["status"] == "done" and run["done"] == 300 and run["error"] is None
    statistics = run["statistics"]
    assert {key: statistics[key] for key in STATISTICS} == {key: expected[key] for key in STATISTICS}
    assert statistics["uncertain_inputs"] > 0 and statistics["std"] > 0
    assert statistics["contributors"] == expected["contributors"] and statistics["by_stage"] == expected["by_stage"]
    assert "samples" not in statistics
    assert not progress_file(_progress_keys(migrated)[0]).exists()  # removed when the outcome is stored


def test_the_run_in_the_process_pool_reports_progress_and_gives_the_same_numbers(migrated: Settings) -> None:
    assert migrated.job_runner == "local"
    acme = seed_organisation(migrated, "Acme")
    with client_for(migrated, acme.editor) as client:
        study_id = _computed_study(client)
        accepted = client.post(f"/api/studies/{study_id}/monte-carlo", json={"iterations": 2000, "seed": 3})
        assert accepted.status_code == 202, accepted.text
        seen: list[int | None] = []
        while (run := client.get(f"/api/studies/{study_id}/monte-carlo").json())["status"] not in ("done", "failed"):
            seen.append(run["done"])
            time.sleep(0.05)
    assert run["status"] == "done", run
    assert all(done is None or 0 <= done <= 2000 for done in seen)  # counts as the worker reports them
    assert run["statistics"]["mean"] == _expected(2000, 3)["mean"]


def test_without_a_seed_one_is_chosen_and_kept(migrated: Settings) -> None:
    acme = seed_organisation(migrated, "Acme")
    with client_for(inline(migrated), acme.editor) as client:
        study_id = _computed_study(client)
        seed = client.post(f"/api/studies/{study_id}/monte-carlo", json={"iterations": 50}).json()["seed"]
        run = client.get(f"/api/studies/{study_id}/monte-carlo").json()
    assert run["seed"] == seed and run["statistics"]["seed"] == seed
    assert run["statistics"]["mean"] == _expected(50, seed)["mean"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"iterations": 9}, (400, "invalid_iterations")),
        ({"iterations": 100_001}, (400, "invalid_iterations")),
        ({"iterations": 0}, (400, "invalid_iterations")),
        ({"iterations": -5}, (400, "invalid_iterations")),
        ({"iterations": "many"}, (422, "validation_error")),
        ({"iterations": 100, "seed": -1}, (422, "validation_error")),
        ({"iterations": 100, "seed": False}, (422, "validation_error")),  # a boolean is not the number 0
        ({"iterations": 100, "seed": 2**53}, (422, "validation_error")),  # past what JSON readers keep exact
        ({"iterations": True}, (422, "validation_error")),
        ({"iterations": "100"}, (422, "validation_error")),  # JSON numbers are numbers
        ({"iterations": 100, "seed": 7.5}, (422, "validation_error")),
    ],
)
def test_bad_runs_are_refused_and_store_nothing(
    migrated: Settings, body: dict[str, Any], expected: tuple[int, str]
) -> None:
    acme = seed_organisation(migrated, "Acme")
    with client_for(inline(migrated), acme.editor) as client:
        study_id = _computed_study(client)
        answer = client.post(f"/api/studies/{study_id}/monte-carlo", json=body)
        assert refusal(answer)[0] == expected[0], answer.text
        if expected[0] == 400:
            assert refusal(answer) == expected
        assert refusal(client.get(f"/api/studies/{study_id}/monte-carlo")) == (404, "not_found")
    assert _progress_keys(migrated) == []


def test_a_run_is_audited_when_asked_for_and_when_done(migrated: Settings) -> None:
    acme = seed_organisation(migrated, "Acme")
    with client_for(inline(migrated), acme.editor) as client:
        study_id = _computed_study(client)
        before = len(audit_entries(migrated))
        run = client.post(f"/api/studies/{study_id}/monte-carlo", json={"iterations": 20, "seed": 1}).json()
    entries = audit_entries(migrated)[before:]
    assert [(e.entity, e.entity_id, e.action, e.actor) for e in entries] == [
        ("monte_carlo_run", str(run["id"]), "create", "user:2"),
        ("monte_carlo_run", str(run["id"]), "done", "jobs"),
    ]
    assert entries[0].after["iterations"] == 20 and "result" not in entries[1].after
    assert entries[1].before["result_sha256"] is None and entries[1].after["result_sha256"]
    assert audit_verifies(migrated)


def test_the_page_runs_monte_carlo_and_shows_its_statistics(migrated: Settings) -> None:
    acme = seed_organisation(migrated, "Acme")
    with client_for(inline(migrated)) as web:
        form_login(web, acme.editor)
        web.cookies.set("lowcarbon_lang", "en")
        with client_for(inline(migrated), acme.editor) as api:
            study_id = _computed_study(api)
        page = web.get(f"/studies/{study_id}").text
        assert 'id="monte-carlo-form"' in page and 'id="monte-carlo-statistics"' not in page
        assert f'href="/api/studies/{study_id}/report.pdf?lang=en"' in page
        assert f'href="/api/studies/{study_id}/report.html?lang=en"' in page
        csrf = csrf_of(web, f"/studies/{study_id}")
        bad = web.post(f"/studies/{study_id}/monte-carlo", data={"csrf_token": csrf, "iterations": "5"})
        assert bad.status_code == 400 and "A Monte Carlo run has 10 to 100000 iterations." in bad.text
        started = web.post(
            f"/studies/{study_id}/monte-carlo",
            data={"csrf_token": csrf, "iterations": "100", "seed": "9"},
            follow_redirects=False,
        )
        assert started.status_code == 303 and started.headers["location"] == f"/studies/{study_id}#monte-carlo"
        section = web.get(f"/studies/{study_id}/monte-carlo").text
        web.cookies.set("lowcarbon_lang", "zh-CN")
        chinese = web.get(f"/studies/{study_id}").text
    assert section.lstrip().startswith('<section class="card" id="monte-carlo" data-status="done"')
    assert 'id="monte-carlo-statistics"' in section and 'id="chart-monte-carlo"' in section
    assert "Distribution of the total" in section and "hx-get" not in section
    assert "不确定性（蒙特卡罗）" in chinese and "平均值" in chinese and "报告 (PDF)" in chinese


def test_a_viewer_sees_the_run_but_gets_no_form(migrated: Settings) -> None:
    acme = seed_organisation(migrated, "Acme")
    with client_for(inline(migrated), acme.editor) as api:
        study_id = _computed_study(api)
        assert api.post(f"/api/studies/{study_id}/monte-carlo", json={"iterations": 20}).status_code == 202
    with client_for(inline(migrated)) as web:
        form_login(web, acme.viewer)
        page = web.get(f"/studies/{study_id}").text
    assert 'id="monte-carlo-statistics"' in page and 'id="monte-carlo-form"' not in page


def test_progress_is_read_from_the_workers_file() -> None:
    key = "0123abcd" * 4
    path = progress_file(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    assert progress_done(key) is None
    path.write_text('{"done": 640}', encoding="utf-8")
    try:
        assert progress_done(key) == 640
    finally:
        path.unlink()
    with pytest.raises(ValueError):
        progress_file("../../etc/passwd")


def _progress_keys(settings: Settings) -> list[str]:
    engine = create_engine(settings)
    try:
        with engine.connect() as connection:
            return [row[0] for row in connection.execute(sa.text("SELECT progress_key FROM monte_carlo_runs"))]
    finally:
        engine.dispose()
