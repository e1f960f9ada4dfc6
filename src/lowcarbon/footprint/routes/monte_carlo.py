"""The API of a study's Monte Carlo runs (the table of routes is the package's, ``footprint.routes``).

A run is accepted with 202 and made by a background job (``study_monte_carlo``): poll
``GET /api/studies/{id}/monte-carlo`` (its ``Location``), which answers the study's newest run, until ``status`` is
``done`` (with its statistics) or ``failed``. The checks are those of ``footprint.runs.start_run``.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from lowcarbon.footprint import runs
from lowcarbon.footprint.routes.callers import ERRORS, Reader, Writer, responses
from lowcarbon.footprint.schemas import MonteCarloIn, MonteCarloRun
from lowcarbon.platform.dependencies import JobsDep, SessionDep, WriteSessionDep, ports_for
from lowcarbon.platform.pagination import IdPath

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["studies"], responses=ERRORS)


@router.post(
    "/studies/{study_id}/monte-carlo",
    status_code=202,
    responses=responses(
        (400, f"invalid_iterations: not {runs.MIN_ITERATIONS} to {runs.MAX_ITERATIONS}; invalid_input"),
        (409, "conflict: the study is not computed"),
    ),
)
def start_monte_carlo(
    request: Request, study_id: IdPath, body: MonteCarloIn, caller: Writer, session: WriteSessionDep, response: Response
) -> MonteCarloRun:
    """Run Monte Carlo on a computed study's footprint in the background: every uncertain factor and amount of its
    model sampled ``iterations`` times from ``seed``."""
    run = runs.start_run(
        session,
        ports_for(request, session, caller.actor),
        organisation_id=caller.organisation_id,
        study_id=study_id,
        iterations=body.iterations,
        seed=body.seed,
        user_id=caller.user_id,
        client=caller.machine_client,
    )
    response.headers["Location"] = f"/api/studies/{study_id}/monte-carlo"
    return run


@router.get("/studies/{study_id}/monte-carlo")
def get_monte_carlo(study_id: IdPath, caller: Reader, session: SessionDep, jobs: JobsDep) -> MonteCarloRun:
    """The study's newest Monte Carlo run: its status, the iterations done, and its statistics when done (404 when
    the study has none)."""
    return runs.latest_run(session, jobs.queue(session), organisation_id=caller.organisation_id, study_id=study_id)
