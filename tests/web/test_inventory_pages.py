"""The inventory pages without a browser: the list and a new inventory from the form, the inventory in Chinese
(categories, scopes and the month form in the page's language), a month refused with its problem in Chinese and
nothing stored, and a viewer who reads but is offered no form."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from lowcarbon.platform.settings import Settings
from support.inventory_support import example_data, filled_template
from support.study_support import seed_organisation
from support.web_support import app_settings, csrf_of, form_login, web

__all__ = ["app_settings", "web"]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _uploaded(web: TestClient, csrf: str) -> str:
    """The worked example uploaded as the Excel template from the list page; the new inventory's page."""
    files = {"file": ("inventory.xlsx", filled_template(example_data()), XLSX)}
    answer = web.post("/inventory/upload", data={"csrf_token": csrf}, files=files, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return str(answer.headers["location"])


def test_an_inventory_in_chinese_and_a_month_refused(app_settings: Settings, web: TestClient) -> None:
    editor = seed_organisation(app_settings, "Example Motors").editor
    with web:
        form_login(web, editor)
        web.cookies.set("lowcarbon_lang", "zh-CN")
        listed = web.get("/inventory")
        assert listed.status_code == 200 and "温室气体盘查" in listed.text and "尚无温室气体盘查" in listed.text
        path = _uploaded(web, csrf_of(web, "/inventory"))
        shown = web.get(path)
        assert shown.status_code == 200
        for chinese in ("直接温室气体排放和清除", "范围二（基于市场）", "某月活动数据", "电网电力（千瓦时）"):
            assert chinese in shown.text, chinese
        assert "Scope 2, market-based" not in shown.text
        csrf = csrf_of(web, path)
        refused = web.post(
            f"{path}/month",
            data={"csrf_token": csrf, "site": "plant-a", "month": "2023-02", "electricity_kwh": "-5"},
        )
        assert refused.status_code == 400 and "无法保存此更改" in refused.text
        assert 'id="inventory-error"' in refused.text and "records[0].amount" in refused.text
        saved = web.post(
            f"{path}/month",
            data={"csrf_token": csrf, "site": "plant-a", "month": "2023-02", "diesel_t": "1.5"},
            follow_redirects=False,
        )
        assert saved.status_code == 303 and saved.headers["location"].endswith("?site=plant-a&month=2023-02#month")
        month = web.get(saved.headers["location"].split("#")[0]).text
        assert 'name="diesel_t" min="0" step="any" inputmode="decimal" value="1.5"' in month
        inventory = path.rsplit("/", 1)[1]
        records = web.get(f"/api/inventory/{inventory}/activities?period=2023-02").json()
        assert [r["record"]["fuel"] for r in records] == ["diesel"]


def test_a_new_inventory_from_the_form_and_a_viewer_reads_only(app_settings: Settings, web: TestClient) -> None:
    organisation = seed_organisation(app_settings, "Example Motors")
    with web:
        form_login(web, organisation.editor)
        fields: dict[str, Any] = {
            "name": "FY2024",
            "organisation": "Example Motors",
            "reporting_year": "2024",
            "approach": "equity_share",
            "sites": "plant-a, plant-b",
            "grid": "CN-JS",
            "csrf_token": csrf_of(web, "/inventory"),
        }
        made = web.post("/inventory", data=fields, follow_redirects=False)
        assert made.status_code == 303, made.text
        page = web.get(made.headers["location"]).text
        assert "FY2024" in page and "股权比例法" in page and 'id="month-form"' in page
        again = web.post("/inventory", data={**fields, "csrf_token": csrf_of(web, "/inventory")})
        assert again.status_code == 409 and "FY2024" in again.text
        form_login(web, organisation.viewer)
        page = web.get(made.headers["location"]).text
        assert "FY2024" in page and 'id="month-form"' not in page and 'id="upload"' not in page
        assert 'id="new-inventory"' not in web.get("/inventory").text
