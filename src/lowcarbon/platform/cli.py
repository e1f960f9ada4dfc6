"""The platform's commands, merged into ``lowcarbon``: ``serve``, ``audit verify`` and ``admin`` (organisations, users,
machine clients). ``serve --demo`` first seeds demo data through ``lowcarbon.demo``, which sits above the domains and
is imported only then.

Every command opens the database of the settings (``--data-dir``, ``LOWCARBON_*`` variables, the settings file) and
first migrates it to the newest schema, so each works on a fresh data directory. The web stack, SQLAlchemy, Alembic
and the settings (pydantic) are imported inside the commands, which keeps ``lowcarbon --help`` and the other commands
quick to start. Errors print one line, ``error: ...``, and exit with status 1.
"""

from __future__ import annotations

import gc
import getpass
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer

from lowcarbon import __version__
from lowcarbon.errors import Conflict, InvalidInput, LowcarbonError, NotFound
from lowcarbon.platform.roles import OrganisationKind, Role  # plain enums, which Typer needs to parse the options

if TYPE_CHECKING:  # pydantic settings too are imported inside: `lowcarbon --help` loads none of them
    from sqlalchemy.orm import Session

    from lowcarbon.platform.settings import Settings
    from lowcarbon.platform.tables import Organisation

__all__ = ["admin_app", "app", "audit_app", "find_organisation"]

T = TypeVar("T")

app = typer.Typer(no_args_is_help=True, help="The lowcarbon web platform.")
audit_app = typer.Typer(no_args_is_help=True, help="Check the audit trail.")
admin_app = typer.Typer(
    no_args_is_help=True, help="Create organisations, users and machine clients from the command line."
)
app.add_typer(audit_app, name="audit")
app.add_typer(admin_app, name="admin")

DataDirOpt = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Data directory (default: LOWCARBON_DATA_DIR, else ~/.local/share/lowcarbon)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print a JSON object instead of a sentence.")]
HostOpt = Annotated[str | None, typer.Option(help="Address to listen on (default: LOWCARBON_HOST, else 127.0.0.1).")]
PortOpt = Annotated[int | None, typer.Option(help="Port to listen on (default: LOWCARBON_PORT, else 8000).")]


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def _settings(**values: Any) -> Settings:
    from pydantic import ValidationError

    from lowcarbon.platform.settings import Settings

    try:
        return Settings(**{name: value for name, value in values.items() if value is not None})
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in exc.errors())
        _fail(f"invalid settings: {problems}")
    except LowcarbonError as exc:
        _fail(str(exc))


@contextmanager
def _errors_end_the_command() -> Iterator[None]:
    """lowcarbon's and the database's errors end the command with one line."""
    from sqlalchemy.exc import SQLAlchemyError

    from lowcarbon.platform.database import describe_error

    try:
        yield
    except LowcarbonError as exc:
        _fail(str(exc))
    except SQLAlchemyError as exc:  # e.g. the database went away after the migration
        _fail(f"the database failed: {describe_error(exc)}")


def _in_transaction(settings: Settings, work: Callable[[Session], T], *, write: bool = True) -> T:
    """Migrate, then run ``work`` in one transaction, committed when it returns; errors end the command."""
    from lowcarbon.platform.database import create_engine, session_factory
    from lowcarbon.platform.migrate import upgrade

    with _errors_end_the_command():
        upgrade(settings)
        engine = create_engine(settings)
        try:
            with session_factory(engine, write=write).begin() as session:
                return work(session)
        finally:
            engine.dispose()


def _existing(settings: Settings) -> Settings:
    """``settings`` when their database exists: a command that only reads never creates an empty one."""
    from sqlalchemy.engine import make_url

    url = make_url(settings.database_url)
    file = url.database if url.get_backend_name() == "sqlite" and url.database != ":memory:" else None
    if file and not Path(file).is_file():
        _fail(f"no database at {file}: give the --data-dir (or LOWCARBON_DATABASE_URL) of a platform that has run")
    return settings


def _reading(data_dir: Path | None, work: Callable[[Session], T]) -> T:
    """``work`` in a read-only transaction on the database of ``data_dir``, which must exist (it is never created)."""
    return _in_transaction(_existing(_settings(data_dir=data_dir)), work, write=False)


def find_organisation(session: Session, given: str) -> Organisation:
    """The organisation whose id or exact name is ``given``; NotFound, or Conflict when the name is not unique."""
    import sqlalchemy as sa

    from lowcarbon.platform.tables import Organisation

    text = given.strip()
    if text.isascii() and text.isdigit():
        found = session.get(Organisation, int(text))
        if found is not None:
            return found
    named = list(session.scalars(sa.select(Organisation).where(Organisation.name == text).limit(2)))
    if len(named) > 1:
        raise Conflict(f"more than one organisation is named {text!r}: give its id")
    if not named:
        raise NotFound(f"no organisation has the id or name {text!r}")
    return named[0]


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no user name in a bare container
        return "cli"


