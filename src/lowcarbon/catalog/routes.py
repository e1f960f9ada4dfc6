"""The catalog's public API (no login).

    GET /api/catalog/products?q=&category=&label=&region=&certification_body=&footprint_max=&footprint_min=
                              &status=&sort=&limit=&cursor=
        {"items": [...], "total": N, "facets": {"category_code": {code: count}, "label": {...}, "region": {...},
         "certification_body": {...}}, "next": CURSOR_OR_NULL, "estimated": false, "exact_up_to": N,
         "footprint_range": {"min", "max"}}
    GET /api/catalog/products/{registry_id}     one product, with its category's average and best footprint
    GET /api/catalog/categories                 the procurement categories
    GET /api/catalog/compare?id=REG1&id=REG2    2 to 5 products side by side, with warnings (``catalog.compare``)
    GET /api/catalog/export.csv?<the search's>  every match of the search, in its order, as a CSV file that
    GET /api/catalog/export.xlsx?<the search's> re-imports (or an Excel file), streamed (``catalog.export``)

Filters may be repeated (``label=a&label=b``: either). ``status`` is ``valid`` (the default), ``any``, or one or more
of suspended, revoked, withdrawn, expired (comma-separated). ``sort`` is ``relevance`` (the default with ``q``),
``footprint`` or ``-footprint``. ``next`` is the cursor of the following page, to pass as ``cursor``.
"""

from __future__ import annotations

import os
import tempfile
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, JSONResponse, StreamingResponse
from starlette.background import BackgroundTask

from lowcarbon.catalog import export, index
from lowcarbon.catalog import search as catalog_search
from lowcarbon.catalog.categories import all_categories
from lowcarbon.catalog.compare import MAX_MODELS, compare
from lowcarbon.catalog.products import product_detail
from lowcarbon.certify.certificates import china_day
from lowcarbon.errors import InvalidInput
from lowcarbon.platform.dependencies import NowDep, Platform, SessionDep
from lowcarbon.web.i18n import language_of

__all__ = ["CatalogQueryDep", "catalog_query", "router"]

router = APIRouter(prefix="/api/catalog", tags=["catalog"])
MAX_LIMIT = 1000  # products on one page
_FILTER = Query(max_length=200)
Filter = Annotated[list[str] | None, _FILTER]


def _status(status: str | None) -> tuple[str, ...] | None:
    if status is None or status.strip() == "":
        return ("valid",)
    names = tuple(dict.fromkeys(s.strip().lower() for s in status.split(",") if s.strip()))
    if "any" in names:
        return None
    unknown = [name for name in names if name not in index.STATUSES]
    if unknown:
        raise InvalidInput(f"status: {', '.join(unknown)} is not one of any, {', '.join(index.STATUSES)}")
    return names


def catalog_query(
    q: Annotated[str, Query(max_length=200, description="Text: Chinese or English, brand, model number")] = "",
    category: Filter = None,
    label: Filter = None,
    region: Filter = None,
    certification_body: Filter = None,
    footprint_max: Annotated[float | None, Query(ge=0, le=1e12, description="kg CO2e per declared unit")] = None,
    footprint_min: Annotated[float | None, Query(ge=0, le=1e12, description="kg CO2e per declared unit")] = None,
    status: Annotated[str | None, Query(max_length=100, description="valid (default), any, or statuses")] = None,
    sort: Annotated[str | None, Query(pattern="^(relevance|footprint|-footprint)$")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 20,
    cursor: Annotated[str | None, Query(max_length=400)] = None,
) -> catalog_search.Query:
    """A catalog search as the query string asks for it."""
    return catalog_search.Query(
        q=q,
        category=tuple(category or ()),
        label=tuple(label or ()),
        region=tuple(region or ()),
        certification_body=tuple(certification_body or ()),
        footprint_max=footprint_max,
        footprint_min=footprint_min,
        status=_status(status),
        sort=sort,
        limit=limit,
        cursor=cursor,
    )


CatalogQueryDep = Annotated[catalog_search.Query, Depends(catalog_query)]


@router.get("/products")
def search_products(query: CatalogQueryDep, session: SessionDep, now: NowDep) -> JSONResponse:
    """Search certified product models: text, filters, facets with counts, sorting, cursor pagination."""
    result = catalog_search.search(session, query, china_day(now))
    return JSONResponse(result.to_dict())


@router.get("/products/{registry_id:path}")
def get_product(registry_id: str, session: SessionDep, now: NowDep) -> JSONResponse:
    """One product model: its values, certificate status today, where it stands in its category."""
    return JSONResponse(product_detail(session, registry_id, china_day(now)))


@router.get("/compare")
def compare_products(
    session: SessionDep,
    now: NowDep,
    id: Annotated[list[str] | None, Query(max_length=128, description="2 to 5 registry ids")] = None,
) -> JSONResponse:
    """Products side by side: specifications, certificates, footprints on one declared unit, and warnings where
    units or labels differ."""
    ids = (id or [])[: MAX_MODELS + 1]  # more than the maximum is refused whatever follows
    return JSONResponse(compare(session, ids, china_day(now)))


def _filename(now: Any, ending: str) -> str:
    return f"catalog-{china_day(now).strftime('%Y%m%d')}.{ending}"


CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get(
    "/export.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}, "description": "The products, as CSV"}},
)
def export_csv(query: CatalogQueryDep, request: Request, session: SessionDep, now: NowDep) -> StreamingResponse:
    """Every product the search matches, in its order, as CSV (UTF-8 with BOM) in the import's columns."""
    ids = catalog_search.ordered_ids(session, query, china_day(now))
    sessions = Platform.of(request.app).sessions.begin
    return StreamingResponse(
        export.csv_chunks(sessions, ids),
        media_type=CSV_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{_filename(now, "csv")}"'},
    )


@router.get(
    "/export.xlsx",
    response_class=FileResponse,
    responses={200: {"content": {XLSX_TYPE: {}}, "description": "The products, as an Excel workbook"}},
)
def export_xlsx(query: CatalogQueryDep, request: Request, session: SessionDep, now: NowDep) -> FileResponse:
    """Every product the search matches, in its order, as an Excel workbook (the header in the reader's language)."""
    ids = catalog_search.ordered_ids(session, query, china_day(now))
    handle, path = tempfile.mkstemp(prefix="lowcarbon-catalog-", suffix=".xlsx")
    os.close(handle)
    try:
        export.write_xlsx(path, Platform.of(request.app).sessions.begin, ids, language=language_of(request).tag)
    except BaseException:
        os.unlink(path)
        raise
    return FileResponse(
        path,
        media_type=XLSX_TYPE,
        filename=_filename(now, "xlsx"),
        background=BackgroundTask(os.unlink, path),
    )


@router.get("/categories")
def list_categories(session: SessionDep, now: NowDep) -> JSONResponse:
    """The procurement categories with their standard, declared unit and products counted."""
    day = china_day(now)
    snapshot = index.current(session)
    return JSONResponse({"items": [_category(c, snapshot, day) for c in all_categories(session)]})


def _category(category: Any, snapshot: index.Snapshot, day: Any) -> dict[str, Any]:
    return {
        "code": category.code,
        "name": {"zh-CN": category.name_zh, "en": category.name_en},
        "standard": category.standard,
        "declared_unit": category.declared_unit,
        "source": category.source,
        "footprint": catalog_search.category_figures(snapshot, category.code, category.declared_unit, day),
    }
