"""The pages' forms that manage things, on SQLite and PostgreSQL, in Chinese: an editor renames, archives and
restores a product and notes a version; an admin changes a role, resets a password, unlocks and removes a person
(never the last admin); a person changes their own password."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from lowcarbon.platform.settings import Settings
from support.study_support import PASSWORD, PV_MODEL, create_product, log_in, seed_organisation, submit
from support.web_support import app_settings, csrf_of, form_login, web

__all__ = ["app_settings", "web"]

NEW_PASSWORD = "a brand new passphrase 2027"


def _post(web: TestClient, path: str, fields: dict[str, str], page: str) -> Any:
    return web.post(path, data={**fields, "csrf_token": csrf_of(web, page)}, follow_redirects=False)


def test_an_editor_renames_archives_restores_and_notes(app_settings: Settings, web: TestClient) -> None:
    ours = seed_organisation(app_settings, "Sunrise PV")
    with web:
        log_in(web, ours.editor)
        product, other = create_product(web, "PV module"), create_product(web, "Inverter")
        study = submit(web, product, PV_MODEL.read_text(encoding="utf-8"))
        del web.headers["X-CSRF-Token"]  # the API's; the forms carry their own
        form_login(web, ours.editor)
        web.cookies.set("lowcarbon_lang", "zh-CN")
        page = f"/products/{product}"
        assert "重命名" in web.get(page).text and "归档" in web.get(page).text
        renamed = _post(web, f"{page}/rename", {"name": "PV module 550 W"}, page)
        assert renamed.status_code == 303
        taken = _post(web, f"{page}/rename", {"name": "Inverter"}, page)
        assert taken.status_code == 409 and "Inverter" in taken.text
        assert _post(web, f"{page}/archive", {}, page).status_code == 303
        archived_page = web.get(page).text
        assert "此产品已归档" in archived_page and 'id="new-study"' not in archived_page
        listed = web.get("/products").text
        assert "PV module 550 W" not in listed and f"/products/{other}" in listed and "显示已归档的产品" in listed
        assert "PV module 550 W" in web.get("/products?archived=1").text
        assert _post(web, f"{page}/restore", {}, page).status_code == 303
        assert "PV module 550 W" in web.get("/products").text
        study_page = f"/studies/{study['id']}"
        assert _post(web, f"{study_page}/note", {"note": "硅片数据来自供应商"}, study_page).status_code == 303
        assert "硅片数据来自供应商" in web.get(study_page).text and "硅片数据来自供应商" in web.get(page).text
        form_login(web, ours.viewer)
        assert (
            f'action="{study_page}/note"' not in web.get(study_page).text
            and "硅片数据来自供应商" in web.get(study_page).text
        )
        assert web.post(f"{page}/archive", data={"csrf_token": csrf_of(web)}).status_code == 403


def test_an_admin_manages_people_but_keeps_the_last_admin(app_settings: Settings, web: TestClient) -> None:
    ours = seed_organisation(app_settings, "Sunrise PV")
    with web:
        log_in(web, ours.admin)
        ids = {person["email"]: person["id"] for person in web.get("/api/organisation").json()["users"]}
        del web.headers["X-CSRF-Token"]  # the API's; the forms carry their own
        form_login(web, ours.admin)
        web.cookies.set("lowcarbon_lang", "zh-CN")
        page = "/organisation"
        assert (
            "更改角色" in web.get(page).text
            and f'action="/organisation/users/{ids[ours.admin]}/' not in web.get(page).text
        )  # no form on the admin's own row
        role = _post(web, f"/organisation/users/{ids[ours.editor]}/role", {"role": "admin"}, page)
        assert role.status_code == 303
        short = _post(web, f"/organisation/users/{ids[ours.viewer]}/password", {"password": "short"}, page)
        assert short.status_code == 400 and "15 至 1,024 个字符" in short.text
        reset = _post(web, f"/organisation/users/{ids[ours.viewer]}/password", {"password": NEW_PASSWORD}, page)
        assert reset.status_code == 303
        assert _post(web, f"/organisation/users/{ids[ours.viewer]}/unlock", {}, page).status_code == 303
        assert _post(web, f"/organisation/users/{ids[ours.viewer]}/remove", {}, page).status_code == 303
        assert ours.viewer not in web.get(page).text
        form_login(web, ours.editor)  # an admin now
        web.cookies.set("lowcarbon_lang", "zh-CN")
        assert _post(web, f"/organisation/users/{ids[ours.admin]}/remove", {}, page).status_code == 303
        last = _post(web, f"/organisation/users/{ids[ours.editor]}/role", {"role": "viewer"}, page)
        assert last.status_code == 409 and "最后一位管理员" in last.text
        web.cookies.clear()
        refused = web.post("/login", data={"email": ours.viewer, "password": NEW_PASSWORD}, follow_redirects=False)
        assert refused.status_code != 303


def test_a_person_changes_their_own_password(app_settings: Settings, web: TestClient) -> None:
    ours = seed_organisation(app_settings, "Sunrise PV")
    with web:
        form_login(web, ours.viewer)
        web.cookies.set("lowcarbon_lang", "zh-CN")
        page = "/account"
        wrong = _post(web, "/account/password", {"current_password": "not it", "new_password": NEW_PASSWORD}, page)
        assert wrong.status_code == 400 and "当前密码不正确" in wrong.text
        short = _post(web, "/account/password", {"current_password": PASSWORD, "new_password": "short"}, page)
        assert short.status_code == 400 and "15 至 1,024 个字符" in short.text
        done = _post(web, "/account/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD}, page)
        assert done.status_code == 303
        assert "密码已修改" in web.get(done.headers["location"]).text
        form_login(web, ours.viewer, NEW_PASSWORD)
