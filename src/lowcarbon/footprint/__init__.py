"""Product carbon footprints per GB/T 24067-2024 / ISO 14067: the product model, its computation and result, and
the platform slice that keeps products and their footprint studies.

The pure core (no database, no server; imports engine and factors):
    model       the product model (pydantic), read from YAML or JSON bytes
    excel       the model as an Excel workbook;  excel_writer: a model written as one, and the Chinese template
    form        the model as the guided editor's form data (its fields by the model's places), and back
    bundle      ModelBundle: a model file and the factor files it names, as values in memory
    build       the model's LCA system for the engine, every problem as a value (errors.Problem)
    compute     prepare (read, load factors, build; every problem at once) and compute (solve once)
    figures     the footprint's figures from one solve;  result: the Footprint value;  pcr: category rules
    variation   what a model says of its spread: uncertainties, pedigree scores, parameters, scenarios (strict:
                the models' base class;  formula: amounts as formulas of parameters, read without eval)
    pedigree    the pedigree matrix's scores to a lognormal (ecoinvent v3's factors, data/pedigree.json)
    montecarlo  Monte Carlo on a footprint and on a comparison, through the engine;  uncertainty: its results
    scenarios   one-at-a-time sensitivity of the parameters, and the model's named scenarios

The platform slice (products and studies):
    tables      products, studies, study_files (migrations in migrations/versions, branch "studies")
    stored      how a study keeps its model and files, their checks, and the job that computes them
    editing     the guided editor's use cases: where a new version starts, the preview, saving it
    service     the use cases, on a database session and the kernel's ports (lowcarbon.ports), never the platform
    schemas     the API's shapes;  uploads: files as uploaded
    routes      /api/products..., /api/studies...;  pages, charts, templates/: the browser's pages
    runs        Monte Carlo runs of a stored study, computed by a background job
    demo        the worked examples as demo products;  domain: the Domain descriptor the assembler mounts
"""

from lowcarbon.footprint.bundle import ModelBundle
from lowcarbon.footprint.compute import PreparedModel, compute, prepare
from lowcarbon.footprint.model import ProductModel, load_model, parse_model
from lowcarbon.footprint.result import Footprint, LineResult

__all__ = [
    "Footprint",
    "LineResult",
    "ModelBundle",
    "PreparedModel",
    "ProductModel",
    "compute",
    "load_model",
    "parse_model",
    "prepare",
]
