"""`admin organisations`, `admin users` and `admin clients` list what the platform has, as a table or as JSON, on
SQLite and PostgreSQL; they never show a secret, and never create a database."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner, Result

from lowcarbon.platform.cli import app as platform_cli
from lowcarbon.platform.settings import Settings
from support.study_support import PASSWORD, client_for, seed_client, seed_organisation


def _run(settings: Settings, *args: str) -> Result:
    environment = {"LOWCARBON_DATABASE_URL": settings.database_url}
    return CliRunner().invoke(platform_cli, [*args, "--data-dir", str(settings.data_dir)], env=environment)


def test_organisations_people_and_clients_are_listed(migrated: Settings) -> None:
    ours, theirs = seed_organisation(migrated, "Sunrise PV"), seed_organisation(migrated, "光伏 Co")
    client_id, secret = seed_client(migrated, ours.id, "studies:read")
    with client_for(migrated, ours.admin) as admin:
        people = {p["email"]: p["id"] for p in admin.get("/api/organisation").json()["users"]}
        assert admin.delete(f"/api/organisation/users/{people[ours.viewer]}").status_code == 204
    listed = _run(migrated, "admin", "organisations", "--json")
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.stdout)
    assert [(row["id"], row["name"], row["kind"], row["people"]) for row in rows] == [
        (ours.id, "Sunrise PV", "manufacturer", 2),
        (theirs.id, "光伏 Co", "manufacturer", 3),
    ]
    table = _run(migrated, "admin", "organisations").stdout.splitlines()
    assert table[0].split() == ["id", "kind", "people", "name"] and table[2].endswith("光伏 Co")

    users = json.loads(_run(migrated, "admin", "users", "--organisation", str(ours.id), "--json").stdout)
    assert [(row["email"], row["role"]) for row in users] == [(ours.admin, "admin"), (ours.editor, "editor")]
    everyone = json.loads(
        _run(migrated, "admin", "users", "--organisation", str(ours.id), "--removed", "--json").stdout
    )
    assert [(row["email"], row["removed"]) for row in everyone][-1] == (ours.viewer, True)
    assert PASSWORD not in _run(migrated, "admin", "users", "--organisation", str(ours.id)).stdout

    clients = _run(migrated, "admin", "clients", "--organisation", str(ours.id))
    assert clients.exit_code == 0 and client_id in clients.stdout and "studies:read" in clients.stdout
    assert secret not in clients.stdout
    assert _run(migrated, "admin", "clients", "--organisation", str(theirs.id)).stdout == "no machine clients\n"
    unknown = _run(migrated, "admin", "users", "--organisation", "99")
    assert unknown.exit_code == 1 and unknown.output == "error: there is no organisation 99\n"


def test_listing_never_creates_a_database(tmp_path: Path) -> None:
    result = CliRunner().invoke(platform_cli, ["admin", "organisations", "--data-dir", str(tmp_path / "none")])
    assert result.exit_code == 1 and result.output.startswith("error: no database at ")
    assert not (tmp_path / "none").exists() or not any((tmp_path / "none").iterdir())
