"""The footprint domain's demo data: the worked examples as products with computed footprint studies.

``seed`` stores them through ``service.create_study``, the path the API takes, when the demo seeds the database
(``lowcarbon.demo``); they are computed when the seeding transaction commits. The models are the examples' own files
(``examples/<name>/model.yaml`` in a checkout; in a wheel, copies placed in ``lowcarbon/demo_data`` by
``pyproject.toml``), and so are the factor files they name (the cotton T-shirt's ``factors.csv``, stored with its
study; in a wheel under ``lowcarbon/demo_data/<name>/``). The PV module has a second version with 15 % less grid
electricity, made by changing amounts only, so that the comparison of versions has something to show.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from sqlalchemy.orm import Session

from lowcarbon.errors import DataFormatError
from lowcarbon.footprint import service
from lowcarbon.footprint.stored import stored_file
from lowcarbon.footprint.tables import Product, Study
from lowcarbon.ports import Ports

__all__ = [
    "EXAMPLES",
    "DemoProduct",
    "DemoVersion",
    "describe",
    "example_file",
    "example_files",
    "example_model",
    "less_grid_electricity",
    "read_products",
    "seed",
]

EXAMPLES = ("pv-module", "hydrogen-electrolysis", "cotton-tshirt")  # the worked examples the demo seeds, by folder
# the factor set whose amounts the PV module's second version lowers: the electricity footprint factors the
# examples price grid electricity with (GB/T 24067), not the CO2-only factors of company reporting
GRID_ELECTRICITY = "cn-electricity-footprint/"
PV_SECOND_VERSION_SHARE = 0.85  # illustrative: an efficiency scenario, not measured data


@dataclass(frozen=True)
class _ProductPlan:
    organisation: str
    name: str
    author: str  # the email of the editor the studies are created by
    versions: tuple[tuple[str, float], ...]  # (example, share of its grid electricity) per version, oldest first


_PRODUCTS = (
    _ProductPlan(
        "Sunrise PV Co.",
        "PV module, mono-Si, 1 kWp",
        "engineer@sunrise-pv.example",
        (("pv-module", 1.0), ("pv-module", PV_SECOND_VERSION_SHARE)),
    ),
    _ProductPlan(
        "Clearwater Hydrogen Co.",
        "Hydrogen from grid electrolysis",
        "engineer@clearwater-h2.example",
        (("hydrogen-electrolysis", 1.0),),
    ),
    _ProductPlan(
        "Silkroad Textile Co.",
        "Cotton T-shirt, knitted, dyed",
        "engineer@silkroad-textile.example",
        (("cotton-tshirt", 1.0),),
    ),
)


@dataclass(frozen=True)
class DemoVersion:
    """One study of a demo product: its version, status, and total when done."""

    version: int
    status: str
    total: float | None
    unit: str


@dataclass(frozen=True)
class DemoProduct:
    """A demo product and its studies, oldest first."""

    organisation: str
    name: str
    versions: tuple[DemoVersion, ...]


def example_model(name: str) -> str:
    """The model file of worked example ``name`` (a folder of ``examples/``), from the wheel or the checkout."""
    return example_file(name, f"{name}.yaml", "model.yaml").decode("utf-8")


def example_files(name: str) -> dict[str, str]:
    """The factor files worked example ``name``'s model names, name -> content as a study keeps it."""
    named = yaml.safe_load(example_model(name)).get("factor_files") or []
    return {str(file): stored_file(str(file), example_file(name, f"{name}/{file}", str(file))) for file in named}


def example_file(name: str, packaged_as: str, relative: str) -> bytes:
    """A file of worked example ``name``: ``lowcarbon/demo_data/<packaged_as>`` in a wheel, else
    ``examples/<name>/<relative>`` in a checkout."""
    packaged = resources.files("lowcarbon").joinpath("demo_data", *packaged_as.split("/"))
    if packaged.is_file():
        return packaged.read_bytes()
    checkout = Path(__file__).parents[3] / "examples" / name / relative
    try:
        return checkout.read_bytes()
    except OSError:
        raise DataFormatError(
            f"the demo's example file {name}/{relative} is missing: it is in lowcarbon/demo_data of the installed "
            f"package, or {checkout} in a checkout; reinstall lowcarbon"
        ) from None


