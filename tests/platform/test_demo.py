"""`lowcarbon serve --demo`: the demo data on SQLite and PostgreSQL, seeded once however often it runs, and the
command itself over real HTTP on loopback."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import httpx2
import pytest
import sqlalchemy as sa
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from typer.testing import CliRunner

from lowcarbon import demo
from lowcarbon.errors import Conflict, InvalidInput
from lowcarbon.footprint import compute
from lowcarbon.footprint import demo as footprint_demo
from lowcarbon.platform import accounts, machine_clients
from lowcarbon.platform.app import DOMAINS, create_app
from lowcarbon.platform.cli import app as platform_cli
from lowcarbon.platform.clock import system_clock
from lowcarbon.platform.database import Base, create_engine, session_factory
from lowcarbon.platform.settings import Settings
from support.auth_support import audit_verifies
from support.platform_servers import free_port, wait_until_answering

ROOT = Path(__file__).parents[2]
EXAMPLES = ROOT / "examples"
PV, HYDROGEN, TSHIRT = (
    ("Sunrise PV Co.", "PV module, mono-Si, 1 kWp"),
    ("Clearwater Hydrogen Co.", "Hydrogen from grid electrolysis"),
    ("Silkroad Textile Co.", "Cotton T-shirt, knitted, dyed"),
)
LOGINS = {  # email: (role, organisation, kind), as the README promises
    "admin@sunrise-pv.example": ("admin", "Sunrise PV Co.", "manufacturer"),
    "engineer@sunrise-pv.example": ("editor", "Sunrise PV Co.", "manufacturer"),
    "viewer@sunrise-pv.example": ("viewer", "Sunrise PV Co.", "manufacturer"),
    "engineer@clearwater-h2.example": ("editor", "Clearwater Hydrogen Co.", "manufacturer"),
    "engineer@silkroad-textile.example": ("editor", "Silkroad Textile Co.", "manufacturer"),
    "verifier@greenmark-cert.example": ("editor", "Greenmark Certification Ltd.", "certification_body"),
    "reviewer@greenmark-cert.example": ("editor", "Greenmark Certification Ltd.", "certification_body"),
    "decider@greenmark-cert.example": ("admin", "Greenmark Certification Ltd.", "certification_body"),
    "buyer@metro-procurement.example": ("viewer", "Metro Procurement Group", "buyer"),
    "operator@green-points.example": ("admin", "Green Points Operator", "operator"),
}


def _counts(settings: Settings) -> dict[str, int]:
    """How many rows each table has."""
    engine = create_engine(settings)
    try:
        with engine.connect() as connection:
            return {
                table.name: connection.scalar(sa.select(sa.func.count()).select_from(table)) or 0
                for table in Base.metadata.sorted_tables
            }
    finally:
        engine.dispose()


def _expected_totals(tmp_path: Path) -> dict[tuple[str, str], list[float]]:
    """Each demo product's totals by version, computed by compute() from files, as the CLI computes them."""
    variant = tmp_path / "pv-module-v2.yaml"
    variant.write_text(
        footprint_demo.less_grid_electricity(
            footprint_demo.example_model("pv-module"), footprint_demo.PV_SECOND_VERSION_SHARE
        )
    )
    return {
        PV: [compute(EXAMPLES / "pv-module" / "model.yaml").total, compute(variant).total],
        HYDROGEN: [compute(EXAMPLES / "hydrogen-electrolysis" / "model.yaml").total],
        TSHIRT: [compute(EXAMPLES / "cotton-tshirt" / "model.yaml").total],  # with its factors.csv beside it
    }


def _log_in(client: TestClient | httpx2.Client, email: str) -> dict[str, Any]:
    """Log in as ``email`` with the demo password, sending the session's CSRF token from then on; the answer."""
    client.cookies.clear()
    response = client.post("/auth/login", json={"email": email, "password": demo.DEMO_PASSWORD})
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    client.headers["X-CSRF-Token"] = answer["csrf_token"]
    return answer


def _products(settings: Settings) -> tuple[footprint_demo.DemoProduct, ...]:
    """The demo's products as the footprint domain reads them."""
    engine = create_engine(settings)
    try:
        with session_factory(engine)() as session:
            rows = session.execute(sa.text("SELECT name, id FROM organisations"))
            return footprint_demo.read_products(session, {name: org_id for name, org_id in rows})
    finally:
        engine.dispose()


