"""Emission factors and characterization sets, with their sources; importers for the field's data formats.

Imports nothing from lowcarbon but ``errors`` and ``units``.
"""

from lowcarbon.factors.characterization import CharacterizationSet, UnknownGas, available_sets, load_set
from lowcarbon.factors.library import FactorLibrary, UnknownFactor, default_library, shipped_sets
from lowcarbon.factors.model import DataQuality, Emission, Factor, Uncertainty
from lowcarbon.factors.table_format import read_factor_file

__all__ = [
    "CharacterizationSet",
    "DataQuality",
    "Emission",
    "Factor",
    "FactorLibrary",
    "Uncertainty",
    "UnknownFactor",
    "UnknownGas",
    "available_sets",
    "default_library",
    "load_set",
    "read_factor_file",
    "shipped_sets",
]
