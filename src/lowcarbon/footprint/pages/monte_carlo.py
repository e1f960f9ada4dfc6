"""The study page's Monte Carlo runs: the form that asks for one, and the section HTMX polls while it runs.

    POST /studies/{id}/monte-carlo       iterations, seed (optional), csrf_token: 303 to the study's page at its
                                         Monte Carlo section, or the study page again with the form's error (400, 409)
    GET  /studies/{id}/monte-carlo       the Monte Carlo section: the progress bar while the run's job runs (polled
                                         each second), then the statistics, the histogram and the inputs that drive
                                         the variance

Everything goes through ``lowcarbon.footprint.runs``, as the API does.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from lowcarbon.errors import Conflict, InvalidInput
from lowcarbon.footprint import runs, service
from lowcarbon.footprint.pages.studies import monte_carlo_context, render_study
from lowcarbon.platform.dependencies import JobsDep, SessionDep, WriteSessionDep, ports_for
from lowcarbon.platform.forms import read_fields
from lowcarbon.platform.pagination import IdPath
from lowcarbon.web.access import PageEditor, PageUser
from lowcarbon.web.render import gettext_for, page

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.post("/studies/{study_id}/monte-carlo")
async def start_run(
    request: Request, study_id: IdPath, user: PageEditor, session: WriteSessionDep, jobs: JobsDep
) -> Response:
    """Start a Monte Carlo run of the study from the form, then show its progress."""
    fields = await read_fields(request, json_allowed=False)
    sent = {"iterations": fields.get("iterations", "").strip(), "seed": fields.get("seed", "").strip()}
    _ = gettext_for(request)
    try:
        iterations = _whole(sent["iterations"], _("The number of iterations is a whole number."))
        seed = None
        if sent["seed"]:
            seed = _whole(sent["seed"], _("The seed is a whole number of up to 15 digits, or left empty."))
            if not 0 <= seed < 10**15:  # within what JSON readers keep exact (schemas.MAX_SEED)
                raise InvalidInput(_("The seed is a whole number of up to 15 digits, or left empty."))
        runs.start_run(
            session,
            ports_for(request, session, user.actor),
            organisation_id=user.organisation_id,
            study_id=study_id,
            iterations=iterations,
            seed=seed,
            user_id=user.id,
        )
    except (InvalidInput, Conflict) as exc:
        shown = _message(exc, _)
        form = {**sent, "error": shown}
        return render_study(request, study_id, user, session, jobs.queue(session), run_form=form, status=exc.status)
    return RedirectResponse(f"/studies/{study_id}#monte-carlo", status_code=303)


@router.get("/studies/{study_id}/monte-carlo")
def run_section(request: Request, study_id: IdPath, user: PageUser, session: SessionDep, jobs: JobsDep) -> HTMLResponse:
    """The study's Monte Carlo section: the fragment the study page polls while a run is unfinished."""
    queue = jobs.queue(session)
    study = service.get_study(session, queue, organisation_id=user.organisation_id, study_id=study_id)
    context = monte_carlo_context(request, session, queue, user.organisation_id, study)
    return page(request, "monte_carlo.html", {"user": user, "study": study, "monte_carlo": context})


def _whole(text: str, message: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise InvalidInput(message) from None


def _message(exc: InvalidInput | Conflict, _: Callable[[str], str]) -> str:
    """The form's error in the page's language: the limits of the iterations, or the refusal as it was said."""
    if isinstance(exc, runs.InvalidIterations):
        return _("A Monte Carlo run has {low} to {high} iterations.").format(
            low=runs.MIN_ITERATIONS, high=runs.MAX_ITERATIONS
        )
    if isinstance(exc, Conflict):
        return _("The study has no footprint yet: a Monte Carlo run needs it.")
    return str(exc)
