"""Demo data for ``lowcarbon serve --demo``: organisations, users of each role, and the worked examples as products
with computed footprint studies, so that a newcomer can log in and click through the platform at once.

``seed(settings)`` adds what is missing to a migrated database and returns what is there; running it again adds
nothing. Each account and the machine client have a published password or secret (``DEMO_PASSWORD``,
``DEMO_CLIENT_SECRET``), printed by ``serve --demo``: they are demo accounts, for one machine, never for a server
that others can reach. To keep them out of real data, ``seed`` refuses a database that holds organisations but was
never seeded by the demo.

Each domain seeds its own data through its own service (its ``Domain.seed_demo``, for the footprint domain
``lowcarbon.footprint.demo``), with an inline job runner whose jobs run when the seeding transaction commits, before
the server starts: the first page a newcomer opens shows finished results, not jobs still waiting for the process
pool to start.

Once the studies are computed, a second transaction publishes them as PACT footprints (``lowcarbon.pact.demo``: the
PV module's second version deprecates its first) and makes Metro Procurement Group a PACT customer of Sunrise PV Co.
with the published secret ``DEMO_PACT_SECRET``.

This module sits beside ``cli.py``, above the platform and the domains it seeds; the platform's ``serve`` command
imports it only when ``--demo`` is given.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lowcarbon.certify import demo as certify_demo
from lowcarbon.errors import Conflict
from lowcarbon.inclusive import demo as inclusive_demo
from lowcarbon.inclusive.tables import Partner
from lowcarbon.inventory import demo as inventory_demo
from lowcarbon.pact import demo as pact_demo
from lowcarbon.pact.cli import customer_client_name, grant_access
from lowcarbon.platform import accounts, machine_clients
from lowcarbon.platform.app import DOMAINS
from lowcarbon.platform.audit import AuditTrail
from lowcarbon.platform.clock import system_clock
from lowcarbon.platform.database import create_engine, serialize, session_factory
from lowcarbon.platform.domains import job_registry
from lowcarbon.platform.jobs import InlineRunner
from lowcarbon.platform.settings import Settings
from lowcarbon.platform.tables import AuditEntry, MachineClient, Organisation, User
from lowcarbon.ports import Ports

__all__ = [
    "ACTOR",
    "DEMO_CLIENT_SECRET",
    "DEMO_PACT_SECRET",
    "DEMO_PARTNER_SECRET",
    "DEMO_PASSWORD",
    "Demo",
    "DemoClient",
    "DemoLogin",
    "describe",
    "seed",
]

ACTOR = "demo"  # the audit trail's actor for everything the demo creates
# where the demo certificates say they are checked (their QR codes open it) unless the settings give a public URL
DEMO_URL = "http://127.0.0.1:8000"
DEMO_PASSWORD = "lowcarbon-demo-password"  # published: every demo account has it
DEMO_CLIENT_SECRET = "lowcarbon-demo-client-secret-published"  # published, as the passwords
DEMO_PACT_SECRET = "lowcarbon-demo-pact-customer-secret-published"  # published, as the passwords
DEMO_PARTNER_SECRET = "lowcarbon-demo-inclusive-partner-secret-published"  # the demo partner's batch secret


@dataclass(frozen=True)
class _Person:
    email: str
    name: str
    role: str
    organisation: str


_ORGANISATIONS = (
    ("Sunrise PV Co.", "manufacturer"),
    ("Clearwater Hydrogen Co.", "manufacturer"),
    ("Silkroad Textile Co.", "manufacturer"),
    ("Greenmark Certification Ltd.", "certification_body"),
    ("Metro Procurement Group", "buyer"),
    ("Green Points Operator", "operator"),  # runs the carbon-inclusive scheme
    (inclusive_demo.PARTNER, "partner_platform"),
)
_PEOPLE = (
    _Person("admin@sunrise-pv.example", "Chen Jing", "admin", "Sunrise PV Co."),
    _Person("engineer@sunrise-pv.example", "Li Wei", "editor", "Sunrise PV Co."),
    _Person("viewer@sunrise-pv.example", "Wang Fang", "viewer", "Sunrise PV Co."),
    _Person("engineer@clearwater-h2.example", "Zhao Lei", "editor", "Clearwater Hydrogen Co."),
    _Person("engineer@silkroad-textile.example", "Zhou Min", "editor", "Silkroad Textile Co."),
    _Person("verifier@greenmark-cert.example", "Liu Yang", "editor", "Greenmark Certification Ltd."),
    _Person("reviewer@greenmark-cert.example", "He Ping", "editor", "Greenmark Certification Ltd."),
    _Person("decider@greenmark-cert.example", "Xu Hua", "admin", "Greenmark Certification Ltd."),
    _Person("buyer@metro-procurement.example", "Sun Mei", "viewer", "Metro Procurement Group"),
    _Person("operator@green-points.example", "Gao Lin", "admin", "Green Points Operator"),
)
_CLIENT = ("Sunrise PV Co.", "Sunrise PV Co. ERP (demo)")  # holding every scope the domains' routes ask for
_PACT_CUSTOMER = ("Sunrise PV Co.", "Metro Procurement Group (demo)")  # reads Sunrise's PACT footprints


@dataclass(frozen=True)
class DemoLogin:
    """A demo account as it is in the database."""

    email: str
    name: str
    role: str
    organisation: str
    organisation_kind: str


@dataclass(frozen=True)
class DemoClient:
    """The demo's machine client; its secret is DEMO_CLIENT_SECRET."""

    client_id: str
    organisation: str
    scopes: str


