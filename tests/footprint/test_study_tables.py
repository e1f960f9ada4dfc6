"""The studies branch of the migrations: from empty to head on both databases, and down on its own."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import get_args

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from lowcarbon.footprint.schemas import StudyStatus
from lowcarbon.footprint.tables import STATUSES
from lowcarbon.platform import accounts, machine_clients
from lowcarbon.platform.database import create_engine, session_factory
from lowcarbon.platform.migrate import current_revisions, downgrade, upgrade
from lowcarbon.platform.settings import Settings
from lowcarbon.ports import JobState
from support.library_support import BRACKET_MODEL, BRACKET_TOTAL, STEEL_CSV, STEEL_SET, upload_file
from support.study_support import (
    TSHIRT_FACTORS,
    TSHIRT_MODEL,
    client_for,
    create_product,
    inline,
    seed_organisation,
    submit,
)

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
STUDIES_TABLES = ("products", "studies", "study_files", "library_files", "study_library_files", "monte_carlo_runs")
LIBRARY_COLUMNS = [
    "id",
    "organisation_id",
    "factor_set",
    "name",
    "content",
    "encoding",
    "sha256",
    "size",
    "factors",
    "created_by",
    "created_by_client",
    "client_name",
    "created_at",
]
COPY_COLUMNS = ["id", "study_id", "library_file_id", "factor_set", "name", "content", "encoding", "sha256", "size"]


def _inspect(settings: Settings) -> dict[str, list[str]]:
    engine = create_engine(settings)
    try:
        inspector = sa.inspect(engine)
        return {table: [c["name"] for c in inspector.get_columns(table)] for table in inspector.get_table_names()}
    finally:
        engine.dispose()


def test_empty_to_head_creates_the_studies_tables(settings: Settings) -> None:
    """Migrating an empty database to head creates products and studies with their columns."""
    upgrade(settings)
    columns = _inspect(settings)
    assert columns["products"] == ["id", "organisation_id", "name", "created_at", "archived_at"]
    assert columns["studies"] == [
        "id",
        "product_id",
        "version",
        "model_text",
        "model_format",
        "status",
        "result",
        "total",
        "error",
        "created_by",
        "created_at",
        "job_id",
        "created_by_client",
        "client_name",
        "note",
    ]
    assert columns["study_files"] == ["id", "study_id", "name", "content", "sha256", "size"]
    assert columns["library_files"] == LIBRARY_COLUMNS
    assert columns["study_library_files"] == COPY_COLUMNS


def test_the_studies_branch_goes_down_alone(settings: Settings) -> None:
    """studies@base removes the studies tables and the branches that depend on them (PACT's); the kernel stays at its
    head, and so do the branches that do not (certification keeps copies of studies, not links)."""
    upgrade(settings)
    downgrade(settings, "studies@base")
    left = current_revisions(settings)
    assert "0006" in left and not [r for r in left if r.startswith(("studies_", "pact_"))]
    assert not set(STUDIES_TABLES) & set(_inspect(settings)) and "jobs" in _inspect(settings)
    upgrade(settings)
    assert "studies_0007" in current_revisions(settings)  # beside the pact branch's head


def _seed_creators(settings: Settings) -> tuple[int, int]:
    """An organisation with a user, a machine client and product 1: the user's and the client's ids (the kernel at
    its head first: the users table the package writes has a person's time zone and removal, kernel revision 0006)."""
    upgrade(settings, "0006")
    engine = create_engine(settings)
    try:
        with session_factory(engine, write=True).begin() as session:
            organisation = accounts.create_organisation(session, name="Acme", kind="manufacturer", actor="test")
            user = accounts.create_user(
                session,
                email="e@acme.example",
                organisation_id=organisation.id,
                role="editor",
                password="x" * 15,
                actor="test",
            )
            client = machine_clients.create_client(
                session, organisation_id=organisation.id, scopes="studies:write", actor="test", now=NOW
            )
            session.execute(
                sa.text("INSERT INTO products (id, organisation_id, name, created_at) VALUES (1, :o, 'PV', :t)"),
                {"o": organisation.id, "t": NOW},
            )
            return user.id, client.id
    finally:
        engine.dispose()


def _execute(settings: Settings, statement: str, values: dict[str, object] | None = None) -> None:
    engine = create_engine(settings)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text(statement), values or {})
    finally:
        engine.dispose()


def _insert_study(settings: Settings, version: int, *, user: int | None, client: int | None) -> None:
    engine = create_engine(settings)
    columns = "product_id, version, model_text, model_format, status, created_at, created_by"
    values = ":p, :v, 'x', 'yaml', 'queued', :t, :u"
    if "created_by_client" in {column["name"] for column in sa.inspect(engine).get_columns("studies")}:
        columns, values = f"{columns}, created_by_client", f"{values}, :c"
    try:
        with engine.begin() as connection:
            statement = sa.text(f"INSERT INTO studies ({columns}) VALUES ({values})")
            connection.execute(statement, {"p": 1, "v": version, "t": NOW, "u": user, "c": client})
    finally:
        engine.dispose()


def test_studies_0002_records_a_person_or_a_client(settings: Settings) -> None:
    """studies_0002 keeps the studies of 0001, takes a client's study, and refuses a study of both or of neither;
    going down refuses while a client's study exists, and works once none does."""
    upgrade(settings, "studies_0001")
    user, client = _seed_creators(settings)
    _insert_study(settings, 1, user=user, client=None)
    upgrade(settings, "studies_0002")
    _insert_study(settings, 2, user=None, client=client)
    for version, creators in ((3, {"user": user, "client": client}), (4, {"user": None, "client": None})):
        with pytest.raises(IntegrityError):
            _insert_study(settings, version, **creators)
    with pytest.raises(RuntimeError, match="1 studies were submitted by machine clients"):
        downgrade(settings, "studies_0001")
    assert current_revisions(settings) == ("0006", "studies_0002")
    _execute(settings, "DELETE FROM studies WHERE created_by IS NULL")
    downgrade(settings, "studies_0001")
    assert current_revisions(settings) == ("0006", "studies_0001")
    assert "created_by_client" not in _inspect(settings)["studies"]
    with pytest.raises(IntegrityError):
        _insert_study(settings, 5, user=None, client=None)  # created_by is required again


def _insert_file(settings: Settings, study_id: int, name: str) -> None:
    engine = create_engine(settings)
    try:
        with engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO study_files (study_id, name, content, sha256, size) VALUES (:s, :n, 'id,name', :d, 7)"
                ),
                {"s": study_id, "n": name, "d": "0" * 64},
            )
    finally:
        engine.dispose()


