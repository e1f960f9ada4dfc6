"""Demo data for ``lowcarbon serve --demo``: organisations, users of each role, and the worked examples as products
with computed footprint studies, so that a newcomer can log in and click through the platform at once.

``seed(settings)`` adds what is missing to a migrated database and returns what is there; running it again adds
nothing. Each account and the machine client have a published password or secret (``DEMO_PASSWORD``,
``DEMO_CLIENT_SECRET``), printed by ``serve --demo``: they are demo accounts, for one machine, never for a server
that others can reach. To keep them out of real data, ``seed`` refuses a database that holds organisations but was
never seeded by the demo.

Studies are stored through ``lowcarbon.studies.service.create_study``, the path the API takes, and computed by an
inline job runner when the seeding transaction commits, before the server starts: the first page a newcomer opens
shows finished results, not jobs still waiting for the process pool to start. The models are the examples' own files
(``examples/<name>/model.yaml`` in a checkout; in a wheel, copies placed in ``lowcarbon/demo_data`` by
``pyproject.toml``), and so are the factor files they name (the cotton T-shirt's ``factors.csv``, stored with its
study; in a wheel under ``lowcarbon/demo_data/<name>/``). The PV module has a second version with 15 % less grid
electricity, made by changing amounts only, so that the comparison of versions has something to show.

This module sits beside ``cli.py``, above the platform and the domains it seeds; the platform's ``serve`` command
imports it only when ``--demo`` is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from sqlalchemy.orm import Session

from lowcarbon.errors import Conflict, DataFormatError
from lowcarbon.platform import accounts, machine_clients
from lowcarbon.platform.clock import system_clock
from lowcarbon.platform.database import create_engine, serialize, session_factory
from lowcarbon.platform.jobs import InlineRunner, JobRegistry, JobRunner
from lowcarbon.platform.settings import Settings
from lowcarbon.platform.tables import AuditEntry, MachineClient, Organisation, User
from lowcarbon.studies import service
from lowcarbon.studies.compute import stored_file
from lowcarbon.studies.routes import JOB_KINDS
from lowcarbon.studies.tables import Product, Study

__all__ = [
    "ACTOR",
    "DEMO_CLIENT_SECRET",
    "DEMO_PASSWORD",
    "EXAMPLES",
    "Demo",
    "DemoClient",
    "DemoLogin",
    "DemoProduct",
    "DemoVersion",
    "describe",
    "example_files",
    "example_model",
    "less_grid_electricity",
    "seed",
]

ACTOR = "demo"  # the audit trail's actor for everything the demo creates
DEMO_PASSWORD = "lowcarbon-demo-password"  # published: every demo account has it
DEMO_CLIENT_SECRET = "lowcarbon-demo-client-secret-published"  # published, as the passwords
EXAMPLES = ("pv-module", "hydrogen-electrolysis", "cotton-tshirt")  # the worked examples the demo seeds, by folder
GRID_ELECTRICITY = "cn-grid-electricity/"  # the factor set whose amounts the PV module's second version lowers
PV_SECOND_VERSION_SHARE = 0.85  # illustrative: an efficiency scenario, not measured data


@dataclass(frozen=True)
class _Person:
    email: str
    name: str
    role: str
    organisation: str


@dataclass(frozen=True)
class _ProductPlan:
    organisation: str
    name: str
    author: str  # the email of the editor the studies are created by
    versions: tuple[tuple[str, float], ...]  # (example, share of its grid electricity) per version, oldest first


_ORGANISATIONS = (
    ("Sunrise PV Co.", "manufacturer"),
    ("Clearwater Hydrogen Co.", "manufacturer"),
    ("Silkroad Textile Co.", "manufacturer"),
    ("Greenmark Certification Ltd.", "certification_body"),
    ("Metro Procurement Group", "buyer"),
)
_PEOPLE = (
    _Person("admin@sunrise-pv.example", "Chen Jing", "admin", "Sunrise PV Co."),
    _Person("engineer@sunrise-pv.example", "Li Wei", "editor", "Sunrise PV Co."),
    _Person("viewer@sunrise-pv.example", "Wang Fang", "viewer", "Sunrise PV Co."),
    _Person("engineer@clearwater-h2.example", "Zhao Lei", "editor", "Clearwater Hydrogen Co."),
    _Person("engineer@silkroad-textile.example", "Zhou Min", "editor", "Silkroad Textile Co."),
    _Person("verifier@greenmark-cert.example", "Liu Yang", "editor", "Greenmark Certification Ltd."),
    _Person("buyer@metro-procurement.example", "Sun Mei", "viewer", "Metro Procurement Group"),
)
_PRODUCTS = (
    _ProductPlan(
        "Sunrise PV Co.",
        "PV module, mono-Si, 1 kWp",
        "engineer@sunrise-pv.example",
        (("pv-module", 1.0), ("pv-module", PV_SECOND_VERSION_SHARE)),
    ),
    _ProductPlan(
        "Clearwater Hydrogen Co.",
        "Hydrogen from grid electrolysis",
        "engineer@clearwater-h2.example",
        (("hydrogen-electrolysis", 1.0),),
    ),
    _ProductPlan(
        "Silkroad Textile Co.",
        "Cotton T-shirt, knitted, dyed",
        "engineer@silkroad-textile.example",
        (("cotton-tshirt", 1.0),),
    ),
)
_CLIENT = ("Sunrise PV Co.", "Sunrise PV Co. ERP (demo)", "studies:read studies:write")


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
class DemoVersion:
    """One study of a demo product: its version, status, and total when done."""

    version: int
    status: str
    total: float | None
    unit: str


@dataclass(frozen=True)
class DemoProduct:
    """A demo product and its studies, oldest first."""

    organisation: str
    name: str
    versions: tuple[DemoVersion, ...]


@dataclass(frozen=True)
class Demo:
    """What the demo data is, after seeding."""

    logins: tuple[DemoLogin, ...]
    client: DemoClient
    products: tuple[DemoProduct, ...]


def example_model(name: str) -> str:
    """The model file of worked example ``name`` (a folder of ``examples/``), from the wheel or the checkout."""
    return _example_file(name, f"{name}.yaml", "model.yaml").decode("utf-8")


def example_files(name: str) -> dict[str, str]:
    """The factor files worked example ``name``'s model names, name -> content as a study keeps it."""
    named = yaml.safe_load(example_model(name)).get("factor_files") or []
    return {str(file): stored_file(str(file), _example_file(name, f"{name}/{file}", str(file))) for file in named}