def test_seed_creates_the_demo(migrated: Settings, tmp_path: Path) -> None:
    """The demo's organisations and users, its products whose studies are done with the totals compute() gives for
    the same models, and its client, as seed() reports them."""
    seeded = demo.seed(migrated)
    assert {login.email: (login.role, login.organisation, login.organisation_kind) for login in seeded.logins} == LOGINS
    products = _products(migrated)
    totals = {(product.organisation, product.name): [v.total for v in product.versions] for product in products}
    assert totals == _expected_totals(tmp_path)
    assert totals[PV][1] < totals[PV][0]
    summary, pact_summary, certify_summary, catalog_summary, inclusive_summary, inventory_summary = seeded.summary
    assert catalog_summary[0].startswith("  Green product catalog: 309 product models at /catalog")
    assert inventory_summary[0] == "  GHG inventories (open /inventory):"
    assert inventory_summary[1].startswith("    Sunrise PV Co. 2023 (Sunrise PV Co.): 2,409.8 t CO2e")  # the example's
    assert inventory_summary[2].startswith("    Sunrise PV Co. 2022 (Sunrise PV Co.): ")
    assert (
        inventory_summary[3]
        == f"    verification by Greenmark Certification Ltd.: /inventory/statements/{seeded.statement}"
    )
    assert inventory_summary[4].startswith("    evaluation by Greenmark Certification Ltd.: /inventory/statements/CMS-")
    assert (seeded.statement or "").startswith("VS-")
    assert inclusive_summary[0].startswith("  Carbon-inclusive partner Metro Go (demo)")
    assert seeded.partner_id is not None and (seeded.account_path or "").startswith("/carbon-account/")
    assert certify_summary[0].startswith("  Certificates issued by Greenmark Certification Ltd.")
    assert sum("  revoked  " in line for line in certify_summary) == 1
    assert pact_summary[0].startswith("  PACT footprints published") and len(pact_summary) == 1 + len(products)
    assert pact_summary[1].startswith("    PV module, mono-Si, 1 kWp (Sunrise PV Co.): ")
    assert pact_summary[1].count(" Deprecated, ") == 1 and pact_summary[1].endswith(" Active")
    assert seeded.pact_customer is not None and seeded.pact_customer.scopes == "pact:read pact:events"
    assert summary[0] == "  Products:" and len(summary) == 1 + len(products)
    assert summary[1].startswith("    PV module, mono-Si, 1 kWp (Sunrise PV Co.): v1 447.9 kg CO2e per 1 kW, v2 ")
    assert [(v.version, v.status) for product in products for v in product.versions] == [
        (1, "done"),
        (2, "done"),
        (1, "done"),
        (1, "done"),
    ]
    assert seeded.client.organisation == "Sunrise PV Co." and seeded.client.client_id.startswith("lc_")
    assert audit_verifies(migrated)


