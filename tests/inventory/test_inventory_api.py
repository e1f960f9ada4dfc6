"""The inventory API on SQLite and PostgreSQL: an inventory created from its file's values, a month of a site's data
entered, the Excel template uploaded, the result as the command line gives it, the report, who may do what, and
every change in the audit trail."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook
from typer.testing import CliRunner

from lowcarbon.cli import app
from lowcarbon.inventory.excel import ACTIVITIES
from lowcarbon.platform.settings import Settings
from support.auth_support import audit_entries, audit_verifies
from support.inventory_support import EXAMPLE, example_data, filled_template
from support.study_support import client_for, refusal, seed_organisation

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cli_result() -> dict[str, Any]:
    answer = CliRunner().invoke(app, ["inventory", "compute", str(EXAMPLE), "--json", "--no-lines"])
    assert answer.exit_code == 0, answer.output
    result: dict[str, Any] = json.loads(answer.output)
    return result


def _sent(data: dict[str, Any]) -> dict[str, Any]:
    """The inventory's data as a JSON body carries it (dates as ISO text)."""
    sent: dict[str, Any] = json.loads(json.dumps(data, default=str))
    return sent


def _create(client: Any, name: str = "FY2023", data: dict[str, Any] | None = None) -> dict[str, Any]:
    answer = client.post("/api/inventory", json={"name": name, "inventory": _sent(data or example_data())})
    assert answer.status_code == 201, answer.text
    created: dict[str, Any] = answer.json()
    return created


def test_an_inventory_computes_as_the_command_line_and_takes_a_month(migrated: Settings) -> None:
    ours, theirs = seed_organisation(migrated, "Example Motors"), seed_organisation(migrated, "Rival")
    expected = _cli_result()
    with client_for(migrated, ours.editor) as client:
        created = _create(client)
        assert created["total"] == pytest.approx(expected["total"]) and created["sites"] == ["plant-a", "plant-b"]
        inventory = created["id"]
        result = client.get(f"/api/inventory/{inventory}/result").json()
        for key in ("by_category", "by_scope", "by_scope3_category"):
            assert result[key] == pytest.approx(expected[key]), key
        assert set(result["by_category"]) == set("123456")
        assert set(result["by_scope"]) == {"1", "2-location", "2-market", "3"}
        scopes = result["by_scope"]
        assert scopes["1"] + scopes["2-location"] + scopes["3"] == pytest.approx(result["total"])

        # a month of plant B: 10 MWh more electricity and 1,000 Nm3 of natural gas in December
        records = [
            {"kind": "electricity", "amount": 10000, "unit": "kWh"},
            {"kind": "fuel", "fuel": "natural-gas", "amount": 1000, "unit": "Nm3"},
        ]
        month = client.put(f"/api/inventory/{inventory}/months/plant-b/2023-12", json={"records": records})
        assert month.status_code == 200, month.text
        assert [(r["site"], r["period"], r["record"]["kind"]) for r in month.json()] == [
            ("plant-b", "2023-12", "electricity"),
            ("plant-b", "2023-12", "fuel"),
        ]
        after = client.get(f"/api/inventory/{inventory}/result").json()
        assert after["by_scope"]["2-location"] > scopes["2-location"] and after["by_scope"]["1"] > scopes["1"]
        assert after["total"] > result["total"]
        # set again: the month is replaced, not added to
        again = client.put(f"/api/inventory/{inventory}/months/plant-b/2023-12", json={"records": records[:1]})
        assert again.status_code == 200
        listed = client.get(f"/api/inventory/{inventory}/activities?site=plant-b&period=2023-12").json()
        assert [r["record"]["kind"] for r in listed] == ["electricity"]
        # an empty month removes it, and the inventory is what it was
        assert client.put(f"/api/inventory/{inventory}/months/plant-b/2023-12", json={"records": []}).status_code == 200
        assert client.get(f"/api/inventory/{inventory}/result").json()["total"] == pytest.approx(result["total"])

        # one record more, then removed
        added = client.post(
            f"/api/inventory/{inventory}/activities",
            json={"site": "plant-a", "month": "2023-03", "kind": "fuel", "fuel": "diesel", "amount": 1, "unit": "t"},
        )
        assert added.status_code == 201, added.text
        assert client.delete(f"/api/inventory/{inventory}/activities/{added.json()['id']}").status_code == 204
        assert client.post(f"/api/inventory/{inventory}/compute").json()["total"] == pytest.approx(result["total"])
        assert [i["name"] for i in client.get("/api/inventory").json()] == ["FY2023"]
        detail = client.get(f"/api/inventory/{inventory}").json()
        assert detail["document"]["organisation"]["name"] == "Example Motors Co., Ltd." and detail["activities"] == 17
    with client_for(migrated, ours.viewer) as viewer:
        assert viewer.get(f"/api/inventory/{inventory}/result").status_code == 200
        assert refusal(viewer.post(f"/api/inventory/{inventory}/compute")) == (403, "forbidden")
    with client_for(migrated, theirs.editor) as other:
        assert refusal(other.get(f"/api/inventory/{inventory}")) == (404, "not_found")
        assert other.get("/api/inventory").json() == []
    actions = [e.action for e in audit_entries(migrated) if e.entity == "inventory"]
    assert actions == ["create", "set_month", "set_month", "set_month", "add_activity", "delete_activity", "compute"]
    assert audit_verifies(migrated)


