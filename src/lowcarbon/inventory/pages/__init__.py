"""The inventory pages: an organisation's GHG inventories, a month of a site's activity data entered in a form, the
Excel template uploaded, the result by ISO 14064-1 category and by scope with charts, and the report.

    GET  /inventory                          the organisation's inventories; editors add one (a form, or a file)
    POST /inventory                          name, organisation, reporting_year, approach, sites: 303 to the new one
    POST /inventory/upload                   multipart file (YAML or the Excel template), name: 303 to the new one
    GET  /inventory/{id}[?site=&month=]      the inventory: results, the month form (prefilled with that month),
                                             the upload form, the records, the template and the report
    POST /inventory/{id}/month               site, month and the month's amounts: 303 back to the month
    POST /inventory/{id}/upload              multipart file: the inventory replaced by the file's, 303 back
    POST /inventory/{id}/csv                 multipart file: a CSV's activity records added, 303 to the records

The verification of an inventory and the evaluation of a carbon management system have their pages in
``pages.engagements``.

The month form sets the amounts it shows (grid electricity without a contractual instrument, natural gas, diesel,
a refrigerant's leak) and keeps the month's other records as they are. Everything goes through
``lowcarbon.inventory.service``, as the API does; a change the core cannot compute is shown with every problem, in
the page's language, and nothing is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from lowcarbon.errors import Conflict, InvalidInput, LimitExceeded
from lowcarbon.inventory import charts, service
from lowcarbon.inventory.names import category_name
from lowcarbon.inventory.routes import UploadDep
from lowcarbon.platform.dependencies import SessionDep, WriteSessionDep, ports_for
from lowcarbon.platform.forms import read_fields
from lowcarbon.platform.pagination import IdPath
from lowcarbon.ports import Ports
from lowcarbon.report.html import svg
from lowcarbon.web.access import PageEditor, PageUser
from lowcarbon.web.i18n import N_, language_of
from lowcarbon.web.render import gettext_for, page

__all__ = ["MONTH_FIELDS", "router"]

router = APIRouter(include_in_schema=False)
RECORDS_SHOWN = 200
APPROACHES = {
    "operational_control": N_("Operational control"),
    "financial_control": N_("Financial control"),
    "equity_share": N_("Equity share"),
}
SCOPES = {
    "1": N_("Scope 1"),
    "2-location": N_("Scope 2, location-based"),
    "2-market": N_("Scope 2, market-based"),
    "3": N_("Scope 3"),
}
# the month form's fields: field -> (label, the record it sets, what identifies that record among the month's)
MONTH_FIELDS: dict[str, tuple[str, dict[str, Any]]] = {
    "electricity_kwh": (N_("Grid electricity (kWh)"), {"kind": "electricity", "unit": "kWh"}),
    "natural_gas_nm3": (N_("Natural gas (Nm³)"), {"kind": "fuel", "fuel": "natural-gas", "unit": "Nm3"}),
    "diesel_t": (N_("Diesel (t)"), {"kind": "fuel", "fuel": "diesel", "unit": "t"}),
    "refrigerant_kg": (N_("Refrigerant HFC-134a leaked (kg)"), {"kind": "emission", "gas": "HFC-134a", "unit": "kg"}),
}
TARGET_KINDS = {"absolute": N_("Absolute target"), "intensity": N_("Intensity target")}
FIGURES_FROM = {
    "reporting": N_("This inventory"),
    "base": N_("Base year, as reported"),
    "base-restated": N_("Base year, restated"),
    "stored": N_("Inventory"),
    "history": N_("Earlier figures in the file"),
}
ACTION_STATUSES = {"planned": N_("planned"), "in_progress": N_("in progress"), "done": N_("done")}
_FORM_SOURCE = "entered on the inventory page"
_REFUSED = N_("The change cannot be made:")


@router.get("/inventory")
def inventories(request: Request, user: PageUser, session: SessionDep) -> HTMLResponse:
    """The organisation's inventories."""
    return _list_page(request, user, session)


def _list_page(request: Request, user: Any, session: Any, **extra: Any) -> HTMLResponse:
    status = extra.pop("status", 200)
    context = {
        "user": user,
        "inventories": service.list_inventories(session, organisation_id=user.organisation_id),
        "approaches": APPROACHES,
        "fields": extra.pop("fields", {}),
        **extra,
    }
    return page(request, "inventories.html", context, status=status)