def _example_file(name: str, packaged_as: str, relative: str) -> bytes:
    """A file of worked example ``name``: ``lowcarbon/demo_data/<packaged_as>`` in a wheel, else
    ``examples/<name>/<relative>`` in a checkout."""
    packaged = resources.files("lowcarbon").joinpath("demo_data", *packaged_as.split("/"))
    if packaged.is_file():
        return packaged.read_bytes()
    checkout = Path(__file__).parents[2] / "examples" / name / relative
    try:
        return checkout.read_bytes()
    except OSError:
        raise DataFormatError(
            f"the demo's example file {name}/{relative} is missing: it is in lowcarbon/demo_data of the installed "
            f"package, or {checkout} in a checkout; reinstall lowcarbon"
        ) from None


def less_grid_electricity(model_text: str, share: float) -> str:
    """The YAML model with every amount of grid electricity times ``share``; nothing else changes but those
    activities' sources, which say so. The result is new YAML text (the original's comments are not kept)."""
    data = yaml.safe_load(model_text)
    changed = 0
    lines = [a for stage in data.get("stages", []) for a in stage.get("activities", [])]
    lines += [a for process in data.get("processes", []) for a in process.get("inputs", [])]
    for activity in lines:
        if str(activity.get("factor", "")).startswith(GRID_ELECTRICITY):
            activity["amount"] = float(f"{activity['amount'] * share:.12g}")  # without the float's last-digit noise
            sources = [activity.get("source", ""), f"amount x {share} (lowcarbon demo scenario)"]
            activity["source"] = "; ".join(source for source in sources if source)
            changed += 1
    header = (
        f"# lowcarbon demo: the worked example with each of its {changed} grid-electricity amounts times {share},\n"
        "# an illustrative scenario (not measured data) for comparing a product's versions.\n"
    )
    return header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def seed(settings: Settings) -> Demo:
    """Add the demo data missing from the migrated database of ``settings``, computing new studies; what is there.

    Conflict when the database holds organisations but no demo data: the demo's published passwords are not added
    to real data.
    """
    engine = create_engine(settings)
    try:
        sessions = session_factory(engine, write=True)
        runner = InlineRunner(sessions, JobRegistry(JOB_KINDS), reads=session_factory(engine))
        with sessions.begin() as session:  # the new studies' jobs run inline when this commits
            serialize(session, "demo")
            _refuse_real_data(session)
            organisations = {name: _organisation(session, name, kind) for name, kind in _ORGANISATIONS}
            users = {person.email: _user(session, person, organisations) for person in _PEOPLE}
            _client(session, organisations[_CLIENT[0]])
            for plan in _PRODUCTS:
                _product(session, runner, plan, organisations[plan.organisation], users[plan.author])
        with session_factory(engine)() as session:
            return _read(session)
    finally:
        engine.dispose()