@dataclass(frozen=True)
class Demo:
    """What the demo data is, after seeding."""

    logins: tuple[DemoLogin, ...]
    client: DemoClient
    summary: tuple[tuple[str, ...], ...]  # what each domain says of its demo data (its ``describe_demo``): lines
    pact_customer: DemoClient | None = None  # its secret is DEMO_PACT_SECRET
    partner_id: int | None = None  # the carbon-inclusive demo partner; its secret is DEMO_PARTNER_SECRET
    account_path: str | None = None  # the demo person's carbon account link
    statement: str | None = None  # the number of the demo's signed verification statement


def seed(settings: Settings) -> Demo:
    """Add the demo data missing from the migrated database of ``settings``, computing new studies; what is there.

    Conflict when the database holds organisations but no demo data: the demo's published passwords are not added
    to real data.
    """
    engine = create_engine(settings)
    try:
        sessions = session_factory(engine, write=True)
        runner = InlineRunner(sessions, job_registry(DOMAINS), reads=session_factory(engine))
        with sessions.begin() as session:  # the new studies' jobs run inline when this commits
            serialize(session, "demo")
            _refuse_real_data(session)
            organisations = {name: _organisation(session, name, kind) for name, kind in _ORGANISATIONS}
            users = {person.email: _user(session, person, organisations) for person in _PEOPLE}
            _client(session, organisations[_CLIENT[0]])
            ports = Ports(audit=AuditTrail(session, ACTOR), jobs=runner.queue(session), clock=system_clock)
            for domain in DOMAINS:  # each domain seeds itself through its own service
                if domain.seed_demo is not None:
                    domain.seed_demo(session, ports, organisations, users)
        with sessions.begin() as session:  # the studies computed when the transaction above committed, published
            serialize(session, "demo")
            ports = Ports(audit=AuditTrail(session, ACTOR), jobs=runner.queue(session), clock=system_clock)
            pact_demo.seed(session, ports, organisations)
            master, base_url = settings.ensure_secret_key().encode("utf-8"), settings.public_url or DEMO_URL
            certify_demo.seed(session, ports, organisations, users, master=master, base_url=base_url)
            # signed by the demo body, once the inventories are computed
            inventory_demo.seed_engagements(session, ports, organisations, users, master=master, base_url=base_url)
            _inclusive(session, ports)
            _pact_customer(session, organisations[_PACT_CUSTOMER[0]])
        with session_factory(engine)() as session:
            demo = _read(session)
            key = settings.ensure_secret_key().encode()
            return dataclasses.replace(
                demo,
                account_path=inclusive_demo.account_path(session, key),
                statement=inventory_demo.statement_number(
                    session, {name: _find_organisation(session, name) for name, _ in _ORGANISATIONS}
                ),
            )
    finally:
        engine.dispose()