DemoOpt = Annotated[
    bool,
    typer.Option(
        "--demo",
        help="Seed demo organisations, users and the example products first (once; again adds nothing) and print "
        "where to log in. Demo accounts have published passwords: for this machine only.",
    ),
]
_LOOPBACK = ("127.", "localhost", "::1")
PactPortOpt = Annotated[
    int | None,
    typer.Option(
        "--pact-port",
        help="Also serve the PACT host (/auth/token, /.well-known/openid-configuration, /3/...) over TLS on this "
        "port of the same address.",
    ),
]
PactCertOpt = Annotated[
    Path | None,
    typer.Option(
        "--pact-cert",
        help="The PACT port's TLS certificate (PEM; default: a self-signed one made once in the data directory).",
    ),
]
PactKeyOpt = Annotated[Path | None, typer.Option("--pact-key", help="The key of --pact-cert (PEM).")]
WorkersOpt = Annotated[
    int,
    typer.Option(
        "--workers",
        min=1,
        max=64,
        help="Processes answering requests on the port, each a copy of the service (Python runs one at a time "
        "in a process: more processes use more cores). Not with --pact-port.",
    ),
]
_WORKER_SETTINGS = "_LOWCARBON_WORKER_SETTINGS"  # the settings handed to --workers processes, as JSON


@app.command()
def serve(
    host: HostOpt = None,
    port: PortOpt = None,
    data_dir: DataDirOpt = None,
    demo: DemoOpt = False,
    pact_port: PactPortOpt = None,
    pact_cert: PactCertOpt = None,
    pact_key: PactKeyOpt = None,
    workers: WorkersOpt = 1,
) -> None:
    """Start the web service, migrating the database to the newest schema first."""
    settings = _settings(host=host, port=port, data_dir=data_dir)
    import uvicorn

    from lowcarbon.platform import tls
    from lowcarbon.platform.app import create_app
    from lowcarbon.platform.migrate import upgrade

    shown_host = f"[{settings.host}]" if ":" in settings.host else settings.host
    base_url = f"http://{shown_host}:{settings.port}"
    pact_url = f"https://{shown_host}:{pact_port}" if pact_port is not None else None
    demo_text = ""
    with _errors_end_the_command():
        if workers > 1 and pact_port is not None:
            raise InvalidInput("--workers serves the plain port only: leave out --pact-port, or use one worker")
        pair = tls.check_pair(pact_cert, pact_key)
        if pact_port is not None and pair is None:
            pair = tls.self_signed_pair(settings.data_dir / "tls")
        upgrade(settings)
        settings.ensure_secret_key()
        if demo:
            from lowcarbon.demo import describe, seed  # the demo seeds the domains, so it is imported only here

            demo_text = describe(seed(settings), base_url, pact_url)
        application = create_app(settings)
    typer.echo(f"lowcarbon {__version__} on {base_url} (data: {settings.data_dir})", err=True)
    if pact_url is not None and pair is not None:
        typer.echo(f"PACT host on {pact_url} (TLS certificate {pair[0]})", err=True)
    if demo_text:
        typer.echo(demo_text)
        if not settings.host.startswith(_LOOPBACK):
            typer.echo(
                f"warning: {settings.host} may be reachable from other machines, and the demo passwords are published",
                err=True,
            )
    # no proxy headers: a client's X-Forwarded-Proto must not pass plain HTTP off as HTTPS (the PACT endpoints
    # answer HTTPS only); behind a TLS-terminating proxy, let it connect to the TLS port
    if workers > 1:  # each process builds the app from the same settings; the demo is seeded once, above
        os.environ[_WORKER_SETTINGS] = settings.model_dump_json()
        uvicorn.run(
            f"{__name__}:worker_app",
            factory=True,
            host=settings.host,
            port=settings.port,
            workers=workers,
            proxy_headers=False,
        )
        return
    _settle_heap()
    if pact_port is None or pair is None:
        uvicorn.run(application, host=settings.host, port=settings.port, proxy_headers=False)
        return
    import asyncio

    plain = uvicorn.Config(application, host=settings.host, port=settings.port, proxy_headers=False)
    # the same app over TLS; its lifespan (job runner, database engine) is the plain server's alone
    secure = uvicorn.Config(
        application,
        host=settings.host,
        port=pact_port,
        ssl_certfile=str(pair[0]),
        ssl_keyfile=str(pair[1]),
        lifespan="off",
        proxy_headers=False,
    )
    asyncio.run(tls.serve_together([uvicorn.Server(plain), uvicorn.Server(secure)]))