def test_demo_accounts_log_in_and_see_their_products(migrated: Settings, tmp_path: Path) -> None:
    """Every demo account logs in through the API with the published password, in its organisation and role; each
    sees its own organisation's products only; the PV module's versions compare; the client gets a token."""
    seeded = demo.seed(migrated)
    totals = _expected_totals(tmp_path)
    with TestClient(create_app(migrated)) as client:
        for email, (role, organisation, kind) in LOGINS.items():
            answer = _log_in(client, email)
            assert (answer["role"], answer["organisation"]["name"], answer["organisation"]["kind"]) == (
                role,
                organisation,
                kind,
            )
            products = client.get("/api/products").json()["items"]
            assert [(organisation, product["name"]) for product in products] == [
                key for key in totals if key[0] == organisation
            ]
        _log_in(client, "viewer@sunrise-pv.example")
        (product,) = client.get("/api/products").json()["items"]
        comparison = client.get(f"/api/products/{product['id']}/comparison").json()
        assert [version["total"] for version in comparison["versions"]] == totals[PV]
        assert comparison["comparable"] is True and comparison["versions"][1]["change"] < 0
        # the 2023 inventory tracks the example's targets from the restated base year 2022; 2022's sets none
        inventories = {found["name"]: found["id"] for found in client.get("/api/inventory").json()}
        shown = client.get(f"/api/inventory/{inventories['Sunrise PV Co. 2023']}/result").json()
        assert [target["id"] for target in shown["targets"]] == ["scopes-1-2-2030", "intensity-2030"]
        assert [point["year"] for point in shown["targets"][0]["progress"]] == [2022, 2023]
        assert "targets" not in client.get(f"/api/inventory/{inventories['Sunrise PV Co. 2022']}/result").json()

        client.cookies.clear()
        form = {"grant_type": "client_credentials", "client_id": seeded.client.client_id}
        token = client.post("/auth/token", data={**form, "client_secret": demo.DEMO_CLIENT_SECRET})
        assert token.status_code == 200, token.text
        every_scope = " ".join(scope for domain in DOMAINS for scope in domain.scopes)  # PACT's too
        assert token.json()["scope"] == every_scope and "pact:read" in every_scope

        _log_in(client, "engineer@silkroad-textile.example")
        (tshirt,) = client.get("/api/products").json()["items"]
        (study,) = client.get(f"/api/products/{tshirt['id']}/studies").json()["items"]
        factors = (EXAMPLES / "cotton-tshirt" / "factors.csv").read_bytes()
        assert [file["name"] for file in client.get(f"/api/studies/{study['id']}/files").json()] == ["factors.csv"]
        assert client.get(f"/api/studies/{study['id']}/files/factors.csv").content == factors


def test_seeding_twice_changes_nothing(migrated: Settings) -> None:
    """A second seeding writes no row (no audit entry either), reports the same demo, and the audit chain verifies."""
    first = demo.seed(migrated)
    before = _counts(migrated)
    assert before["organisations"] == 7 and before["users"] == 10 and before["products"] == 3
    assert before["certify_certificates"] == 5 and before["certify_keys"] == 1
    assert before["studies"] == before["jobs"] == 4 and before["machine_clients"] == 2  # the ERP, a PACT customer
    assert before["pact_footprints"] == 4 and before["pact_customers"] == 1
    assert before["study_files"] == 1
    assert before["catalog_products"] == 302 + 7  # the demo registry's, and the certify demo's certified models
    assert before["inventories"] == 2 and before["inventory_activities"] == 17 + 2  # 2022's without plant B's
    assert before["inventory_engagements"] == before["inventory_statements"] == 2  # verified, evaluated
    second = demo.seed(migrated)
    assert second == first
    assert _counts(migrated) == before
    assert audit_verifies(migrated)


def test_seed_refuses_a_database_with_other_data(migrated: Settings) -> None:
    """Published passwords stay out of real data: a database with organisations but no demo data is refused, as
    it is, and `serve --demo` says so in one line and exits 1 without serving."""
    engine = create_engine(migrated)
    try:
        with session_factory(engine, write=True).begin() as session:
            accounts.create_organisation(session, name="Acme 光伏", kind="manufacturer", actor="test")
    finally:
        engine.dispose()
    before = _counts(migrated)
    with pytest.raises(Conflict, match="holds 1 organisation and no demo data"):
        demo.seed(migrated)
    assert _counts(migrated) == before
    environment = {"LOWCARBON_DATABASE_URL": migrated.database_url}
    arguments = ["serve", "--demo", "--port", str(free_port()), "--data-dir", str(migrated.data_dir)]
    result = CliRunner().invoke(platform_cli, arguments, env=environment)
    assert result.exit_code == 1
    assert result.output.startswith("error: this database holds 1 organisation and no demo data; ")
    assert result.output.count("\n") == 1
    assert _counts(migrated) == before


def test_second_version_changes_grid_electricity_amounts_only() -> None:
    """The PV module's second version differs from the example only in its grid-electricity amounts (times the
    share) and their sources: no factor, unit or other amount is invented."""
    original = yaml.safe_load(footprint_demo.example_model("pv-module"))
    variant = yaml.safe_load(footprint_demo.less_grid_electricity(footprint_demo.example_model("pv-module"), 0.85))
    pairs = [
        (before, after)
        for key, lines in (("stages", "activities"), ("processes", "inputs"))
        for old, new in zip(original[key], variant[key], strict=True)
        for before, after in zip(old[lines], new[lines], strict=True)
    ]
    changed = 0
    for before, after in pairs:
        if before["factor" if "factor" in before else "process"].startswith(footprint_demo.GRID_ELECTRICITY):
            assert after["amount"] == pytest.approx(before["amount"] * 0.85, rel=1e-12)
            assert after["source"] == f"{before['source']}; amount x 0.85 (lowcarbon demo scenario)"
            before, after = {**before, "amount": 0, "source": ""}, {**after, "amount": 0, "source": ""}
            changed += 1
        assert after == before
    assert changed >= 5
    without_lines = {key: value for key, value in variant.items() if key not in ("stages", "processes")}
    assert without_lines == {key: value for key, value in original.items() if key not in ("stages", "processes")}


