"""Product category rules: a model is checked against its PCR and every deviation is reported."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from lowcarbon.errors import DataFormatError
from lowcarbon.footprint import compute
from lowcarbon.footprint.pcr import load_pcr, shipped_pcrs

RULE = {
    "id": "test-kettle",
    "name": "Electric kettles (test rule)",
    "status": "illustrative",
    "source": "written for this test",
    "declared_unit": {"unit": "item", "amount": 1},
    "functional_unit_required": True,
    "boundary": "cradle-to-grave",
    "stages": ["raw_material_acquisition", "production", "use", "end_of_life"],
    "required_activities": [{"stage": "use", "name_contains": ["electricity", "电"], "why": "kettles use power"}],
    "max_exempted_percent": 1,
    "allocation": ["mass"],
    "gwp": ["AR6"],
    "min_primary_data_share": 0.5,
}


def write(tmp_path: Path, model: dict, rule: dict = RULE) -> Path:  # type: ignore[type-arg]
    (tmp_path / "rule.yaml").write_text(yaml.safe_dump(rule), encoding="utf-8")
    path = tmp_path / "model.yaml"
    path.write_text(yaml.safe_dump(model, allow_unicode=True), encoding="utf-8")
    return path


def power(name: str, kwh: float, **extra: object) -> dict:  # type: ignore[type-arg]
    return {"name": name, "amount": kwh, "unit": "kWh", "factor": "cn-national-2023", **extra}


def test_a_conforming_model_has_no_deviations(tmp_path: Path) -> None:
    """A model that follows every rule reports none."""
    model = {
        "product": {"name": "Kettle"},
        "declared_unit": {"amount": 1, "unit": "item"},
        "functional_unit": "boiling 1 L of water 5 times a day for 5 years",
        "boundary": "cradle-to-grave",
        "pcr": "rule.yaml",
        "stages": [
            {"name": "raw_material_acquisition", "activities": [power("parts", 1, data_type="primary")]},
            {"name": "production", "activities": [power("assembly", 1, data_type="primary")]},
            {"name": "use", "activities": [power("用电 electricity in use", 1, data_type="primary")]},
            {"name": "end_of_life", "activities": []},
        ],
    }
    assert compute(write(tmp_path, model)).pcr_deviations == []


def test_every_deviation_is_reported(tmp_path: Path) -> None:
    """Unit, functional unit, boundary, stages, activities, cut-off, allocation, GWP set and primary data."""
    model = {
        "product": {"name": "Kettle"},
        "declared_unit": {"amount": 2, "unit": "item"},
        "boundary": "cradle-to-gate",
        "gwp": "AR5",
        "pcr": "rule.yaml",
        "cut_off": {"max_exempted_percent": 5},
        "stages": [
            {"name": "raw_material_acquisition", "activities": [power("parts", 1), power("glue", 0.05, exempted=True)]},
            {"name": "production", "activities": [power("casting", 1, factor=None, process="cast")]},
        ],
        "processes": [
            {
                "id": "cast",
                "outputs": [
                    {"product": "body", "amount": 1, "unit": "kWh", "value": 3},
                    {"product": "scrap", "amount": 1, "unit": "kWh", "value": 1},
                ],
                "allocation": "economic",
                "inputs": [power("furnace", 2)],
            }
        ],
    }
    found = compute(write(tmp_path, model)).pcr_deviations
    assert found == [
        "declared_unit: 2 item, PCR test-kettle asks for 1 item",
        "functional_unit: PCR test-kettle requires a functional unit",
        "boundary: cradle-to-gate, PCR test-kettle asks for cradle-to-grave",
        "stages: PCR test-kettle requires a stage 'use'",
        "stages: PCR test-kettle requires a stage 'end_of_life'",
        "stages: PCR test-kettle requires in stage 'use' an activity named like electricity / 电 (kettles use power)",
        "cut_off: PCR test-kettle allows at most 1 % exempted emissions; the model exempts 1.96 %",
        "processes[0].allocation: economic, PCR test-kettle allows mass",
        "gwp: AR5, PCR test-kettle asks for AR6",
        "primary data: 0% of the footprint, PCR test-kettle asks for at least 50%",
    ]


def test_pcr_files_are_checked(tmp_path: Path) -> None:
    """A missing PCR and a malformed one are errors that say where and what."""
    with pytest.raises(DataFormatError, match=r"'nope\.yaml' is neither a shipped PCR"):
        load_pcr("nope.yaml", tmp_path)
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump({**RULE, "boundary": "cradle-to-moon", "colour": 1}))
    with pytest.raises(DataFormatError) as info:
        load_pcr("bad.yaml", tmp_path)
    assert "boundary: Input should be 'cradle-to-gate'" in str(info.value)
    assert "colour: unknown field" in str(info.value)


def test_shipped_pcrs_load() -> None:
    """Every shipped PCR is valid and says where its rules come from."""
    for name in shipped_pcrs():
        rule = load_pcr(name)
        assert rule.id == name and rule.source and rule.stages


def test_pcr_that_is_not_utf8(tmp_path: Path) -> None:
    """A PCR file in another encoding is named, not a traceback."""
    (tmp_path / "latin.yaml").write_bytes("name: caf\xe9\n".encode("latin-1"))
    with pytest.raises(DataFormatError, match="cannot be read as UTF-8 text"):
        load_pcr("latin.yaml", tmp_path)
