"""The pages of an inventory's verification and of a CMS evaluation, used as their parties use them (forms with the
session's CSRF token), in Chinese and English, on SQLite and PostgreSQL: the organisation asks, the body works and
concludes, someone else of the body signs, and anyone checks the signed document on its public page."""

from __future__ import annotations

import re
from typing import Any

from lowcarbon.platform.csrf import SESSION_COOKIE
from support.certify_support import World, world
from support.engagement_support import REQUIREMENTS, add_inventory, first_activity

__all__ = ["world"]


def _form(world: World, caller: str, url: str, fields: dict[str, Any], expect: int = 303, **files: Any) -> Any:
    token, csrf = world.sessions[caller]
    world.client.cookies.clear()
    response = world.client.post(
        url,
        data={"csrf_token": csrf, **{k: str(v) for k, v in fields.items()}},
        files=files or None,
        headers={"Cookie": f"{SESSION_COOKIE}={token}"},
        follow_redirects=False,
    )
    assert response.status_code == expect, response.text[:2000]
    return response


def _page(world: World, caller: str | None, url: str, lang: str = "zh-CN", expect: int = 200) -> str:
    headers = {"Accept-Language": lang}
    if caller is not None:
        headers["Cookie"] = f"{SESSION_COOKIE}={world.sessions[caller][0]}"
    world.client.cookies.clear()
    response = world.client.get(url, headers=headers)
    assert response.status_code == expect, response.text[:2000]
    return response.text


def test_a_verification_walked_on_its_pages(world: World) -> None:
    inventory = add_inventory(world, "Acme 2023 pages")
    activity = first_activity(world, inventory)
    body = world.organisations["Greenmark Cert"]
    assert "申请核查" in _page(world, "applicant", "/inventory/verifications")
    asked = _form(world, "applicant", "/inventory/verifications", {"inventory_id": inventory, "body_id": body})
    url = asked.headers["location"]
    assert re.fullmatch(r"/inventory/verifications/\d+", url)
    page = _page(world, "verifier", url, "en")
    assert 'data-move="accept"' in page and 'data-move="decline"' in page
    refused = _form(world, "verifier", f"{url}/moves", {"move": "accept", "assurance": "limited"}, expect=400)
    assert "materiality_percent" in refused.text and 'id="error"' in refused.text
    _form(world, "verifier", f"{url}/moves", {"move": "accept", "assurance": "limited", "materiality_percent": "5"})
    page = _page(world, "verifier", url)
    assert "有限保证" in page and 'id="sample-form"' in page
    _form(world, "verifier", f"{url}/samples", {"activity_id": activity, "evidence": "国网电费单"})
    bills = ("bills.pdf", b"%PDF-1.4 bills", "application/pdf")
    _form(world, "verifier", f"{url}/samples", {"activity_id": activity, "evidence": "发票"}, file=bills)
    refused = _form(world, "verifier", f"{url}/samples", {"activity_id": 999999, "evidence": "x"}, expect=404)
    assert refused.headers["content-type"].startswith("text/html")
    _form(world, "verifier", f"{url}/findings", {"kind": "misstatement", "text": "重复计入", "amount_t": "1000000"})
    page = _page(world, "verifier", url)
    assert 'data-material="true"' in page and "超过实质性" in page
    link = re.search(r'href="(/api/inventory/verifications/\d+/samples/\d+/document)">bills.pdf<', page)
    assert link is not None and world.call("applicant", "GET", link[1]).content == b"%PDF-1.4 bills"
    refused = _form(world, "verifier", f"{url}/moves", {"move": "conclude", "opinion": "positive"}, expect=400)
    assert "materiality" in refused.text
    _form(world, "verifier", f"{url}/moves", {"move": "conclude", "opinion": "adverse", "basis": "重大错报"})
    page = _page(world, "verifier", url)
    assert 'data-move="issue"' not in page  # who concluded does not issue
    _form(world, "reviewer", f"{url}/moves", {"move": "issue"})
    page = _page(world, "applicant", url, "en")
    number = re.search(r'id="statement" href="/inventory/statements/([A-Z]+-\d{4}-\d{5})"', page)
    assert number is not None
    public = _page(world, None, f"/inventory/statements/{number[1]}")
    assert "该文件真实有效" in public and "否定意见" in public and 'data-opinion="adverse"' in public
    public = _page(world, None, f"/inventory/statements/{number[1]}", "en")
    assert "This document is genuine" in public and "Adverse" in public
    assert "没有此编号" in _page(world, None, "/inventory/statements/VS-1999-00009", expect=404)


def test_an_evaluation_walked_on_its_pages(world: World) -> None:
    body = world.organisations["Greenmark Cert"]
    started = _form(
        world, "applicant", "/inventory/evaluations", {"body_id": body, "requirement_set": "lowcarbon-illustrative-1"}
    )
    url = started.headers["location"]
    page = _page(world, "applicant", url)
    assert 'data-move="submit"' in page and "逐条评分" in page
    own = {f"score.{rid}": 3 for rid in REQUIREMENTS}
    _form(world, "applicant", f"{url}/moves", {"move": "submit", **own})
    _form(world, "verifier", f"{url}/moves", {"move": "accept"})
    scores = {f"score.{rid}": 4 for rid in REQUIREMENTS} | {"score.targets.1": 1}
    evidence = {f"evidence.{rid}": "记录" for rid in REQUIREMENTS}
    _form(world, "verifier", f"{url}/moves", {"move": "evaluate", **scores, **evidence})
    refused = _form(world, "reviewer", f"{url}/moves", {"move": "certify"}, expect=409)
    assert "targets.1" in refused.text
    page = _page(world, "applicant", url, "en")
    assert 'name="action.targets.1"' in page and "Gaps and corrective actions" in page
    _form(world, "applicant", f"{url}/actions", {"action.targets.1": "设定年度减排目标"})
    _form(world, "reviewer", f"{url}/moves", {"move": "certify"})
    page = _page(world, "verifier", url)
    number = re.search(r'href="/inventory/statements/(CMS-\d{4}-\d{5})"', page)
    assert number is not None and "设定年度减排目标" in page
    public = _page(world, None, f"/inventory/statements/{number[1]}")
    assert "碳管理体系评价证书" in public and 'id="statement-score"' in public