def describe(demo: Demo, base_url: str, pact_url: str | None = None) -> str:
    """What ``serve --demo`` prints: where to go, the accounts with their password, the client, how to reach the
    PACT host (``pact_url``, when it is served) as the demo's PACT customer, and what each domain says of its demo
    data."""
    width = max(len(login.email) for login in demo.logins)
    lines = [
        "Demo data is ready. These are demo accounts with published passwords: use them on this machine only,",
        "never on a server that others can reach.",
        "",
        f"  Open      {base_url}",
        f"  API docs  {base_url}/docs",
        "",
        f"  Log in with one of these emails; every demo account's password is: {DEMO_PASSWORD}",
    ]
    for login in demo.logins:
        kind = login.organisation_kind.replace("_", " ")
        lines.append(f"    {login.email:<{width}}  {login.role:<6}  {login.organisation} ({kind})")
    lines += [
        "",
        f"  Machine client of {demo.client.organisation} (OAuth2 client credentials, POST {base_url}/auth/token):",
        f"    client_id      {demo.client.client_id}",
        f"    client_secret  {DEMO_CLIENT_SECRET}",
        f"    scopes         {demo.client.scopes}",
    ]
    if demo.pact_customer is not None:
        lines += ["", *_pact_lines(demo.pact_customer, pact_url)]
    if demo.partner_id is not None:
        lines += [
            "",
            f"  Carbon-inclusive partner {inclusive_demo.PARTNER}, which signs its batches of events",
            f"  (POST {base_url}/api/inclusive/events, see src/lowcarbon/inclusive/README.md):",
            f"    partner id     {demo.partner_id}",
            f"    secret         {DEMO_PARTNER_SECRET}",
        ]
        if demo.account_path:
            lines.append(f"    a rider's carbon account: {base_url}{demo.account_path}")
    for block in demo.summary:
        lines += ["", *block]
    return "\n".join(lines)


def _pact_lines(customer: DemoClient, pact_url: str | None) -> list[str]:
    if pact_url is None:
        where = ["  PACT host: not served; start with --pact-port PORT to serve it over TLS on that port"]
    else:
        where = [
            f"  PACT host (v3, TLS with a self-signed certificate unless --pact-cert): {pact_url}",
            f"    discovery  {pact_url}/.well-known/openid-configuration",
            f"    token      POST {pact_url}/auth/token (HTTP Basic)",
            f"    footprints {pact_url}/3/footprints",
        ]
    return [
        *where,
        f"  PACT customer of {customer.organisation} (reads its footprints, sends it events):",
        f"    client_id      {customer.client_id}",
        f"    client_secret  {DEMO_PACT_SECRET}",
        f"    scopes         {customer.scopes}",
    ]


def _refuse_real_data(session: Session) -> None:
    organisations = session.scalar(sa.select(sa.func.count()).select_from(Organisation)) or 0
    seeded = session.scalar(sa.select(AuditEntry.id).where(AuditEntry.actor == ACTOR).limit(1))
    if organisations and seeded is None:
        raise Conflict(
            f"this database holds {organisations} organisation{'s' * (organisations > 1)} and no demo data; --demo "
            "adds accounts with published passwords only to an empty database or one it seeded before: give the "
            "demo a data directory of its own, e.g. --data-dir ./lowcarbon-demo"
        )


