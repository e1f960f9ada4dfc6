"""The CFP study report of a stored study, over HTTP: the report package's platform slice.

    GET /api/studies/{id}/report.pdf?lang=zh-CN|en    200 application/pdf (a download)   every role   studies:read
    GET /api/studies/{id}/report.html?lang=zh-CN|en   200 text/html                      every role   studies:read

Who may read a report is who may read the study (``footprint.routes``: people of its organisation by session,
machine clients with ``studies:read``; another organisation's study is 404). A study that is not computed is 409.
The report is built from what the study keeps (``footprint.runs.report_source``: its model, factor files and
copies of library files), so it is ``lowcarbon report`` on the same files, and holds the statistics of the study's
newest finished Monte Carlo run when it has one. ``lang`` defaults to the caller's UI language (the language
switch's cookie, else the browser's preference, else Chinese).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from lowcarbon.footprint import runs, service
from lowcarbon.footprint.routes import Reader
from lowcarbon.footprint.routes.callers import ERRORS, responses
from lowcarbon.platform.dependencies import SessionDep
from lowcarbon.platform.pagination import IdPath
from lowcarbon.report.build import Report, build_report
from lowcarbon.report.html import render_html
from lowcarbon.report.pdf import render_pdf
from lowcarbon.report.words import Lang
from lowcarbon.web.i18n import language_of

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["reports"], responses=ERRORS)

LangQuery = Annotated[
    Literal["zh-CN", "en"] | None, Query(description="The report's language; by default the caller's UI language")
]
# The HTML report is a page of its own with inline CSS and SVG: nothing in it runs, nothing is fetched.
_HTML_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
_CONFLICT = responses((409, "conflict: the study is not computed"))


def _report(
    request: Request, study_id: int, caller: Reader, session: SessionDep, lang: str | None
) -> tuple[Report, Lang, str]:
    """The study's report, its language, and the name of its file without the ending."""
    organisation_id = caller.organisation_id
    bundle, library, uncertainty = runs.report_source(session, organisation_id=organisation_id, study_id=study_id)
    stored = service.get_model(session, organisation_id=organisation_id, study_id=study_id)
    chosen: Lang = "en" if (lang or language_of(request).tag) == "en" else "zh-CN"
    report = build_report(bundle, library=library, uncertainty=uncertainty)
    return report, chosen, f"study-{study_id}-v{stored.version}-report-{chosen}"


@router.get(
    "/studies/{study_id}/report.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "The CFP study report"}, **_CONFLICT},
)
def report_pdf(
    request: Request, study_id: IdPath, caller: Reader, session: SessionDep, lang: LangQuery = None
) -> Response:
    """The study's CFP study report (GB/T 24067 / ISO 14067 clause 7) as a PDF, in Chinese or English."""
    report, chosen, name = _report(request, study_id, caller, session, lang)
    return Response(
        render_pdf(report, chosen),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}.pdf"', "Content-Language": chosen},
    )


@router.get(
    "/studies/{study_id}/report.html",
    response_class=Response,
    responses={200: {"content": {"text/html": {}}, "description": "The CFP study report"}, **_CONFLICT},
)
def report_html(
    request: Request, study_id: IdPath, caller: Reader, session: SessionDep, lang: LangQuery = None
) -> Response:
    """The study's CFP study report as one self-contained HTML page (inline CSS and SVG), printable."""
    report, chosen, name = _report(request, study_id, caller, session, lang)
    headers = {
        "Content-Disposition": f'inline; filename="{name}.html"',
        "Content-Language": chosen,
        "Content-Security-Policy": _HTML_POLICY,
    }
    return Response(render_html(report, chosen), media_type="text/html", headers=headers)