def test_wheel_ships_the_demo_models() -> None:
    """pyproject.toml puts each example the demo seeds into the wheel as lowcarbon/demo_data/<name>.yaml, and each
    factor file its model names as lowcarbon/demo_data/<name>/<file>, where example_model() and example_files() look
    first; in this checkout they read examples/ (the same text)."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    included = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    expected = {f"examples/{name}/model.yaml": f"lowcarbon/demo_data/{name}.yaml" for name in footprint_demo.EXAMPLES}
    for name in footprint_demo.EXAMPLES:
        assert footprint_demo.example_model(name) == (EXAMPLES / name / "model.yaml").read_text(encoding="utf-8")
        for file, content in footprint_demo.example_files(name).items():
            expected[f"examples/{name}/{file}"] = f"lowcarbon/demo_data/{name}/{file}"
            assert content == (EXAMPLES / name / file).read_text(encoding="utf-8")
    expected["examples/two-site-inventory/inventory.yaml"] = "lowcarbon/demo_data/two-site-inventory.yaml"
    assert included == expected
    assert list(footprint_demo.example_files("cotton-tshirt")) == ["factors.csv"]


def test_readme_names_the_demo() -> None:
    """The README's quick start runs the demo, and it names the demo's password and organisations."""
    readme = (ROOT / "README.md").read_text()
    assert ".venv/bin/lowcarbon serve --demo\n" in readme
    assert demo.DEMO_PASSWORD in readme
    for _, organisation, _ in LOGINS.values():
        assert organisation in readme


def test_client_secret_of_the_callers_choice(engine: Engine) -> None:
    """create_client takes a secret of the caller's (the demo's published one) only if it is long enough."""
    with session_factory(engine, write=True).begin() as session:
        organisation = accounts.create_organisation(session, name="Acme", kind="manufacturer", actor="test")
        with pytest.raises(InvalidInput, match="32 to 1024 characters"):
            machine_clients.create_client(
                session,
                organisation_id=organisation.id,
                scopes="footprints:read",
                actor="test",
                now=system_clock(),
                secret="too short",
            )


def test_serve_demo_over_http(tmp_path: Path) -> None:
    """`lowcarbon serve --demo` on a fresh data directory prints the logins, serves, and the demo editor logs in
    over real HTTP and finds the products with their studies done; it stops on SIGTERM."""
    port = free_port()
    executable = shutil.which("lowcarbon", path=str(Path(sys.executable).parent)) or "lowcarbon"
    command = [executable, "serve", "--demo", "--port", str(port), "--data-dir", str(tmp_path / "demo")]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_answering(f"{base}/healthz", alive=lambda: process.poll() is None, timeout=120)
        with httpx2.Client(base_url=base, timeout=10.0, trust_env=False) as client:
            assert client.get("/healthz").json()["status"] == "ok"
            _log_in(client, "engineer@sunrise-pv.example")
            (product,) = client.get("/api/products").json()["items"]
            assert product["name"] == PV[1]
            studies = client.get(f"/api/products/{product['id']}/studies").json()["items"]
            assert [(study["version"], study["status"]) for study in studies] == [(2, "done"), (1, "done")]
            assert client.get("/docs").status_code == 200
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert process.returncode in (0, -signal.SIGTERM), output
    assert f"Open      {base}\n" in output and f"API docs  {base}/docs\n" in output
    assert demo.DEMO_PASSWORD in output and demo.DEMO_CLIENT_SECRET in output
    for email, (role, organisation, _) in LOGINS.items():
        assert any(email in line and role in line and organisation in line for line in output.splitlines()), email
    assert "Application shutdown complete" in output