def worker_app() -> Any:
    """The app of one ``serve --workers`` process, from the settings the command handed down."""
    from lowcarbon.platform.app import create_app
    from lowcarbon.platform.settings import Settings

    application = create_app(Settings.model_validate_json(os.environ[_WORKER_SETTINGS]))
    _settle_heap()
    return application


def _settle_heap() -> None:
    """Before serving: what start-up made stays (the collector no longer walks it at every full collection), and
    the young generation is collected every 10,000 allocations instead of 700 (a batch of 1,000 events makes tens of
    thousands of objects that live until its answer: each collection walked them again, ~15 % of a batch's time)."""
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


@audit_app.command("verify")
def audit_verify(data_dir: DataDirOpt = None, as_json: JsonOpt = False) -> None:
    """Check the audit trail's hash chain: print OK, or the first broken entry's id and exit with status 1."""
    import sqlalchemy as sa

    from lowcarbon.platform import audit
    from lowcarbon.platform.tables import AuditEntry

    def check(session: Session) -> tuple[int | None, int, str | None]:
        count = session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) or 0
        return audit.verify(session), count, audit.head(session)

    broken, count, head = _reading(data_dir, check)
    if as_json:
        typer.echo(json.dumps({"ok": broken is None, "first_broken_entry": broken, "entries": count, "head": head}))
    elif broken is None:
        typer.echo(f"OK: {count} entries, chained to the last" + (f" (head {head})" if head else ""))
    else:
        typer.echo(f"BROKEN: entry {broken} does not match its hash or its link to the entry before it")
    if broken is not None:
        raise typer.Exit(1)