@router.post("/inventory")
async def add(request: Request, user: PageEditor, session: WriteSessionDep) -> Response:
    """A new inventory from the form: its organisation, reporting year, boundary approach and sites."""
    fields = await read_fields(request, json_allowed=False)
    try:
        inventory = service.parse(_new_document(fields))
        ports = ports_for(request, session, user.actor)
        made = service.create_inventory(
            session,
            ports.audit,
            ports.clock,
            organisation_id=user.organisation_id,
            created_by=user.id,
            name=fields.get("name", ""),
            inventory=inventory,
        )
    except (InvalidInput, Conflict) as exc:
        return _list_page(request, user, session, **_refusal(request, exc), fields=dict(fields))
    return RedirectResponse(f"/inventory/{made.id}", status_code=303)


def _new_document(fields: Any) -> dict[str, Any]:
    year = fields.get("reporting_year", "").strip()
    sites = [part.strip() for part in fields.get("sites", "").replace("，", ",").split(",") if part.strip()]
    return {
        "organisation": {"name": fields.get("organisation", "").strip()},
        "reporting_year": int(year) if year.isdigit() else year,
        "approach": fields.get("approach", ""),
        "sites": [{"id": site, "grid": fields.get("grid", "").strip() or "CN"} for site in sites],
    }


@router.post("/inventory/upload")
def upload(request: Request, user: PageEditor, sent: UploadDep, session: WriteSessionDep) -> Response:
    """A new inventory from a file (the Excel template filled in, or YAML)."""
    ports = ports_for(request, session, user.actor)
    try:
        made = service.create_from_file(
            session,
            ports.audit,
            ports.clock,
            organisation_id=user.organisation_id,
            created_by=user.id,
            content=sent.content,
            filename=sent.filename,
            name=sent.name,
        )
    except (InvalidInput, Conflict, LimitExceeded) as exc:
        return _list_page(request, user, session, **_refusal(request, exc))
    return RedirectResponse(f"/inventory/{made.id}", status_code=303)


@router.get("/inventory/{inventory_id}")
def inventory_page(
    request: Request,
    inventory_id: IdPath,
    user: PageUser,
    session: SessionDep,
    site: str | None = None,
    month: str | None = None,
) -> HTMLResponse:
    """The inventory: its results, the month form, the upload form, its records, the template and the report."""
    return _inventory_page(request, user, session, inventory_id, site=site, month=month)


def _inventory_page(
    request: Request, user: Any, session: Any, inventory_id: int, *, site: str | None, month: str | None, **extra: Any
) -> HTMLResponse:
    status = extra.pop("status", 200)
    summary, document = service.get_inventory(session, organisation_id=user.organisation_id, inventory_id=inventory_id)
    records = service.list_activities(session, organisation_id=user.organisation_id, inventory_id=inventory_id)
    site = site if site in summary.sites else summary.sites[0]
    month = month or f"{summary.reporting_year}-01"
    result = None
    if summary.total is not None:
        _, _, result = service.result_of(session, organisation_id=user.organisation_id, inventory_id=inventory_id)
    lang = language_of(request).tag
    _ = gettext_for(request)
    names = {number: f"{number} {category_name(number, 'zh-CN' if lang == 'zh-CN' else 'en')}" for number in "123456"}
    context = {
        "user": user,
        "inventory": summary,
        "document": document,
        "approach": _(APPROACHES.get(summary.approach, summary.approach)),
        "records": records[-RECORDS_SHOWN:],
        "record_count": len(records),
        "result": result,
        "category_names": names,
        "scope_names": {scope: _(label) for scope, label in SCOPES.items()},
        "charts": charts.result_charts(result, names, {s: _(label) for s, label in SCOPES.items()}) if result else {},
        "targets": _targets(result, _) if result else [],
        "target_kinds": {kind: _(label) for kind, label in TARGET_KINDS.items()},
        "action_statuses": {status: _(label) for status, label in ACTION_STATUSES.items()},
        "figures_from": {kind: _(label) for kind, label in FIGURES_FROM.items()},
        "site": site,
        "month": month,
        "month_fields": [(field, _(label)) for field, (label, _kind) in MONTH_FIELDS.items()],
        "month_values": extra.pop("month_values", None) or _month_values(records, site, month),
        "report_lang": lang,
        **extra,
    }
    return page(request, "inventory.html", context, status=status)


def _targets(result: dict[str, Any], _: Any) -> list[dict[str, Any]]:
    """Each reduction target of the result with its trajectory as inline SVG."""
    labels = (_("Actual"), _("Linear path"))
    return [
        {**target, "chart": svg(charts.trajectory(target["name"] or target["id"], target, labels))}
        for target in result.get("targets", [])
    ]


