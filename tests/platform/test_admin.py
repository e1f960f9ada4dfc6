"""The admin and audit commands through Typer's CliRunner, on SQLite and PostgreSQL, with their audit entries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
import typer
from typer.testing import CliRunner, Result

from lowcarbon.platform.cli import app as platform_cli
from lowcarbon.platform.database import create_engine, session_factory
from lowcarbon.platform.migrate import upgrade
from lowcarbon.platform.passwords import verify_password
from lowcarbon.platform.settings import Settings
from lowcarbon.platform.tables import AuditEntry, Organisation, User

PASSWORD = "correct horse battery staple 光伏"


def _run(settings: Settings, *args: str, input: str | None = None) -> Result:
    environment = {"LOWCARBON_DATABASE_URL": settings.database_url}
    return CliRunner().invoke(platform_cli, [*args, "--data-dir", str(settings.data_dir)], input=input, env=environment)


def _rows(settings: Settings) -> tuple[list[Organisation], list[User], list[AuditEntry]]:
    engine = create_engine(settings)
    try:
        with session_factory(engine)() as session:
            return (
                list(session.scalars(sa.select(Organisation).order_by(Organisation.id))),
                list(session.scalars(sa.select(User).order_by(User.id))),
                list(session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id))),
            )
    finally:
        engine.dispose()


def _organisation(settings: Settings) -> int:
    result = _run(settings, "admin", "create-organisation", "Acme 光伏", "--kind", "manufacturer", "--json")
    assert result.exit_code == 0, result.output
    identifier: int = json.loads(result.output)["id"]
    return identifier


def test_create_organisation(settings: Settings) -> None:
    """create-organisation migrates a fresh database, creates the organisation and records it in the audit trail."""
    result = _run(settings, "admin", "create-organisation", "  Acme 光伏 ", "--kind", "manufacturer")
    assert result.exit_code == 0, result.output
    assert result.output == "created organisation 1: Acme 光伏 (manufacturer)\n"
    organisations, _, entries = _rows(settings)
    assert [(o.id, o.name, o.kind) for o in organisations] == [(1, "Acme 光伏", "manufacturer")]
    (entry,) = entries
    assert (entry.action, entry.entity, entry.entity_id, entry.before) == ("create", "organisation", "1", None)
    assert entry.actor.startswith("cli")
    assert entry.after == {
        "id": 1,
        "name": "Acme 光伏",
        "kind": "manufacturer",
        "created_at": organisations[0].created_at.isoformat(),
    }


def test_create_organisation_refuses_unknown_kind(settings: Settings) -> None:
    """An unknown kind is a usage error listing the kinds, and nothing is written."""
    result = _run(settings, "admin", "create-organisation", "Acme", "--kind", "smuggler")
    assert result.exit_code == 2
    assert "certification_body" in result.output


def test_create_user(settings: Settings) -> None:
    """create-user reads the password from stdin, stores its Argon2id hash, and audits the user without the hash."""
    organisation = _organisation(settings)
    result = _run(
        settings,
        "admin",
        "create-user",
        " Engineer@Acme.Example ",
        "--organisation",
        str(organisation),
        "--role",
        "editor",
        "--name",
        "Li Wei",
        "--password-stdin",
        "--json",
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "id": 1,
        "email": "engineer@acme.example",
        "organisation_id": 1,
        "role": "editor",
    }
    _, (user,), entries = _rows(settings)
    assert (user.email, user.name, user.role, user.failed_logins, user.locked_until) == (
        "engineer@acme.example",
        "Li Wei",
        "editor",
        0,
        None,
    )
    assert user.password_hash is not None and user.password_hash.startswith("$argon2id$")
    assert verify_password(user.password_hash, PASSWORD)
    assert not verify_password(user.password_hash, PASSWORD + " ")
    assert [(e.action, e.entity, e.entity_id) for e in entries] == [
        ("create", "organisation", "1"),
        ("create", "user", "1"),
    ]
    assert entries[1].after["has_password"] is True and entries[1].after["email"] == "engineer@acme.example"
    assert user.password_hash not in json.dumps(entries[1].after) and "password_hash" not in entries[1].after


@pytest.mark.parametrize(
    ("password_input", "message"),
    [
        ("", "no password on standard input"),
        ("\n", "no password on standard input"),
        ("too short\n", "the password has 9 characters; use at least 15"),
        (PASSWORD + "\nsecond line\n", "more than one line"),
        ("x" * 1025 + "\n", "use at most 1024"),
    ],
    ids=["empty", "blank-line", "too-short", "two-lines", "too-long"],
)
def test_create_user_refuses_wrong_password_input(settings: Settings, password_input: str, message: str) -> None:
    """Wrong password input ends the command with status 1 and one error line; no user and no audit entry appear."""
    organisation = _organisation(settings)
    arguments = ["admin", "create-user", "a@acme.example", "--organisation", str(organisation), "--role", "admin"]
    result = _run(settings, *arguments, "--password-stdin", input=password_input)
    assert result.exit_code == 1
    assert result.output.startswith("error: ") and message in result.output
    assert password_input.strip() == "" or password_input.strip() not in result.output
    _, users, entries = _rows(settings)
    assert users == [] and len(entries) == 1


def test_create_user_needs_password_stdin(settings: Settings) -> None:
    """Without --password-stdin the command says how to give the password; it never takes one as an argument."""
    result = _run(settings, "admin", "create-user", "a@acme.example", "--organisation", "1", "--role", "admin")
    assert result.exit_code == 2 and "--password-stdin" in result.output


@pytest.mark.parametrize(
    ("email", "organisation", "message"),
    [
        ("a@acme.example", 42, "error: there is no organisation 42"),
        ("not-an-email", 1, "error: 'not-an-email' is not an email address"),
        ("TAKEN@acme.example", 1, "error: taken@acme.example already has an account"),
    ],
    ids=["unknown-organisation", "bad-email", "email-taken"],
)
def test_create_user_refusals(settings: Settings, email: str, organisation: int, message: str) -> None:
    """An unknown organisation, a malformed or taken email end with status 1 and leave the database as it was."""
    _organisation(settings)
    arguments = ["admin", "create-user", "taken@acme.example", "--organisation", "1", "--role", "viewer"]
    assert _run(settings, *arguments, "--password-stdin", input=PASSWORD).exit_code == 0
    arguments = ["admin", "create-user", email, "--organisation", str(organisation), "--role", "viewer"]
    result = _run(settings, *arguments, "--password-stdin", input=PASSWORD)
    assert (result.exit_code, result.output.splitlines()) == (1, [message])
    _, users, entries = _rows(settings)
    assert len(users) == 1 and len(entries) == 2


def test_audit_verify(settings: Settings) -> None:
    """`audit verify` refuses a data directory that holds no database (and does not create one), prints OK for an
    intact chain, and names the first broken entry with status 1 after an edit."""
    database = sa.engine.make_url(settings.database_url).database
    if settings.database_url.startswith("sqlite"):  # a fresh data directory: no database file yet
        never = _run(settings, "audit", "verify")
        assert never.exit_code == 1 and never.output.startswith(f"error: no database at {database}")
        assert not Path(database).exists()
    upgrade(settings)
    empty = _run(settings, "audit", "verify")
    assert (empty.exit_code, empty.output) == (0, "OK: 0 entries, chained to the last\n")
    _organisation(settings)
    _run(settings, "admin", "create-organisation", "Beta Certification", "--kind", "certification_body")
    _run(settings, "admin", "create-organisation", "Gamma Buyers", "--kind", "buyer")
    result = _run(settings, "audit", "verify")
    assert result.exit_code == 0 and result.output.startswith("OK: 3 entries")

    engine = create_engine(settings)
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER USER")
            else:
                connection.exec_driver_sql("DROP TRIGGER audit_log_no_update")
            connection.execute(sa.update(AuditEntry).where(AuditEntry.id == 2).values(after={"name": "Forged"}))
    finally:
        engine.dispose()
    broken = _run(settings, "audit", "verify")
    assert broken.exit_code == 1
    assert broken.output.startswith("BROKEN: entry 2 ")
    as_json = _run(settings, "audit", "verify", "--json")
    assert as_json.exit_code == 1
    assert json.loads(as_json.output)["first_broken_entry"] == 2 and json.loads(as_json.output)["ok"] is False


def test_commands_merge_into_the_main_cli() -> None:
    """Added to a Typer app without a name, the platform's commands appear at its top level (`lowcarbon serve`)."""
    main = typer.Typer()

    @main.command()
    def calc() -> None:
        """Stand-in for the main CLI's own commands."""

    main.add_typer(platform_cli)
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("calc", "serve", "audit", "admin"):
        assert command in result.output
    assert "create-user" in CliRunner().invoke(main, ["admin", "--help"]).output
