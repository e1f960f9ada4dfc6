"""A study's Monte Carlo runs: asked for, run by a job (``study_monte_carlo``), kept with their statistics.

As ``service`` does for studies, functions take the caller's session and ports and do not commit; a study of
another organisation is NotFound. A run is asked of a computed study only (Conflict otherwise), for
``MIN_ITERATIONS`` to ``MAX_ITERATIONS`` iterations (InvalidIterations otherwise), with a seed: when none is given
one is drawn here and kept, so that a job run again after a restart gives the same numbers. Its job's stored payload
is the run's id; ``run_inputs`` reads the study's model and files when the job starts, as ``service.stored_inputs``
does for its computation. The worker reports the iterations it has done in a file (``stored.progress_file``);
``latest_run`` reads it while the run is unfinished. One audit entry when a run is asked for, one when its outcome is
stored (``store_run_outcome``); the statistics are in the entry as a SHA-256 digest.
"""

from __future__ import annotations

import hashlib
import secrets
from contextlib import suppress
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lowcarbon.errors import Conflict, InvalidInput, NotFound
from lowcarbon.factors import FactorLibrary
from lowcarbon.footprint import schemas, service
from lowcarbon.footprint.bundle import ModelBundle
from lowcarbon.footprint.stored import progress_done, progress_file, stored_source
from lowcarbon.footprint.tables import MonteCarloRun
from lowcarbon.footprint.uncertainty import Contributor, FootprintUncertainty
from lowcarbon.ports import AuditLog, JobQueue, JobState, JobStatus, Ports
from lowcarbon.storage import canonical_json, snapshot

__all__ = [
    "DEFAULT_ITERATIONS",
    "JOB_KIND",
    "MAX_ITERATIONS",
    "MIN_ITERATIONS",
    "InvalidIterations",
    "latest_run",
    "latest_uncertainty",
    "report_source",
    "run_inputs",
    "run_state",
    "start_run",
    "store_run_outcome",
]

JOB_KIND = "study_monte_carlo"
MIN_ITERATIONS = 10  # fewer give no meaningful 2.5 and 97.5 percentiles
MAX_ITERATIONS = 100_000  # about a minute of one worker on a large model; more is a batch job's, not a page's
DEFAULT_ITERATIONS = 1000


class InvalidIterations(InvalidInput):
    """The iterations asked for are outside ``MIN_ITERATIONS`` to ``MAX_ITERATIONS``."""

    code = "invalid_iterations"


def run_state(run: MonteCarloRun) -> dict[str, Any]:
    """What the audit trail records of a run: its fields, of the statistics only their SHA-256 digest."""
    digest = hashlib.sha256(canonical_json(run.result).encode()).hexdigest() if run.result is not None else None
    return snapshot(run, hidden=("result",), result_sha256=digest)


def start_run(
    session: Session,
    ports: Ports,
    *,
    organisation_id: int,
    study_id: int,
    iterations: int,
    seed: int | None = None,
    user_id: int | None = None,
    client: tuple[int, str] | None = None,
) -> schemas.MonteCarloRun:
    """Ask for a Monte Carlo run of the organisation's computed study ``study_id``; its job starts when the caller
    commits. Who asks is a user (``user_id``) or a machine client (``client``: its row id and client_id)."""
    if (user_id is None) == (client is None):
        raise ValueError("a run is asked for by a user or by a machine client: give exactly one of the two")
    if not MIN_ITERATIONS <= iterations <= MAX_ITERATIONS:
        raise InvalidIterations(
            f"a Monte Carlo run has {MIN_ITERATIONS:,} to {MAX_ITERATIONS:,} iterations, not {iterations:,}"
        )
    if seed is not None and not 0 <= seed <= schemas.MAX_SEED:
        raise InvalidInput("a seed is a whole number from 0 to 2**53 - 1")
    study = service.own_study(session, organisation_id, study_id)
    if study.status != JobState.DONE:
        raise Conflict(f"study {study_id} is not computed ({study.status}): a Monte Carlo run needs its footprint")
    run = MonteCarloRun(
        study_id=study.id,
        iterations=iterations,
        seed=secrets.randbelow(schemas.MAX_SEED + 1) if seed is None else seed,
        status=JobState.QUEUED,
        progress_key=secrets.token_hex(16),
        created_by=user_id,
        created_by_client=client[0] if client is not None else None,
        client_name=client[1] if client is not None else None,
        created_at=ports.clock(),
    )
    session.add(run)
    session.flush()
    run.job_id = ports.jobs.submit(JOB_KIND, {"run_id": run.id}, organisation_id=organisation_id)
    session.flush()
    ports.audit.record("create", "monte_carlo_run", run.id, None, run_state(run))
    return _shown(run, JobState.QUEUED)


