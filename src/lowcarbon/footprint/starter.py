"""The commented starter model that ``lowcarbon init-model NAME`` writes."""

from __future__ import annotations

from pathlib import Path

from lowcarbon.errors import DataFormatError

TEMPLATE = """\
# Product model for {name}: a carbon footprint per GB/T 24067-2024 / ISO 14067.
# Compute it with:  lowcarbon footprint {file}
# Every amount below is a PLACEHOLDER (1.0): replace it with your data and cite the source of each.

product:
  name: {name}
  name_zh: null                 # 中文名称 (optional)
  ids: []                       # e.g. ["urn:gtin:06901234567892"]

declared_unit:                  # what the footprint is per
  amount: 1
  unit: item                    # any unit pint knows: item, kg, m**2, kWh ...
  description: one {name}
functional_unit: null           # required for a CFP (cradle-to-grave), e.g. "boiling 1.7 L of water ..."
reference_flow: null            # the product needed for the functional unit, e.g. {{amount: 1.2, unit: kg}}

boundary: cradle-to-gate        # cradle-to-gate (partial CFP), cradle-to-grave (CFP) or gate-to-gate
gwp: AR6                        # IPCC AR6 (default) or AR5 GWP100
reference_period: {{start: 2024-01-01, end: 2024-12-31}}
pcr: null                       # a shipped PCR id (lowcarbon.footprint.pcr.shipped_pcrs()) or a PCR file
cut_off: {{max_exempted_percent: 5}}
factor_files: []                # your own factors: CSV or Excel (see lowcarbon factors check) or an ILCD zip
fossil_carbon_content_kg_c: null   # kg of fossil carbon in the product (PACT v3 fossilCarbonContent)
biogenic_carbon: null           # e.g. {{content_kg_c: 0.2, uptake: true, stored_kg_c: 0, source: "..."}}
omitted_stages: {{}}              # a CFP leaving out use or end_of_life says why, e.g. {{use: "no energy in use"}}

# Stages: raw_material_acquisition, production, distribution, use, end_of_life (a PCR may name its own).
# Each activity: amount per declared unit, a unit, and either a library factor (lowcarbon factors search ...)
# or a process below. Optional: data_type primary|secondary, source, dqr {{technological, temporal, geographical}}
# (PACT v3's ratings, 1 best to 5; completeness and reliability too, the pedigree matrix's other two), avoided: true
# (system expansion credit), aircraft: true, exempted: true (left out under the cut-off rule, still reported).
stages:
  - name: raw_material_acquisition
    activities:
      - name: parts made from purchased material      # PLACEHOLDER
        amount: 1.0
        unit: kg
        process: part
  - name: production
    activities:
      - name: electricity for assembly                # PLACEHOLDER
        amount: 1.0
        unit: kWh
        factor: cn-grid-electricity/cn-national-2023
        data_type: primary
        source: metered, plant 2024
        dqr: {{technological: 1, temporal: 1, geographical: 2, completeness: 2, reliability: 1}}
      - name: natural gas for heat                    # PLACEHOLDER
        amount: 1.0
        unit: MJ
        factor: ipcc-2006-stationary-combustion/natural-gas

# Processes you model yourself: inputs per their reference (first) output. With co-products, choose an
# allocation (mass, energy or economic) and give mass_kg, energy_mj or value on every output.
processes:
  - id: part
    name: in-house part                                # PLACEHOLDER
    outputs:
      - {{product: part, amount: 1, unit: kg, mass_kg: 1}}
      - {{product: offcuts, amount: 0.1, unit: kg, mass_kg: 0.1}}
    allocation: mass
    inputs:
      - name: electricity for forming                # PLACEHOLDER
        amount: 1.0
        unit: kWh
        factor: cn-grid-electricity/cn-national-2023
"""


def write_starter(name: str) -> Path:
    """Write ``<name>.yaml`` (a path may lead to it; nothing is overwritten) and return its path."""
    if not Path(name).name.removesuffix(".yaml").removesuffix(".yml").strip():
        raise DataFormatError('give the product a name, e.g. lowcarbon init-model "Electric kettle"')
    path = Path(name.removesuffix(".yaml").removesuffix(".yml") + ".yaml")
    if path.exists():
        raise DataFormatError(f"{path} already exists; choose another name or remove it")
    if not path.parent.is_dir():
        raise DataFormatError(f"{path.parent} is not a folder; create it first")
    path.write_text(TEMPLATE.format(name=path.stem, file=path.name), encoding="utf-8")
    return path
