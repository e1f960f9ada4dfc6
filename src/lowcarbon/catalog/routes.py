"""The catalog's public API (no login).

    GET /api/catalog/products?q=&category=&label=&region=&certification_body=&footprint_max=&footprint_min=
                              &status=&sort=&limit=&cursor=
        {"items": [...], "total": N, "facets": {"category_code": {code: count}, "label": {...}, "region": {...},
         "certification_body": {...}}, "next": CURSOR_OR_NULL, "estimated": false, "exact_up_to": N,
         "footprint_range": {"min", "max"}}
    GET /api/catalog/products/{registry_id}     one product, with its category's average and best footprint
    GET /api/catalog/categories                 the procurement categories

Filters may be repeated (``label=a&label=b``: either). ``status`` is ``valid`` (the default), ``any``, or one or more
of suspended, revoked, withdrawn, expired (comma-separated). ``sort`` is ``relevance`` (the default with ``q``),
``footprint`` or ``-footprint``. ``next`` is the cursor of the following page, to pass as ``cursor``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from lowcarbon.catalog import index
from lowcarbon.catalog import search as catalog_search
from lowcarbon.catalog.categories import all_categories
from lowcarbon.catalog.products import product_detail
from lowcarbon.certify.certificates import china_day
from lowcarbon.errors import InvalidInput
from lowcarbon.platform.dependencies import NowDep, SessionDep

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
