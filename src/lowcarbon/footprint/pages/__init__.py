"""The footprint domain's pages: products and their studies (``studies``), renaming, archiving and restoring a
product and a note on a version (``manage``), a study's Monte Carlo runs (``monte_carlo``), the factor library
(``factors``), and the guided model editor (``editor``).

The templates are in ``footprint/templates``; the layout they extend is the web package's.
"""

from __future__ import annotations

from fastapi import APIRouter

from lowcarbon.footprint.pages import editor, factors, manage, monte_carlo, studies

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
router.include_router(studies.router)
router.include_router(manage.router)
router.include_router(monte_carlo.router)
router.include_router(factors.router)
router.include_router(editor.router)