def describe(demo: Demo, base_url: str) -> str:
    """What ``serve --demo`` prints: where to go, the accounts with their password, the client, the products."""
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
        "",
        "  Products:",
    ]
    for product in demo.products:
        studies = ", ".join(_version_text(version) for version in product.versions) or "no studies"
        lines.append(f"    {product.name} ({product.organisation}): {studies}")
    return "\n".join(lines)


def _version_text(version: DemoVersion) -> str:
    if version.total is None:
        return f"v{version.version} {version.status}"
    return f"v{version.version} {version.total:,.1f} {version.unit}"


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


def _client(session: Session, organisation_id: int) -> None:
    _, name, scopes = _CLIENT
    query = sa.select(MachineClient.id).where(
        MachineClient.organisation_id == organisation_id, MachineClient.name == name
    )
    if session.scalar(query) is None:
        machine_clients.create_client(
            session,
            organisation_id=organisation_id,
            scopes=scopes,
            actor=ACTOR,
            now=system_clock(),
            name=name,
            secret=DEMO_CLIENT_SECRET,
        )


def _product(session: Session, runner: JobRunner, plan: _ProductPlan, organisation_id: int, author: int) -> None:
    """Create the product with its studies, unless it exists (then its studies were created with it)."""
    query = sa.select(Product.id).where(Product.organisation_id == organisation_id, Product.name == plan.name)
    if session.scalar(query) is not None:
        return
    product = service.create_product(session, organisation_id=organisation_id, name=plan.name, actor=ACTOR)
    for example, share in plan.versions:
        text = example_model(example)
        service.create_study(
            session,
            runner,
            organisation_id=organisation_id,
            product_id=product.id,
            user_id=author,
            actor=ACTOR,
            model_text=text if share == 1.0 else less_grid_electricity(text, share),
            model_format="yaml",
            files=example_files(example),
        )


def _read(session: Session) -> Demo:
    emails = [person.email for person in _PEOPLE]
    rows = session.execute(
        sa.select(User, Organisation)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(User.email.in_(emails))
    )
    found = {user.email: DemoLogin(user.email, user.name, user.role, org.name, org.kind) for user, org in rows}
    client_organisation, client_name, _ = _CLIENT
    client = session.scalars(
        sa.select(MachineClient)
        .where(
            MachineClient.organisation_id == _find_organisation(session, client_organisation),
            MachineClient.name == client_name,
        )
        .order_by(MachineClient.id)
    ).first()
    if client is None:  # seed() has just made sure of it
        raise LookupError("the demo's machine client is missing")
    products = [_read_product(session, plan) for plan in _PRODUCTS]
    return Demo(
        logins=tuple(found[email] for email in emails if email in found),
        client=DemoClient(client.client_id, client_organisation, client.scopes),
        products=tuple(product for product in products if product is not None),
    )


def _read_product(session: Session, plan: _ProductPlan) -> DemoProduct | None:
    organisation_id = _find_organisation(session, plan.organisation)
    query = sa.select(Product).where(Product.organisation_id == organisation_id, Product.name == plan.name)
    product = session.scalar(query)
    if product is None:
        return None
    studies = session.scalars(sa.select(Study).where(Study.product_id == product.id).order_by(Study.version))
    versions = tuple(DemoVersion(study.version, study.status, study.total, _unit(study.result)) for study in studies)
    return DemoProduct(plan.organisation, product.name, versions)


def _unit(result: Any) -> str:
    return str(result.get("unit", "")) if isinstance(result, dict) else ""
