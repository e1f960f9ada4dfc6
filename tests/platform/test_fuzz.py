"""schemathesis over the whole OpenAPI document, on SQLite and PostgreSQL, logged in by bearer token and by session
cookie: no request it makes gets a 5xx or an answer the schema does not describe (see support.fuzz_support).

Bounded for the suite: a few cases per operation and generation mode, the same ones on every run (a fixed seed),
about 10 s a run; stopped after ``SECONDS`` whatever is left, which fails the test as operations went untested.
Two runs rather than four: PostgreSQL, the stricter database, with the session cookie, which reaches every route (an
admin's); SQLite with a bearer token. benchmarks/fuzz_api.py runs all four, long.
"""

from __future__ import annotations

import pytest

from lowcarbon.platform.settings import Settings
from support.fuzz_support import Auth, fuzz, fuzzed_app

MAX_EXAMPLES = 3
SECONDS = 60.0  # a ceiling the run does not reach on a machine that is not overloaded


@pytest.mark.parametrize(("settings", "auth"), [("postgresql", "cookie"), ("sqlite", "bearer")], indirect=["settings"])
def test_generated_requests_get_no_5xx_and_answers_as_the_schema_says(migrated: Settings, auth: Auth) -> None:
    skip = ("/auth/logout",) if auth == "cookie" else ()  # it would end the session the rest of the run uses
    with fuzzed_app(migrated, auth) as (app, caller):
        run = fuzz(app, caller, max_examples=MAX_EXAMPLES, seconds=SECONDS, skip=skip)
        paths = app.openapi()["paths"]
    assert not run.failures, run.report()
    every = {f"{method.upper()} {path}" for path, item in paths.items() if path not in skip for method in item}
    assert run.operations == every, run.report()  # none left out, by a time limit or a schema it cannot read