def less_grid_electricity(model_text: str, share: float) -> str:
    """The YAML model with every amount of grid electricity times ``share``; nothing else changes but those
    activities' sources, which say so. The result is new YAML text (the original's comments are not kept)."""
    data = yaml.safe_load(model_text)
    changed = 0
    lines = [a for stage in data.get("stages", []) for a in stage.get("activities", [])]
    lines += [a for process in data.get("processes", []) for a in process.get("inputs", [])]
    for activity in lines:
        if str(activity.get("factor", "")).startswith(GRID_ELECTRICITY):
            activity["amount"] = float(f"{activity['amount'] * share:.12g}")  # without the float's last-digit noise
            sources = [activity.get("source", ""), f"amount x {share} (lowcarbon demo scenario)"]
            activity["source"] = "; ".join(source for source in sources if source)
            changed += 1
    header = (
        f"# lowcarbon demo: the worked example with each of its {changed} grid-electricity amounts times {share},\n"
        "# an illustrative scenario (not measured data) for comparing a product's versions.\n"
    )
    return header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def seed(session: Session, ports: Ports, organisations: Mapping[str, int], users: Mapping[str, int]) -> None:
    """Add the demo's products with their studies, those not there yet; ``organisations`` and ``users`` are the
    demo's, ids by name and by email."""
    for plan in _PRODUCTS:
        _product(session, ports, plan, organisations[plan.organisation], users[plan.author])


def read_products(session: Session, organisations: Mapping[str, int | None]) -> tuple[DemoProduct, ...]:
    """The demo's products as they are in the database, with their studies, oldest first."""
    products = (_read_product(session, plan, organisations.get(plan.organisation)) for plan in _PRODUCTS)
    return tuple(product for product in products if product is not None)


def describe(session: Session, organisations: Mapping[str, int | None]) -> list[str]:
    """What ``serve --demo`` prints of the demo's products: each with the total of each version."""
    lines = ["  Products:"]
    for product in read_products(session, organisations):
        studies = ", ".join(_version_text(version) for version in product.versions) or "no studies"
        lines.append(f"    {product.name} ({product.organisation}): {studies}")
    return lines


def headline(total: float) -> str:
    """A total as the demo's summary and the README's table of examples give it: four significant figures."""
    return f"{total:,.4g}"


def _version_text(version: DemoVersion) -> str:
    if version.total is None:
        return f"v{version.version} {version.status}"
    return f"v{version.version} {headline(version.total)} {version.unit}"


def _product(session: Session, ports: Ports, plan: _ProductPlan, organisation_id: int, author: int) -> None:
    """Create the product with its studies, unless it exists (then its studies were created with it)."""
    query = sa.select(Product.id).where(Product.organisation_id == organisation_id, Product.name == plan.name)
    if session.scalar(query) is not None:
        return
    product = service.create_product(session, ports.audit, ports.clock, organisation_id=organisation_id, name=plan.name)
    for example, share in plan.versions:
        text = example_model(example)
        service.create_study(
            session,
            ports,
            organisation_id=organisation_id,
            product_id=product.id,
            user_id=author,
            model_text=text if share == 1.0 else less_grid_electricity(text, share),
            model_format="yaml",
            files=example_files(example),
        )


def _read_product(session: Session, plan: _ProductPlan, organisation_id: int | None) -> DemoProduct | None:
    query = sa.select(Product).where(Product.organisation_id == organisation_id, Product.name == plan.name)
    product = session.scalar(query)
    if product is None:
        return None
    studies = session.scalars(sa.select(Study).where(Study.product_id == product.id).order_by(Study.version))
    versions = tuple(DemoVersion(study.version, study.status, study.total, _unit(study.result)) for study in studies)
    return DemoProduct(plan.organisation, product.name, versions)


def _unit(result: Any) -> str:
    return str(result.get("unit", "")) if isinstance(result, dict) else ""
