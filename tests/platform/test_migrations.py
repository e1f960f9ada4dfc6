"""Migrations: from an empty database to the newest revision and back, on SQLite and PostgreSQL.

The newest revision includes every domain's branch (found on disk by ``version_locations``), so the domains'
tables are part of "head" here too.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

import lowcarbon.catalog.tables
import lowcarbon.certify.tables
import lowcarbon.footprint.tables  # registers the domain's tables on Base.metadata
import lowcarbon.inclusive.tables
import lowcarbon.inventory.tables
import lowcarbon.pact.tables  # noqa: F401
from lowcarbon.catalog.tables import SEARCH_TABLES
from lowcarbon.platform import tables
from lowcarbon.platform.database import Base, create_engine
from lowcarbon.platform.migrate import (
    current_revision,
    current_revisions,
    downgrade,
    head_revision,
    head_revisions,
    upgrade,
    version_locations,
)
from lowcarbon.platform.settings import Settings

KERNEL_TABLES = {"alembic_version", "audit_log", "organisations", "users"}
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
AUTH_TABLES = {"login_sessions", "machine_clients", "access_tokens"}
JOB_TABLES = {"jobs"}
STUDIES_TABLES = {"products", "studies", "study_files", "library_files", "study_library_files", "monte_carlo_runs"}
PACT_TABLES = {
    "pact_footprints",
    "pact_footprint_keys",
    "pact_customers",
    "pact_shares",
    "pact_events",
    "pact_suppliers",
    "pact_supplier_footprints",
}
CERTIFY_TABLES = {
    "certify_keys",
    "certify_applications",
    "certify_frozen_studies",
    "certify_documents",
    "certify_findings",
    "certify_certificates",
    "certify_certificate_revisions",
    "certify_moves",
}
INCLUSIVE_TABLES = {
    "inclusive_partners",
    "inclusive_people",
    "inclusive_links",
    "inclusive_events",
    "inclusive_entries",
    "inclusive_balances",
    "inclusive_daily",
    "inclusive_rewards",
    "inclusive_redemptions",
}
INVENTORY_TABLES = {
    "inventories",
    "inventory_activities",
    "inventory_engagements",
    "inventory_engagement_moves",
    "inventory_samples",
    "inventory_findings",
    "inventory_statements",
}
HEADS = {
    "0006",
    "studies_0007",
    "pact_0002",
    "certify_0001",
    "catalog_0002",
    "inclusive_0004",
    "inventory_0002",
}  # one per branch
# the catalog's full-text index (on SQLite an FTS5 table with its shadow tables, on PostgreSQL two tables) is made by
# its migrations and not mapped: it is counted as one table here, and left out of the comparison with the ORM
CATALOG_TABLES = {"catalog_categories", "catalog_products", "catalog_state", "catalog_changes", "catalog_search"}
ALL_TABLES = (
    KERNEL_TABLES
    | AUTH_TABLES
    | JOB_TABLES
    | STUDIES_TABLES
    | PACT_TABLES
    | CERTIFY_TABLES
    | CATALOG_TABLES
    | INCLUSIVE_TABLES
    | INVENTORY_TABLES
)


def _tables(settings: Settings) -> set[str]:
    engine = create_engine(settings)
    try:
        names = set(sa.inspect(engine).get_table_names())
        return {"catalog_search" if n.startswith(SEARCH_TABLES) else n for n in names}
    finally:
        engine.dispose()


def test_empty_to_head(settings: Settings) -> None:
    """An empty database is migrated to the newest revision, with the kernel's tables and columns."""
    assert current_revision(settings) is None
    assert _tables(settings) == set()
    upgrade(settings)
    assert current_revision(settings) == head_revision() == "0006"
    # the studies branch depends on 0004, which 0005 (time zone) and 0006 (removed people) follow; pact: its own branch
    assert set(current_revisions(settings)) == HEADS
    assert _tables(settings) == ALL_TABLES
    engine = create_engine(settings)
    try:
        inspector = sa.inspect(engine)
        columns = {
            table: [c["name"] for c in inspector.get_columns(table)] for table in KERNEL_TABLES - {"alembic_version"}
        }
        uniques = {tuple(u["column_names"]) for u in inspector.get_unique_constraints("users")}
        foreign_keys = inspector.get_foreign_keys("users")
    finally:
        engine.dispose()
    assert columns["organisations"] == ["id", "name", "kind", "created_at"]
    assert columns["users"] == [
        "id",
        "organisation_id",
        "email",
        "name",
        "password_hash",
        "role",
        "failed_logins",
        "locked_until",
        "created_at",
        "time_zone",
        "removed_at",
    ]
    assert columns["audit_log"] == [
        "id",
        "at",
        "actor",
        "action",
        "entity",
        "entity_id",
        "before",
        "after",
        "previous_hash",
        "hash",
    ]
    assert ("email",) in uniques
    assert [(fk["constrained_columns"], fk["referred_table"]) for fk in foreign_keys] == [
        (["organisation_id"], "organisations")
    ]


