"""Product carbon footprints per GB/T 24067-2024 / ISO 14067: the product model, its computation and result."""

from lowcarbon.footprint.compute import compute
from lowcarbon.footprint.model import ProductModel, load_model, parse_model
from lowcarbon.footprint.result import Footprint, LineResult

__all__ = ["Footprint", "LineResult", "ProductModel", "compute", "load_model", "parse_model"]
