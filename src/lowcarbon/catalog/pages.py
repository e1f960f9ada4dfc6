"""The catalog's public pages (no login), in Chinese and English, working on a phone.

GET /catalog?q=&category=&label=&region=&certification_body=&footprint_max=&status=&sort=&cursor=
    search: a text box, facets with counts as filters to click, footprint and status filters, sorting, the next
    page by cursor; each product with its certificate's status; boxes to choose models to compare; export links
GET /catalog/products/{registry_id}     a product: values, specifications, certificate status today (and its
                                        verification page), where it stands in its category
GET /catalog/compare?id=...             2 to 5 products side by side, with the warnings of ``catalog.compare``
                                        (without any id: how to choose them)

The pages read what the API answers (``catalog.search``, ``catalog.products``, ``catalog.compare``), so a page
and ``/api/catalog/...`` never disagree. A search the page cannot run (a footprint that is not a number, a cursor
of another search) is the page again with the reason (400); an unknown product is the page saying so (404).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from lowcarbon.catalog import compare, demo, index
from lowcarbon.catalog import search as catalog_search
from lowcarbon.catalog.categories import all_categories
from lowcarbon.catalog.products import product_detail
from lowcarbon.catalog.routes import catalog_query
from lowcarbon.certify import workflow
from lowcarbon.certify.certificates import china_day
from lowcarbon.certify.schemes import schemes
from lowcarbon.errors import InvalidInput, LowcarbonError, NotFound
from lowcarbon.platform.dependencies import NowDep, SessionDep
from lowcarbon.platform.logins import SessionUser
from lowcarbon.web.access import MaybeUser
from lowcarbon.web.i18n import N_, language_of
from lowcarbon.web.render import page, text

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20
FILTERS = ("category", "label", "region", "certification_body")  # the query's names of the facets' filters
FACET_OF = dict(zip(FILTERS, index.FACETS, strict=True))  # the search answer's names of them
_KEPT = (*FILTERS, "q", "footprint_max", "status", "sort")  # what a search's links carry on
_BAD_FOOTPRINT = N_("The maximum footprint must be a number of at least 0.")


def _common(request: Request, user: SessionUser | None) -> dict[str, Any]:
    lang = language_of(request).tag
    return {
        "user": user,
        "lang": lang,
        "certificate_states": workflow.machine(workflow.CERTIFICATE).states,
        "labels": {s.id: s.name.get(lang, s.id) for s in schemes()},
        "active": "catalog",
    }


def _params(request: Request) -> list[tuple[str, str]]:
    """The search's parameters as given, blank ones and the page's cursor left out."""
    return [(k, v.strip()[:200]) for k, v in request.query_params.multi_items() if k in _KEPT and v.strip()]


def _query(params: Sequence[tuple[str, str]], cursor: str | None) -> catalog_search.Query:
    values: dict[str, list[str]] = {}
    for name, value in params:
        values.setdefault(name, []).append(value)
    first = {name: found[0] for name, found in values.items()}
    try:
        footprint_max = float(first["footprint_max"]) if "footprint_max" in first else None
    except ValueError:
        footprint_max = -1.0
    if footprint_max is not None and not 0 <= footprint_max <= 1e12:
        raise InvalidInput(_BAD_FOOTPRINT)
    if first.get("sort") not in (None, *catalog_search.SORTS):
        raise InvalidInput(f"sort is one of {', '.join(catalog_search.SORTS)}")
    return catalog_query(
        q=first.get("q", ""),
        category=values.get("category"),
        label=values.get("label"),
        region=values.get("region"),
        certification_body=values.get("certification_body"),
        footprint_max=footprint_max,
        status=first.get("status"),
        sort=first.get("sort"),
        limit=PAGE_SIZE,
        cursor=(cursor or "")[:400] or None,
    )


def _link(path: str, params: Sequence[tuple[str, str]]) -> str:
    return f"{path}?{urlencode(params)}" if params else path


def _toggled(params: Sequence[tuple[str, str]], name: str, value: str) -> str:
    """The search's address with the filter ``name`` = ``value`` added, or taken away when it is there."""
    pair = (name, value)
    return _link("/catalog", [p for p in params if p != pair] if pair in params else [*params, pair])


def _facets(params: Sequence[tuple[str, str]], facets: Mapping[str, Mapping[str, int]]) -> list[dict[str, Any]]:
    groups = []
    for name in FILTERS:
        chosen = {value for key, value in params if key == name}
        counts = dict(facets.get(FACET_OF[name], {}))
        for value in chosen - counts.keys():  # a chosen filter stays to click away, even with nothing left
            counts[value] = 0
        groups.append(
            {
                "name": name,
                "values": [
                    {"value": v, "count": n, "chosen": v in chosen, "href": _toggled(params, name, v)}
                    for v, n in counts.items()
                ],
            }
        )
    return groups


@router.get("/catalog")
def catalog_page(
    request: Request, user: MaybeUser, session: SessionDep, now: NowDep, cursor: str | None = None
) -> HTMLResponse:
    """Search the green product catalog."""
    params = _params(request)
    context = {
        **_common(request, user),
        "params": dict(params),
        "chosen": params,
        "categories": {c.code: c for c in all_categories(session)},
        "statuses": index.STATUSES,
        "sorts": catalog_search.SORTS,
        "exports": {ending: _link(f"/api/catalog/export.{ending}", params) for ending in ("csv", "xlsx")},
        "first_page": _link("/catalog", params) if cursor else None,
        "max_compare": compare.MAX_MODELS,
    }
    try:
        result = catalog_search.search(session, _query(params, cursor), china_day(now))
    except InvalidInput as error:
        message = str(error)
        shown = text(request, _BAD_FOOTPRINT) if message == _BAD_FOOTPRINT else message
        return page(request, "catalog.html", {**context, "error": shown, "result": None}, status=400)
    context |= {
        "result": result,
        "facets": _facets(params, result.facets),
        "next_page": _link("/catalog", [*params, ("cursor", result.next)]) if result.next else None,
    }
    return page(request, "catalog.html", context)


@router.get("/catalog/products/{registry_id:path}")
def product_page(request: Request, registry_id: str, user: MaybeUser, session: SessionDep, now: NowDep) -> HTMLResponse:
    """One product model, as a buyer or a consumer looks it up."""
    try:
        product: dict[str, Any] | None = product_detail(session, registry_id, china_day(now))
    except NotFound:
        product = None
    context = {
        **_common(request, user),
        "product": product,
        "registry_id": registry_id,
        "illustrative": demo.is_demo(registry_id),
    }
    return page(request, "catalog_product.html", context, status=200 if product else 404)


@router.get("/catalog/compare")
def compare_page(request: Request, user: MaybeUser, session: SessionDep, now: NowDep) -> HTMLResponse:
    """The chosen products side by side."""
    ids = request.query_params.getlist("id")[: compare.MAX_MODELS + 1]
    context: dict[str, Any] = {**_common(request, user), "comparison": None, "error": None, "max": compare.MAX_MODELS}
    if not ids:  # nothing chosen yet: how to choose
        return page(request, "catalog_compare.html", context)
    try:
        context["comparison"] = compare.compare(session, [i[:128] for i in ids], china_day(now))
    except LowcarbonError as error:
        known = isinstance(error, (InvalidInput, NotFound))
        if not known:
            raise
        context |= {"error": error.code, "ids": ids}
        return page(request, "catalog_compare.html", context, status=error.status)
    context["illustrative"] = any(demo.is_demo(p["registry_id"]) for p in context["comparison"]["products"])
    return page(request, "catalog_compare.html", context)
