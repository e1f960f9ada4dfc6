"""The carbon-inclusive pages.

GET  /inclusive                              the operator's dashboard: totals by behaviour, partner, region and day
                                             (charts), events held for review, partners, rewards      operator's people
POST /inclusive/events/{id}/release|refuse   a reviewer's decision on a held event                      operator editor
POST /inclusive/partners                     a new partner platform; its id and secret shown this once  operator admin
POST /inclusive/rewards                      a reward in the catalogue                                  operator editor
GET  /carbon-account/{token}                 a person's account (phone-first): balance, reductions over time, entries,
                                             rewards; the link a partner handed them, no login
POST /carbon-account/{token}/redeem          redeem a reward
POST /carbon-account/{token}/link            link another account of the person's (they paste its link)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from lowcarbon.errors import LowcarbonError, PermissionDenied
from lowcarbon.inclusive import charts, links, partners, service
from lowcarbon.inclusive.methodology import methodologies
from lowcarbon.inclusive.reasons import REASONS
from lowcarbon.platform.audit import AuditTrail
from lowcarbon.platform.dependencies import Platform
from lowcarbon.platform.forms import read_fields
from lowcarbon.platform.logins import SessionUser
from lowcarbon.web.access import PageUser
from lowcarbon.web.render import page

__all__ = ["register_partner", "router"]

router = APIRouter(include_in_schema=False)
OPERATOR = "operator"


def _operator(user: SessionUser, *, editor: bool = False, admin: bool = False) -> None:
    if user.organisation_kind != OPERATOR:
        raise PermissionDenied("the carbon-inclusive scheme's operator runs this page")
    if (editor and user.role not in ("editor", "admin")) or (admin and user.role != "admin"):
        raise PermissionDenied(f"your role, {user.role}, may read the scheme's data but not change it")


@router.get("/inclusive")
def dashboard(request: Request, user: PageUser) -> HTMLResponse:
    """The operator's dashboard."""
    _operator(user)
    return _dashboard(request, user)


def _dashboard(request: Request, user: SessionUser, **extra: Any) -> HTMLResponse:
    status = extra.pop("status", 200)
    with Platform.of(request.app).sessions.begin() as session:
        totals = service.totals(session)
        context = {
            "user": user,
            "totals": totals,
            "charts": {
                name: charts.bars([(key, kg) for key, kg, _ in rows], "kg CO2e")
                for name, rows in totals.items()
                if name != "day"
            }
            | {"day": charts.over_time([(day, kg) for day, kg, _ in totals["day"]], "kg CO2e")},
            "held": service.held_events(session),
            "partners": service.partners_list(session),
            "rewards": service.rewards(session),
            "methodologies": methodologies(),
            "reasons": REASONS,
            **extra,
        }
    return page(request, "inclusive.html", context, status=status)


def _acting(request: Request, user: SessionUser, work: Callable[[Any, Any], Any], **flags: bool) -> Response:
    _operator(user, **flags)
    platform = Platform.of(request.app)
    try:
        with platform.write_sessions.begin() as session:
            shown = work(session, AuditTrail(session, user.actor))
    except LowcarbonError as error:
        if isinstance(error, PermissionDenied):
            raise
        return _dashboard(request, user, error=str(error), error_code=error.code, status=error.status)
    if shown is not None:
        return _dashboard(request, user, new_partner=shown, status=201)
    return RedirectResponse("/inclusive#held", status_code=303)


_DECISIONS = {"release": service.release, "refuse": service.refuse}


@router.post("/inclusive/events/{event_row}/{decision}")
async def decide(request: Request, event_row: int, decision: Literal["release", "refuse"], user: PageUser) -> Response:
    """Credit a held event (release) or close it without credit (refuse)."""
    await read_fields(request, json_allowed=False)
    now = Platform.of(request.app).clock()
    chosen = _DECISIONS[decision]
    return await run_in_threadpool(_acting, request, user, lambda s, a: chosen(s, a, event_row, now), editor=True)


@router.post("/inclusive/partners")
async def add_partner(request: Request, user: PageUser) -> Response:
    """A new partner platform (and its organisation); its secret is shown this once."""
    fields = await read_fields(request, json_allowed=False)
    now = Platform.of(request.app).clock()

    def work(session: Any, audit: Any) -> partners.NewPartner:
        return register_partner(
            session, user.actor, now, name=fields.get("name", ""), region=fields.get("region", "").strip() or None
        )

    return await run_in_threadpool(_acting, request, user, work, admin=True)


