"""Compute a product's carbon footprint from its model: build the system, solve it once, read every figure."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from lowcarbon.errors import DataFormatError
from lowcarbon.factors import FactorLibrary, default_library, load_set
from lowcarbon.footprint.build import PARTS, build
from lowcarbon.footprint.excel import load_excel_model, translate
from lowcarbon.footprint.figures import footprint_figures
from lowcarbon.footprint.model import ProductModel, load_model
from lowcarbon.footprint.pcr import deviations, load_pcr
from lowcarbon.footprint.result import Footprint


def compute(model: ProductModel | str | Path, library: FactorLibrary | None = None) -> Footprint:
    """The footprint of ``model`` (a ProductModel, or the path of a YAML or JSON model file)."""
    source = "model"
    base = Path.cwd()
    places: dict[str, str] = {}
    if not isinstance(model, ProductModel):
        source, base = str(model), Path(model).parent
        if Path(model).suffix.lower() in (".xlsx", ".xlsm"):
            model, places = load_excel_model(Path(model))
        else:
            model = load_model(model)
    library = FactorLibrary(library) if library is not None else default_library()  # the caller's stays as it was
    for relative in model.factor_files:
        path = base / relative
        if not path.exists():
            raise DataFormatError(
                f"{source}: factor_files: {relative} does not exist (paths are relative to the model)"
            )
        library.import_file(path)
    try:
        built = build(model, library, load_set(model.gwp), source)
    except DataFormatError as exc:
        raise DataFormatError(translate(str(exc), places)) from None
    result = footprint_figures(model, built)
    if model.pcr:
        result = replace(result, pcr_deviations=deviations(model, result, load_pcr(model.pcr, base)))
    return result


__all__ = ["PARTS", "compute"]
