"""A study's page while its job runs, and when it ends: the progress that HTMX polls, the result or the error."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from lowcarbon.platform.app import create_app
from lowcarbon.platform.dependencies import Platform
from lowcarbon.platform.jobs import run_job
from lowcarbon.platform.settings import Settings
from support.study_support import PV_MODEL, inline, seed_organisation
from support.web_support import csrf_of, form_login


class Held:
    """Jobs the runner was given but has not run: they stay queued until ``finish`` runs or fails them."""

    def __init__(self, app: Any) -> None:
        self.runner = Platform.of(app).jobs
        self.jobs: list[tuple[int, str, dict[str, Any]]] = []
        self.runner._start = lambda job_id, path, payload: self.jobs.append((job_id, path, payload))  # type: ignore[method-assign]

    def finish(self, *, fail: str | None = None) -> None:
        for job_id, path, payload in self.jobs:
            if fail is None:
                self.runner._finished(job_id, run_job(path, payload), None)
            else:
                self.runner._finished(job_id, None, RuntimeError(fail))
        self.jobs.clear()


@pytest.fixture
def held(migrated: Settings) -> Any:
    organisation = seed_organisation(migrated, "Sunrise PV")
    app = create_app(inline(migrated))
    with TestClient(app) as web:
        held = Held(app)
        form_login(web, organisation.editor)
        web.cookies.set("lowcarbon_lang", "en")
        created = web.post("/products", data={"name": "PV", "csrf_token": csrf_of(web)}, follow_redirects=False)
        product = created.headers["location"]
        form = {"csrf_token": csrf_of(web, product), "model": ""}
        files = {"file": ("model.yaml", PV_MODEL.read_bytes())}
        study = web.post(f"{product}/studies", data=form, files=files, follow_redirects=False).headers["location"]
        yield web, held, study


def test_the_page_polls_while_the_job_runs_then_shows_the_result(held: Any) -> None:
    web, jobs, study = held
    page = web.get(study).text
    assert re.search(r'data-status="(queued|running)"', page) and 'id="total"' not in page
    assert f'hx-get="{study}/status"' in page
    fragment = web.get(f"{study}/status").text
    assert fragment.lstrip().startswith('<section class="card progress" id="study-status"') and "<html" not in fragment
    assert 'hx-trigger="load delay:1s"' in fragment
    jobs.finish()
    fragment = web.get(f"{study}/status").text
    assert 'data-status="done"' in fragment and 'id="total"' in fragment and "hx-get" not in fragment


def test_a_failed_job_shows_its_error_and_stops_polling(held: Any) -> None:
    web, jobs, study = held
    jobs.finish(fail="the solver gave up")
    page = web.get(study).text
    assert 'data-status="failed"' in page and "The computation failed:" in page and "the solver gave up" in page
    assert "hx-get" not in page