@router.post("/inclusive/rewards")
async def add_reward(request: Request, user: PageUser) -> Response:
    """A reward in the catalogue."""
    fields = await read_fields(request, json_allowed=False)
    now = Platform.of(request.app).clock()

    def work(session: Any, audit: Any) -> None:
        stock = fields.get("stock", "").strip()
        service.add_reward(
            session,
            audit,
            now,
            name_zh=fields.get("name_zh", ""),
            name_en=fields.get("name_en", ""),
            points=_whole(fields.get("points")),
            stock=_whole(stock) if stock else None,
        )

    return await run_in_threadpool(_acting, request, user, work, editor=True)


def register_partner(
    session: Any, actor: str, now: Any, *, name: str, region: str | None = None, secret: str | None = None
) -> partners.NewPartner:
    """A partner platform with a new secret (shown once), and its organisation, made when missing."""
    import sqlalchemy as sa

    from lowcarbon.platform import accounts
    from lowcarbon.platform.tables import Organisation

    name = name.strip()
    organisation = session.scalar(
        sa.select(Organisation).where(Organisation.name == name, Organisation.kind == "partner_platform")
    )
    if organisation is None:
        organisation = accounts.create_organisation(session, name=name, kind="partner_platform", actor=actor)
    audit = AuditTrail(session, actor)
    return partners.create_partner(
        session, audit, now, organisation_id=organisation.id, name=name, region=region, secret=secret
    )


def _whole(text: str | None) -> int:
    try:
        return int(text or "")
    except ValueError:
        return 0


def _key(request: Request) -> bytes:
    return Platform.of(request.app).secret_key.encode()


@router.get("/carbon-account/{token}")
def account_page(request: Request, token: str) -> HTMLResponse:
    """A person's carbon account, by the link their partner handed them."""
    return _account(request, token)


def _account(request: Request, token: str, **extra: Any) -> HTMLResponse:
    status = extra.pop("status", 200)
    person = links.person_of(token, _key(request))
    with Platform.of(request.app).sessions.begin() as session:
        account = service.account(session, person)
        context: Mapping[str, Any] = {
            "user": None,
            "token": token,
            "account": account,
            "linked": service.linked_count(session, person),
            "chart": charts.over_time(account["days"], "kg CO2e"),
            "rewards": service.rewards(session),
            **extra,
        }
    return page(request, "carbon_account.html", context, status=status)


@router.post("/carbon-account/{token}/redeem")
async def redeem(request: Request, token: str) -> Response:
    """Redeem a reward from the account."""
    fields = await read_fields(request, json_allowed=False)
    return await run_in_threadpool(_redeem, request, token, _whole(fields.get("reward_id")))


def _redeem(request: Request, token: str, reward_id: int) -> Response:
    person = links.person_of(token, _key(request))
    platform = Platform.of(request.app)
    try:
        with platform.write_sessions.begin() as session:
            service.redeem_reward(session, AuditTrail(session, f"person:{person}"), person, reward_id, platform.clock())
    except LowcarbonError as error:
        return _account(request, token, error=str(error), error_code=error.code, status=error.status)
    return RedirectResponse(f"/carbon-account/{token}?redeemed={reward_id}", status_code=303)


@router.post("/carbon-account/{token}/link")
async def link(request: Request, token: str) -> Response:
    """Link another account of the person's (its link pasted): the rules then see both pseudonyms as one person."""
    fields = await read_fields(request, json_allowed=False)
    return await run_in_threadpool(_link, request, token, fields.get("link", "").strip().rstrip("/"))


def _link(request: Request, token: str, other_link: str) -> Response:
    person = links.person_of(token, _key(request))
    platform = Platform.of(request.app)
    try:
        other = links.person_of(other_link.rsplit("/", 1)[-1], _key(request))
        with platform.write_sessions.begin() as session:
            service.link_accounts(session, AuditTrail(session, f"person:{person}"), person, other, platform.clock())
    except LowcarbonError as error:
        return _account(request, token, error=str(error), error_code=error.code, status=error.status)
    return RedirectResponse(f"/carbon-account/{token}?linked=1", status_code=303)
