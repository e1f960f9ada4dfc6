"""Beside a study's total, its page shows the data quality rating (DQR) and, once a Monte Carlo run is done, the 95 %
interval of the total, in both languages."""

from __future__ import annotations

from lowcarbon.platform.settings import Settings
from lowcarbon.web.render import figure
from support.study_support import PV_MODEL, client_for, create_product, inline, seed_organisation, submit, wait_for
from support.web_support import form_login

RATED = """
product: {name: Kettle}
declared_unit: {amount: 1, unit: item}
boundary: cradle-to-gate
stages:
  - name: production
    activities:
      - name: power
        amount: 2
        unit: kWh
        factor: cn-electricity-footprint/cn-footprint-national-2023
        dqr: {technological: 2, temporal: 1, geographical: 3}
"""


def _headline(page: str) -> str:
    """The page's headline card: the total and what stands beside it."""
    start = page.index('<section class="card headline">')
    return page[start : page.index("</section>", start)]


def test_the_data_quality_rating_stands_beside_the_total(migrated: Settings) -> None:
    acme = seed_organisation(migrated, "Acme")
    with client_for(inline(migrated), acme.editor) as api:
        rated = wait_for(api, submit(api, create_product(api, "Kettle"), RATED)["id"])
        unrated = wait_for(api, submit(api, create_product(api), PV_MODEL.read_text(encoding="utf-8"))["id"])
    with client_for(inline(migrated)) as web:
        form_login(web, acme.editor)
        web.cookies.set("lowcarbon_lang", "en")
        english = _headline(web.get(f"/studies/{rated['id']}").text)
        web.cookies.set("lowcarbon_lang", "zh-CN")
        chinese = _headline(web.get(f"/studies/{rated['id']}").text)
        not_rated = _headline(web.get(f"/studies/{unrated['id']}").text)
    assert "Data quality (DQR)" in english and "<strong>2.0</strong>" in english
    assert "technological representativeness 2.0" in english and "1 is best, 5 worst" in english
    assert "数据质量（DQR）" in chinese and "技术代表性 2.0" in chinese and "1 为最好，5 为最差" in chinese
    assert "未评级" in not_rated and 'id="uncertainty-interval"' not in not_rated


def test_a_monte_carlo_interval_stands_beside_the_total(migrated: Settings) -> None:
    acme = seed_organisation(migrated, "Acme")
    with client_for(inline(migrated), acme.editor) as api:
        study = wait_for(api, submit(api, create_product(api), PV_MODEL.read_text(encoding="utf-8"))["id"])
        assert (
            api.post(f"/api/studies/{study['id']}/monte-carlo", json={"iterations": 50, "seed": 4}).status_code == 202
        )
        statistics = api.get(f"/api/studies/{study['id']}/monte-carlo").json()["statistics"]
    with client_for(inline(migrated)) as web:
        form_login(web, acme.editor)
        web.cookies.set("lowcarbon_lang", "en")
        english = _headline(web.get(f"/studies/{study['id']}").text)
        web.cookies.set("lowcarbon_lang", "zh-CN")
        chinese = _headline(web.get(f"/studies/{study['id']}").text)
    interval = f"{figure(statistics['p2_5'], 'en')} \u2013 {figure(statistics['p97_5'], 'en')}"
    assert 'id="uncertainty-interval"' in english and interval in english
    assert "95 percent interval" in english and "Monte Carlo, 50 iterations" in english
    assert "95\uff05 区间" in chinese and "蒙特卡罗，50 次迭代" in chinese