def run_inputs(session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    """The job's input from its stored payload ``{"run_id"}``: its study's input (``service.stored_inputs``), the
    iterations, the seed and the key of its progress file."""
    run = session.get(MonteCarloRun, payload["run_id"])
    if run is None:
        raise NotFound(f"Monte Carlo run {payload['run_id']} is gone")
    inputs = service.stored_inputs(session, {"study_id": run.study_id})
    return {**inputs, "iterations": run.iterations, "seed": run.seed, "progress": run.progress_key}


def store_run_outcome(session: Session, job: JobStatus, audit: AuditLog) -> None:
    """The job runner's hook: keep a finished run's statistics, or its error, on the run."""
    run = session.scalar(sa.select(MonteCarloRun).where(MonteCarloRun.job_id == job.id))
    if run is None:
        return
    before = run_state(run)
    if job.status == JobState.DONE and job.result is not None:
        run.status, run.result, run.error = JobState.DONE, job.result, None
    else:
        run.status, run.error = JobState.FAILED, job.error or "the Monte Carlo run failed"
    session.flush()
    audit.record(job.status, "monte_carlo_run", run.id, before, run_state(run))
    with suppress(OSError):
        progress_file(run.progress_key).unlink(missing_ok=True)


def latest_run(session: Session, jobs: JobQueue, *, organisation_id: int, study_id: int) -> schemas.MonteCarloRun:
    """The newest Monte Carlo run of the organisation's study, with the iterations done while it runs; NotFound
    when the study has none (or the organisation has no such study)."""
    run = _newest(session, organisation_id, study_id, finished=False)
    if run is None:
        raise NotFound(f"study {study_id} has no Monte Carlo run")
    status = JobState(run.status)
    if not status.finished and run.job_id is not None:
        live = jobs.states([run.job_id]).get(run.job_id)
        status = live if live is not None and not live.finished else status
    return _shown(run, status)


def latest_uncertainty(session: Session, *, organisation_id: int, study_id: int) -> FootprintUncertainty | None:
    """The statistics of the study's newest finished Monte Carlo run, with its sampled totals; None when none is."""
    run = _newest(session, organisation_id, study_id, finished=True)
    if run is None or run.result is None:
        return None
    data = dict(run.result)
    contributors = [Contributor(**contributor) for contributor in data.pop("contributors", [])]
    return FootprintUncertainty(**data, contributors=contributors)


def report_source(
    session: Session, *, organisation_id: int, study_id: int
) -> tuple[ModelBundle, FactorLibrary | None, FootprintUncertainty | None]:
    """What the study report of a computed study is built from: its model bundle, its factor library (the shipped
    sets with its copies of library files) and its newest Monte Carlo statistics; NotFound for another
    organisation's study, Conflict for one not computed."""
    study = service.own_study(session, organisation_id, study_id)
    if study.status != JobState.DONE:
        raise Conflict(f"study {study_id} is not computed ({study.status}): its report needs its footprint")
    bundle, library = stored_source(service.stored_inputs(session, {"study_id": study.id}))
    return bundle, library, latest_uncertainty(session, organisation_id=organisation_id, study_id=study_id)


def _newest(session: Session, organisation_id: int, study_id: int, *, finished: bool) -> MonteCarloRun | None:
    service.own_study(session, organisation_id, study_id)
    query = sa.select(MonteCarloRun).where(MonteCarloRun.study_id == study_id)
    if finished:
        query = query.where(MonteCarloRun.status == JobState.DONE)
    return session.scalar(query.order_by(MonteCarloRun.id.desc()).limit(1))


def _shown(run: MonteCarloRun, status: JobState) -> schemas.MonteCarloRun:
    done = run.iterations if status == JobState.DONE else None
    if status in (JobState.QUEUED, JobState.RUNNING):
        done = progress_done(run.progress_key)
    statistics = None
    if status == JobState.DONE and run.result is not None:
        statistics = schemas.MonteCarloStatistics.model_validate(run.result)
    return schemas.MonteCarloRun(
        id=run.id,
        study_id=run.study_id,
        status=status.value,
        iterations=run.iterations,
        seed=run.seed,
        done=done,
        statistics=statistics,
        error=run.error if status == JobState.FAILED else None,
        created_at=run.created_at,
        job_id=run.job_id,
    )