def test_upgrade_twice_is_a_no_op(settings: Settings) -> None:
    """Upgrading a database already at the newest revision changes nothing."""
    upgrade(settings)
    upgrade(settings)
    assert current_revision(settings) == head_revision()


def test_down_to_base_and_up_again(settings: Settings) -> None:
    """Downgrading to base removes every table (and trigger) of the platform; upgrading again works."""
    upgrade(settings)
    downgrade(settings, "base")
    assert _tables(settings) == {"alembic_version"}
    assert current_revision(settings) is None
    upgrade(settings)
    assert _tables(settings) == ALL_TABLES


def test_auth_revision_up_and_down(settings: Settings) -> None:
    """0001 -> 0002 adds the auth tables with their keys; 0002 -> 0001 removes them and keeps the rest."""
    upgrade(settings, "0001")
    assert current_revision(settings) == "0001" and _tables(settings) == KERNEL_TABLES
    engine = create_engine(settings)
    try:
        with engine.begin() as connection:
            connection.execute(sa.insert(tables.Organisation).values(id=1, name="Acme", kind="buyer", created_at=NOW))
        upgrade(settings, "0002")
        assert current_revision(settings) == "0002" and _tables(settings) == KERNEL_TABLES | AUTH_TABLES
        inspector = sa.inspect(engine)
        columns = {table: [c["name"] for c in inspector.get_columns(table)] for table in AUTH_TABLES}
        assert columns["login_sessions"] == ["id", "user_id", "token_hash", "created_at", "expires_at", "revoked_at"]
        assert columns["machine_clients"] == [
            "id",
            "organisation_id",
            "client_id",
            "secret_hash",
            "scopes",
            "name",
            "created_at",
            "disabled",
        ]
        assert columns["access_tokens"] == ["id", "client_id", "token_hash", "scopes", "created_at", "expires_at"]
        referred = {table: [fk["referred_table"] for fk in inspector.get_foreign_keys(table)] for table in AUTH_TABLES}
        assert referred == {
            "login_sessions": ["users"],
            "machine_clients": ["organisations"],
            "access_tokens": ["machine_clients"],
        }
        uniques = {table: [u["column_names"] for u in inspector.get_unique_constraints(table)] for table in AUTH_TABLES}
        assert uniques == {
            "login_sessions": [["token_hash"]],
            "machine_clients": [["client_id"]],
            "access_tokens": [["token_hash"]],
        }
        upgrade(settings)
        assert current_revision(settings) == "0006" and _tables(settings) == ALL_TABLES
        downgrade(settings, "0001")  # takes the studies branch, which depends on the kernel, down with it
        assert current_revision(settings) == "0001" and _tables(settings) == KERNEL_TABLES
        with engine.connect() as connection:
            assert connection.execute(sa.select(tables.Organisation.name)).scalars().all() == ["Acme"]
    finally:
        engine.dispose()


def test_version_locations_are_found_on_disk() -> None:
    """The kernel's versions folder and each domain's are found without importing the domains; each has a head."""
    names = [path.relative_to(path.parents[2]).as_posix() for path in version_locations()]
    assert names == [
        "catalog/migrations/versions",
        "certify/migrations/versions",
        "footprint/migrations/versions",
        "inclusive/migrations/versions",
        "inventory/migrations/versions",
        "pact/migrations/versions",
        "platform/migrations/versions",
    ]
    assert set(head_revisions()) == HEADS


def test_jobs_revision_up_and_down(settings: Settings) -> None:
    """0002 -> 0003 adds the jobs table with its columns and key; 0003 -> 0002 removes it."""
    upgrade(settings, "0003")
    assert current_revisions(settings) == ("0003",) and _tables(settings) == KERNEL_TABLES | AUTH_TABLES | JOB_TABLES
    engine = create_engine(settings)
    try:
        inspector = sa.inspect(engine)
        assert [c["name"] for c in inspector.get_columns("jobs")] == [
            "id",
            "kind",
            "organisation_id",
            "status",
            "owner",
            "created_at",
            "started_at",
            "finished_at",
            "result",
            "error",
        ]
        assert [fk["referred_table"] for fk in inspector.get_foreign_keys("jobs")] == ["organisations"]
    finally:
        engine.dispose()
    downgrade(settings, "0002")
    assert _tables(settings) == KERNEL_TABLES | AUTH_TABLES


def test_tables_match_migrations(migrated: Settings) -> None:
    """The ORM tables (the kernel's and the domains') and the migrated schema agree: autogenerate finds nothing."""
    engine = create_engine(migrated)
    try:
        with engine.connect() as connection:

            def mapped(name: str | None, kind: str, parent: object) -> bool:
                return not (kind == "table" and name is not None and name.startswith(SEARCH_TABLES))

            opts = {"compare_type": True, "include_name": mapped}
            context = MigrationContext.configure(connection, opts=opts)
            assert tables.AuditEntry.metadata is Base.metadata
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()