@admin_app.command("create-organisation")
def create_organisation(
    name: Annotated[str, typer.Argument(help="The organisation's name.")],
    kind: Annotated[OrganisationKind, typer.Option(help="What the organisation is to the platform.")],
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Create an organisation, recorded in the audit trail."""
    from lowcarbon.platform import accounts

    def create(session: Session) -> dict[str, Any]:
        organisation = accounts.create_organisation(session, name=name, kind=kind.value, actor=_actor())
        return {"id": organisation.id, "name": organisation.name, "kind": organisation.kind}

    created = _in_transaction(_settings(data_dir=data_dir), create)
    if as_json:
        typer.echo(json.dumps(created))
    else:
        typer.echo(f"created organisation {created['id']}: {created['name']} ({created['kind']})")


@admin_app.command("create-user")
def create_user(
    email: Annotated[str, typer.Argument(help="The user's email address, which they log in with.")],
    organisation: Annotated[int, typer.Option(help="Id of the user's organisation.")],
    role: Annotated[Role, typer.Option(help="What the user may do in their organisation.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input (one line).")
    ] = False,
    name: Annotated[str, typer.Option(help="The user's name, as shown to others.")] = "",
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Create a user in an organisation, recorded in the audit trail; the password comes from standard input."""
    if not password_stdin:
        raise typer.BadParameter(
            "pass the password on standard input, e.g. `... --password-stdin < file`", param_hint="--password-stdin"
        )
    password = _read_password()
    settings = _settings(data_dir=data_dir)
    from lowcarbon.platform import accounts

    def create(session: Session) -> dict[str, Any]:
        user = accounts.create_user(
            session,
            email=email,
            organisation_id=organisation,
            role=role.value,
            password=password,
            actor=_actor(),
            name=name,
        )
        return {"id": user.id, "email": user.email, "organisation_id": user.organisation_id, "role": user.role}

    created = _in_transaction(settings, create)
    if as_json:
        typer.echo(json.dumps(created))
    else:
        typer.echo(
            f"created user {created['id']}: {created['email']}, {created['role']} of organisation {organisation}"
        )


@admin_app.command("create-client")
def create_client(
    organisation: Annotated[int, typer.Option(help="Id of the organisation the client acts for.")],
    scopes: Annotated[str, typer.Option(help='Space-separated scopes the client may request, e.g. "a b".')],
    name: Annotated[str, typer.Option(help="What the client is, for people reading the audit trail.")] = "",
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Create an OAuth2 machine client, recorded in the audit trail; its secret is printed once and never again."""
    settings = _settings(data_dir=data_dir)
    from lowcarbon.platform import machine_clients
    from lowcarbon.platform.app import DOMAINS  # the scopes the domains' routes ask for; only this command needs them
    from lowcarbon.platform.clock import system_clock

    known = {scope for domain in DOMAINS for scope in domain.scopes}

    def create(session: Session) -> dict[str, Any]:
        client = machine_clients.create_client(
            session,
            organisation_id=organisation,
            scopes=scopes,
            actor=_actor(),
            now=system_clock(),
            name=name,
            known=known,
        )
        return {
            "id": client.id,
            "client_id": client.client_id,
            "client_secret": client.secret,
            "organisation_id": client.organisation_id,
            "scopes": list(client.scopes),
        }

    created = _in_transaction(settings, create)
    if as_json:
        typer.echo(json.dumps(created))
    else:
        typer.echo(
            f"created client {created['client_id']} of organisation {organisation}: {' '.join(created['scopes'])}"
        )
        typer.echo(f"client_id: {created['client_id']}")
        typer.echo(f"client_secret: {created['client_secret']}")
        typer.echo("The secret is shown only now; keep it in the client's secret store.", err=True)


@admin_app.command("organisations")
def list_organisations(data_dir: DataDirOpt = None, as_json: JsonOpt = False) -> None:
    """List the organisations: id, kind, name, and how many people each has."""
    import sqlalchemy as sa

    from lowcarbon.platform.tables import Organisation, User

    def read(session: Session) -> list[dict[str, Any]]:
        counted = (
            sa.select(User.organisation_id, sa.func.count())
            .where(User.removed_at.is_(None))
            .group_by(User.organisation_id)
        )
        people: dict[int, int] = {organisation: count for organisation, count in session.execute(counted)}
        return [
            {
                "id": found.id,
                "name": found.name,
                "kind": found.kind,
                "people": people.get(found.id, 0),
                "created_at": found.created_at.isoformat(),
            }
            for found in session.scalars(sa.select(Organisation).order_by(Organisation.id))
        ]

    found = _reading(data_dir, read)
    _print_rows(found, ("id", "kind", "people", "name"), as_json, "no organisations")


@admin_app.command("users")
def list_users(
    organisation: Annotated[int, typer.Option(help="Id of the organisation whose people to list.")],
    removed: Annotated[bool, typer.Option("--removed", help="List removed people too.")] = False,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List an organisation's people: id, email, role, whether locked or removed, and name."""
    from datetime import UTC, datetime

    from lowcarbon.platform import accounts

    def read(session: Session) -> list[dict[str, Any]]:
        accounts.get_organisation(session, organisation)
        now = datetime.now(UTC)
        return [
            {
                "id": user.id,
                "email": user.email,
                "name": user.name,
                "role": user.role,
                "locked": user.locked_until is not None and user.locked_until > now,
                "removed": user.removed_at is not None,
                "created_at": user.created_at.isoformat(),
            }
            for user in accounts.list_users(session, organisation, removed=removed)
        ]

    found = _reading(data_dir, read)
    _print_rows(found, ("id", "email", "role", "locked", "removed", "name"), as_json, "no people")


@admin_app.command("clients")
def list_clients(
    organisation: Annotated[int, typer.Option(help="Id of the organisation whose machine clients to list.")],
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List an organisation's machine clients (never their secrets): client_id, disabled, scopes and name."""
    from lowcarbon.platform import accounts, machine_clients

    def read(session: Session) -> list[dict[str, Any]]:
        accounts.get_organisation(session, organisation)
        return [
            {
                "client_id": row.client_id,
                "name": row.name,
                "scopes": row.scopes.split(),
                "disabled": row.disabled,
                "created_at": row.created_at.isoformat(),
            }
            for row in machine_clients.list_clients(session, organisation)
        ]

    found = _reading(data_dir, read)
    _print_rows(found, ("client_id", "disabled", "scopes", "name"), as_json, "no machine clients")


def _print_rows(rows: list[dict[str, Any]], columns: tuple[str, ...], as_json: bool, empty: str) -> None:
    """``rows`` as a JSON list, or as a table of ``columns`` (the last one left unpadded), or ``empty``."""
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False))
        return
    if not rows:
        typer.echo(empty)
        return

    def cell(value: Any) -> str:
        if isinstance(value, bool):
            return "yes" if value else "no"
        return " ".join(value) if isinstance(value, list) else str(value)

    table = [list(columns)] + [[cell(row[column]) for column in columns] for row in rows]
    widths = [max(len(line[index]) for line in table) for index in range(len(columns) - 1)]
    for line in table:
        typer.echo("  ".join([*(text.ljust(width) for text, width in zip(line, widths, strict=False)), line[-1]]))


def _read_password() -> str:
    """The password on standard input: one line, its line ending removed; asked for without echo at a terminal."""
    if sys.stdin.isatty():
        return getpass.getpass("Password: ")
    from lowcarbon.platform.passwords import MAX_LENGTH

    text = sys.stdin.read(MAX_LENGTH + 3)  # a password, its line ending and a sign of more: a pipe may be endless
    password = text.removesuffix("\n").removesuffix("\r")
    if not password:
        _fail("no password on standard input; pipe it in, e.g. `... --password-stdin < password.txt`")
    if "\n" in password or "\r" in password:
        _fail("standard input holds more than one line; give the password alone on one line")
    return password
