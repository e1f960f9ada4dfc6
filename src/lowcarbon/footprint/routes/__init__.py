"""The footprint API: products of the caller's organisation, their footprint studies and their comparison; the
organisation's own factor library, and the factors a study can link to.

    POST   /api/products                  {"name"}                 201 Product          editor, admin  studies:write
    GET    /api/products?limit=&cursor=&archived=                  200 ProductPage      every role     studies:read
    PATCH  /api/products/{id}             {"name"}                 200 Product          editor, admin  studies:write
    POST   /api/products/{id}/archive                              200 Product          editor, admin  studies:write
    POST   /api/products/{id}/restore                              200 Product          editor, admin  studies:write
    POST   /api/products/{id}/studies     {"model", "format",      202 StudySummary     editor, admin  studies:write
                                          "files"}, or multipart
                                          file, format, factor_file
    GET    /api/products/{id}/studies?limit=&cursor=               200 StudyPage        every role     studies:read
    GET    /api/studies/{id}                                       200 Study            every role     studies:read
    PUT    /api/studies/{id}/note         {"note"}                 200 StudySummary     editor, admin  studies:write
    GET    /api/studies/{id}/model                                 200 the model file   every role     studies:read
    GET    /api/studies/{id}/files                                 200 [FactorFile]     every role     studies:read
    GET    /api/studies/{id}/files/{name}                          200 the file         every role     studies:read
    GET    /api/products/{id}/comparison                           200 Comparison       every role     studies:read
    POST   /api/studies/{id}/monte-carlo  {"iterations", "seed"}   202 MonteCarloRun    editor, admin  studies:write
    GET    /api/studies/{id}/monte-carlo                           200 MonteCarloRun    every role     studies:read
    POST   /api/factor-files              {"name", "content",      201 LibraryFile      editor, admin  studies:write
                                          "encoding", "factor_set"},
                                          or multipart file, factor_set
    GET    /api/factor-files?limit=&cursor=                        200 LibraryFilePage  every role     studies:read
    GET    /api/factor-files/{id}                                  200 LibraryFile      every role     studies:read
    GET    /api/factor-files/{id}/content                          200 the file         every role     studies:read
    DELETE /api/factor-files/{id}                                  204                  editor, admin  studies:write
    GET    /api/factors?q=&geography=&unit=&set=&limit=&cursor=    200 FactorPage       every role     studies:read
    POST   /api/model-preview             {"fields", "files_from"} 200 ModelPreview     every role     studies:read
    POST   /api/products/{id}/model-form  {"fields", "files_from"} 202 StudySummary     editor, admin  studies:write

Who may call each route (people by role, machine clients by scope, ``callers``) and the refusals (401, 403, 404 for
another organisation's record) are the platform's rules, ``lowcarbon.platform.auth``. ``studies`` serves products
and studies, ``monte_carlo`` a study's Monte Carlo runs, ``factors`` the factor library, ``editor`` the guided model
editor's preview and saving. Pages of records are keyed
on their ids (``lowcarbon.platform.pagination``); the factors found by a search are ranked, not numbered, so the
cursor of their next page counts the factors shown before it (a file added or deleted meanwhile moves them by its
factors, and nothing else does).
"""

from __future__ import annotations

from fastapi import APIRouter

from lowcarbon.footprint.routes import editor, factors, monte_carlo, studies
from lowcarbon.footprint.routes.callers import READ_SCOPE, WRITE_SCOPE, Reader, Writer

__all__ = ["READ_SCOPE", "WRITE_SCOPE", "Reader", "Writer", "router"]

router = APIRouter()
router.include_router(studies.router)
router.include_router(monte_carlo.router)
router.include_router(factors.router)
router.include_router(editor.router)
