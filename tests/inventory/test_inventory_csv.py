"""CSV import of activity data: the template's activity columns by English or Chinese header, UTF-8 or GBK; the
records join a stored inventory (API and page) or a file on the command line; a file with any bad row is refused
whole, each problem on its row and column in English and Chinese, and nothing is stored."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from lowcarbon.cli import app
from lowcarbon.errors import DataFormatError
from lowcarbon.inventory.activity_csv import read_activity_csv
from lowcarbon.platform.settings import Settings
from support.inventory_support import EXAMPLE, example_data
from support.study_support import client_for, refusal, seed_organisation

EAST_2023 = 0.5500 / 1000  # t CO2/kWh, MEE/NBS 2023 East China grid
NG_T_PER_NM3 = 389.31 / 10_000 * 0.01530 * 0.99 * 44 / 12  # cn-other-industry natural gas defaults
ENGLISH = (
    "site,month,kind,fuel,amount,unit,source\n"
    "plant-a,2023-12,electricity,,10000,kWh,December bill\n"
    "plant-b,2023-12,fuel,natural-gas,1000,Nm3,\n"
)
CHINESE = (
    "场所,月份,类型,燃料,数量,单位,数据来源\n"
    "plant-a,2023-12,electricity,,10000,kWh,十二月电费单\n"
    "plant-b,2023-12,fuel,natural-gas,1000,Nm3,\n"
)
ADDED_T = 10_000 * EAST_2023 + 1000 * NG_T_PER_NM3  # 5.5 t + 2.162 t
BAD = (
    "site,month,kind,amount,unit\n"
    "plant-a,2023-12,electricity,10000,kWh\n"
    "plant-a,2023-13,electricity,5,kWh\n"
    "plant-a,2023-11,electricity,-5,kWh\n"
    "plant-z,2023-11,electricity,5,kWh\n"
)


def test_english_utf8_and_chinese_gbk_give_the_same_records() -> None:
    english = read_activity_csv(ENGLISH.encode("utf-8"), "a.csv")
    chinese = read_activity_csv(CHINESE.encode("gbk"), "b.csv")
    assert english.rows == chinese.rows == (2, 3)
    assert english.records[0] == {
        "site": "plant-a",
        "month": "2023-12",
        "kind": "electricity",
        "amount": "10000",
        "unit": "kWh",
        "source": "December bill",
    }
    assert [{k: v for k, v in r.items() if k != "source"} for r in chinese.records] == [
        {k: v for k, v in r.items() if k != "source"} for r in english.records
    ]
    semicolons = read_activity_csv(ENGLISH.replace(",", ";").encode("utf-8-sig"), "c.csv")
    assert semicolons.records == english.records


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"site,colour\nplant-a,red\n", "unknown_column"),
        (b"site,month,kind,amount,unit\n", "csv_empty"),
        (b"\n\n", "csv_header"),
        (b"site,kind\nplant-a,\x00\n", "control_character"),
        (b"\xff\xfe\xfa\xfb", "not_utf8"),
    ],
)
def test_a_file_that_is_no_activity_csv_is_named(content: bytes, problem: str) -> None:
    with pytest.raises(DataFormatError) as caught:
        read_activity_csv(content, "x.csv")
    assert [p.id for p in caught.value.problems][:1] == [problem]


def test_the_command_line_adds_a_csv_to_the_file(tmp_path: Path) -> None:
    def total(*extra: str) -> Any:
        answer = CliRunner().invoke(app, ["inventory", "compute", str(EXAMPLE), "--json", "--no-lines", *extra])
        assert answer.exit_code == 0, answer.output
        return json.loads(answer.output)

    csv_file = tmp_path / "december.csv"
    csv_file.write_bytes(CHINESE.encode("gbk"))
    before, after = total(), total("--activities", str(csv_file))
    assert after["total"] == pytest.approx(before["total"] + ADDED_T)
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD, encoding="utf-8")
    answer = CliRunner().invoke(app, ["inventory", "compute", str(EXAMPLE), "--json", "--activities", str(bad)])
    assert answer.exit_code == 1
    assert f"{bad}, row 3, column month" in answer.output and f"{bad}, row 5, column site" in answer.output


def _sent() -> dict[str, Any]:
    sent: dict[str, Any] = json.loads(json.dumps(example_data(), default=str))
    return sent


def test_a_csv_joins_a_stored_inventory_or_is_refused_whole(migrated: Settings) -> None:
    ours = seed_organisation(migrated, "Example Motors")
    with client_for(migrated, ours.editor) as client:
        created = client.post("/api/inventory", json={"name": "FY2023", "inventory": _sent()}).json()
        inventory, total, count = created["id"], created["total"], created["activities"]
        url = f"/api/inventory/{inventory}/activities/csv"

        bad = client.post(url, files={"file": ("bad.csv", BAD.encode())})
        assert refusal(bad) == (400, "invalid_inventory")
        details = bad.json()["error"]["details"]
        places = [d["location"][1] for d in details]
        assert "bad.csv, row 3, column month" in places and "bad.csv, row 4, column amount" in places
        assert "bad.csv, row 5, column site" in places  # plant-z is no site of the inventory
        month = next(d for d in details if d["location"][1].endswith("column month"))
        assert "YYYY-MM" in month["message"] and month["type"] == "invalid_inventory"
        assert client.get(f"/api/inventory/{inventory}").json()["activities"] == count  # nothing stored

        unknown = client.post(url, files={"file": ("x.csv", b"site,colour\nplant-a,red\n")})
        assert refusal(unknown) == (400, "invalid_inventory")
        (detail,) = unknown.json()["error"]["details"]
        assert detail["location"] == ["inventory", "x.csv, row 1"] and "unknown column 'colour'" in detail["message"]

        added = client.post(url, files={"file": ("december.csv", CHINESE.encode("gbk"))})
        assert added.status_code == 201, added.text
        assert [(r["site"], r["period"]) for r in added.json()] == [("plant-a", "2023-12"), ("plant-b", "2023-12")]
        result = client.get(f"/api/inventory/{inventory}/result").json()
        assert result["total"] == pytest.approx(total + ADDED_T)

        for lang, fix in (("en", "write month as YYYY-MM"), ("zh-CN", "month 须写作 YYYY-MM")):
            page = client.post(
                f"/inventory/{inventory}/csv",
                files={"file": ("bad.csv", BAD.encode())},
                headers={"Accept-Language": lang},
            )
            assert page.status_code == 400 and "bad.csv, row 3, column month" in page.text and fix in page.text
        done = client.post(
            f"/inventory/{inventory}/csv", files={"file": ("more.csv", ENGLISH.encode())}, follow_redirects=False
        )
        assert done.status_code == 303 and done.headers["location"].endswith("#records")
        assert client.get(f"/api/inventory/{inventory}").json()["activities"] == count + 4
    with client_for(migrated, ours.viewer) as viewer:
        assert refusal(viewer.post(url, files={"file": ("more.csv", ENGLISH.encode())})) == (403, "forbidden")