def test_a_change_the_core_refuses_is_not_stored(migrated: Settings) -> None:
    ours = seed_organisation(migrated, "Example Motors")
    with client_for(migrated, ours.editor) as client:
        inventory = _create(client)["id"]
        bad = [{"kind": "fuel", "fuel": "unobtainium", "amount": 5, "unit": "t"}]
        answer = client.put(f"/api/inventory/{inventory}/months/plant-a/2023-02", json={"records": bad})
        assert refusal(answer) == (400, "invalid_inventory")
        (detail,) = answer.json()["error"]["details"]
        assert detail["location"] == ["inventory", "records[0]"] and "unobtainium" in detail["message"]
        assert detail["id"] and "unobtainium" in detail["message_zh"] and detail["message_zh"] != detail["message"]
        negative = [{"kind": "electricity", "amount": -1, "unit": "kWh"}]
        answer = client.put(f"/api/inventory/{inventory}/months/plant-a/2023-02", json={"records": negative})
        assert refusal(answer) == (400, "invalid_inventory")
        assert answer.json()["error"]["details"][0]["location"] == ["inventory", "records[0].amount"]
        assert client.get(f"/api/inventory/{inventory}/activities?period=2023-02").json() == []
        unknown_site = client.put(f"/api/inventory/{inventory}/months/plant-z/2023-02", json={"records": []})
        assert refusal(unknown_site) == (404, "not_found")
        assert refusal(client.post("/api/inventory", json={"name": "FY2023", "inventory": _sent(example_data())})) == (
            409,
            "conflict",
        )
        broken = {**example_data(), "approach": "whim"}
        assert refusal(client.post("/api/inventory", json={"name": "x", "inventory": _sent(broken)})) == (
            400,
            "invalid_inventory",
        )


def test_the_excel_template_is_downloaded_filled_in_and_uploaded(migrated: Settings) -> None:
    ours = seed_organisation(migrated, "Example Motors")
    data = example_data()
    with client_for(migrated, ours.editor) as client:
        template = client.get("/api/inventory/template.xlsx")
        assert template.status_code == 200 and template.headers["content-type"] == XLSX
        assert ACTIVITIES in load_workbook(io.BytesIO(template.content)).sheetnames
        files = {"file": ("inventory.xlsx", filled_template(data), XLSX)}
        made = client.post("/api/inventory/upload", files=files, data={"name": ""})
        assert made.status_code == 201, made.text
        assert made.json()["name"] == "Example Motors Co., Ltd. 2023"
        assert made.json()["total"] == pytest.approx(_cli_result()["total"])
        inventory = made.json()["id"]
        # the YAML replaces it, without the acquired plant's records
        data["activities"] = [a for a in data["activities"] if a["site"] == "plant-a"]
        text = yaml.safe_dump(data, allow_unicode=True).encode()
        replaced = client.put(f"/api/inventory/{inventory}/file", files={"file": ("inventory.yaml", text)})
        assert replaced.status_code == 200, replaced.text
        assert replaced.json()["activities"] == len(data["activities"])
        result = client.get(f"/api/inventory/{inventory}/result").json()
        assert "plant-b" not in result["by_site"]
        wrong = client.post("/api/inventory/upload", files={"file": ("inventory.txt", b"hello")})
        assert refusal(wrong) == (400, "invalid_inventory")


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_the_report_in_each_language(migrated: Settings, lang: str) -> None:
    ours = seed_organisation(migrated, "Example Motors")
    with client_for(migrated, ours.editor) as client:
        inventory = _create(client)["id"]
        html = client.get(f"/api/inventory/{inventory}/report.html?lang={lang}")
        assert html.status_code == 200 and html.headers["content-language"] == lang
        words = {
            "zh-CN": ("温室气体排放报告", "按 ISO 14064-1 类别", "范围二（基于市场", "基准年", "重要性", "不确定性"),
            "en": ("Greenhouse gas inventory report", "By ISO 14064-1 category", "Scope 2, market-based", "Base year"),
        }[lang]
        for word in words:
            assert word in html.text, word
        assert "cn-grid-electricity" in html.text  # the factors with their sources
        pdf = client.get(f"/api/inventory/{inventory}/report.pdf?lang={lang}")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        assert pdf.headers["content-disposition"].startswith("attachment")