def _find_organisation(session: Session, name: str) -> int | None:
    kind = dict(_ORGANISATIONS)[name]
    query = sa.select(Organisation.id).where(Organisation.name == name, Organisation.kind == kind)
    return session.scalars(query.order_by(Organisation.id)).first()


def _organisation(session: Session, name: str, kind: str) -> int:
    existing = _find_organisation(session, name)
    if existing is not None:
        return existing
    return accounts.create_organisation(session, name=name, kind=kind, actor=ACTOR).id


def _user(session: Session, person: _Person, organisations: dict[str, int]) -> int:
    existing = session.scalar(sa.select(User.id).where(User.email == person.email))
    if existing is not None:  # left as it is, even if changed since
        return existing
    user = accounts.create_user(
        session,
        email=person.email,
        organisation_id=organisations[person.organisation],
        role=person.role,
        password=DEMO_PASSWORD,
        actor=ACTOR,
        name=person.name,
    )
    return user.id


def _machine_client(session: Session, organisation_id: int | None, name: str) -> MachineClient | None:
    """The organisation's first machine client named ``name``."""
    query = sa.select(MachineClient).where(MachineClient.organisation_id == organisation_id, MachineClient.name == name)
    return session.scalars(query.order_by(MachineClient.id)).first()


def _client(session: Session, organisation_id: int) -> None:
    _, name = _CLIENT
    scopes = " ".join(scope for domain in DOMAINS for scope in domain.scopes)
    if _machine_client(session, organisation_id, name) is None:
        machine_clients.create_client(
            session,
            organisation_id=organisation_id,
            scopes=scopes,
            actor=ACTOR,
            now=system_clock(),
            name=name,
            secret=DEMO_CLIENT_SECRET,
        )


def _pact_customer(session: Session, organisation_id: int) -> None:
    _, name = _PACT_CUSTOMER
    if _machine_client(session, organisation_id, customer_client_name(name)) is None:
        grant_access(
            session,
            organisation_id=organisation_id,
            customer=name,
            actor=ACTOR,
            now=system_clock(),
            secret=DEMO_PACT_SECRET,
        )


def _inclusive(session: Session, ports: Ports) -> None:
    """The carbon-inclusive demo partner (with the published secret) and its riders' batch, once."""
    from lowcarbon.inclusive.pages import register_partner
    from lowcarbon.inclusive.tables import Partner

    partner = session.scalar(sa.select(Partner.id).where(Partner.name == inclusive_demo.PARTNER))
    if partner is None:
        now = system_clock()
        partner = register_partner(
            session, ACTOR, now, name=inclusive_demo.PARTNER, region="Beijing", secret=DEMO_PARTNER_SECRET
        ).id
    inclusive_demo.seed(session, ports.audit, partner, system_clock())


def _read(session: Session) -> Demo:
    emails = [person.email for person in _PEOPLE]
    rows = session.execute(
        sa.select(User, Organisation)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(User.email.in_(emails))
    )
    found = {user.email: DemoLogin(user.email, user.name, user.role, org.name, org.kind) for user, org in rows}
    client_organisation, client_name = _CLIENT
    client = _machine_client(session, _find_organisation(session, client_organisation), client_name)
    if client is None:  # seed() has just made sure of it
        raise LookupError("the demo's machine client is missing")
    organisations = {name: _find_organisation(session, name) for name, _ in _ORGANISATIONS}
    customer_organisation, customer_name = _PACT_CUSTOMER
    customer = _machine_client(session, organisations[customer_organisation], customer_client_name(customer_name))
    return Demo(
        logins=tuple(found[email] for email in emails if email in found),
        client=DemoClient(client.client_id, client_organisation, client.scopes),
        summary=tuple(tuple(d.describe_demo(session, organisations)) for d in DOMAINS if d.describe_demo is not None),
        pact_customer=(
            DemoClient(customer.client_id, customer_organisation, customer.scopes) if customer is not None else None
        ),
        partner_id=session.scalar(sa.select(Partner.id).where(Partner.name == inclusive_demo.PARTNER)),
    )