def _month_values(records: list[service.StoredActivity], site: str, month: str) -> dict[str, str]:
    """The month form's amounts as the month's records hold them."""
    values: dict[str, str] = {}
    for record in records:
        if record.site == site and record.period == month:
            field = _form_field(record.record)
            if field is not None:
                amount = float(record.record["amount"])
                values[field] = str(int(amount)) if amount.is_integer() else repr(amount)  # no exponent in a form
    return values


def _form_field(record: dict[str, Any]) -> str | None:
    """The month form's field that sets ``record``, if one does."""
    for field, (_label, identity) in MONTH_FIELDS.items():
        if all(record.get(key) == value for key, value in identity.items()) and "market" not in record:
            return field
    return None


@router.post("/inventory/{inventory_id}/month")
async def set_month(request: Request, inventory_id: IdPath, user: PageEditor, session: WriteSessionDep) -> Response:
    """Set a site's month of activity data from the form; the month's other records stay."""
    fields = await read_fields(request, json_allowed=False)
    site, month = fields.get("site", ""), fields.get("month", "")
    values = {field: fields.get(field, "").strip() for field in MONTH_FIELDS}
    try:
        kept = [
            {k: v for k, v in r.record.items() if k not in ("site", "month")}
            for r in service.list_activities(
                session, organisation_id=user.organisation_id, inventory_id=inventory_id, site=site, period=month
            )
            if _form_field(r.record) is None
        ]
        ports = ports_for(request, session, user.actor)
        service.set_month(
            session,
            ports.audit,
            ports.clock,
            organisation_id=user.organisation_id,
            inventory_id=inventory_id,
            site=site,
            month=month,
            records=kept + _month_records(values),
        )
    except InvalidInput as exc:
        refusal = _refusal(request, exc)
        return _inventory_page(
            request, user, session, inventory_id, site=site, month=month, month_values=values, **refusal
        )
    return RedirectResponse(f"/inventory/{inventory_id}?site={site}&month={month}#month", status_code=303)


def _month_records(values: dict[str, str]) -> list[dict[str, Any]]:
    records = []
    for field, text in values.items():
        if not text:
            continue
        try:
            amount = float(text)
        except ValueError:
            raise InvalidInput(f"{field}: {text!r} is not a number") from None
        records.append({**MONTH_FIELDS[field][1], "amount": amount, "source": _FORM_SOURCE})
    return records


@router.post("/inventory/{inventory_id}/upload")
def replace(
    request: Request, inventory_id: IdPath, user: PageEditor, sent: UploadDep, session: WriteSessionDep
) -> Response:
    """Replace the inventory with an uploaded file's (the Excel template filled in, or YAML)."""

    def change(ports: Ports) -> None:
        inventory = service.read_file(sent.content, sent.filename)
        owner = user.organisation_id
        service.replace_from_file(
            session, ports.audit, ports.clock, organisation_id=owner, inventory_id=inventory_id, inventory=inventory
        )

    return _uploaded(request, user, session, inventory_id, change, "result")


@router.post("/inventory/{inventory_id}/csv")
def import_csv(
    request: Request, inventory_id: IdPath, user: PageEditor, sent: UploadDep, session: WriteSessionDep
) -> Response:
    """Add a CSV file's activity records; a file with a bad row is refused whole, every problem shown."""

    def change(ports: Ports) -> None:
        owner, content, name = user.organisation_id, sent.content, sent.filename
        service.import_csv(
            session,
            ports.audit,
            ports.clock,
            organisation_id=owner,
            inventory_id=inventory_id,
            content=content,
            filename=name,
        )

    return _uploaded(request, user, session, inventory_id, change, "records")


def _uploaded(
    request: Request, user: Any, session: Any, inventory_id: int, change: Callable[[Ports], None], anchor: str
) -> Response:
    """An uploaded file's change made, 303 to the page's ``anchor``; refused, the page with every problem."""
    try:
        change(ports_for(request, session, user.actor))
    except (InvalidInput, LimitExceeded) as exc:
        return _inventory_page(request, user, session, inventory_id, site=None, month=None, **_refusal(request, exc))
    return RedirectResponse(f"/inventory/{inventory_id}#{anchor}", status_code=303)


def _refusal(request: Request, error: InvalidInput | Conflict | LimitExceeded) -> dict[str, Any]:
    """What a page shows of a refused change: the message, each problem in the page's language, the status."""
    chinese = language_of(request).tag == "zh-CN"
    problems = [
        {
            "place": ".".join(str(part) for part in detail.get("location", [])[1:]),
            "text": detail.get("message_zh", "") if chinese else detail.get("message", ""),
        }
        for detail in (error.details or [])
    ]
    message = gettext_for(request)(_REFUSED) if problems else str(error)
    return {"error": message, "problems": problems, "status": error.status}
