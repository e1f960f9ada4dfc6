"""``lowcarbon catalog import`` on SQLite and PostgreSQL: every bad row is reported (row, column, reason) while the
good rows are imported; ``--all-or-nothing`` changes nothing; importing the same file again changes nothing; Excel
files and GBK-encoded CSV files import too; an import killed halfway leaves the catalog as it was."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from lowcarbon.catalog import importer
from lowcarbon.catalog import search as catalog_search
from lowcarbon.catalog.tables import Category
from lowcarbon.cli import app as lowcarbon
from lowcarbon.platform.database import create_engine, session_factory
from lowcarbon.platform.settings import Settings
from support.catalog_support import TODAY, catalog_rows

NOW = datetime(2026, 12, 6, 4, tzinfo=UTC)


def _cli(settings: Settings, *arguments: str) -> tuple[int, str, str]:
    environment = {"LOWCARBON_DATABASE_URL": settings.database_url}
    result = CliRunner().invoke(lowcarbon, [*arguments, "--data-dir", str(settings.data_dir)], env=environment)
    return result.exit_code, result.stdout, result.stderr


def _write(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def _count(settings: Settings, sql: str = "SELECT count(*) FROM catalog_products") -> int:
    engine = create_engine(settings)
    try:
        with engine.connect() as connection:
            return int(connection.execute(sa.text(sql)).scalar_one())
    finally:
        engine.dispose()


def test_bad_rows_are_reported_and_the_rest_imported(migrated: Settings, tmp_path: Path) -> None:
    rows = catalog_rows(20)
    rows[3][1] = ""  # row 4: no brand
    rows[5][8] = "lost"  # row 6: an unknown status
    rows[7][9] = "2027-13-45"  # row 8: not a date
    rows[9][12] = "-3"  # row 10: a negative footprint
    rows[11][0] = rows[2][0]  # row 12: a registry id again
    rows[13][5] = "A 02"  # row 14: a code with a space
    path = _write(tmp_path / "registry.csv", rows)
    code, out, err = _cli(migrated, "catalog", "import", str(path), "--json")
    assert code == 1, err
    report = json.loads(out)
    bad = {(r["row"], r["column"], r["problem"]) for r in report["rejections"]}
    assert bad == {
        (4, "brand", "missing"),
        (6, "certificate_status", "bad_status"),
        (8, "valid_until", "bad_date"),
        (10, "footprint_kg_co2e", "bad_number"),
        (12, "registry_id", "repeated"),
        (14, "category_code", "bad_code"),
    }
    assert all(r["message"]["zh-CN"] and r["message"]["en"] for r in report["rejections"])
    assert report["added"] == 14 and _count(migrated) == 14
    code, out, err = _cli(migrated, "catalog", "import", str(path))
    assert code == 1 and "row 8 (R00006): valid_until" in err and "0 added, 0 changed, 14 unchanged" in out


def test_all_or_nothing_and_reimport(migrated: Settings, tmp_path: Path) -> None:
    rows = catalog_rows(30)
    good = _write(tmp_path / "good.csv", rows)
    rows[4][2] = ""
    bad = _write(tmp_path / "bad.csv", rows)
    code, out, _ = _cli(migrated, "catalog", "import", str(bad), "--all-or-nothing")
    assert code == 1 and "nothing imported" in out and _count(migrated) == 0
    code, out, _ = _cli(migrated, "catalog", "import", str(good))
    assert code == 0 and "30 added" in out
    generation = _count(migrated, "SELECT generation FROM catalog_state")
    code, out, _ = _cli(migrated, "catalog", "import", str(good))
    assert code == 0 and "0 added, 0 changed, 30 unchanged" in out
    assert _count(migrated, "SELECT generation FROM catalog_state") == generation  # nothing changed, nothing re-read
    rows = catalog_rows(30)
    rows[1][3] = "新名称 renamed"
    code, out, _ = _cli(migrated, "catalog", "import", str(_write(tmp_path / "changed.csv", rows)))
    assert code == 0 and "0 added, 1 changed, 29 unchanged" in out
    assert _count(migrated, "SELECT count(*) FROM catalog_products WHERE name_zh = '新名称 renamed'") == 1


def test_excel_and_gbk(migrated: Settings, tmp_path: Path) -> None:
    rows = catalog_rows(12)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(tmp_path / "registry.xlsx")
    code, out, err = _cli(migrated, "catalog", "import", str(tmp_path / "registry.xlsx"))
    assert code == 0, err
    more = catalog_rows(20)[12:]
    path = _write(tmp_path / "gbk.csv", [rows[0], *more], encoding="gbk")  # as Excel in Chinese saves "CSV"
    code, out, err = _cli(migrated, "catalog", "import", str(path))
    assert code == 0 and "8 added" in out, err
    assert _count(migrated) == 20


def test_missing_columns_name_the_file_and_the_fix(migrated: Settings, tmp_path: Path) -> None:
    path = _write(tmp_path / "wrong.csv", [["registry_id", "brand"], ["R1", "Acme"]])
    code, _, err = _cli(migrated, "catalog", "import", str(path))
    assert code == 1 and "wrong.csv" in err and "model" in err and "category_code" in err


def _writing(settings: Settings) -> bool:
    """Whether an import is writing products: its transaction's pages in SQLite's log, its COPY on PostgreSQL."""
    if settings.database_url.startswith("sqlite"):
        log = Path(f"{settings.data_dir}/lowcarbon.db-wal")
        return log.exists() and log.stat().st_size > 2_000_000
    sql = "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY catalog%'"
    return _count(settings, sql) > 0


def test_an_import_killed_halfway_changes_nothing(migrated: Settings, tmp_path: Path) -> None:
    first = _write(tmp_path / "first.csv", catalog_rows(50, seed=1))
    assert _cli(migrated, "catalog", "import", str(first))[0] == 0
    rows = catalog_rows(60_000, seed=2)
    big = _write(tmp_path / "big.csv", [rows[0], *[[f"B{r[0]}", *r[1:]] for r in rows[1:]]])
    environment = {**os.environ, "LOWCARBON_DATABASE_URL": migrated.database_url}
    executable = shutil.which("lowcarbon", path=str(Path(sys.executable).parent)) or "lowcarbon"
    command = [executable, "catalog", "import", str(big), "--data-dir", str(migrated.data_dir)]
    process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not _writing(migrated):
            assert process.poll() is None, "the import ended before it was caught writing"
            assert time.monotonic() < deadline
            time.sleep(0.01)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL
    assert _count(migrated) == 50
    code, out, _ = _cli(migrated, "catalog", "import", str(first))
    assert code == 0 and "0 added, 0 changed, 50 unchanged" in out


def test_categories_named_by_the_import_find_their_products(
    migrated: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Optional columns name new categories (and their words find the products); a first bulk load into an empty
    catalog builds the full-text indexes after the rows (PostgreSQL) and finds the same."""
    monkeypatch.setattr(importer, "REBUILD_FROM", 10)
    monkeypatch.setattr(importer, "ASIDE_FROM", 10)  # the index terms made in a child process, as at scale
    rows = catalog_rows(40)
    header = [*rows[0], "category_name_zh", "category_name_en"]
    named = [[*row, "学生课桌椅", "Student desks"] if row[5] == "C9" else [*row, "", ""] for row in rows[1:]]
    engine = create_engine(migrated)
    try:
        with session_factory(engine, write=True).begin() as session:
            report = importer.import_rows(session, [header, *named], "named.csv", now=NOW)
            assert report.added == 40 and report.categories_added == ["A02061800", "C9"]
        with Session(engine) as session:
            assert session.get(Category, "C9").name_zh == "学生课桌椅"  # type: ignore[union-attr]
            found = catalog_search.search(session, catalog_search.Query(q="课桌", status=None, limit=100), TODAY)
            assert found.total == sum(1 for row in rows[1:] if row[5] == "C9") > 0
            assert set(found.facets["category_code"]) == {"C9"}
    finally:
        engine.dispose()
