"""Fuzzing the HTTP API with schemathesis: the platform's app on a seeded database, a caller logged in by bearer
token or by session cookie, and one run of schemathesis' engine over the whole OpenAPI document, counted by check.

Used by tests/platform/test_fuzz.py (a short run per database and way of logging in) and by
benchmarks/fuzz_api.py (a long one). Every check schemathesis has is on; the one allowance is that a request the
schema calls valid may still be refused as 400 (a model that is no model, a cursor this API never gave), 409 (a
name taken) or 413 (a file past a limit of the bounded reader): rules of content no schema can state. A 422 for a
request the schema calls valid is a failure: the schema is looser than the server. An exception out of a case (the
app's own, which a 500 answers, or one schemathesis meets making the case) is counted as ``exception``.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal
from unittest.mock import patch

import schemathesis
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from schemathesis.engine import events, from_schema
from schemathesis.engine.run import PhaseName

from lowcarbon.platform import passwords
from lowcarbon.platform.app import create_app
from lowcarbon.platform.csrf import CSRF_HEADER, SESSION_COOKIE
from lowcarbon.platform.settings import Settings
from support.study_support import (
    TSHIRT_FACTORS,
    TSHIRT_MODEL,
    create_product,
    inline,
    log_in,
    seed_client,
    seed_organisation,
    submit,
)

Auth = Literal["bearer", "cookie"]
AUTHS: tuple[Auth, ...] = ("bearer", "cookie")
PHASES = ("examples", "coverage", "fuzzing", "stateful")
CONTENT_REFUSALS = ["2xx", "3xx", "400", "401", "403", "404", "409", "413"]  # what valid-looking data may get
SEED = 20261128
# Every valid new person hashes a password: at Argon2id's full cost that would take most of a run's time.
QUICK_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@dataclass
class FuzzRun:
    """What a run did: the cases sent, the operations they reached, the failures by check, one example of each
    failure, and the time taken."""

    cases: int = 0
    operations: set[str] = field(default_factory=set)  # "POST /api/products": those that got a case
    checked: Counter[str] = field(default_factory=Counter)  # responses each check looked at
    failures: Counter[str] = field(default_factory=Counter)
    examples: dict[tuple[str, str], str] = field(default_factory=dict)  # (check, operation) -> what was seen
    seconds: float = 0.0

    def report(self) -> str:
        """The run in a few lines: cases, failures by check (of the responses it looked at), and an example of each
        failure."""
        lines = [f"{self.cases:,} cases in {self.seconds:.1f} s; failures: {sum(self.failures.values()):,}"]
        counted = sorted(self.checked.keys() | self.failures.keys())
        lines += [f"  {check}: {self.failures[check]:,} of {self.checked[check]:,}" for check in counted]
        lines += [f"  e.g. {check} at {operation}: {seen}" for (check, operation), seen in self.examples.items()]
        return "\n".join(lines)


@contextmanager
def fuzzed_app(settings: Settings, auth: Auth) -> Iterator[tuple[FastAPI, dict[str, Any]]]:
    """The app on ``settings`` (jobs run inline) with an organisation whose first product has a computed study with
    a factor file (ids 1, which the coverage phase tries), and schemathesis' settings of the caller: its admin's
    session cookie, as the OpenAPI document's security scheme (so that schemathesis can leave it out, knowing what
    that should get), with the CSRF header (``cookie``); or the token of a machine client holding every scope in
    the Authorization header (``bearer``). The app is running meanwhile."""
    settings = inline(settings)
    app = create_app(settings)
    with patch.object(passwords, "_hasher", QUICK_HASHER), TestClient(app) as client:
        organisation = seed_organisation(settings, "Fuzz Co")
        log_in(client, organisation.admin)
        product_id = create_product(client, "Cotton T-shirt")
        model = TSHIRT_MODEL.read_text(encoding="utf-8")
        submit(client, product_id, model, files={"factors.csv": TSHIRT_FACTORS.read_text(encoding="utf-8")})
        if auth == "cookie":
            session = {"APIKeyCookie": {"api_key": client.cookies[SESSION_COOKIE]}}
            caller = {"auth": {"openapi": session}, "headers": {CSRF_HEADER: client.headers[CSRF_HEADER]}}
        else:
            client_id, secret = seed_client(settings, organisation.id, " ".join(app.state.scopes))
            client.cookies.clear()
            token = client.post("/auth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret))
            caller = {"headers": {"Authorization": f"Bearer {token.json()['access_token']}"}}
        yield app, caller


def fuzz(
    app: FastAPI,
    caller: dict[str, Any],
    *,
    max_examples: int,
    seconds: float,
    seed: int = SEED,
    phases: Sequence[str] = PHASES,
    skip: Sequence[str] = (),
) -> FuzzRun:
    """Run schemathesis over ``app``'s OpenAPI document as ``caller`` (``fuzzed_app``): each phase of ``phases``
    with at most ``max_examples`` cases per operation and mode, reproducibly from ``seed``, stopped after
    ``seconds``; the operations at the paths ``skip`` are left out."""
    config = schemathesis.Config.from_dict(
        {
            "seed": seed,
            **caller,
            "generation": {"max-examples": max_examples, "deterministic": True, "database": "none"},
            "checks": {"positive_data_acceptance": {"expected-statuses": CONTENT_REFUSALS}},
            "phases": {phase: {"enabled": phase in phases} for phase in PHASES},
            "cache": {"enabled": False},
        }
    )
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config)
    for path in skip:
        schema = schema.exclude(path=path)
    run, start = FuzzRun(), time.monotonic()
    stream = from_schema(schema).execute()
    for event in stream:
        if isinstance(event, events.ScenarioFinished):
            _count(run, event)
        elif isinstance(event, events.NonFatalError):
            run.failures["exception"] += 1  # no check saw a response
            run.examples.setdefault(("exception", event.label), f"{type(event.value).__name__}: {event.value}")
        elif isinstance(event, events.FatalError):
            raise event.exception
        if time.monotonic() - start > seconds:
            stream.stop()
    run.seconds = time.monotonic() - start
    return run


def _count(run: FuzzRun, event: events.ScenarioFinished) -> None:
    run.cases += len(event.recorder.cases)
    if event.recorder.cases and event.phase is not PhaseName.STATEFUL_TESTING:
        run.operations.add(event.recorder.label)
    for checks in event.recorder.checks.values():
        for check in checks:
            run.checked[check.name] += 1
            if check.failure_info is None:
                continue
            run.failures[check.name] += 1
            failure = check.failure_info.failure
            seen = f"{failure.title}: {failure.message}".replace("\n", " ")[:300]
            run.examples.setdefault((check.name, event.recorder.label), f"{seen} | {check.failure_info.code_sample}")