def test_studies_0003_keeps_factor_files(settings: Settings) -> None:
    """studies_0003 adds study_files beside the studies of 0002: a file belongs to a study that exists, once by
    name; going down refuses while a file is kept, and works once none is."""
    upgrade(settings, "studies_0002")
    user, _ = _seed_creators(settings)
    _insert_study(settings, 1, user=user, client=None)
    upgrade(settings, "studies_0003")
    assert _inspect(settings)["study_files"] == ["id", "study_id", "name", "content", "sha256", "size"]
    _insert_file(settings, 1, "factors.csv")
    _insert_file(settings, 1, "data/factors.csv")
    for study_id, name in ((1, "factors.csv"), (99, "other.csv")):  # the same name twice; no such study
        with pytest.raises(IntegrityError):
            _insert_file(settings, study_id, name)
    with pytest.raises(RuntimeError, match="2 factor files are kept with studies"):
        downgrade(settings, "studies_0002")
    assert current_revisions(settings) == ("0006", "studies_0003")
    _execute(settings, "DELETE FROM study_files")
    downgrade(settings, "studies_0002")
    assert current_revisions(settings) == ("0006", "studies_0002")
    assert "study_files" not in _inspect(settings)


def test_the_api_and_the_table_know_the_job_states() -> None:
    """A study's status in the API and in its table are the job states, no more and no fewer."""
    assert get_args(StudyStatus) == STATUSES == tuple(state.value for state in JobState)


def test_the_newest_revisions_go_down_and_up_with_a_study_kept(migrated: Settings) -> None:
    """studies_0004 and 0004 go down and up again on a database holding a study with a factor file and a client's
    job (on SQLite each recreates its table, which others refer to), and the study is still there, whole."""
    acme = seed_organisation(migrated, "Acme")
    files = {"factors.csv": TSHIRT_FACTORS.read_text(encoding="utf-8")}
    with client_for(inline(migrated), acme.editor) as client:
        study = submit(client, create_product(client), TSHIRT_MODEL.read_text(encoding="utf-8"), files=files)
    downgrade(migrated, "studies_0003")
    downgrade(migrated, "0003")
    assert "studies_0003" in current_revisions(migrated)
    upgrade(migrated)
    assert "studies_0007" in current_revisions(migrated)  # beside the pact branch's head
    with client_for(migrated, acme.editor) as client:
        kept = client.get(f"/api/studies/{study['id']}").json()
        assert kept["status"] == "done" and kept["total"] is not None
        assert [file["name"] for file in client.get(f"/api/studies/{study['id']}/files").json()] == ["factors.csv"]


