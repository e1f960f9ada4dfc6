"""The footprint domain as the platform mounts it: products and their footprint studies, the organisation's factor
library and the factor browser (API and pages), the jobs that compute a study and make its Monte Carlo runs, its
scopes, its migrations (branch ``studies``) and its demo data."""

from __future__ import annotations

from pathlib import Path

from lowcarbon.footprint import demo, pages, routes, runs, service
from lowcarbon.footprint.stored import compute_stored, monte_carlo_stored
from lowcarbon.platform.domains import Domain
from lowcarbon.platform.jobs import JobKind

__all__ = ["DOMAIN"]

DOMAIN = Domain(
    name="footprint",
    router=routes.router,
    pages=pages.router,
    templates=Path(__file__).parent / "templates",
    job_kinds=(
        JobKind(service.JOB_KIND, compute_stored, on_finish=service.store_outcome, inputs=service.stored_inputs),
        JobKind(runs.JOB_KIND, monte_carlo_stored, on_finish=runs.store_run_outcome, inputs=runs.run_inputs),
    ),
    scopes={
        routes.READ_SCOPE: "read your organisation's products, footprint studies and factor library",
        routes.WRITE_SCOPE: "add products and footprint studies to your organisation, and change its factor library",
    },
    migration_branch="studies",
    seed_demo=demo.seed,
    describe_demo=demo.describe,
)
