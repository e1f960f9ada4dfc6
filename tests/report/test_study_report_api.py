"""A stored study's CFP study report over HTTP: the PDF holds the total the CLI prints, the HTML page is in the
language asked for (or the caller's), another organisation's study is 404 and one not computed 409; with a finished
Monte Carlo run the report holds its statistics. SQLite and PostgreSQL (``support.backends``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lowcarbon.footprint import compute
from lowcarbon.platform.settings import Settings
from support.backends import _isolated_environment, migrated, settings
from support.report_support import pdftotext
from support.study_support import (
    FAILING_MODEL,
    PV_MODEL,
    client_for,
    create_product,
    inline,
    refusal,
    seed_organisation,
    submit,
)

__all__ = ["_isolated_environment", "migrated", "settings"]  # the backends' fixtures

TOTAL = f"{compute(PV_MODEL).total:.6g}"  # as `lowcarbon footprint` prints it: 447.874


@pytest.fixture
def study(migrated: Settings) -> tuple[Settings, str, str, int]:
    """A computed study of the PV module by Acme's editor (jobs inline); the settings, two editors and its id."""
    acme, rival = seed_organisation(migrated, "Acme"), seed_organisation(migrated, "Rival")
    settings = inline(migrated)
    with client_for(settings, acme.editor) as client:
        study_id = int(submit(client, create_product(client), PV_MODEL.read_text(encoding="utf-8"))["id"])
    return settings, acme.editor, rival.editor, study_id


def test_pdf_report_holds_the_total(study: tuple[Settings, str, str, int], tmp_path: Path) -> None:
    settings, editor, _, study_id = study
    with client_for(settings, editor) as client:
        for lang, heading in (("zh-CN", "不确定性与敏感性"), ("en", "Uncertainty")):
            response = client.get(f"/api/studies/{study_id}/report.pdf", params={"lang": lang})
            assert response.status_code == 200, response.text
            assert response.headers["content-type"] == "application/pdf"
            name = f"study-{study_id}-v1-report-{lang}.pdf"
            assert response.headers["content-disposition"] == f'attachment; filename="{name}"'
            assert response.content.startswith(b"%PDF")
            pdf = tmp_path / name
            pdf.write_bytes(response.content)
            text = pdftotext(pdf)
            assert TOTAL in text and heading in text


def test_html_report_in_both_languages(study: tuple[Settings, str, str, int]) -> None:
    settings, editor, _, study_id = study
    with client_for(settings, editor) as client:
        zh = client.get(f"/api/studies/{study_id}/report.html", params={"lang": "zh-CN"})
        en = client.get(f"/api/studies/{study_id}/report.html", params={"lang": "en"})
        client.cookies.set("lowcarbon_lang", "en")
        chosen = client.get(f"/api/studies/{study_id}/report.html")  # the UI's language when none is asked for
        wrong = client.get(f"/api/studies/{study_id}/report.html", params={"lang": "fr"})
    for response, lang in ((zh, "zh-CN"), (en, "en"), (chosen, "en")):
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/html")
        assert response.headers["content-language"] == lang
        assert "script-src" not in response.headers["content-security-policy"]  # nothing in it runs
        assert f'lang="{lang}"' in response.text and TOTAL in response.text
    assert "目的与范围" in zh.text and "Goal and scope" in en.text
    assert wrong.status_code == 422


def test_another_organisations_study_is_not_found(study: tuple[Settings, str, str, int]) -> None:
    settings, _, other, study_id = study
    with client_for(settings, other) as client:
        for ending in ("pdf", "html"):
            assert refusal(client.get(f"/api/studies/{study_id}/report.{ending}")) == (404, "not_found")
        assert refusal(client.get(f"/api/studies/{study_id}/monte-carlo")) == (404, "not_found")
        started = client.post(f"/api/studies/{study_id}/monte-carlo", json={"iterations": 20})
        assert refusal(started) == (404, "not_found")
    with client_for(settings) as anonymous:
        assert anonymous.get(f"/api/studies/{study_id}/report.pdf").status_code == 401


def test_a_failed_study_has_no_report(migrated: Settings) -> None:
    acme = seed_organisation(migrated, "Acme")
    with client_for(inline(migrated), acme.editor) as client:
        study_id = submit(client, create_product(client), FAILING_MODEL)["id"]
        assert client.get(f"/api/studies/{study_id}").json()["status"] == "failed"
        assert refusal(client.get(f"/api/studies/{study_id}/report.pdf")) == (409, "conflict")
        assert refusal(client.post(f"/api/studies/{study_id}/monte-carlo", json={})) == (409, "conflict")


def test_the_report_holds_the_monte_carlo_statistics(study: tuple[Settings, str, str, int]) -> None:
    settings, editor, _, study_id = study
    with client_for(settings, editor) as client:
        before = client.get(f"/api/studies/{study_id}/report.html", params={"lang": "en"}).text
        run = client.post(f"/api/studies/{study_id}/monte-carlo", json={"iterations": 200, "seed": 7})
        assert run.status_code == 202, run.text
        statistics = client.get(f"/api/studies/{study_id}/monte-carlo").json()["statistics"]
        after = client.get(f"/api/studies/{study_id}/report.html", params={"lang": "en"}).text
    mean = f"{statistics['mean']:.6g}"
    assert mean not in before and mean in after and "200" in after