def _insert_library_file(
    settings: Settings, factor_set: str, *, user: int | None, client: int | None = None, encoding: str = "text"
) -> None:
    _execute(
        settings,
        "INSERT INTO library_files (organisation_id, factor_set, name, content, encoding, sha256, size, factors, "
        "created_by, created_by_client, created_at) VALUES (1, :s, :n, 'id,name', :e, :d, 7, 1, :u, :c, :t)",
        {"s": factor_set, "n": f"{factor_set}.csv", "e": encoding, "d": "0" * 64, "u": user, "c": client, "t": NOW},
    )


def _insert_copy(settings: Settings, study_id: int, library_file_id: int | None, factor_set: str) -> None:
    _execute(
        settings,
        "INSERT INTO study_library_files (study_id, library_file_id, factor_set, name, content, encoding, sha256, "
        "size) VALUES (:s, :l, :f, 'x.csv', 'id,name', 'text', :d, 7)",
        {"s": study_id, "l": library_file_id, "f": factor_set, "d": "0" * 64},
    )


def _rows(settings: Settings, statement: str) -> list[tuple[object, ...]]:
    engine = create_engine(settings)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(sa.text(statement))]
    finally:
        engine.dispose()


def test_studies_0005_keeps_the_library_and_the_copies_of_studies(settings: Settings) -> None:
    """studies_0005 adds library_files and study_library_files beside the studies of 0004: a set once per
    organisation, text or base64, added by a person or a client; a copy once per set of a study, of a study that
    exists; deleting a library file keeps the copies, without their link to it. Going down refuses while either
    table has a row, and works once neither has."""
    upgrade(settings, "studies_0004")
    user, client = _seed_creators(settings)
    _insert_study(settings, 1, user=user, client=None)
    upgrade(settings, "studies_0005")
    assert _inspect(settings)["library_files"] == LIBRARY_COLUMNS
    assert _inspect(settings)["study_library_files"] == COPY_COLUMNS
    _insert_library_file(settings, "steel", user=user)
    _insert_library_file(settings, "plastics", user=None, client=client, encoding="base64")
    refused = (
        ("steel", {"user": user}),  # the set taken
        ("glass", {"user": None}),  # neither a person nor a client
        ("glass", {"user": user, "client": client}),  # both
        ("glass", {"user": user, "encoding": "utf-16"}),  # an encoding of neither kind
    )
    for factor_set, values in refused:
        with pytest.raises(IntegrityError):
            _insert_library_file(settings, factor_set, **values)
    _insert_copy(settings, 1, 1, "steel")
    _insert_copy(settings, 1, None, "glass")
    for study_id, factor_set in ((1, "steel"), (99, "paper")):  # the same set twice; no such study
        with pytest.raises(IntegrityError):
            _insert_copy(settings, study_id, None, factor_set)
    _execute(settings, "DELETE FROM library_files WHERE factor_set = 'steel'")
    assert _rows(settings, "SELECT factor_set, library_file_id FROM study_library_files ORDER BY id") == [
        ("steel", None),
        ("glass", None),
    ]
    with pytest.raises(RuntimeError, match="2 copies of library files kept with studies"):
        downgrade(settings, "studies_0004")
    _execute(settings, "DELETE FROM study_library_files")
    with pytest.raises(RuntimeError, match="1 factor files in organisations' libraries"):
        downgrade(settings, "studies_0004")
    assert current_revisions(settings) == ("0006", "studies_0005")
    _execute(settings, "DELETE FROM library_files")
    downgrade(settings, "studies_0004")
    assert current_revisions(settings) == ("0006", "studies_0004")
    assert not {"library_files", "study_library_files"} & set(_inspect(settings))
    assert _rows(settings, "SELECT version FROM studies") == [(1,)]


def test_a_study_linking_the_library_survives_the_upgrade_and_keeps_the_branch_up(migrated: Settings) -> None:
    """On a database migrated to head, a study stored with a copy of a library file keeps studies_0005 from going
    down (its copy has no place below it), and is whole afterwards: computed, with its copy."""
    acme = seed_organisation(migrated, "Acme")
    with client_for(inline(migrated), acme.editor) as client:
        assert upload_file(client, f"{STEEL_SET}.csv", STEEL_CSV).status_code == 201
        study = submit(client, create_product(client), BRACKET_MODEL)
    with pytest.raises(RuntimeError, match="1 copies of library files kept with studies"):
        downgrade(migrated, "studies_0004")
    assert "studies_0007" in current_revisions(migrated)  # beside the pact branch's head
    with client_for(migrated, acme.editor) as client:
        kept = client.get(f"/api/studies/{study['id']}").json()
    assert kept["status"] == "done" and kept["total"] == pytest.approx(BRACKET_TOTAL)
    assert [copy["factor_set"] for copy in kept["library_files"]] == [STEEL_SET]
